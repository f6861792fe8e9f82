package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/store"
	"houqin/push/sse"
)

// liveStream is an open stream through a real listener.
type liveStream struct {
	t      *testing.T
	events <-chan apitest.SSEEvent
}

// openLive opens url with the browser's cookies and returns the response
// status and, when it is a stream, the stream (once the server subscribed:
// it sends the retry line right after).
func openLive(t *testing.T, b *browser, url string) (int, *liveStream) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	events, ready := apitest.ReadSSE(resp.Body)
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream never started")
	}
	return resp.StatusCode, &liveStream{t: t, events: events}
}

// expect waits for an event of typ whose data contains want.
func (s *liveStream) expect(typ, want string) {
	s.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				s.t.Fatalf("the stream ended before a %s event", typ)
			}
			if ev.Event == typ && strings.Contains(ev.Data, want) {
				return
			}
		case <-deadline:
			s.t.Fatalf("no %s event with %q arrived", typ, want)
		}
	}
}

// ends fails unless the stream ends within d.
func (s *liveStream) ends(d time.Duration) {
	s.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-deadline:
			s.t.Fatal("the stream is still open")
		}
	}
}

// TestDeskStreamTellsOfRepairChanges: the dispatcher's queue stream hears
// of a new request and of its steps, refuses everyone else, and ends with
// the sign-in.
func TestDeskStreamTellsOfRepairChanges(t *testing.T) {
	env := apitest.New(t)
	desk, caller, tech := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff), env.NewUser(store.RoleTechnician)
	base := apitest.Serve(t, env.Server.App)
	b := newBrowser(env)
	b.signIn(desk)
	status, s := openLive(t, b, base+"/console/repairs/live")
	if s == nil {
		t.Fatalf("the desk's stream: %d", status)
	}
	r := env.Post("/api/v1/repairs", caller.Token, map[string]any{"category": "water", "location": "3号楼", "description": "漏水"})
	apitest.Expect(t, r, http.StatusCreated)
	var created struct {
		ID     int64
		Ticket string
	}
	r.JSON(t, &created)
	s.expect("repair.changed", `"ticket":"`+created.Ticket+`","action":"create","status":"submitted"`)
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/repairs/%d/assign", created.ID), desk.Token, map[string]any{"technician_id": tech.ID}), http.StatusOK)
	s.expect("repair.changed", `"action":"assign","status":"assigned"`)

	for name, who := range map[string]*browser{"nobody": newBrowser(env), "a meeting desk": signedInAs(env, store.RoleMeetingAdmin)} {
		if status, s := openLive(t, who, base+"/console/repairs/live"); s != nil || status == http.StatusOK {
			t.Errorf("%s opened the desk's stream: %d", name, status)
		}
	}

	b.post("/console/repairs", "/console/logout", url.Values{})
	s.ends(2 * time.Second)
}

func signedInAs(env *apitest.Env, roles ...store.Role) *browser {
	b := newBrowser(env)
	b.signIn(env.NewUser(roles...))
	return b
}

// TestScreenStreamTellsOfAnnouncements: a screen's stream carries a new
// notice, and ends when the screen is revoked; it cannot be reopened.
func TestScreenStreamTellsOfAnnouncements(t *testing.T) {
	env := apitest.New(t)
	admin := env.NewUser(store.RoleAdmin)
	base := apitest.Serve(t, env.Server.App)
	console := newBrowser(env)
	console.signIn(admin)
	tok := issueScreen(t, console, "1号楼大厅")
	lobby := newBrowser(env)
	status, s := openLive(t, lobby, base+"/screen/"+tok+"/live")
	if s == nil {
		t.Fatalf("the screen's stream: %d", status)
	}
	r := env.Post("/api/v1/announcements", admin.Token, map[string]any{"title": "停水通知", "body": "明天上午停水"})
	apitest.Expect(t, r, http.StatusCreated)
	s.expect("announcement.published", `"topic":"announcements"`)

	list := console.get("/console/screens")
	revoke := revokePath.FindStringSubmatch(list.Body)
	if revoke == nil {
		t.Fatalf("no revoke form:\n%s", list.Body)
	}
	if p := console.post("/console/screens", revoke[1], url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.Status)
	}
	s.ends(2 * time.Second)
	if status, s := openLive(t, lobby, base+"/screen/"+tok+"/live"); s != nil || status != http.StatusNotFound {
		t.Errorf("a revoked screen's stream: %d", status)
	}
}

// TestStreamsPerOwnerAreBounded: a person's console streams count with
// their API streams, and a screen's token opens no more than its share;
// one more is refused with 429 and others are not affected.
func TestStreamsPerOwnerAreBounded(t *testing.T) {
	env := apitest.New(t)
	desk, admin := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleAdmin)
	base := apitest.Serve(t, env.Server.App)
	b := newBrowser(env)
	b.signIn(desk)
	// Four on the desk's phone through the API, one on the console.
	for range sse.MaxPerOwner - 1 {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/api/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+desk.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("API stream: %v %v", err, resp)
		}
		t.Cleanup(func() { resp.Body.Close() })
	}
	if status, s := openLive(t, b, base+"/console/repairs/live"); s == nil {
		t.Fatalf("the fifth stream, on the console: %d", status)
	}
	if status, s := openLive(t, b, base+"/console/repairs/live"); s != nil || status != http.StatusTooManyRequests {
		t.Errorf("a sixth stream: %d", status)
	}
	if status, s := openLive(t, signedInAs(env, store.RoleDispatcher), base+"/console/repairs/live"); s == nil {
		t.Errorf("another dispatcher's stream: %d", status)
	}

	console := newBrowser(env)
	console.signIn(admin)
	tok := issueScreen(t, console, "1号楼大厅")
	lobby := newBrowser(env)
	for i := range sse.MaxPerOwner {
		if status, s := openLive(t, lobby, base+"/screen/"+tok+"/live"); s == nil {
			t.Fatalf("screen stream %d: %d", i+1, status)
		}
	}
	if status, s := openLive(t, lobby, base+"/screen/"+tok+"/live"); s != nil || status != http.StatusTooManyRequests {
		t.Errorf("one screen stream more: %d", status)
	}
}
