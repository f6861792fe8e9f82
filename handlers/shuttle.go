package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/shuttle"
	"houqin/models/store"
)

type stopOut struct {
	ID   int64   `json:"id"`
	Seq  int     `json:"seq"`
	Name string  `json:"name"`
	Lat  float64 `json:"lat"`
	Lng  float64 `json:"lng"`
}

func shuttleStopOut(s shuttle.ShuttleStop) stopOut {
	return stopOut{ID: s.ID, Seq: s.Seq, Name: s.Name, Lat: s.Lat, Lng: s.Lng}
}

type routeOut struct {
	ID     int64     `json:"id"`
	Name   string    `json:"name"`
	Color  string    `json:"color"`
	Active bool      `json:"active"`
	Stops  []stopOut `json:"stops"`
}

func shuttleRouteOut(r shuttle.ShuttleRoute) routeOut {
	out := routeOut{ID: r.ID, Name: r.Name, Color: r.Color, Active: r.Active, Stops: make([]stopOut, len(r.Stops))}
	for i, s := range r.Stops {
		out.Stops[i] = shuttleStopOut(s)
	}
	return out
}

// ListShuttleRoutes lists the active routes with their stops (admins also
// see inactive ones). A short list: always one page.
func (h *Shuttle) ListShuttleRoutes(c *fiber.Ctx) error {
	rows, err := h.svc.ListRoutes(c.UserContext(), UserFrom(c).Is(store.RoleAdmin))
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, "", shuttleRouteOut))
}

type serviceOut struct {
	Runs    bool   `json:"runs"`
	Weekday *int   `json:"weekday"`
	Kind    string `json:"kind"`
	Note    string `json:"note"`
}

type routeTimetableOut struct {
	routeOut
	Date      store.Date    `json:"date"`
	Service   serviceOut    `json:"service"`
	Timetable []scheduleOut `json:"timetable"`
}

// serviceOfDay explains a date: its plain weekday, a holiday or a moved workday.
func serviceOfDay(d shuttle.ServiceDay) serviceOut {
	out := serviceOut{Runs: d.Weekday != 0, Kind: "regular"}
	if d.Weekday != 0 {
		out.Weekday = &d.Weekday
	}
	if ex := d.Exception; ex != nil {
		out.Kind, out.Note = calendarKind(*ex), ex.Note
	}
	return out
}

// GetShuttleRoute shows a route's stops and its timetable for ?date=
// (default today), with the service calendar applied.
func (h *Shuttle) GetShuttleRoute(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	date, err := QueryDate(c, "date", h.svc.Today())
	if err != nil {
		return err
	}
	u := UserFrom(c)
	e, err := h.cache.get(c.UserContext(), shuttleKey{timetable: true, date: date, route: id, admin: u.Is(store.RoleAdmin)},
		func(ctx context.Context) (any, error) {
			tt, err := h.svc.RouteTimetable(ctx, u, id, date)
			if err != nil {
				return nil, err
			}
			out := routeTimetableOut{routeOut: shuttleRouteOut(tt.Route), Date: date, Service: serviceOfDay(tt.Day),
				Timetable: make([]scheduleOut, len(tt.Schedules))}
			for i, sc := range tt.Schedules {
				out.Timetable[i] = shuttleScheduleOut(sc)
			}
			return out, nil
		})
	if err != nil {
		return err
	}
	return e.send(c)
}

type personOut struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type vehicleOut struct {
	Plate string `json:"plate"`
	Seats int    `json:"seats"`
}

type positionOut struct {
	Lat        float64   `json:"lat"`
	Lng        float64   `json:"lng"`
	Speed      *float64  `json:"speed"`
	Heading    *float64  `json:"heading"`
	RecordedAt time.Time `json:"recorded_at"`
}

type tripStopOut struct {
	StopID      int64      `json:"stop_id"`
	Seq         int        `json:"seq"`
	Name        string     `json:"name"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	ETA         *time.Time `json:"eta"`
	Passed      bool       `json:"passed"`
}

type tripOut struct {
	ID           int64              `json:"id"`
	RouteID      int64              `json:"route_id"`
	RouteName    string             `json:"route_name"`
	RouteColor   string             `json:"route_color"`
	ScheduleID   int64              `json:"schedule_id"`
	ServiceDate  store.Date         `json:"service_date"`
	DepartureAt  time.Time          `json:"departure_at"`
	Status       shuttle.TripStatus `json:"status"`
	DelayMinutes int                `json:"delay_minutes"`
	Unconfirmed  bool               `json:"unconfirmed"`
	Reason       string             `json:"reason"`
	Driver       *personOut         `json:"driver"`
	Vehicle      vehicleOut         `json:"vehicle"`
	DepartedAt   *time.Time         `json:"departed_at"`
	ArrivedAt    *time.Time         `json:"arrived_at"`
	LastPosition *positionOut       `json:"last_position"`
	Stops        []tripStopOut      `json:"stops"`
}

func shuttleTripOut(v shuttle.TripView) tripOut {
	t := v.ShuttleTrip
	out := tripOut{ID: t.ID, RouteID: t.RouteID, RouteName: v.RouteName, RouteColor: v.RouteColor, ScheduleID: t.ScheduleID,
		ServiceDate: t.ServiceDate, DepartureAt: t.DepartureAt, Status: t.Status, DelayMinutes: t.DelayMinutes, Unconfirmed: v.Unconfirmed,
		Reason: t.Reason, Vehicle: vehicleOut{Plate: t.VehiclePlate, Seats: t.VehicleSeats},
		DepartedAt: t.DepartedAt, ArrivedAt: t.ArrivedAt, Stops: make([]tripStopOut, len(v.Stops))}
	if t.DriverID != nil {
		out.Driver = &personOut{ID: *t.DriverID, Name: v.DriverName}
	}
	if t.LastPositionAt != nil {
		out.LastPosition = &positionOut{Lat: *t.LastLat, Lng: *t.LastLng, Speed: t.LastSpeed, Heading: t.LastHeading, RecordedAt: *t.LastPositionAt}
	}
	for i, s := range v.Stops {
		out.Stops[i] = tripStopOut{StopID: s.Stop.ID, Seq: s.Stop.Seq, Name: s.Stop.Name, ScheduledAt: s.ScheduledAt, ETA: s.ETA, Passed: s.Passed}
	}
	return out
}

// ListShuttleTrips lists the trips of ?date= (default today), optionally of
// one ?route_id=, with live status and estimates. Trips are created from
// the timetable on the first request for a date. Always one page.
func (h *Shuttle) ListShuttleTrips(c *fiber.Ctx) error {
	date, err := QueryDate(c, "date", h.svc.Today())
	if err != nil {
		return err
	}
	routeID, err := QueryInt(c, "route_id", 0)
	if err != nil || routeID < 0 {
		return store.InvalidField("route_id", "must be a route id")
	}
	e, err := h.cache.get(c.UserContext(), shuttleKey{date: date, route: int64(routeID)}, func(ctx context.Context) (any, error) {
		rows, err := h.svc.ListTrips(ctx, date, int64(routeID))
		return ListOf(rows, "", shuttleTripOut), err
	})
	if err != nil {
		return err
	}
	return e.send(c)
}

// GetShuttleTrip shows one trip with its estimates.
func (h *Shuttle) GetShuttleTrip(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.svc.Trip(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(shuttleTripOut(*v))
}
