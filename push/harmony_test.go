package push_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"houqin/push"
	"houqin/push/harmonyfake"
)

// TestHarmonyFields: a notification (push-type 0) of the WORK category,
// the deep link in clickAction.data, a notifyId per notice, TTL, a long
// Chinese body cut cleanly; a batch names its tokens once, without
// push_id, and a token Push Kit calls illegal is dead while the others go.
func TestHarmonyFields(t *testing.T) {
	fake := harmonyfake.New(t)
	h := push.NewHarmony(fake.Config())
	ctx := context.Background()
	m := notice("hm-1", 41)
	m.Body = strings.Repeat("本周五下午三点在二楼多功能厅召开全体会议，请准时参加。", 60)
	if r := h.Send(ctx, m); r.Outcome != push.Sent {
		t.Fatalf("%+v", r)
	}
	fake.Script("hm-3", harmonyfake.InvalidToken)
	res := h.SendBatch(ctx, []push.Message{notice("hm-2", 42), notice("hm-3", 42), notice("hm-4", 42)})
	if res[0].Outcome != push.Sent || res[1].Outcome != push.DeadToken || res[2].Outcome != push.Sent {
		t.Fatalf("batch %+v", res)
	}
	got := fake.Received()
	s := got[0]
	n := s.Notification
	if s.PushType != "0" || n.Category != "WORK" || n.ClickAction.ActionType != 0 || n.ClickAction.Data["push_id"] != "n-41" ||
		n.ClickAction.Data["type"] != "repair" || s.TTL != int(time.Hour/time.Second) || !n.ForegroundShow {
		t.Fatalf("%+v", s)
	}
	if !utf8.ValidString(n.Body) || utf8.RuneCountInString(n.Body) != 1000 || !strings.HasSuffix(n.Body, "…") {
		t.Fatalf("body of %d characters", utf8.RuneCountInString(n.Body))
	}
	b := got[1]
	if strings.Join(b.Tokens, ",") != "hm-2,hm-4" || b.Notification.ClickAction.Data["push_id"] != "n-42" ||
		b.Notification.NotifyID == n.NotifyID {
		t.Fatalf("batch %+v", b)
	}
}

// TestHarmonyKeyFile: a key file that is not a service account's is
// refused with the reason.
func TestHarmonyKeyFile(t *testing.T) {
	if _, err := push.ReadHarmonyKey(t.TempDir()+"/missing.json", ""); err == nil {
		t.Fatal("missing file accepted")
	}
	fake := harmonyfake.New(t)
	got, err := push.ReadHarmonyKey(fake.KeyFile, fake.Endpoint())
	want := fake.Config()
	if err != nil || got.ProjectID != want.ProjectID || got.KeyID != want.KeyID || got.SubAccount != want.SubAccount ||
		!got.PrivateKey.Equal(want.PrivateKey) || got.Endpoint != want.Endpoint {
		t.Fatalf("read %+v, %v; want %+v", got, err, want)
	}
}
