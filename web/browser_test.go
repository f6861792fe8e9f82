package web_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houqin/api/apitest"
	"houqin/models/store"
)

// chromium starts a headless Chromium for the test, or skips it when none
// is installed (.ci/run installs one).
func chromium(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no Chromium installed: apt-get install chromium fonts-wqy-microhei")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	// The first run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// do runs steps, each batch within 20 s, and fails with the page shown.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	short, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(short, steps...); err != nil {
		fail(t, ctx, err)
	}
}

// screenshot saves the page as testdata/screenshots/NAME.png (ignored by
// git) for a person to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// signInAt signs u in through the console's form at base.
func signInAt(base string, u apitest.User) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/console/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), u.Username),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), apitest.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
	)
}

// fail ends the test with what the browser shows.
func fail(t *testing.T, ctx context.Context, err error) {
	t.Helper()
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url, _ := chromedp.Run(short, chromedp.Evaluate[string](`location.href`))
	text, _ := chromedp.Run(short, chromedp.Evaluate[string](`document.body.innerText`))
	screenshot(t, short, "failure")
	t.Fatalf("%v\nat %s:\n%s", err, url, text)
}

// TestHotlineCallInTheBrowser is the dispatcher's day through Chromium and a
// real listener: a call is entered and assigned, the technician resolves it
// through the API, the open queue shows it without a reload, and the
// callback closes it.
func TestHotlineCallInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	env := apitest.New(t)
	desk, caller, tech := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff), env.NewUser(store.RoleTechnician)
	rename(t, env, &desk, "赵调度", "86310037", "后勤服务中心")
	rename(t, env, &caller, "王建国", "86312345", "区发改局")
	rename(t, env, &tech, "李师傅", "86310050", "维修班")
	base := apitest.Serve(t, env.Server.App)

	do(t, ctx,
		signInAt(base, desk),
		chromedp.WaitVisible(chromedp.CSS(`#queue`)),
		chromedp.Click(chromedp.CSS(`a[href="/console/repairs/new"].button`)),
		chromedp.WaitVisible(chromedp.CSS(`#caller-q`)),
		chromedp.SendKeys(chromedp.CSS(`#caller-q`), "发改"),
		chromedp.WaitVisible(`//ul[@class="callers"]//a[contains(., "王建国")]`),
	)
	screenshot(t, ctx, "hotline-caller")
	do(t, ctx,
		chromedp.Click(`//ul[@class="callers"]//a[contains(., "王建国")]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name=location]`)),
		chromedp.SetValue(chromedp.CSS(`select[name=category]`), "air_conditioning"),
		chromedp.SendKeys(chromedp.CSS(`input[name=location]`), "1号楼三楼第一会议室"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=description]`), "空调不制冷，<b>明早</b>有会"),
	)
	screenshot(t, ctx, "hotline-form")
	do(t, ctx,
		chromedp.Submit(chromedp.CSS(`textarea[name=description]`)),
		chromedp.WaitVisible(chromedp.CSS(`select[name=technician_id]`)),
		chromedp.Submit(chromedp.CSS(`select[name=technician_id]`)),
		chromedp.WaitVisible(`//h1[contains(., "已指派")]`),
		chromedp.Navigate(base+"/console/repairs"),
		chromedp.WaitVisible(`//table[@class="queue"]//td[contains(., "李师傅")]`),
		chromedp.WaitVisible(chromedp.CSS(`#queue[data-live-state="open"]`)),
	)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.houqinMarker = "same page"`)); err != nil {
		fail(t, ctx, err)
	}
	screenshot(t, ctx, "desk-assigned")

	// The technician works it through the API, as the phone app does.
	var list struct{ Items []struct{ ID int64 } }
	env.Get("/api/v1/repairs?mine=true", tech.Token).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("the technician holds %d repairs", len(list.Items))
	}
	id := list.Items[0].ID
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/repairs/%d/start", id), tech.Token, nil), http.StatusOK)
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/repairs/%d/resolve", id), tech.Token, map[string]string{"note": "更换了压缩机电容"}), http.StatusOK)

	// The queue polls only every 60 s as a safety net: within 5 s the
	// change can only have come through the desk's stream.
	within(t, ctx, 5*time.Second, "the resolved request in the queue",
		chromedp.WaitVisible(`//table[@class="queue"]//td[contains(., "已修复")]`))
	marker, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.houqinMarker`))
	if err != nil {
		fail(t, ctx, err)
	}
	if marker != "same page" {
		t.Fatalf("the page was reloaded (marker %q)", marker)
	}
	refreshes, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#queue").getAttribute("data-live-refreshes")`))
	if err != nil {
		fail(t, ctx, err)
	}
	if n, _ := strconv.Atoi(refreshes); n < 1 {
		t.Fatalf("the queue changed without a refresh from its stream (%q)", refreshes)
	}
	screenshot(t, ctx, "queue-live")

	do(t, ctx,
		chromedp.Click(`//table[@class="queue"]//a[contains(., "回访")]`),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name=comment]`)),
		chromedp.Click(chromedp.CSS(`input[name=cleanliness][value="2"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), "来电人满意，现场有少量灰尘"),
		chromedp.Submit(chromedp.CSS(`textarea[name=comment]`)),
		chromedp.WaitVisible(`//h1[contains(., "已关闭")]`),
	)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil {
		fail(t, ctx, err)
	}
	screenshot(t, ctx, "repair-closed")
	var got struct {
		Status   string
		Feedback struct{ Cleanliness int } `json:"feedback"`
	}
	env.Get(apitest.Path("/api/v1/repairs/%d", id), caller.Token).JSON(t, &got)
	if got.Status != "closed" || got.Feedback.Cleanliness != 2 || !strings.Contains(status, "已关闭") {
		t.Fatalf("after the callback: %+v, page %q", got, status)
	}
}

// TestMeetingApprovalInTheBrowser: the meeting desk approves a pending
// booking from its queue.
func TestMeetingApprovalInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	env := apitest.New(t)
	desk, staff := env.NewUser(store.RoleMeetingAdmin), env.NewUser(store.RoleStaff)
	rename(t, env, &staff, "陈秘书", "86315678", "区财政局")
	room := approvalRoom(t, env, desk)
	id := bookPending(t, env, staff, room, "财政局预算编制会", 9)
	bookPending(t, env, staff, room, "财政局党组会", 15)
	base := apitest.Serve(t, env.Server.App)

	do(t, ctx,
		signInAt(base, desk),
		chromedp.WaitVisible(`//td[contains(., "财政局预算编制会")]`),
	)
	screenshot(t, ctx, "meetings-pending")
	do(t, ctx,
		chromedp.Click(`//tr[td[contains(., "财政局预算编制会")]]//button[contains(., "批准")]`),
		// Approved, it leaves the queue and shows beside the other booking.
		chromedp.WaitVisible(`//td[contains(., "财政局预算编制会（已批准）")]`),
	)
	screenshot(t, ctx, "meetings-approved")
	day := store.DateOf(apitest.Epoch.Add(24*time.Hour), env.Store.Location).String()
	do(t, ctx,
		chromedp.Navigate(base+"/console/meetings/day?date="+day),
		chromedp.WaitVisible(`//td[contains(@class, "busy")]//a[contains(., "财政局预算编制会")]`),
	)
	screenshot(t, ctx, "meetings-day")
	do(t, ctx,
		chromedp.Navigate(base+"/console/meetings/sheet?date="+day),
		chromedp.WaitVisible(`//table[@class="sheet-table"]//td[contains(., "财政局党组会")]`),
	)
	screenshot(t, ctx, "meetings-sheet")
	var got struct{ Status string }
	env.Get(apitest.Path("/api/v1/bookings/%d", id), staff.Token).JSON(t, &got)
	if got.Status != "approved" {
		t.Fatalf("the booking is %q after approval", got.Status)
	}
}

// TestRepairStatisticsInTheBrowser renders the statistics charts for a
// person to look at.
func TestRepairStatisticsInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	env := apitest.New(t)
	desk, caller := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff)
	for i, c := range []string{"lift", "water", "water", "power", "air_conditioning", "water"} {
		env.Clock.Advance(time.Duration(i) * time.Minute)
		apitest.Expect(t, env.Post("/api/v1/repairs", caller.Token, map[string]any{"category": c, "location": "2号楼", "description": "故障"}), http.StatusCreated)
	}
	base := apitest.Serve(t, env.Server.App)
	do(t, ctx,
		chromedp.Navigate(base+"/console/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), desk.Username),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), apitest.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`#queue`)),
		chromedp.Navigate(base+"/console/repairs/stats"),
		chromedp.WaitVisible(`//figcaption[contains(., "按类别")]`),
	)
	screenshot(t, ctx, "repair-stats")
}
