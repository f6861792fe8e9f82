package shuttle

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// MaxTripDaysAhead bounds how far ahead dated trips are created on demand.
const MaxTripDaysAhead = 60

// ServiceDay says which timetable a date runs under the service calendar.
type ServiceDay struct {
	Date store.Date
	// Weekday is the ISO weekday whose timetable runs (0: no service).
	Weekday int
	// Exception is the calendar entry that moved this date, if any.
	Exception *ShuttleCalendarDay
}

// serviceDay resolves date against the calendar exceptions.
func serviceDay(db *gorm.DB, date store.Date) (ServiceDay, error) {
	day := ServiceDay{Date: date, Weekday: date.ISOWeekday()}
	var ex ShuttleCalendarDay
	err := db.Where("date = ?", date).Limit(1).Find(&ex).Error
	if err != nil || ex.Date.IsZero() {
		return day, err
	}
	day.Exception = &ex
	day.Weekday = ex.RunsAs
	if ex.NoService {
		day.Weekday = 0
	}
	return day, nil
}

// runningSchedules returns the active schedules of active routes that run
// on date (optionally of one route), by departure.
func runningSchedules(db *gorm.DB, date store.Date, routeID int64) ([]ShuttleSchedule, error) {
	day, err := serviceDay(db, date)
	if err != nil || day.Weekday == 0 {
		return nil, err
	}
	q := db.Model(&ShuttleSchedule{}).
		Joins("JOIN shuttle_routes r ON r.id = shuttle_schedules.route_id AND r.active = ?", true).
		Where("shuttle_schedules.active = ? AND (shuttle_schedules.weekdays & ?) <> 0", true, 1<<day.Weekday)
	if routeID != 0 {
		q = q.Where("shuttle_schedules.route_id = ?", routeID)
	}
	var rows []ShuttleSchedule
	return rows, q.Order("shuttle_schedules.departure_minute, shuttle_schedules.id").Find(&rows).Error
}

// tripFrom makes the dated trip of schedule sc on date.
func tripFrom(sc ShuttleSchedule, date store.Date, loc *time.Location) ShuttleTrip {
	return ShuttleTrip{ScheduleID: sc.ID, ServiceDate: date, RouteID: sc.RouteID,
		DepartureAt: date.At(sc.DepartureMinute/60, sc.DepartureMinute%60, loc).UTC(), StopMinutes: sc.StopMinutes,
		DriverID: sc.DriverID, VehiclePlate: sc.VehiclePlate, VehicleSeats: sc.VehicleSeats, Status: TripScheduled}
}

// ensureTrips creates date's trips from the timetable if any are missing.
// The unique key (schedule_id, service_date) and insert-or-ignore make this
// idempotent, also when several first readers race (on any replica). Past
// dates are never filled in: they show the trips that actually existed.
func (s *Service) ensureTrips(ctx context.Context, date store.Date) error {
	today := s.Today()
	if date.Before(today) {
		return nil
	}
	if today.DaysUntil(date) > MaxTripDaysAhead {
		return store.InvalidField("date", "must be at most %d days ahead", MaxTripDaysAhead)
	}
	missing := func(db *gorm.DB) ([]ShuttleTrip, error) {
		scheds, err := runningSchedules(db, date, 0)
		if err != nil || len(scheds) == 0 {
			return nil, err
		}
		var have []int64
		if err := db.Model(&ShuttleTrip{}).Where("service_date = ?", date).Pluck("schedule_id", &have).Error; err != nil {
			return nil, err
		}
		var rows []ShuttleTrip
		for _, sc := range scheds {
			if !slices.Contains(have, sc.ID) {
				rows = append(rows, tripFrom(sc, date, s.Location))
			}
		}
		return rows, nil
	}
	// The common case, every trip already there, needs no write.
	if rows, err := missing(s.Read(ctx)); err != nil || len(rows) == 0 {
		return err
	}
	return s.Tx(ctx, func(tx *store.Tx) error {
		rows, err := missing(tx.DB)
		if err != nil || len(rows) == 0 {
			return err
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
	})
}

// resyncTrips brings the not-yet-started trips matched by scope (from today
// on) back in line with the timetable after an admin change: trips that no
// longer run are dropped; with refresh, the others take the schedule's
// current times, vehicle and driver. Missing trips are created by the next read.
func resyncTrips(tx *store.Tx, scope *gorm.DB, refresh bool) error {
	var trips []ShuttleTrip
	today := tx.Today()
	err := scope.Where("service_date >= ? AND status = ? AND last_position_at IS NULL", today, TripScheduled).
		Find(&trips).Error
	if err != nil {
		return err
	}
	running := map[store.Date][]ShuttleSchedule{}
	for _, t := range trips {
		scheds, ok := running[t.ServiceDate]
		if !ok {
			if scheds, err = runningSchedules(tx.DB, t.ServiceDate, 0); err != nil {
				return err
			}
			running[t.ServiceDate] = scheds
		}
		i := slices.IndexFunc(scheds, func(sc ShuttleSchedule) bool { return sc.ID == t.ScheduleID })
		switch {
		case i < 0:
			err = tx.Delete(&ShuttleTrip{}, t.ID).Error
		case refresh:
			f := tripFrom(scheds[i], t.ServiceDate, tx.Location())
			t.DepartureAt, t.StopMinutes, t.DriverID, t.VehiclePlate, t.VehicleSeats = f.DepartureAt, f.StopMinutes, f.DriverID, f.VehiclePlate, f.VehicleSeats
			err = tx.Save(&t).Error
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TripView is a trip with what a rider needs beside it.
type TripView struct {
	ShuttleTrip
	RouteName  string
	RouteColor string
	DriverName string
	Stops      []StopETA
	// Unconfirmed: past its departure with no report (ShuttleTrip.Unreported).
	Unconfirmed bool
}

// ListTrips lists date's trips (of one route when routeID is not 0) by
// departure, creating them from the timetable on first request.
func (s *Service) ListTrips(ctx context.Context, date store.Date, routeID int64) (_ []TripView, err error) {
	defer store.Wrap(&err, "shuttle list trips")
	return s.tripViews(ctx, date, func(q *gorm.DB) *gorm.DB {
		if routeID != 0 {
			q = q.Where("route_id = ?", routeID)
		}
		return q
	})
}

// DriverTrips lists the trips a driver is assigned on date.
func (s *Service) DriverTrips(ctx context.Context, driverID int64, date store.Date) (_ []TripView, err error) {
	defer store.Wrap(&err, "shuttle driver trips")
	return s.tripViews(ctx, date, func(q *gorm.DB) *gorm.DB { return q.Where("driver_id = ?", driverID) })
}

func (s *Service) tripViews(ctx context.Context, date store.Date, scope func(*gorm.DB) *gorm.DB) ([]TripView, error) {
	if err := s.ensureTrips(ctx, date); err != nil {
		return nil, err
	}
	var trips []ShuttleTrip
	q := scope(s.Read(ctx).Where("service_date = ?", date))
	if err := q.Order("departure_at, id").Find(&trips).Error; err != nil {
		return nil, err
	}
	return s.viewTrips(ctx, trips)
}

// Trip returns one trip with its estimates.
func (s *Service) Trip(ctx context.Context, id int64) (_ *TripView, err error) {
	defer store.Wrap(&err, "shuttle trip")
	var t ShuttleTrip
	if err := s.Read(ctx).Take(&t, id).Error; err != nil {
		return nil, store.NotFound(err, "trip")
	}
	views, err := s.viewTrips(ctx, []ShuttleTrip{t})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

// viewTrips adds route, driver and stop estimates to trips.
func (s *Service) viewTrips(ctx context.Context, trips []ShuttleTrip) ([]TripView, error) {
	var routeIDs, driverIDs []int64
	for _, t := range trips {
		routeIDs = append(routeIDs, t.RouteID)
		if t.DriverID != nil {
			driverIDs = append(driverIDs, *t.DriverID)
		}
	}
	db := s.Read(ctx)
	var routes []ShuttleRoute
	if err := db.Preload("Stops", func(q *gorm.DB) *gorm.DB { return q.Order("seq") }).
		Where("id IN ?", append(routeIDs, 0)).Find(&routes).Error; err != nil {
		return nil, err
	}
	var drivers []people.User
	if err := db.Select("id", "name").Where("id IN ?", append(driverIDs, 0)).Find(&drivers).Error; err != nil {
		return nil, err
	}
	now := s.Now()
	views := make([]TripView, len(trips))
	for i, t := range trips {
		v := TripView{ShuttleTrip: t, Unconfirmed: t.Unreported(now)}
		if j := slices.IndexFunc(routes, func(r ShuttleRoute) bool { return r.ID == t.RouteID }); j >= 0 {
			v.RouteName, v.RouteColor = routes[j].Name, routes[j].Color
			v.Stops = EstimateTrip(&t, routes[j].Stops, now)
		}
		if t.DriverID != nil {
			if j := slices.IndexFunc(drivers, func(u people.User) bool { return u.ID == *t.DriverID }); j >= 0 {
				v.DriverName = drivers[j].Name
			}
		}
		views[i] = v
	}
	return views, nil
}

// TripPatch reassigns one dated trip (admin); nil fields stay.
type TripPatch struct {
	DriverID     *int64
	VehiclePlate *string
	VehicleSeats *int
}

// ReassignTrip changes one trip's driver or vehicle, before it arrives or
// is cancelled, and tells a newly assigned driver.
func (s *Service) ReassignTrip(ctx context.Context, id int64, p TripPatch) (err error) {
	defer store.Wrap(&err, "shuttle reassign trip")
	return s.Tx(ctx, func(tx *store.Tx) error {
		tx.Publish(Changed{})
		var t ShuttleTrip
		if err := tx.ForUpdate().Take(&t, id).Error; err != nil {
			return store.NotFound(err, "trip")
		}
		if t.Status == TripArrived || t.Status == TripCancelled {
			return store.Errorf(store.CodeInvalidTransition, "cannot reassign a trip that is %s", t.Status)
		}
		store.Patch(&t.VehiclePlate, p.VehiclePlate)
		store.Patch(&t.VehicleSeats, p.VehicleSeats)
		newDriver := p.DriverID != nil && (t.DriverID == nil || *t.DriverID != *p.DriverID)
		if newDriver {
			if err := checkDriver(tx, *p.DriverID, "driver_id"); err != nil {
				return err
			}
			t.DriverID = p.DriverID
		}
		if err := tx.Save(&t).Error; err != nil {
			return err
		}
		if !newDriver {
			return nil
		}
		var r ShuttleRoute
		if err := tx.Take(&r, t.RouteID).Error; err != nil {
			return err
		}
		return notify.Notify(tx, notify.Notice{Category: notify.CategoryShuttle, Type: "shuttle.assigned",
			Title: "班车任务安排", Body: tripLabel(&t, &r, tx.Location()) + " 由您驾驶",
			Data: tripData(&t), TTL: 12 * time.Hour}, *t.DriverID)
	})
}

// Changed is raised by every committed change to routes, stops, timetables,
// the service calendar or a trip's assignment: what the day's trips show
// may have changed. Drivers' status and position reports raise their own
// live events.
type Changed struct{}
