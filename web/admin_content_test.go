package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
	"houqin/push/fcmfake"
)

func TestAdminPublishesAnnouncements(t *testing.T) {
	fcm := fcmfake.New(t)
	env := apitest.New(t, apitest.WithFCM(fcm))
	_, b := adminBrowser(t, env)
	staff := env.NewUser(store.RoleStaff)
	env.RegisterDevice(staff, "staff-phone")
	const title = `<script>alert(1)</script>元旦放假通知`

	p := b.post("/console/admin/announcements", "/console/admin/announcements", url.Values{"title": {"  "}, "body": {"正文"}, "push": {"true"}})
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "为必填项") {
		t.Fatalf("a blank title: %d\n%s", p.Status, p.Body)
	}
	p = b.post("/console/admin/announcements", "/console/admin/announcements",
		url.Values{"title": {title}, "body": {"1月1日放假一天。"}, "pinned": {"true"}, "push": {"true"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", p.Status, p.Body)
	}
	list := b.get("/console/admin/announcements")
	if strings.Contains(list.Body, "<script>alert(1)") || !strings.Contains(list.Body, "&lt;script&gt;alert(1)&lt;/script&gt;元旦放假通知") ||
		!strings.Contains(list.Body, "置顶") || !strings.Contains(list.Body, "已推送") {
		t.Fatalf("the list:\n%s", list.Body)
	}
	// Pushed as the API pushes: the inbox, then the phone.
	if inbox := env.Inbox(staff.ID); len(inbox) != 1 || !strings.Contains(inbox[0].Title, "元旦放假通知") {
		t.Fatalf("the staff inbox: %+v", inbox)
	}
	env.DeliverPushes()
	if fcm.Delivered("staff-phone") != 1 {
		t.Errorf("FCM received %d pushes for the phone", fcm.Delivered("staff-phone"))
	}
	var api struct {
		Items []struct {
			ID     int64
			Title  string
			Pinned bool
		}
	}
	env.Get("/api/v1/announcements", staff.Token).JSON(t, &api)
	if len(api.Items) != 1 || api.Items[0].Title != title || !api.Items[0].Pinned {
		t.Fatalf("the API lists %+v", api.Items)
	}
	page := apitest.Path("/console/admin/announcements/%d", api.Items[0].ID)

	// A plain announcement without push reaches no inbox.
	b.post("/console/admin/announcements", "/console/admin/announcements", url.Values{"title": {"食堂开放时间调整"}, "body": {"午餐提前至11:15。"}})
	if n := len(env.Inbox(staff.ID)); n != 1 {
		t.Errorf("an announcement without push reached the inbox (%d entries)", n)
	}

	if p := b.post(page, page, url.Values{"title": {"元旦放假安排"}, "body": {""}}); p.Status != http.StatusBadRequest {
		t.Errorf("an edit with a blank body: %d", p.Status)
	}
	if p := b.post(page, page, url.Values{"title": {"元旦放假安排"}, "body": {"1月1日至3日放假。"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", p.Status, p.Body)
	}
	var one struct {
		Title  string
		Pinned bool
	}
	env.Get(apitest.Path("/api/v1/announcements/%d", api.Items[0].ID), staff.Token).JSON(t, &one)
	if one.Title != "元旦放假安排" || one.Pinned {
		t.Errorf("after the edit: %+v", one)
	}
	if n := len(env.Inbox(staff.ID)); n != 1 {
		t.Errorf("an edit pushed again (%d inbox entries)", n)
	}
	if p := b.post(page, page+"/delete", url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.Status)
	}
	apitest.Expect(t, env.Get(apitest.Path("/api/v1/announcements/%d", api.Items[0].ID), staff.Token), http.StatusNotFound)
	if p := b.get(page); p.Status != http.StatusNotFound {
		t.Errorf("the deleted announcement's page: %d", p.Status)
	}
}

// shuttleRoute adds a route of three stops through the API.
func shuttleRoute(t *testing.T, env *apitest.Env, admin apitest.User, name string) int64 {
	t.Helper()
	r := env.Post("/api/v1/shuttle/routes", admin.Token, map[string]any{"name": name, "stops": []map[string]any{
		{"name": "区行政中心", "lat": 31.78, "lng": 119.95}, {"name": "科创中心", "lat": 31.80, "lng": 119.97},
		{"name": "老干部活动中心", "lat": 31.82, "lng": 119.99}}})
	apitest.Expect(t, r, http.StatusCreated)
	var route struct{ ID int64 }
	r.JSON(t, &route)
	return route.ID
}

func TestAdminKeepsTimetables(t *testing.T) {
	env := apitest.New(t)
	admin, b := adminBrowser(t, env)
	driver := env.NewUser(store.RoleDriver)
	rename(t, env, &driver, "钱师傅", "86310077", "车队")
	id := shuttleRoute(t, env, admin, "科创中心线")
	other := shuttleRoute(t, env, admin, "政法班车")
	page := apitest.Path("/console/admin/shuttle/%d", id)

	if p := b.get("/console/admin/shuttle"); p.Status != http.StatusOK || !strings.Contains(p.Body, "科创中心线") || !strings.Contains(p.Body, "政法班车") {
		t.Fatalf("the routes: %d\n%s", p.Status, p.Body)
	}
	form := url.Values{"departure": {"07:30"}, "stop_minutes": {"0", "25", "20"}, "weekdays": {"1", "2", "3", "4", "5"},
		"vehicle_plate": {"苏D·A1234"}, "vehicle_seats": {"45"}, "driver_id": {apitest.Path("%d", driver.ID)}, "active": {"true"}}
	if p := b.post(page, page+"/schedules", form); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "必须从 0 开始且不能递减") {
		t.Fatalf("decreasing minutes: %d\n%s", p.Status, p.Body)
	}
	form.Set("departure", "7点半")
	if p := b.post(page, page+"/schedules", form); p.Status != http.StatusBadRequest {
		t.Errorf("a bad departure: %d", p.Status)
	}
	form.Set("departure", "07:30")
	form["stop_minutes"] = []string{"0", "20", "35"}
	if p := b.post(page, page+"/schedules", form); p.Status != http.StatusSeeOther {
		t.Fatalf("add a departure: %d\n%s", p.Status, p.Body)
	}
	p := b.get(page)
	if !strings.Contains(p.Body, "07:30") || !strings.Contains(p.Body, "08:05") || !strings.Contains(p.Body, "钱师傅") || !strings.Contains(p.Body, "周一二三四五") {
		t.Fatalf("the timetable:\n%s", p.Body)
	}
	var list struct {
		Items []struct {
			ID        int64
			Departure string
			StopTimes []string `json:"stop_times"`
			Weekdays  []int
			Active    bool
		}
	}
	env.Get(apitest.Path("/api/v1/shuttle/routes/%d/schedules", id), admin.Token).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Departure != "07:30" || strings.Join(list.Items[0].StopTimes, " ") != "07:30 07:50 08:05" {
		t.Fatalf("the API's timetable: %+v", list.Items)
	}
	sid := list.Items[0].ID
	edit := apitest.Path("%s/schedules/%d", page, sid)
	if p := b.get(apitest.Path("%s?edit=%d", page, sid)); !strings.Contains(p.Body, "修改 07:30 班次") {
		t.Errorf("the edit form:\n%s", p.Body)
	}
	form.Set("departure", "07:40")
	form["weekdays"] = []string{"1", "3", "5"}
	form.Set("vehicle_seats", "300")
	if p := b.post(page, edit, form); p.Status != http.StatusBadRequest {
		t.Errorf("300 seats: %d", p.Status)
	}
	form.Set("vehicle_seats", "33")
	if p := b.post(page, edit, form); p.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", p.Status, p.Body)
	}
	// A departure of one route is not changed through another's page.
	if p := b.post(page, apitest.Path("/console/admin/shuttle/%d/schedules/%d", other, sid), form); p.Status != http.StatusNotFound {
		t.Errorf("through another route: %d", p.Status)
	}
	if p := b.post(page, edit+"/active", url.Values{"active": {"false"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("stop: %d", p.Status)
	}
	env.Get(apitest.Path("/api/v1/shuttle/routes/%d/schedules", id), admin.Token).JSON(t, &list)
	if got := list.Items[0]; got.Departure != "07:40" || len(got.Weekdays) != 3 || got.Active {
		t.Errorf("after the edit and stop: %+v", got)
	}
	if p := b.get(page); !strings.Contains(p.Body, "已停开") || !strings.Contains(p.Body, "恢复") {
		t.Errorf("the stopped departure:\n%s", p.Body)
	}
}

func TestAdminSetsTheServiceCalendar(t *testing.T) {
	env := apitest.New(t)
	admin, b := adminBrowser(t, env)
	const page = "/console/admin/calendar?month=2027-01"
	if p := b.post(page, "/console/admin/calendar", url.Values{"date": {"2027-01-01"}, "kind": {"holiday"}, "note": {"<i>元旦</i>"}}); p.Status != http.StatusSeeOther ||
		p.Header.Get("Location") != "/console/admin/calendar?month=2027-01" {
		t.Fatalf("a holiday: %d %s\n%s", p.Status, p.Header.Get("Location"), p.Body)
	}
	if p := b.post(page, "/console/admin/calendar", url.Values{"date": {"2027-01-09"}, "kind": {"workday"}, "runs_as": {"5"}, "note": {"调休"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("a moved workday: %d\n%s", p.Status, p.Body)
	}
	if p := b.post(page, "/console/admin/calendar", url.Values{"date": {"2027-01-10"}, "kind": {"workday"}, "runs_as": {"9"}}); p.Status != http.StatusBadRequest {
		t.Errorf("weekday 9: %d", p.Status)
	}
	if p := b.post(page, "/console/admin/calendar", url.Values{"date": {"2027-01-10"}, "kind": {"party"}}); p.Status != http.StatusBadRequest {
		t.Errorf("a kind of day that is not ours: %d", p.Status)
	}
	if p := b.post(page, "/console/admin/calendar", url.Values{"date": {"2027-02-30"}, "kind": {"holiday"}}); p.Status != http.StatusBadRequest {
		t.Errorf("30 February: %d", p.Status)
	}
	p := b.get(page)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "&lt;i&gt;元旦&lt;/i&gt;") || !strings.Contains(p.Body, "调休上班（按周五时刻）") ||
		strings.Count(p.Body, `class="holiday"`) != 1 {
		t.Fatalf("the month:\n%s", p.Body)
	}
	var cal struct {
		Items []struct {
			Date, Kind string
			RunsAs     *int `json:"runs_as"`
		}
	}
	env.Get("/api/v1/shuttle/calendar?from=2027-01-01&to=2027-01-31", admin.Token).JSON(t, &cal)
	if len(cal.Items) != 2 || cal.Items[0].Kind != "holiday" || cal.Items[1].RunsAs == nil || *cal.Items[1].RunsAs != 5 {
		t.Fatalf("the API's calendar: %+v", cal.Items)
	}
	if p := b.post(page, "/console/admin/calendar/delete", url.Values{"date": {"2027-01-09"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d", p.Status)
	}
	if p := b.post(page, "/console/admin/calendar/delete", url.Values{"date": {"2027-01-09"}}); p.Status != http.StatusNotFound {
		t.Errorf("removing it twice: %d", p.Status)
	}
	env.Get("/api/v1/shuttle/calendar?from=2027-01-01&to=2027-01-31", admin.Token).JSON(t, &cal)
	if len(cal.Items) != 1 {
		t.Errorf("after the removal: %+v", cal.Items)
	}
	if p := b.get("/console/admin/calendar?month=2027-13"); p.Status != http.StatusBadRequest {
		t.Errorf("month 13: %d", p.Status)
	}
	if p := b.get("/console/admin/calendar"); p.Status != http.StatusOK || !strings.Contains(p.Body, "2026-12") {
		t.Errorf("this month: %d", p.Status)
	}
}

func TestAdminSeesPushStatus(t *testing.T) {
	fcm := fcmfake.New(t)
	env := apitest.New(t, apitest.WithFCM(fcm))
	admin, b := adminBrowser(t, env)
	env.RegisterDevice(admin, "admin-phone")
	fcm.Script("admin-phone", fcmfake.Unregistered)
	staff := env.NewUser(store.RoleStaff)
	env.RegisterDevice(staff, "staff-phone")
	apitest.Expect(t, env.Post("/api/v1/announcements", admin.Token, map[string]any{"title": "测试推送", "body": "请忽略", "push": true}), http.StatusCreated)
	if p := b.get("/console/admin/push"); !strings.Contains(p.Body, "待发送 2 条") {
		t.Errorf("the queue before delivery:\n%s", p.Body)
	}
	env.DeliverPushes()
	p := b.get("/console/admin/push")
	row := regexp.MustCompile(`(?s)<tr>\s*<td>Firebase.*?</tr>`).FindString(p.Body)
	cells := regexp.MustCompile(`<td>(\d+)</td>`).FindAllStringSubmatch(row, -1)
	if p.Status != http.StatusOK || len(cells) != 5 || cells[0][1] != "1" || cells[1][1] != "1" || !strings.Contains(row, "是") {
		t.Fatalf("the FCM row %q of:\n%s", row, p.Body)
	}
	if !strings.Contains(p.Body, "华为推送") || !strings.Contains(p.Body, "待发送 0 条") {
		t.Errorf("the page:\n%s", p.Body)
	}
}
