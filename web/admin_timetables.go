package web

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// Shuttle timetables (班车时刻): per route its departures, added and changed
// through the shuttle admin service; a departure is taken off by stopping
// it (the service keeps its history, so there is no delete).
func (c *Console) mountTimetables(g fiber.Router) {
	g.Get("/shuttle", c.timetablesPage)
	g.Get("/shuttle/:id<int>", c.timetablePage)
	g.Post("/shuttle/:id<int>/schedules", c.sameOrigin, c.csrf, c.createSchedule)
	g.Post("/shuttle/:id<int>/schedules/:sid<int>", c.sameOrigin, c.csrf, c.updateSchedule)
	g.Post("/shuttle/:id<int>/schedules/:sid<int>/active", c.sameOrigin, c.csrf, c.scheduleActive)
}

// scheduleForm is a departure as the form holds it: one minutes box per
// stop.
type scheduleForm struct {
	ID           int64
	Departure    string
	Minutes      []int
	Weekdays     shuttle.Weekdays
	VehiclePlate string
	VehicleSeats int
	DriverID     int64
	Active       bool
}

type timetableData struct {
	Routes    []shuttle.ShuttleRoute
	Route     *shuttle.ShuttleRoute
	Schedules []shuttle.ShuttleSchedule
	Drivers   []people.User
	Form      scheduleForm
	formState
}

type weekday struct {
	N     int
	Label string
}

// Weekdays are the ISO weekdays with their Chinese names.
func (timetableData) Weekdays() []weekday { return isoWeekdays }

var isoWeekdays = []weekday{{1, "一"}, {2, "二"}, {3, "三"}, {4, "四"}, {5, "五"}, {6, "六"}, {7, "日"}}

// Driver is the name of the driver with id, or "".
func (d timetableData) Driver(id *int64) string {
	for _, u := range d.Drivers {
		if id != nil && u.ID == *id {
			return u.Name
		}
	}
	return ""
}

// StopTime is when departure s reaches stop i.
func (timetableData) StopTime(s shuttle.ShuttleSchedule, i int) string {
	if i >= len(s.StopMinutes) {
		return ""
	}
	return shuttle.ClockOf((s.DepartureMinute + s.StopMinutes[i]) % (24 * 60))
}

// Days names the weekdays a departure runs.
func (timetableData) Days(w shuttle.Weekdays) string {
	out := "周"
	for _, d := range isoWeekdays {
		if w.Has(d.N) {
			out += d.Label
		}
	}
	return out
}

func (c *Console) timetablesPage(ctx *fiber.Ctx) error {
	routes, err := c.Shuttle.ListRoutes(ctx.UserContext(), true)
	if err != nil {
		return err
	}
	return c.render(ctx, "admin_timetables.html", view{Title: "班车时刻", Data: timetableData{Routes: routes}})
}

func (c *Console) timetablePage(ctx *fiber.Ctx) error {
	return c.showTimetable(ctx, fiber.StatusOK, nil, formState{})
}

// showTimetable shows a route's departures with the form: f when a post
// was refused, else the departure ?edit= names, else a new one.
func (c *Console) showTimetable(ctx *fiber.Ctx, status int, f *scheduleForm, st formState) error {
	uctx, id := ctx.UserContext(), paramID(ctx, "id")
	routes, err := c.Shuttle.ListRoutes(uctx, true)
	if err != nil {
		return err
	}
	d := timetableData{Routes: routes, formState: st}
	i := slices.IndexFunc(routes, func(r shuttle.ShuttleRoute) bool { return r.ID == id })
	if i < 0 {
		return store.ErrNotFound("route")
	}
	d.Route = &routes[i]
	if d.Schedules, err = c.Shuttle.ListSchedules(uctx, id); err != nil {
		return err
	}
	active := true
	if d.Drivers, _, err = c.People.ListUsers(uctx, people.UserFilter{Role: store.RoleDriver, Active: &active}, store.Page{Limit: store.MaxPageLimit}); err != nil {
		return err
	}
	switch edit, _ := strconv.ParseInt(ctx.Query("edit"), 10, 64); {
	case f != nil:
		d.Form = *f
	case edit != 0:
		j := slices.IndexFunc(d.Schedules, func(s shuttle.ShuttleSchedule) bool { return s.ID == edit })
		if j < 0 {
			return store.ErrNotFound("schedule")
		}
		s := d.Schedules[j]
		d.Form = scheduleForm{ID: s.ID, Departure: s.Clock(), Minutes: s.StopMinutes, Weekdays: s.Weekdays,
			VehiclePlate: s.VehiclePlate, VehicleSeats: s.VehicleSeats, Active: s.Active}
		if s.DriverID != nil {
			d.Form.DriverID = *s.DriverID
		}
	default:
		d.Form = scheduleForm{Departure: "07:30", Weekdays: shuttle.WeekdaysOf(1, 2, 3, 4, 5), Active: true}
	}
	for len(d.Form.Minutes) < len(d.Route.Stops) {
		d.Form.Minutes = append(d.Form.Minutes, 0)
	}
	return c.render(ctx.Status(status), "admin_timetable.html", view{Title: "班车时刻 · " + d.Route.Name, Data: d})
}

// readSchedule reads the form; a box that is not a number reads as -1,
// which the service refuses as it refuses any other bad minutes.
func readSchedule(ctx *fiber.Ctx) (scheduleForm, error) {
	f := scheduleForm{ID: paramID(ctx, "sid"), Departure: ctx.FormValue("departure"), VehiclePlate: ctx.FormValue("vehicle_plate"),
		Active: ctx.FormValue("active") == "true"}
	for _, v := range formValues(ctx, "stop_minutes") {
		m, err := strconv.Atoi(v)
		if err != nil {
			m = -1
		}
		f.Minutes = append(f.Minutes, m)
	}
	for _, v := range formValues(ctx, "weekdays") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 7 {
			return f, store.InvalidField("weekdays", "must be weekdays from 1 (Monday) to 7 (Sunday)")
		}
		f.Weekdays |= shuttle.WeekdaysOf(n)
	}
	f.VehicleSeats, _ = strconv.Atoi(ctx.FormValue("vehicle_seats"))
	f.DriverID, _ = strconv.ParseInt(ctx.FormValue("driver_id"), 10, 64)
	return f, nil
}

// saveSchedule runs save on the form's departure and shows the route again.
func (c *Console) saveSchedule(ctx *fiber.Ctx, save func(f scheduleForm, dep int) error) error {
	f, err := readSchedule(ctx)
	if err == nil {
		var dep int
		if dep, err = shuttle.ParseDeparture(f.Departure); err == nil {
			err = save(f, dep)
		}
	}
	if st, status, ok := c.refusal(err); ok {
		return c.showTimetable(ctx, status, &f, st)
	}
	if err != nil {
		return err
	}
	return done(ctx, "/admin/shuttle/"+ctx.Params("id"))
}

func (c *Console) createSchedule(ctx *fiber.Ctx) error {
	return c.saveSchedule(ctx, func(f scheduleForm, dep int) error {
		in := shuttle.ScheduleInput{DepartureMinute: dep, StopMinutes: f.Minutes, Weekdays: f.Weekdays,
			VehiclePlate: f.VehiclePlate, VehicleSeats: f.VehicleSeats, Active: f.Active}
		if f.DriverID != 0 {
			in.DriverID = &f.DriverID
		}
		_, err := c.Shuttle.CreateSchedule(ctx.UserContext(), paramID(ctx, "id"), in)
		return err
	})
}

func (c *Console) updateSchedule(ctx *fiber.Ctx) error {
	return c.saveSchedule(ctx, func(f scheduleForm, dep int) error {
		if err := c.scheduleOfRoute(ctx); err != nil {
			return err
		}
		m := store.Ints(f.Minutes)
		_, err := c.Shuttle.UpdateSchedule(ctx.UserContext(), f.ID, shuttle.SchedulePatch{DepartureMinute: &dep, StopMinutes: &m,
			Weekdays: &f.Weekdays, VehiclePlate: &f.VehiclePlate, VehicleSeats: &f.VehicleSeats, DriverID: &f.DriverID, Active: &f.Active})
		return err
	})
}

// scheduleActive stops a departure (or runs it again) from the list.
func (c *Console) scheduleActive(ctx *fiber.Ctx) error {
	if err := c.scheduleOfRoute(ctx); err != nil {
		return err
	}
	active, err := formBool(ctx, "active")
	if err != nil {
		return err
	}
	if _, err := c.Shuttle.UpdateSchedule(ctx.UserContext(), paramID(ctx, "sid"), shuttle.SchedulePatch{Active: &active}); err != nil {
		return err
	}
	return done(ctx, "/admin/shuttle/"+ctx.Params("id"))
}

// scheduleOfRoute refuses a departure id that is not of the route in the
// address, so a page never changes another route's timetable.
func (c *Console) scheduleOfRoute(ctx *fiber.Ctx) error {
	rows, err := c.Shuttle.ListSchedules(ctx.UserContext(), paramID(ctx, "id"))
	if err != nil {
		return err
	}
	sid := paramID(ctx, "sid")
	if !slices.ContainsFunc(rows, func(s shuttle.ShuttleSchedule) bool { return s.ID == sid }) {
		return store.ErrNotFound("schedule")
	}
	return nil
}
