package handlers_test

import (
	"net/http"
	"strconv"
	"testing"

	"houqin/api/apitest"
	"houqin/push/fcmfake"
)

type shuttlePush struct{ title, body, status string }

// TestShuttlePushes follows a trip from delay to cancellation with a route
// follower, a stop follower and a bystander, each with a phone registered
// through the API, and checks what reaches the fake FCM after each report:
// which pushes, to whom, and how they are sent.
func TestShuttlePushes(t *testing.T) {
	withFCM, pushes := withPhones(t)
	w := newShuttleWorld(t, withFCM)
	env := w.env
	stopFan, bystander := env.NewUser(), env.NewUser()
	for tok, u := range map[string]apitest.User{"route-fan": w.staff, "stop-fan": stopFan, "bystander": bystander} {
		apitest.Expect(t, env.Post("/api/v1/me/devices", u.Token, map[string]string{"token": tok, "platform": "android"}), http.StatusCreated)
	}
	apitest.Expect(t, env.Put(apitest.Path("/api/v1/me/subscriptions/routes/%d", w.route), w.staff.Token, nil), http.StatusNoContent)
	last := w.stops[3]
	apitest.Expect(t, env.Put(apitest.Path("/api/v1/me/subscriptions/stops/%d", last), stopFan.Token, map[string]any{"minutes_before": 5}), http.StatusOK)
	tr := w.trip(t)

	steps := []struct {
		name         string
		hour, minute int
		status       map[string]any // a driver's report, or
		fixLat       float64        // a fix at this latitude, taken now
		want         map[string][]shuttlePush
	}{
		{"a small delay pushes nothing", 9, 30, map[string]any{"status": "scheduled", "delay_minutes": 3}, 0, nil},
		{"a delay of 5 minutes reaches route followers", 9, 30, map[string]any{"status": "boarding", "delay_minutes": 6}, 0,
			map[string][]shuttlePush{"route-fan": {{"政法班车 09:30 晚点约6分钟", "请留意发车时间", "boarding"}}}},
		{"growing by less than 5 pushes nothing", 9, 31, map[string]any{"status": "boarding", "delay_minutes": 10}, 0, nil},
		{"growing by 5 more pushes again", 9, 32, map[string]any{"status": "boarding", "delay_minutes": 11, "reason": "路上拥堵"}, 0,
			map[string][]shuttlePush{"route-fan": {{"政法班车 09:30 晚点约11分钟", "原因：路上拥堵", "boarding"}}}},
		{"departure reaches route followers", 9, 41, map[string]any{"status": "departed"}, 0,
			map[string][]shuttlePush{"route-fan": {{"政法班车 09:30 已发车", "班车已从首站发车，晚点约11分钟", "departed"}}}},
		{"a bus 14 minutes away pushes nothing", 9, 47, nil, shuttleStopLats[1], nil},
		{"a bus 4 minutes away reaches the stop follower", 9, 56, nil, 31.75,
			map[string][]shuttlePush{"stop-fan": {{"政法班车 09:30 即将到站", "预计约4分钟后到达区行政中心", "departed"}}}},
		{"the stop follower hears it once per trip", 9, 57, nil, 31.755, nil},
		{"cancellation reaches route and stop followers", 9, 58, map[string]any{"status": "cancelled", "reason": "车辆故障"}, 0,
			map[string][]shuttlePush{
				"route-fan": {{"政法班车 09:30 班次取消", "取消原因：车辆故障", "cancelled"}},
				"stop-fan":  {{"政法班车 09:30 班次取消", "取消原因：车辆故障", "cancelled"}},
			}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			w.at(s.hour, s.minute)
			if s.status != nil {
				apitest.Expect(t, w.status(t, w.driver.Token, tr.ID, s.status), http.StatusOK)
			} else {
				w.positions(t, tr.ID, shuttleFix(s.fixLat, env.Clock.Now()))
			}
			got := pushes.deliver(t, env)
			if len(got) != len(s.want) {
				t.Fatalf("pushed to %d phones, want %d: %+v", len(got), len(s.want), got)
			}
			for tok, want := range s.want {
				if len(got[tok]) != len(want) {
					t.Fatalf("%s got %d pushes, want %d: %+v", tok, len(got[tok]), len(want), got[tok])
				}
				for i, m := range got[tok] {
					checkShuttlePush(t, m, want[i], tr.ID, w.route)
					if tok == "stop-fan" && want[i].status != "cancelled" && m.Data["stop_id"] != strconv.FormatInt(last, 10) {
						t.Errorf("stop_id %q, want %d", m.Data["stop_id"], last)
					}
				}
			}
		})
	}
	t.Run("the bystander's phone was never contacted", func(t *testing.T) {
		if n := len(pushes.fake.Answered("bystander")); n != 0 {
			t.Fatalf("FCM was asked %d times for the bystander", n)
		}
	})
}

// checkShuttlePush checks one push: its text, and that it is high priority,
// collapses per trip, expires, and deep-links to the trip.
func checkShuttlePush(t *testing.T, m fcmfake.Message, want shuttlePush, trip, route int64) {
	t.Helper()
	if m.Notification.Title != want.title || m.Notification.Body != want.body {
		t.Errorf("push %q / %q, want %q / %q", m.Notification.Title, m.Notification.Body, want.title, want.body)
	}
	a := m.Android
	if a.Priority != "high" || a.CollapseKey != apitest.Path("shuttle-trip-%d", trip) || a.TTL == "" || a.Notification.ChannelID != "houqin_shuttle" {
		t.Errorf("android options %+v", a)
	}
	if m.APNS.Headers["apns-priority"] != "10" || m.APNS.Headers["apns-collapse-id"] != a.CollapseKey {
		t.Errorf("apns headers %v", m.APNS.Headers)
	}
	d := m.Data
	if d["type"] != "shuttle_trip" || d["id"] != strconv.FormatInt(trip, 10) || d["route_id"] != strconv.FormatInt(route, 10) ||
		d["status"] != want.status || d["category"] != "shuttle" || d["notification_id"] == "" {
		t.Errorf("deep link %v", d)
	}
}
