package web

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/store"
	"houqin/push/sse"
)

// LiveSuffix ends the path of every console and lobby-screen stream.
const LiveSuffix = "/live"

// repairLive streams the desk's topic to the queue page, which re-fetches
// its queue on each event (web/assets/live.js). It runs on the API's
// stream machinery and lasts as long as the console sign-in: a sign-out
// here or elsewhere, a deactivation or a lost role ends it by the next
// heartbeat.
func (c *Console) repairLive(ctx *fiber.Ctx) error {
	token, u := strings.Clone(ctx.Cookies(sessionCookie)), signedIn(ctx)
	return sse.Serve(ctx, c.Live, sse.Stream{
		Topics:     map[string]string{repair.TopicDesk: repair.TopicDesk},
		Ends:       []string{people.TopicSignedOut(u.ID)},
		StillValid: c.stillSignedIn(token, store.RoleDispatcher),
		Heartbeat:  c.Heartbeat,
		Owner:      sse.UserOwner(u.ID), Owners: c.Streams,
	})
}

// stillSignedIn checks again, later, that the session of token holds and
// its user still has one of roles.
func (c *Console) stillSignedIn(token string, roles ...store.Role) func(context.Context) error {
	return func(ctx context.Context) error {
		u, err := c.People.SessionUser(ctx, token, c.SessionTTL)
		if err == nil && !u.Actor().Can(roles...) {
			err = store.ErrForbidden
		}
		return err
	}
}
