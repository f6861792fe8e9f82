package push_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"houqin/push"
	"houqin/push/oppofake"
)

func newOPPO(t *testing.T) (*push.OPPO, *oppofake.Server) {
	fake := oppofake.New(t)
	return push.NewOPPO(fake.Config()), fake
}

// TestOPPOFields: a work notification in the app's 私信 channel with its
// notify level and category, the deep link in action_parameters, the
// push_id as app_message_id (OPPO drops a second push of it), TTL, and a
// Chinese title cut cleanly to 50 characters; in a batch each device keeps
// its own push_id.
func TestOPPOFields(t *testing.T) {
	o, fake := newOPPO(t)
	ctx := context.Background()
	m := notice("op-1", 21)
	m.Title = strings.Repeat("会议室预约已批准", 8) // 64 characters
	m.High = true
	m.TTL = 30 * 24 * time.Hour
	if r := o.Send(ctx, m); r.Outcome != push.Sent {
		t.Fatalf("%+v", r)
	}
	if res := o.SendBatch(ctx, []push.Message{notice("op-2", 22), notice("op-3", 22)}); res[0].Outcome != push.Sent || res[1].Outcome != push.Sent {
		t.Fatalf("%+v", res)
	}
	got := fake.Received()
	n := got[0].Notification
	if got[0].TargetType != 2 || got[0].TargetValue != "op-1" || n.ChannelID != "houqin_work" || n.NotifyLevel != 16 ||
		n.Category != "TODO" || n.ClickActionType != 0 || !n.OffLine || n.OffLineTTL != 864000 || !strings.HasPrefix(n.AppMessageID, "n-21-") {
		t.Fatalf("%+v", got[0])
	}
	if !utf8.ValidString(n.Title) || utf8.RuneCountInString(n.Title) != 50 || !strings.HasSuffix(n.Title, "…") {
		t.Fatalf("title %q", n.Title)
	}
	var link map[string]string
	if err := json.Unmarshal([]byte(n.ActionParameters), &link); err != nil || link["type"] != "repair" || link["push_id"] != "n-21" {
		t.Fatalf("action_parameters %s", n.ActionParameters)
	}
	if got[1].Notification.NotifyLevel != 2 || got[1].Notification.OffLineTTL != 3600 ||
		!strings.HasPrefix(got[1].Notification.AppMessageID, "n-22-") || got[1].Notification.AppMessageID == got[2].Notification.AppMessageID {
		t.Fatalf("batch %+v / %+v: want an app_message_id of the push and the device", got[1].Notification, got[2].Notification)
	}
	// A re-send of the same push to the same device carries the same id,
	// for OPPO to drop.
	o.SendBatch(ctx, []push.Message{notice("op-2", 22), notice("op-4", 22)})
	if again := fake.Received()[3].Notification.AppMessageID; again != got[1].Notification.AppMessageID {
		t.Fatalf("re-sent app_message_id %q, first %q", again, got[1].Notification.AppMessageID)
	}
}

// TestOPPOFlowControl: OPPO's flow control is retried after the wait it
// states, its daily limit at midnight; a refused fresh token is retried,
// not a dead device.
func TestOPPOFlowControl(t *testing.T) {
	o, fake := newOPPO(t)
	fake.Script("op-fc", oppofake.FlowControl(12))
	fake.Script("op-exp", oppofake.ExpiredToken)
	if r := o.Send(context.Background(), notice("op-fc", 1)); r.Outcome != push.Retry || r.RetryAfter != 12*time.Second {
		t.Fatalf("flow control: %+v", r)
	}
	if r := o.Send(context.Background(), notice("op-exp", 1)); r.Outcome != push.Retry {
		t.Fatalf("token refused twice: %+v", r)
	}
	// A daily limit with no stated wait waits for OPPO's midnight.
	fake.Script("op-day", oppofake.Quota(0))
	if r := o.Send(context.Background(), notice("op-day", 1)); r.Outcome != push.Retry || r.RetryAfter <= 0 || r.RetryAfter > 24*time.Hour {
		t.Fatalf("daily limit: %+v", r)
	}
}
