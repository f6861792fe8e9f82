package apitest

import (
	"net/http"

	"houqin/api"
	"houqin/push"
	"houqin/push/apnsfake"
	"houqin/push/harmonyfake"
	"houqin/push/honorfake"
	"houqin/push/huaweifake"
	"houqin/push/oppofake"
	"houqin/push/vivofake"
	"houqin/push/xiaomifake"
)

// WithAPNs points the service's APNs sender at a fake APNs.
func WithAPNs(f *apnsfake.Server) Option {
	return func(c *api.Config) {
		c.APNs = push.APNsConfig{KeyFile: f.KeyFile, KeyID: apnsfake.KeyID, TeamID: apnsfake.TeamID,
			Topic: apnsfake.Topic, Sandbox: true, Endpoint: f.Endpoint()}
	}
}

// WithHuawei points the service's Huawei sender at a fake Push Kit.
func WithHuawei(f *huaweifake.Server) Option {
	return func(c *api.Config) {
		c.Huawei = push.HuaweiConfig{AppID: huaweifake.AppID, AppSecret: huaweifake.AppSecret, Endpoint: f.Endpoint()}
	}
}

// WithHonor points the service's Honor sender at a fake Honor push.
func WithHonor(f *honorfake.Server) Option {
	return func(c *api.Config) {
		c.Honor = push.HonorConfig{AppID: honorfake.AppID, ClientID: honorfake.ClientID,
			ClientSecret: honorfake.ClientSecret, Endpoint: f.Endpoint()}
	}
}

// WithXiaomi points the service's Xiaomi sender at a fake MiPush.
func WithXiaomi(f *xiaomifake.Server) Option {
	return func(c *api.Config) {
		c.Xiaomi = push.XiaomiConfig{AppSecret: xiaomifake.AppSecret, PackageName: "cn.gov.houqin",
			ChannelID: "houqin_work", Endpoint: f.Endpoint()}
	}
}

// WithOPPO points the service's OPPO sender at a fake OPPO push.
func WithOPPO(f *oppofake.Server) Option {
	return func(c *api.Config) {
		c.OPPO = push.OPPOConfig{AppKey: oppofake.AppKey, MasterSecret: oppofake.MasterSecret,
			ChannelID: "houqin_work", Endpoint: f.Endpoint()}
	}
}

// WithVivo points the service's vivo sender at a fake vivo push.
func WithVivo(f *vivofake.Server) Option {
	return func(c *api.Config) {
		c.Vivo = push.VivoConfig{AppID: vivofake.AppID, AppKey: vivofake.AppKey, AppSecret: vivofake.AppSecret, Endpoint: f.Endpoint()}
	}
}

// WithHarmony points the service's HarmonyOS sender at a fake Push Kit.
func WithHarmony(f *harmonyfake.Server) Option {
	return func(c *api.Config) {
		cfg, err := push.ReadHarmonyKey(f.KeyFile, f.Endpoint())
		if err != nil {
			panic(err) // the fake wrote the file itself
		}
		c.Harmony = cfg
	}
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
