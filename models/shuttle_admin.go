package models

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// StopInput is a stop as an admin enters it.
type StopInput struct {
	Name     string
	Lat, Lng float64
}

// NewShuttleRoute is the input for creating a route with its stops.
type NewShuttleRoute struct {
	Name, Color string
	Active      bool
	Stops       []StopInput
}

// CreateShuttleRoute adds a route and its stops in order.
func (s *Store) CreateShuttleRoute(ctx context.Context, in NewShuttleRoute) (*ShuttleRoute, error) {
	r := &ShuttleRoute{Name: in.Name, Color: in.Color, Active: in.Active}
	for i, st := range in.Stops {
		r.Stops = append(r.Stops, ShuttleStop{Seq: i, Name: st.Name, Lat: st.Lat, Lng: st.Lng})
	}
	err := s.Tx(ctx, func(tx *Tx) error { return tx.Create(r).Error })
	if ErrorCode(err) == CodeConflict {
		return nil, Errorf(CodeConflict, "a route named %q exists", in.Name)
	}
	return r, err
}

// ShuttleRoutePatch changes a route; nil fields stay.
type ShuttleRoutePatch struct {
	Name, Color *string
	Active      *bool
}

// UpdateShuttleRoute applies p. Deactivating a route drops its trips that
// have not started yet, from today on.
func (s *Store) UpdateShuttleRoute(ctx context.Context, id int64, p ShuttleRoutePatch) (*ShuttleRoute, error) {
	var r ShuttleRoute
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := tx.ForUpdate().Take(&r, id).Error; err != nil {
			return NotFound(err, "route")
		}
		Patch(&r.Name, p.Name)
		Patch(&r.Color, p.Color)
		Patch(&r.Active, p.Active)
		if err := tx.Omit("Stops").Save(&r).Error; err != nil {
			return err
		}
		if err := resyncTrips(tx, tx.Where("route_id = ?", id), false); err != nil {
			return err
		}
		return tx.Order("seq").Find(&r.Stops, "route_id = ?", id).Error
	})
	if ErrorCode(err) == CodeConflict {
		return nil, Errorf(CodeConflict, "another route has this name")
	}
	return &r, err
}

// ShuttleStopPatch corrects a stop's name or place.
type ShuttleStopPatch struct {
	Name     *string
	Lat, Lng *float64
}

// UpdateShuttleStop applies p.
func (s *Store) UpdateShuttleStop(ctx context.Context, id int64, p ShuttleStopPatch) (*ShuttleStop, error) {
	var st ShuttleStop
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := tx.ForUpdate().Take(&st, id).Error; err != nil {
			return NotFound(err, "stop")
		}
		Patch(&st.Name, p.Name)
		Patch(&st.Lat, p.Lat)
		Patch(&st.Lng, p.Lng)
		return tx.Save(&st).Error
	})
	return &st, err
}

// ScheduleInput is a timetabled run as an admin enters it.
type ScheduleInput struct {
	DepartureMinute int
	StopMinutes     Minutes
	Weekdays        Weekdays
	VehiclePlate    string
	VehicleSeats    int
	DriverID        *int64
	Active          bool
}

// CreateShuttleSchedule adds a run to a route's timetable.
func (s *Store) CreateShuttleSchedule(ctx context.Context, routeID int64, in ScheduleInput) (*ShuttleSchedule, error) {
	sc := &ShuttleSchedule{RouteID: routeID, DepartureMinute: in.DepartureMinute, StopMinutes: in.StopMinutes,
		Weekdays: in.Weekdays, VehiclePlate: in.VehiclePlate, VehicleSeats: in.VehicleSeats, DriverID: in.DriverID, Active: in.Active}
	err := s.Tx(ctx, func(tx *Tx) error {
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
	StopMinutes     *Minutes
	Weekdays        *Weekdays
	VehiclePlate    *string
	VehicleSeats    *int
	DriverID        *int64 // 0 clears the default driver
	Active          *bool
}

// UpdateShuttleSchedule applies p. Trips of this schedule that have not
// started yet (today and later) follow the new timetable, which also resets
// a per-trip driver or vehicle change on them.
func (s *Store) UpdateShuttleSchedule(ctx context.Context, id int64, p SchedulePatch) (*ShuttleSchedule, error) {
	var sc ShuttleSchedule
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := tx.ForUpdate().Take(&sc, id).Error; err != nil {
			return NotFound(err, "schedule")
		}
		Patch(&sc.DepartureMinute, p.DepartureMinute)
		Patch(&sc.StopMinutes, p.StopMinutes)
		Patch(&sc.Weekdays, p.Weekdays)
		Patch(&sc.VehiclePlate, p.VehiclePlate)
		Patch(&sc.VehicleSeats, p.VehicleSeats)
		Patch(&sc.Active, p.Active)
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

// checkSchedule validates a schedule against its route's stops and driver.
func checkSchedule(tx *Tx, sc *ShuttleSchedule) error {
	var stops int64
	if err := tx.Model(&ShuttleStop{}).Where("route_id = ?", sc.RouteID).Count(&stops).Error; err != nil {
		return err
	}
	if stops == 0 {
		return ErrNotFound("route")
	}
	m := sc.StopMinutes
	if len(m) != int(stops) {
		return InvalidField("stop_minutes", fmt.Sprintf("must give minutes for each of the route's %d stops", stops))
	}
	if m[0] != 0 || !slices.IsSorted(m) {
		return InvalidField("stop_minutes", "must start at 0 and never decrease")
	}
	if sc.Weekdays == 0 {
		return InvalidField("weekdays", "must name at least one weekday")
	}
	if sc.DriverID != nil {
		return checkDriver(tx, *sc.DriverID, "driver_id")
	}
	return nil
}

// checkDriver requires id to be an active user holding the driver role.
func checkDriver(tx *Tx, id int64, field string) error {
	var u User
	err := tx.Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (!u.Active || !slices.Contains(u.Roles, RoleDriver))) {
		return InvalidField(field, "is not an active driver")
	}
	return err
}

// ShuttleSchedules lists all of a route's schedules by departure (admin).
func (s *Store) ShuttleSchedules(ctx context.Context, routeID int64) ([]ShuttleSchedule, error) {
	if err := s.Read(ctx).Take(&ShuttleRoute{}, routeID).Error; err != nil {
		return nil, NotFound(err, "route")
	}
	var rows []ShuttleSchedule
	return rows, s.Read(ctx).Where("route_id = ?", routeID).Order("departure_minute, id").Find(&rows).Error
}

// SetShuttleCalendarDay records a date exception (holiday or moved
// workday) and drops that date's trips that no longer run.
func (s *Store) SetShuttleCalendarDay(ctx context.Context, day ShuttleCalendarDay) error {
	return s.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("date = ?", day.Date).Delete(&ShuttleCalendarDay{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&day).Error; err != nil {
			return err
		}
		return resyncTrips(tx, tx.Where("service_date = ?", day.Date), false)
	})
}

// DeleteShuttleCalendarDay returns a date to its plain weekday timetable.
func (s *Store) DeleteShuttleCalendarDay(ctx context.Context, date Date) error {
	return s.Tx(ctx, func(tx *Tx) error {
		res := tx.Where("date = ?", date).Delete(&ShuttleCalendarDay{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound("calendar exception")
		}
		return resyncTrips(tx, tx.Where("service_date = ?", date), false)
	})
}

// ShuttleCalendar lists the date exceptions from..to (inclusive).
func (s *Store) ShuttleCalendar(ctx context.Context, from, to Date) ([]ShuttleCalendarDay, error) {
	var rows []ShuttleCalendarDay
	return rows, s.Read(ctx).Where("date >= ? AND date <= ?", from, to).Order("date").Find(&rows).Error
}
