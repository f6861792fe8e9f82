package shuttle

import (
	"context"

	"houqin/models/store"
)

// RunFigures count the dated trips of a period for the yearly report.
type RunFigures struct {
	Run       int // departed or arrived
	OnTime    int // of those, no more than the on-time delay late
	Cancelled int
}

// Runs counts the trips of service dates from..to; a trip at most onTime
// minutes late counts as on time.
func (s *Service) Runs(ctx context.Context, from, to store.Date, onTime int) (_ RunFigures, err error) {
	defer store.Wrap(&err, "shuttle runs")
	var f RunFigures
	err = s.Read(ctx).Model(&ShuttleTrip{}).Select(`
		COALESCE(SUM(CASE WHEN status IN ? THEN 1 ELSE 0 END), 0) AS run,
		COALESCE(SUM(CASE WHEN status IN ? AND delay_minutes <= ? THEN 1 ELSE 0 END), 0) AS on_time,
		COALESCE(SUM(CASE WHEN status = ? THEN 1 ELSE 0 END), 0) AS cancelled`,
		ran, ran, onTime, TripCancelled).
		Where("service_date >= ? AND service_date <= ?", from, to).Scan(&f).Error
	return f, err
}

var ran = []TripStatus{TripDeparted, TripArrived}
