package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/store"
)

type actorKey struct{}

// Authenticate requires a valid bearer token from an active user and makes
// the caller available to handlers through UserFrom.
func (h *People) Authenticate(c *fiber.Ctx) error {
	raw, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || raw == "" {
		return people.ErrUnauthenticated
	}
	id, err := h.tokens.Verify(raw)
	if err != nil {
		return err
	}
	u, err := h.svc.ActiveUser(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Locals(actorKey{}, u.Actor())
	return c.Next()
}

// UserFrom returns the authenticated caller. It panics when used on a route
// without Authenticate: that is a wiring bug, not a client error.
func UserFrom(c *fiber.Ctx) store.Actor {
	a, ok := c.Locals(actorKey{}).(store.Actor)
	if !ok {
		panic("handlers.UserFrom on an unauthenticated route")
	}
	return a
}

// UserID returns the caller's id, or 0 on unauthenticated routes (for logs).
func UserID(c *fiber.Ctx) int64 {
	a, _ := c.Locals(actorKey{}).(store.Actor)
	return a.ID
}

// Require lets through callers holding any of roles (admins hold all). It
// is the one place role checks happen; object-level checks live in models.
func Require(roles ...store.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !UserFrom(c).Can(roles...) {
			return store.ErrForbidden
		}
		return c.Next()
	}
}
