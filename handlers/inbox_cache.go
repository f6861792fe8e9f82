package handlers

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"houqin/models/notify"
	"houqin/models/store"
)

// inboxCache keeps each user's first inbox pages for a moment: a phone
// reads its inbox and badge on every open and pull to refresh, and a page
// costs two queries and the rows' decoding.
//
// Correctness: within this process a new entry for the user and every
// read mark of theirs (notify.Inboxed, notify.Read) empty that user's
// pages at once; a page filled from a read that began before the change
// carries the old generation and is never kept. A change made on another
// replica shows here within inboxCacheTTL. Later pages (a cursor) are
// never cached.
type inboxCache struct {
	svc    *notify.Service
	encode func(any) ([]byte, error)
	next   atomic.Uint64 // generations: each one used once, ever

	mu    sync.Mutex
	users map[int64]*userInbox
}

// userInbox is one user's cached pages under the generation of their
// inbox's last change seen here.
type userInbox struct {
	gen   uint64
	pages map[inboxKey]*inboxEntry
}

// inboxKey names one first page: its filter and length.
type inboxKey struct {
	filter notify.InboxFilter
	limit  int
}

type inboxEntry struct {
	// wall and clock are when its read began, by the machine's clock and
	// by the service's (the same in production; tests move the latter).
	wall, clock time.Time
	encodedBody
}

// inboxCacheTTL bounds how old a served page can be: how late a change
// made on another replica shows.
const inboxCacheTTL = time.Second

// inboxCacheUsers bounds the users whose pages are kept; past it the cache
// starts over. A page outlives its second until then, so the bound is what
// the cache holds at most: some 6 MB of pages (about 5 KB each, with their
// compressed forms) in the busiest minute, not a page per staff member.
const inboxCacheUsers = 1_000

func newInboxCache(svc *notify.Service) *inboxCache {
	ic := &inboxCache{svc: svc, encode: JSONEncoder(svc.Location), users: map[int64]*userInbox{}}
	store.On(svc.Store, func(e notify.Inboxed) { ic.forget(e.UserID) })
	store.On(svc.Store, func(e notify.Read) { ic.forget(e.UserID) })
	return ic
}

// forget drops the user's pages and makes reads under way not keep theirs.
func (ic *inboxCache) forget(user int64) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	if u := ic.users[user]; u != nil {
		u.gen, u.pages = ic.next.Add(1), nil
	}
}

// lookup returns the user's fresh page k, or nil and the generation a read
// starting now fills under.
func (ic *inboxCache) lookup(user int64, k inboxKey) (*inboxEntry, uint64) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	u := ic.users[user]
	if u == nil {
		if len(ic.users) >= inboxCacheUsers {
			clear(ic.users)
		}
		u = &userInbox{gen: ic.next.Add(1)}
		ic.users[user] = u
	}
	if e := u.pages[k]; e != nil && time.Since(e.wall) < inboxCacheTTL && ic.svc.Now().Sub(e.clock) < inboxCacheTTL {
		return e, 0
	}
	return nil, u.gen
}

// keep stores page k made by a read that began under gen, unless the
// user's inbox changed meanwhile.
func (ic *inboxCache) keep(user int64, k inboxKey, gen uint64, e *inboxEntry) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	u := ic.users[user]
	if u == nil || u.gen != gen {
		return
	}
	if u.pages == nil {
		u.pages = map[inboxKey]*inboxEntry{}
	}
	u.pages[k] = e
}

// firstPage returns the user's first page for k, read by read when the
// cached one is missing, from before a change or too old. Errors are not
// kept.
func (ic *inboxCache) firstPage(ctx context.Context, user int64, k inboxKey, read func(context.Context) (any, error)) (*inboxEntry, error) {
	e, gen := ic.lookup(user, k)
	if e != nil {
		return e, nil
	}
	wall, clock := time.Now(), ic.svc.Now()
	v, err := read(ctx)
	if err != nil {
		return nil, err
	}
	body, err := ic.encode(v)
	if err != nil {
		return nil, err
	}
	e = &inboxEntry{wall: wall, clock: clock, encodedBody: encodedBody{body: body}}
	ic.keep(user, k, gen, e)
	return e, nil
}
