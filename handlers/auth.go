package handlers

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/store"
)

type (
	actorKey    struct{}
	signedInKey struct{}
)

// errSignInEnded answers a token issued before its user's password was
// reset (or the user deactivated): that sign-in is over.
var errSignInEnded = &store.Error{Code: store.CodeUnauthorized, Message: "this sign-in has ended; sign in again"}

// Authenticate requires a valid bearer token from an active user, issued
// since their password last changed, and makes the caller available to
// handlers through UserFrom.
func (h *People) Authenticate(c *fiber.Ctx) error {
	raw, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || raw == "" {
		return people.ErrUnauthenticated
	}
	id, gen, err := h.tokens.Verify(raw)
	if err != nil {
		return err
	}
	check := func(ctx context.Context) (people.User, error) {
		u, err := h.svc.ActiveUser(ctx, id)
		if err == nil && u.TokenGen != gen {
			err = errSignInEnded
		}
		return u, err
	}
	u, err := check(c.UserContext())
	if err != nil {
		return err
	}
	c.Locals(actorKey{}, u.Actor())
	c.Locals(signedInKey{}, func(ctx context.Context) error { _, err := check(ctx); return err })
	return c.Next()
}

// StillSignedIn returns a check that the caller's sign-in still holds (the
// user is active and the token not retired), for responses that outlive
// the request, such as the live stream. The check does not use c.
func StillSignedIn(c *fiber.Ctx) func(context.Context) error {
	check, ok := c.Locals(signedInKey{}).(func(context.Context) error)
	if !ok {
		panic("handlers.StillSignedIn on an unauthenticated route")
	}
	return check
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
