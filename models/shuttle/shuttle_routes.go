package shuttle

import (
	"context"

	"gorm.io/gorm"

	"houqin/models/store"
)

func withStops(q *gorm.DB) *gorm.DB {
	return q.Preload("Stops", func(q *gorm.DB) *gorm.DB { return q.Order("seq") })
}

// ListRoutes lists routes with their stops by name; inactive ones only
// when asked (admins).
func (s *Service) ListRoutes(ctx context.Context, withInactive bool) (_ []ShuttleRoute, err error) {
	defer store.Wrap(&err, "shuttle list routes")
	q := withStops(s.Read(ctx))
	if !withInactive {
		q = q.Where("active = ?", true)
	}
	var rows []ShuttleRoute
	return rows, q.Order("name, id").Find(&rows).Error
}

// RouteTimetable is a route's stops and the schedules that run on a date.
type RouteTimetable struct {
	Route     ShuttleRoute
	Day       ServiceDay
	Schedules []ShuttleSchedule
}

// RouteTimetable returns a route with its timetable for date, the
// service calendar applied. Inactive routes are visible to admins only.
func (s *Service) RouteTimetable(ctx context.Context, a store.Actor, id int64, date store.Date) (_ *RouteTimetable, err error) {
	defer store.Wrap(&err, "shuttle route timetable")
	var tt RouteTimetable
	db := s.Read(ctx)
	if err := withStops(db).Take(&tt.Route, id).Error; err != nil {
		return nil, store.NotFound(err, "route")
	}
	if !tt.Route.Active && !a.Is(store.RoleAdmin) {
		return nil, store.ErrNotFound("route")
	}
	if tt.Day, err = serviceDay(db, date); err != nil {
		return nil, err
	}
	tt.Schedules, err = runningSchedules(db, date, id)
	return &tt, err
}
