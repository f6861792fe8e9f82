package handlers_test

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/push/dingtalkfake"
	"houqin/push/harmonyfake"
	"houqin/push/wecomfake"
)

// workDesk is a repair desk whose server reaches HarmonyOS phones, 企业微信
// and 钉钉, each through its real sender to its fake.
type workDesk struct {
	*repairDesk
	wecom   *wecomfake.Server
	ding    *dingtalkfake.Server
	harmony *harmonyfake.Server
}

func newWorkDesk(t *testing.T) *workDesk {
	w, d, h := wecomfake.New(t), dingtalkfake.New(t), harmonyfake.New(t)
	desk := newRepairDesk(t, apitest.WithWeCom(w, ""), apitest.WithDingTalk(d), apitest.WithHarmony(h))
	return &workDesk{repairDesk: desk, wecom: w, ding: d, harmony: h}
}

func (d *workDesk) bind(t *testing.T, u apitest.User, platform, account string) {
	t.Helper()
	resp := d.env.Put(apitest.Path("/api/v1/users/%d/work-accounts/%s", u.ID, platform), d.admin.Token, map[string]string{"account_id": account})
	apitest.Expect(t, resp, 200)
}

func (d *workDesk) routing(t *testing.T, r string) {
	t.Helper()
	apitest.Expect(t, d.env.Put("/api/v1/admin/work-platforms", d.admin.Token, map[string]string{"routing": r}), 200)
}

// TestWorkRepairLife: a repair's life reaches a requester who has only a
// 企业微信 binding, a technician with only a HarmonyOS phone and a
// dispatcher with both, each exactly once per change (the dispatcher on
// the phone, which accepted it), in Chinese.
func TestWorkRepairLife(t *testing.T) {
	d := newWorkDesk(t)
	env := d.env
	d.bind(t, d.staff, "wecom", "ZhangWei")
	env.RegisterDeviceWith(d.tech, "harmony", "tech-harmony")
	env.RegisterDeviceWith(d.desk, "harmony", "desk-harmony")
	d.bind(t, d.desk, "wecom", "LiNa")
	reached := func(t *testing.T) {
		t.Helper()
		env.DeliverPushes()
		for _, c := range []struct {
			who       string
			u         apitest.User
			delivered int
		}{
			{"requester (企业微信)", d.staff, d.wecom.Delivered("ZhangWei")},
			{"technician (HarmonyOS)", d.tech, d.harmony.Delivered("tech-harmony")},
			{"dispatcher (HarmonyOS)", d.desk, d.harmony.Delivered("desk-harmony")},
		} {
			if inbox := len(env.Inbox(c.u.ID)); c.delivered != inbox {
				t.Errorf("%s: %d pushes delivered for %d notices", c.who, c.delivered, inbox)
			}
		}
		if n := d.wecom.Delivered("LiNa"); n != 0 {
			t.Errorf("the dispatcher's phone took the pushes, yet 企业微信 got %d", n)
		}
	}
	r := d.create(t, d.staff, acRepair)
	reached(t)
	d.mustAct(t, d.desk, r.ID, "assign", d.bodyFor("assign"))
	reached(t)
	d.mustAct(t, d.tech, r.ID, "start", nil)
	reached(t)
	d.mustAct(t, d.tech, r.ID, "resolve", d.bodyFor("resolve"))
	reached(t)
	if d.harmony.Delivered("desk-harmony") == 0 || d.harmony.Delivered("tech-harmony") == 0 || d.wecom.Delivered("ZhangWei") < 2 {
		t.Fatalf("the life reached too few: desk %d, tech %d, requester %d",
			d.harmony.Delivered("desk-harmony"), d.harmony.Delivered("tech-harmony"), d.wecom.Delivered("ZhangWei"))
	}
	for _, m := range d.wecom.Received() {
		if m.MsgType != "text" || !strings.Contains(m.Content, "报修") || !strings.Contains(m.Content, r.Ticket) {
			t.Errorf("企业微信 text: %+v", m)
		}
	}
	han := func(r rune) bool { return unicode.Is(unicode.Han, r) }
	for _, m := range d.harmony.Received() {
		if n := m.Notification; !strings.ContainsFunc(n.Title, han) || !strings.ContainsFunc(n.Body, han) || n.Category != "WORK" {
			t.Errorf("HarmonyOS notification: %+v", n)
		}
	}
}

// TestWorkRouting: with no_app_device a user whose phone is dead hears on
// the work platform instead, and with always on both; the category
// switches hold on every channel.
func TestWorkRouting(t *testing.T) {
	d := newWorkDesk(t)
	env := d.env
	env.RegisterDeviceWith(d.staff, "harmony", "staff-harmony")
	d.bind(t, d.staff, "dingtalk", "manager4521")
	r := d.create(t, d.staff, acRepair)
	step := func(t *testing.T, action string, body any) (phone, ding int) {
		t.Helper()
		p0, d0 := d.harmony.Delivered("staff-harmony"), d.ding.Delivered("manager4521")
		// Time moves on: 钉钉 refuses the same text to a person twice a day,
		// and the texts, alike here, differ by the time they carry.
		d.advance(time.Minute)
		d.mustAct(t, d.desk, r.ID, action, body)
		env.DeliverPushes()
		return d.harmony.Delivered("staff-harmony") - p0, d.ding.Delivered("manager4521") - d0
	}
	t.Run("the phone accepted it: not on 钉钉 too", func(t *testing.T) {
		if phone, ding := step(t, "assign", d.bodyFor("assign")); phone != 1 || ding != 0 {
			t.Fatalf("phone %d, 钉钉 %d", phone, ding)
		}
	})
	t.Run("always: on both", func(t *testing.T) {
		d.routing(t, "always")
		if phone, ding := step(t, "assign", map[string]any{"technician_id": d.tech2.ID}); phone != 1 || ding != 1 {
			t.Fatalf("phone %d, 钉钉 %d", phone, ding)
		}
	})
	t.Run("no app device accepted it: on 钉钉", func(t *testing.T) {
		d.routing(t, "no_app_device")
		d.harmony.Script("staff-harmony", harmonyfake.InvalidToken)
		if phone, ding := step(t, "assign", d.bodyFor("assign")); phone != 0 || ding != 1 {
			t.Fatalf("phone %d, 钉钉 %d", phone, ding)
		}
	})
	t.Run("repair pushes switched off: on no channel", func(t *testing.T) {
		apitest.Expect(t, env.Put("/api/v1/me/preferences", d.staff.Token, map[string]any{"push": map[string]bool{
			"repair": false, "booking": true, "menu": true, "shuttle": true, "announcement": true}}), 200)
		if phone, ding := step(t, "assign", map[string]any{"technician_id": d.tech2.ID}); phone != 0 || ding != 0 {
			t.Fatalf("phone %d, 钉钉 %d", phone, ding)
		}
	})
}

// TestWorkAccounts: admins bind, import and sync accounts; users see their
// own on /me; an account the platform calls invalid is marked so and not
// retried; deactivation removes the bindings.
func TestWorkAccounts(t *testing.T) {
	d := newWorkDesk(t)
	env := d.env
	list := func(t *testing.T, u apitest.User) []handlers.WorkAccountOut {
		t.Helper()
		resp := env.Get(apitest.Path("/api/v1/users/%d/work-accounts", u.ID), d.admin.Token)
		apitest.Expect(t, resp, 200)
		var out struct{ Items []handlers.WorkAccountOut }
		resp.JSON(t, &out)
		return out.Items
	}
	t.Run("binding is for admins; seeing for the user too", func(t *testing.T) {
		path := apitest.Path("/api/v1/users/%d/work-accounts/wecom", d.staff.ID)
		apitest.Expect(t, env.Put(path, d.staff.Token, map[string]string{"account_id": "ZhangWei"}), 403, "forbidden")
		apitest.Expect(t, env.Put(apitest.Path("/api/v1/users/%d/work-accounts/feishu", d.staff.ID), d.admin.Token,
			map[string]string{"account_id": "ZhangWei"}), 400, "validation_failed")
		apitest.Expect(t, env.Put(apitest.Path("/api/v1/users/999999/work-accounts/wecom"), d.admin.Token,
			map[string]string{"account_id": "ZhangWei"}), 404, "not_found")
		d.bind(t, d.staff, "wecom", "ZhangWei")
		apitest.Expect(t, env.Put(apitest.Path("/api/v1/users/%d/work-accounts/wecom", d.other.ID), d.admin.Token,
			map[string]string{"account_id": "ZhangWei"}), 409, "conflict")
		apitest.Expect(t, env.Get(apitest.Path("/api/v1/users/%d/work-accounts", d.staff.ID), d.other.Token), 403, "forbidden")
		apitest.Expect(t, env.Get(apitest.Path("/api/v1/users/%d/work-accounts", d.staff.ID), d.staff.Token), 200)
		var me struct {
			WorkAccounts []handlers.WorkAccountOut `json:"work_accounts"`
		}
		env.Get("/api/v1/me", d.staff.Token).JSON(t, &me)
		if len(me.WorkAccounts) != 1 || me.WorkAccounts[0].AccountID != "ZhangWei" || me.WorkAccounts[0].Status != "ok" {
			t.Fatalf("/me: %+v", me)
		}
		apitest.Expect(t, env.Delete(apitest.Path("/api/v1/users/%d/work-accounts/wecom", d.staff.ID), d.admin.Token), 204)
		apitest.Expect(t, env.Delete(apitest.Path("/api/v1/users/%d/work-accounts/wecom", d.staff.ID), d.admin.Token), 404, "not_found")
	})
	t.Run("an import is all or none, naming the bad line", func(t *testing.T) {
		imp := func(csv string) *apitest.Response {
			return env.Do(apitest.Request{Method: "POST", Path: "/api/v1/admin/work-accounts/import", Token: d.admin.Token,
				Body: csv, Headers: map[string]string{"Content-Type": "text/csv"}})
		}
		bad := "username,platform,account_id\n" + d.tech.Username + ",wecom,WangQiang\nnobody,dingtalk,x1\n"
		resp := imp(bad)
		apitest.Expect(t, resp, 400, "validation_failed")
		if !strings.Contains(string(resp.Body), "第 3 行") {
			t.Fatalf("%s", resp.Body)
		}
		if got := list(t, d.tech); len(got) != 0 {
			t.Fatalf("half imported: %+v", got)
		}
		apitest.Expect(t, imp(d.tech.Username+",wecom\n"), 400, "validation_failed")
		resp = imp(d.tech.Username + ",wecom,WangQiang\n" + d.tech.Username + ",dingtalk,wq001\n")
		apitest.Expect(t, resp, 200)
		if got := list(t, d.tech); len(got) != 2 || got[0].Platform != "wecom" || got[1].AccountID != "wq001" || got[1].Source != "import" {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("the sync finds accounts by mobile", func(t *testing.T) {
		apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", d.tech2.ID), d.admin.Token, map[string]string{"phone": "13912345678"}), 200)
		// Someone neither platform knows; the others have office lines, not looked up.
		apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", d.other.ID), d.admin.Token, map[string]string{"phone": "13700000000"}), 200)
		d.wecom.AddMember("13912345678", "ZhaoLei")
		d.ding.AddMember("13912345678", "zl-2024")
		apitest.Expect(t, env.Post("/api/v1/admin/work-accounts/sync", d.staff.Token, nil), 403, "forbidden")
		resp := env.Post("/api/v1/admin/work-accounts/sync", d.admin.Token, nil)
		apitest.Expect(t, resp, 200)
		var out struct {
			Items []struct {
				Platform       string
				Bound, Checked int
				NotFound       int `json:"not_found"`
			}
		}
		resp.JSON(t, &out)
		if len(out.Items) != 2 || out.Items[0].Bound != 1 || out.Items[1].Bound != 1 || out.Items[0].Checked != 2 || out.Items[1].NotFound != 1 {
			t.Fatalf("%+v", out)
		}
		if got := list(t, d.tech2); len(got) != 2 || got[0].AccountID != "ZhaoLei" || got[1].AccountID != "zl-2024" || got[0].Source != "sync" {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("an account the platform calls invalid is marked, not retried", func(t *testing.T) {
		d.wecom.Script("ZhaoLei", wecomfake.Invalid)
		r := d.create(t, d.staff, acRepair)
		d.mustAct(t, d.desk, r.ID, "assign", map[string]any{"technician_id": d.tech2.ID})
		env.DeliverPushes()
		got := list(t, d.tech2)
		if got[0].Status != "invalid" || got[0].LastError == "" || got[1].Status != "ok" || d.ding.Delivered("zl-2024") != 1 {
			t.Fatalf("%+v, 钉钉 %d", got, d.ding.Delivered("zl-2024"))
		}
		requests := d.wecom.Requests()
		env.DeliverPushes()
		if d.wecom.Requests() != requests {
			t.Fatal("retried an invalid account")
		}
	})
	t.Run("deactivation removes the bindings", func(t *testing.T) {
		apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", d.tech.ID), d.admin.Token, map[string]bool{"active": false}), 200)
		if got := list(t, d.tech); len(got) != 0 {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("the routing setting and the providers page", func(t *testing.T) {
		resp := env.Get("/api/v1/admin/work-platforms", d.admin.Token)
		apitest.Expect(t, resp, 200)
		if !strings.Contains(string(resp.Body), `"routing":"no_app_device"`) {
			t.Fatalf("%s", resp.Body)
		}
		apitest.Expect(t, env.Put("/api/v1/admin/work-platforms", d.admin.Token, map[string]string{"routing": "sometimes"}), 400, "validation_failed")
		apitest.Expect(t, env.Get("/api/v1/admin/work-platforms", d.staff.Token), 403, "forbidden")
		resp = env.Get("/api/v1/admin/push/providers", d.admin.Token)
		apitest.Expect(t, resp, 200)
		var page struct {
			Items []struct {
				Provider   string
				Configured bool
				Sent       int64
				Pruned     int64
			}
		}
		resp.JSON(t, &page)
		byName := map[string]int{}
		for i, p := range page.Items {
			byName[p.Provider] = i
		}
		wc, dt := page.Items[byName["wecom"]], page.Items[byName["dingtalk"]]
		if !wc.Configured || !dt.Configured || wc.Pruned != 1 || dt.Sent != 1 {
			t.Fatalf("%+v", page.Items)
		}
	})
}
