package shuttle_test

import (
	"testing"
	"time"

	"houqin/models/shuttle"
	"houqin/models/store"
)

func TestEstimateTrip(t *testing.T) {
	dep := time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC)
	stops := []shuttle.ShuttleStop{{ID: 1, Lat: 31.70, Lng: 119.95}, {ID: 2, Lat: 31.72, Lng: 119.95}, {ID: 3, Lat: 31.74, Lng: 119.95}}
	minute := func(n int) time.Time { return dep.Add(time.Duration(n) * time.Minute) }
	ptr := func(v time.Time) *time.Time { return &v }
	lat := 31.73
	cases := []struct {
		name string
		trip shuttle.ShuttleTrip
		now  time.Time
		want []*time.Time // per stop; nil = no estimate
	}{
		{"before departure: timetable plus delay",
			shuttle.ShuttleTrip{Status: shuttle.TripScheduled, DelayMinutes: 5}, minute(-10),
			[]*time.Time{ptr(minute(5)), ptr(minute(15)), ptr(minute(25))}},
		{"late and not yet gone: it cannot leave before now",
			shuttle.ShuttleTrip{Status: shuttle.TripBoarding}, minute(3),
			[]*time.Time{ptr(minute(3)), ptr(minute(13)), ptr(minute(23))}},
		{"departed without a fix: actual departure plus offsets",
			shuttle.ShuttleTrip{Status: shuttle.TripDeparted, DepartedAt: ptr(minute(4))}, minute(6),
			[]*time.Time{nil, ptr(minute(14)), ptr(minute(24))}},
		{"departed with a fresh fix half way along the second segment",
			shuttle.ShuttleTrip{Status: shuttle.TripDeparted, DepartedAt: ptr(minute(0)), LastLat: &lat, LastLng: &stops[0].Lng, LastPositionAt: ptr(minute(18))}, minute(19),
			[]*time.Time{nil, nil, ptr(minute(23))}},
		{"a stale fix is ignored",
			shuttle.ShuttleTrip{Status: shuttle.TripDeparted, DepartedAt: ptr(minute(0)), LastLat: &lat, LastLng: &stops[0].Lng, LastPositionAt: ptr(minute(2))}, minute(12),
			[]*time.Time{nil, ptr(minute(12)), ptr(minute(20))}},
		{"past departure and grace with no report: no estimates",
			shuttle.ShuttleTrip{Status: shuttle.TripScheduled, DelayMinutes: 5}, minute(8),
			[]*time.Time{nil, nil, nil}},
		{"cancelled: no estimates",
			shuttle.ShuttleTrip{Status: shuttle.TripCancelled}, minute(0), []*time.Time{nil, nil, nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.trip.DepartureAt, c.trip.StopMinutes = dep, store.Ints{0, 10, 20}
			got := shuttle.EstimateTrip(&c.trip, stops, c.now)
			for i, w := range c.want {
				g := got[i].ETA
				if (g == nil) != (w == nil) || (g != nil && !g.Equal(*w)) {
					t.Fatalf("stop %d: eta %v, want %v", i, g, w)
				}
			}
		})
	}
}
