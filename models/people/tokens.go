package people

import (
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"houqin/models/store"
)

// Tokens issues and verifies access tokens: short-lived HS256 JWTs whose
// subject is the user id. Everything else about the user is looked up (and
// cached) per request, so a role change or deactivation applies at once.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
	// verified remembers tokens whose signature and claims already checked
	// out: parsing a JWT is most of an authenticated request's CPU cost.
	verified *expirable.LRU[string, verifiedToken]
}

type verifiedToken struct {
	userID  int64
	expires time.Time
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
		verified: expirable.NewLRU[string, verifiedToken](10000, nil, time.Minute),
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
	if v, ok := t.verified.Get(token); ok && t.now().Before(v.expires) {
		return v.userID, nil
	}
	var claims jwt.RegisteredClaims
	_, err := t.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil {
		return 0, ErrUnauthenticated
	}
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, ErrUnauthenticated
	}
	t.verified.Add(strings.Clone(token), verifiedToken{userID: id, expires: claims.ExpiresAt.Add(30 * time.Second)})
	return id, nil
}

// ErrUnauthenticated answers a missing, forged or expired access token.
var ErrUnauthenticated = &store.Error{Code: store.CodeUnauthorized, Message: "a valid access token is required"}
