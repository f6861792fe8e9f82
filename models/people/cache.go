package people

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// userCache keeps the few fields every authenticated request needs, so that
// checking "is this user still active" is not a query per request. Changes
// made through this store invalidate it at once; other replicas hear of them
// through Changed (broadcast where replicas share Redis), or, alone, see
// them within userCacheTTL. It holds at most userCacheSize users, so memory stays
// bounded however many accounts sign in.
type userCache struct {
	lru *expirable.LRU[int64, User]
	// dropped counts drops, so that a read that began before one is not
	// cached after it; mu orders puts and drops.
	dropped atomic.Uint64
	mu      sync.Mutex
}

const (
	userCacheTTL  = 2 * time.Second
	userCacheSize = 10_000
)

func newUserCache() *userCache {
	return &userCache{lru: expirable.NewLRU[int64, User](userCacheSize, nil, userCacheTTL)}
}

func (c *userCache) get(id int64) (User, bool) { return c.lru.Get(id) }

// version is what put needs to know that nothing was dropped meanwhile.
func (c *userCache) version() uint64 { return c.dropped.Load() }

// put keeps u, read since version, unless a drop came in between.
func (c *userCache) put(id int64, u User, version uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropped.Load() == version {
		c.lru.Add(id, u)
	}
}

func (c *userCache) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropped.Add(1)
	c.lru.Remove(id)
}

func (c *userCache) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropped.Add(1)
	c.lru.Purge()
}
