package apitest

import (
	"net/http"

	"houqin/api"
	"houqin/push/apnsfake"
	"houqin/push/dingtalkfake"
	"houqin/push/harmonyfake"
	"houqin/push/honorfake"
	"houqin/push/huaweifake"
	"houqin/push/oppofake"
	"houqin/push/vivofake"
	"houqin/push/wecomfake"
	"houqin/push/xiaomifake"
)

// WithAPNs points the service's APNs sender at a fake APNs.
func WithAPNs(f *apnsfake.Server) Option {
	return func(c *api.Config) { c.APNs = f.Config() }
}

// WithHuawei points the service's Huawei sender at a fake Push Kit.
func WithHuawei(f *huaweifake.Server) Option {
	return func(c *api.Config) { c.Huawei = f.Config() }
}

// WithHonor points the service's Honor sender at a fake Honor push.
func WithHonor(f *honorfake.Server) Option {
	return func(c *api.Config) { c.Honor = f.Config() }
}

// WithXiaomi points the service's Xiaomi sender at a fake MiPush.
func WithXiaomi(f *xiaomifake.Server) Option {
	return func(c *api.Config) { c.Xiaomi = f.Config() }
}

// WithOPPO points the service's OPPO sender at a fake OPPO push.
func WithOPPO(f *oppofake.Server) Option {
	return func(c *api.Config) { c.OPPO = f.Config() }
}

// WithVivo points the service's Vivo sender at a fake vivo push.
func WithVivo(f *vivofake.Server) Option {
	return func(c *api.Config) { c.Vivo = f.Config() }
}

// WithHarmony points the service's Harmony sender at a fake HarmonyOS Push Kit.
func WithHarmony(f *harmonyfake.Server) Option {
	return func(c *api.Config) { c.Harmony = f.Config() }
}

// WithWeCom points the service's 企业微信 sender at a fake, sending text
// cards that open cardURL ("" sends text).
func WithWeCom(f *wecomfake.Server, cardURL string) Option {
	return func(c *api.Config) { c.WeCom = f.Config(cardURL) }
}

// WithDingTalk points the service's 钉钉 sender at a fake.
func WithDingTalk(f *dingtalkfake.Server) Option {
	return func(c *api.Config) { c.DingTalk = f.Config() }
}

// RegisterDeviceWith signs up a phone of u with the push provider that
// gave it token (an iPhone for apns, an Android phone otherwise).
func (e *Env) RegisterDeviceWith(u User, provider, token string) {
	e.T.Helper()
	platform := "android"
	if provider == "apns" {
		platform = "ios"
	}
	resp := e.Post("/api/v1/me/devices", u.Token, map[string]string{"token": token, "platform": platform, "provider": provider})
	if resp.Status != http.StatusCreated && resp.Status != http.StatusOK {
		e.T.Fatalf("register %s device %s for user %d: %d %s", provider, token, u.ID, resp.Status, truncate(resp.Body))
	}
}
