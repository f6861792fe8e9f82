package api

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"houqin/models/store"
)

// Login limits. Per address it is generous, because a whole building may
// reach us through one NAT address; per username only failures count, so
// a password-guessing run stops while the real user can still sign in.
const (
	loginPerAddress        = 60
	loginFailuresPerUser   = 10
	loginPerAddressWindow  = time.Minute
	loginPerUsernameWindow = 15 * time.Minute
)

func rateLimited(c *fiber.Ctx) error {
	return &store.Error{Code: store.CodeRateLimited, Message: "too many login attempts; wait and try again (see Retry-After)"}
}

// loginLimiters guard POST /auth/login.
func loginLimiters() []fiber.Handler {
	return []fiber.Handler{
		limiter.New(limiter.Config{
			Max: loginPerAddress, Expiration: loginPerAddressWindow,
			KeyGenerator: func(c *fiber.Ctx) string { return "ip:" + c.IP() },
			LimitReached: rateLimited,
		}),
		limiter.New(limiter.Config{
			Max: loginFailuresPerUser, Expiration: loginPerUsernameWindow, SkipSuccessfulRequests: true,
			KeyGenerator: func(c *fiber.Ctx) string {
				var body struct {
					Username string `json:"username"`
				}
				_ = json.Unmarshal(c.Body(), &body)
				return "user:" + strings.ToLower(strings.TrimSpace(body.Username))
			},
			LimitReached: rateLimited,
		}),
		renderErrors,
	}
}

// renderErrors turns a handler's error into its response right away, so the
// limiters above see the real status (they count failures only).
func renderErrors(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return c.App().ErrorHandler(c, err)
	}
	return nil
}
