package apitest

import (
	"bufio"
	"io"
	"strings"
)

// SSEEvent is one Server-Sent Event as a test reads it: its id (if any),
// type and data line.
type SSEEvent struct{ ID, Event, Data string }

// ReadSSE reads the events of a stream's body until it ends, and then
// closes both. started is closed when the server's retry line arrives:
// the streams send it once subscribed, so what happens after is heard.
func ReadSSE(body io.ReadCloser) (events <-chan SSEEvent, started <-chan struct{}) {
	out, ready := make(chan SSEEvent, 100), make(chan struct{})
	go func() {
		defer body.Close()
		defer close(out)
		r := bufio.NewReader(body)
		var ev SSEEvent
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			field, value, _ := strings.Cut(line, ": ")
			switch {
			case strings.HasPrefix(line, "retry:"):
				close(ready)
			case field == "id":
				ev.ID = value
			case field == "event":
				ev.Event = value
			case field == "data":
				ev.Data = value
			case line == "" && ev.Event != "":
				out <- ev
				ev = SSEEvent{}
			}
		}
	}()
	return out, ready
}
