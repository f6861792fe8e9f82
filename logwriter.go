package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logWriter batches log lines into few writes, each line at most
// flushEvery late (a crash loses no more than that). The access log writes
// a line per request, and a write(2) for each cost a hot read a large share
// of its throughput once the log went to a file or a pipe, as it does in
// every deployment.
type logWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

const flushEvery = 100 * time.Millisecond

func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.flushLoop()
	return l
}

// Write takes one whole line (slog writes each record in one call).
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.buf.Flush()
}

func (l *logWriter) flushLoop() {
	defer close(l.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.flush()
		case <-l.stop:
			l.flush()
			return
		}
	}
}

// Close writes what is buffered and stops the flushing.
func (l *logWriter) Close() {
	close(l.stop)
	<-l.done
}
