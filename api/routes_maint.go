package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
)

// mountMaint registers planned maintenance: the desk (dispatchers, admins)
// manages assets and plans and sees every work order; technicians read
// assets and plans and work their orders; staff see none of it. The jobs
// generate work orders ahead of their dates and flag overdue ones.
func (s *Server) mountMaint(r fiber.Router) {
	h := handlers.NewMaint(s.Maint)
	desk := handlers.Require(store.RoleDispatcher)
	crew := handlers.Require(store.RoleDispatcher, store.RoleTechnician)

	r.Get("/assets", crew, h.ListAssets)
	r.Post("/assets", desk, h.CreateAsset)
	r.Post("/assets/import", desk, h.ImportAssets)
	r.Get("/assets/:id", crew, h.GetAsset)
	r.Patch("/assets/:id", desk, h.UpdateAsset)
	r.Post("/assets/:id/photos", crew, h.UploadPhoto(true))
	r.Get("/assets/:id/photos/:photo_id", crew, h.Photo(true))

	r.Get("/maintenance/plans", crew, h.ListPlans)
	r.Post("/maintenance/plans", desk, h.CreatePlan)
	r.Get("/maintenance/plans/:id", crew, h.GetPlan)
	r.Patch("/maintenance/plans/:id", desk, h.UpdatePlan)
	r.Get("/maintenance/calendar", crew, h.Calendar)

	r.Get("/work-orders", crew, h.ListWorkOrders)
	r.Get("/work-orders/:id", crew, h.GetWorkOrder)
	r.Post("/work-orders/:id/start", crew, h.StartWorkOrder)
	r.Post("/work-orders/:id/checks", crew, h.CheckWorkOrderItem)
	r.Post("/work-orders/:id/readings", crew, h.AddWorkOrderReadings)
	r.Post("/work-orders/:id/complete", crew, h.CompleteWorkOrder)
	r.Post("/work-orders/:id/skip", crew, h.SkipWorkOrder)
	r.Post("/work-orders/:id/postpone", crew, h.PostponeWorkOrder)
	r.Post("/work-orders/:id/assign", desk, h.AssignWorkOrder)
	r.Post("/work-orders/:id/problems", crew, h.ReportWorkOrderProblem)
	r.Post("/work-orders/:id/photos", crew, h.UploadPhoto(false))
	r.Get("/work-orders/:id/photos/:photo_id", crew, h.Photo(false))

	s.jobs = append(s.jobs,
		Job{Name: "generate work orders", Every: MaintJobEvery, Run: discardCount(s.Maint.Generate)},
		Job{Name: "flag overdue work orders", Every: MaintJobEvery, Run: discardCount(s.Maint.FlagOverdue)},
	)
}

// MaintJobEvery is how often plans and work orders are swept: their dates
// are days, so a few minutes late is never late.
const MaintJobEvery = 5 * time.Minute
