package api_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"houqin/api"
	"houqin/push"
	"houqin/push/harmonyfake"
	"houqin/push/oppofake"
	"houqin/push/vivofake"
	"houqin/push/xiaomifake"
)

// TestVendorPushConfig: a vendor with no settings is off; one configured
// in part stops start-up with one line naming the missing variable; the
// configured ones come back as senders keyed by provider, and they reach
// the endpoints configured.
func TestVendorPushConfig(t *testing.T) {
	load := func(vars map[string]string) (api.Config, error) {
		return api.LoadConfig(func(k string) string { return vars[k] })
	}
	cfg, err := load(nil)
	if err != nil || len(cfg.VendorSenders(nil)) != 0 {
		t.Fatalf("no settings: %v, senders %v", err, cfg.VendorSenders(nil))
	}
	for vars, missing := range map[[2]string]string{
		{"HOUQIN_XIAOMI_APP_SECRET", "s"}:            "HOUQIN_XIAOMI_PACKAGE",
		{"HOUQIN_OPPO_ENDPOINT", "http://127.0.0.1"}: "HOUQIN_OPPO_APP_KEY",
		{"HOUQIN_VIVO_APP_KEY", "k"}:                 "HOUQIN_VIVO_APP_ID",
	} {
		_, err := load(map[string]string{vars[0]: vars[1]})
		if err == nil || !strings.Contains(err.Error(), missing) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s alone: %v, want one line naming %s", vars[0], err, missing)
		}
	}
	for _, bad := range []map[string]string{
		{"HOUQIN_XIAOMI_APP_SECRET": "s", "HOUQIN_XIAOMI_PACKAGE": "p", "HOUQIN_XIAOMI_CHANNEL_ID": "c", "HOUQIN_XIAOMI_ENDPOINT": "api.xmpush.xiaomi.com"},
		{"HOUQIN_VIVO_APP_ID": "houqin", "HOUQIN_VIVO_APP_KEY": "k", "HOUQIN_VIVO_APP_SECRET": "s"},
		{"HOUQIN_HARMONY_KEY_FILE": "/nonexistent/harmony.json"},
	} {
		if _, err := load(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}

	x, o, v, h := xiaomifake.New(t), oppofake.New(t), vivofake.New(t), harmonyfake.New(t)
	cfg, err = load(map[string]string{
		"HOUQIN_XIAOMI_APP_SECRET": xiaomifake.AppSecret, "HOUQIN_XIAOMI_PACKAGE": "cn.gov.houqin",
		"HOUQIN_XIAOMI_CHANNEL_ID": "houqin_work", "HOUQIN_XIAOMI_ENDPOINT": x.Endpoint(),
		"HOUQIN_OPPO_APP_KEY": oppofake.AppKey, "HOUQIN_OPPO_MASTER_SECRET": oppofake.MasterSecret,
		"HOUQIN_OPPO_CHANNEL_ID": "houqin_work", "HOUQIN_OPPO_ENDPOINT": o.Endpoint(),
		"HOUQIN_VIVO_APP_ID": vivofake.AppID, "HOUQIN_VIVO_APP_KEY": vivofake.AppKey,
		"HOUQIN_VIVO_APP_SECRET": vivofake.AppSecret, "HOUQIN_VIVO_ENDPOINT": v.Endpoint(),
		"HOUQIN_HARMONY_KEY_FILE": h.KeyFile, "HOUQIN_HARMONY_ENDPOINT": h.Endpoint(),
	})
	if err != nil {
		t.Fatal(err)
	}
	senders := cfg.VendorSenders(nil)
	if got := slices.Sorted(maps.Keys(senders)); !slices.Equal(got, []string{"harmony", "oppo", "vivo", "xiaomi"}) {
		t.Fatalf("senders %v", got)
	}
	for name, s := range senders {
		m := push.Message{Provider: name, Token: name + "-device", Title: "测试推送", Body: "推送通道已接通",
			Data: map[string]string{"type": "test", "notification_id": "1", "push_id": "1-1"}}
		if r := s.Send(context.Background(), m); r.Outcome != push.Sent {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if x.Delivered("xiaomi-device") != 1 || o.Delivered("oppo-device") != 1 || v.Delivered("vivo-device") != 1 || h.Delivered("harmony-device") != 1 {
		t.Fatalf("delivered %d %d %d %d", x.Delivered("xiaomi-device"), o.Delivered("oppo-device"), v.Delivered("vivo-device"), h.Delivered("harmony-device"))
	}
}
