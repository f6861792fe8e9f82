package handlers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
)

// shuttleCall sends a JSON request through the real listener at base.
func shuttleCall(t *testing.T, base, method, path, token string, body any) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// liveTripStatus and liveTripPosition are the data of the route events as
// a client decodes them.
type liveTripStatus struct {
	TripID       int64  `json:"trip_id"`
	Status       string `json:"status"`
	DelayMinutes int    `json:"delay_minutes"`
	Reason       string `json:"reason"`
}

type liveTripPosition struct {
	TripID     int64     `json:"trip_id"`
	Lat        float64   `json:"lat"`
	Lng        float64   `json:"lng"`
	Speed      *float64  `json:"speed"`
	RecordedAt time.Time `json:"recorded_at"`
}

// routeEvent reads the next event of s, checks it is typ on route, and
// decodes its data into v.
func routeEvent(t *testing.T, s *stream, route int64, typ string, v any) {
	t.Helper()
	ev := s.next()
	if ev.Event != typ || ev.Data.Type != typ || ev.Data.Topic != apitest.Path("route:%d", route) || ev.ID != "" {
		t.Fatalf("event %s on %s (id %q), want %s on route:%d: %s", ev.Event, ev.Data.Topic, ev.ID, typ, route, ev.Data.Data)
	}
	if err := json.Unmarshal(ev.Data.Data, v); err != nil {
		t.Fatalf("decode %s: %v", ev.Data.Data, err)
	}
}

// TestShuttleLiveEvents follows a route over a real SSE connection while
// the assigned driver reports status and positions over HTTP on the same
// listener: every status change and every new latest position arrives, in
// order and with its payload; stale and rejected fixes publish nothing; a
// stream on another route hears none of it.
func TestShuttleLiveEvents(t *testing.T) {
	w := newShuttleWorld(t)
	env := w.env
	base := serve(t, env)
	resp := env.Post("/api/v1/shuttle/routes", w.admin.Token, map[string]any{"name": "科创中心班车", "stops": []map[string]any{
		{"name": "湖塘", "lat": 31.70, "lng": shuttleStopLng}, {"name": "科创中心", "lat": 31.80, "lng": shuttleStopLng}}})
	apitest.Expect(t, resp, http.StatusCreated)
	var other struct {
		ID int64 `json:"id"`
	}
	resp.JSON(t, &other)
	tr := w.trip(t)
	start := w.at(9, 30)
	bystander := env.NewUser()
	rider := open(t, base, w.staff.Token, apitest.Path("route:%d", w.route), "")
	elsewhere := open(t, base, bystander.Token, apitest.Path("me,route:%d", other.ID), "")

	driver := func(t *testing.T, what string, body any) {
		t.Helper()
		status, out := shuttleCall(t, base, http.MethodPost, apitest.Path("/api/v1/shuttle/trips/%d/%s", tr.ID, what), w.driver.Token, body)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", what, status, out)
		}
	}
	at := func(sec int) time.Time { return start.Add(time.Duration(sec) * time.Second) }

	t.Run("status changes arrive with delay and reason", func(t *testing.T) {
		driver(t, "status", map[string]any{"status": "boarding", "delay_minutes": 6, "reason": "路上拥堵"})
		driver(t, "status", map[string]any{"status": "departed"})
		for _, want := range []liveTripStatus{{tr.ID, "boarding", 6, "路上拥堵"}, {tr.ID, "departed", 6, "路上拥堵"}} {
			var got liveTripStatus
			routeEvent(t, rider, w.route, "trip.status", &got)
			if got != want {
				t.Fatalf("trip.status %+v, want %+v", got, want)
			}
		}
	})
	t.Run("a batch of fixes publishes its latest position once", func(t *testing.T) {
		w.at(9, 32)
		driver(t, "positions", map[string]any{"positions": []any{shuttleFix(31.7020, at(90)), shuttleFix(31.7000, at(30))}})
		var got liveTripPosition
		routeEvent(t, rider, w.route, "trip.position", &got)
		if got.TripID != tr.ID || got.Lat != 31.7020 || got.Lng != shuttleStopLng || got.Speed == nil || *got.Speed != 9.5 ||
			!got.RecordedAt.Equal(at(90)) {
			t.Fatalf("trip.position %+v", got)
		}
	})
	t.Run("older and rejected fixes publish nothing", func(t *testing.T) {
		driver(t, "positions", map[string]any{"positions": []any{shuttleFix(31.7010, at(60))}})
		driver(t, "positions", map[string]any{"positions": []any{
			map[string]any{"lat": 39.9042, "lng": 116.4074, "recorded_at": at(100).Format(time.RFC3339)}}})
		driver(t, "status", map[string]any{"status": "departed", "delay_minutes": 8})
		// Events of one topic arrive in order, so the next one being this
		// delay shows that the two batches published nothing.
		var got liveTripStatus
		routeEvent(t, rider, w.route, "trip.status", &got)
		if got != (liveTripStatus{tr.ID, "departed", 8, "路上拥堵"}) {
			t.Fatalf("trip.status %+v", got)
		}
	})
	t.Run("arrival", func(t *testing.T) {
		w.at(9, 50)
		driver(t, "positions", map[string]any{"positions": []any{shuttleFix(31.7600, w.env.Clock.Now())}})
		driver(t, "status", map[string]any{"status": "arrived"})
		var pos liveTripPosition
		routeEvent(t, rider, w.route, "trip.position", &pos)
		var st liveTripStatus
		routeEvent(t, rider, w.route, "trip.status", &st)
		if pos.Lat != 31.76 || st.Status != "arrived" {
			t.Fatalf("position %+v then status %+v", pos, st)
		}
	})
	t.Run("a stream on another route hears none of it", func(t *testing.T) {
		notifyUsers(t, env, notify.Notice{Category: notify.CategoryShuttle, Type: "shuttle.test", Title: "哨兵通知",
			Data: notify.StringMap{"type": "shuttle_trip", "id": "0"}}, bystander.ID)
		// Published after every route event above: had any reached this
		// stream, it would come first.
		if ev := elsewhere.next(); ev.Event != "notification" || ev.Data.Topic != "me" || !strings.Contains(string(ev.Data.Data), "哨兵通知") {
			t.Fatalf("the other route's stream got %s on %s: %s", ev.Event, ev.Data.Topic, ev.Data.Data)
		}
	})
}
