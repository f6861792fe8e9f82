package handlers

import (
	"github.com/gofiber/fiber/v2"

	"houqin/models/repair"
)

// TechnicianOut is a technician the desk can assign to, with their load.
type TechnicianOut struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Phone      string `json:"phone"`
	Department string `json:"department"`
	Assigned   int    `json:"assigned"`
	InProgress int    `json:"in_progress"`
	Open       int    `json:"open"`
}

func technicianOut(t repair.TechnicianLoad) TechnicianOut {
	return TechnicianOut{ID: t.ID, Name: t.Name, Phone: t.Phone, Department: t.Department,
		Assigned: t.Assigned, InProgress: t.InProgress, Open: t.Assigned + t.InProgress}
}

// RepairTechnicians lists the active technicians with their open load
// (dispatcher): whom to assign a request to.
func (h *Repairs) RepairTechnicians(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	rows, next, err := h.svc.Technicians(c.UserContext(), page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, technicianOut))
}
