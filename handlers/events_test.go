package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"houqin/api"
	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
	"houqin/push/sse"
)

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	ID, Event string
	Data      struct {
		Topic string          `json:"topic"`
		Type  string          `json:"type"`
		Data  json.RawMessage `json:"data"`
	}
}

// siteZone is the test server's time zone (the default HOUQIN_TIMEZONE).
var siteZone, _ = time.LoadLocation("Asia/Shanghai")

// stream is a live /events connection through a real listener.
type stream struct {
	t      *testing.T
	events chan sseEvent
	cancel context.CancelFunc
}

// serve starts the app on a loopback listener and returns its base URL.
func serve(t *testing.T, env *apitest.Env) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = env.Server.App.Listener(ln) }()
	t.Cleanup(func() { _ = env.Server.App.ShutdownWithTimeout(time.Second) })
	return "http://" + ln.Addr().String()
}

// open connects and waits until the server has subscribed (it sends the
// retry line right after subscribing).
func open(t *testing.T, base, token, topics, lastID string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/events?topics="+topics, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("events: %d %v", resp.StatusCode, resp.Header)
	}
	s := &stream{t: t, events: make(chan sseEvent, 100), cancel: cancel}
	raw, ready := apitest.ReadSSE(resp.Body)
	go func() {
		defer close(s.events)
		for r := range raw {
			ev := sseEvent{ID: r.ID, Event: r.Event}
			if err := json.Unmarshal([]byte(r.Data), &ev.Data); err != nil {
				t.Errorf("bad data line %q", r.Data)
			}
			apitest.CheckTimes(t, siteZone, "event "+r.Data, []byte(r.Data))
			s.events <- ev
		}
	}()
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream never started")
	}
	t.Cleanup(cancel)
	return s
}

// next returns the next event, failing when none comes.
func (s *stream) next() sseEvent {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			s.t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		s.t.Fatal("no event arrived")
	}
	return sseEvent{}
}

func TestEvents(t *testing.T) {
	env := apitest.New(t)
	base := serve(t, env)
	a, b := env.NewUser(store.RoleStaff), env.NewUser(store.RoleStaff)
	notice := func(title string) notify.Notice {
		return notify.Notice{Category: notify.CategoryRepair, Type: "repair.assigned", Title: title,
			Data: notify.StringMap{"type": "repair", "id": "7", "status": "assigned"}}
	}

	t.Run("bad topics are refused", func(t *testing.T) {
		for _, q := range []string{"user:1", "route:abc", "weather:3", "me,,route:1", "route:0"} {
			apitest.Expect(t, env.Get("/api/v1/events?topics="+q, a.Token), 400, "validation_failed")
		}
		apitest.Expect(t, env.Get("/api/v1/events", ""), 401, "unauthorized")
	})

	var lastSeen string
	t.Run("an inbox entry published after subscribing arrives, and only to its user", func(t *testing.T) {
		sa := open(t, base, a.Token, "me", "")
		sb := open(t, base, b.Token, "me,route:3", "")
		notifyUsers(t, env, notice("报修已派单"), a.ID)
		env.Server.Broker.Publish(store.LiveEvent{Topic: "route:3", Type: "trip.status", Data: map[string]any{"trip_id": 9, "status": "departed"}})

		ev := sa.next()
		var n struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		}
		if err := json.Unmarshal(ev.Data.Data, &n); err != nil {
			t.Fatal(err)
		}
		if ev.Event != "notification" || ev.Data.Topic != "me" || n.Title != "报修已派单" || ev.ID == "" {
			t.Fatalf("event %+v", ev)
		}
		lastSeen = ev.ID
		// b follows route:3 and its own inbox: it sees the route event and
		// never a's notification.
		got := sb.next()
		if got.Data.Topic != "route:3" || got.Event != "trip.status" {
			t.Fatalf("b got %+v, want only the route event", got)
		}
		notifyUsers(t, env, notice("给B的通知"), b.ID)
		if got := sb.next(); got.Data.Topic != "me" || !strings.Contains(string(got.Data.Data), "给B的通知") {
			t.Fatalf("b got %+v, want its own notification", got)
		}
		sa.cancel()
	})

	t.Run("a reconnect with Last-Event-ID gets what it missed", func(t *testing.T) {
		notifyUsers(t, env, notice("错过的第一条"), a.ID)
		notifyUsers(t, env, notice("错过的第二条"), a.ID)
		notifyUsers(t, env, notice("给B的另一条"), b.ID)
		s := open(t, base, a.Token, "me", lastSeen)
		first, second := s.next(), s.next()
		if !strings.Contains(string(first.Data.Data), "错过的第一条") || !strings.Contains(string(second.Data.Data), "错过的第二条") {
			t.Fatalf("replayed %s then %s", first.Data.Data, second.Data.Data)
		}
		notifyUsers(t, env, notice("新的一条"), a.ID)
		if ev := s.next(); !strings.Contains(string(ev.Data.Data), "新的一条") {
			t.Fatalf("live after replay: %s", ev.Data.Data)
		}
	})

	t.Run("an entry committed after a newer id still arrives", func(t *testing.T) {
		s := open(t, base, a.Token, "me", "")
		for _, n := range []notify.Notification{{ID: 1_000_002, Title: "先提交"}, {ID: 1_000_001, Title: "后提交"}} {
			n.UserID, n.CreatedAt = a.ID, env.Clock.Now()
			env.Server.Broker.Publish(notify.Inboxed{Notification: n}.Live())
		}
		first, second := s.next(), s.next()
		if first.ID != "1000002" || second.ID != "1000001" || !strings.Contains(string(second.Data.Data), "后提交") {
			t.Fatalf("got %s %s then %s %s", first.ID, first.Data.Data, second.ID, second.Data.Data)
		}
	})

	t.Run("a reconnect gets an entry that committed late with a lower id", func(t *testing.T) {
		// MySQL hands out ids at insert: the stream may already have sent
		// the newer entry when the older one commits. Here the late one is
		// inserted with its lower id after the client saw the newer id.
		notifyUsers(t, env, notice("先插入后提交"), a.ID)
		notifyUsers(t, env, notice("后插入先提交"), a.ID)
		inbox := env.Inbox(a.ID)
		late, seen := inbox[1], inbox[0] // newest first
		if late.ID >= seen.ID {
			t.Fatalf("inbox order: %d then %d", late.ID, seen.ID)
		}
		err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
			if err := tx.Delete(&notify.Notification{}, late.ID).Error; err != nil {
				return err
			}
			return tx.Create(&late).Error // the late commit, with the id it was given earlier
		})
		if err != nil {
			t.Fatal(err)
		}
		s := open(t, base, a.Token, "me", fmt.Sprint(seen.ID))
		for range 10 {
			if ev := s.next(); ev.ID == fmt.Sprint(late.ID) {
				return
			}
		}
		t.Fatalf("entry %d, committed after %d was streamed, never arrived after the reconnect", late.ID, seen.ID)
	})

	t.Run("a closed stream unsubscribes", func(t *testing.T) {
		s := open(t, base, b.Token, "canteen:2", "")
		if env.Server.Broker.Subscribers("canteen:2") != 1 {
			t.Fatal("not subscribed")
		}
		s.cancel()
		deadline := time.Now().Add(5 * time.Second)
		for env.Server.Broker.Subscribers("canteen:2") != 0 {
			if time.Now().After(deadline) {
				t.Fatal("the subscription outlived the connection")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// ended waits for the server to close the stream.
func (s *stream) ended(within time.Duration) {
	s.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return
			}
			s.t.Fatalf("the stream delivered %s %s after the sign-in ended", ev.Event, ev.Data.Data)
		case <-deadline:
			s.t.Fatalf("the stream still runs %v after the sign-in ended", within)
		}
	}
}

// TestClosedStreamIsFreedWithinSeconds: with production's heartbeat (no
// write for 25 s to find the client gone), a client that hangs up still
// frees its stream's subscription and goroutines within 5 s.
func TestClosedStreamIsFreedWithinSeconds(t *testing.T) {
	env := apitest.New(t, func(c *api.Config) { c.EventHeartbeat = sse.DefaultHeartbeat })
	base := serve(t, env)
	u := env.NewUser(store.RoleStaff)
	s := open(t, base, u.Token, "canteen:2", "")
	if env.Server.Broker.Subscribers("canteen:2") != 1 || streamGoroutines() == 0 {
		t.Fatal("not streaming")
	}
	s.cancel()
	deadline := time.Now().Add(5 * time.Second)
	for env.Server.Broker.Subscribers("canteen:2") != 0 || streamGoroutines() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after the hang-up: %d subscribers, %d stream goroutines",
				env.Server.Broker.Subscribers("canteen:2"), streamGoroutines())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// streamGoroutines counts the goroutines running a live stream.
func streamGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for g := range bytes.SplitSeq(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte("houqin/push/sse.")) {
			n++
		}
	}
	return n
}

func TestEventsStopWhenTheSignInEnds(t *testing.T) {
	env := apitest.New(t)
	base := serve(t, env)
	admin := env.NewUser(store.RoleAdmin)
	notice := notify.Notice{Category: notify.CategoryRepair, Type: "repair.assigned", Title: "停用后不应送达",
		Data: notify.StringMap{"type": "repair", "id": "7", "status": "assigned"}}

	for name, change := range map[string]map[string]any{
		"deactivated":  {"active": false},
		"password set": {"password": "a-new-password"},
	} {
		t.Run(name, func(t *testing.T) {
			u := env.NewUser()
			s := open(t, base, u.Token, "me,route:3", "")
			apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", u.ID), admin.Token, change), http.StatusOK)
			notifyUsers(t, env, notice, u.ID)
			env.Server.Broker.Publish(store.LiveEvent{Topic: "route:3", Type: "trip.status", Data: map[string]any{"trip_id": 9}})
			s.ended(time.Second)
		})
	}

	t.Run("deactivated on another replica", func(t *testing.T) {
		u := env.NewUser()
		s := open(t, base, u.Token, "route:3", "")
		// Straight in the database: no event reaches this process.
		if err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
			return tx.Exec("UPDATE users SET active = ? WHERE id = ?", false, u.ID).Error
		}); err != nil {
			t.Fatal(err)
		}
		s.ended(5 * time.Second)
	})
}

func TestEventsStreamsPerUserAreBounded(t *testing.T) {
	// No heartbeat within the test: only noticing the hang-up itself can
	// free a closed stream's place.
	env := apitest.New(t, func(c *api.Config) { c.EventHeartbeat = time.Hour })
	base := serve(t, env)
	u, other := env.NewUser(), env.NewUser()
	// try opens a stream and closes it at once, returning its status.
	try := func(token string) int {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode
	}
	streams := make([]*stream, sse.MaxPerOwner)
	for i := range streams {
		streams[i] = open(t, base, u.Token, "me", "")
	}
	if s := try(u.Token); s != http.StatusTooManyRequests {
		t.Fatalf("one stream more answered %d, want 429", s)
	}
	apitest.Expect(t, env.Get("/api/v1/events", u.Token), http.StatusTooManyRequests, "rate_limited")
	open(t, base, other.Token, "me", "") // others are not affected

	// Closing one makes room for another within seconds.
	streams[0].cancel()
	deadline := time.Now().Add(5 * time.Second)
	for s := try(u.Token); s != http.StatusOK; s = try(u.Token) {
		if s != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("after closing a stream, a new one answered %d", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
