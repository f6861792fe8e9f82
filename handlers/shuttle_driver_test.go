package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/shuttle"
)

func TestShuttleDriverStatusRules(t *testing.T) {
	w := newShuttleWorld(t)
	evening := w.addSchedule(t, "17:30", []int{1, 2, 3, 4, 5}, &w.driver.ID)
	tr := w.trip(t)
	tomorrow := w.trips(t, "2026-12-02")[0]
	steps := []struct {
		name   string
		trip   int64
		token  string
		body   map[string]any
		status int
		code   string
		want   string // status after the step
	}{
		{"arrival before departure is refused", tr.ID, w.driver.Token, map[string]any{"status": "arrived"}, 409, "invalid_transition", ""},
		{"the same status without news is refused", tr.ID, w.driver.Token, map[string]any{"status": "scheduled"}, 409, "invalid_transition", ""},
		{"a delay alone keeps the status", tr.ID, w.driver.Token, map[string]any{"status": "scheduled", "delay_minutes": 3}, 200, "", "scheduled"},
		{"boarding", tr.ID, w.driver.Token, map[string]any{"status": "boarding"}, 200, "", "boarding"},
		{"cancelling needs a reason", tr.ID, w.driver.Token, map[string]any{"status": "cancelled"}, 400, "validation_failed", ""},
		{"a negative delay is refused", tr.ID, w.driver.Token, map[string]any{"status": "boarding", "delay_minutes": -1}, 400, "validation_failed", ""},
		{"an unknown status is refused", tr.ID, w.driver.Token, map[string]any{"status": "lost"}, 400, "validation_failed", ""},
		{"departure", tr.ID, w.driver.Token, map[string]any{"status": "departed"}, 200, "", "departed"},
		{"no going back", tr.ID, w.driver.Token, map[string]any{"status": "boarding"}, 409, "invalid_transition", ""},
		{"a delay reported with arrival is refused", tr.ID, w.driver.Token, map[string]any{"status": "arrived", "delay_minutes": 4}, 400, "validation_failed", ""},
		{"arrival", tr.ID, w.driver.Token, map[string]any{"status": "arrived"}, 200, "", "arrived"},
		{"no delay after arrival", tr.ID, w.driver.Token, map[string]any{"status": "arrived", "delay_minutes": 4}, 409, "invalid_transition", ""},
		{"no cancelling after arrival", tr.ID, w.admin.Token, map[string]any{"status": "cancelled", "reason": "x"}, 409, "invalid_transition", ""},
		{"departure is reported on the service day only", tomorrow.ID, w.driver.Token, map[string]any{"status": "departed"}, 409, "invalid_transition", ""},
		{"a delay can be announced ahead", tomorrow.ID, w.driver.Token, map[string]any{"status": "scheduled", "delay_minutes": 10, "reason": "车辆保养"}, 200, "", "scheduled"},
		{"an admin cancels tomorrow's trip", tomorrow.ID, w.admin.Token, map[string]any{"status": "cancelled", "reason": "车辆故障"}, 200, "", "cancelled"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp := w.status(t, s.token, s.trip, s.body)
			apitest.Expect(t, resp, s.status, s.code)
			if s.want == "" {
				return
			}
			var got shuttleTripJSON
			resp.JSON(t, &got)
			if got.Status != s.want {
				t.Fatalf("status %q, want %q", got.Status, s.want)
			}
		})
	}
	t.Run("yesterday's trips cannot change", func(t *testing.T) {
		var late shuttleTripJSON
		for _, x := range w.trips(t, "2026-12-01") {
			if x.ScheduleID == evening {
				late = x
			}
		}
		w.setClock(w.env.Clock.Now().Add(24 * time.Hour))
		resp := w.status(t, w.admin.Token, late.ID, map[string]any{"status": "cancelled", "reason": "x"})
		apitest.Expect(t, resp, 409, "invalid_transition")
		if !strings.Contains(resp.Code()+string(resp.Body), "运营日已结束") {
			t.Fatalf("refused for another reason: %s", resp.Body)
		}
	})
}

func TestShuttlePositions(t *testing.T) {
	w := newShuttleWorld(t)
	tr := w.trip(t)
	start := w.at(9, 30)
	apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, map[string]any{"status": "departed"}), 200)
	w.events.Take("route:")
	w.at(9, 40)
	s := func(n int) time.Time { return start.Add(time.Duration(n) * time.Second) }

	t.Run("a batch out of order with duplicates and implausible fixes", func(t *testing.T) {
		res := w.positions(t, tr.ID,
			shuttleFix(31.7040, s(40)),
			shuttleFix(31.7000, s(0)),
			shuttleFix(31.7020, s(20)),
			shuttleFix(31.7020, s(20)), // repeated in the batch
			map[string]any{"lat": 0.0, "lng": 0.0, "recorded_at": s(30).Format(time.RFC3339)},
			map[string]any{"lat": 39.9042, "lng": 116.4074, "recorded_at": s(31).Format(time.RFC3339)}, // Beijing
			shuttleFix(31.7050, s(3600)), // an hour ahead
			shuttleFix(31.7900, s(41)),   // 9 km in a second
		)
		if res.Accepted != 3 || res.Duplicates != 1 {
			t.Fatalf("result = %+v", res)
		}
		want := map[int]string{4: "no_location", 5: "far_from_route", 6: "in_future", 7: "implausible_jump"}
		if len(res.Rejected) != len(want) {
			t.Fatalf("rejected = %+v", res.Rejected)
		}
		for _, r := range res.Rejected {
			if want[r.Index] != r.Reason {
				t.Fatalf("rejected = %+v", res.Rejected)
			}
		}
		got := w.trip(t)
		if got.LastPosition == nil || got.LastPosition.Lat != 31.7040 || !got.LastPosition.RecordedAt.Equal(s(40)) {
			t.Fatalf("last position = %+v", got.LastPosition)
		}
	})
	t.Run("a resent batch is all duplicates", func(t *testing.T) {
		res := w.positions(t, tr.ID, shuttleFix(31.7000, s(0)), shuttleFix(31.7040, s(40)))
		if res.Accepted != 0 || res.Duplicates != 2 {
			t.Fatalf("result = %+v", res)
		}
	})
	t.Run("a late older fix is kept but does not move the shuttleBus back", func(t *testing.T) {
		res := w.positions(t, tr.ID, shuttleFix(31.7030, s(30)))
		if res.Accepted != 1 {
			t.Fatalf("result = %+v", res)
		}
		if got := w.trip(t); got.LastPosition.Lat != 31.7040 {
			t.Fatalf("last position moved back to %+v", got.LastPosition)
		}
	})
	t.Run("each new latest position is published small, older ones are not", func(t *testing.T) {
		evs := w.events.Take("route:")
		if len(evs) != 1 || evs[0].Topic != apitest.Path("route:%d", w.route) || evs[0].Type != "trip.position" {
			t.Fatalf("events = %+v", evs)
		}
		p, ok := evs[0].Data.(shuttle.TripPositionEvent)
		if !ok || p.TripID != tr.ID || p.Lat != 31.7040 {
			t.Fatalf("event data = %#v", evs[0].Data)
		}
	})
	t.Run("malformed fixes are refused whole", func(t *testing.T) {
		for _, body := range []map[string]any{
			{"positions": []any{map[string]any{"lat": 91, "lng": shuttleStopLng, "recorded_at": s(50).Format(time.RFC3339)}}},
			{"positions": []any{map[string]any{"lat": 31.7, "lng": shuttleStopLng}}},
			{"positions": []any{}},
		} {
			resp := w.env.Post(apitest.Path("/api/v1/shuttle/trips/%d/positions", tr.ID), w.driver.Token, body)
			apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
		}
	})
	t.Run("the estimate follows the position", func(t *testing.T) {
		w.at(9, 45)
		w.positions(t, tr.ID, shuttleFix(31.75, w.env.Clock.Now())) // half way from stop 2 (12 min) to stop 3 (20 min)
		got := w.trip(t)
		if !got.Stops[0].Passed || !got.Stops[2].Passed || got.Stops[3].Passed || got.Stops[3].ETA == nil {
			t.Fatalf("stops = %+v", got.Stops)
		}
		if want := w.env.Clock.Now().Add(4 * time.Minute); !got.Stops[3].ETA.Equal(want) {
			t.Fatalf("eta %v, want %v", got.Stops[3].ETA, want)
		}
	})
	t.Run("no positions once the trip has arrived", func(t *testing.T) {
		apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, map[string]any{"status": "arrived"}), 200)
		resp := w.env.Post(apitest.Path("/api/v1/shuttle/trips/%d/positions", tr.ID), w.driver.Token,
			map[string]any{"positions": []any{shuttleFix(31.76, w.env.Clock.Now())}})
		apitest.Expect(t, resp, http.StatusConflict, "invalid_transition")
	})
	t.Run("old fixes are purged", func(t *testing.T) {
		count := func() (n int64) {
			w.env.Store.Read(context.Background()).Model(&shuttle.ShuttlePosition{}).Count(&n)
			return n
		}
		if count() != 5 {
			t.Fatalf("%d positions stored", count())
		}
		w.setClock(w.env.Clock.Now().Add(31 * 24 * time.Hour))
		if err := w.env.Server.Shuttle.PurgePositions(context.Background(), 30*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		if count() != 0 {
			t.Fatalf("%d positions left", count())
		}
	})
}

func TestShuttleStatusEvents(t *testing.T) {
	w := newShuttleWorld(t)
	tr := w.trip(t)
	w.at(9, 31)
	apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, map[string]any{"status": "departed", "delay_minutes": 1}), 200)
	apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, map[string]any{"status": "boarding"}), 409, "invalid_transition")
	evs := w.events.Take("route:")
	if len(evs) != 1 || evs[0].Type != "trip.status" || evs[0].Topic != apitest.Path("route:%d", w.route) {
		t.Fatalf("events = %+v", evs)
	}
	if d := evs[0].Data.(shuttle.TripStatusEvent); d.TripID != tr.ID || d.Status != "departed" || d.DelayMinutes != 1 {
		t.Fatalf("event data = %+v", d)
	}
}
