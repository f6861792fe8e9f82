package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
)

// mountShuttle registers the shuttle routes and jobs: riders read routes,
// timetables and trips and follow routes or stops; drivers report status
// and positions; admins keep routes, timetables and the service calendar.
func (s *Server) mountShuttle(r fiber.Router) {
	h := handlers.NewShuttle(s.Shuttle)
	s.shuttle = h
	admin := handlers.Require(store.RoleAdmin)
	driver := handlers.Require(store.RoleDriver)

	r.Get("/shuttle/routes", h.ListShuttleRoutes)
	r.Post("/shuttle/routes", admin, h.CreateShuttleRoute)
	r.Get("/shuttle/routes/:id", h.GetShuttleRoute)
	r.Patch("/shuttle/routes/:id", admin, h.UpdateShuttleRoute)
	r.Get("/shuttle/routes/:id/schedules", admin, h.ListShuttleSchedules)
	r.Post("/shuttle/routes/:id/schedules", admin, h.CreateShuttleSchedule)
	r.Patch("/shuttle/schedules/:id", admin, h.UpdateShuttleSchedule)
	r.Patch("/shuttle/stops/:id", admin, h.UpdateShuttleStop)
	r.Get("/shuttle/calendar", admin, h.ShuttleCalendar)
	r.Put("/shuttle/calendar/:date", admin, h.SetShuttleCalendarDay)
	r.Delete("/shuttle/calendar/:date", admin, h.DeleteShuttleCalendarDay)

	r.Get("/shuttle/trips", h.ListShuttleTrips)
	r.Get("/shuttle/trips/:id", h.GetShuttleTrip)
	r.Patch("/shuttle/trips/:id", admin, h.ReassignTrip)
	r.Post("/shuttle/trips/:id/status", driver, h.ChangeTripStatus)
	r.Post("/shuttle/trips/:id/positions", driver, h.RecordPositions)
	r.Get("/driver/trips", driver, h.DriverTrips)

	r.Get("/me/subscriptions", h.ShuttleFollows)
	r.Put("/me/subscriptions/routes/:route_id", h.FollowRoute)
	r.Delete("/me/subscriptions/routes/:route_id", h.UnfollowRoute)
	r.Put("/me/subscriptions/stops/:stop_id", h.FollowStop)
	r.Delete("/me/subscriptions/stops/:stop_id", h.UnfollowStop)

	keep := s.Config.PositionRetention
	s.jobs = append(s.jobs,
		Job{Name: "shuttle stop alerts", Every: 30 * time.Second, Run: s.Shuttle.SweepStopAlerts},
		Job{Name: "purge shuttle positions", Every: time.Hour, Run: func(ctx context.Context) error {
			return s.Shuttle.PurgePositions(ctx, keep)
		}},
	)
}
