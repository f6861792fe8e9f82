package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"

	"houqin/models"
)

// Tokens issues and verifies access tokens: short-lived HS256 JWTs whose
// subject is the user id. Everything else about the user is looked up (and
// cached) per request, so a role change or deactivation applies at once.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
	cache  tokenCache
}

const (
	tokenIssuer   = "houqin"
	tokenAudience = "houqin-app"
)

// NewTokens returns a token issuer; now is the clock (injected in tests).
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) *Tokens {
	return &Tokens{
		secret: secret, ttl: ttl, now: now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithIssuer(tokenIssuer), jwt.WithAudience(tokenAudience),
			jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
			jwt.WithTimeFunc(now), jwt.WithLeeway(30*time.Second),
		),
	}
}

// TTL is the lifetime of an access token.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue signs an access token for user id.
func (t *Tokens) Issue(userID int64) (string, error) {
	now := t.now()
	claims := jwt.RegisteredClaims{
		Issuer: tokenIssuer, Audience: jwt.ClaimStrings{tokenAudience},
		Subject:  strconv.FormatInt(userID, 10),
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
}

// Verify checks an access token and returns its user id.
func (t *Tokens) Verify(token string) (int64, error) {
	if id, ok := t.cache.get(token, t.now()); ok {
		return id, nil
	}
	var claims jwt.RegisteredClaims
	_, err := t.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil {
		return 0, errUnauthenticated
	}
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, errUnauthenticated
	}
	t.cache.put(token, id, claims.ExpiresAt.Time)
	return id, nil
}

var errUnauthenticated = &models.Error{Code: models.CodeUnauthorized, Message: "a valid access token is required"}

type actorKey struct{}

// Authenticate requires a valid bearer token from an active user and makes
// the caller available to handlers through UserFrom.
func (a *API) Authenticate(c *fiber.Ctx) error {
	raw, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || raw == "" {
		return errUnauthenticated
	}
	id, err := a.Tokens.Verify(raw)
	if err != nil {
		return err
	}
	actor, err := a.Store.ActiveActor(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Locals(actorKey{}, actor)
	return c.Next()
}

// UserFrom returns the authenticated caller. It panics when used on a route
// without Authenticate: that is a wiring bug, not a client error.
func UserFrom(c *fiber.Ctx) models.Actor {
	a, ok := c.Locals(actorKey{}).(models.Actor)
	if !ok {
		panic("handlers.UserFrom on an unauthenticated route")
	}
	return a
}

// UserID returns the caller's id, or 0 on unauthenticated routes (for logs).
func UserID(c *fiber.Ctx) int64 {
	a, _ := c.Locals(actorKey{}).(models.Actor)
	return a.ID
}

// Require lets through callers holding any of roles (admins hold all). It
// is the one place role checks happen; object-level checks live in models.
func Require(roles ...models.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !UserFrom(c).Can(roles...) {
			return models.ErrForbidden
		}
		return c.Next()
	}
}
