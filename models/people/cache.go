package people

import (
	"sync"
	"time"
)

// userCache keeps the few fields every authenticated request needs, so that
// checking "is this user still active" is not a query per request. Changes
// made through this store invalidate it at once; other replicas see them
// within userCacheTTL.
type userCache struct {
	mu sync.RWMutex
	m  map[int64]cachedUser
}

type cachedUser struct {
	user User
	at   time.Time
}

const userCacheTTL = 2 * time.Second

func (c *userCache) get(id int64, now time.Time) (User, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[id]
	if !ok || now.Sub(e.at) > userCacheTTL {
		return User{}, false
	}
	return e.user, true
}

func (c *userCache) put(id int64, u User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]cachedUser{}
	}
	c.m[id] = cachedUser{user: u, at: now}
}

func (c *userCache) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}
