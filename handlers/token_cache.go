package handlers

import (
	"strings"
	"sync"
	"time"
)

// tokenCache remembers access tokens whose signature and claims were
// verified, until they expire. Parsing and MACing the same JWT on every
// request was most of the server-side cost of the hottest reads (GET of
// today's menu); a hit needs the identical signed string, so it proves no
// less than a fresh verification. Whether the user is still active is
// checked per request regardless (Store.ActiveActor).
type tokenCache struct {
	mu sync.RWMutex
	m  map[string]cachedToken
}

type cachedToken struct {
	userID  int64
	expires time.Time
}

// tokenCacheMax bounds memory: ~3,800 staff hold a token or two each.
const tokenCacheMax = 20000

func (c *tokenCache) get(token string, now time.Time) (int64, bool) {
	c.mu.RLock()
	e, ok := c.m[token]
	c.mu.RUnlock()
	if !ok || !now.Before(e.expires) {
		return 0, false
	}
	return e.userID, true
}

func (c *tokenCache) put(token string, userID int64, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= tokenCacheMax {
		c.m = make(map[string]cachedToken)
	}
	// Clone: the token may point into a request buffer Fiber reuses.
	c.m[strings.Clone(token)] = cachedToken{userID: userID, expires: expires}
}
