package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
	"houqin/push"
)

// outboxRetention is how long finished outbox rows are kept for inspection.
const outboxRetention = 7 * 24 * time.Hour

func (s *Server) mountPush(r fiber.Router) {
	h := handlers.NewNotify(s.Notify, s.Push.Configured())
	r.Post("/me/devices", h.RegisterDevice)
	r.Get("/me/devices", h.ListDevices)
	r.Delete("/me/devices/:id", h.DeleteDevice)
	r.Get("/me/notifications", h.ListNotifications)
	r.Post("/me/notifications/read-all", h.ReadAllNotifications)
	r.Post("/me/notifications/:id/read", h.ReadNotification)
	r.Get("/me/preferences", h.GetPreferences)
	r.Put("/me/preferences", h.UpdatePreferences)
	r.Get("/events", handlers.NewEvents(s.Notify, s.Broker, s.Config.EventHeartbeat, &s.streams).Stream)
	r.Post("/admin/push/test", handlers.Require(store.RoleAdmin), h.TestPush)
	r.Get("/admin/push/providers", handlers.Require(store.RoleAdmin), handlers.PushProviders(s.Push))

	s.jobs = append(s.jobs,
		// Run blocks until shutdown; the job loop restarts it if it ever returns early.
		Job{Name: "push delivery", Every: time.Second, Run: s.Push.Run},
		Job{Name: "prune stale devices", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
			return s.Push.PruneDevices(ctx, s.Config.DeviceMaxAge)
		}},
		Job{Name: "purge finished pushes", Every: time.Hour, Run: func(ctx context.Context) error {
			_, err := s.Notify.PurgeOutbox(ctx, outboxRetention)
			return err
		}},
	)
}

// PushSenders builds a sender for each configured provider, the one place
// that does; with none push is off (inbox and live stream only). It logs
// which are on.
func (cfg Config) PushSenders(log *slog.Logger) push.Senders {
	senders := push.Senders{}
	on := func(p notify.Provider, s push.Sender, args ...any) {
		senders[string(p)] = s
		log.Info("push on", append([]any{"provider", string(p)}, args...)...)
	}
	if c := (push.FCMConfig{ProjectID: cfg.FCMProjectID, CredentialsFile: cfg.FCMCredentials, Endpoint: cfg.FCMEndpoint}); c.Enabled() {
		if fcm, err := push.NewFCM(context.Background(), c); err != nil {
			log.Error("push via FCM off: it could not be set up", "err", err)
		} else {
			on(notify.ProviderFCM, fcm, "project", cfg.FCMProjectID, "endpoint", cfg.FCMEndpoint, "authenticated", cfg.FCMCredentials != "")
		}
	}
	if cfg.APNs.KeyFile != "" {
		if apns, err := push.NewAPNs(cfg.APNs); err != nil {
			log.Error("push via APNs off: it could not be set up", "err", err)
		} else {
			on(notify.ProviderAPNs, apns, "topic", cfg.APNs.Topic, "sandbox", cfg.APNs.Sandbox, "endpoint", cfg.APNs.Endpoint)
		}
	}
	if cfg.Huawei.AppID != "" {
		on(notify.ProviderHuawei, push.NewHuawei(cfg.Huawei), "app", cfg.Huawei.AppID, "endpoint", cfg.Huawei.Endpoint)
	}
	if cfg.Honor.AppID != "" {
		on(notify.ProviderHonor, push.NewHonor(cfg.Honor), "app", cfg.Honor.AppID, "endpoint", cfg.Honor.Endpoint)
	}
	if cfg.Xiaomi.AppSecret != "" {
		on(notify.ProviderXiaomi, push.NewXiaomi(cfg.Xiaomi), "package", cfg.Xiaomi.PackageName, "endpoint", cfg.Xiaomi.Endpoint)
	}
	if cfg.OPPO.AppKey != "" {
		on(notify.ProviderOPPO, push.NewOPPO(cfg.OPPO), "app", cfg.OPPO.AppKey, "endpoint", cfg.OPPO.Endpoint)
	}
	if cfg.Vivo.AppID != "" {
		on(notify.ProviderVivo, push.NewVivo(cfg.Vivo), "app", cfg.Vivo.AppID, "endpoint", cfg.Vivo.Endpoint)
	}
	if cfg.Harmony.PrivateKey != nil {
		on(notify.ProviderHarmony, push.NewHarmony(cfg.Harmony), "project", cfg.Harmony.ProjectID, "endpoint", cfg.Harmony.Endpoint)
	}
	if cfg.WeCom.CorpID != "" {
		if w, err := push.NewWeCom(cfg.WeCom); err == nil {
			on(notify.Provider(people.WeCom), w, "corp", cfg.WeCom.CorpID, "agent", cfg.WeCom.AgentID, "endpoint", cfg.WeCom.Endpoint)
		}
	}
	if cfg.DingTalk.AppKey != "" {
		if d, err := push.NewDingTalk(cfg.DingTalk); err == nil {
			on(notify.Provider(people.DingTalk), d, "app", cfg.DingTalk.AppKey, "agent", cfg.DingTalk.AgentID, "endpoint", cfg.DingTalk.Endpoint)
		}
	}
	if len(senders) == 0 {
		log.Info("push off: no provider is configured (HOUQIN_FCM_*, _APNS_*, _HUAWEI_*, _HONOR_*, _XIAOMI_*, _OPPO_*, _VIVO_*, _HARMONY_*, _WECOM_*, _DINGTALK_*); inbox and live events only")
	}
	return senders
}
