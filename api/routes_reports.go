package api

import (
	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
)

// mountReports registers the yearly report (admin): its figures come from
// each domain's own read-only query, composed in the handler.
func (s *Server) mountReports(r fiber.Router) {
	h := &handlers.Report{Repairs: s.Repairs, Meetings: s.Meetings, Canteen: s.Canteen, Shuttle: s.Shuttle,
		Inspections: s.Inspections, Complaints: s.Complaints, Announcements: s.Announcements, Term: messages.For("zh").Term}
	r.Get("/reports/summary", handlers.Require(store.RoleAdmin), h.Summary)
}
