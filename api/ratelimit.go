package api

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"houqin/models/store"
	"houqin/push"
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

// loginUsername keeps the normalised username of a login request (the
// API's JSON or the console's form) for the limiters, or nothing when the
// request will be refused as invalid: input that fails validation never
// becomes a limiter key.
func loginUsername(c *fiber.Ctx) error {
	var body struct {
		Username string `json:"username"`
	}
	if c.Is("json") {
		_ = json.Unmarshal(c.Body(), &body)
	} else {
		body.Username = c.FormValue("username")
	}
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

// failureLimiter counts failed requests (status 400 and up) by key and
// answers 429 once limit is passed within the counter's window. Each request
// is counted before it runs and taken back when it succeeds, so that
// concurrent guesses cannot slip past the bound. A request whose key is
// empty is not counted.
func failureLimiter(ctr counter, limit int64, key func(*fiber.Ctx) string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		k := key(c)
		if k == "" {
			return c.Next()
		}
		n, reset := ctr.add(k, 1)
		if n > limit {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(math.Ceil(reset.Seconds())))))
			return rateLimited(c)
		}
		err := c.Next()
		if err == nil && c.Response().StatusCode() < fiber.StatusBadRequest {
			ctr.add(k, -1)
		}
		return err
	}
}

// loginCounters hold the login limiters' failure counts.
type loginCounters struct {
	address, pair, user counter
	local               []*localCounter
}

// newLoginCounters keeps the counts in this process, or in Redis when cl
// is set (with this process's counts while Redis is away).
func newLoginCounters(cl *push.Cluster) loginCounters {
	var lc loginCounters
	counterOf := func(name string, window time.Duration) counter {
		local := newLocalCounter(limiterKeys, window)
		lc.local = append(lc.local, local)
		if cl == nil {
			return local
		}
		return &redisCounter{cluster: cl, prefix: cl.Key("limit:" + name + ":"), window: window, fallback: local}
	}
	lc.address = counterOf("login-address", loginAddressWindow)
	lc.pair = counterOf("login-pair", loginUserWindow)
	lc.user = counterOf("login-user", loginUserWindow)
	return lc
}

// keys is the number of counters held in this process.
func (lc loginCounters) keys() int {
	n := 0
	for _, l := range lc.local {
		n += l.len()
	}
	return n
}

// limiters guard POST /auth/login: per address, then per username and
// address, then per username. A request refused by one is not counted by
// the ones after it.
func (lc loginCounters) limiters() []fiber.Handler {
	return []fiber.Handler{
		failureLimiter(lc.address, loginFailuresPerAddress, func(c *fiber.Ctx) string { return c.IP() }),
		loginUsername,
		failureLimiter(lc.pair, loginFailuresPerPair, func(c *fiber.Ctx) string {
			if name := loginName(c); name != "" {
				return name + "\x00" + c.IP()
			}
			return ""
		}),
		failureLimiter(lc.user, loginFailuresPerUser, loginName),
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
