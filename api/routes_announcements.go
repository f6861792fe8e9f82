package api

import (
	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
)

// mountAnnouncements registers the centre's notices: everyone reads, admins publish.
func (s *Server) mountAnnouncements(r fiber.Router) {
	h, admin := handlers.NewAnnouncements(s.Announcements), handlers.Require(store.RoleAdmin)
	r.Get("/announcements", h.ListAnnouncements)
	r.Post("/announcements", admin, h.CreateAnnouncement)
	r.Get("/announcements/:id", h.GetAnnouncement)
	r.Patch("/announcements/:id", admin, h.UpdateAnnouncement)
	r.Delete("/announcements/:id", admin, h.DeleteAnnouncement)
}
