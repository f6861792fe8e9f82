package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/models/shuttle"
	"houqin/models/store"
)

type shuttleTimetableJSON struct {
	Date    string `json:"date"`
	Service struct {
		Runs    bool   `json:"runs"`
		Weekday *int   `json:"weekday"`
		Kind    string `json:"kind"`
		Note    string `json:"note"`
	} `json:"service"`
	Stops     []struct{ Name string } `json:"stops"`
	Timetable []struct {
		ID        int64    `json:"id"`
		Departure string   `json:"departure"`
		StopTimes []string `json:"stop_times"`
	} `json:"timetable"`
}

func TestShuttleTimetableAndCalendar(t *testing.T) {
	w := newShuttleWorld(t)
	env := w.env
	timetable := func(date string) shuttleTimetableJSON {
		t.Helper()
		resp := env.Get(apitest.Path("/api/v1/shuttle/routes/%d?date=%s", w.route, date), w.staff.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var tt shuttleTimetableJSON
		resp.JSON(t, &tt)
		return tt
	}
	putDay := func(date string, body map[string]any) {
		t.Helper()
		apitest.Expect(t, env.Put("/api/v1/shuttle/calendar/"+date, w.admin.Token, body), http.StatusOK)
	}

	t.Run("a weekday runs its timetable with stop times", func(t *testing.T) {
		tt := timetable("2026-12-01")
		if !tt.Service.Runs || *tt.Service.Weekday != 2 || tt.Service.Kind != "regular" || len(tt.Stops) != 4 {
			t.Fatalf("timetable = %+v", tt)
		}
		if len(tt.Timetable) != 1 || tt.Timetable[0].Departure != "09:30" ||
			!slices.Equal(tt.Timetable[0].StopTimes, []string{"09:30", "09:36", "09:42", "09:50"}) {
			t.Fatalf("timetable = %+v", tt.Timetable)
		}
	})
	t.Run("a Saturday has no run", func(t *testing.T) {
		if tt := timetable("2026-12-05"); !tt.Service.Runs || len(tt.Timetable) != 0 || len(w.trips(t, "2026-12-05")) != 0 {
			t.Fatalf("timetable = %+v", tt)
		}
	})
	t.Run("a moved workday runs the weekday it stands in for", func(t *testing.T) {
		putDay("2026-12-05", map[string]any{"kind": "workday", "runs_as": 1, "note": "调休上班"})
		tt := timetable("2026-12-05")
		if tt.Service.Kind != "workday" || *tt.Service.Weekday != 1 || tt.Service.Note != "调休上班" || len(tt.Timetable) != 1 {
			t.Fatalf("timetable = %+v", tt)
		}
		if trips := w.trips(t, "2026-12-05"); len(trips) != 1 || trips[0].Status != "scheduled" {
			t.Fatalf("trips = %+v", trips)
		}
	})
	t.Run("a holiday declared after trips exist drops them", func(t *testing.T) {
		if len(w.trips(t, "2026-12-03")) != 1 {
			t.Fatal("want the Thursday trip")
		}
		putDay("2026-12-03", map[string]any{"kind": "holiday", "note": "临时停运"})
		tt := timetable("2026-12-03")
		if tt.Service.Runs || tt.Service.Weekday != nil || tt.Service.Kind != "holiday" || len(tt.Timetable) != 0 {
			t.Fatalf("timetable = %+v", tt)
		}
		if trips := w.trips(t, "2026-12-03"); len(trips) != 0 {
			t.Fatalf("trips on a holiday = %+v", trips)
		}
	})
	t.Run("removing the exception restores the weekday", func(t *testing.T) {
		apitest.Expect(t, env.Delete("/api/v1/shuttle/calendar/2026-12-03", w.admin.Token), http.StatusNoContent)
		if trips := w.trips(t, "2026-12-03"); len(trips) != 1 {
			t.Fatalf("trips = %+v", trips)
		}
		apitest.Expect(t, env.Delete("/api/v1/shuttle/calendar/2026-12-03", w.admin.Token), http.StatusNotFound, "not_found")
	})
	t.Run("the calendar lists the exceptions", func(t *testing.T) {
		resp := env.Get("/api/v1/shuttle/calendar?from=2026-12-01&to=2026-12-31", w.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var out struct {
			Items []struct {
				Date   string `json:"date"`
				Kind   string `json:"kind"`
				RunsAs *int   `json:"runs_as"`
			} `json:"items"`
		}
		resp.JSON(t, &out)
		if len(out.Items) != 1 || out.Items[0].Date != "2026-12-05" || *out.Items[0].RunsAs != 1 {
			t.Fatalf("calendar = %+v", out.Items)
		}
	})
	t.Run("bad calendar input", func(t *testing.T) {
		apitest.Expect(t, env.Put("/api/v1/shuttle/calendar/2026-12-07", w.admin.Token, map[string]any{"kind": "workday"}), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, env.Put("/api/v1/shuttle/calendar/2026-12-07", w.admin.Token, map[string]any{"kind": "holiday", "runs_as": 2}), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, env.Put("/api/v1/shuttle/calendar/not-a-date", w.admin.Token, map[string]any{"kind": "holiday"}), http.StatusBadRequest, "validation_failed")
	})
	t.Run("a schedule change moves trips that have not started", func(t *testing.T) {
		resp := env.Patch(apitest.Path("/api/v1/shuttle/schedules/%d", w.schedule), w.admin.Token, map[string]any{"departure": "09:40", "vehicle_plate": "苏D·A5590"})
		apitest.Expect(t, resp, http.StatusOK)
		tr := w.trips(t, "2026-12-03")[0]
		if got := tr.Stops[0].ScheduledAt.In(w.loc).Format("15:04"); got != "09:40" || tr.Vehicle.Plate != "苏D·A5590" {
			t.Fatalf("trip after change: %s %s", got, tr.Vehicle.Plate)
		}
	})
	t.Run("stop minutes must fit the route", func(t *testing.T) {
		resp := env.Post(apitest.Path("/api/v1/shuttle/routes/%d/schedules", w.route), w.admin.Token,
			map[string]any{"departure": "17:30", "stop_minutes": []int{0, 5}, "weekdays": []int{1}})
		apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
		resp = env.Post(apitest.Path("/api/v1/shuttle/routes/%d/schedules", w.route), w.admin.Token,
			map[string]any{"departure": "17:30", "stop_minutes": []int{0, 9, 5, 20}, "weekdays": []int{1}})
		apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
		resp = env.Post(apitest.Path("/api/v1/shuttle/routes/%d/schedules", w.route), w.admin.Token,
			map[string]any{"departure": "17:30", "stop_minutes": []int{0, 5, 9, 20}, "weekdays": []int{1}, "driver_id": w.staff.ID})
		apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
	})
}

func TestShuttleTripsMaterializeOnceUnderConcurrentFirstReads(t *testing.T) {
	w := newShuttleWorld(t)
	w.addSchedule(t, "17:30", []int{1, 2, 3, 4, 5}, nil)
	const readers = 12
	var wg sync.WaitGroup
	ids := make([][]int64, readers)
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := w.env.Get("/api/v1/shuttle/trips?date=2026-12-02", w.staff.Token)
			if resp.Status != http.StatusOK {
				t.Errorf("reader %d: %d %s", i, resp.Status, resp.Body)
				return
			}
			var out struct {
				Items []shuttleTripJSON `json:"items"`
			}
			resp.JSON(t, &out)
			for _, tr := range out.Items {
				ids[i] = append(ids[i], tr.ID)
			}
		}()
	}
	wg.Wait()
	for i := range ids {
		if len(ids[i]) != 2 || !slices.Equal(ids[i], ids[0]) {
			t.Fatalf("reader %d saw %v, reader 0 saw %v", i, ids[i], ids[0])
		}
	}
	var n int64
	w.env.Store.Read(context.Background()).Model(&shuttle.ShuttleTrip{}).Where("service_date = ?", "2026-12-02").Count(&n)
	if n != 2 {
		t.Fatalf("%d trips stored, want 2", n)
	}
	t.Run("past dates are not filled in and far dates are refused", func(t *testing.T) {
		if trips := w.trips(t, "2026-11-30"); len(trips) != 0 {
			t.Fatalf("past trips = %+v", trips)
		}
		apitest.Expect(t, w.env.Get("/api/v1/shuttle/trips?date=2027-06-01", w.staff.Token), http.StatusBadRequest, "validation_failed")
	})
}

func TestShuttleRoleBoundaries(t *testing.T) {
	w := newShuttleWorld(t)
	env := w.env
	tr := w.trip(t)
	otherDriver := env.NewUser(store.RoleDriver)
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
	}{
		{"no token", http.MethodGet, "/api/v1/shuttle/routes", "", nil, 401, "unauthorized"},
		{"staff cannot create routes", http.MethodPost, "/api/v1/shuttle/routes", w.staff.Token,
			map[string]any{"name": "x", "stops": []map[string]any{{"name": "a", "lat": 31.7, "lng": 119.9}, {"name": "b", "lat": 31.8, "lng": 119.9}}}, 403, "forbidden"},
		{"drivers cannot edit timetables", http.MethodPatch, apitest.Path("/api/v1/shuttle/schedules/%d", w.schedule), w.driver.Token, map[string]any{"active": false}, 403, "forbidden"},
		{"staff cannot see the calendar admin", http.MethodGet, "/api/v1/shuttle/calendar", w.staff.Token, nil, 403, "forbidden"},
		{"staff cannot reassign", http.MethodPatch, apitest.Path("/api/v1/shuttle/trips/%d", tr.ID), w.staff.Token, map[string]any{"vehicle_plate": "x"}, 403, "forbidden"},
		{"staff have no driver trips", http.MethodGet, "/api/v1/driver/trips", w.staff.Token, nil, 403, "forbidden"},
		{"staff cannot report status", http.MethodPost, apitest.Path("/api/v1/shuttle/trips/%d/status", tr.ID), w.staff.Token, map[string]any{"status": "departed"}, 403, "forbidden"},
		{"another driver cannot report status", http.MethodPost, apitest.Path("/api/v1/shuttle/trips/%d/status", tr.ID), otherDriver.Token, map[string]any{"status": "departed"}, 403, "forbidden"},
		{"another driver cannot send positions", http.MethodPost, apitest.Path("/api/v1/shuttle/trips/%d/positions", tr.ID), otherDriver.Token,
			map[string]any{"positions": []any{shuttleFix(31.7, apitest.Epoch)}}, 403, "forbidden"},
		{"an admin cannot send positions for the driver", http.MethodPost, apitest.Path("/api/v1/shuttle/trips/%d/positions", tr.ID), w.admin.Token,
			map[string]any{"positions": []any{shuttleFix(31.7, apitest.Epoch)}}, 403, "forbidden"},
		{"unknown trip", http.MethodPost, "/api/v1/shuttle/trips/999999/status", w.driver.Token, map[string]any{"status": "departed"}, 404, "not_found"},
		{"unknown route to follow", http.MethodPut, "/api/v1/me/subscriptions/routes/999999", w.staff.Token, nil, 404, "not_found"},
		{"unknown stop to follow", http.MethodPut, "/api/v1/me/subscriptions/stops/999999", w.staff.Token, map[string]any{"minutes_before": 5}, 404, "not_found"},
		{"fields the driver may not set", http.MethodPost, apitest.Path("/api/v1/shuttle/trips/%d/status", tr.ID), w.driver.Token, map[string]any{"status": "boarding", "driver_id": 1}, 400, "validation_failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := env.Do(apitest.Request{Method: c.method, Path: c.path, Token: c.token, Body: c.body})
			apitest.Expect(t, resp, c.status, c.code)
		})
	}
	t.Run("the driver sees their own trips only", func(t *testing.T) {
		var out struct {
			Items []shuttleTripJSON `json:"items"`
		}
		resp := env.Get("/api/v1/driver/trips?date=2026-12-01", w.driver.Token)
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &out)
		if len(out.Items) != 1 || out.Items[0].ID != tr.ID {
			t.Fatalf("driver trips = %+v", out.Items)
		}
		resp = env.Get("/api/v1/driver/trips?date=2026-12-01", otherDriver.Token)
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &out)
		if len(out.Items) != 0 {
			t.Fatalf("other driver trips = %+v", out.Items)
		}
	})
	t.Run("an admin reassigns one trip and the new driver takes over", func(t *testing.T) {
		resp := env.Patch(apitest.Path("/api/v1/shuttle/trips/%d", tr.ID), w.admin.Token, map[string]any{"driver_id": otherDriver.ID, "vehicle_plate": "苏D·C1234"})
		apitest.Expect(t, resp, http.StatusOK)
		if got := shuttleInbox(env, otherDriver.ID); !slices.Equal(got, []string{"shuttle.assigned"}) {
			t.Fatalf("new driver inbox = %v", got)
		}
		apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, map[string]any{"status": "boarding"}), 403, "forbidden")
		apitest.Expect(t, w.status(t, otherDriver.Token, tr.ID, map[string]any{"status": "boarding"}), 200)
		resp = env.Patch(apitest.Path("/api/v1/shuttle/trips/%d", tr.ID), w.admin.Token, map[string]any{"driver_id": w.staff.ID})
		apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
	})
	t.Run("inactive routes are hidden from staff", func(t *testing.T) {
		apitest.Expect(t, env.Patch(apitest.Path("/api/v1/shuttle/routes/%d", w.route), w.admin.Token, map[string]any{"active": false}), 200)
		apitest.Expect(t, env.Get(apitest.Path("/api/v1/shuttle/routes/%d", w.route), w.staff.Token), 404, "not_found")
		apitest.Expect(t, env.Get(apitest.Path("/api/v1/shuttle/routes/%d", w.route), w.admin.Token), 200)
		var out struct {
			Items []struct{ ID int64 } `json:"items"`
		}
		env.Get("/api/v1/shuttle/routes", w.staff.Token).JSON(t, &out)
		if len(out.Items) != 0 {
			t.Fatalf("staff see %+v", out.Items)
		}
		apitest.Expect(t, env.Put(apitest.Path("/api/v1/me/subscriptions/routes/%d", w.route), w.staff.Token, nil), 404, "not_found")
		apitest.Expect(t, env.Put(apitest.Path("/api/v1/me/subscriptions/stops/%d", w.stops[0]), w.staff.Token,
			map[string]int{"minutes_before": 5}), 404, "not_found")
	})
}

func TestShuttleDemoData(t *testing.T) {
	env := apitest.New(t)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	staff := env.NewUser()
	var routes struct {
		Items []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	env.Get("/api/v1/shuttle/routes", staff.Token).JSON(t, &routes)
	if len(routes.Items) != 2 || routes.Items[0].Name != "政法班车" || routes.Items[1].Name != "科创中心专线" {
		t.Fatalf("routes = %+v", routes.Items)
	}
	var trips struct {
		Items []shuttleTripJSON `json:"items"`
	}
	env.Get("/api/v1/shuttle/trips?date=2026-12-01", staff.Token).JSON(t, &trips)
	if len(trips.Items) != 4 || trips.Items[0].Driver == nil {
		t.Fatalf("trips = %+v", trips.Items)
	}
	var tt shuttleTimetableJSON
	env.Get(apitest.Path("/api/v1/shuttle/routes/%d?date=2027-01-01", routes.Items[0].ID), staff.Token).JSON(t, &tt)
	if tt.Service.Kind != "holiday" || len(tt.Timetable) != 0 {
		t.Fatalf("New Year's Day = %+v", tt)
	}
	env.Get(apitest.Path("/api/v1/shuttle/routes/%d?date=2027-02-20", routes.Items[0].ID), staff.Token).JSON(t, &tt)
	if tt.Service.Kind != "workday" || len(tt.Timetable) != 2 {
		t.Fatalf("moved workday = %+v", tt)
	}
}
