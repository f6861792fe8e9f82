package handlers

import (
	"bufio"
	"context"
	"net"
	"net/http/httputil"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// Subscriber hands out live event subscriptions; push.Broker satisfies it.
// The channel closes when the subscriber falls behind; the client then
// reconnects with Last-Event-ID.
type Subscriber interface {
	Subscribe(topics ...string) (<-chan store.LiveEvent, func())
}

const (
	// DefaultHeartbeat keeps proxies from closing an idle stream and finds
	// clients that went away.
	DefaultHeartbeat = 25 * time.Second
	maxTopics        = 10
	// maxStreamAge ends a stream after an access token's lifetime, so that a
	// signed-out or deactivated user stops receiving; the client reconnects
	// with a fresh token and Last-Event-ID, losing nothing of its inbox.
	maxStreamAge = 15 * time.Minute
	// maxResume bounds how many missed inbox entries a reconnect replays.
	maxResume = 500
	// MaxStreamsPerUser bounds one user's open streams on one server: a
	// phone, a tablet and a desk screen or two, not a thousand sockets.
	MaxStreamsPerUser = 5
)

// streamCounts counts each user's open streams; a user without one has no
// entry, so the map never outgrows the streams.
type streamCounts struct {
	mu sync.Mutex
	n  map[int64]int
}

func (s *streamCounts) acquire(userID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[userID] >= MaxStreamsPerUser {
		return store.Errorf(store.CodeRateLimited, "you have %d live streams open, the most one person may; close one first", MaxStreamsPerUser)
	}
	if s.n == nil {
		s.n = map[int64]int{}
	}
	s.n[userID]++
	return nil
}

func (s *streamCounts) release(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[userID]--; s.n[userID] <= 0 {
		delete(s.n, userID)
	}
}

// topicKinds are the subscribable kinds besides "me"; any signed-in user
// may follow them.
var topicKinds = map[string]bool{"route": true, "canteen": true}

// parseTopics turns ?topics= into broker topics, mapped back to the names
// the client used. "me" is the caller's own inbox and nobody else's.
func parseTopics(raw string, userID int64) (map[string]string, error) {
	out := map[string]string{}
	for t := range strings.SplitSeq(raw, ",") {
		t = strings.TrimSpace(t)
		if t == "me" {
			out[notify.TopicUser(userID)] = "me"
			continue
		}
		kind, id, ok := strings.Cut(t, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || !topicKinds[kind] || err != nil || n <= 0 {
			return nil, store.InvalidField("topics", "%q is not a topic: use me, route:ID or canteen:ID", t)
		}
		name := kind + ":" + strconv.FormatInt(n, 10)
		out[name] = name
	}
	if len(out) > maxTopics {
		return nil, store.InvalidField("topics", "at most %d topics", maxTopics)
	}
	return out, nil
}

// Stream streams live events as Server-Sent Events: the caller's new inbox
// entries (topic me, with ids; a reconnect with Last-Event-ID first replays
// what it missed) and domain events of the other topics.
func (h *Events) Stream(c *fiber.Ctx) error {
	u := UserFrom(c)
	topics, err := parseTopics(c.Query("topics", "me"), u.ID)
	if err != nil {
		return err
	}
	var lastID int64
	if h := c.Get("Last-Event-ID"); h != "" {
		if lastID, err = strconv.ParseInt(h, 10, 64); err != nil || lastID < 0 {
			return store.InvalidField("Last-Event-ID", "must be an event id this stream sent")
		}
	}
	if err := h.streams.acquire(u.ID); err != nil {
		return err
	}
	release := func() { h.streams.release(u.ID) }
	// The stream also hears of the caller's sign-ins ending, and ends.
	signedOut := people.TopicSignedOut(u.ID)
	names := []string{signedOut}
	for t := range topics {
		names = append(names, t)
	}
	stillSignedIn := StillSignedIn(c)
	events, cancel := h.live.Subscribe(names...)
	// Read what was missed after subscribing, so nothing falls in between;
	// live duplicates of replayed entries are dropped below.
	var missed []notify.Notification
	if _, me := topics[notify.TopicUser(u.ID)]; me && lastID > 0 {
		if missed, err = h.svc.Missed(c.UserContext(), u.ID, lastID, maxResume); err != nil {
			cancel()
			release()
			return err
		}
	}
	heartbeat := h.heartbeat
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	st := &stream{topics: topics, me: notify.TopicUser(u.ID), signedOut: signedOut, events: events,
		heartbeat: heartbeat, stillSignedIn: stillSignedIn, encode: c.App().Config().JSONEncoder,
		shutdown: c.Context().Done()}
	// The stream takes the connection over instead of streaming a body
	// through fasthttp, which would hold a second goroutine, a pipe and their
	// buffers for every open stream: a phone's stream costs a third of the
	// memory this way. The head is the one the middleware prepared.
	resp, raw := &c.Context().Response, c.Context().Conn()
	c.Context().HijackSetNoResponse(true)
	c.Context().Hijack(func(conn net.Conn) {
		defer release()
		defer cancel()
		gone, stop := hangUp(raw)
		defer stop()
		st.run(conn, &resp.Header, missed, gone)
	})
	return nil
}

// stream is one open live stream.
type stream struct {
	topics        map[string]string
	me, signedOut string
	events        <-chan store.LiveEvent
	heartbeat     time.Duration
	stillSignedIn func(context.Context) error
	encode        func(any) ([]byte, error)
	shutdown      <-chan struct{} // closed when the server shuts down
}

// streamBuffer is the write buffer of a stream: an event is a few hundred
// bytes, and a larger one goes out directly.
const streamBuffer = 1024

// writeTimeout bounds how long a stream waits for a client that stopped
// reading: it ends instead of holding its goroutine.
const writeTimeout = 10 * time.Second

// run writes the response head, the missed entries and then live events
// until the client goes away, the caller signs out, the stream ages out or
// the server shuts down.
func (s *stream) run(conn net.Conn, head *fasthttp.ResponseHeader, missed []notify.Notification, gone <-chan struct{}) {
	w := bufio.NewWriterSize(conn, streamBuffer)
	writeHead(w, head)
	body := httputil.NewChunkedWriter(w)
	var buf []byte
	send := func(b []byte) bool {
		_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		_, err := body.Write(b)
		return err == nil && w.Flush() == nil
	}
	defer func() { // a clean end: the last chunk, so the client sees no error
		_ = body.Close()
		_, _ = w.WriteString("\r\n")
		_ = w.Flush()
	}()
	buf = append(buf, "retry: 3000\n\n"...)
	// Only the replayed ids are duplicates: ids are not committed in order
	// (MySQL), so a live entry with a lower id than one already sent is new,
	// not a repeat.
	replayed := make(map[int64]bool, len(missed))
	for _, n := range missed {
		buf = appendEvent(buf, s.encode, "me", n.ID, "notification", n.Entry())
		replayed[n.ID] = true
	}
	if !send(buf) {
		return
	}
	tick := time.NewTicker(s.heartbeat)
	defer tick.Stop()
	expire := time.NewTimer(maxStreamAge)
	defer expire.Stop()
	for {
		buf = buf[:0]
		select {
		case ev, ok := <-s.events:
			if !ok || ev.Topic == s.signedOut {
				return
			}
			if ev.Topic == s.me && replayed[ev.ID] {
				continue
			}
			id := int64(0)
			if ev.Topic == s.me {
				id = ev.ID
			}
			buf = appendEvent(buf, s.encode, s.topics[ev.Topic], id, ev.Type, ev.Data)
		case <-tick.C:
			// A sign-out on another replica is seen here by the next beat.
			if s.stillSignedIn(context.Background()) != nil {
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
		if !send(buf) {
			return // the client went away or stopped reading
		}
	}
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

// appendEvent appends one SSE event; id 0 writes none (only inbox entries
// carry ids, so Last-Event-ID always names an inbox entry).
func appendEvent(buf []byte, encode func(any) ([]byte, error), topic string, id int64, typ string, data any) []byte {
	b, err := encode(struct {
		Topic string `json:"topic"`
		Type  string `json:"type"`
		Data  any    `json:"data"`
	}{topic, typ, data})
	if err != nil {
		b = []byte(`{"topic":"` + topic + `","type":"error"}`)
	}
	if id > 0 {
		buf = append(buf, "id: "...)
		buf = strconv.AppendInt(buf, id, 10)
		buf = append(buf, '\n')
	}
	buf = append(buf, "event: "...)
	buf = append(buf, typ...)
	buf = append(buf, "\ndata: "...)
	buf = append(buf, b...)
	return append(buf, "\n\n"...)
}
