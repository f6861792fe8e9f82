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
func (s *Service) ListRoutes(ctx context.Context, withInactive bool) ([]ShuttleRoute, error) {
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
func (s *Service) RouteTimetable(ctx context.Context, a store.Actor, id int64, date store.Date) (*RouteTimetable, error) {
	var tt RouteTimetable
	db := s.Read(ctx)
	if err := withStops(db).Take(&tt.Route, id).Error; err != nil {
		return nil, store.NotFound(err, "route")
	}
	if !tt.Route.Active && !a.Is(store.RoleAdmin) {
		return nil, store.ErrNotFound("route")
	}
	var err error
	if tt.Day, err = serviceDay(db, date); err != nil {
		return nil, err
	}
	tt.Schedules, err = runningSchedules(db, date, id)
	return &tt, err
}
