package api_test

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"houqin/api"
	"houqin/push"
	"houqin/push/apnsfake"
	"houqin/push/dingtalkfake"
	"houqin/push/harmonyfake"
	"houqin/push/oppofake"
	"houqin/push/vivofake"
	"houqin/push/wecomfake"
	"houqin/push/xiaomifake"
)

// TestPushVendorConfig: a vendor with no settings is off, a complete one
// is on, and a half-configured one stops start-up with one line naming the
// variable that is missing.
func TestPushVendorConfig(t *testing.T) {
	load := func(vars map[string]string) (api.Config, error) {
		return api.LoadConfig(func(k string) string { return vars[k] })
	}
	c, err := load(nil)
	if err != nil || c.Huawei.AppID != "" || c.Honor.AppID != "" || c.APNs.KeyFile != "" {
		t.Fatalf("no settings: %+v, %v; want every vendor off", c, err)
	}
	key := apnsfake.New(t).KeyFile
	c, err = load(map[string]string{"HOUQIN_HUAWEI_APP_ID": "1040", "HOUQIN_HUAWEI_APP_SECRET": "s",
		"HOUQIN_HONOR_APP_ID": "1044", "HOUQIN_HONOR_CLIENT_ID": "c", "HOUQIN_HONOR_CLIENT_SECRET": "s",
		"HOUQIN_APNS_KEY_FILE": key, "HOUQIN_APNS_KEY_ID": "K", "HOUQIN_APNS_TEAM_ID": "T", "HOUQIN_APNS_TOPIC": "cn.gov.houqin",
		"HOUQIN_APNS_ENV": "sandbox"})
	if err != nil || c.Huawei.AppSecret != "s" || c.Honor.ClientID != "c" || !c.APNs.Sandbox || c.APNs.Topic != "cn.gov.houqin" {
		t.Fatalf("complete settings: %+v, %v", c, err)
	}
	for name, tc := range map[string]struct {
		vars    map[string]string
		missing string
	}{
		"huawei without its secret":   {map[string]string{"HOUQIN_HUAWEI_APP_ID": "1040"}, "HOUQIN_HUAWEI_APP_SECRET is not set"},
		"honor with an endpoint only": {map[string]string{"HOUQIN_HONOR_ENDPOINT": "http://127.0.0.1:1"}, "HOUQIN_HONOR_APP_ID is not set"},
		"apns without a topic": {map[string]string{"HOUQIN_APNS_KEY_FILE": key, "HOUQIN_APNS_KEY_ID": "K",
			"HOUQIN_APNS_TEAM_ID": "T"}, "HOUQIN_APNS_TOPIC is not set"},
		"apns with no key file": {map[string]string{"HOUQIN_APNS_KEY_FILE": key + ".gone", "HOUQIN_APNS_KEY_ID": "K",
			"HOUQIN_APNS_TEAM_ID": "T", "HOUQIN_APNS_TOPIC": "x"}, "HOUQIN_APNS_KEY_FILE:"},
		"apns in no known environment": {map[string]string{"HOUQIN_APNS_KEY_FILE": key, "HOUQIN_APNS_KEY_ID": "K",
			"HOUQIN_APNS_TEAM_ID": "T", "HOUQIN_APNS_TOPIC": "x", "HOUQIN_APNS_ENV": "staging"}, "HOUQIN_APNS_ENV"},
		"huawei endpoint not a URL": {map[string]string{"HOUQIN_HUAWEI_APP_ID": "1", "HOUQIN_HUAWEI_APP_SECRET": "s",
			"HOUQIN_HUAWEI_ENDPOINT": "push-api.local"}, "HOUQIN_HUAWEI_ENDPOINT"},
	} {
		_, err := load(tc.vars)
		if err == nil || !strings.Contains(err.Error(), tc.missing) || strings.Count(err.Error(), "\n") != 0 {
			t.Errorf("%s: %v, want one line naming %s", name, err, tc.missing)
		}
	}
}

// TestVendorSenders: a vendor with no settings is off; one configured
// in part stops start-up with one line naming the missing variable; the
// configured ones come back as senders keyed by provider, and they reach
// the endpoints configured.
func TestVendorSenders(t *testing.T) {
	load := func(vars map[string]string) (api.Config, error) {
		return api.LoadConfig(func(k string) string { return vars[k] })
	}
	quiet := slog.New(slog.DiscardHandler)
	cfg, err := load(nil)
	if err != nil || len(cfg.PushSenders(quiet)) != 0 {
		t.Fatalf("no settings: %v, senders %v", err, cfg.PushSenders(quiet))
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
	senders := cfg.PushSenders(quiet)
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

// TestWorkPlatformSenders: 企业微信 and 钉钉 are configured by their
// variables (part of them, or an agent id that is not a number, stops
// start-up) and reach the endpoints configured.
func TestWorkPlatformSenders(t *testing.T) {
	load := func(vars map[string]string) (api.Config, error) {
		return api.LoadConfig(func(k string) string { return vars[k] })
	}
	for _, bad := range []map[string]string{
		{"HOUQIN_WECOM_CORP_ID": wecomfake.CorpID},
		{"HOUQIN_WECOM_CORP_ID": wecomfake.CorpID, "HOUQIN_WECOM_AGENT_ID": "houqin", "HOUQIN_WECOM_SECRET": "s"},
		{"HOUQIN_WECOM_CORP_ID": wecomfake.CorpID, "HOUQIN_WECOM_AGENT_ID": "1", "HOUQIN_WECOM_SECRET": "s", "HOUQIN_WECOM_CARD_URL": "houqin.cn"},
		{"HOUQIN_DINGTALK_APP_KEY": "k", "HOUQIN_DINGTALK_APP_SECRET": "s"},
		{"HOUQIN_DINGTALK_APP_KEY": "k", "HOUQIN_DINGTALK_APP_SECRET": "s", "HOUQIN_DINGTALK_AGENT_ID": "x"},
	} {
		if _, err := load(bad); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want one line", bad, err)
		}
	}
	w, d := wecomfake.New(t), dingtalkfake.New(t)
	cfg, err := load(map[string]string{
		"HOUQIN_WECOM_CORP_ID": wecomfake.CorpID, "HOUQIN_WECOM_AGENT_ID": wecomfake.AgentID, "HOUQIN_WECOM_SECRET": wecomfake.Secret,
		"HOUQIN_WECOM_ENDPOINT": w.URL, "HOUQIN_WECOM_CARD_URL": "https://houqin.example.cn/m/notice",
		"HOUQIN_DINGTALK_APP_KEY": dingtalkfake.AppKey, "HOUQIN_DINGTALK_APP_SECRET": dingtalkfake.AppSecret,
		"HOUQIN_DINGTALK_AGENT_ID": dingtalkfake.AgentID, "HOUQIN_DINGTALK_ENDPOINT": d.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	senders := cfg.PushSenders(slog.New(slog.DiscardHandler))
	if got := slices.Sorted(maps.Keys(senders)); !slices.Equal(got, []string{"dingtalk", "wecom"}) {
		t.Fatalf("senders %v", got)
	}
	for name, s := range senders {
		m := push.Message{Provider: name, Token: name + "-user", Title: "测试推送", Body: "推送通道已接通",
			Data: map[string]string{"type": "test", "push_id": "1-0"}}
		if r := s.Send(context.Background(), m); r.Outcome != push.Sent {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if w.Delivered("wecom-user") != 1 || d.Delivered("dingtalk-user") != 1 || w.Received()[0].MsgType != "textcard" {
		t.Fatalf("delivered %d %d", w.Delivered("wecom-user"), d.Delivered("dingtalk-user"))
	}
}
