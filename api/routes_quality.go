package api

import (
	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
)

// mountQuality registers the service teams: admins manage them, everyone
// sees their own (inspectors and the desk see all, to route work).
func (s *Server) mountQuality(r fiber.Router) {
	teams := handlers.NewTeams(s.Teams)
	admin := handlers.Require(store.RoleAdmin)
	r.Get("/teams", teams.ListTeams)
	r.Post("/teams", admin, teams.CreateTeam)
	r.Get("/teams/:id", teams.GetTeam)
	r.Patch("/teams/:id", admin, teams.UpdateTeam)
}
