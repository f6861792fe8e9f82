package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/models/store"
)

// TestHostileDates sends the probe's dates to every date and range
// parameter: each must be refused at once with 400 validation_failed,
// never hang (date=9999-12-31 once looped past year 9999 forever) nor
// answer 5xx.
func TestHostileDates(t *testing.T) {
	env := apitest.New(t)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	admin := env.NewUser(store.RoleAdmin)
	far := []string{"9999-12-31", "10000-01-01", "1999-12-31", "2100-01-01", "0001-01-01", "+2026-12-01"}
	var reqs []apitest.Request
	get := func(path string) { reqs = append(reqs, apitest.Request{Method: http.MethodGet, Path: path}) }
	for _, d := range far {
		for _, p := range []string{
			"/api/v1/canteens/1/menus?date=", "/api/v1/canteens/1/registrations?date=",
			"/api/v1/canteens/1/registrations/summary?date=", "/api/v1/canteens/1/registrations/mine?from=",
			"/api/v1/dish-ratings?from=", "/api/v1/dish-ratings/summary?week=", "/api/v1/rooms/1/schedule?date=",
			"/api/v1/bookings?date=", "/api/v1/shuttle/routes/1?date=", "/api/v1/shuttle/trips?date=",
			"/api/v1/driver/trips?date=", "/api/v1/shuttle/calendar?to=", "/api/v1/repairs?from=", "/api/v1/bookings/services?date=",
			"/api/v1/repairs/stats?from=",
		} {
			get(p + d)
		}
		reqs = append(reqs,
			apitest.Request{Method: http.MethodPut, Path: "/api/v1/canteens/1/menus/" + d + "/lunch", Body: map[string]any{"items": []any{}}},
			apitest.Request{Method: http.MethodPost, Path: "/api/v1/canteens/1/menus/" + d + "/lunch/publish"},
			apitest.Request{Method: http.MethodPatch, Path: "/api/v1/canteens/1/menus/" + d + "/lunch/items/1", Body: map[string]any{"sold_out": true}},
			apitest.Request{Method: http.MethodPut, Path: "/api/v1/canteens/1/registrations/" + d + "/lunch"},
			apitest.Request{Method: http.MethodDelete, Path: "/api/v1/canteens/1/registrations/" + d + "/lunch"},
			apitest.Request{Method: http.MethodPut, Path: "/api/v1/shuttle/calendar/" + d, Body: map[string]any{"kind": "holiday"}},
			apitest.Request{Method: http.MethodDelete, Path: "/api/v1/shuttle/calendar/" + d},
			apitest.Request{Method: http.MethodPost, Path: "/api/v1/canteens/1/menus/copy", Body: map[string]any{"source_from": "2026-12-01", "target_from": d}},
			apitest.Request{Method: http.MethodPost, Path: "/api/v1/bookings", Body: map[string]any{"room_id": 1, "title": "例会", "attendees": 2,
				"start_at": "2026-12-02T09:00:00+08:00", "end_at": "2026-12-02T10:00:00+08:00", "repeat": map[string]any{"frequency": "daily", "until": d}}},
		)
	}
	// Ranges: the probe's far week, and spans wider than each view allows.
	for _, p := range []string{
		"/api/v1/canteens/1/menus?from=9999-12-25&to=9999-12-31", "/api/v1/canteens/1/menus?from=2099-12-25&to=2100-01-02",
		"/api/v1/canteens/1/menus?from=2026-12-01&to=2026-12-15", "/api/v1/canteens/1/registrations/mine?from=2026-12-01&to=2099-12-31",
		"/api/v1/repairs/stats?from=2000-01-01&to=2099-12-31", "/api/v1/shuttle/calendar?from=2000-01-01&to=2099-12-31",
		"/api/v1/canteens/1/menus?from=2026-12-07&to=2026-12-01",
	} {
		get(p)
	}
	for _, r := range reqs {
		r.Token = admin.Token
		apitest.Expect(t, within(t, 2*time.Second, env, r), http.StatusBadRequest, "validation_failed")
	}

	// Far instants in bodies and date-time parameters: refused or answered,
	// never a 5xx (MySQL's DATETIME stops at years 1000 and 9999).
	for _, at := range []string{"9999-12-31T20:00:00+08:00", "0001-01-01T09:00:00+08:00", "1000-01-01T09:00:00Z"} {
		start, _ := time.Parse(time.RFC3339, at)
		end := start.Add(time.Hour).Format(time.RFC3339)
		book := apitest.Request{Method: http.MethodPost, Path: "/api/v1/bookings", Token: admin.Token,
			Body: map[string]any{"room_id": 1, "title": "例会", "attendees": 2, "start_at": at, "end_at": end}}
		apitest.Expect(t, within(t, 2*time.Second, env, book), http.StatusBadRequest, "validation_failed")
		search := apitest.Request{Method: http.MethodGet, Token: admin.Token,
			Path: "/api/v1/rooms?" + url.Values{"from": {at}, "to": {end}}.Encode()}
		if resp := within(t, 2*time.Second, env, search); resp.Status >= 500 {
			t.Errorf("rooms free %s..%s: %d", at, end, resp.Status)
		}
		fix := apitest.Request{Method: http.MethodPost, Path: "/api/v1/shuttle/trips/1/positions", Token: admin.Token,
			Body: map[string]any{"positions": []any{map[string]any{"lat": 31.7, "lng": 119.9, "recorded_at": at}}}}
		if resp := within(t, 2*time.Second, env, fix); resp.Status >= 500 {
			t.Errorf("position at %s: %d", at, resp.Status)
		}
	}

	// The edges of the window still work.
	for _, p := range []string{"/api/v1/canteens/1/menus?date=2099-12-31", "/api/v1/canteens/1/menus?from=2099-12-18&to=2099-12-31",
		"/api/v1/canteens/1/menus?date=2000-01-01", "/api/v1/shuttle/trips?date=2000-01-01"} {
		apitest.Expect(t, within(t, 2*time.Second, env, apitest.Request{Method: http.MethodGet, Path: p, Token: admin.Token}), http.StatusOK)
	}
}

// within sends r and fails the test when no answer comes within d.
func within(t *testing.T, d time.Duration, env *apitest.Env, r apitest.Request) *apitest.Response {
	t.Helper()
	done := make(chan *apitest.Response, 1)
	go func() { done <- env.Do(r) }()
	select {
	case resp := <-done:
		return resp
	case <-time.After(d):
		t.Fatalf("%s %s: no answer within %v", r.Method, r.Path, d)
		return nil
	}
}
