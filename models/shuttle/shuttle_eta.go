package shuttle

import (
	"math"
	"time"
)

// StopETA is one stop of a trip: when the timetable has the bus there, and
// when it is now expected (nil once passed, or for a trip that is over).
type StopETA struct {
	Stop        ShuttleStop
	ScheduledAt time.Time
	ETA         *time.Time
	Passed      bool
}

// FreshFix is how old the latest position may be and still steer the ETA.
const FreshFix = 5 * time.Minute

// UnreportedGrace is how long past its planned departure (timetable plus
// reported delay) a trip may stay without word from its driver before
// riders are told it is unconfirmed.
const UnreportedGrace = 2 * time.Minute

// Unreported reports whether the trip should have left by now but its
// driver has reported nothing since: still scheduled, no position. Nobody
// knows where that bus is, so it gets no estimates.
func (t *ShuttleTrip) Unreported(now time.Time) bool {
	planned := t.DepartureAt.Add(time.Duration(t.DelayMinutes) * time.Minute)
	return t.Status == TripScheduled && t.LastPositionAt == nil && now.Sub(planned) > UnreportedGrace
}

// EstimateTrip estimates the arrival at each remaining stop. The method is
// deliberately simple, and only as good as the timetable's offsets:
//
//   - Before departure the bus leaves at the timetabled time plus the
//     reported delay, but never earlier than now; each stop follows at its
//     timetable offset. A trip Unreported (past that time by more than
//     UnreportedGrace with no word from the driver) gets no estimates:
//     moving "now" forward on every request would pretend to know.
//   - After departure with a fix no older than FreshFix, the fix is projected
//     onto the straight lines between consecutive stops. The nearest segment
//     and the fraction along it give "where the bus is" in timetable minutes
//     (offset of the segment's start stop plus that fraction of the
//     segment's minutes). Each later stop is expected at the fix's time plus
//     the timetable minutes still to go; stops before the segment are passed.
//     This assumes the bus keeps the timetable's pace from here on.
//   - After departure without a fresh fix, the later of actual departure and
//     timetable-plus-delay is used as above; stops whose estimate is more
//     than two minutes gone are taken as passed, the rest are never earlier
//     than now.
func EstimateTrip(t *ShuttleTrip, stops []ShuttleStop, now time.Time) []StopETA {
	out := make([]StopETA, len(stops))
	offset := func(i int) time.Duration {
		if i < len(t.StopMinutes) {
			return time.Duration(t.StopMinutes[i]) * time.Minute
		}
		return 0
	}
	for i, st := range stops {
		out[i] = StopETA{Stop: st, ScheduledAt: t.DepartureAt.Add(offset(i)),
			Passed: t.Status == TripArrived || (i == 0 && t.Status == TripDeparted)}
	}
	if t.Status == TripArrived || t.Status == TripCancelled || t.Unreported(now) || len(stops) == 0 {
		return out
	}
	planned := t.DepartureAt.Add(time.Duration(t.DelayMinutes) * time.Minute)
	if t.Status == TripDeparted && t.LastPositionAt != nil && now.Sub(*t.LastPositionAt) <= FreshFix && len(stops) > 1 {
		seg, frac := locate(*t.LastLat, *t.LastLng, stops)
		at := offset(seg) + time.Duration(frac*float64(offset(seg+1)-offset(seg)))
		for i := range out {
			if i <= seg {
				out[i].Passed = true
				continue
			}
			eta := t.LastPositionAt.Add(offset(i) - at)
			out[i].ETA = &eta
		}
		return out
	}
	base := planned
	if t.Status == TripDeparted && t.DepartedAt != nil && t.DepartedAt.After(base) {
		base = *t.DepartedAt
	}
	for i := range out {
		if out[i].Passed {
			continue
		}
		eta := base.Add(offset(i))
		if t.Status == TripDeparted && now.Sub(eta) > 2*time.Minute {
			out[i].Passed = true
			continue
		}
		if t.Status != TripDeparted && base.Before(now) {
			eta = now.Add(offset(i)) // it cannot leave before now
		}
		eta = shuttleLater(eta, now)
		out[i].ETA = &eta
	}
	return out
}

func shuttleLater(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// locate finds the segment (stop i to i+1) nearest to a point and how far
// along it (0..1) the point's projection lies. Distances use a local flat
// projection, fine at a city's scale.
func locate(lat, lng float64, stops []ShuttleStop) (seg int, frac float64) {
	kx := math.Cos(stops[0].Lat*math.Pi/180) * 111.32
	const ky = 110.57
	px, py := lng*kx, lat*ky
	best := math.Inf(1)
	for i := 0; i+1 < len(stops); i++ {
		ax, ay := stops[i].Lng*kx, stops[i].Lat*ky
		bx, by := stops[i+1].Lng*kx, stops[i+1].Lat*ky
		dx, dy := bx-ax, by-ay
		f := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			f = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l2))
		}
		ex, ey := ax+f*dx-px, ay+f*dy-py
		if d := ex*ex + ey*ey; d < best {
			best, seg, frac = d, i, f
		}
	}
	return seg, frac
}

// distanceKm is the great-circle distance between two points.
func distanceKm(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lng2-lng1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
