package push_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
	"houqin/push"
	"houqin/push/dingtalkfake"
	"houqin/push/fcmfake"
	"houqin/push/wecomfake"
)

// workPlatform is a work platform's sender beside its fake.
type workPlatform struct {
	name   string
	sender interface {
		push.BatchSender
		AccountByMobile(ctx context.Context, mobile string) (string, bool, error)
	}
	fake interface {
		Requests() int64
		AuthRequests() int64
		Delivered(account string) int
		ExpireTokens()
		AddMember(mobile, userid string)
	}
	ok, invalid, limited func(account string)
	// refused: the platform would not take it for this account; nil when
	// the platform has no such answer.
	refused func(account string)
}

func workTable(t testing.TB) []workPlatform {
	w, d := wecomfake.New(t), dingtalkfake.New(t)
	wecom, err := push.NewWeCom(w.Config("https://houqin.example.cn/m/notice"))
	if err != nil {
		t.Fatal(err)
	}
	ding, err := push.NewDingTalk(d.Config())
	if err != nil {
		t.Fatal(err)
	}
	return []workPlatform{
		{name: "wecom", sender: wecom, fake: w,
			ok:      func(a string) { w.Script(a, wecomfake.OK) },
			invalid: func(a string) { w.Script(a, wecomfake.Invalid) },
			limited: func(a string) { w.Script(a, wecomfake.RateLimited, wecomfake.OK) }},
		{name: "dingtalk", sender: ding, fake: d,
			ok:      func(a string) { d.Script(a, dingtalkfake.OK) },
			invalid: func(a string) { d.Script(a, dingtalkfake.Invalid) },
			limited: func(a string) { d.Script(a, dingtalkfake.RateLimited, dingtalkfake.OK) },
			refused: func(a string) { d.Script(a, dingtalkfake.Forbidden) }},
	}
}

// workNotice is notice n to an account, written at a fixed time.
func workNotice(account string, n int) push.Message {
	m := notice(account, n)
	m.At = time.Date(2026, 12, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	return m
}

// TestWorkOutcomes: every answer of each platform becomes the right
// outcome, through the real sender against the fake.
func TestWorkOutcomes(t *testing.T) {
	ctx := context.Background()
	for _, p := range workTable(t) {
		t.Run(p.name, func(t *testing.T) {
			cases := []struct {
				name   string
				script func(string)
				want   push.Outcome
			}{
				{"success", p.ok, push.Sent},
				{"invalid account", p.invalid, push.DeadToken},
				{"rate limit", p.limited, push.Retry},
				{"refused", p.refused, push.Rejected},
			}
			for i, c := range cases {
				if c.script == nil {
					continue
				}
				acct := fmt.Sprintf("%s-outcome-%d", p.name, i)
				c.script(acct)
				r := p.sender.Send(ctx, workNotice(acct, i+1))
				if r.Outcome != c.want || (r.Outcome != push.Sent && r.Err == nil) {
					t.Errorf("%s: %+v, want outcome %d", c.name, r, c.want)
				}
				if want := map[bool]int{true: 1}[c.want == push.Sent]; p.fake.Delivered(acct) != want {
					t.Errorf("%s: delivered %d, want %d", c.name, p.fake.Delivered(acct), want)
				}
			}
			// The rate-limited one goes through when tried again.
			acct := p.name + "-outcome-2"
			if r := p.sender.Send(ctx, workNotice(acct, 3)); r.Outcome != push.Sent || p.fake.Delivered(acct) != 1 {
				t.Errorf("rate limit, again: %+v, delivered %d", r, p.fake.Delivered(acct))
			}
		})
	}
}

// TestWorkTokenRefreshedOnce: the access token is fetched once and
// cached; when the platform calls it expired, 20 concurrent sends fetch
// one new token between them and all go through.
func TestWorkTokenRefreshedOnce(t *testing.T) {
	ctx := context.Background()
	for _, p := range workTable(t) {
		t.Run(p.name, func(t *testing.T) {
			for i := range 3 {
				if r := p.sender.Send(ctx, workNotice(fmt.Sprintf("%s-cached-%d", p.name, i), i)); r.Outcome != push.Sent {
					t.Fatalf("%+v", r)
				}
			}
			if n := p.fake.AuthRequests(); n != 1 {
				t.Fatalf("auth requests = %d, want 1", n)
			}
			p.fake.ExpireTokens()
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Go(func() {
					if r := p.sender.Send(ctx, workNotice(fmt.Sprintf("%s-expired-%d", p.name, i), 100+i)); r.Outcome != push.Sent {
						t.Errorf("%+v", r)
					}
				})
			}
			wg.Wait()
			if n := p.fake.AuthRequests(); n != 2 {
				t.Fatalf("auth requests = %d after the token expired, want 2", n)
			}
		})
	}
}

// TestWorkBatching: 2,500 accounts of one notice take 3 requests on
// 企业微信 (1,000 a request) and 25 on 钉钉 (100), with a result per
// account: the invalid ones dead, the others sent once.
func TestWorkBatching(t *testing.T) {
	ctx := context.Background()
	const accounts = 2500
	want := map[string]int64{"wecom": 3, "dingtalk": 25}
	for _, p := range workTable(t) {
		t.Run(p.name, func(t *testing.T) {
			ms := make([]push.Message, accounts)
			for i := range ms {
				ms[i] = workNotice(fmt.Sprintf("%s-batch-%04d", p.name, i), 7)
				if i%100 == 0 {
					p.invalid(ms[i].Token)
				}
			}
			before := p.fake.Requests()
			var res []push.Result
			for chunk := range slices.Chunk(ms, p.sender.MaxBatch()) {
				res = append(res, p.sender.SendBatch(ctx, chunk)...)
			}
			if n := p.fake.Requests() - before; n != want[p.name] {
				t.Errorf("%d accounts took %d send requests, want %d", accounts, n, want[p.name])
			}
			for i, r := range res {
				want, delivered := push.Sent, 1
				if i%100 == 0 {
					want, delivered = push.DeadToken, 0
				}
				if r.Outcome != want || p.fake.Delivered(ms[i].Token) != delivered {
					t.Fatalf("account %d: %+v, delivered %d", i, r, p.fake.Delivered(ms[i].Token))
				}
			}
		})
	}
}

// TestWeComDuplicateCheck: a request 企业微信 took but whose answer was
// lost is retried; the retry is the same request, with the duplicate
// check on, so the member sees the notice once. Another notice with the
// same words (another push_id and time) is not taken for a duplicate.
func TestWeComDuplicateCheck(t *testing.T) {
	ctx := context.Background()
	for _, card := range []string{"", "https://houqin.example.cn/m/notice"} {
		f := wecomfake.New(t)
		s, _ := push.NewWeCom(f.Config(card))
		f.Script("zhangsan", wecomfake.LostAnswer, wecomfake.OK)
		if r := s.Send(ctx, workNotice("zhangsan", 1)); r.Outcome != push.Retry {
			t.Fatalf("lost answer: %+v", r)
		}
		if r := s.Send(ctx, workNotice("zhangsan", 1)); r.Outcome != push.Sent {
			t.Fatalf("retry: %+v", r)
		}
		if f.Delivered("zhangsan") != 1 || f.Duplicates() != 1 {
			t.Fatalf("card %q: delivered %d, duplicates dropped %d", card, f.Delivered("zhangsan"), f.Duplicates())
		}
		again := workNotice("zhangsan", 2)
		again.At = again.At.Add(time.Minute)
		if r := s.Send(ctx, again); r.Outcome != push.Sent || f.Delivered("zhangsan") != 2 {
			t.Fatalf("another notice: %+v, delivered %d", r, f.Delivered("zhangsan"))
		}
		got := f.Received()[0]
		if got.EnableDuplicateCheck != 1 || got.DuplicateCheckInterval != 4*3600 || got.AgentID != 1000002 {
			t.Fatalf("%+v", got)
		}
		if card == "" && (got.MsgType != "text" || !strings.Contains(got.Content, "报修已派工\n您的报修") || !strings.Contains(got.Content, "12月3日 09:30:00")) {
			t.Fatalf("text %+v", got)
		}
		if card != "" && (got.MsgType != "textcard" || got.Title != "报修已派工" || !strings.HasPrefix(got.URL, card+"?") ||
			!strings.Contains(got.URL, "push_id=n-1") || !strings.Contains(got.Description, "12月3日 09:30:00") || got.BtnTxt != "详情") {
			t.Fatalf("card %+v", got)
		}
	}
}

// TestDingTalkSpecificTexts: 钉钉 refuses a second identical message to a
// person on one day; two notices alike in words but written at different
// times both arrive, as texts with their time.
func TestDingTalkSpecificTexts(t *testing.T) {
	ctx := context.Background()
	f := dingtalkfake.New(t)
	s, _ := push.NewDingTalk(f.Config())
	first, second := workNotice("lisi", 1), workNotice("lisi", 2)
	second.At = second.At.Add(2 * time.Hour)
	for _, m := range []push.Message{first, second} {
		if r := s.Send(ctx, m); r.Outcome != push.Sent {
			t.Fatalf("%+v", r)
		}
	}
	if f.Delivered("lisi") != 2 || f.ResultQueries() != 2 {
		t.Fatalf("delivered %d, result queries %d", f.Delivered("lisi"), f.ResultQueries())
	}
	got := f.Received()
	if got[0].MsgType != "text" || got[0].AgentID != 2000001 || !strings.HasSuffix(got[0].Content, "12月3日 09:30:00") ||
		!strings.HasSuffix(got[1].Content, "12月3日 11:30:00") {
		t.Fatalf("%+v", got)
	}
	// The very same message again is refused by the platform, not retried.
	if r := s.Send(ctx, first); r.Outcome != push.Rejected || f.Delivered("lisi") != 2 {
		t.Fatalf("identical: %+v", r)
	}
}

// TestWorkAccountByMobile: the look-up finds a member by mobile number and
// tells a number nobody has from a failure.
func TestWorkAccountByMobile(t *testing.T) {
	ctx := context.Background()
	for _, p := range workTable(t) {
		t.Run(p.name, func(t *testing.T) {
			p.fake.AddMember("13800138000", "wangwu")
			if id, found, err := p.sender.AccountByMobile(ctx, "13800138000"); err != nil || !found || id != "wangwu" {
				t.Fatalf("%q %v %v", id, found, err)
			}
			if id, found, err := p.sender.AccountByMobile(ctx, "13900000000"); err != nil || found || id != "" {
				t.Fatalf("unknown: %q %v %v", id, found, err)
			}
		})
	}
}

// TestWorkWaitsForAppPushes: with the default routing a work-platform row
// waits for the same notice's app pushes, through the same claims and
// leases: while a crashed worker holds the phone's row nothing goes; when
// the lease ends and the phone accepts, 企业微信 gets nothing; when the
// phone's push fails and waits for a retry, or its token is dead, 企业微信
// gets it once.
func TestWorkWaitsForAppPushes(t *testing.T) {
	ctx := context.Background()
	fcm, wc := fcmfake.New(t), wecomfake.New(t)
	env := apitest.New(t, apitest.WithFCM(fcm), apitest.WithWeCom(wc, ""))
	u := env.NewUser(store.RoleStaff)
	env.RegisterDevice(u, "phone")
	if _, err := env.Server.People.BindWorkAccount(ctx, u.ID, people.WeCom, "ZhangWei", people.SourceAdmin); err != nil {
		t.Fatal(err)
	}
	enqueue(t, env, repairAssigned, u.ID)
	crashed, err := env.Server.Notify.ClaimOutbox(ctx, 500, 8*time.Second)
	if err != nil || len(crashed.Deliveries) != 1 || crashed.Deliveries[0].Provider != "fcm" {
		t.Fatalf("claim: %v, %+v", err, crashed.Deliveries)
	}
	if n := runOnce(t, env.Server.Push); n != 0 {
		t.Fatalf("%d rows went while the phone's row was leased", n)
	}
	env.Clock.Advance(8 * time.Second)
	env.DeliverPushes()
	if fcm.Delivered("phone") != 1 || wc.Requests() != 0 {
		t.Fatalf("phone %d, 企业微信 requests %d", fcm.Delivered("phone"), wc.Requests())
	}
	work := jobs(t, env)[1]
	if work.DeviceID != 0 || work.Provider != "wecom" || work.Status != notify.OutboxSkipped || !work.AfterDevices {
		t.Fatalf("%+v", work)
	}

	// FCM fails for now: the phone's push waits for its retry, 企业微信
	// does not wait with it.
	fcm.Script("phone", fcmfake.Internal, fcmfake.Unregistered)
	env.Clock.Advance(time.Minute)
	enqueue(t, env, repairAssigned, u.ID)
	env.DeliverPushes()
	if fcm.Delivered("phone") != 1 || wc.Delivered("ZhangWei") != 1 {
		t.Fatalf("phone failing: phone %d, 企业微信 %d", fcm.Delivered("phone"), wc.Delivered("ZhangWei"))
	}

	// The phone's token is dead: 企业微信 has it, once.
	env.Clock.Advance(time.Hour)
	enqueue(t, env, repairAssigned, u.ID)
	env.DeliverPushes()
	if fcm.Delivered("phone") != 1 || wc.Delivered("ZhangWei") != 2 || deviceCount(t, env, "phone") != 0 {
		t.Fatalf("phone dead: phone %d, 企业微信 %d", fcm.Delivered("phone"), wc.Delivered("ZhangWei"))
	}
}

// TestInvalidAccountOnlyWhileBound: the platform's "invalid" marks the
// binding only while it still names the account that was sent to: an
// admin's new account, bound while the send was on its way, stays valid.
func TestInvalidAccountOnlyWhileBound(t *testing.T) {
	ctx := context.Background()
	env := apitest.New(t)
	u := env.NewUser(store.RoleStaff)
	a, err := env.Server.People.BindWorkAccount(ctx, u.ID, people.DingTalk, "new-account", people.SourceAdmin)
	if err != nil {
		t.Fatal(err)
	}
	status := func() string {
		rows, err := env.Server.People.WorkAccounts(ctx, u.ID)
		if err != nil || len(rows) != 1 {
			t.Fatalf("%v %+v", err, rows)
		}
		return rows[0].Status
	}
	for _, c := range []struct{ sentTo, want string }{{"old-account", people.AccountOK}, {"new-account", people.AccountInvalid}} {
		res := notify.Result{Claim: "gone", Status: notify.OutboxFailed, Error: "invalid", InvalidAccount: a.ID, InvalidAccountID: c.sentTo}
		if _, err := env.Server.Notify.Finish(ctx, []notify.Result{res}); err != nil {
			t.Fatal(err)
		}
		if got := status(); got != c.want {
			t.Fatalf("sent to %s: %s, want %s", c.sentTo, got, c.want)
		}
	}
}
