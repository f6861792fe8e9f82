package handlers_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
)

// shuttleWorld is a route of four stops 2.2 km apart going north, with one
// weekday run at 09:30 (0, 6, 12, 20 minutes to the stops) driven by driver.
type shuttleWorld struct {
	env                  *apitest.Env
	admin, driver, staff apitest.User
	route, schedule      int64
	stops                []int64
	events               *apitest.LiveRecorder
	loc                  *time.Location
}

var shuttleStopLats = []float64{31.70, 31.72, 31.74, 31.76}

const shuttleStopLng = 119.95

func newShuttleWorld(t *testing.T, opts ...apitest.Option) *shuttleWorld {
	t.Helper()
	env := apitest.New(t, opts...)
	w := &shuttleWorld{env: env, admin: env.NewUser(store.RoleAdmin), driver: env.NewUser(store.RoleDriver),
		staff: env.NewUser(), loc: env.Store.Location}
	w.events = env.RecordLive()
	stops := make([]map[string]any, len(shuttleStopLats))
	for i, lat := range shuttleStopLats {
		stops[i] = map[string]any{"name": []string{"湖塘", "法院", "检察院", "区行政中心"}[i], "lat": lat, "lng": shuttleStopLng}
	}
	resp := env.Post("/api/v1/shuttle/routes", w.admin.Token, map[string]any{"name": "政法班车", "color": "#c8102e", "stops": stops})
	apitest.Expect(t, resp, http.StatusCreated)
	var r struct {
		ID    int64 `json:"id"`
		Stops []struct {
			ID int64 `json:"id"`
		} `json:"stops"`
	}
	resp.JSON(t, &r)
	w.route = r.ID
	for _, s := range r.Stops {
		w.stops = append(w.stops, s.ID)
	}
	w.schedule = w.addSchedule(t, "09:30", []int{1, 2, 3, 4, 5}, &w.driver.ID)
	return w
}

func (w *shuttleWorld) addSchedule(t *testing.T, departure string, weekdays []int, driver *int64) int64 {
	t.Helper()
	body := map[string]any{"departure": departure, "stop_minutes": []int{0, 6, 12, 20}, "weekdays": weekdays,
		"vehicle_plate": "苏D·A3721", "vehicle_seats": 33}
	if driver != nil {
		body["driver_id"] = *driver
	}
	resp := w.env.Post(apitest.Path("/api/v1/shuttle/routes/%d/schedules", w.route), w.admin.Token, body)
	apitest.Expect(t, resp, http.StatusCreated)
	var sc struct {
		ID int64 `json:"id"`
	}
	resp.JSON(t, &sc)
	return sc.ID
}

// at sets the clock to a local wall-clock time on 2026-12-01 (a Tuesday).
func (w *shuttleWorld) at(hour, minute int) time.Time {
	t := time.Date(2026, 12, 1, hour, minute, 0, 0, w.loc)
	w.setClock(t)
	return t
}

// setClock moves the clock and signs the world's users in again, since
// access tokens expire with the clock.
func (w *shuttleWorld) setClock(t time.Time) {
	w.env.Clock.Set(t)
	for _, u := range []*apitest.User{&w.admin, &w.driver, &w.staff} {
		token, err := w.env.Server.Tokens.Issue(u.ID)
		if err != nil {
			w.env.T.Fatal(err)
		}
		u.Token = token
	}
}

type shuttleTripJSON struct {
	ID           int64  `json:"id"`
	ScheduleID   int64  `json:"schedule_id"`
	ServiceDate  string `json:"service_date"`
	Status       string `json:"status"`
	DelayMinutes int    `json:"delay_minutes"`
	Reason       string `json:"reason"`
	Driver       *struct {
		ID int64 `json:"id"`
	} `json:"driver"`
	Vehicle struct {
		Plate string `json:"plate"`
	} `json:"vehicle"`
	LastPosition *struct {
		Lat        float64   `json:"lat"`
		RecordedAt time.Time `json:"recorded_at"`
	} `json:"last_position"`
	Stops []struct {
		StopID      int64      `json:"stop_id"`
		ScheduledAt time.Time  `json:"scheduled_at"`
		ETA         *time.Time `json:"eta"`
		Passed      bool       `json:"passed"`
	} `json:"stops"`
}

func (w *shuttleWorld) trips(t *testing.T, date string) []shuttleTripJSON {
	t.Helper()
	resp := w.env.Get("/api/v1/shuttle/trips?date="+date, w.staff.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var out struct {
		Items []shuttleTripJSON `json:"items"`
	}
	resp.JSON(t, &out)
	return out.Items
}

// trip returns today's (2026-12-01) trip of the world's schedule.
func (w *shuttleWorld) trip(t *testing.T) shuttleTripJSON {
	t.Helper()
	for _, tr := range w.trips(t, "2026-12-01") {
		if tr.ScheduleID == w.schedule {
			return tr
		}
	}
	t.Fatal("no trip today")
	return shuttleTripJSON{}
}

func (w *shuttleWorld) status(t *testing.T, token string, trip int64, body map[string]any) *apitest.Response {
	t.Helper()
	return w.env.Post(apitest.Path("/api/v1/shuttle/trips/%d/status", trip), token, body)
}

func shuttleFix(lat float64, at time.Time) map[string]any {
	return map[string]any{"lat": lat, "lng": shuttleStopLng, "speed": 9.5, "recorded_at": at.Format(time.RFC3339)}
}

type shuttlePositionsResult struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	Rejected   []struct {
		Index  int    `json:"index"`
		Reason string `json:"reason"`
	} `json:"rejected"`
}

func (w *shuttleWorld) positions(t *testing.T, trip int64, fixes ...map[string]any) shuttlePositionsResult {
	t.Helper()
	resp := w.env.Post(apitest.Path("/api/v1/shuttle/trips/%d/positions", trip), w.driver.Token, map[string]any{"positions": fixes})
	apitest.Expect(t, resp, http.StatusOK)
	var res shuttlePositionsResult
	resp.JSON(t, &res)
	return res
}

// shuttleAddDevice registers a phone for u straight in the database, so that
// notifications also produce push outbox rows.
func shuttleAddDevice(t *testing.T, env *apitest.Env, userID int64) {
	t.Helper()
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.Create(&notify.Device{UserID: userID, Token: apitest.Path("token-%d", userID), Platform: "android", LastSeenAt: tx.Now}).Error
	})
	if err != nil {
		t.Fatal(err)
	}
}

func shuttleInbox(env *apitest.Env, userID int64) []string {
	var out []string
	for _, n := range env.Inbox(userID) {
		out = append(out, n.Type)
	}
	return out
}

func shuttleOutbox(t *testing.T, env *apitest.Env) []notify.OutboxJob {
	t.Helper()
	var jobs []notify.OutboxJob
	if err := env.Store.Read(context.Background()).Order("id").Find(&jobs).Error; err != nil {
		t.Fatal(err)
	}
	return jobs
}
