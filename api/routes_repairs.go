package api

import (
	"context"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models"
)

// OverdueCheckEvery is how often requests are checked against their promises.
const OverdueCheckEvery = time.Minute

// mountRepairs registers the repair desk's routes and its overdue check.
func (s *Server) mountRepairs(r fiber.Router) {
	h := &handlers.Repairs{API: s.API, Blobs: handlers.DiskBlobs{Dir: filepath.Join(s.Config.DataDir, "photos")}}
	desk := handlers.Require(models.RoleDispatcher)

	// Fixed paths first: "stats" and "targets" are not ids.
	r.Get("/repairs/stats", desk, h.RepairStats)
	r.Get("/repairs/targets", h.RepairTargets)
	r.Put("/repairs/targets", handlers.Require(models.RoleAdmin), h.SetRepairTargets)
	r.Post("/repairs", h.CreateRepair)
	r.Get("/repairs", h.ListRepairs)
	r.Get("/repairs/:id", h.GetRepair)
	for _, act := range []models.RepairAction{models.RepairAssign, models.RepairStart, models.RepairResolve,
		models.RepairFeedback, models.RepairCallback, models.RepairCancel, models.RepairReject, models.RepairReopen} {
		r.Post("/repairs/:id/"+string(act), h.RepairStep(act))
	}
	r.Post("/repairs/:id/photos", h.UploadRepairPhoto)
	r.Get("/repairs/:id/photos/:photo_id", h.RepairPhoto)

	s.jobs = append(s.jobs, Job{Name: "flag overdue repairs", Every: OverdueCheckEvery, Run: func(ctx context.Context) error {
		_, err := s.Store.FlagOverdueRepairs(ctx)
		return err
	}})
}
