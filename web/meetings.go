package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/meeting"
	"houqin/models/store"
)

// The meeting desk (会务): the bookings waiting for approval, each with what
// else holds its room that day.
func (c *Console) mountMeetings(d fiber.Router) {
	g := d.Group("/meetings", require(store.RoleMeetingAdmin))
	g.Get("", c.approvals)
	g.Post("/:id<int>/approve", c.sameOrigin, c.csrf, c.approveBooking)
	g.Post("/:id<int>/reject", c.sameOrigin, c.csrf, c.rejectBooking)
	g.Get("/day", c.meetingDay)
	g.Post("/:id<int>/move", c.sameOrigin, c.csrf, c.moveBooking)
	g.Get("/sheet", c.servicesSheet)
}

// pendingBooking is a booking to decide with the room's other bookings
// that day, so the desk sees what it would sit beside.
type pendingBooking struct {
	meeting.Booking
	Beside []meeting.BusySlot
}

func (c *Console) approvals(ctx *fiber.Ctx) error {
	return c.showApprovals(ctx, http.StatusOK, "")
}

func (c *Console) showApprovals(ctx *fiber.Ctx, status int, problem string) error {
	a, uctx := actor(ctx), ctx.UserContext()
	rows, _, err := c.Meetings.ListBookings(uctx, a, meeting.BookingFilter{Status: meeting.BookingPending}, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return err
	}
	slices.SortFunc(rows, func(x, y meeting.Booking) int { return cmp.Compare(x.StartAt.UnixMilli(), y.StartAt.UnixMilli()) })
	out := make([]pendingBooking, len(rows))
	for i, b := range rows {
		_, slots, err := c.Meetings.RoomSchedule(uctx, a, b.RoomID, store.DateOf(b.StartAt, c.Meetings.Location))
		if err != nil {
			return err
		}
		out[i] = pendingBooking{Booking: b, Beside: slices.DeleteFunc(slots, func(s meeting.BusySlot) bool { return s.BookingID == b.ID })}
	}
	data := struct {
		Today store.Date
		Rows  []pendingBooking
	}{c.Meetings.Today(), out}
	return c.render(ctx.Status(status), "meetings.html", view{Title: "会务审批", Message: problem, Data: data})
}

// decide applies the desk's decision and shows the queue again, with the
// reason when it was refused.
func (c *Console) decide(ctx *fiber.Ctx, act func(id int64) error) error {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	err := act(id)
	if err == nil {
		return ctx.Redirect(Prefix+"/meetings", http.StatusSeeOther)
	}
	if st, status, ok := c.refusal(err); ok {
		return c.showApprovals(ctx, status, st.Text())
	}
	return err
}

func (c *Console) approveBooking(ctx *fiber.Ctx) error {
	return c.decide(ctx, func(id int64) error {
		_, err := c.Meetings.ApproveBooking(ctx.UserContext(), actor(ctx), id, meeting.ScopeThis)
		return err
	})
}

func (c *Console) rejectBooking(ctx *fiber.Ctx) error {
	return c.decide(ctx, func(id int64) error {
		_, err := c.Meetings.RejectBooking(ctx.UserContext(), actor(ctx), id, meeting.ScopeThis, ctx.FormValue("reason"))
		return err
	})
}

// slotMinutes is the day grid's column width.
const slotMinutes = 30

// dayGrid is the desk's day: rooms as rows, half-hours as columns.
type dayGrid struct {
	Date, Prev, Next store.Date
	Hours            []string // one label per hour column pair
	Rows             []gridRow
	Bookings         []meeting.Booking // the day's bookings, by room and start
	Rooms            []meeting.Room
}

type gridRow struct {
	Room  meeting.Room
	Cells []gridCell
}

// gridCell is a free half-hour (Booking nil) or a booking spanning Span
// columns.
type gridCell struct {
	Span    int
	Booking *meeting.Booking
}

// deskDate is the ?date= of a desk page, today when absent.
func (c *Console) deskDate(ctx *fiber.Ctx) (store.Date, error) {
	return c.queryDate(ctx, "date", c.Meetings.Today())
}

// dayBookings are the active rooms and the bookings holding them on d.
func (c *Console) dayBookings(ctx *fiber.Ctx, d store.Date) ([]meeting.Room, []meeting.Booking, error) {
	uctx := ctx.UserContext()
	rooms, _, err := c.Meetings.ListRooms(uctx, actor(ctx), meeting.RoomFilter{}, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(rooms, func(x, y meeting.Room) int {
		return cmp.Or(cmp.Compare(x.Building, y.Building), cmp.Compare(x.Floor, y.Floor), cmp.Compare(x.Name, y.Name))
	})
	bookings, err := c.Meetings.ServicesSheet(uctx, d)
	return rooms, bookings, err
}

func (c *Console) meetingDay(ctx *fiber.Ctx) error {
	return c.showDay(ctx, http.StatusOK, "")
}

func (c *Console) showDay(ctx *fiber.Ctx, status int, problem string) error {
	d, err := c.deskDate(ctx)
	if err != nil {
		return err
	}
	rooms, bookings, err := c.dayBookings(ctx, d)
	if err != nil {
		return err
	}
	g := c.grid(d, rooms, bookings)
	return c.render(ctx.Status(status), "meeting-day.html", view{Title: "会议室日程", Message: problem, Data: g})
}

// grid lays the bookings out from the earliest opening to the latest
// closing of the rooms (07:00–22:00 when none says).
func (c *Console) grid(d store.Date, rooms []meeting.Room, bookings []meeting.Booking) *dayGrid {
	from, to := 24*60, 0
	for _, r := range rooms {
		from, to = min(from, clockMinutes(r.OpenFrom, 7*60)), max(to, clockMinutes(r.OpenTo, 22*60))
	}
	if from >= to {
		from, to = 7*60, 22*60
	}
	from, to = from/60*60, (to+59)/60*60
	g := &dayGrid{Date: d, Prev: d.AddDays(-1), Next: d.AddDays(1), Bookings: bookings, Rooms: rooms}
	for h := from; h < to; h += 60 {
		g.Hours = append(g.Hours, fmt.Sprintf("%02d:00", h/60))
	}
	columns := (to - from) / slotMinutes
	dayStart := d.At(0, 0, c.Meetings.Location)
	minute := func(t time.Time) int { return int(t.Sub(dayStart).Minutes()) - from }
	for _, r := range rooms {
		row, at := gridRow{Room: r}, 0
		for i := range bookings {
			b := &bookings[i]
			if b.RoomID != r.ID {
				continue
			}
			start := max(minute(b.StartAt)/slotMinutes, at)
			end := min((minute(b.EndAt)+slotMinutes-1)/slotMinutes, columns)
			if end <= start {
				continue // outside the grid's hours
			}
			for ; at < start; at++ {
				row.Cells = append(row.Cells, gridCell{Span: 1})
			}
			row.Cells = append(row.Cells, gridCell{Span: end - start, Booking: b})
			at = end
		}
		for ; at < columns; at++ {
			row.Cells = append(row.Cells, gridCell{Span: 1})
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// clockMinutes reads a room's "HH:MM", or def when it has none.
func clockMinutes(s string, def int) int {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return def
	}
	return t.Hour()*60 + t.Minute()
}

// moveBooking puts a booking into another room and shows its day again.
func (c *Console) moveBooking(ctx *fiber.Ctx) error {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	room, err := strconv.ParseInt(ctx.FormValue("room_id"), 10, 64)
	if err != nil {
		return store.InvalidField("room_id", "choose a room")
	}
	b, err := c.Meetings.MoveBooking(ctx.UserContext(), actor(ctx), id, room)
	if err == nil {
		d := store.DateOf(b.StartAt, c.Meetings.Location)
		return ctx.Redirect(fmt.Sprintf("%s/meetings/day?date=%s#b%d", Prefix, d, b.ID), http.StatusSeeOther)
	}
	if st, status, ok := c.refusal(err); ok {
		return c.showDay(ctx, status, st.Text())
	}
	return err
}

// servicesSheet is the day's preparation list for the service staff,
// printed on A4.
func (c *Console) servicesSheet(ctx *fiber.Ctx) error {
	d, err := c.deskDate(ctx)
	if err != nil {
		return err
	}
	bookings, err := c.Meetings.ServicesSheet(ctx.UserContext(), d)
	if err != nil {
		return err
	}
	data := struct {
		Date     store.Date
		Weekday  string
		Bookings []meeting.Booking
		Printed  time.Time
	}{d, weekdays[d.Weekday()], bookings, c.Meetings.Now()}
	return c.render(ctx, "meeting-sheet.html", view{Title: "会议服务单 " + d.String(), Data: data})
}
