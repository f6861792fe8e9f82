package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

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
	return c.render(ctx.Status(status), "meetings.html", view{Title: "会务审批", Message: problem, Data: out})
}

// decide applies the desk's decision and shows the queue again, with the
// reason when it was refused.
func (c *Console) decide(ctx *fiber.Ctx, act func(id int64) error) error {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	err := act(id)
	switch store.ErrorCode(err) {
	case "":
		return ctx.Redirect(Prefix+"/meetings", http.StatusSeeOther)
	case store.CodeValidation, store.CodeConflict, store.CodeInvalidTransition, store.CodeBookingConflict:
		e := c.Explain(err)
		for _, f := range e.Fields {
			e.Message += " " + f
		}
		return c.showApprovals(ctx, e.Status, e.Message)
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
