// Package sse writes live broker events to HTTP clients as Server-Sent
// Events. The API's bearer-token stream, the desk console's cookie stream
// and the lobby screen's token stream all run on it; each says only which
// topics it follows, what ends it and how its sign-in is checked again.
package sse

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http/httputil"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"houqin/models/store"
)

// Subscriber hands out live event subscriptions; push.Broker satisfies it.
// The channel closes when the subscriber falls behind; the client then
// reconnects.
type Subscriber interface {
	Subscribe(topics ...string) (<-chan store.LiveEvent, func())
}

const (
	// DefaultHeartbeat keeps proxies from closing an idle stream and finds
	// clients that went away.
	DefaultHeartbeat = 25 * time.Second
	// DefaultMaxAge ends a stream after an access token's lifetime, so that
	// a signed-out or deactivated caller stops receiving; the client
	// reconnects and is checked anew.
	DefaultMaxAge = 15 * time.Minute
	// retryMillis is how soon an EventSource reconnects after a drop.
	retryMillis = 3000
)

// Stream is what one client follows and what ends its stream.
type Stream struct {
	// Topics maps broker topics to the names the client sees in each
	// event's "topic" field.
	Topics map[string]string
	// IDTopic is the broker topic whose events carry ids (the inbox), so
	// that Last-Event-ID names one of them; "" for none.
	IDTopic string
	// Ends are broker topics any event of which ends the stream (the
	// caller signed out, the screen was revoked).
	Ends []string
	// Replay, when set, is read once subscribed (so nothing falls in
	// between) and sent first; live duplicates of its ids are dropped.
	Replay func() ([]store.LiveEvent, error)
	// StillValid is checked at every heartbeat: an error ends the stream
	// (a sign-out on another replica is seen this way).
	StillValid func(context.Context) error
	Heartbeat  time.Duration // 0: DefaultHeartbeat
	MaxAge     time.Duration // 0: DefaultMaxAge
	// Owner names who holds the stream ("user:7", "screen:3"); Owners,
	// when set, counts each owner's streams and refuses one past
	// MaxPerOwner.
	Owner  string
	Owners *Owners
}

// Serve subscribes to s's topics and takes the connection over to stream
// them. It returns at once; the stream runs until the client goes away,
// an end topic fires, StillValid fails, the stream ages out or the server
// shuts down.
func Serve(c *fiber.Ctx, live Subscriber, s Stream) error {
	done := func() {}
	if s.Owners != nil {
		if err := s.Owners.acquire(s.Owner); err != nil {
			return err
		}
		done = func() { s.Owners.release(s.Owner) }
	}
	names := append([]string(nil), s.Ends...)
	for t := range s.Topics {
		names = append(names, t)
	}
	events, cancel := live.Subscribe(names...)
	var replay []store.LiveEvent
	if s.Replay != nil {
		var err error
		if replay, err = s.Replay(); err != nil {
			cancel()
			done()
			return err
		}
	}
	if s.Heartbeat <= 0 {
		s.Heartbeat = DefaultHeartbeat
	}
	if s.MaxAge <= 0 {
		s.MaxAge = DefaultMaxAge
	}
	if s.StillValid == nil {
		s.StillValid = func(context.Context) error { return nil }
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	st := &stream{Stream: s, events: events, encode: c.App().Config().JSONEncoder, shutdown: c.Context().Done()}
	// The stream takes the connection over instead of streaming a body
	// through fasthttp, which would hold a second goroutine, a pipe and their
	// buffers for every open stream: a phone's stream costs a third of the
	// memory this way. The head is the one the middleware prepared. A server
	// that keeps hijacked connections (api's does) lets the request's
	// context and read buffer go once the head is out, and the stream runs
	// on in its own goroutine and closes the connection itself; another
	// closes it once the hijack handler returns, so the stream runs there.
	resp, conn := &c.Context().Response, c.Context().Conn()
	keep := c.App().Server().KeepHijackedConns
	c.Context().HijackSetNoResponse(true)
	c.Context().Hijack(func(net.Conn) {
		w, ok := st.open(conn, &resp.Header, replay)
		run := func() {
			defer done()
			defer cancel()
			if keep {
				defer conn.Close()
			}
			if !ok {
				return
			}
			gone, stop := hangUp(conn)
			defer stop()
			st.run(w, gone)
		}
		if keep {
			go run()
		} else {
			run()
		}
	})
	return nil
}

// stream is one open live stream.
type stream struct {
	Stream
	events   <-chan store.LiveEvent
	encode   func(any) ([]byte, error)
	shutdown <-chan struct{} // closed when the server shuts down
	// replayed are the ids sent from the replay. Only they are duplicates:
	// ids are not committed in order (MySQL), so a live entry with a lower
	// id than one already sent is new, not a repeat.
	replayed map[int64]bool
}

// streamBuffer is the write buffer of a stream: an event is a few hundred
// bytes, and a larger one goes out directly.
const streamBuffer = 1024

// writeTimeout bounds how long a stream waits for a client that stopped
// reading: it ends instead of holding its goroutine.
const writeTimeout = 10 * time.Second

func (s *stream) ends(topic string) bool {
	for _, t := range s.Ends {
		if t == topic {
			return true
		}
	}
	return false
}

// writer is an open stream's side of the connection: chunks of the body,
// each flushed as it is written.
type writer struct {
	conn net.Conn
	buf  *bufio.Writer
	body io.WriteCloser
}

// send writes one chunk; false when the client went away or stopped reading.
func (w *writer) send(b []byte) bool {
	_ = w.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := w.body.Write(b)
	return err == nil && w.buf.Flush() == nil
}

// open writes the response head, the reconnect delay and the replayed
// events.
func (s *stream) open(conn net.Conn, head *fasthttp.ResponseHeader, replay []store.LiveEvent) (*writer, bool) {
	w := &writer{conn: conn, buf: bufio.NewWriterSize(conn, streamBuffer)}
	writeHead(w.buf, head)
	w.body = httputil.NewChunkedWriter(w.buf)
	buf := append([]byte("retry: "), strconv.Itoa(retryMillis)...)
	buf = append(buf, "\n\n"...)
	if len(replay) > 0 {
		s.replayed = make(map[int64]bool, len(replay))
	}
	for _, ev := range replay {
		buf = AppendEvent(buf, s.encode, s.Topics[ev.Topic], ev.ID, ev.Type, ev.Data)
		s.replayed[ev.ID] = true
	}
	return w, w.send(buf)
}

// run writes live events until the stream ends, then the body's last
// chunk, so that the client sees a clean end rather than an error.
func (s *stream) run(w *writer, gone <-chan struct{}) {
	defer func() {
		_ = w.body.Close()
		_, _ = w.buf.WriteString("\r\n")
		_ = w.buf.Flush()
	}()
	tick := time.NewTicker(s.Heartbeat)
	defer tick.Stop()
	expire := time.NewTimer(s.MaxAge)
	defer expire.Stop()
	var buf []byte
	for {
		buf = buf[:0]
		select {
		case ev, ok := <-s.events:
			var more bool
			if buf, more = s.add(buf, ev, ok); !more {
				return
			}
			// Take the events already waiting too: a stream that runs late
			// (a busy server) catches up in one write rather than one each.
			for more {
				select {
				case ev, ok := <-s.events:
					if buf, more = s.add(buf, ev, ok); !more {
						w.send(buf)
						return
					}
				default:
					more = false
				}
			}
			if len(buf) == 0 {
				continue // only events it had replayed
			}
		case <-tick.C:
			if s.StillValid(context.Background()) != nil {
				return
			}
			buf = append(buf, ": heartbeat\n\n"...)
		case <-gone:
			return // the client went away: free its subscription at once
		case <-s.shutdown:
			return // let the server stop; clients reconnect to another replica
		case <-expire.C:
			return
		}
		if !w.send(buf) {
			return // the client went away or stopped reading
		}
	}
}

// add appends ev to buf unless the stream has replayed it already, and
// reports false when the stream ends with it (the channel closed, or an
// event that ends it).
func (s *stream) add(buf []byte, ev store.LiveEvent, ok bool) ([]byte, bool) {
	if !ok || s.ends(ev.Topic) {
		return buf, false
	}
	id := int64(0)
	if s.IDTopic != "" && ev.Topic == s.IDTopic {
		if s.replayed[ev.ID] {
			return buf, true
		}
		id = ev.ID
	}
	return AppendEvent(buf, s.encode, s.Topics[ev.Topic], id, ev.Type, ev.Data), true
}

// writeHead writes the head the middleware prepared, for a chunked body
// that lasts as long as the stream.
func writeHead(w *bufio.Writer, h *fasthttp.ResponseHeader) {
	_, _ = w.WriteString("HTTP/1.1 200 OK\r\n")
	h.VisitAll(func(k, v []byte) {
		switch string(k) {
		case fiber.HeaderContentLength, fiber.HeaderTransferEncoding, fiber.HeaderConnection:
			return
		}
		_, _ = w.Write(k)
		_, _ = w.WriteString(": ")
		_, _ = w.Write(v)
		_, _ = w.WriteString("\r\n")
	})
	_, _ = w.WriteString("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
}

// hangUp returns a channel closed when the client closes the connection,
// and a stop that ends the watch and waits for it. Without it a dropped
// phone is noticed only when a write fails, a heartbeat or two later, and
// its stream holds memory meanwhile. An SSE client sends nothing after its
// request, so any read ends the stream. It reads the raw connection, not
// the server's buffered reader, which goes back to a pool for other
// connections once the stream ends.
func hangUp(conn net.Conn) (gone <-chan struct{}, stop func()) {
	done := make(chan struct{})
	_ = conn.SetReadDeadline(time.Time{}) // the request's read timeout is over
	go func() {
		defer close(done)
		var b [1]byte
		_, _ = conn.Read(b[:])
	}()
	return done, func() {
		_ = conn.SetReadDeadline(time.Now())
		<-done
	}
}

// AppendEvent appends one SSE event; id 0 writes none (only inbox entries
// carry ids, so Last-Event-ID always names an inbox entry). Data the broker
// has already encoded (json.RawMessage) is wrapped as it is, so an event
// going to many streams is encoded once, not once per stream.
func AppendEvent(buf []byte, encode func(any) ([]byte, error), topic string, id int64, typ string, data any) []byte {
	if id > 0 {
		buf = append(buf, "id: "...)
		buf = strconv.AppendInt(buf, id, 10)
		buf = append(buf, '\n')
	}
	buf = append(buf, "event: "...)
	buf = append(buf, typ...)
	buf = append(buf, "\ndata: "...)
	if raw, ok := data.(json.RawMessage); ok && len(raw) > 0 && plain(topic) && plain(typ) {
		buf = append(buf, `{"topic":"`...)
		buf = append(buf, topic...)
		buf = append(buf, `","type":"`...)
		buf = append(buf, typ...)
		buf = append(buf, `","data":`...)
		buf = append(buf, raw...)
		buf = append(buf, '}')
	} else {
		b, err := encode(struct {
			Topic string `json:"topic"`
			Type  string `json:"type"`
			Data  any    `json:"data"`
		}{topic, typ, data})
		if err != nil {
			b = []byte(`{"topic":"` + topic + `","type":"error"}`)
		}
		buf = append(buf, b...)
	}
	return append(buf, "\n\n"...)
}

// plain reports whether s stands in a JSON string as it is: printable
// ASCII that the API's encoder would not escape. Topic names and event
// types always are.
func plain(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
