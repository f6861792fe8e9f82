package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
)

// mountCalendarFeed registers the iCalendar feed on the unauthenticated
// /api/v1 group: calendar apps cannot send a bearer token, so the secret
// token in the path authenticates. It must be mounted before the
// authenticated group, whose middleware applies to every route after it.
func (s *Server) mountCalendarFeed(v1 fiber.Router) {
	v1.Get("/calendar/:token", handlers.NewMeetings(s.Meetings, s.Config.BaseURL()).CalendarFeed)
}

// mountMeetings registers the meeting-room routes (rooms, bookings, the
// desk's approvals and services sheet, the calendar feed's management) and
// the reminder and no-show sweeps.
func (s *Server) mountMeetings(r fiber.Router) {
	h := handlers.NewMeetings(s.Meetings, s.Config.BaseURL())
	desk := handlers.Require(store.RoleMeetingAdmin)

	r.Get("/rooms", h.ListRooms)
	r.Post("/rooms", desk, h.CreateRoom)
	r.Get("/rooms/:id", h.GetRoom)
	r.Patch("/rooms/:id", desk, h.UpdateRoom)
	r.Get("/rooms/:id/schedule", h.RoomSchedule)

	r.Post("/bookings", h.CreateBooking)
	r.Get("/bookings", h.ListBookings)
	r.Get("/bookings/services", desk, h.ServicesSheet)
	r.Get("/bookings/:id", h.GetBooking)
	r.Post("/bookings/:id/approve", desk, h.ApproveBooking)
	r.Post("/bookings/:id/reject", desk, h.RejectBooking)
	r.Post("/bookings/:id/cancel", h.CancelBooking)
	r.Post("/bookings/:id/check-in", h.CheckInBooking)
	r.Post("/bookings/:id/move", desk, h.MoveBooking)

	r.Post("/me/calendar-feed", carriesSecret, h.RotateCalendarFeed)
	r.Delete("/me/calendar-feed", h.RevokeCalendarFeed)

	s.jobs = append(s.jobs,
		Job{Name: "booking reminders", Every: time.Minute, Run: discardCount(s.Meetings.RemindBookings)},
		Job{Name: "release no-show bookings", Every: time.Minute, Run: discardCount(s.Meetings.ReleaseNoShows)},
		Job{Name: "expire unapproved bookings", Every: time.Minute, Run: discardCount(s.Meetings.ExpireUnapproved)},
	)
}

// discardCount adapts a sweep that reports how much it did to a Job.
func discardCount(f func(context.Context) (int, error)) func(context.Context) error {
	return func(ctx context.Context) error { _, err := f(ctx); return err }
}
