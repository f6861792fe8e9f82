package handlers_test

import (
	"compress/gzip"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
)

// TestTripsListCache: the day's trips list is served from the cache, yet
// every change made here shows at once (a driver's report, a reassignment,
// a timetable edit), and one made on another replica shows within a
// second; compressed answers come from the same entry.
func TestTripsListCache(t *testing.T) {
	w := newShuttleWorld(t)
	w.at(9, 0)
	tr := w.trip(t)
	if tr.Status != "scheduled" {
		t.Fatalf("the trip starts %q", tr.Status)
	}
	apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, map[string]any{"status": "scheduled", "delay_minutes": 7, "reason": "堵车"}), http.StatusOK)
	if got := w.trip(t); got.DelayMinutes != 7 {
		t.Fatalf("after the driver's report the list shows %q +%d", got.Status, got.DelayMinutes)
	}
	other := w.env.NewUser()
	apitest.Expect(t, w.env.Patch(apitest.Path("/api/v1/shuttle/trips/%d", tr.ID), w.admin.Token,
		map[string]any{"vehicle_plate": "苏D·B1234"}), http.StatusOK)
	if got := w.trip(t); got.Vehicle.Plate != "苏D·B1234" {
		t.Fatalf("after the reassignment the list shows plate %q", got.Vehicle.Plate)
	}
	second := w.addSchedule(t, "17:30", []int{1, 2, 3, 4, 5}, nil)
	if n := len(w.trips(t, "2026-12-01")); n != 2 {
		t.Fatalf("after a new departure the list has %d trips (schedule %d)", n, second)
	}

	// The other replica changes the trip; this one answers from its cache
	// until the entry's second is up.
	replica := w.env.Replica()
	apitest.Expect(t, replica.Post(apitest.Path("/api/v1/shuttle/trips/%d/status", tr.ID), w.driver.Token,
		map[string]any{"status": "boarding", "delay_minutes": 15, "reason": "堵车"}), http.StatusOK)
	w.env.Clock.Advance(1100 * time.Millisecond)
	if got := w.trip(t); got.DelayMinutes != 15 {
		t.Fatalf("a second after the other replica's report the list shows +%d", got.DelayMinutes)
	}

	// Compressed from the same entry: a gzipped answer holds the same list.
	var list struct{ Items []shuttleTripJSON }
	getGzipped(t, w.env, "/api/v1/shuttle/trips?date=2026-12-01", other.Token, &list)
	if len(list.Items) != 2 || list.Items[0].DelayMinutes != 15 {
		t.Fatalf("gunzipped list: %+v", list)
	}
}

// getGzipped reads path over a real connection asking for gzip, checks
// that the answer is gzipped and decodes it into v.
func getGzipped(t *testing.T, env *apitest.Env, path, token string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, serve(t, env)+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand, so the client does not decode
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("%v, %v", err, resp.Header)
	}
	if err := json.NewDecoder(zr).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestTimetableCache: a route's timetable comes from the cache, and an
// admin's edit shows at once, to staff and admins alike.
func TestTimetableCache(t *testing.T) {
	w := newShuttleWorld(t)
	read := func(token string) shuttleTimetableJSON {
		t.Helper()
		resp := w.env.Get(apitest.Path("/api/v1/shuttle/routes/%d?date=2026-12-01", w.route), token)
		apitest.Expect(t, resp, http.StatusOK)
		var tt shuttleTimetableJSON
		resp.JSON(t, &tt)
		return tt
	}
	if tt := read(w.staff.Token); len(tt.Timetable) != 1 || tt.Timetable[0].Departure != "09:30" {
		t.Fatalf("timetable %+v", tt.Timetable)
	}
	read(w.admin.Token)
	apitest.Expect(t, w.env.Patch(apitest.Path("/api/v1/shuttle/schedules/%d", w.schedule), w.admin.Token,
		map[string]any{"departure": "10:00"}), http.StatusOK)
	for _, token := range []string{w.staff.Token, w.admin.Token} {
		if tt := read(token); len(tt.Timetable) != 1 || tt.Timetable[0].Departure != "10:00" {
			t.Fatalf("after the edit: %+v", tt.Timetable)
		}
	}
}
