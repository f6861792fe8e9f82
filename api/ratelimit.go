package api

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"houqin/models/store"
)

// Login limits. Only failures count, so a building behind one NAT address
// can sign in all morning. Guessing one account's password is bounded per
// username and address; the per-username bound over all addresses is far
// higher, so that wrong passwords from anywhere are not a button that
// locks the real user out, yet a guessing run spread over many addresses
// still stops.
const (
	loginFailuresPerAddress = 60
	loginFailuresPerPair    = 10
	loginFailuresPerUser    = 300
	loginAddressWindow      = time.Minute
	loginUserWindow         = 15 * time.Minute
	// limiterKeys bounds each limiter's memory; beyond it the least
	// recently used counters are forgotten.
	limiterKeys = 50_000
	// maxLoginUsername is the longest username a limiter keys on, the
	// same bound the login request's validation applies.
	maxLoginUsername = 64
)

func rateLimited(c *fiber.Ctx) error {
	return &store.Error{Code: store.CodeRateLimited, Message: "too many failed logins; wait and try again (see Retry-After)"}
}

type loginNameKey struct{}

// loginUsername keeps the normalised username of a login request for the
// limiters, or nothing when the request will be refused as invalid: input
// that fails validation never becomes a limiter key.
func loginUsername(c *fiber.Ctx) error {
	var body struct {
		Username string `json:"username"`
	}
	_ = json.Unmarshal(c.Body(), &body)
	name := strings.ToLower(strings.TrimSpace(body.Username))
	if name != "" && utf8.ValidString(name) && utf8.RuneCountInString(name) <= maxLoginUsername {
		c.Locals(loginNameKey{}, name)
	}
	return c.Next()
}

func loginName(c *fiber.Ctx) string {
	name, _ := c.Locals(loginNameKey{}).(string)
	return name
}

// failureLimiter counts failed requests (status 400 and up) by key in st
// and answers 429 once max is passed within window. A request whose key is
// empty is not counted.
func failureLimiter(st *boundedStorage, max int, window time.Duration, key func(*fiber.Ctx) string) fiber.Handler {
	return limiter.New(limiter.Config{
		Max: max, Expiration: window, SkipSuccessfulRequests: true,
		Next:         func(c *fiber.Ctx) bool { return key(c) == "" },
		KeyGenerator: key,
		Storage:      st,
		LimitReached: rateLimited,
	})
}

// loginCounters hold the login limiters' failure counts.
type loginCounters struct {
	address, pair, user *boundedStorage
}

func newLoginCounters() loginCounters {
	return loginCounters{address: newBoundedStorage(limiterKeys, loginAddressWindow),
		pair: newBoundedStorage(limiterKeys, loginUserWindow), user: newBoundedStorage(limiterKeys, loginUserWindow)}
}

// keys is the number of counters held.
func (lc loginCounters) keys() int { return lc.address.Len() + lc.pair.Len() + lc.user.Len() }

// limiters guard POST /auth/login: per address, then per username and
// address, then per username. A request refused by one is not counted by
// the ones after it.
func (lc loginCounters) limiters() []fiber.Handler {
	return []fiber.Handler{
		failureLimiter(lc.address, loginFailuresPerAddress, loginAddressWindow, func(c *fiber.Ctx) string { return c.IP() }),
		loginUsername,
		failureLimiter(lc.pair, loginFailuresPerPair, loginUserWindow, func(c *fiber.Ctx) string {
			if name := loginName(c); name != "" {
				return name + "\x00" + c.IP()
			}
			return ""
		}),
		failureLimiter(lc.user, loginFailuresPerUser, loginUserWindow, loginName),
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

// boundedStorage is a limiter's fiber.Storage in memory with at most size
// keys, each kept for ttl after its last change.
type boundedStorage struct {
	lru *expirable.LRU[string, []byte]
}

func newBoundedStorage(size int, ttl time.Duration) *boundedStorage {
	return &boundedStorage{lru: expirable.NewLRU[string, []byte](size, nil, ttl)}
}

func (s *boundedStorage) Get(key string) ([]byte, error) {
	v, _ := s.lru.Get(key)
	return v, nil
}

func (s *boundedStorage) Set(key string, val []byte, _ time.Duration) error {
	if key != "" && len(val) > 0 {
		s.lru.Add(key, val)
	}
	return nil
}

func (s *boundedStorage) Delete(key string) error { s.lru.Remove(key); return nil }
func (s *boundedStorage) Reset() error            { s.lru.Purge(); return nil }
func (s *boundedStorage) Close() error            { return nil }

// Len is the number of keys held.
func (s *boundedStorage) Len() int { return s.lru.Len() }
