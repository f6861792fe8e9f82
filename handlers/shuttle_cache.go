package handlers

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"houqin/models/shuttle"
	"houqin/models/store"
)

// tripsCache keeps rendered lists of a day's trips for a moment, because
// the list is the same for every reader, most staff open it around the
// buses' departures, and building it takes a dozen queries and the
// estimates.
//
// Correctness: within this process every committed shuttle change (a
// timetable or calendar edit, a reassignment, a driver's status or
// position report) empties the cache at once; an entry filled from a read
// that began before the change carries the old generation and is never
// served. A change made on another replica, and the estimates' drift with
// the clock, show here within tripsCacheTTL.
type tripsCache struct {
	svc    *shuttle.Service
	encode func(any) ([]byte, error)
	gen    atomic.Uint64

	mu      sync.RWMutex
	entries map[tripsKey]*tripsEntry
}

// tripsCacheTTL bounds how old a served list can be.
const tripsCacheTTL = time.Second

// tripsCacheMax bounds the cached lists (dates × routes).
const tripsCacheMax = 1024

type tripsKey struct {
	date  store.Date
	route int64
}

type tripsEntry struct {
	gen uint64
	// wall and clock are when it was filled, by the machine's clock and by
	// the service's (the same in production; tests move the latter).
	wall, clock time.Time
	encodedBody
}

func newTripsCache(svc *shuttle.Service) *tripsCache {
	tc := &tripsCache{svc: svc, encode: JSONEncoder(svc.Location), entries: map[tripsKey]*tripsEntry{}}
	invalidate := func() {
		tc.gen.Add(1)
		tc.mu.Lock()
		clear(tc.entries)
		tc.mu.Unlock()
	}
	store.On(svc.Store, func(shuttle.Changed) { invalidate() })
	store.On(svc.Store, func(shuttle.TripStatusEvent) { invalidate() })
	store.On(svc.Store, func(shuttle.TripPositionEvent) { invalidate() })
	return tc
}

// get returns the list for k, built with render from the service's trips
// when the cached one is missing, from before a change or too old.
func (tc *tripsCache) get(ctx context.Context, k tripsKey, render func([]shuttle.TripView) any) (*tripsEntry, error) {
	gen := tc.gen.Load()
	tc.mu.RLock()
	e := tc.entries[k]
	tc.mu.RUnlock()
	if e != nil && e.gen == gen && time.Since(e.wall) < tripsCacheTTL && tc.svc.Now().Sub(e.clock) < tripsCacheTTL {
		return e, nil
	}
	now := tc.svc.Now()
	rows, err := tc.svc.ListTrips(ctx, k.date, k.route)
	if err != nil {
		return nil, err
	}
	body, err := tc.encode(render(rows))
	if err != nil {
		return nil, err
	}
	e = &tripsEntry{gen: gen, wall: time.Now(), clock: now, encodedBody: encodedBody{body: body}}
	tc.mu.Lock()
	if len(tc.entries) >= tripsCacheMax {
		clear(tc.entries)
	}
	tc.entries[k] = e
	tc.mu.Unlock()
	return e, nil
}
