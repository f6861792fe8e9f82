package shuttle

import (
	"context"
	"math"
	"slices"
	"time"

	"houqin/models/store"
)

// TripStatusInput is a driver's report: a new status, and/or the current
// delay, with a reason (required to cancel).
type TripStatusInput struct {
	Status       TripStatus
	DelayMinutes *int
	Reason       string
}

// nextStatuses lists where each status may go; boarding may be skipped.
var nextStatuses = map[TripStatus][]TripStatus{
	TripScheduled: {TripBoarding, TripDeparted, TripCancelled},
	TripBoarding:  {TripDeparted, TripCancelled},
	TripDeparted:  {TripArrived, TripCancelled},
}

// TripStatusEvent is the live event of a status or delay change: small, as
// it fans out to every rider watching the route.
type TripStatusEvent struct {
	RouteID      int64      `json:"-"`
	TripID       int64      `json:"trip_id"`
	Status       TripStatus `json:"status"`
	DelayMinutes int        `json:"delay_minutes"`
	Reason       string     `json:"reason,omitempty"`
}

// Live implements store.Live.
func (e TripStatusEvent) Live() store.LiveEvent {
	return store.LiveEvent{Topic: TopicRoute(e.RouteID), Type: "trip.status", Data: e}
}

// ChangeTripStatus applies a driver's report for the assigned driver or an
// admin. Statuses move forward only; boarding, departure and arrival are
// reported on the service day; a delay can be reported until arrival; a
// cancellation needs a reason. Followers hear about departures, delays of 5
// minutes or more (again each time it grows by 5) and cancellations.
func (s *Service) ChangeTripStatus(ctx context.Context, a store.Actor, id int64, ch TripStatusInput) (_ *ShuttleTrip, err error) {
	defer store.Wrap(&err, "shuttle change trip status")
	var t ShuttleTrip
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&t, id).Error; err != nil {
			return store.NotFound(err, "trip")
		}
		if !a.Is(store.RoleAdmin) && (t.DriverID == nil || *t.DriverID != a.ID) {
			return store.ErrForbidden
		}
		if err := checkStatusChange(&t, ch, tx.Today()); err != nil {
			return err
		}
		from := t.Status
		t.Status = ch.Status
		switch {
		case from == t.Status:
		case t.Status == TripDeparted:
			t.DepartedAt = &tx.Now
		case t.Status == TripArrived:
			t.ArrivedAt = &tx.Now
		}
		if ch.DelayMinutes != nil {
			t.DelayMinutes = *ch.DelayMinutes
		}
		if ch.Reason != "" {
			t.Reason = ch.Reason
		}
		delayAlert := t.Status != TripCancelled && t.DelayMinutes >= 5 && t.DelayMinutes >= t.AlertedDelay+5
		if delayAlert {
			t.AlertedDelay = t.DelayMinutes
		}
		if err := tx.Save(&t).Error; err != nil {
			return err
		}
		tx.Publish(TripStatusEvent{RouteID: t.RouteID, TripID: t.ID, Status: t.Status, DelayMinutes: t.DelayMinutes,
			Reason: t.Reason})
		if err := alertFollowers(tx, &t, from != t.Status, delayAlert); err != nil {
			return err
		}
		return stopAlerts(tx, &t)
	})
	return &t, err
}

func checkStatusChange(t *ShuttleTrip, ch TripStatusInput, today store.Date) error {
	if t.ServiceDate.Before(today) {
		return store.Errorf(store.CodeInvalidTransition, "this trip's service day is over")
	}
	if ch.Status == t.Status {
		if ch.DelayMinutes == nil && ch.Reason == "" {
			return store.Errorf(store.CodeInvalidTransition, "the trip is already %s", t.Status)
		}
		if t.Status == TripArrived || t.Status == TripCancelled {
			return store.Errorf(store.CodeInvalidTransition, "the trip is %s", t.Status)
		}
	} else if !slices.Contains(nextStatuses[t.Status], ch.Status) {
		return store.Errorf(store.CodeInvalidTransition, "a %s trip cannot become %s", t.Status, ch.Status)
	}
	if ch.Status != TripCancelled && ch.Status != t.Status && t.ServiceDate != today {
		return store.Errorf(store.CodeInvalidTransition, "%s can only be reported on the trip's service day", ch.Status)
	}
	if ch.Status == TripCancelled && ch.Reason == "" {
		return store.InvalidField("reason", "is required to cancel a trip")
	}
	if ch.DelayMinutes != nil && (ch.Status == TripArrived || ch.Status == TripCancelled) {
		return store.InvalidField("delay_minutes", "can only be reported before arrival")
	}
	return nil
}

// Fix is one GPS position from a driver's phone.
type Fix struct {
	Lat, Lng       float64
	Speed, Heading *float64
	RecordedAt     time.Time
}

// RejectedFix names a fix that was not stored and why.
type RejectedFix struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// FixResult reports what became of a batch.
type FixResult struct {
	Accepted   int
	Duplicates int
	Rejected   []RejectedFix
}

// TripPositionEvent is the live event of a new latest position.
type TripPositionEvent struct {
	RouteID    int64     `json:"-"`
	TripID     int64     `json:"trip_id"`
	Lat        float64   `json:"lat"`
	Lng        float64   `json:"lng"`
	Speed      *float64  `json:"speed,omitempty"`
	Heading    *float64  `json:"heading,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Live implements store.Live.
func (e TripPositionEvent) Live() store.LiveEvent {
	return store.LiveEvent{Topic: TopicRoute(e.RouteID), Type: "trip.position", Data: e}
}

// Limits of a plausible fix.
const (
	maxFixDistanceKm = 50               // from the nearest stop of the route
	maxFixSpeed      = 55.0             // m/s (~200 km/h) implied between fixes
	maxFixAhead      = 2 * time.Minute  // clock skew allowed into the future
	maxFixBefore     = 3 * time.Hour    // before the timetabled departure
	fixPrecision     = time.Millisecond // what both databases keep
)

// RecordPositions stores a batch of fixes from the trip's assigned driver,
// while the trip is running on its service day. Fixes may come out of
// order (phones buffer while offline): each is stored once (a repeat is a
// duplicate) and only a newer one moves the trip's latest position, which is
// then published live and checked against stop followers. Implausible fixes
// (null island, far from the route, from the future or long before the
// trip, or an impossible jump from the previous fix) are rejected one by one.
func (s *Service) RecordPositions(ctx context.Context, a store.Actor, id int64, fixes []Fix) (_ *FixResult, err error) {
	defer store.Wrap(&err, "shuttle record positions")
	res := &FixResult{Rejected: []RejectedFix{}}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var t ShuttleTrip
		if err := tx.ForUpdate().Take(&t, id).Error; err != nil {
			return store.NotFound(err, "trip")
		}
		if t.DriverID == nil || *t.DriverID != a.ID {
			return store.ErrForbidden
		}
		if t.ServiceDate != tx.Today() || t.Status == TripArrived || t.Status == TripCancelled {
			return store.Errorf(store.CodeInvalidTransition, "positions are taken only while a trip runs on its service day")
		}
		stops, err := routeStops(tx, t.RouteID)
		if err != nil {
			return err
		}
		rows, err := newFixes(tx, plausibleFixes(&t, stops, fixes, tx.Now, res), res)
		if err != nil || len(rows) == 0 {
			return err
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
		res.Accepted = len(rows)
		last := rows[len(rows)-1]
		if t.LastPositionAt != nil && !last.RecordedAt.After(*t.LastPositionAt) {
			return nil
		}
		t.LastLat, t.LastLng, t.LastSpeed, t.LastHeading, t.LastPositionAt = &last.Lat, &last.Lng, last.Speed, last.Heading, &last.RecordedAt
		err = tx.Model(&t).Select("last_lat", "last_lng", "last_speed", "last_heading", "last_position_at", "updated_at").Updates(&t).Error
		if err != nil {
			return err
		}
		tx.Publish(TripPositionEvent{RouteID: t.RouteID, TripID: t.ID, Lat: last.Lat, Lng: last.Lng, Speed: last.Speed,
			Heading: last.Heading, RecordedAt: last.RecordedAt})
		return stopAlertsWith(tx, &t, stops)
	})
	return res, err
}

// plausibleFixes returns the fixes worth storing in time order, counting
// in-batch repeats as duplicates and recording rejections in res.
func plausibleFixes(t *ShuttleTrip, stops []ShuttleStop, fixes []Fix, now time.Time, res *FixResult) []ShuttlePosition {
	order := make([]int, len(fixes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return fixes[a].RecordedAt.Compare(fixes[b].RecordedAt) })
	var rows []ShuttlePosition
	var prev *ShuttlePosition
	if t.LastPositionAt != nil {
		prev = &ShuttlePosition{Lat: *t.LastLat, Lng: *t.LastLng, RecordedAt: *t.LastPositionAt}
	}
	for _, i := range order {
		f := fixes[i]
		at := f.RecordedAt.UTC().Truncate(fixPrecision)
		reason := ""
		switch {
		case math.Abs(f.Lat) < 1e-6 && math.Abs(f.Lng) < 1e-6:
			reason = "no_location"
		case at.After(now.Add(maxFixAhead)):
			reason = "in_future"
		case at.Before(t.DepartureAt.Add(-maxFixBefore)):
			reason = "too_old"
		case nearestStopKm(f.Lat, f.Lng, stops) > maxFixDistanceKm:
			reason = "far_from_route"
		case len(rows) > 0 && rows[len(rows)-1].RecordedAt.Equal(at):
			res.Duplicates++
			continue
		case prev != nil && at.After(prev.RecordedAt) &&
			distanceKm(prev.Lat, prev.Lng, f.Lat, f.Lng)*1000/at.Sub(prev.RecordedAt).Seconds() > maxFixSpeed:
			reason = "implausible_jump"
		}
		if reason != "" {
			res.Rejected = append(res.Rejected, RejectedFix{Index: i, Reason: reason})
			continue
		}
		rows = append(rows, ShuttlePosition{TripID: t.ID, RecordedAt: at, Lat: f.Lat, Lng: f.Lng, Speed: f.Speed, Heading: f.Heading})
		if prev == nil || at.After(prev.RecordedAt) {
			p := rows[len(rows)-1]
			prev = &p
		}
	}
	slices.SortFunc(res.Rejected, func(a, b RejectedFix) int { return a.Index - b.Index })
	return rows
}

// newFixes drops the fixes already stored, counting them as duplicates.
// The caller holds the trip's row lock, so no other batch of the same trip
// can store the same fix meanwhile; the unique key backs this up.
func newFixes(tx *store.Tx, rows []ShuttlePosition, res *FixResult) ([]ShuttlePosition, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	times := make([]time.Time, len(rows))
	for i, r := range rows {
		times[i] = r.RecordedAt
	}
	var stored []time.Time
	err := tx.Model(&ShuttlePosition{}).Where("trip_id = ? AND recorded_at IN ?", rows[0].TripID, times).
		Pluck("recorded_at", &stored).Error
	if err != nil || len(stored) == 0 {
		return rows, err
	}
	fresh := rows[:0]
	for _, r := range rows {
		if slices.ContainsFunc(stored, r.RecordedAt.Equal) {
			res.Duplicates++
			continue
		}
		fresh = append(fresh, r)
	}
	return fresh, nil
}

func nearestStopKm(lat, lng float64, stops []ShuttleStop) float64 {
	best := math.Inf(1)
	for _, st := range stops {
		best = math.Min(best, distanceKm(lat, lng, st.Lat, st.Lng))
	}
	return best
}

func routeStops(tx *store.Tx, routeID int64) ([]ShuttleStop, error) {
	var stops []ShuttleStop
	return stops, tx.Where("route_id = ?", routeID).Order("seq").Find(&stops).Error
}

// PurgePositions deletes fixes older than keep; the trips keep their
// latest position.
func (s *Service) PurgePositions(ctx context.Context, keep time.Duration) (err error) {
	defer store.Wrap(&err, "shuttle purge positions")
	return s.Tx(ctx, func(tx *store.Tx) error {
		return tx.Where("recorded_at < ?", tx.Now.Add(-keep)).Delete(&ShuttlePosition{}).Error
	})
}
