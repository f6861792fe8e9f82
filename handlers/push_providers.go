package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/notify"
)

// ProviderReport is what the providers page needs of the push worker.
type ProviderReport interface {
	Providers() []notify.ProviderStats
}

type providerOut struct {
	Provider    string     `json:"provider"`
	Configured  bool       `json:"configured"`
	Sent        int64      `json:"sent"`
	Failed      int64      `json:"failed"`
	Retried     int64      `json:"retried"`
	Pruned      int64      `json:"pruned"`
	Requests    int64      `json:"requests"`
	LastError   string     `json:"last_error"`
	LastErrorAt *time.Time `json:"last_error_at"`
}

// PushProviders lists every push provider, configured or not, with what
// this replica delivered through it since it started (admin).
func PushProviders(r ProviderReport) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return c.JSON(ListOf(r.Providers(), "", providerOf))
	}
}

func providerOf(s notify.ProviderStats) providerOut {
	out := providerOut{Provider: s.Provider, Configured: s.Configured, Sent: s.Sent, Failed: s.Failed,
		Retried: s.Retried, Pruned: s.Pruned, Requests: s.Requests, LastError: s.LastError}
	if !s.LastErrAt.IsZero() {
		out.LastErrorAt = &s.LastErrAt
	}
	return out
}
