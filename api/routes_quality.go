package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/store"
)

// mountQuality registers the service teams (admins manage them, everyone
// sees their own; inspectors and the desk see all, to route work) and the
// inspections: inspectors record them and check fixes, teams fix the
// problems found (the service checks the team), and a sweep pushes team
// leads about problems past their deadline; and the complaints box: anyone
// files, the desk routes, teams reply (the service checks each party), and
// a sweep alerts the desk to late replies; and the monthly assessment
// (admins configure it and see every team, team leads their own).
func (s *Server) mountQuality(r fiber.Router) {
	teams := handlers.NewTeams(s.Teams)
	admin := handlers.Require(store.RoleAdmin)
	r.Get("/teams", teams.ListTeams)
	r.Post("/teams", admin, teams.CreateTeam)
	r.Get("/teams/:id", teams.GetTeam)
	r.Patch("/teams/:id", admin, teams.UpdateTeam)

	ins := handlers.NewInspections(s.Inspections)
	inspector := handlers.Require(store.RoleInspector)
	r.Get("/inspections", inspector, ins.ListInspections)
	r.Post("/inspections", inspector, ins.CreateInspection)
	r.Get("/inspections/:id", inspector, ins.GetInspection)
	r.Get("/inspection-problems", ins.ListProblems)
	r.Get("/inspection-problems/:id", ins.GetProblem)
	for _, act := range inspect.Actions {
		r.Post("/inspection-problems/:id/"+string(act), ins.ProblemStep(act))
	}
	r.Post("/inspection-problems/:id/photos", ins.UploadProblemPhoto)
	r.Get("/inspection-problems/:id/photos/:photo_id", ins.ProblemPhoto)

	box := handlers.NewComplaints(s.Complaints)
	r.Post("/complaints", box.FileComplaint)
	r.Get("/complaints", box.ListComplaints)
	r.Get("/complaints/:id", box.GetComplaint)
	for _, act := range complaint.Actions {
		r.Post("/complaints/:id/"+string(act), box.ComplaintStep(act))
	}
	r.Post("/complaints/:id/photos", box.UploadComplaintPhoto)
	r.Get("/complaints/:id/photos/:photo_id", box.ComplaintPhoto)

	scores := handlers.NewAssessment(s.Assessment)
	r.Get("/assessment", scores.GetAssessment)
	r.Get("/assessment/indicators", admin, scores.AssessmentWeights)
	r.Put("/assessment/indicators", admin, scores.SetAssessmentWeights)

	s.jobs = append(s.jobs,
		Job{Name: "flag overdue inspection problems", Every: time.Minute, Run: discardCount(s.Inspections.FlagOverdue)},
		Job{Name: "flag overdue complaints", Every: time.Minute, Run: discardCount(s.Complaints.FlagOverdue)})
}
