package sse

import (
	"strconv"
	"sync"

	"houqin/models/store"
)

// MaxPerOwner bounds the streams one owner holds open on one server: a
// person's phone, tablet and a desk screen or two (API and console streams
// alike), or a lobby screen reconnecting; not a thousand sockets.
const MaxPerOwner = 5

// Owners counts each owner's open streams; an owner without one has no
// entry, so the map never outgrows the streams. The zero value is ready.
type Owners struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *Owners) acquire(owner string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n[owner] >= MaxPerOwner {
		return store.Errorf(store.CodeRateLimited, "you have %d live streams open, the most one person may; close one first", MaxPerOwner)
	}
	if o.n == nil {
		o.n = map[string]int{}
	}
	o.n[owner]++
	return nil
}

func (o *Owners) release(owner string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n[owner]--; o.n[owner] <= 0 {
		delete(o.n, owner)
	}
}

// UserOwner names a person as the owner of their streams.
func UserOwner(id int64) string { return "user:" + strconv.FormatInt(id, 10) }
