package push_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
	"houqin/push/apnsfake"
	"houqin/push/fcmfake"
	"houqin/push/harmonyfake"
	"houqin/push/honorfake"
	"houqin/push/huaweifake"
	"houqin/push/oppofake"
	"houqin/push/vivofake"
	"houqin/push/xiaomifake"
)

// fakes are a fake of every provider the service is configured for here.
type fakes struct {
	fcm     *fcmfake.Server
	apns    *apnsfake.Server
	huawei  *huaweifake.Server
	honor   *honorfake.Server
	xiaomi  *xiaomifake.Server
	oppo    *oppofake.Server
	vivo    *vivofake.Server
	harmony *harmonyfake.Server
}

// setupVendors starts the service with every provider pointed at a fake.
func setupVendors(t testing.TB) (*apitest.Env, *fakes) {
	t.Helper()
	f := &fakes{fcm: fcmfake.New(t), apns: apnsfake.New(t), huawei: huaweifake.New(t), honor: honorfake.New(t),
		xiaomi: xiaomifake.New(t), oppo: oppofake.New(t), vivo: vivofake.New(t), harmony: harmonyfake.New(t)}
	env := apitest.New(t, apitest.WithFCM(f.fcm), apitest.WithAPNs(f.apns), apitest.WithHuawei(f.huawei), apitest.WithHonor(f.honor),
		apitest.WithXiaomi(f.xiaomi), apitest.WithOPPO(f.oppo), apitest.WithVivo(f.vivo), apitest.WithHarmony(f.harmony))
	return env, f
}

// vendorFake is what every vendor's fake offers (fakekit.Book).
type vendorFake interface {
	Delivered(token string) int
	Requests() int64
	SetLatency(time.Duration)
	ExpireTokens()
	AuthRequests() int64
}

// vendor is provider's fake; nil for FCM, whose fake is of its own kind.
func (f *fakes) vendor(provider string) vendorFake {
	switch provider {
	case "apns":
		return f.apns
	case "huawei":
		return f.huawei
	case "honor":
		return f.honor
	case "xiaomi":
		return f.xiaomi
	case "oppo":
		return f.oppo
	case "vivo":
		return f.vivo
	case "harmony":
		return f.harmony
	}
	return nil
}

func (f *fakes) delivered(provider, token string) int {
	if v := f.vendor(provider); v != nil {
		return v.Delivered(token)
	}
	return f.fcm.Delivered(token)
}

func (f *fakes) requests(provider string) int64 {
	if v := f.vendor(provider); v != nil {
		return v.Requests()
	}
	return f.fcm.Requests()
}

// setLatency makes every fake take d to answer.
func (f *fakes) setLatency(d time.Duration) {
	f.fcm.Latency = d
	for _, p := range notify.Providers[1:] {
		f.vendor(string(p)).SetLatency(d)
	}
}

// outcome names what a provider may answer, each vendor in its own terms.
type outcome string

const (
	ok         outcome = "ok"
	deadToken  outcome = "dead token"
	quota      outcome = "quota"        // with a stated wait of 120 s where the vendor states one
	serverErr  outcome = "server error" // transient
	badMessage outcome = "bad message"
	authExpiry outcome = "expired access token"
)

var (
	apnsReplies = map[outcome]apnsfake.Reply{ok: apnsfake.OK, deadToken: apnsfake.Unregistered,
		quota: apnsfake.TooManyRequests, serverErr: apnsfake.Unavailable, badMessage: apnsfake.PayloadTooLarge,
		authExpiry: apnsfake.ExpiredProviderToken}
	huaweiReplies = map[outcome]huaweifake.Reply{ok: huaweifake.OK, deadToken: huaweifake.InvalidToken,
		quota: huaweifake.Quota(120), serverErr: huaweifake.Internal, badMessage: huaweifake.BadMessage}
	honorReplies = map[outcome]honorfake.Reply{ok: honorfake.OK, deadToken: honorfake.InvalidToken,
		quota: honorfake.Quota(120), serverErr: honorfake.Internal, badMessage: honorfake.BadMessage}
)

// script makes provider's fake answer token's requests with outcomes.
func (f *fakes) script(provider, token string, outcomes ...outcome) {
	switch provider {
	case "apns":
		f.apns.Script(token, pick(apnsReplies, outcomes)...)
	case "huawei":
		f.huawei.Script(token, pick(huaweiReplies, outcomes)...)
	case "honor":
		f.honor.Script(token, pick(honorReplies, outcomes)...)
	}
}

func pick[R any](m map[outcome]R, os []outcome) []R {
	out := make([]R, len(os))
	for i, o := range os {
		out[i] = m[o]
	}
	return out
}

var vendors = []string{"apns", "huawei", "honor"}

// TestVendorOutcomes sends through each vendor's real sender to its fake
// and checks that every answer lands as the outbox expects: sent; a dead
// token forgotten; a bad message failed with the device kept; quota and
// server errors retried (after the wait the vendor states, or the
// backoff) and then sent exactly once.
func TestVendorOutcomes(t *testing.T) {
	type want struct {
		status             string
		deviceGone         bool
		retryMin, retryMax time.Duration
	}
	backoff := want{status: notify.OutboxPending, retryMin: 5 * time.Second, retryMax: 10 * time.Second}
	stated := want{status: notify.OutboxPending, retryMin: 120 * time.Second, retryMax: 121 * time.Second}
	for _, provider := range vendors {
		cases := []struct {
			o    outcome
			want want
		}{
			{ok, want{status: notify.OutboxSent}},
			{deadToken, want{status: notify.OutboxFailed, deviceGone: true}},
			{badMessage, want{status: notify.OutboxFailed}},
			{quota, stated},
			{serverErr, backoff},
		}
		if provider == "apns" {
			cases[3].want = backoff // APNs states no wait with its 429
		}
		for _, tc := range cases {
			t.Run(provider+"/"+string(tc.o), func(t *testing.T) {
				env, f := setupVendors(t)
				u := env.NewUser(store.RoleStaff)
				env.RegisterDeviceWith(u, provider, "tok")
				f.script(provider, "tok", tc.o, ok)
				enqueue(t, env, repairAssigned, u.ID)
				runOnce(t, env.Server.Push)

				j := onlyJob(t, env)
				if j.Status != tc.want.status || string(j.Provider) != provider {
					t.Fatalf("row %s via %s (%s), want %s via %s", j.Status, j.Provider, j.LastError, tc.want.status, provider)
				}
				if tc.o != ok && !strings.Contains(j.LastError, provider) {
					t.Errorf("last_error %q does not name %s", j.LastError, provider)
				}
				if gone := deviceCount(t, env, "tok") == 0; gone != tc.want.deviceGone {
					t.Errorf("device gone = %v, want %v", gone, tc.want.deviceGone)
				}
				if tc.want.status != notify.OutboxPending {
					return
				}
				if delay := j.NextAttemptAt.Sub(apitest.Epoch); delay < tc.want.retryMin || delay > tc.want.retryMax {
					t.Errorf("retry in %v, want between %v and %v", delay, tc.want.retryMin, tc.want.retryMax)
				}
				env.Clock.Set(j.NextAttemptAt)
				runOnce(t, env.Server.Push)
				if j := onlyJob(t, env); j.Status != notify.OutboxSent || j.Attempts != 2 {
					t.Errorf("after the retry: %s after %d attempts, want sent after 2", j.Status, j.Attempts)
				}
				if n := f.delivered(provider, "tok"); n != 1 {
					t.Errorf("delivered %d times, want once", n)
				}
			})
		}
	}
}

// TestVendorAuthRefreshUnderConcurrentSends expires the vendor's access
// token (APNs: its provider token) while many sends run at once: each send
// that was refused is made again once, the whole lot fetching one new token
// between them, and every push goes out once.
func TestVendorAuthRefreshUnderConcurrentSends(t *testing.T) {
	for _, provider := range vendors {
		t.Run(provider, func(t *testing.T) {
			env, f := setupVendors(t)
			const n = 20
			users := make([]int64, n)
			for i := range users {
				u := env.NewUser(store.RoleStaff)
				users[i] = u.ID
				env.RegisterDeviceWith(u, provider, fmt.Sprintf("tok-%d", i))
			}
			// One push first, so that a token is cached.
			enqueue(t, env, repairAssigned, users[0])
			runOnce(t, env.Server.Push)
			f.vendor(provider).ExpireTokens()
			if provider == "apns" {
				for i := range users {
					f.script(provider, fmt.Sprintf("tok-%d", i), authExpiry, ok)
				}
			}
			before, fetched := f.requests(provider), f.vendor(provider).AuthRequests()
			// Notices that differ per person go out as separate requests,
			// side by side.
			for i, id := range users {
				nt := repairAssigned
				nt.Data = notify.StringMap{"type": "repair", "id": fmt.Sprint(100 + i), "status": "assigned"}
				enqueue(t, env, nt, id)
			}
			if got := runOnce(t, env.Server.Push); got != n {
				t.Fatalf("finished %d rows, want %d", got, n)
			}
			for _, j := range jobs(t, env) {
				if j.Status != notify.OutboxSent || j.Attempts != 1 {
					t.Fatalf("row %d: %s after %d attempts (%s), want sent at once", j.ID, j.Status, j.Attempts, j.LastError)
				}
			}
			if provider != "apns" {
				if got := f.vendor(provider).AuthRequests() - fetched; got != 1 {
					t.Errorf("%d token fetches after the expiry, want 1 shared by every send", got)
				}
			}
			// Each refused request went once more: 2n requests, no more.
			if got := f.requests(provider) - before; got < n+1 || got > 2*n {
				t.Errorf("%d requests for %d pushes, want between %d and %d", got, n, n+1, 2*n)
			}
		})
	}
}

// TestVendorBatching fans one notice out to many Huawei and Honor phones:
// each request carries many tokens, so the requests are far fewer than the
// phones; tokens a partly successful batch names dead are forgotten, the
// others delivered once.
func TestVendorBatching(t *testing.T) {
	env, f := setupVendors(t)
	const users = 150
	ids := make([]int64, users)
	for i := range ids {
		u := env.NewUser(store.RoleStaff)
		ids[i] = u.ID
		env.RegisterDeviceWith(u, "huawei", fmt.Sprintf("hw-%d", i))
		env.RegisterDeviceWith(u, "honor", fmt.Sprintf("ho-%d", i))
	}
	dead := map[int]bool{7: true, 70: true, 140: true}
	for i := range dead {
		f.script("huawei", fmt.Sprintf("hw-%d", i), deadToken)
		f.script("honor", fmt.Sprintf("ho-%d", i), deadToken)
	}
	// Honor could not reach one phone this time: it alone goes again.
	f.honor.Script("ho-3", honorfake.Unreachable, honorfake.OK)
	enqueue(t, env, repairAssigned, ids...)
	if n := env.DeliverPushes(); n != 2*users {
		t.Fatalf("finished %d rows, want %d", n, 2*users)
	}
	var retried []notify.OutboxJob
	for _, j := range jobs(t, env) {
		if j.Status == notify.OutboxPending {
			retried = append(retried, j)
		}
	}
	if len(retried) != 1 || retried[0].Provider != notify.ProviderHonor {
		t.Fatalf("rows left to retry: %+v, want only ho-3's", retried)
	}
	env.Clock.Set(retried[0].NextAttemptAt)
	env.DeliverPushes()
	for _, p := range []string{"huawei", "honor"} {
		// A claim takes at most 100 rows, so a batch is at most that.
		if r := f.requests(p); r > 2*users/100+4 {
			t.Errorf("%s: %d requests for %d phones, want a few batches", p, r, users)
		}
		for i := range users {
			tok := map[string]string{"huawei": "hw-", "honor": "ho-"}[p] + fmt.Sprint(i)
			want := 1
			if dead[i] {
				want = 0
				if deviceCount(t, env, tok) != 0 {
					t.Errorf("%s: dead token %s still registered", p, tok)
				}
			}
			if got := f.delivered(p, tok); got != want {
				t.Errorf("%s: %s delivered %d times, want %d", p, tok, got, want)
			}
		}
	}
	// One payload for many people: it names the notice, not an inbox entry.
	m := f.huawei.Received()[0]
	if !strings.Contains(m.Data, `"push_id":"n-`) || strings.Contains(m.Data, "notification_id") {
		t.Errorf("batched data %s: want the notice's push_id and no notification_id", m.Data)
	}
}

// TestOneNoticeReachesEveryPhone sends one notice to a person with an
// Android phone on FCM, an iPhone on APNs, a Huawei phone on Push Kit and a
// Xiaomi phone on MiPush: each gets it once, in its vendor's own form.
func TestOneNoticeReachesEveryPhone(t *testing.T) {
	env, f := setupVendors(t)
	u := env.NewUser(store.RoleStaff)
	env.RegisterDeviceWith(u, "fcm", "fcm-tok")
	env.RegisterDeviceWith(u, "apns", "apns-tok")
	env.RegisterDeviceWith(u, "huawei", "hw-tok")
	env.RegisterDeviceWith(u, "xiaomi", "mi-tok")
	n := repairAssigned
	n.High = true
	n.Body = strings.Repeat("维修师傅已到达现场。", 60) // 600 characters, 1,800 bytes: beyond the vendors' limits
	enqueue(t, env, n, u.ID)
	if got := env.DeliverPushes(); got != 4 {
		t.Fatalf("finished %d rows, want 4", got)
	}
	notif := fmt.Sprint(env.Inbox(u.ID)[0].ID)
	expires := fmt.Sprint(apitest.Epoch.Add(time.Hour).Unix())
	check := func(vendor, name, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s %s = %q, want %q", vendor, name, got, want)
		}
	}

	fm := f.fcm.Received()
	if len(fm) != 1 {
		t.Fatalf("fcm got %d messages", len(fm))
	}
	check("fcm", "body", fm[0].Notification.Body, n.Body)
	check("fcm", "priority", fm[0].Android.Priority, "high")
	check("fcm", "notification_id", fm[0].Data["notification_id"], notif)

	am := f.apns.Received()
	if len(am) != 1 {
		t.Fatalf("apns got %d messages", len(am))
	}
	a := am[0]
	check("apns", "protocol", a.Proto, "HTTP/2.0")
	check("apns", "token", a.Token, "apns-tok")
	check("apns", "apns-topic", a.Headers.Get("apns-topic"), apnsfake.Topic)
	check("apns", "apns-push-type", a.Headers.Get("apns-push-type"), "alert")
	check("apns", "apns-priority", a.Headers.Get("apns-priority"), "10")
	check("apns", "apns-collapse-id", a.Headers.Get("apns-collapse-id"), "repair-12")
	check("apns", "apns-expiration", a.Headers.Get("apns-expiration"), expires)
	check("apns", "title", a.Payload.Aps.Alert.Title, n.Title)
	check("apns", "interruption-level", a.Payload.Aps.InterruptionLevel, "time-sensitive")
	check("apns", "thread-id", a.Payload.Aps.ThreadID, "houqin_repair")
	for k, want := range map[string]string{"type": "repair", "id": "12", "status": "assigned", "notification_id": notif} {
		check("apns", "custom "+k, fmt.Sprint(a.Payload.Custom[k]), want)
	}
	if b := a.Payload.Aps.Alert.Body; len(b) > 1500 || !utf8.ValidString(b) || !strings.HasSuffix(b, "…") {
		t.Errorf("apns body of %d bytes, want a clean cut within 1500", len(b))
	}

	hm := f.huawei.Received()
	if len(hm) != 1 {
		t.Fatalf("huawei got %d messages", len(hm))
	}
	h := hm[0].Android
	check("huawei", "category", h.Category, "WORK")
	check("huawei", "importance", h.Notification.Importance, "NORMAL")
	check("huawei", "urgency", h.Urgency, "HIGH")
	check("huawei", "ttl", h.TTL, "3600s")
	check("huawei", "channel_id", h.Notification.ChannelID, "houqin_repair")
	check("huawei", "click_action.type", fmt.Sprint(h.Notification.ClickAction.Type), "1")
	if h.Notification.NotifyID == 0 {
		t.Error("huawei notify_id is unset: a newer status would not replace the older one")
	}
	for _, extra := range []string{"S.type=repair;", "S.id=12;", "S.status=assigned;", "S.push_id=n-"} {
		if !strings.Contains(h.Notification.ClickAction.Intent, extra) {
			t.Errorf("huawei intent %q lacks %q", h.Notification.ClickAction.Intent, extra)
		}
	}
	if b := h.Notification.Body; utf8.RuneCountInString(b) != 256 || !strings.HasSuffix(b, "…") {
		t.Errorf("huawei body of %d characters, want cut cleanly to 256", utf8.RuneCountInString(b))
	}

	xm := f.xiaomi.Received()
	if len(xm) != 1 || f.xiaomi.Delivered("mi-tok") != 1 {
		t.Fatalf("xiaomi got %d messages", len(xm))
	}
	x := xm[0]
	check("xiaomi", "registration_id", strings.Join(x.RegIDs, ","), "mi-tok")
	check("xiaomi", "restricted_package_name", x.PackageName, "cn.gov.houqin")
	check("xiaomi", "pass_through", x.PassThrough, "0")
	check("xiaomi", "extra.channel_id", x.ChannelID, "houqin_work")
	check("xiaomi", "notify_type", x.NotifyType, "-1")
	check("xiaomi", "time_to_live", x.TimeToLive, "3600000")
	check("xiaomi", "title", x.Title, n.Title)
	// The same collapse key gives the same notification id on every vendor.
	check("xiaomi", "notify_id", x.NotifyID, fmt.Sprint(h.Notification.NotifyID))
	var link map[string]string
	if err := json.Unmarshal([]byte(x.Payload), &link); err != nil || link["type"] != "repair" || link["id"] != "12" ||
		link["status"] != "assigned" || !strings.HasPrefix(link["push_id"], "n-") {
		t.Errorf("xiaomi payload %s (%v): want the deep link and the notice's push_id", x.Payload, err)
	}
	if d := x.Description; utf8.RuneCountInString(d) >= 128 || !utf8.ValidString(d) || !strings.HasSuffix(d, "…") {
		t.Errorf("xiaomi description of %d characters, want cut cleanly below 128", utf8.RuneCountInString(d))
	}
}

// TestVendorOutageDelaysOnlyItsDevices takes Huawei down (503) while a
// notice goes to people with FCM, APNs and Huawei phones: the FCM and APNs
// phones get it at once, the Huawei ones are retried with backoff, and when
// Huawei is back every phone has it exactly once.
func TestVendorOutageDelaysOnlyItsDevices(t *testing.T) {
	env, f := setupVendors(t)
	const users = 40
	ids := make([]int64, users)
	for i := range ids {
		u := env.NewUser(store.RoleStaff)
		ids[i] = u.ID
		for _, p := range []string{"fcm", "apns", "huawei"} {
			env.RegisterDeviceWith(u, p, fmt.Sprintf("%s-%d", p, i))
		}
	}
	f.huawei.Down(huaweifake.Quota(0)) // 503 traffic control, no stated wait
	enqueue(t, env, repairAssigned, ids...)
	runOnce(t, env.Server.Push)
	for _, j := range jobs(t, env) {
		want := notify.OutboxSent
		if j.Provider == notify.ProviderHuawei {
			want = notify.OutboxPending
		}
		if j.Status != want {
			t.Fatalf("%s row %d: %s (%s), want %s", j.Provider, j.ID, j.Status, j.LastError, want)
		}
	}
	// Still down at the first retry.
	env.Clock.Advance(10 * time.Second)
	runOnce(t, env.Server.Push)
	f.huawei.Up()
	env.Clock.Advance(time.Minute)
	env.DeliverPushes()
	for _, j := range jobs(t, env) {
		if j.Status != notify.OutboxSent {
			t.Fatalf("%s row %d: %s after recovery", j.Provider, j.ID, j.Status)
		}
		if j.Provider != notify.ProviderHuawei && j.Attempts != 1 {
			t.Errorf("%s row %d took %d attempts: the outage delayed it", j.Provider, j.ID, j.Attempts)
		}
		if j.Provider == notify.ProviderHuawei && j.Attempts != 3 {
			t.Errorf("huawei row %d took %d attempts, want 3 (two in the outage)", j.ID, j.Attempts)
		}
	}
	for i := range users {
		for _, p := range []string{"fcm", "apns", "huawei"} {
			if n := f.delivered(p, fmt.Sprintf("%s-%d", p, i)); n != 1 {
				t.Errorf("%s-%d delivered %d times, want exactly once", p, i, n)
			}
		}
	}
}
