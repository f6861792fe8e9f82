package handlers

import (
	"context"
	"time"

	"houqin/models/shuttle"
	"houqin/models/store"
)

// shuttleCache keeps rendered shuttle reads for a moment: the day's trips
// and a route's timetable. They are the same for every reader (a route's
// for every non-admin), most staff open them around the buses' departures,
// and building the trips takes a dozen queries and the estimates.
//
// Correctness: within this process every committed shuttle change (a
// timetable or calendar edit, a reassignment, a driver's status or
// position report) empties the cache at once; an entry filled from a read
// that began before the change carries the old generation and is never
// served. Replicas that share Redis broadcast their timetable edits and trip
// status changes (ForgetShuttle); a driver's position report made on
// another replica, any change while Redis is away, and the estimates' drift
// with the clock show here within shuttleCacheTTL.
type shuttleCache struct {
	svc    *shuttle.Service
	encode func(any) ([]byte, error)
	views  *views[shuttleKey, shuttleEntry]
}

// shuttleCacheTTL bounds how old a served read can be.
const shuttleCacheTTL = time.Second

// shuttleCacheMax bounds the cached reads (views × dates × routes).
const shuttleCacheMax = 1024

// shuttleKey names one read: the trips of a date (of one route, or all:
// route 0), or a route's timetable on a date as an admin or anyone else
// sees it.
type shuttleKey struct {
	timetable bool
	date      store.Date
	route     int64
	admin     bool
}

type shuttleEntry struct {
	// wall and clock are when it was filled, by the machine's clock and by
	// the service's (the same in production; tests move the latter).
	wall, clock time.Time
	encodedBody
}

func newShuttleCache(svc *shuttle.Service) *shuttleCache {
	tc := &shuttleCache{svc: svc, encode: JSONEncoder(svc.Location), views: newViews[shuttleKey, shuttleEntry](shuttleCacheMax)}
	store.On(svc.Store, func(shuttle.Changed) { tc.invalidate() })
	store.On(svc.Store, func(shuttle.TripStatusEvent) { tc.invalidate() })
	store.On(svc.Store, func(shuttle.TripPositionEvent) { tc.invalidate() })
	return tc
}

// invalidate forgets every cached read.
func (tc *shuttleCache) invalidate() { tc.views.forget() }

// get returns the read k, made by read when the cached one is missing, from
// before a change or too old. Errors are not kept.
func (tc *shuttleCache) get(ctx context.Context, k shuttleKey, read func(context.Context) (any, error)) (*shuttleEntry, error) {
	gen := tc.views.current()
	if e := tc.views.get(k); e != nil && time.Since(e.wall) < shuttleCacheTTL && tc.svc.Now().Sub(e.clock) < shuttleCacheTTL {
		return e, nil
	}
	now := tc.svc.Now()
	v, err := read(ctx)
	if err != nil {
		return nil, err
	}
	body, err := tc.encode(v)
	if err != nil {
		return nil, err
	}
	e := &shuttleEntry{wall: time.Now(), clock: now, encodedBody: encodedBody{body: body}}
	tc.views.put(k, gen, e)
	return e, nil
}
