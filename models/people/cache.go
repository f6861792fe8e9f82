package people

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// userCache keeps, per user, what every authenticated request needs (the
// User: is this user still active) or a hot read shows (their work
// accounts on /me), so that neither is a query per request. Changes made
// through this store invalidate it at once; other replicas hear of them
// through Changed (broadcast where replicas share Redis), or, alone, see
// them within userCacheTTL. It holds at most userCacheSize users, so memory
// stays bounded however many accounts sign in.
type userCache[V any] struct {
	lru *expirable.LRU[int64, V]
	// dropped counts drops, so that a read that began before one is not
	// cached after it; mu orders puts and drops.
	dropped atomic.Uint64
	mu      sync.Mutex
}

const (
	userCacheTTL  = 2 * time.Second
	userCacheSize = 10_000
)

func newUserCache[V any]() *userCache[V] {
	return &userCache[V]{lru: expirable.NewLRU[int64, V](userCacheSize, nil, userCacheTTL)}
}

func (c *userCache[V]) get(id int64) (V, bool) { return c.lru.Get(id) }

// version is what put needs to know that nothing was dropped meanwhile.
func (c *userCache[V]) version() uint64 { return c.dropped.Load() }

// put keeps u, read since version, unless a drop came in between.
func (c *userCache[V]) put(id int64, u V, version uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropped.Load() == version {
		c.lru.Add(id, u)
	}
}

func (c *userCache[V]) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropped.Add(1)
	c.lru.Remove(id)
}

func (c *userCache[V]) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropped.Add(1)
	c.lru.Purge()
}
