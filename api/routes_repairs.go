package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/repair"
	"houqin/models/store"
)

// OverdueCheckEvery is how often requests are checked against their promises.
const OverdueCheckEvery = time.Minute

// mountRepairs registers the repair desk's routes and its overdue check.
func (s *Server) mountRepairs(r fiber.Router) {
	h := handlers.NewRepairs(s.Repairs, s.Stock, s.Maint)
	desk := handlers.Require(store.RoleDispatcher)

	// Fixed paths first: "stats", "technicians" and "targets" are not ids.
	r.Get("/repairs/stats", desk, h.RepairStats)
	r.Get("/repairs/technicians", desk, h.RepairTechnicians)
	r.Get("/repairs/targets", h.RepairTargets)
	r.Put("/repairs/targets", handlers.Require(store.RoleAdmin), h.SetRepairTargets)
	r.Post("/repairs", h.CreateRepair)
	r.Get("/repairs", h.ListRepairs)
	r.Get("/repairs/:id", h.GetRepair)
	for _, act := range []repair.RepairAction{repair.RepairAssign, repair.RepairStart, repair.RepairResolve,
		repair.RepairFeedback, repair.RepairCallback, repair.RepairCancel, repair.RepairReject, repair.RepairReopen} {
		r.Post("/repairs/:id/"+string(act), h.RepairStep(act))
	}
	r.Post("/repairs/:id/photos", h.UploadRepairPhoto)
	r.Get("/repairs/:id/photos/:photo_id", h.RepairPhoto)

	s.jobs = append(s.jobs, Job{Name: "flag overdue repairs", Every: OverdueCheckEvery, Run: func(ctx context.Context) error {
		_, err := s.Repairs.FlagOverdue(ctx)
		return err
	}})
}
