package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"houqin/api/apitest"
	"houqin/models/store"
	"houqin/push/fcmfake"
)

// TestAdminDayInTheBrowser is an administrator's round through Chromium and
// a real listener: a new colleague's account, a pinned announcement pushed
// to a phone, and New Year's Day off in the shuttle calendar.
func TestAdminDayInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	fcm := fcmfake.New(t)
	env := apitest.New(t, apitest.WithFCM(fcm))
	admin, staff := env.NewUser(store.RoleAdmin), env.NewUser(store.RoleStaff)
	rename(t, env, &admin, "吴主任", "86310001", "后勤服务中心")
	rename(t, env, &staff, "王建国", "86312345", "区发改局")
	env.RegisterDevice(staff, "wang-phone")
	driver := env.NewUser(store.RoleDriver)
	rename(t, env, &driver, "钱师傅", "86310077", "车队")
	route := shuttleRoute(t, env, admin, "科创中心线")
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/shuttle/routes/%d/schedules", route), admin.Token, map[string]any{
		"departure": "07:30", "stop_minutes": []int{0, 20, 35}, "weekdays": []int{1, 2, 3, 4, 5},
		"vehicle_plate": "苏D·A1234", "vehicle_seats": 45, "driver_id": driver.ID}), http.StatusCreated)
	base := apitest.Serve(t, env.Server.App)

	do(t, ctx,
		signInAt(base, admin),
		chromedp.WaitVisible(`//nav//a[contains(., "用户")]`),
		chromedp.Click(`//nav//a[contains(., "用户")]`),
		chromedp.WaitVisible(chromedp.CSS(`#new-user`)),
		chromedp.SendKeys(chromedp.CSS(`#new-user input[name=username]`), "zhao.li"),
		chromedp.SendKeys(chromedp.CSS(`#new-user input[name=name]`), "赵丽"),
		chromedp.SendKeys(chromedp.CSS(`#new-user input[name=department]`), "区财政局"),
		chromedp.SendKeys(chromedp.CSS(`#new-user input[name=phone]`), "86315678"),
		chromedp.SendKeys(chromedp.CSS(`#new-user input[name=password]`), "zhao-li-password"),
		chromedp.Click(chromedp.CSS(`#new-user input[value=meeting_admin]`)),
	)
	screenshot(t, ctx, "admin-users")
	do(t, ctx,
		chromedp.Submit(chromedp.CSS(`#new-user input[name=password]`)),
		chromedp.WaitVisible(`//h1[contains(., "赵丽（zhao.li）")]`),
	)
	screenshot(t, ctx, "admin-user")
	r := env.Post("/api/v1/auth/login", "", map[string]string{"username": "zhao.li", "password": "zhao-li-password"})
	apitest.Expect(t, r, http.StatusOK)

	do(t, ctx,
		chromedp.Click(`//nav//a[contains(., "公告")]`),
		chromedp.WaitVisible(chromedp.CSS(`#new-announcement`)),
		chromedp.SendKeys(chromedp.CSS(`#new-announcement input[name=title]`), "关于元旦放假的通知"),
		chromedp.SendKeys(chromedp.CSS(`#new-announcement textarea[name=body]`), "2027年1月1日放假一天，班车停开，食堂照常供应午餐。"),
		chromedp.Click(chromedp.CSS(`#new-announcement input[name=pinned]`)),
		chromedp.Submit(chromedp.CSS(`#new-announcement textarea[name=body]`)),
		chromedp.WaitVisible(`//table//td[contains(., "置顶") and contains(., "关于元旦放假的通知")]`),
	)
	screenshot(t, ctx, "admin-announcements")
	env.DeliverPushes()
	got := fcm.Received()
	if len(got) != 1 || got[0].Token != "wang-phone" || !strings.Contains(got[0].Notification.Title, "关于元旦放假的通知") {
		t.Fatalf("FCM received %+v", got)
	}

	do(t, ctx,
		chromedp.Click(`//nav//a[contains(., "班车时刻")]`),
		chromedp.Click(`//a[contains(., "科创中心线")]`),
		chromedp.WaitVisible(`//table//td[contains(., "08:05")]`),
	)
	screenshot(t, ctx, "admin-timetable")

	do(t, ctx,
		chromedp.Click(`//nav//a[contains(., "运营日历")]`),
		chromedp.WaitVisible(chromedp.CSS(`#calendar-day`)),
		chromedp.SetValue(chromedp.CSS(`#calendar-day input[name=date]`), "2027-01-01"),
		chromedp.Click(chromedp.CSS(`#calendar-day input[value=holiday]`)),
		chromedp.SendKeys(chromedp.CSS(`#calendar-day input[name=note]`), "元旦"),
		chromedp.Submit(chromedp.CSS(`#calendar-day input[name=note]`)),
		chromedp.WaitVisible(`//h1[contains(., "2027-01")]`),
		chromedp.WaitVisible(`//table[@id="exceptions"]//td[contains(., "节假日")]`),
	)
	screenshot(t, ctx, "admin-calendar")
	var cal struct {
		Items []struct{ Date, Kind, Note string }
	}
	env.Get("/api/v1/shuttle/calendar?from=2027-01-01&to=2027-01-01", admin.Token).JSON(t, &cal)
	if len(cal.Items) != 1 || cal.Items[0].Kind != "holiday" || cal.Items[0].Note != "元旦" {
		t.Fatalf("the calendar holds %+v", cal.Items)
	}

	do(t, ctx,
		chromedp.Click(`//nav//a[contains(., "推送状态")]`),
		chromedp.WaitVisible(chromedp.CSS(`#providers`)),
	)
	screenshot(t, ctx, "admin-push")
}
