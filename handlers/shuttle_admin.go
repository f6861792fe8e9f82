package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/shuttle"
	"houqin/models/store"
)

type stopRequest struct {
	Name string   `json:"name" validate:"required,max=100"`
	Lat  *float64 `json:"lat" validate:"required,latitude"`
	Lng  *float64 `json:"lng" validate:"required,longitude"`
}

type createRouteRequest struct {
	Name   string        `json:"name" validate:"required,max=100"`
	Color  string        `json:"color" validate:"omitempty,hexcolor,len=7"`
	Active *bool         `json:"active"`
	Stops  []stopRequest `json:"stops" validate:"required,min=2,max=50,dive"`
}

// CreateShuttleRoute adds a route with its stops in order (admin).
func (h *Shuttle) CreateShuttleRoute(c *fiber.Ctx) error {
	var req createRouteRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	in := shuttle.RouteInput{Name: req.Name, Color: req.Color, Active: req.Active == nil || *req.Active}
	for _, s := range req.Stops {
		in.Stops = append(in.Stops, shuttle.StopInput{Name: s.Name, Lat: *s.Lat, Lng: *s.Lng})
	}
	r, err := h.svc.CreateRoute(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(shuttleRouteOut(*r))
}

type updateRouteRequest struct {
	Name   *string `json:"name" validate:"omitempty,min=1,max=100"`
	Color  *string `json:"color" validate:"omitempty,hexcolor,len=7"`
	Active *bool   `json:"active"`
}

// UpdateShuttleRoute renames, recolours or (de)activates a route (admin).
func (h *Shuttle) UpdateShuttleRoute(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req updateRouteRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.UpdateRoute(c.UserContext(), id, shuttle.RoutePatch{Name: req.Name, Color: req.Color, Active: req.Active})
	if err != nil {
		return err
	}
	return c.JSON(shuttleRouteOut(*r))
}

type updateStopRequest struct {
	Name *string  `json:"name" validate:"omitempty,min=1,max=100"`
	Lat  *float64 `json:"lat" validate:"omitempty,latitude"`
	Lng  *float64 `json:"lng" validate:"omitempty,longitude"`
}

// UpdateShuttleStop corrects a stop's name or place (admin).
func (h *Shuttle) UpdateShuttleStop(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req updateStopRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	s, err := h.svc.UpdateStop(c.UserContext(), id, shuttle.StopPatch{Name: req.Name, Lat: req.Lat, Lng: req.Lng})
	if err != nil {
		return err
	}
	return c.JSON(shuttleStopOut(*s))
}

type scheduleOut struct {
	ID          int64      `json:"id"`
	RouteID     int64      `json:"route_id"`
	Departure   string     `json:"departure"`
	StopMinutes []int      `json:"stop_minutes"`
	StopTimes   []string   `json:"stop_times"`
	Weekdays    []int      `json:"weekdays"`
	Vehicle     vehicleOut `json:"vehicle"`
	DriverID    *int64     `json:"driver_id"`
	Active      bool       `json:"active"`
}

func shuttleScheduleOut(s shuttle.ShuttleSchedule) scheduleOut {
	out := scheduleOut{ID: s.ID, RouteID: s.RouteID, Departure: s.Clock(), StopMinutes: s.StopMinutes,
		StopTimes: make([]string, len(s.StopMinutes)), Weekdays: s.Weekdays.List(),
		Vehicle: vehicleOut{Plate: s.VehiclePlate, Seats: s.VehicleSeats}, DriverID: s.DriverID, Active: s.Active}
	for i, m := range s.StopMinutes {
		out.StopTimes[i] = shuttle.ClockOf((s.DepartureMinute + m) % (24 * 60))
	}
	return out
}

// ListShuttleSchedules lists every schedule of a route (admin).
func (h *Shuttle) ListShuttleSchedules(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	rows, err := h.svc.ListSchedules(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, "", shuttleScheduleOut))
}

type scheduleRequest struct {
	Departure    string `json:"departure" validate:"required"`
	StopMinutes  []int  `json:"stop_minutes" validate:"required,min=1,max=50"`
	Weekdays     []int  `json:"weekdays" validate:"required,min=1,max=7,dive,gte=1,lte=7"`
	VehiclePlate string `json:"vehicle_plate"`
	VehicleSeats int    `json:"vehicle_seats"`
	DriverID     *int64 `json:"driver_id" validate:"omitempty,gt=0"`
	Active       *bool  `json:"active"`
}

// CreateShuttleSchedule adds a run to a route's timetable (admin).
func (h *Shuttle) CreateShuttleSchedule(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req scheduleRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	dep, err := shuttle.ParseDeparture(req.Departure)
	if err != nil {
		return err
	}
	sc, err := h.svc.CreateSchedule(c.UserContext(), id, shuttle.ScheduleInput{DepartureMinute: dep,
		StopMinutes: req.StopMinutes, Weekdays: shuttle.WeekdaysOf(req.Weekdays...), VehiclePlate: req.VehiclePlate,
		VehicleSeats: req.VehicleSeats, DriverID: req.DriverID, Active: req.Active == nil || *req.Active})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(shuttleScheduleOut(*sc))
}

type updateScheduleRequest struct {
	Departure    *string `json:"departure"`
	StopMinutes  []int   `json:"stop_minutes" validate:"omitempty,min=1,max=50"`
	Weekdays     []int   `json:"weekdays" validate:"omitempty,min=1,max=7,dive,gte=1,lte=7"`
	VehiclePlate *string `json:"vehicle_plate"`
	VehicleSeats *int    `json:"vehicle_seats"`
	DriverID     *int64  `json:"driver_id" validate:"omitempty,gte=0"`
	Active       *bool   `json:"active"`
}

// UpdateShuttleSchedule changes a run of the timetable (admin); trips not
// yet started follow it.
func (h *Shuttle) UpdateShuttleSchedule(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req updateScheduleRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	p := shuttle.SchedulePatch{VehiclePlate: req.VehiclePlate, VehicleSeats: req.VehicleSeats, DriverID: req.DriverID, Active: req.Active}
	if req.Departure != nil {
		dep, err := shuttle.ParseDeparture(*req.Departure)
		if err != nil {
			return err
		}
		p.DepartureMinute = &dep
	}
	if req.StopMinutes != nil {
		m := store.Ints(req.StopMinutes)
		p.StopMinutes = &m
	}
	if req.Weekdays != nil {
		w := shuttle.WeekdaysOf(req.Weekdays...)
		p.Weekdays = &w
	}
	sc, err := h.svc.UpdateSchedule(c.UserContext(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(shuttleScheduleOut(*sc))
}

type calendarDayOut struct {
	Date   store.Date `json:"date"`
	Kind   string     `json:"kind"`
	RunsAs *int       `json:"runs_as"`
	Note   string     `json:"note"`
}

func calendarKind(d shuttle.ShuttleCalendarDay) string {
	if d.NoService {
		return "holiday"
	}
	return "workday"
}

func shuttleCalendarDayOut(d shuttle.ShuttleCalendarDay) calendarDayOut {
	out := calendarDayOut{Date: d.Date, Kind: calendarKind(d), Note: d.Note}
	if !d.NoService {
		out.RunsAs = &d.RunsAs
	}
	return out
}

// ShuttleCalendar lists the calendar exceptions from ?from= (default
// today) to ?to= (default a year later). Always one page.
func (h *Shuttle) ShuttleCalendar(c *fiber.Ctx) error {
	from, err := QueryDate(c, "from", h.svc.Today())
	if err != nil {
		return err
	}
	to, err := QueryDate(c, "to", from.AddDays(366))
	if err != nil {
		return err
	}
	rows, err := h.svc.Calendar(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, "", shuttleCalendarDayOut))
}

type calendarDayRequest struct {
	Kind   string `json:"kind" validate:"required,oneof=holiday workday"`
	RunsAs *int   `json:"runs_as" validate:"required_if=Kind workday,excluded_if=Kind holiday"`
	Note   string `json:"note"`
}

func paramDate(c *fiber.Ctx) (store.Date, error) {
	d, err := store.ParseDate(strings.Clone(c.Params("date")))
	if err != nil {
		return d, store.InvalidDate("date")
	}
	return d, nil
}

// SetShuttleCalendarDay makes a date a holiday (no service) or a moved
// workday (调休) running the timetable of weekday runs_as (admin).
func (h *Shuttle) SetShuttleCalendarDay(c *fiber.Ctx) error {
	date, err := paramDate(c)
	if err != nil {
		return err
	}
	var req calendarDayRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	day := shuttle.ShuttleCalendarDay{Date: date, NoService: req.Kind == "holiday", Note: req.Note}
	if req.RunsAs != nil {
		day.RunsAs = *req.RunsAs
	}
	if err := h.svc.SetCalendarDay(c.UserContext(), day); err != nil {
		return err
	}
	return c.JSON(shuttleCalendarDayOut(day))
}

// DeleteShuttleCalendarDay returns a date to its plain weekday (admin).
func (h *Shuttle) DeleteShuttleCalendarDay(c *fiber.Ctx) error {
	date, err := paramDate(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteCalendarDay(c.UserContext(), date); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type reassignTripRequest struct {
	DriverID     *int64  `json:"driver_id" validate:"omitempty,gt=0"`
	VehiclePlate *string `json:"vehicle_plate" validate:"omitempty,max=20"`
	VehicleSeats *int    `json:"vehicle_seats" validate:"omitempty,gte=0,lte=100"`
}

// ReassignTrip changes the driver or vehicle of one dated trip (admin).
func (h *Shuttle) ReassignTrip(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req reassignTripRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	p := shuttle.TripPatch{DriverID: req.DriverID, VehiclePlate: req.VehiclePlate, VehicleSeats: req.VehicleSeats}
	if err := h.svc.ReassignTrip(c.UserContext(), id, p); err != nil {
		return err
	}
	return h.GetShuttleTrip(c)
}
