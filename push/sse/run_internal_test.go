package sse

import (
	"bufio"
	"bytes"
	"net"
	"net/http/httputil"
	"strings"
	"testing"
	"time"

	"houqin/models/store"
)

// countingConn records what a stream writes, and in how many writes.
type countingConn struct {
	net.Conn
	writes int
	out    bytes.Buffer
}

func (c *countingConn) Write(p []byte) (int, error)      { c.writes++; return c.out.Write(p) }
func (c *countingConn) SetWriteDeadline(time.Time) error { return nil }

// TestLateStreamCatchesUpInOneWrite: events that queued while a stream was
// not running go out together, in one write, not in one write each.
func TestLateStreamCatchesUpInOneWrite(t *testing.T) {
	events := make(chan store.LiveEvent, 64)
	for i := range 10 {
		events <- store.LiveEvent{Topic: "route:1", Type: "trip.position", Data: map[string]int{"n": i}}
	}
	close(events) // the stream ends once it has written them
	conn := &countingConn{}
	buf := bufio.NewWriterSize(conn, streamBuffer)
	w := &writer{conn: conn, buf: buf, body: httputil.NewChunkedWriter(buf)}
	s := &stream{Stream: Stream{Topics: map[string]string{"route:1": "route"}, Heartbeat: time.Hour, MaxAge: time.Hour},
		events: events, encode: func(v any) ([]byte, error) { return []byte(`{}`), nil }, shutdown: make(chan struct{})}
	s.run(w, make(chan struct{}))
	if n := strings.Count(conn.out.String(), "event: trip.position"); n != 10 {
		t.Fatalf("%d events written, want 10:\n%s", n, conn.out.String())
	}
	// The ten events (whose 10 chunk lies in the buffer), then the body's
	// last chunk.
	if conn.writes > 2 {
		t.Errorf("10 waiting events took %d writes, want them in one (and one for the end)", conn.writes)
	}
}
