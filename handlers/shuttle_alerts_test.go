package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/shuttle"
)

func TestShuttleRouteFollowers(t *testing.T) {
	w := newShuttleWorld(t)
	env := w.env
	bystander := env.NewUser()
	shuttleAddDevice(t, env, w.staff.ID)
	tr := w.trip(t)
	apitest.Expect(t, env.Put(apitest.Path("/api/v1/me/subscriptions/routes/%d", w.route), w.staff.Token, nil), http.StatusNoContent)
	apitest.Expect(t, env.Put(apitest.Path("/api/v1/me/subscriptions/routes/%d", w.route), w.staff.Token, nil), http.StatusNoContent)
	w.at(9, 30)

	steps := []struct {
		name string
		body map[string]any
		want []string // the follower's inbox types, newest first, after the step
	}{
		{"a small delay is not announced", map[string]any{"status": "scheduled", "delay_minutes": 3}, nil},
		{"a delay of 5 minutes or more is", map[string]any{"status": "boarding", "delay_minutes": 6}, []string{"shuttle.delayed"}},
		{"growing by less than 5 is not", map[string]any{"status": "boarding", "delay_minutes": 10}, []string{"shuttle.delayed"}},
		{"growing by 5 more is", map[string]any{"status": "boarding", "delay_minutes": 11}, []string{"shuttle.delayed", "shuttle.delayed"}},
		{"departure from the first stop is", map[string]any{"status": "departed"}, []string{"shuttle.departed", "shuttle.delayed", "shuttle.delayed"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, s.body), 200)
			if got := shuttleInbox(env, w.staff.ID); !slices.Equal(got, s.want) {
				t.Fatalf("inbox = %v, want %v", got, s.want)
			}
		})
	}
	t.Run("positions alert no route follower", func(t *testing.T) {
		w.positions(t, tr.ID, shuttleFix(31.71, env.Clock.Now()))
		if got := len(env.Inbox(w.staff.ID)); got != 3 {
			t.Fatalf("%d notifications", got)
		}
	})
	t.Run("pushes are high priority and collapse per trip", func(t *testing.T) {
		jobs := shuttleOutbox(t, env)
		if len(jobs) != 3 {
			t.Fatalf("%d outbox rows, want 3", len(jobs))
		}
		for _, j := range jobs {
			if !j.High || j.CollapseKey != apitest.Path("shuttle-trip-%d", tr.ID) || j.TTLSeconds <= 0 || j.Status != notify.OutboxPending {
				t.Fatalf("outbox row = %+v", j)
			}
		}
		n := env.Inbox(w.staff.ID)[0]
		if n.Category != notify.CategoryShuttle || n.Data["type"] != "shuttle_trip" || n.Data["status"] != "departed" ||
			n.Data["id"] != apitest.Path("%d", tr.ID) || n.Title != "政法班车 09:30 已发车" {
			t.Fatalf("notification = %+v", n)
		}
	})
	t.Run("cancellation is announced with its reason", func(t *testing.T) {
		apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, map[string]any{"status": "cancelled", "reason": "车辆故障"}), 200)
		n := env.Inbox(w.staff.ID)[0]
		if n.Type != "shuttle.cancelled" || n.Body != "取消原因：车辆故障" {
			t.Fatalf("notification = %+v", n)
		}
	})
	t.Run("people who follow nothing hear nothing", func(t *testing.T) {
		if got := env.Inbox(bystander.ID); len(got) != 0 {
			t.Fatalf("bystander inbox = %+v", got)
		}
	})
	t.Run("unfollowing stops the alerts", func(t *testing.T) {
		apitest.Expect(t, env.Delete(apitest.Path("/api/v1/me/subscriptions/routes/%d", w.route), w.staff.Token), http.StatusNoContent)
		apitest.Expect(t, env.Delete(apitest.Path("/api/v1/me/subscriptions/routes/%d", w.route), w.staff.Token), http.StatusNoContent)
		next := w.trips(t, "2026-12-02")[0]
		apitest.Expect(t, w.status(t, w.admin.Token, next.ID, map[string]any{"status": "cancelled", "reason": "停运"}), 200)
		if got := len(env.Inbox(w.staff.ID)); got != 4 {
			t.Fatalf("%d notifications, want 4", got)
		}
	})
}

func TestShuttleStopFollowers(t *testing.T) {
	w := newShuttleWorld(t)
	env := w.env
	shuttleAddDevice(t, env, w.staff.ID)
	last := w.stops[3] // 20 minutes from departure
	resp := env.Put(apitest.Path("/api/v1/me/subscriptions/stops/%d", last), w.staff.Token, map[string]any{"minutes_before": 10})
	apitest.Expect(t, resp, http.StatusOK)
	resp = env.Put(apitest.Path("/api/v1/me/subscriptions/stops/%d", last), w.staff.Token, map[string]any{"minutes_before": 5})
	apitest.Expect(t, resp, http.StatusOK)
	apitest.Expect(t, env.Put(apitest.Path("/api/v1/me/subscriptions/stops/%d", last), w.staff.Token, map[string]any{"minutes_before": 0}),
		http.StatusBadRequest, "validation_failed")

	t.Run("the subscription is listed with its minutes", func(t *testing.T) {
		var subs struct {
			RouteIDs []int64 `json:"route_ids"`
			Stops    []struct {
				StopID        int64 `json:"stop_id"`
				RouteID       int64 `json:"route_id"`
				MinutesBefore int   `json:"minutes_before"`
			} `json:"stops"`
		}
		env.Get("/api/v1/me/subscriptions", w.staff.Token).JSON(t, &subs)
		if len(subs.RouteIDs) != 0 || len(subs.Stops) != 1 || subs.Stops[0].StopID != last || subs.Stops[0].RouteID != w.route || subs.Stops[0].MinutesBefore != 5 {
			t.Fatalf("subscriptions = %+v", subs)
		}
	})

	tr := w.trip(t)
	w.at(9, 30)
	apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, map[string]any{"status": "departed"}), 200)
	approaching := func() int {
		n := 0
		for _, typ := range shuttleInbox(env, w.staff.ID) {
			if typ == "shuttle.approaching" {
				n++
			}
		}
		return n
	}
	t.Run("not while the shuttleBus is far", func(t *testing.T) {
		w.at(9, 36)
		w.positions(t, tr.ID, shuttleFix(shuttleStopLats[1], env.Clock.Now())) // at stop 1: 14 minutes to go
		if approaching() != 0 {
			t.Fatal("alerted too early")
		}
	})
	t.Run("once when the shuttleBus is that close", func(t *testing.T) {
		w.at(9, 45)
		w.positions(t, tr.ID, shuttleFix(31.75, env.Clock.Now())) // 4 minutes to go
		if approaching() != 1 {
			t.Fatalf("inbox = %v", shuttleInbox(env, w.staff.ID))
		}
		n := env.Inbox(w.staff.ID)[0]
		if n.Body != "预计约4分钟后到达区行政中心" || n.Data["stop_id"] != apitest.Path("%d", last) {
			t.Fatalf("notification = %+v", n)
		}
		if jobs := shuttleOutbox(t, env); len(jobs) != 1 || !jobs[0].High {
			t.Fatalf("outbox = %+v", jobs)
		}
	})
	t.Run("never twice for the same trip", func(t *testing.T) {
		w.at(9, 46)
		w.positions(t, tr.ID, shuttleFix(31.755, env.Clock.Now()))
		if err := env.Server.Shuttle.SweepStopAlerts(context.Background()); err != nil {
			t.Fatal(err)
		}
		if approaching() != 1 {
			t.Fatalf("inbox = %v", shuttleInbox(env, w.staff.ID))
		}
	})
	t.Run("a shuttleBus without positions alerts from the timetable and its delay", func(t *testing.T) {
		other := w.addSchedule(t, "10:00", []int{1, 2, 3, 4, 5}, &w.driver.ID)
		var trip shuttleTripJSON
		for _, x := range w.trips(t, "2026-12-01") {
			if x.ScheduleID == other {
				trip = x
			}
		}
		w.at(10, 2)
		apitest.Expect(t, w.status(t, w.driver.Token, trip.ID, map[string]any{"status": "departed", "delay_minutes": 2}), 200)
		if approaching() != 1 {
			t.Fatal("alerted at departure, 20 minutes away")
		}
		w.at(10, 17) // timetable 10:20 at the stop, plus 2 minutes late
		if err := env.Server.Shuttle.SweepStopAlerts(context.Background()); err != nil {
			t.Fatal(err)
		}
		if approaching() != 2 {
			t.Fatalf("inbox = %v", shuttleInbox(env, w.staff.ID))
		}
	})
	t.Run("unfollowing a stop", func(t *testing.T) {
		apitest.Expect(t, env.Delete(apitest.Path("/api/v1/me/subscriptions/stops/%d", last), w.staff.Token), http.StatusNoContent)
		var n int64
		env.Store.Read(context.Background()).Model(&shuttle.ShuttleStopFollow{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d stop follows left", n)
		}
	})
}
