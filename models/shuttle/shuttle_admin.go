package shuttle

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"gorm.io/gorm"

	"houqin/models/people"
	"houqin/models/store"
)

// StopInput is a stop as an admin enters it.
type StopInput struct {
	Name     string
	Lat, Lng float64
}

// RouteInput is the input for creating a route with its stops.
type RouteInput struct {
	Name, Color string
	Active      bool
	Stops       []StopInput
}

// CreateRoute adds a route and its stops in order.
func (s *Service) CreateRoute(ctx context.Context, in RouteInput) (_ *ShuttleRoute, err error) {
	defer store.Wrap(&err, "shuttle create route")
	r := &ShuttleRoute{Name: in.Name, Color: in.Color, Active: in.Active}
	for i, st := range in.Stops {
		r.Stops = append(r.Stops, ShuttleStop{Seq: i, Name: st.Name, Lat: st.Lat, Lng: st.Lng})
	}
	err = s.Tx(ctx, func(tx *store.Tx) error { return tx.Create(r).Error })
	if store.ErrorCode(err) == store.CodeConflict {
		return nil, store.Errorf(store.CodeConflict, "a route named %q exists", in.Name)
	}
	return r, err
}

// RoutePatch changes a route; nil fields stay.
type RoutePatch struct {
	Name, Color *string
	Active      *bool
}

// UpdateRoute applies p. Deactivating a route drops its trips that
// have not started yet, from today on.
func (s *Service) UpdateRoute(ctx context.Context, id int64, p RoutePatch) (_ *ShuttleRoute, err error) {
	defer store.Wrap(&err, "shuttle update route")
	var r ShuttleRoute
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&r, id).Error; err != nil {
			return store.NotFound(err, "route")
		}
		store.Patch(&r.Name, p.Name)
		store.Patch(&r.Color, p.Color)
		store.Patch(&r.Active, p.Active)
		if err := tx.Omit("Stops").Save(&r).Error; err != nil {
			return err
		}
		if err := resyncTrips(tx, tx.Where("route_id = ?", id), false); err != nil {
			return err
		}
		return tx.Order("seq").Find(&r.Stops, "route_id = ?", id).Error
	})
	if store.ErrorCode(err) == store.CodeConflict {
		return nil, store.Errorf(store.CodeConflict, "another route has this name")
	}
	return &r, err
}

// StopPatch corrects a stop's name or place.
type StopPatch struct {
	Name     *string
	Lat, Lng *float64
}

// UpdateStop applies p.
func (s *Service) UpdateStop(ctx context.Context, id int64, p StopPatch) (_ *ShuttleStop, err error) {
	defer store.Wrap(&err, "shuttle update stop")
	var st ShuttleStop
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&st, id).Error; err != nil {
			return store.NotFound(err, "stop")
		}
		store.Patch(&st.Name, p.Name)
		store.Patch(&st.Lat, p.Lat)
		store.Patch(&st.Lng, p.Lng)
		return tx.Save(&st).Error
	})
	return &st, err
}

// ScheduleInput is a timetabled run as an admin enters it.
type ScheduleInput struct {
	DepartureMinute int
	StopMinutes     store.Ints
	Weekdays        Weekdays
	VehiclePlate    string
	VehicleSeats    int
	DriverID        *int64
	Active          bool
}

// CreateSchedule adds a run to a route's timetable.
func (s *Service) CreateSchedule(ctx context.Context, routeID int64, in ScheduleInput) (_ *ShuttleSchedule, err error) {
	defer store.Wrap(&err, "shuttle create schedule")
	sc := &ShuttleSchedule{RouteID: routeID, DepartureMinute: in.DepartureMinute, StopMinutes: in.StopMinutes,
		Weekdays: in.Weekdays, VehiclePlate: in.VehiclePlate, VehicleSeats: in.VehicleSeats, DriverID: in.DriverID, Active: in.Active}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := checkSchedule(tx, sc); err != nil {
			return err
		}
		return tx.Create(sc).Error
	})
	return sc, err
}

// SchedulePatch changes a schedule; nil fields stay.
type SchedulePatch struct {
	DepartureMinute *int
	StopMinutes     *store.Ints
	Weekdays        *Weekdays
	VehiclePlate    *string
	VehicleSeats    *int
	DriverID        *int64 // 0 clears the default driver
	Active          *bool
}

// UpdateSchedule applies p. Trips of this schedule that have not
// started yet (today and later) follow the new timetable, which also resets
// a per-trip driver or vehicle change on them.
func (s *Service) UpdateSchedule(ctx context.Context, id int64, p SchedulePatch) (_ *ShuttleSchedule, err error) {
	defer store.Wrap(&err, "shuttle update schedule")
	var sc ShuttleSchedule
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&sc, id).Error; err != nil {
			return store.NotFound(err, "schedule")
		}
		store.Patch(&sc.DepartureMinute, p.DepartureMinute)
		store.Patch(&sc.StopMinutes, p.StopMinutes)
		store.Patch(&sc.Weekdays, p.Weekdays)
		store.Patch(&sc.VehiclePlate, p.VehiclePlate)
		store.Patch(&sc.VehicleSeats, p.VehicleSeats)
		store.Patch(&sc.Active, p.Active)
		if p.DriverID != nil {
			sc.DriverID = p.DriverID
			if *p.DriverID == 0 {
				sc.DriverID = nil
			}
		}
		if err := checkSchedule(tx, &sc); err != nil {
			return err
		}
		if err := tx.Save(&sc).Error; err != nil {
			return err
		}
		return resyncTrips(tx, tx.Where("schedule_id = ?", id), true)
	})
	return &sc, err
}

// A run takes at most MaxRunMinutes from its first stop to its last, on a
// vehicle of at most MaxSeats seats.
const (
	MaxRunMinutes = 600
	MaxSeats      = 100
)

// checkSchedule validates a schedule against its route's stops and driver.
func checkSchedule(tx *store.Tx, sc *ShuttleSchedule) error {
	var stops int64
	if err := tx.Model(&ShuttleStop{}).Where("route_id = ?", sc.RouteID).Count(&stops).Error; err != nil {
		return err
	}
	if stops == 0 {
		return store.ErrNotFound("route")
	}
	m := sc.StopMinutes
	if len(m) != int(stops) {
		return store.InvalidField("stop_minutes", "must give minutes for each of the route's %d stops", stops)
	}
	if m[0] != 0 || !slices.IsSorted(m) {
		return store.InvalidField("stop_minutes", "must start at 0 and never decrease")
	}
	if m[len(m)-1] > MaxRunMinutes {
		return store.InvalidField("stop_minutes", "must be at most %s", strconv.Itoa(MaxRunMinutes))
	}
	if err := store.CheckText(nil, "vehicle_plate", sc.VehiclePlate, 20, false); err != nil {
		return store.Invalid(err...)
	}
	if sc.VehicleSeats < 0 || sc.VehicleSeats > MaxSeats {
		return store.InvalidField("vehicle_seats", "must be at most %s", strconv.Itoa(MaxSeats))
	}
	if sc.Weekdays == 0 {
		return store.InvalidField("weekdays", "must name at least one weekday")
	}
	if sc.DriverID != nil {
		return checkDriver(tx, *sc.DriverID, "driver_id")
	}
	return nil
}

// checkDriver requires id to be an active user holding the driver role.
func checkDriver(tx *store.Tx, id int64, field string) error {
	var u people.User
	err := tx.Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (!u.Active || !slices.Contains(u.Roles, store.RoleDriver))) {
		return store.InvalidField(field, "is not an active driver")
	}
	return err
}

// ListSchedules lists all of a route's schedules by departure (admin).
func (s *Service) ListSchedules(ctx context.Context, routeID int64) (_ []ShuttleSchedule, err error) {
	defer store.Wrap(&err, "shuttle list schedules")
	if err := s.Read(ctx).Take(&ShuttleRoute{}, routeID).Error; err != nil {
		return nil, store.NotFound(err, "route")
	}
	var rows []ShuttleSchedule
	return rows, s.Read(ctx).Where("route_id = ?", routeID).Order("departure_minute, id").Find(&rows).Error
}

// SetCalendarDay records a date exception (holiday or moved
// workday) and drops that date's trips that no longer run.
func (s *Service) SetCalendarDay(ctx context.Context, day ShuttleCalendarDay) (err error) {
	defer store.Wrap(&err, "shuttle set calendar day")
	if err := day.Check(); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.Where("date = ?", day.Date).Delete(&ShuttleCalendarDay{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&day).Error; err != nil {
			return err
		}
		return resyncTrips(tx, tx.Where("service_date = ?", day.Date), false)
	})
}

// Check enforces a date exception: a holiday runs nothing, a moved workday
// runs the timetable of one ISO weekday (1-7); its note is short.
func (d ShuttleCalendarDay) Check() error {
	errs := store.CheckText(nil, "note", d.Note, 100, false)
	switch {
	case d.NoService && d.RunsAs != 0:
		errs = append(errs, store.Field("runs_as", "must be left out here"))
	case !d.NoService && (d.RunsAs < 1 || d.RunsAs > 7):
		errs = append(errs, store.Field("runs_as", "must be a weekday from 1 (Monday) to 7 (Sunday)"))
	}
	if len(errs) > 0 {
		return store.Invalid(errs...)
	}
	return nil
}

// DeleteCalendarDay returns a date to its plain weekday timetable.
func (s *Service) DeleteCalendarDay(ctx context.Context, date store.Date) (err error) {
	defer store.Wrap(&err, "shuttle delete calendar day")
	return s.Tx(ctx, func(tx *store.Tx) error {
		res := tx.Where("date = ?", date).Delete(&ShuttleCalendarDay{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.ErrNotFound("calendar exception")
		}
		return resyncTrips(tx, tx.Where("service_date = ?", date), false)
	})
}

// MaxCalendarRange bounds a calendar listing (two years).
const MaxCalendarRange = 731

// Calendar lists the date exceptions from..to (inclusive).
func (s *Service) Calendar(ctx context.Context, from, to store.Date) (_ []ShuttleCalendarDay, err error) {
	defer store.Wrap(&err, "shuttle calendar")
	if err := store.CheckRange(from, to, MaxCalendarRange, "to"); err != nil {
		return nil, err
	}
	var rows []ShuttleCalendarDay
	return rows, s.Read(ctx).Where("date >= ? AND date <= ?", from, to).Order("date").Find(&rows).Error
}
