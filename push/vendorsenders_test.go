package push_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"houqin/push"
	"houqin/push/harmonyfake"
	"houqin/push/oppofake"
	"houqin/push/vivofake"
	"houqin/push/xiaomifake"
)

// vendor is one vendor's sender beside its fake, for the tests every
// vendor must pass.
type vendor struct {
	name   string
	sender push.BatchSender
	fake   interface {
		Requests() int64
		AuthRequests() int64
		Delivered(token string) int
		ExpireTokens()
		SetLatency(time.Duration)
	}
	// replies scripts a token with an outcome's answer.
	ok, dead, bad, serverError func(token string)
	quota                      func(token string, wait int)
	expiredOnce                func(token string) // nil: the vendor has no access token
	requestsPerBatch           int64
}

// senderTable builds the senders of the vendors with their own HTTP
// clients (Xiaomi, OPPO, vivo, HarmonyOS) beside their fakes.
func senderTable(t testing.TB) []vendor {
	x := xiaomifake.New(t)
	o := oppofake.New(t)
	v := vivofake.New(t)
	h := harmonyfake.New(t)
	return []vendor{
		{
			name: "xiaomi", fake: x,
			sender:      push.NewXiaomi(x.Config()),
			ok:          func(tok string) { x.Script(tok, xiaomifake.OK) },
			dead:        func(tok string) { x.Script(tok, xiaomifake.InvalidRegID) },
			bad:         func(tok string) { x.Script(tok, xiaomifake.InvalidMessage) },
			serverError: func(tok string) { x.Script(tok, xiaomifake.ServerError, xiaomifake.OK) },
			quota:       func(tok string, wait int) { x.Script(tok, xiaomifake.Quota(wait), xiaomifake.OK) },
			// Xiaomi authorises each request by the app secret: no token.
			requestsPerBatch: 1,
		},
		{
			name: "oppo", fake: o,
			sender:           push.NewOPPO(o.Config()),
			ok:               func(tok string) { o.Script(tok, oppofake.OK) },
			dead:             func(tok string) { o.Script(tok, oppofake.InvalidRegID) },
			bad:              func(tok string) { o.Script(tok, oppofake.InvalidMessage) },
			serverError:      func(tok string) { o.Script(tok, oppofake.ServerError, oppofake.OK) },
			quota:            func(tok string, wait int) { o.Script(tok, oppofake.Quota(wait), oppofake.OK) },
			expiredOnce:      func(tok string) { o.Script(tok, oppofake.ExpiredToken, oppofake.OK) },
			requestsPerBatch: 1, // unicast_batch
		},
		{
			name: "vivo", fake: v,
			sender:           push.NewVivo(v.Config()),
			ok:               func(tok string) { v.Script(tok, vivofake.OK) },
			dead:             func(tok string) { v.Script(tok, vivofake.InvalidRegID) },
			bad:              func(tok string) { v.Script(tok, vivofake.InvalidMessage) },
			serverError:      func(tok string) { v.Script(tok, vivofake.ServerError, vivofake.OK) },
			quota:            func(tok string, wait int) { v.Script(tok, vivofake.Quota(wait), vivofake.OK) },
			expiredOnce:      func(tok string) { v.Script(tok, vivofake.ExpiredToken, vivofake.OK) },
			requestsPerBatch: 2, // saveListPayload, pushToList
		},
		{
			name: "harmony", fake: h, sender: push.NewHarmony(h.Config()),
			ok:          func(tok string) { h.Script(tok, harmonyfake.OK) },
			dead:        func(tok string) { h.Script(tok, harmonyfake.InvalidToken) },
			bad:         func(tok string) { h.Script(tok, harmonyfake.InvalidMessage) },
			serverError: func(tok string) { h.Script(tok, harmonyfake.ServerError, harmonyfake.OK) },
			// Push Kit states no daily quota; its traffic control is a 503.
			quota:            func(tok string, wait int) { h.Script(tok, harmonyfake.FlowControl(wait), harmonyfake.OK) },
			expiredOnce:      func(tok string) { h.Script(tok, harmonyfake.ExpiredToken, harmonyfake.OK) },
			requestsPerBatch: 1,
		},
	}
}

// notice is one push of notice n to a device, as the worker builds it
// for a group: push_id names the notice, there is no notification_id.
func notice(token string, n int) push.Message {
	return push.Message{
		Token: token, Platform: "android", Title: "报修已派工", Body: "您的报修（三楼会议室空调）已派给王师傅。",
		Data: map[string]string{"type": "repair", "id": "42", "status": "assigned", "category": "repair",
			"push_id": "n-" + strconv.Itoa(n)},
		Channel: "houqin_repair", TTL: time.Hour, Expires: time.Now().Add(time.Hour),
	}
}

// TestVendorOutcomes sends one push per scripted answer through each
// vendor's real sender and checks what the worker is told.
func TestSenderOutcomes(t *testing.T) {
	ctx := context.Background()
	for _, v := range senderTable(t) {
		t.Run(v.name, func(t *testing.T) {
			cases := []struct {
				name   string
				script func(string)
				want   push.Outcome
				wait   time.Duration
			}{
				{"success", v.ok, push.Sent, 0},
				{"invalid token", v.dead, push.DeadToken, 0},
				{"bad message", v.bad, push.Rejected, 0},
				{"server error", v.serverError, push.Retry, 0},
				{"quota with a wait", func(tok string) { v.quota(tok, 90) }, push.Retry, 90 * time.Second},
			}
			for i, c := range cases {
				tok := v.name + "-outcome-" + strconv.Itoa(i)
				c.script(tok)
				r := v.sender.Send(ctx, notice(tok, i+1))
				if r.Outcome != c.want || r.RetryAfter != c.wait {
					t.Errorf("%s: %+v, want outcome %d, wait %s", c.name, r, c.want, c.wait)
				}
				if r.Outcome != push.Sent && r.Err == nil {
					t.Errorf("%s: no error recorded", c.name)
				}
				delivered := 0
				if c.want == push.Sent {
					delivered = 1
				}
				if n := v.fake.Delivered(tok); n != delivered {
					t.Errorf("%s: delivered %d, want %d", c.name, n, delivered)
				}
			}
			// A vendor that does not answer in time: retried.
			v.fake.SetLatency(500 * time.Millisecond)
			slow, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			r := v.sender.Send(slow, notice(v.name+"-slow", 99))
			cancel()
			v.fake.SetLatency(0)
			if r.Outcome != push.Retry || r.Err == nil {
				t.Errorf("no answer in time: %+v", r)
			}
			// The transient ones go through when tried again.
			for i := 3; i <= 4; i++ {
				tok := v.name + "-outcome-" + strconv.Itoa(i)
				if r := v.sender.Send(ctx, notice(tok, i+1)); r.Outcome != push.Sent || v.fake.Delivered(tok) != 1 {
					t.Errorf("%s again: %+v, delivered %d", cases[i].name, r, v.fake.Delivered(tok))
				}
			}
		})
	}
}

// TestVendorExpiredTokenRefreshedOnce: an access token the vendor calls
// expired is fetched anew once, and the push goes through on the same
// Send; concurrent senders that all hit the expired token share one fetch.
func TestSenderExpiredTokenRefreshedOnce(t *testing.T) {
	ctx := context.Background()
	for _, v := range senderTable(t) {
		if v.expiredOnce == nil {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			tok := v.name + "-expiring"
			v.expiredOnce(tok)
			if r := v.sender.Send(ctx, notice(tok, 1)); r.Outcome != push.Sent {
				t.Fatalf("after refresh: %+v", r)
			}
			// One token at the first send, one after the vendor expired it.
			if n := v.fake.AuthRequests(); n != 2 {
				t.Fatalf("auth requests = %d, want 2", n)
			}
			if v.fake.Delivered(tok) != 1 {
				t.Fatalf("delivered %d", v.fake.Delivered(tok))
			}

			// The vendor expires the token under 50 concurrent sends.
			v.fake.ExpireTokens()
			var wg sync.WaitGroup
			for i := range 50 {
				wg.Go(func() {
					d := fmt.Sprintf("%s-concurrent-%d", v.name, i)
					if r := v.sender.Send(ctx, notice(d, 2)); r.Outcome != push.Sent {
						t.Errorf("%s: %+v", d, r)
					}
				})
			}
			wg.Wait()
			if n := v.fake.AuthRequests(); n != 3 {
				t.Fatalf("auth requests = %d after 50 concurrent sends on an expired token, want 3 (one refresh)", n)
			}
		})
	}
}

// TestVendorBatching: 2,500 devices of one notice go out in batches of
// MaxBatch, a handful of requests, with a result per device (the invalid
// ones named dead, the others sent once).
func TestSenderBatching(t *testing.T) {
	ctx := context.Background()
	const devices = 2500
	for _, v := range senderTable(t) {
		t.Run(v.name, func(t *testing.T) {
			if v.sender.MaxBatch() != 1000 {
				t.Fatalf("MaxBatch = %d", v.sender.MaxBatch())
			}
			ms := make([]push.Message, devices)
			for i := range ms {
				ms[i] = notice(fmt.Sprintf("%s-batch-%04d", v.name, i), 7)
				if i%100 == 0 {
					v.dead(ms[i].Token)
				}
			}
			before := v.fake.Requests()
			var res []push.Result
			for start := 0; start < devices; start += v.sender.MaxBatch() {
				res = append(res, v.sender.SendBatch(ctx, ms[start:min(start+v.sender.MaxBatch(), devices)])...)
			}
			if n := v.fake.Requests() - before; n != 3*v.requestsPerBatch {
				t.Errorf("%d devices took %d requests, want %d", devices, n, 3*v.requestsPerBatch)
			}
			for i, r := range res {
				want, delivered := push.Sent, 1
				if i%100 == 0 {
					want, delivered = push.DeadToken, 0
				}
				if r.Outcome != want || v.fake.Delivered(ms[i].Token) != delivered {
					t.Fatalf("device %d: %+v, delivered %d", i, r, v.fake.Delivered(ms[i].Token))
				}
			}
		})
	}
}

// TestVendorBatchFailsAsOne: an answer that fails the request (a server
// error) is every device's result, and the batch goes through when tried
// again.
func TestSenderBatchFailsAsOne(t *testing.T) {
	ctx := context.Background()
	for _, v := range senderTable(t) {
		t.Run(v.name, func(t *testing.T) {
			ms := []push.Message{notice(v.name+"-a", 9), notice(v.name+"-b", 9), notice(v.name+"-c", 9)}
			v.serverError(ms[1].Token)
			for _, r := range v.sender.SendBatch(ctx, ms) {
				if r.Outcome != push.Retry {
					t.Fatalf("%+v, want retry", r)
				}
			}
			for i, r := range v.sender.SendBatch(ctx, ms) {
				if r.Outcome != push.Sent || v.fake.Delivered(ms[i].Token) != 1 {
					t.Fatalf("again: %+v, delivered %d", r, v.fake.Delivered(ms[i].Token))
				}
			}
		})
	}
}
