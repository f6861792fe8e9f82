package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// replicas starts two servers, A and B, on one MariaDB/MySQL database,
// joined through the Redis at addr, each on a loopback listener.
func replicas(t *testing.T, addr string) (a, b *apitest.Env, baseA, baseB string) {
	t.Helper()
	if os.Getenv("HOUQIN_TEST_MYSQL_DSN") == "" {
		t.Skip("replicas share one MariaDB/MySQL database: set HOUQIN_TEST_MYSQL_DSN")
	}
	apitest.RequireRedis(t, addr)
	prefix := apitest.RedisPrefix()
	a = apitest.New(t, apitest.WithRedis(addr, prefix))
	b = a.Replica(apitest.WithRedis(addr, prefix))
	baseA, baseB = apitest.Serve(t, a.Server.App), apitest.Serve(t, b.Server.App)
	waitReady(t, "ok", a, b)
	return a, b, baseA, baseB
}

// waitReady waits until every env's /readyz says status.
func waitReady(t *testing.T, status string, envs ...*apitest.Env) {
	t.Helper()
	for i, e := range envs {
		deadline := time.Now().Add(10 * time.Second)
		for {
			var got struct{ Status string }
			resp := e.Get("/readyz", "")
			resp.JSON(t, &got)
			if resp.Status == http.StatusOK && got.Status == status {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %d: /readyz %d %s, want 200 %q", i, resp.Status, resp.Body, status)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// liveEvent is one Server-Sent Event as a client received it.
type liveEvent struct {
	ID       int64
	Topic    string          `json:"topic"`
	Type     string          `json:"type"`
	Data     json.RawMessage `json:"data"`
	Received time.Time
}

// follow opens a live stream on base and, as EventSource does, reconnects
// with Last-Event-ID whenever it ends (after 50 ms rather than the 3 s the
// server suggests), until the test ends. It returns once the first stream
// is subscribed.
func follow(t *testing.T, base, token, topics string) <-chan liveEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	events := make(chan liveEvent, 1000)
	subscribed := make(chan struct{})
	go func() {
		var lastID int64
		first := true
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/events?topics="+topics, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if lastID > 0 {
				req.Header.Set("Last-Event-ID", strconv.FormatInt(lastID, 10))
			}
			if resp, err := http.DefaultClient.Do(req); err == nil {
				if resp.StatusCode == http.StatusOK {
					lastID = readEvents(resp, lastID, events, func() {
						if first {
							first = false
							close(subscribed)
						}
					})
				}
				resp.Body.Close()
			}
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	select {
	case <-subscribed:
	case <-time.After(10 * time.Second):
		t.Fatal("the live stream did not open within 10 s")
	}
	return events
}

// readEvents reads one stream until it ends and returns the last event id.
func readEvents(resp *http.Response, lastID int64, out chan<- liveEvent, subscribed func()) int64 {
	r := bufio.NewReader(resp.Body)
	var ev liveEvent
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return lastID
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "retry:"):
			subscribed()
		case strings.HasPrefix(line, "id: "):
			ev.ID, _ = strconv.ParseInt(line[len("id: "):], 10, 64)
		case strings.HasPrefix(line, "data: "):
			_ = json.Unmarshal([]byte(line[len("data: "):]), &ev)
		case line == "" && ev.Type != "":
			ev.Received = time.Now()
			if ev.ID > 0 {
				lastID = ev.ID
			}
			out <- ev
			ev = liveEvent{}
		}
	}
}

// next returns the next event of topic and type, failing after wait.
func next(t *testing.T, events <-chan liveEvent, topic, typ string, wait time.Duration) liveEvent {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case ev := <-events:
			if ev.Topic == topic && ev.Type == typ {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event on %s within %v", typ, topic, wait)
		}
	}
}

// testNotice has an admin on env put an inbox entry for userID (the admin
// test push) and returns its id.
func testNotice(t *testing.T, env *apitest.Env, admin apitest.User, userID int64) int64 {
	t.Helper()
	resp := env.Post("/api/v1/admin/push/test", admin.Token, map[string]any{"user_id": userID})
	apitest.Expect(t, resp, http.StatusAccepted)
	var out struct {
		NotificationID int64 `json:"notification_id"`
	}
	resp.JSON(t, &out)
	return out.NotificationID
}

// A rider's stream on B hears, within 100 ms of A answering, a trip status
// a driver posted to A and an inbox entry made on A.
func TestReplicasShareLiveEvents(t *testing.T) {
	a, _, _, baseB := replicas(t, apitest.LocalRedis)
	ctx := t.Context()
	admin, rider, driver := a.NewUser(store.RoleAdmin), a.NewUser(), a.NewUser(store.RoleDriver)
	route, err := a.Server.Shuttle.CreateRoute(ctx, shuttle.RouteInput{Name: "政法班车", Active: true,
		Stops: []shuttle.StopInput{{Name: "湖塘", Lat: 31.70, Lng: 119.95}, {Name: "区行政中心", Lat: 31.76, Lng: 119.95}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Server.Shuttle.CreateSchedule(ctx, route.ID, shuttle.ScheduleInput{DepartureMinute: 9*60 + 30, StopMinutes: store.Ints{0, 20},
		Weekdays: shuttle.WeekdaysOf(1, 2, 3, 4, 5, 6, 7), DriverID: &driver.ID, Active: true}); err != nil {
		t.Fatal(err)
	}
	trips, err := a.Server.Shuttle.ListTrips(ctx, a.Store.Today(), route.ID)
	if err != nil || len(trips) != 1 {
		t.Fatalf("%d trips: %v", len(trips), err)
	}
	topic := apitest.Path("route:%d", route.ID)
	events := follow(t, baseB, rider.Token, "me,"+topic)

	apitest.Expect(t, a.Post(apitest.Path("/api/v1/shuttle/trips/%d/status", trips[0].ID), driver.Token, map[string]any{"status": "boarding"}), http.StatusOK)
	answered := time.Now()
	if ev := next(t, events, topic, "trip.status", 5*time.Second); ev.Received.Sub(answered) > 100*time.Millisecond {
		t.Errorf("the trip status reached B %v after A answered, want within 100 ms", ev.Received.Sub(answered))
	}

	id := testNotice(t, a, admin, rider.ID)
	answered = time.Now()
	ev := next(t, events, "me", "notification", 5*time.Second)
	if ev.ID != id {
		t.Fatalf("B streamed inbox entry %d, want %d", ev.ID, id)
	}
	if d := ev.Received.Sub(answered); d > 100*time.Millisecond {
		t.Errorf("the inbox entry reached B %v after A answered, want within 100 ms", d)
	}
}

// A change to a user on A holds on B from the next request: deactivation,
// a role taken away, a password reset (which retires the old tokens).
func TestReplicasShareUserChanges(t *testing.T) {
	a, b, _, _ := replicas(t, apitest.LocalRedis)
	admin := a.NewUser(store.RoleAdmin)
	for name, c := range map[string]struct {
		roles  []store.Role
		patch  map[string]any
		path   string
		status int
		code   string
	}{
		"deactivated":    {nil, map[string]any{"active": false}, "/api/v1/me", http.StatusUnauthorized, "unauthorized"},
		"role taken":     {[]store.Role{store.RoleAdmin}, map[string]any{"roles": []string{"staff"}}, "/api/v1/users", http.StatusForbidden, "forbidden"},
		"password reset": {nil, map[string]any{"password": "a-new-password-1"}, "/api/v1/me", http.StatusUnauthorized, "unauthorized"},
	} {
		t.Run(name, func(t *testing.T) {
			u := a.NewUser(c.roles...)
			// B caches the user on a first request.
			apitest.Expect(t, b.Get(c.path, u.Token), http.StatusOK)
			apitest.Expect(t, a.Patch(apitest.Path("/api/v1/users/%d", u.ID), admin.Token, c.patch), http.StatusOK)
			apitest.Expect(t, b.Get(c.path, u.Token), c.status, c.code)
		})
	}
}

// Ten wrong passwords for one account from one address, five through each
// replica, use up the limit on both.
func TestReplicasShareLoginLimits(t *testing.T) {
	a, b, _, _ := replicas(t, apitest.LocalRedis)
	victim := a.NewUser()
	guess := func(env *apitest.Env) *apitest.Response {
		return env.Post("/api/v1/auth/login", "", map[string]string{"username": victim.Username, "password": "guess"})
	}
	for i := range 10 {
		env := a
		if i%2 == 1 {
			env = b
		}
		apitest.Expect(t, guess(env), http.StatusUnauthorized, "unauthorized")
	}
	for _, env := range []*apitest.Env{a, b} {
		resp := guess(env)
		apitest.Expect(t, resp, http.StatusTooManyRequests, "rate_limited")
		if resp.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
}

// A menu published on A is served by B at once, under a new ETag.
func TestReplicasShareMenuChanges(t *testing.T) {
	a, b, _, _ := replicas(t, apitest.LocalRedis)
	admin, staff := a.NewUser(store.RoleCanteenAdmin), a.NewUser()
	resp := a.Post("/api/v1/canteens", admin.Token, map[string]any{"name": "机关食堂", "location": "1号楼"})
	apitest.Expect(t, resp, http.StatusCreated)
	var canteen struct{ ID int64 }
	resp.JSON(t, &canteen)
	resp = a.Post("/api/v1/dishes", admin.Token, map[string]any{"name": "红烧肉", "category": "meat", "price_cents": 1200})
	apitest.Expect(t, resp, http.StatusCreated)
	var dish struct{ ID int64 }
	resp.JSON(t, &dish)
	menu := apitest.Path("/api/v1/canteens/%d/menus/2026-12-02/lunch", canteen.ID)
	apitest.Expect(t, a.Put(menu, admin.Token, map[string]any{"items": []map[string]any{{"dish_id": dish.ID}}}), http.StatusOK)

	read := apitest.Path("/api/v1/canteens/%d/menus?date=2026-12-02", canteen.ID)
	before := b.Get(read, staff.Token) // B caches the menu without the draft
	apitest.Expect(t, before, http.StatusOK)
	apitest.Expect(t, a.Post(menu+"/publish", admin.Token, nil), http.StatusOK)
	after := b.Do(apitest.Request{Method: http.MethodGet, Path: read, Token: staff.Token,
		Headers: map[string]string{"If-None-Match": before.Header.Get("ETag")}})
	apitest.Expect(t, after, http.StatusOK)
	if after.Header.Get("ETag") == before.Header.Get("ETag") {
		t.Fatalf("B answered the published menu under the old ETag %s", after.Header.Get("ETag"))
	}
	if !strings.Contains(string(after.Body), "红烧肉") {
		t.Fatalf("B served the menu without the published lunch: %s", after.Body)
	}
}

// A timetable edit and a trip's status made on A show at once in B's
// cached trips list: the change is broadcast and B drops its copy before
// A answers.
func TestReplicasShareShuttleChanges(t *testing.T) {
	a, b, _, _ := replicas(t, apitest.LocalRedis)
	admin, driver, staff := a.NewUser(store.RoleAdmin), a.NewUser(store.RoleDriver), a.NewUser()
	resp := a.Post("/api/v1/shuttle/routes", admin.Token, map[string]any{"name": "政法班车", "stops": []map[string]any{
		{"name": "湖塘", "lat": 31.70, "lng": 119.95}, {"name": "区行政中心", "lat": 31.78, "lng": 119.95}}})
	apitest.Expect(t, resp, http.StatusCreated)
	var route struct{ ID int64 }
	resp.JSON(t, &route)
	resp = a.Post(apitest.Path("/api/v1/shuttle/routes/%d/schedules", route.ID), admin.Token, map[string]any{"departure": "09:30",
		"stop_minutes": []int{0, 20}, "weekdays": []int{1, 2, 3, 4, 5, 6, 7}, "vehicle_plate": "苏D·A3721", "vehicle_seats": 33, "driver_id": driver.ID})
	apitest.Expect(t, resp, http.StatusCreated)
	var sched struct{ ID int64 }
	resp.JSON(t, &sched)
	trips := func() []struct {
		ID           int64
		DelayMinutes int `json:"delay_minutes"`
		Vehicle      struct{ Plate string }
	} {
		t.Helper()
		var out struct {
			Items []struct {
				ID           int64
				DelayMinutes int `json:"delay_minutes"`
				Vehicle      struct{ Plate string }
			}
		}
		b.Get("/api/v1/shuttle/trips", staff.Token).JSON(t, &out)
		return out.Items
	}
	first := trips() // B caches today's list
	if len(first) != 1 {
		t.Fatalf("%d trips today", len(first))
	}
	apitest.Expect(t, a.Patch(apitest.Path("/api/v1/shuttle/schedules/%d", sched.ID), admin.Token, map[string]any{"vehicle_plate": "苏D·B1234"}), http.StatusOK)
	if got := trips(); got[0].Vehicle.Plate != "苏D·B1234" {
		t.Fatalf("B served plate %q after A's edit", got[0].Vehicle.Plate)
	}
	apitest.Expect(t, a.Post(apitest.Path("/api/v1/shuttle/trips/%d/status", first[0].ID), driver.Token,
		map[string]any{"status": "scheduled", "delay_minutes": 8}), http.StatusOK)
	if got := trips(); got[0].DelayMinutes != 8 {
		t.Fatalf("B served a delay of %d after A's report", got[0].DelayMinutes)
	}
}

// With Redis gone mid-run (a redis-server of the test's own, killed),
// both replicas answer every request, say "degraded: redis", keep every
// inbox entry, and count logins alone; once Redis is back, live events
// flow from A to B again and the stream on B has every entry, the ones
// made during the outage replayed on reconnect.
func TestReplicasOutliveRedis(t *testing.T) {
	redis := apitest.StartRedis(t)
	a, b, _, baseB := replicas(t, redis.Addr)
	admin, rider := a.NewUser(store.RoleAdmin), a.NewUser()
	events := follow(t, baseB, rider.Token, "me")
	var sent []int64
	notice := func() {
		t.Helper()
		sent = append(sent, testNotice(t, a, admin, rider.ID))
	}
	notice()
	seen := map[int64]bool{next(t, events, "me", "notification", 5*time.Second).ID: true}

	redis.Stop()
	for i := range 20 {
		notice()
		for _, env := range []*apitest.Env{a, b} {
			apitest.Expect(t, env.Get("/api/v1/me/notifications", rider.Token), http.StatusOK)
			apitest.Expect(t, env.Get("/api/v1/me", rider.Token), http.StatusOK)
			login := map[string]string{"username": fmt.Sprintf("nobody-%d", i), "password": "wrong"}
			apitest.Expect(t, env.Post("/api/v1/auth/login", "", login), http.StatusUnauthorized)
		}
	}
	waitReady(t, "degraded: redis", a, b)
	if m := a.Get("/metrics", ""); !strings.Contains(string(m.Body), "houqin_redis_degraded 1") {
		t.Fatal("/metrics does not report houqin_redis_degraded 1 during the outage")
	}

	redis.Start()
	waitReady(t, "ok", a, b)
	for len(seen) < len(sent) {
		select {
		case ev := <-events:
			if ev.Topic == "me" {
				seen[ev.ID] = true
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("B streamed %d of the %d inbox entries made on A", len(seen), len(sent))
		}
	}
	for _, id := range sent {
		if !seen[id] {
			t.Errorf("inbox entry %d never reached the stream on B", id)
		}
	}
	// Live again: a new entry made on A streams from B.
	notice()
	if ev := next(t, events, "me", "notification", 5*time.Second); ev.ID != sent[len(sent)-1] {
		t.Fatalf("B streamed entry %d, want the new %d", ev.ID, sent[len(sent)-1])
	}
	var inbox struct{ Items []struct{ ID int64 } }
	resp := b.Get(fmt.Sprintf("/api/v1/me/notifications?limit=%d", len(sent)), rider.Token)
	apitest.Expect(t, resp, http.StatusOK)
	resp.JSON(t, &inbox)
	if len(inbox.Items) != len(sent) {
		t.Fatalf("the inbox holds %d entries, want %d", len(inbox.Items), len(sent))
	}
	if m := b.Get("/metrics", ""); !strings.Contains(string(m.Body), "houqin_redis_degraded 0") {
		t.Fatal("/metrics still reports degraded after Redis returned")
	}
}
