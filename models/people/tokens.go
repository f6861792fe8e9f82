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
	userID, gen int64
	expires     time.Time
}

// accessClaims are an access token's claims: the registered ones and the
// user's token generation at issue (see User.TokenGen).
type accessClaims struct {
	jwt.RegisteredClaims
	Gen int64 `json:"gen,omitempty"`
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

// Issue signs an access token for user id at token generation 0: a user
// whose password was never reset (tests and tools). Sign-ins use IssueFor.
func (t *Tokens) Issue(userID int64) (string, error) {
	return t.IssueFor(&User{ID: userID})
}

// IssueFor signs an access token for u at u's current token generation.
func (t *Tokens) IssueFor(u *User) (string, error) {
	now := t.now()
	claims := accessClaims{RegisteredClaims: jwt.RegisteredClaims{
		Issuer: tokenIssuer, Audience: jwt.ClaimStrings{tokenAudience},
		Subject:  strconv.FormatInt(u.ID, 10),
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
	}, Gen: u.TokenGen}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
}

// Verify checks an access token and returns its user id and the token
// generation it was issued at.
func (t *Tokens) Verify(token string) (userID, gen int64, err error) {
	if v, ok := t.verified.Get(token); ok && t.now().Before(v.expires) {
		return v.userID, v.gen, nil
	}
	var claims accessClaims
	_, err = t.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil {
		return 0, 0, ErrUnauthenticated
	}
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil || id <= 0 || claims.Gen < 0 {
		return 0, 0, ErrUnauthenticated
	}
	t.verified.Add(strings.Clone(token), verifiedToken{userID: id, gen: claims.Gen, expires: claims.ExpiresAt.Add(30 * time.Second)})
	return id, claims.Gen, nil
}

// ErrUnauthenticated answers a missing, forged or expired access token.
var ErrUnauthenticated = &store.Error{Code: store.CodeUnauthorized, Message: "a valid access token is required"}
