package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/shuttle"
)

// DriverTrips lists the caller's trips on ?date= (default today).
func (h *Shuttle) DriverTrips(c *fiber.Ctx) error {
	date, err := QueryDate(c, "date", h.svc.Today())
	if err != nil {
		return err
	}
	rows, err := h.svc.DriverTrips(c.UserContext(), UserFrom(c).ID, date)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, "", shuttleTripOut))
}

type tripStatusRequest struct {
	Status       shuttle.TripStatus `json:"status" validate:"required,enum"`
	DelayMinutes *int               `json:"delay_minutes" validate:"omitempty,gte=0,lte=600"`
	Reason       string             `json:"reason" validate:"max=200"`
}

// ChangeTripStatus records a driver's status or delay report (assigned
// driver or admin).
func (h *Shuttle) ChangeTripStatus(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req tripStatusRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	ch := shuttle.TripStatusInput{Status: req.Status, DelayMinutes: req.DelayMinutes, Reason: req.Reason}
	if _, err := h.svc.ChangeTripStatus(c.UserContext(), UserFrom(c), id, ch); err != nil {
		return err
	}
	return h.GetShuttleTrip(c)
}

type fixRequest struct {
	Lat        *float64   `json:"lat" validate:"required,latitude"`
	Lng        *float64   `json:"lng" validate:"required,longitude"`
	Speed      *float64   `json:"speed" validate:"omitempty,gte=0,lte=100"`
	Heading    *float64   `json:"heading" validate:"omitempty,gte=0,lte=360"`
	RecordedAt *time.Time `json:"recorded_at" validate:"required"`
}

type positionsRequest struct {
	Positions []fixRequest `json:"positions" validate:"required,min=1,max=500,dive"`
}

type positionsOut struct {
	Accepted   int                   `json:"accepted"`
	Duplicates int                   `json:"duplicates"`
	Rejected   []shuttle.RejectedFix `json:"rejected"`
}

// RecordPositions takes a batch of GPS fixes from the trip's driver.
func (h *Shuttle) RecordPositions(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req positionsRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	fixes := make([]shuttle.Fix, len(req.Positions))
	for i, p := range req.Positions {
		fixes[i] = shuttle.Fix{Lat: *p.Lat, Lng: *p.Lng, Speed: p.Speed, Heading: p.Heading, RecordedAt: p.RecordedAt.UTC()}
	}
	res, err := h.svc.RecordPositions(c.UserContext(), UserFrom(c), id, fixes)
	if err != nil {
		return err
	}
	return c.JSON(positionsOut{Accepted: res.Accepted, Duplicates: res.Duplicates, Rejected: res.Rejected})
}
