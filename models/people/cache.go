package people

import (
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// userCache keeps the few fields every authenticated request needs, so that
// checking "is this user still active" is not a query per request. Changes
// made through this store invalidate it at once; other replicas see them
// within userCacheTTL. It holds at most userCacheSize users, so memory stays
// bounded however many accounts sign in.
type userCache struct {
	lru *expirable.LRU[int64, User]
}

const (
	userCacheTTL  = 2 * time.Second
	userCacheSize = 10_000
)

func newUserCache() *userCache {
	return &userCache{lru: expirable.NewLRU[int64, User](userCacheSize, nil, userCacheTTL)}
}

func (c *userCache) get(id int64) (User, bool) { return c.lru.Get(id) }

func (c *userCache) put(id int64, u User) { c.lru.Add(id, u) }

func (c *userCache) forget(id int64) { c.lru.Remove(id) }
