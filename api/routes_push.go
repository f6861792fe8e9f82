package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
	"houqin/push"
)

// outboxRetention is how long finished outbox rows are kept for inspection.
const outboxRetention = 7 * 24 * time.Hour

func (s *Server) mountPush(r fiber.Router) {
	h := handlers.NewNotify(s.Notify)
	r.Post("/me/devices", h.RegisterDevice)
	r.Get("/me/devices", h.ListDevices)
	r.Delete("/me/devices/:id", h.DeleteDevice)
	r.Get("/me/notifications", h.ListNotifications)
	r.Post("/me/notifications/read-all", h.ReadAllNotifications)
	r.Post("/me/notifications/:id/read", h.ReadNotification)
	r.Get("/me/preferences", h.GetPreferences)
	r.Put("/me/preferences", h.UpdatePreferences)
	r.Get("/events", handlers.NewEvents(s.Notify, s.Broker, s.Config.EventHeartbeat).Stream)
	r.Post("/admin/push/test", handlers.Require(store.RoleAdmin), h.TestPush)

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

// pushSender builds the FCM sender from the configuration, or returns nil
// (push off: inbox and live stream only) when FCM is not configured or
// cannot be set up. It logs which.
func pushSender(cfg Config, log *slog.Logger) push.Sender {
	c := push.FCMConfig{ProjectID: cfg.FCMProjectID, CredentialsFile: cfg.FCMCredentials, Endpoint: cfg.FCMEndpoint}
	if !c.Enabled() {
		log.Info("push off: HOUQIN_FCM_PROJECT_ID and HOUQIN_FCM_CREDENTIALS are unset; inbox and live events only")
		return nil
	}
	fcm, err := push.NewFCM(context.Background(), c)
	if err != nil {
		log.Error("push off: FCM could not be set up", "err", err)
		return nil
	}
	log.Info("push on", "provider", "fcm", "project", cfg.FCMProjectID, "endpoint", cfg.FCMEndpoint,
		"authenticated", cfg.FCMCredentials != "")
	return fcm
}
