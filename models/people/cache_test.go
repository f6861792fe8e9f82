package people

import "testing"

func TestUserCacheIsBounded(t *testing.T) {
	c := newUserCache()
	for id := int64(1); id <= 2*userCacheSize; id++ {
		c.put(id, User{ID: id})
	}
	if n := c.lru.Len(); n != userCacheSize {
		t.Fatalf("cache holds %d users, want its bound %d", n, userCacheSize)
	}
}
