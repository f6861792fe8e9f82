package push_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"houqin/push"
	"houqin/push/xiaomifake"
)

func newXiaomi(t *testing.T) (*push.Xiaomi, *xiaomifake.Server) {
	fake := xiaomifake.New(t)
	return push.NewXiaomi(fake.Config()), fake
}

// TestXiaomiFields: what Xiaomi receives is a work notification in the
// app's 私信 channel, with the deep link, TTL, a notify_id per notice
// (collapse key aside) and a Chinese title cut cleanly under the limit.
func TestXiaomiFields(t *testing.T) {
	x, fake := newXiaomi(t)
	ctx := context.Background()
	long := notice("mi-1", 11)
	long.Title = strings.Repeat("班车延误通知", 10) // 60 characters
	long.Body = strings.Repeat("因道路施工，", 30)  // 180 characters
	long.High = true
	for _, m := range []push.Message{long, notice("mi-2", 12), notice("mi-3", 12)} {
		if r := x.Send(ctx, m); r.Outcome != push.Sent {
			t.Fatalf("%+v", r)
		}
	}
	got := fake.Received()
	m := got[0]
	if m.PackageName != "cn.gov.houqin" || m.PassThrough != "0" || m.ChannelID != "houqin_work" ||
		m.NotifyForeground != "1" || m.NotifyType != "-1" || m.TimeToLive != "3600000" {
		t.Fatalf("fields %+v", m)
	}
	if !utf8.ValidString(m.Title) || utf8.RuneCountInString(m.Title) >= 50 || !strings.HasSuffix(m.Title, "…") ||
		!strings.HasPrefix(m.Title, "班车延误通知") {
		t.Fatalf("title %q (%d characters)", m.Title, utf8.RuneCountInString(m.Title))
	}
	if !utf8.ValidString(m.Description) || utf8.RuneCountInString(m.Description) >= 128 {
		t.Fatalf("description %d characters", utf8.RuneCountInString(m.Description))
	}
	var link map[string]string
	if err := json.Unmarshal([]byte(m.Payload), &link); err != nil || link["type"] != "repair" || link["id"] != "42" ||
		link["status"] != "assigned" || link["push_id"] != "n-11" {
		t.Fatalf("payload %s (%v)", m.Payload, err)
	}
	if got[1].NotifyType != "1" {
		t.Fatalf("normal priority notify_type %q", got[1].NotifyType)
	}
	// Two notices do not replace each other; two devices of one notice
	// share its notify_id.
	if got[0].NotifyID == got[1].NotifyID || got[1].NotifyID != got[2].NotifyID {
		t.Fatalf("notify_ids %q %q %q", got[0].NotifyID, got[1].NotifyID, got[2].NotifyID)
	}
	// A collapse key makes later notices replace earlier ones.
	a, b := notice("mi-4", 13), notice("mi-4", 14)
	a.CollapseKey, b.CollapseKey = "shuttle-trip-9", "shuttle-trip-9"
	x.Send(ctx, a)
	x.Send(ctx, b)
	got = fake.Received()
	if got[3].NotifyID != got[4].NotifyID {
		t.Fatalf("collapse key: notify_ids %q %q", got[3].NotifyID, got[4].NotifyID)
	}
}

// TestXiaomiBatchPayload: one payload for many devices, naming the
// notice by the group's push_id.
func TestXiaomiBatchPayload(t *testing.T) {
	x, fake := newXiaomi(t)
	res := x.SendBatch(context.Background(), []push.Message{notice("mi-a", 5), notice("mi-b", 5)})
	if res[0].Outcome != push.Sent || res[1].Outcome != push.Sent {
		t.Fatalf("%+v", res)
	}
	m := fake.Received()[0]
	if strings.Join(m.RegIDs, ",") != "mi-a,mi-b" || !strings.Contains(m.Payload, `"push_id":"n-5"`) {
		t.Fatalf("%+v", m)
	}
}

// TestXiaomiNoValidTargets: when not one regid of a request is valid,
// Xiaomi answers 20301 "No valid targets!": every device is dead.
func TestXiaomiNoValidTargets(t *testing.T) {
	x, fake := newXiaomi(t)
	fake.Script("mi-x", xiaomifake.InvalidRegID)
	fake.Script("mi-y", xiaomifake.InvalidRegID)
	for _, r := range x.SendBatch(context.Background(), []push.Message{notice("mi-x", 1), notice("mi-y", 1)}) {
		if r.Outcome != push.DeadToken || !strings.Contains(r.Err.Error(), "20301") {
			t.Fatalf("%+v", r)
		}
	}
}

// TestXiaomiWrongSecret: a wrong app secret is retried (an operator fixes
// the configuration), never a reason to forget the device, and the secret
// is not in the error recorded.
func TestXiaomiWrongSecret(t *testing.T) {
	fake := xiaomifake.New(t)
	x := push.NewXiaomi(push.XiaomiConfig{AppSecret: "wrong-secret", PackageName: "cn.gov.houqin", ChannelID: "c", Endpoint: fake.Endpoint()})
	r := x.Send(context.Background(), notice("mi-z", 1))
	if r.Outcome != push.Retry || !strings.Contains(r.Err.Error(), "21301") || strings.Contains(r.Err.Error(), "wrong-secret") {
		t.Fatalf("%+v", r)
	}
}
