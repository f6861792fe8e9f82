package people

import "testing"

func TestUserCacheIsBounded(t *testing.T) {
	c := newUserCache[User]()
	for id := int64(1); id <= 2*userCacheSize; id++ {
		c.put(id, User{ID: id}, c.version())
	}
	if n := c.lru.Len(); n != userCacheSize {
		t.Fatalf("cache holds %d users, want its bound %d", n, userCacheSize)
	}
}

// A read that began before a drop (another replica changed the user) is
// not cached after it.
func TestUserCacheKeepsNoReadFromBeforeADrop(t *testing.T) {
	c := newUserCache[User]()
	v := c.version()
	c.forget(7)
	c.put(7, User{ID: 7, Active: true}, v)
	if _, ok := c.get(7); ok {
		t.Fatal("a user read before the drop was cached")
	}
	c.put(7, User{ID: 7}, c.version())
	if _, ok := c.get(7); !ok {
		t.Fatal("a user read after the drop was not cached")
	}
}
