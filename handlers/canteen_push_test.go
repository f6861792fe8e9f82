package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
)

// TestCanteenMenuPushesReachPhones publishes menus through the real
// delivery worker and firebase SDK to a fake FCM: everyone with menu pushes
// on hears once per date, with the date in the text and a link to that
// day's menu; whoever switched menu pushes off hears nothing (but still
// finds it in the inbox); refused publications reach nobody.
func TestCanteenMenuPushesReachPhones(t *testing.T) {
	opt, ph := withPhones(t)
	e := newCanteenEnv(t, opt)
	driver, quiet := e.NewUser(store.RoleDriver), e.NewUser()
	for tok, u := range map[string]apitest.User{"staff-phone": e.staff, "driver-phone": driver, "quiet-phone": quiet} {
		e.RegisterDevice(u, tok)
	}
	menuPushes := func(on bool) {
		t.Helper()
		apitest.Expect(t, e.Put("/api/v1/me/preferences", quiet.Token, map[string]any{"push": map[string]bool{"menu": on}}), http.StatusOK)
	}
	menuPushes(false)
	menu := func(date string, when ...string) wantPush {
		return wantPush{title: append([]string{"机关食堂", "菜单已发布"}, when...), body: when, channel: "houqin_menu",
			collapse: fmt.Sprint("menu:", e.canteen), priority: "normal",
			data: map[string]string{"type": "menu", "id": fmt.Sprint(e.canteen), "status": "published", "date": date}}
	}

	t.Run("refused publications reach nobody", func(t *testing.T) {
		e.saveMenu(t, "2026-12-02", "lunch", e.dishes...)
		apitest.Expect(t, e.Post(e.menuPath("2026-12-02", "lunch")+"/publish", e.staff.Token, nil), http.StatusForbidden, "forbidden")
		apitest.Expect(t, e.Post(e.menuPath("2026-12-09", "lunch")+"/publish", e.admin.Token, nil), http.StatusNotFound, "not_found")
		expectPushes(t, ph.deliver(t, e.Env), nil)
	})
	t.Run("a published menu reaches staff with menu pushes on", func(t *testing.T) {
		apitest.Expect(t, e.Post(e.menuPath("2026-12-02", "lunch")+"/publish", e.admin.Token, nil), http.StatusOK)
		want := menu("2026-12-02", "12月2日（周三）")
		expectPushes(t, ph.deliver(t, e.Env), map[string]wantPush{"staff-phone": want, "driver-phone": want})
		if in := e.Inbox(quiet.ID); len(in) != 1 || in[0].Type != "menu.published" {
			t.Errorf("inbox of the user without menu pushes: %+v, want the menu notice", in)
		}
	})
	t.Run("more meals of the same date push nothing", func(t *testing.T) {
		e.publish(t, "2026-12-02", "dinner", e.dishes[0])
		expectPushes(t, ph.deliver(t, e.Env), nil)
	})
	t.Run("switching menu pushes back on brings the next date", func(t *testing.T) {
		menuPushes(true)
		e.publish(t, "2026-12-05", "lunch", e.dishes[1])
		want := menu("2026-12-05", "12月5日（周六）")
		expectPushes(t, ph.deliver(t, e.Env), map[string]wantPush{"staff-phone": want, "driver-phone": want, "quiet-phone": want})
	})
	t.Run("a past date pushes nothing", func(t *testing.T) {
		e.publish(t, "2026-11-30", "lunch", e.dishes[0])
		expectPushes(t, ph.deliver(t, e.Env), nil)
	})
}
