package handlers

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/store"
)

// signedInKey holds the request's *signIn.
type signedInKey struct{}

// signIn is the caller of an authenticated request: one value per request,
// made once by Authenticate.
type signIn struct {
	actor   store.Actor
	h       *People
	id, gen int64 // the token's user and token generation
}

// check tells whether the sign-in still holds: the user is active and the
// token not retired.
func (s *signIn) check(ctx context.Context) (people.User, error) {
	u, err := s.h.svc.ActiveUser(ctx, s.id)
	if err == nil && u.TokenGen != s.gen {
		err = errSignInEnded
	}
	return u, err
}

func (s *signIn) stillValid(ctx context.Context) error { _, err := s.check(ctx); return err }

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
	in := &signIn{h: h, id: id, gen: gen}
	u, err := in.check(c.UserContext())
	if err != nil {
		return err
	}
	in.actor = u.Actor()
	c.Locals(signedInKey{}, in)
	return c.Next()
}

// StillSignedIn returns a check that the caller's sign-in still holds (the
// user is active and the token not retired), for responses that outlive
// the request, such as the live stream. The check does not use c.
func StillSignedIn(c *fiber.Ctx) func(context.Context) error {
	return signedIn(c, "handlers.StillSignedIn").stillValid
}

// UserFrom returns the authenticated caller. It panics when used on a route
// without Authenticate: that is a wiring bug, not a client error.
func UserFrom(c *fiber.Ctx) store.Actor {
	return signedIn(c, "handlers.UserFrom").actor
}

func signedIn(c *fiber.Ctx, caller string) *signIn {
	in, ok := c.Locals(signedInKey{}).(*signIn)
	if !ok {
		panic(caller + " on an unauthenticated route")
	}
	return in
}

// UserID returns the caller's id, or 0 on unauthenticated routes (for logs).
func UserID(c *fiber.Ctx) int64 {
	if in, ok := c.Locals(signedInKey{}).(*signIn); ok {
		return in.actor.ID
	}
	return 0
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
