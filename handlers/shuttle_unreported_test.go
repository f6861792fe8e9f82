package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
)

type unreportedTripJSON struct {
	shuttleTripJSON
	Unconfirmed bool `json:"unconfirmed"`
}

// A trip whose driver never reports must not look on time: once it is past
// its departure it is flagged unconfirmed and its stops lose their ETAs,
// instead of an ETA of "now" that moves on with every request.
func TestShuttleUnreportedTrip(t *testing.T) {
	w := newShuttleWorld(t) // one run at 09:30, stops at +0, 6, 12, 20 minutes
	get := func(t *testing.T) unreportedTripJSON {
		t.Helper()
		id := w.trip(t).ID
		resp := w.env.Get(apitest.Path("/api/v1/shuttle/trips/%d", id), w.staff.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var tr unreportedTripJSON
		resp.JSON(t, &tr)
		return tr
	}
	expect := func(t *testing.T, tr unreportedTripJSON, unconfirmed bool, firstETA *time.Time) {
		t.Helper()
		if tr.Unconfirmed != unconfirmed || tr.Status != "scheduled" {
			t.Fatalf("status %q, unconfirmed %v, want %v", tr.Status, tr.Unconfirmed, unconfirmed)
		}
		if want := w.local(9, 30); !tr.Stops[0].ScheduledAt.Equal(want) {
			t.Fatalf("scheduled_at %v, want the timetable's %v", tr.Stops[0].ScheduledAt, want)
		}
		got := tr.Stops[0].ETA
		if (got == nil) != (firstETA == nil) || (got != nil && !got.Equal(*firstETA)) {
			t.Fatalf("first stop ETA %v, want %v", got, firstETA)
		}
		if firstETA == nil {
			for _, s := range tr.Stops {
				if s.ETA != nil || s.Passed {
					t.Fatalf("stop %d: eta %v, passed %v, want neither", s.StopID, s.ETA, s.Passed)
				}
			}
		}
	}
	ptr := func(v time.Time) *time.Time { return &v }

	t.Run("before departure: the timetable", func(t *testing.T) {
		w.at(9, 20)
		expect(t, get(t), false, ptr(w.local(9, 30)))
	})
	t.Run("within the grace: not yet unconfirmed", func(t *testing.T) {
		w.at(9, 31)
		expect(t, get(t), false, ptr(w.local(9, 31)))
	})
	t.Run("past departure with no report: unconfirmed, no ETAs", func(t *testing.T) {
		w.at(9, 40)
		expect(t, get(t), true, nil)
		w.at(10, 15)
		expect(t, get(t), true, nil)
		for _, tr := range w.trips(t, "2026-12-01") {
			if tr.Stops[0].ETA != nil {
				t.Fatalf("the list shows an ETA: %+v", tr)
			}
		}
	})
	t.Run("a reported delay moves the departure it is judged by", func(t *testing.T) {
		w.at(10, 16)
		id := w.trip(t).ID
		apitest.Expect(t, w.status(t, w.driver.Token, id, map[string]any{"status": "scheduled", "delay_minutes": 50, "reason": "堵车"}), http.StatusOK)
		expect(t, get(t), false, ptr(w.local(10, 20)))
		w.at(10, 23)
		expect(t, get(t), true, nil)
	})
	t.Run("a report from the driver clears it", func(t *testing.T) {
		apitest.Expect(t, w.status(t, w.driver.Token, w.trip(t).ID, map[string]any{"status": "boarding"}), http.StatusOK)
		tr := get(t)
		if tr.Unconfirmed || tr.Status != "boarding" || tr.Stops[0].ETA == nil {
			t.Fatalf("after boarding: %+v", tr)
		}
	})
}

// local is a local time on the world's day, without moving the clock.
func (w *shuttleWorld) local(hour, minute int) time.Time {
	return time.Date(2026, 12, 1, hour, minute, 0, 0, w.loc)
}
