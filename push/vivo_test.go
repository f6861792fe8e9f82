package push_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"houqin/push"
	"houqin/push/vivofake"
)

// TestVivoFields: a 系统消息 (classification 1) of category TODO, the deep
// link in skipContent (skipType 3) and clientCustomMap, the push_id as
// requestId (vivo's de-duplication), TTL within vivo's bounds, and a
// Chinese title cut cleanly to 20 characters; a batch saves one payload
// without push_id and names its devices in pushToList.
func TestVivoFields(t *testing.T) {
	fake := vivofake.New(t)
	v := push.NewVivo(fake.Config())
	ctx := context.Background()
	m := notice("vv-1", 31)
	m.Title = strings.Repeat("食堂菜单已发布", 5) // 35 characters
	m.High = true
	m.TTL = time.Minute
	if r := v.Send(ctx, m); r.Outcome != push.Sent {
		t.Fatalf("%+v", r)
	}
	if res := v.SendBatch(ctx, []push.Message{notice("vv-2", 32), notice("vv-3", 32)}); res[0].Outcome != push.Sent || res[1].Outcome != push.Sent {
		t.Fatalf("%+v", res)
	}
	got := fake.Received()
	s := got[0]
	if s.RegID != "vv-1" || s.Classification != 1 || s.Category != "TODO" || s.NotifyType != 4 || s.SkipType != 3 ||
		!strings.HasPrefix(s.RequestID, "n-31-") || s.TimeToLive != 900 || s.ClientCustomMap["status"] != "assigned" {
		t.Fatalf("%+v", s)
	}
	if !utf8.ValidString(s.Title) || utf8.RuneCountInString(s.Title) != 20 || !strings.HasSuffix(s.Title, "…") {
		t.Fatalf("title %q", s.Title)
	}
	var link map[string]string
	if err := json.Unmarshal([]byte(s.SkipContent), &link); err != nil || link["id"] != "42" || link["push_id"] != "n-31" {
		t.Fatalf("skipContent %s", s.SkipContent)
	}
	b := got[1]
	if strings.Join(b.RegIDs, ",") != "vv-2,vv-3" || b.NotifyType != 2 || b.TimeToLive != 3600 ||
		b.ClientCustomMap["push_id"] != "n-32" || !strings.HasPrefix(b.RequestID, "n-32-") || b.RequestID == s.RequestID {
		t.Fatalf("batch %+v", b)
	}
}
