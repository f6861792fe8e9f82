package handlers_test

import (
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/push/fcmfake"
)

// phones is the fake FCM a test's devices are registered with; domain tests
// use it to check what reaches people's phones, not only their inboxes.
type phones struct {
	fake *fcmfake.Server
	seen int
}

// withPhones starts a fake FCM and returns the option that points the
// service at it, and the phones to read the pushes from.
func withPhones(t testing.TB) (apitest.Option, *phones) {
	fake := fcmfake.New(t)
	return apitest.WithFCM(fake), &phones{fake: fake}
}

// deliver drains the outbox through the real worker and firebase SDK and
// returns what the fake accepted since the last call, by token.
func (p *phones) deliver(t testing.TB, env *apitest.Env) map[string][]fcmfake.Message {
	t.Helper()
	env.DeliverPushes()
	all := p.fake.Received()
	out := map[string][]fcmfake.Message{}
	for _, m := range all[p.seen:] {
		out[m.Token] = append(out[m.Token], m)
	}
	p.seen = len(all)
	return out
}

// push is what one phone should show and carry.
type wantPush struct {
	title, body []string          // substrings each must contain
	data        map[string]string // deep-link fields that must match
	channel     string            // Android notification channel
	collapse    string            // Android collapse key; "" for none
	priority    string            // Android priority: "high" or "normal"
	ttl         string            // Android TTL left, e.g. "1800s"; "" does not check
}

// expectPushes fails unless got holds exactly one push per token in want,
// matching it, and nothing for any other token.
func expectPushes(t testing.TB, got map[string][]fcmfake.Message, want map[string]wantPush) {
	t.Helper()
	for tok, msgs := range got {
		if _, ok := want[tok]; !ok {
			for _, m := range msgs {
				t.Errorf("%s was sent %q / %q, want nothing", tok, m.Notification.Title, m.Notification.Body)
			}
		}
	}
	for tok, w := range want {
		msgs := got[tok]
		if len(msgs) != 1 {
			t.Errorf("%s got %d pushes, want 1", tok, len(msgs))
			continue
		}
		m := msgs[0]
		for _, s := range w.title {
			if !strings.Contains(m.Notification.Title, s) {
				t.Errorf("%s: title %q lacks %q", tok, m.Notification.Title, s)
			}
		}
		for _, s := range w.body {
			if !strings.Contains(m.Notification.Body, s) {
				t.Errorf("%s: body %q lacks %q", tok, m.Notification.Body, s)
			}
		}
		for k, v := range w.data {
			if m.Data[k] != v {
				t.Errorf("%s: data[%s] = %q, want %q (data %v)", tok, k, m.Data[k], v, m.Data)
			}
		}
		if strings.Contains(m.Notification.Title+m.Notification.Body, "。。") {
			t.Errorf("%s: doubled full stop in %q / %q", tok, m.Notification.Title, m.Notification.Body)
		}
		if m.Data["notification_id"] == "" {
			t.Errorf("%s: no notification_id to open the inbox entry", tok)
		}
		if m.Android.Notification.ChannelID != w.channel {
			t.Errorf("%s: channel %q, want %q", tok, m.Android.Notification.ChannelID, w.channel)
		}
		if m.Android.CollapseKey != w.collapse {
			t.Errorf("%s: collapse key %q, want %q", tok, m.Android.CollapseKey, w.collapse)
		}
		if w.ttl != "" && m.Android.TTL != w.ttl {
			t.Errorf("%s: TTL %q, want %q", tok, m.Android.TTL, w.ttl)
		}
		if m.Android.Priority != w.priority {
			t.Errorf("%s: android priority %q, want %q", tok, m.Android.Priority, w.priority)
		}
	}
}
