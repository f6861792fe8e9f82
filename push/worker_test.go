package push_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
	"houqin/push"
	"houqin/push/fcmfake"
)

// setup starts the service with its push sender pointed at a fake FCM.
func setup(t testing.TB) (*apitest.Env, *fcmfake.Server) {
	t.Helper()
	fake := fcmfake.New(t)
	return apitest.New(t, apitest.WithFCM(fake)), fake
}

var repairAssigned = notify.Notice{Category: notify.CategoryRepair, Type: "repair.assigned", Title: "报修已派单",
	Body: "赵师傅将上门处理您在3号楼502的报修", Data: notify.StringMap{"type": "repair", "id": "12", "status": "assigned"},
	CollapseKey: "repair-12", TTL: time.Hour}

func enqueue(t testing.TB, env *apitest.Env, n notify.Notice, users ...int64) {
	t.Helper()
	if err := env.Store.Tx(context.Background(), func(tx *store.Tx) error { return notify.Notify(tx, n, users...) }); err != nil {
		t.Fatal(err)
	}
}

func runOnce(t testing.TB, w *push.Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func jobs(t testing.TB, env *apitest.Env) []notify.OutboxJob {
	t.Helper()
	var rows []notify.OutboxJob
	if err := env.Store.Read(context.Background()).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func onlyJob(t testing.TB, env *apitest.Env) notify.OutboxJob {
	t.Helper()
	rows := jobs(t, env)
	if len(rows) != 1 {
		t.Fatalf("%d outbox rows, want 1", len(rows))
	}
	return rows[0]
}

func deviceCount(t testing.TB, env *apitest.Env, token string) int64 {
	t.Helper()
	var n int64
	if err := env.Store.Read(context.Background()).Model(&notify.Device{}).Where("token = ?", token).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeliveryCarriesTheNotice(t *testing.T) {
	env, fake := setup(t)
	u := env.NewUser(store.RoleStaff)
	env.RegisterDevice(u, "tok-a")
	high := repairAssigned
	high.High = true
	enqueue(t, env, high, u.ID)

	if n := runOnce(t, env.Server.Push); n != 1 {
		t.Fatalf("delivered %d rows, want 1", n)
	}
	got := fake.Received()
	if len(got) != 1 {
		t.Fatalf("fake got %d messages, want 1", len(got))
	}
	m := got[0]
	inbox := env.Inbox(u.ID)
	checks := map[string][2]string{
		"token":           {m.Token, "tok-a"},
		"title":           {m.Notification.Title, "报修已派单"},
		"body":            {m.Notification.Body, repairAssigned.Body},
		"data.type":       {m.Data["type"], "repair"},
		"data.id":         {m.Data["id"], "12"},
		"data.status":     {m.Data["status"], "assigned"},
		"data.notif":      {m.Data["notification_id"], fmt.Sprint(inbox[0].ID)},
		"data.push_id":    {m.Data["push_id"], fmt.Sprintf("%d-%d", inbox[0].ID, onlyJob(t, env).DeviceID)},
		"channel":         {m.Android.Notification.ChannelID, "houqin_repair"},
		"priority":        {m.Android.Priority, "high"},
		"collapse key":    {m.Android.CollapseKey, "repair-12"},
		"ttl":             {m.Android.TTL, "3600s"},
		"apns-priority":   {m.APNS.Headers["apns-priority"], "10"},
		"apns-collapse":   {m.APNS.Headers["apns-collapse-id"], "repair-12"},
		"apns-expiration": {m.APNS.Headers["apns-expiration"], fmt.Sprint(apitest.Epoch.Add(time.Hour).Unix())},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	j := onlyJob(t, env)
	if j.Status != notify.OutboxSent || j.SentAt == nil || j.Attempts != 1 {
		t.Errorf("row %+v, want sent after 1 attempt", j)
	}
	if n := runOnce(t, env.Server.Push); n != 0 || len(fake.Received()) != 1 {
		t.Errorf("a second run delivered %d rows; the fake has %d messages", n, len(fake.Received()))
	}
}

func TestProviderErrors(t *testing.T) {
	type want struct {
		status      string
		deviceGone  bool
		retryAfter  time.Duration // minimum delay of the retry
		retryWithin time.Duration // maximum delay of the retry
		errContains string
	}
	cases := []struct {
		name    string
		replies []fcmfake.Reply
		want    want
	}{
		{"unregistered token is forgotten", []fcmfake.Reply{fcmfake.Unregistered},
			want{status: notify.OutboxFailed, deviceGone: true, errContains: "not found"}},
		{"sender id mismatch forgets the token", []fcmfake.Reply{fcmfake.SenderIDMismatch},
			want{status: notify.OutboxFailed, deviceGone: true, errContains: "mismatch"}},
		{"invalid token is forgotten", []fcmfake.Reply{fcmfake.InvalidToken},
			want{status: notify.OutboxFailed, deviceGone: true, errContains: "registration token"}},
		{"invalid message fails but keeps the token", []fcmfake.Reply{fcmfake.InvalidMessage},
			want{status: notify.OutboxFailed, errContains: "Invalid JSON"}},
		{"429 honours Retry-After", []fcmfake.Reply{fcmfake.Quota(120), fcmfake.OK},
			want{status: notify.OutboxPending, retryAfter: 120 * time.Second, retryWithin: 121 * time.Second, errContains: "Quota"}},
		{"500 backs off", []fcmfake.Reply{fcmfake.Internal, fcmfake.OK},
			want{status: notify.OutboxPending, retryAfter: 5 * time.Second, retryWithin: 10 * time.Second, errContains: "Internal"}},
		// The SDK retries 503 itself but gives up at once when Retry-After
		// is longer than two minutes; the worker then waits as asked.
		{"503 with a long Retry-After waits", []fcmfake.Reply{fcmfake.Unavailable(300), fcmfake.OK},
			want{status: notify.OutboxPending, retryAfter: 300 * time.Second, retryWithin: 301 * time.Second, errContains: "unavailable"}},
		{"503 once is retried by the SDK", []fcmfake.Reply{fcmfake.Unavailable(0), fcmfake.OK},
			want{status: notify.OutboxSent}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, fake := setup(t)
			u := env.NewUser(store.RoleStaff)
			env.RegisterDevice(u, "tok")
			fake.Script("tok", tc.replies...)
			enqueue(t, env, repairAssigned, u.ID)
			runOnce(t, env.Server.Push)

			j := onlyJob(t, env)
			if j.Status != tc.want.status {
				t.Fatalf("status %q (%s), want %q", j.Status, j.LastError, tc.want.status)
			}
			if !strings.Contains(j.LastError, tc.want.errContains) {
				t.Errorf("last_error %q does not mention %q", j.LastError, tc.want.errContains)
			}
			if gone := deviceCount(t, env, "tok") == 0; gone != tc.want.deviceGone {
				t.Errorf("device gone = %v, want %v", gone, tc.want.deviceGone)
			}
			if tc.want.status != notify.OutboxPending {
				return
			}
			delay := j.NextAttemptAt.Sub(apitest.Epoch)
			if delay < tc.want.retryAfter || delay > tc.want.retryWithin {
				t.Errorf("retry in %v, want between %v and %v", delay, tc.want.retryAfter, tc.want.retryWithin)
			}
			env.Clock.Set(j.NextAttemptAt.Add(-time.Second))
			if n := runOnce(t, env.Server.Push); n != 0 {
				t.Errorf("retried %d rows before they were due", n)
			}
			env.Clock.Set(j.NextAttemptAt)
			runOnce(t, env.Server.Push)
			if j := onlyJob(t, env); j.Status != notify.OutboxSent || j.Attempts != 2 {
				t.Errorf("after the retry: status %q after %d attempts, want sent after 2", j.Status, j.Attempts)
			}
			if fake.Delivered("tok") != 1 {
				t.Errorf("delivered %d times, want once", fake.Delivered("tok"))
			}
		})
	}
}

func TestBackoffGrowsAndGivesUp(t *testing.T) {
	env, fake := setup(t)
	u := env.NewUser(store.RoleStaff)
	env.RegisterDevice(u, "tok")
	fake.Script("tok", fcmfake.Internal)
	enqueue(t, env, repairAssigned, u.ID)

	base := 10 * time.Second
	for attempt := 1; attempt < 8; attempt++ {
		runOnce(t, env.Server.Push)
		j := onlyJob(t, env)
		full := base << (attempt - 1)
		if delay := j.NextAttemptAt.Sub(env.Clock.Now()); j.Status != notify.OutboxPending || delay < full/2 || delay > full {
			t.Fatalf("attempt %d: %s, retry in %v, want pending within [%v, %v]", attempt, j.Status, delay, full/2, full)
		}
		env.Clock.Set(j.NextAttemptAt)
	}
	runOnce(t, env.Server.Push)
	j := onlyJob(t, env)
	if j.Status != notify.OutboxFailed || !strings.HasPrefix(j.LastError, "gave up after 8 attempts") {
		t.Fatalf("after 8 attempts: %s %q, want failed, gave up", j.Status, j.LastError)
	}
	if n := len(fake.Answered("tok")); n != 8 {
		t.Errorf("the fake saw %d requests, want 8", n)
	}
	if deviceCount(t, env, "tok") != 1 {
		t.Error("a transient failure must not forget the device")
	}
}

func TestPreferences(t *testing.T) {
	env, fake := setup(t)
	u := env.NewUser(store.RoleStaff)
	env.RegisterDevice(u, "tok")
	apitest.Expect(t, env.Put("/api/v1/me/preferences", u.Token, map[string]any{"push": map[string]bool{"repair": false}}), 200)

	t.Run("a switched-off category writes the inbox but queues no push", func(t *testing.T) {
		enqueue(t, env, repairAssigned, u.ID)
		if len(env.Inbox(u.ID)) != 1 {
			t.Fatal("the inbox entry is missing")
		}
		if rows := jobs(t, env); len(rows) != 0 {
			t.Fatalf("%d outbox rows for a switched-off category", len(rows))
		}
	})
	t.Run("other categories still push", func(t *testing.T) {
		enqueue(t, env, notify.Notice{Category: notify.CategoryShuttle, Type: "trip.delayed", Title: "班车延误", Body: "1号线晚点10分钟"}, u.ID)
		runOnce(t, env.Server.Push)
		if fake.Delivered("tok") != 1 {
			t.Fatalf("delivered %d, want 1", fake.Delivered("tok"))
		}
	})
	t.Run("switching off after the notice skips the queued push", func(t *testing.T) {
		enqueue(t, env, notify.Notice{Category: notify.CategoryMenu, Type: "menu.published", Title: "今日菜单已发布"}, u.ID)
		apitest.Expect(t, env.Put("/api/v1/me/preferences", u.Token, map[string]any{"push": map[string]bool{"menu": false}}), 200)
		runOnce(t, env.Server.Push)
		last := jobs(t, env)[1]
		if last.Status != notify.OutboxSkipped || fake.Delivered("tok") != 1 {
			t.Fatalf("row %s (%s), delivered %d; want skipped and nothing new sent", last.Status, last.LastError, fake.Delivered("tok"))
		}
	})
}

func TestRollbackSendsNothing(t *testing.T) {
	env, fake := setup(t)
	u := env.NewUser(store.RoleStaff)
	env.RegisterDevice(u, "tok")
	boom := errors.New("domain rule failed")
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		if err := notify.Notify(tx, repairAssigned, u.ID); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx returned %v", err)
	}
	if n := runOnce(t, env.Server.Push); n != 0 || fake.Requests() != 0 {
		t.Fatalf("delivered %d rows, fake saw %d requests after a rollback", n, fake.Requests())
	}
	if len(env.Inbox(u.ID)) != 0 || len(jobs(t, env)) != 0 {
		t.Fatal("a rolled-back notice left inbox or outbox rows")
	}
}

func TestLeaseExpiryAfterCrash(t *testing.T) {
	env, fake := setup(t)
	u := env.NewUser(store.RoleStaff)
	for i := range 3 {
		env.RegisterDevice(u, fmt.Sprintf("tok-%d", i))
	}
	enqueue(t, env, repairAssigned, u.ID)
	// A worker claims the rows and dies before recording anything.
	crashed, err := env.Server.Notify.ClaimOutbox(context.Background(), 500, 8*time.Second)
	if err != nil || len(crashed.Deliveries) != 3 {
		t.Fatalf("claim: %v, %d rows", err, len(crashed.Deliveries))
	}
	if n := runOnce(t, env.Server.Push); n != 0 {
		t.Fatalf("took %d leased rows before the lease ended", n)
	}
	env.Clock.Advance(8 * time.Second)
	if n := runOnce(t, env.Server.Push); n != 3 {
		t.Fatalf("delivered %d rows after the lease expired, want 3", n)
	}
	// The dead worker comes back and reports failures: they must not
	// overwrite what the live worker recorded.
	late := make([]notify.Result, len(crashed.Deliveries))
	for i, d := range crashed.Deliveries {
		late[i] = notify.Result{JobID: d.JobID, Claim: crashed.Token, Status: notify.OutboxFailed, Error: "late"}
	}
	if _, err := env.Server.Notify.Finish(context.Background(), late); err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs(t, env) {
		if j.Status != notify.OutboxSent || j.Attempts != 2 {
			t.Errorf("row %d: %s after %d attempts, want sent after 2", j.ID, j.Status, j.Attempts)
		}
	}
	for i := range 3 {
		if n := fake.Delivered(fmt.Sprintf("tok-%d", i)); n != 1 {
			t.Errorf("tok-%d delivered %d times, want once", i, n)
		}
	}
}

func TestSkips(t *testing.T) {
	t.Run("no FCM configured closes rows as skipped", func(t *testing.T) {
		env := apitest.New(t)
		u := env.NewUser(store.RoleStaff)
		env.RegisterDevice(u, "tok")
		enqueue(t, env, repairAssigned, u.ID)
		runOnce(t, env.Server.Push)
		if j := onlyJob(t, env); j.Status != notify.OutboxSkipped || j.LastError != "push is not configured" {
			t.Fatalf("row %s %q, want skipped: push is not configured", j.Status, j.LastError)
		}
	})
	t.Run("a token its user signed out of is not sent their push, though another user holds it", func(t *testing.T) {
		env, fake := setup(t)
		a, b := env.NewUser(store.RoleStaff), env.NewUser(store.RoleStaff)
		env.RegisterDevice(a, "shared-phone")
		enqueue(t, env, repairAssigned, a.ID)
		if _, err := env.Server.Notify.ForgetDeviceTokens(context.Background(), a.ID, []string{"shared-phone"}); err != nil {
			t.Fatal(err)
		}
		env.RegisterDevice(b, "shared-phone")
		runOnce(t, env.Server.Push)
		if j := onlyJob(t, env); j.Status != notify.OutboxSkipped || fake.Requests() != 0 {
			t.Fatalf("row %s, fake saw %d requests; want skipped, nothing sent", j.Status, fake.Requests())
		}
	})
	t.Run("an expired notice is not sent late", func(t *testing.T) {
		env, fake := setup(t)
		u := env.NewUser(store.RoleStaff)
		env.RegisterDevice(u, "tok")
		enqueue(t, env, repairAssigned, u.ID)
		env.Clock.Advance(repairAssigned.TTL)
		runOnce(t, env.Server.Push)
		if j := onlyJob(t, env); j.Status != notify.OutboxSkipped || fake.Requests() != 0 {
			t.Fatalf("row %s, fake saw %d requests; want skipped", j.Status, fake.Requests())
		}
	})
}

func TestHousekeeping(t *testing.T) {
	env, _ := setup(t)
	u := env.NewUser(store.RoleStaff)
	env.RegisterDevice(u, "old-phone")
	env.Clock.Advance(59 * 24 * time.Hour)
	u.Token, _ = env.Server.Tokens.Issue(u.ID)
	env.RegisterDevice(u, "new-phone")
	enqueue(t, env, repairAssigned, u.ID)
	runOnce(t, env.Server.Push)
	env.Clock.Advance(2 * 24 * time.Hour)

	if err := env.Server.Push.PruneDevices(context.Background(), 60*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if deviceCount(t, env, "old-phone") != 0 || deviceCount(t, env, "new-phone") != 1 {
		t.Error("prune must forget the device unseen for 61 days and keep the one seen 2 days ago")
	}
	env.Clock.Advance(7 * 24 * time.Hour)
	enqueue(t, env, repairAssigned, u.ID) // pending: must survive the purge
	if _, err := env.Server.Notify.PurgeOutbox(context.Background(), 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	rows := jobs(t, env)
	if len(rows) != 1 || rows[0].Status != notify.OutboxPending {
		t.Fatalf("after purge: %+v, want only the pending row", rows)
	}
	metrics := string(env.Get("/metrics", "").Body)
	for _, want := range []string{
		`houqin_push_sent_total{provider="fcm"} 2`,
		`houqin_push_tokens_pruned_total{why="not seen"} 1`,
		"houqin_push_outbox_depth 0",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestTwoWorkersDeliverOnce runs two replicas' workers on one database (with
// SKIP LOCKED on MySQL/MariaDB): every row goes out exactly once.
func TestTwoWorkersDeliverOnce(t *testing.T) {
	env, fake := setup(t)
	fake.Latency = 2 * time.Millisecond
	const users, perUser = 30, 4
	ids := make([]int64, users)
	for i := range ids {
		u := env.NewUser(store.RoleStaff)
		ids[i] = u.ID
		for d := range perUser {
			env.RegisterDevice(u, fmt.Sprintf("tok-%d-%d", i, d))
		}
	}
	for range 3 {
		enqueue(t, env, repairAssigned, ids...)
	}
	other, err := store.Open(env.DSN, env.Store.Location)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Clock = env.Clock.Now
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := push.Options{Claim: 25, InFlight: 8}
	workers := make([]*push.Worker, 2)
	for i, st := range []*store.Store{env.Store, other} {
		fcm, err := push.NewFCM(context.Background(), push.FCMConfig{ProjectID: fcmfake.Project, Endpoint: fake.Endpoint()})
		if err != nil {
			t.Fatal(err)
		}
		workers[i] = push.NewWorker(notify.New(st), push.Senders{"fcm": fcm}, opts, nil, log)
	}
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, w := range workers {
		wg.Go(func() {
			for {
				n, err := w.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
				counts[i] += n
			}
		})
	}
	wg.Wait()
	total := users * perUser * 3
	if counts[0]+counts[1] != total {
		t.Errorf("workers finished %v rows, want %d in all", counts, total)
	}
	for i := range users {
		for d := range perUser {
			if n := fake.Delivered(fmt.Sprintf("tok-%d-%d", i, d)); n != 3 {
				t.Fatalf("tok-%d-%d got %d pushes, want 3", i, d, n)
			}
		}
	}
	for _, j := range jobs(t, env) {
		if j.Status != notify.OutboxSent || j.Attempts != 1 {
			t.Fatalf("row %d: %s after %d attempts", j.ID, j.Status, j.Attempts)
		}
	}
	t.Logf("rows per worker: %v", counts)
}

// TestLargeNoticeMapsEachPushToItsInboxEntry sends one notice to more
// recipients than one insert batch holds: every push must carry the id of
// its own recipient's inbox entry.
func TestLargeNoticeMapsEachPushToItsInboxEntry(t *testing.T) {
	env, fake := setup(t)
	ids := seedDevices(t, env, 250)
	enqueue(t, env, repairAssigned, ids...)
	if n := runOnce(t, env.Server.Push); n != 250 {
		t.Fatalf("delivered %d, want 250", n)
	}
	owner := map[string]int64{} // notification id -> user id
	var rows []notify.Notification
	if err := env.Store.Read(context.Background()).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, n := range rows {
		owner[fmt.Sprint(n.ID)] = n.UserID
	}
	for _, m := range fake.Received() {
		var i int
		fmt.Sscanf(m.Token, "bench-token-%d", &i)
		if owner[m.Data["notification_id"]] != ids[i] {
			t.Fatalf("%s got notification %s of user %d, want user %d", m.Token, m.Data["notification_id"], owner[m.Data["notification_id"]], ids[i])
		}
	}
}

func TestAdminTestPushReachesFCM(t *testing.T) {
	env, fake := setup(t)
	admin, u := env.NewUser(store.RoleAdmin), env.NewUser(store.RoleStaff)
	env.RegisterDevice(u, "tok")
	apitest.Expect(t, env.Post("/api/v1/admin/push/test", admin.Token, map[string]int64{"user_id": u.ID}), 202)
	runOnce(t, env.Server.Push)
	if got := fake.Received(); len(got) != 1 || got[0].Notification.Title != "测试通知" {
		t.Fatalf("fake received %+v", got)
	}
}

// TestStopGivesBackWhatItHadNotSent stops a worker whose send slots are
// full while claimed pushes wait for them: what went out is recorded as
// sent, what had not gone out is due again at once with its attempt not
// counted, and nothing waits for a lease to run out.
func TestStopGivesBackWhatItHadNotSent(t *testing.T) {
	env, fake := setup(t)
	fake.Latency = 300 * time.Millisecond
	u := env.NewUser(store.RoleStaff)
	for d := range 6 {
		env.RegisterDevice(u, fmt.Sprintf("tok-%d", d))
	}
	enqueue(t, env, repairAssigned, u.ID)
	fcm, err := push.NewFCM(context.Background(), push.FCMConfig{ProjectID: fcmfake.Project, Endpoint: fake.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	// Two in flight, more claimed ahead of them.
	w := push.NewWorker(notify.New(env.Store), push.Senders{"fcm": fcm}, push.Options{InFlight: 2, Claim: 1},
		nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	claimed := func() (n int) {
		for _, j := range jobs(t, env) {
			n += j.Attempts
		}
		return n
	}
	for fake.InFlight() < 2 || claimed() < 3 {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	sent, back := 0, 0
	for _, j := range jobs(t, env) {
		switch {
		case j.Status == notify.OutboxSent && j.Attempts == 1:
			sent++
		case j.Status == notify.OutboxPending && j.Attempts == 0 && j.LeaseUntil == nil && !j.NextAttemptAt.After(env.Clock.Now()):
			back++
		default:
			t.Errorf("row %d: %s after %d attempts, lease %v, due %v", j.ID, j.Status, j.Attempts, j.LeaseUntil, j.NextAttemptAt)
		}
	}
	if sent != 2 || back != 4 || len(fake.Received()) != 2 {
		t.Errorf("%d sent and %d given back (the fake received %d), want 2 and 4", sent, back, len(fake.Received()))
	}
}
