package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/store"
)

const (
	// sessionCookie holds the sign-in: a refresh token of people's session
	// machinery, never shown to scripts.
	sessionCookie = "houqin_console"
	// preCookie keys the sign-in form's CSRF token before there is a session.
	preCookie = "houqin_console_pre"
	csrfField = "_csrf"
)

// DeskRoles may enter the console (admins hold every role).
var DeskRoles = []store.Role{store.RoleDispatcher, store.RoleCanteenAdmin, store.RoleMeetingAdmin}

var (
	errNotDesk    = store.Errorf(store.CodeForbidden, "the console is for the service desks only")
	errBadCSRF    = store.Errorf(store.CodeForbidden, "this form has expired; reload the page and try again")
	errBadOrigin  = store.Errorf(store.CodeForbidden, "this form was not sent from the console")
	errSignedOut  = store.Errorf(store.CodeUnauthorized, "a valid access token is required")
	errBadSession = store.Errorf(store.CodeUnauthorized, "this sign-in has ended; sign in again")
)

type userKey struct{}

func signedIn(ctx *fiber.Ctx) *people.User {
	u, _ := ctx.Locals(userKey{}).(*people.User)
	return u
}

// actor is the signed-in desk user as a caller of the models.
func actor(ctx *fiber.Ctx) store.Actor { return signedIn(ctx).Actor() }

// authenticate admits a live session of an active desk user; a staff
// account gets 403 on every page.
func (c *Console) authenticate(ctx *fiber.Ctx) error {
	token := ctx.Cookies(sessionCookie)
	if token == "" {
		return errSignedOut
	}
	u, err := c.People.SessionUser(ctx.UserContext(), token, c.SessionTTL)
	if store.ErrorCode(err) == store.CodeUnauthorized {
		return errBadSession
	}
	if err != nil {
		return err
	}
	if !u.Actor().Can(DeskRoles...) {
		return errNotDesk
	}
	ctx.Locals(userKey{}, &u)
	return ctx.Next()
}

// require lets through desk users holding any of roles.
func require(roles ...store.Role) fiber.Handler {
	return func(ctx *fiber.Ctx) error {
		if !actor(ctx).Can(roles...) {
			return store.ErrForbidden
		}
		return ctx.Next()
	}
}

func (c *Console) secure(ctx *fiber.Ctx) bool {
	return ctx.Protocol() == "https" || strings.HasPrefix(c.PublicURL, "https://")
}

func (c *Console) setCookie(ctx *fiber.Ctx, name, value string, maxAge int) {
	ctx.Cookie(&fiber.Cookie{Name: name, Value: value, Path: Prefix, MaxAge: maxAge,
		HTTPOnly: true, Secure: c.secure(ctx), SameSite: fiber.CookieSameSiteLaxMode})
}

func (c *Console) clearSession(ctx *fiber.Ctx) { c.setCookie(ctx, sessionCookie, "", -1) }

// csrfToken is the form token of the request's session (or, before sign-in,
// of its pre-session cookie): a keyed hash no other site can compute.
func (c *Console) csrfToken(ctx *fiber.Ctx) string {
	key := ctx.Cookies(sessionCookie)
	if signedIn(ctx) == nil {
		key = ctx.Cookies(preCookie)
	}
	if key == "" {
		return ""
	}
	m := hmac.New(sha256.New, c.Secret)
	m.Write([]byte("console-csrf\x00" + key))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrf guards a form post: signed in, with the session's token; before
// sign-in, with the pre-session cookie's.
func (c *Console) csrf(ctx *fiber.Ctx) error {
	want, got := c.csrfToken(ctx), ctx.FormValue(csrfField)
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return errBadCSRF
	}
	return ctx.Next()
}

// sameOrigin refuses a post whose Origin (or, without one, Referer) is not
// the console's own.
func (c *Console) sameOrigin(ctx *fiber.Ctx) error {
	want := c.PublicURL
	if want == "" {
		want = ctx.Protocol() + "://" + string(ctx.Request().Host())
	}
	from := ctx.Get(fiber.HeaderOrigin)
	if from == "" {
		if u, err := url.Parse(ctx.Get(fiber.HeaderReferer)); err == nil && u.Host != "" {
			from = u.Scheme + "://" + u.Host
		}
	}
	if !strings.EqualFold(from, want) {
		return errBadOrigin
	}
	return ctx.Next()
}

func (c *Console) loginPage(ctx *fiber.Ctx) error {
	if ctx.Cookies(preCookie) == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		v := base64.RawURLEncoding.EncodeToString(b)
		c.setCookie(ctx, preCookie, v, 3600)
		ctx.Request().Header.SetCookie(preCookie, v) // so this page's token matches it
	}
	return c.render(ctx, "login.html", view{Title: "登录"})
}

// login checks the account as the API's login does and starts a fresh
// session: a session id the browser held before is ended, never promoted.
// Failures render the form with a 4xx status so the limiters count them.
func (c *Console) login(ctx *fiber.Ctx) error {
	u, err := c.People.Authenticate(ctx.UserContext(), ctx.FormValue("username"), ctx.FormValue("password"))
	if err == nil && !u.Actor().Can(DeskRoles...) {
		err = errNotDesk
	}
	if err != nil {
		e := c.Explain(err)
		return c.render(ctx.Status(e.Status), "login.html", view{Title: "登录", Message: e.Message, Data: ctx.FormValue("username")})
	}
	if old := ctx.Cookies(sessionCookie); old != "" {
		if _, err := c.People.EndSession(ctx.UserContext(), old); err != nil {
			return err
		}
	}
	token, err := c.People.StartSession(ctx.UserContext(), u.ID)
	if err != nil {
		return err
	}
	c.setCookie(ctx, sessionCookie, token, int(c.SessionTTL.Seconds()))
	c.setCookie(ctx, preCookie, "", -1)
	return ctx.Redirect(Prefix+"/", http.StatusSeeOther)
}

func (c *Console) logout(ctx *fiber.Ctx) error {
	if _, err := c.People.EndSession(ctx.UserContext(), ctx.Cookies(sessionCookie)); err != nil {
		return err
	}
	c.clearSession(ctx)
	return ctx.Redirect(Prefix+"/login", http.StatusSeeOther)
}

func (c *Console) home(ctx *fiber.Ctx) error {
	switch a := actor(ctx); {
	case a.Can(store.RoleDispatcher):
		return ctx.Redirect(Prefix+"/repairs", http.StatusSeeOther)
	case a.Can(store.RoleMeetingAdmin):
		return ctx.Redirect(Prefix+"/meetings", http.StatusSeeOther)
	case a.Can(store.RoleCanteenAdmin):
		return ctx.Redirect(Prefix+"/canteen/week", http.StatusSeeOther)
	}
	return c.render(ctx, "home.html", view{Title: "后勤服务台"})
}
