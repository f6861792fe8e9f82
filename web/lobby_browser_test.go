package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/models/store"
)

// listen serves env's app on addr ("127.0.0.1:0" for any port) and
// returns the address it listens on.
func listen(t *testing.T, env *apitest.Env, addr string) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = env.Server.App.Listener(ln) }()
	t.Cleanup(func() { _ = env.Server.App.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

// within runs steps that must finish within d.
func within(t *testing.T, ctx context.Context, d time.Duration, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	short, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(short, steps...); err != nil {
		fail(t, ctx, fmt.Errorf("%s within %s: %w", what, d, err))
	}
}

// TestLobbyScreenInTheBrowser: a lobby screen open in Chromium shows a
// notice published through the API within two seconds without a reload,
// goes on updating after its server restarts, and shows "disabled" once
// an admin revokes it.
func TestLobbyScreenInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	env := apitest.New(t)
	// 07:00 on a Tuesday: the morning buses are still to come.
	env.Clock.Set(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC))
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	admin := env.NewUser(store.RoleAdmin)
	addr := listen(t, env, "127.0.0.1:0")
	base := "http://" + addr

	// The admin issues the screen's address on the console.
	do(t, ctx,
		chromedp.Navigate(base+"/console/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), admin.Username),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), apitest.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.Click(`//nav/a[. = "大屏"]`),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "1号楼大厅"),
		chromedp.Submit(chromedp.CSS(`input[name=name]`)),
		chromedp.WaitVisible(chromedp.CSS(`code.url`)),
	)
	path, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`code.url`)))
	if err != nil || !strings.HasPrefix(path, "/screen/") {
		t.Fatalf("the issued address: %q %v", path, err)
	}
	screenshot(t, ctx, "screen-issued")
	screen := base + path

	// The day's first 政法班车 runs late.
	var tripList struct {
		Items []struct {
			ID        int64  `json:"id"`
			RouteName string `json:"route_name"`
		} `json:"items"`
	}
	env.Get("/api/v1/shuttle/trips?date=2026-12-01", admin.Token).JSON(t, &tripList)
	trips := tripList.Items
	if len(trips) == 0 || trips[0].RouteName != "政法班车" {
		t.Fatalf("the demo's trips: %+v", trips)
	}
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/shuttle/trips/%d/status", trips[0].ID), admin.Token,
		map[string]any{"status": "scheduled", "delay_minutes": 12, "reason": "湖塘路口拥堵"}), http.StatusOK)

	do(t, ctx,
		chromedp.EmulateViewport(1920, 1080),
		chromedp.Navigate(screen),
		chromedp.WaitVisible(chromedp.CSS(`#board[data-live-state="open"]`)),
		chromedp.WaitVisible(`//li[contains(., "晚点 12 分钟，预计 07:32")]`),
	)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.houqinMarker = "same page"`)); err != nil {
		fail(t, ctx, err)
	}
	screenshot(t, ctx, "screen-board")

	// A notice published by an admin through the API shows within 2 s.
	apitest.Expect(t, env.Post("/api/v1/announcements", admin.Token, map[string]any{
		"title": "12月3日下午2号楼停电检修", "body": "14:00—16:00 2号楼停电检修，电梯暂停使用，请提前做好安排。"}), http.StatusCreated)
	within(t, ctx, 2*time.Second, "the new notice",
		chromedp.WaitVisible(`//article[contains(@class, "on")]//h3[contains(., "2号楼停电检修")]`))
	// So does a dish the canteen marks sold out.
	var canteens struct{ Items []struct{ ID int64 } }
	env.Get("/api/v1/canteens", admin.Token).JSON(t, &canteens)
	lunch := apitest.Path("/api/v1/canteens/%d/menus/2026-12-01/lunch/items/", canteens.Items[0].ID)
	var menu struct {
		Meals []struct {
			Meal  string
			Items []struct {
				DishID int64 `json:"dish_id"`
				Name   string
			}
		}
	}
	env.Get(apitest.Path("/api/v1/canteens/%d/menus?date=2026-12-01", canteens.Items[0].ID), admin.Token).JSON(t, &menu)
	for _, m := range menu.Meals {
		if m.Meal == "lunch" {
			apitest.Expect(t, env.Patch(lunch+strconv.FormatInt(m.Items[0].DishID, 10), admin.Token, map[string]any{"sold_out": true}), http.StatusOK)
			within(t, ctx, 2*time.Second, "the sold-out dish",
				chromedp.WaitVisible(`//li[@class="soldout"][contains(., "`+m.Items[0].Name+`")][contains(., "已售罄")]`))
		}
	}
	// And a bus that starts running late.
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/shuttle/trips/%d/status", trips[1].ID), admin.Token,
		map[string]any{"status": "scheduled", "delay_minutes": 20}), http.StatusOK)
	within(t, ctx, 2*time.Second, "the late bus", chromedp.WaitVisible(`//li[contains(., "晚点 20 分钟，预计 08:10")]`))
	screenshot(t, ctx, "screen-live")

	// The server restarts: a new one on the same database and address.
	if err := env.Server.App.ShutdownWithTimeout(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	next := env.Replica()
	listen(t, next, addr)
	within(t, ctx, 15*time.Second, "reconnecting",
		chromedp.WaitVisible(chromedp.CSS(`#board[data-live-state="open"]`)))
	apitest.Expect(t, next.Post("/api/v1/announcements", admin.Token, map[string]any{
		"title": "食堂今晚延长供餐至19:30", "body": "因加班需要，今晚晚餐延长至19:30。"}), http.StatusCreated)
	within(t, ctx, 2*time.Second, "a notice after the restart",
		chromedp.WaitVisible(`//article[contains(@class, "on")]//h3[contains(., "延长供餐")]`))
	marker, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.houqinMarker`))
	if err != nil {
		fail(t, ctx, err)
	}
	if marker != "same page" {
		t.Fatalf("the screen was reloaded (marker %q)", marker)
	}
	screenshot(t, ctx, "screen-restarted")

	// Revoked, the screen says so instead of going stale.
	list := newBrowser(next)
	list.signIn(admin)
	revoke := revokePath.FindStringSubmatch(list.get("/console/screens").Body)
	if revoke == nil {
		t.Fatal("no revoke form")
	}
	if p := list.post("/console/screens", revoke[1], url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.Status)
	}
	within(t, ctx, 10*time.Second, "the disabled notice",
		chromedp.WaitVisible(`//div[@id="off"][contains(., "此屏幕已停用")]`))
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		fail(t, ctx, err)
	}
	if strings.Contains(text, "停电检修") {
		t.Errorf("a revoked screen still shows the notices:\n%s", text)
	}
	screenshot(t, ctx, "screen-disabled")
}
