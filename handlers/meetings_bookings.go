package handlers

import (
	"bytes"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/meeting"
	"houqin/models/store"
)

type bookingResponse struct {
	ID              int64                 `json:"id"`
	RoomID          int64                 `json:"room_id"`
	RoomName        string                `json:"room_name"`
	OrganizerID     int64                 `json:"organizer_id"`
	OrganizerName   string                `json:"organizer_name"`
	SeriesID        *int64                `json:"series_id"`
	Title           string                `json:"title"`
	StartAt         time.Time             `json:"start_at"`
	EndAt           time.Time             `json:"end_at"`
	Attendees       int                   `json:"attendees"`
	Services        []string              `json:"services"`
	Note            string                `json:"note"`
	Status          meeting.BookingStatus `json:"status"`
	Reason          string                `json:"reason"`
	CheckInRequired bool                  `json:"check_in_required"`
	CheckedInAt     *time.Time            `json:"checked_in_at"`
	CreatedAt       time.Time             `json:"created_at"`
	UpdatedAt       time.Time             `json:"updated_at"`
}

func (h *Meetings) bookingOut(b meeting.Booking) bookingResponse {
	out := bookingResponse{ID: b.ID, RoomID: b.RoomID, OrganizerID: b.OrganizerID, SeriesID: b.SeriesID, Title: b.Title,
		StartAt: b.StartAt, EndAt: b.EndAt, Attendees: b.Attendees, Services: b.Services, Note: b.Note,
		Status: b.Status, Reason: b.Reason, CheckInRequired: b.CheckInRequired, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
		CheckedInAt: b.CheckedInAt}
	if b.Room != nil {
		out.RoomName = b.Room.Name
	}
	if b.Organizer != nil {
		out.OrganizerName = b.Organizer.Name
	}
	return out
}

type bookingRepeatRequest struct {
	Frequency string     `json:"frequency" validate:"required,oneof=daily weekly"`
	Until     store.Date `json:"until" validate:"required"`
}

type createBookingRequest struct {
	RoomID    int64                 `json:"room_id" validate:"required,gt=0"`
	Title     string                `json:"title" validate:"required,max=200"`
	StartAt   time.Time             `json:"start_at" validate:"required"`
	EndAt     time.Time             `json:"end_at" validate:"required"`
	Attendees int                   `json:"attendees" validate:"required,min=1,max=2000"`
	Services  []string              `json:"services" validate:"max=10"`
	Note      string                `json:"note" validate:"max=500"`
	Repeat    *bookingRepeatRequest `json:"repeat"`
}

type occurrenceResponse struct {
	ID      int64     `json:"id"`
	StartAt time.Time `json:"start_at"`
	EndAt   time.Time `json:"end_at"`
}

type createBookingResponse struct {
	bookingResponse
	// Occurrences lists every meeting of a series (absent for one booking).
	Occurrences []occurrenceResponse `json:"occurrences,omitempty"`
}

// CreateBooking books a room, or a daily/weekly series all-or-nothing. It
// answers with the (first) booking; a collision is 409 booking_conflict
// listing the busy slots.
func (h *Meetings) CreateBooking(c *fiber.Ctx) error {
	var req createBookingRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	in := meeting.BookingInput{RoomID: req.RoomID, Title: req.Title, Note: req.Note, StartAt: req.StartAt, EndAt: req.EndAt,
		Attendees: req.Attendees, Services: req.Services}
	if req.Repeat != nil {
		in.Repeat = &meeting.Recurrence{Frequency: req.Repeat.Frequency, Until: req.Repeat.Until}
	}
	me := UserFrom(c)
	rows, err := h.svc.CreateBooking(c.UserContext(), me, in)
	if err != nil {
		return err
	}
	out := createBookingResponse{bookingResponse: h.bookingOut(rows[0])}
	out.OrganizerName = me.Name
	if req.Repeat != nil {
		for _, b := range rows {
			out.Occurrences = append(out.Occurrences, occurrenceResponse{ID: b.ID, StartAt: b.StartAt, EndAt: b.EndAt})
		}
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// ListBookings lists bookings: staff see their own; the desk sees all, or
// its own with ?mine=true. Filters: ?status=, ?date=, ?room_id=.
func (h *Meetings) ListBookings(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	mine, err := QueryBool(c, "mine")
	if err != nil {
		return err
	}
	d, err := QueryDate(c, "date", store.Date{})
	if err != nil {
		return err
	}
	room, err := QueryInt(c, "room_id", 0)
	if err != nil {
		return err
	}
	f := meeting.BookingFilter{Mine: mine != nil && *mine, Date: d, RoomID: int64(room), Status: meeting.BookingStatus(c.Query("status"))}
	switch f.Status {
	case "", meeting.BookingPending, meeting.BookingApproved, meeting.BookingRejected, meeting.BookingCancelled, meeting.BookingReleased:
	default:
		return store.InvalidField("status", "must be one of: pending, approved, rejected, cancelled, released")
	}
	rows, next, err := h.svc.ListBookings(c.UserContext(), UserFrom(c), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, h.bookingOut))
}

// GetBooking returns one booking (its organiser or the desk).
func (h *Meetings) GetBooking(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	b, err := h.svc.Booking(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return c.JSON(h.bookingOut(*b))
}

// decodeIfBody is Decode for actions whose body may be left out.
func decodeIfBody(c *fiber.Ctx, dst any) error {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return Validate(dst)
	}
	return Decode(c, dst)
}

type bookingScopeRequest struct {
	Scope meeting.SeriesScope `json:"scope" validate:"omitempty,oneof=this following"`
}

type rejectBookingRequest struct {
	Reason string              `json:"reason" validate:"required,max=500"`
	Scope  meeting.SeriesScope `json:"scope" validate:"omitempty,oneof=this following"`
}

type cancelBookingRequest struct {
	Reason string              `json:"reason" validate:"max=500"`
	Scope  meeting.SeriesScope `json:"scope" validate:"omitempty,oneof=this following"`
}

// bookingAction runs one action on the booking in the path and answers
// with the booking.
func (h *Meetings) bookingAction(c *fiber.Ctx, req any, act func(id int64) (*meeting.Booking, error)) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	if req != nil {
		if err := decodeIfBody(c, req); err != nil {
			return err
		}
	}
	b, err := act(id)
	if err != nil {
		return err
	}
	return c.JSON(h.bookingOut(*b))
}

// ApproveBooking approves a pending booking, or with scope "following" the
// rest of its series (meeting_admin).
func (h *Meetings) ApproveBooking(c *fiber.Ctx) error {
	var req bookingScopeRequest
	return h.bookingAction(c, &req, func(id int64) (*meeting.Booking, error) {
		return h.svc.ApproveBooking(c.UserContext(), UserFrom(c), id, req.Scope)
	})
}

// RejectBooking rejects a pending booking with a reason (meeting_admin).
func (h *Meetings) RejectBooking(c *fiber.Ctx) error {
	var req rejectBookingRequest
	return h.bookingAction(c, &req, func(id int64) (*meeting.Booking, error) {
		return h.svc.RejectBooking(c.UserContext(), UserFrom(c), id, req.Scope, req.Reason)
	})
}

// CancelBooking cancels a booking, or with scope "following" the rest of
// its series (the organiser or the desk).
func (h *Meetings) CancelBooking(c *fiber.Ctx) error {
	var req cancelBookingRequest
	return h.bookingAction(c, &req, func(id int64) (*meeting.Booking, error) {
		return h.svc.CancelBooking(c.UserContext(), UserFrom(c), id, req.Scope, req.Reason)
	})
}

// CheckInBooking records that the meeting has started (the organiser or the desk).
func (h *Meetings) CheckInBooking(c *fiber.Ctx) error {
	return h.bookingAction(c, nil, func(id int64) (*meeting.Booking, error) {
		return h.svc.CheckInBooking(c.UserContext(), UserFrom(c), id)
	})
}

type moveBookingRequest struct {
	RoomID int64 `json:"room_id" validate:"required,gt=0"`
}

// MoveBooking moves a booking to another free room (meeting_admin).
func (h *Meetings) MoveBooking(c *fiber.Ctx) error {
	var req moveBookingRequest
	return h.bookingAction(c, &req, func(id int64) (*meeting.Booking, error) {
		return h.svc.MoveBooking(c.UserContext(), UserFrom(c), id, req.RoomID)
	})
}

type servicesSheetItem struct {
	BookingID      int64                 `json:"booking_id"`
	Title          string                `json:"title"`
	StartAt        time.Time             `json:"start_at"`
	EndAt          time.Time             `json:"end_at"`
	Status         meeting.BookingStatus `json:"status"`
	Attendees      int                   `json:"attendees"`
	Services       []string              `json:"services"`
	Note           string                `json:"note"`
	OrganizerName  string                `json:"organizer_name"`
	OrganizerPhone string                `json:"organizer_phone"`
	Department     string                `json:"department"`
}

type servicesSheetRoom struct {
	RoomID   int64               `json:"room_id"`
	RoomName string              `json:"room_name"`
	Building string              `json:"building"`
	Floor    int                 `json:"floor"`
	Bookings []servicesSheetItem `json:"bookings"`
}

type servicesSheet struct {
	Date  store.Date          `json:"date"`
	Rooms []servicesSheetRoom `json:"rooms"`
}

// ServicesSheet is the desk's list of what to prepare on ?date= (default
// today), room by room (meeting_admin).
func (h *Meetings) ServicesSheet(c *fiber.Ctx) error {
	d, err := QueryDate(c, "date", h.svc.Today())
	if err != nil {
		return err
	}
	rows, err := h.svc.ServicesSheet(c.UserContext(), d)
	if err != nil {
		return err
	}
	out := servicesSheet{Date: d, Rooms: []servicesSheetRoom{}}
	for _, b := range rows {
		if n := len(out.Rooms); n == 0 || out.Rooms[n-1].RoomID != b.RoomID {
			out.Rooms = append(out.Rooms, servicesSheetRoom{RoomID: b.RoomID, RoomName: b.Room.Name, Building: b.Room.Building, Floor: b.Room.Floor})
		}
		r := &out.Rooms[len(out.Rooms)-1]
		r.Bookings = append(r.Bookings, servicesSheetItem{BookingID: b.ID, Title: b.Title, StartAt: b.StartAt, EndAt: b.EndAt,
			Status: b.Status, Attendees: b.Attendees, Services: b.Services, Note: b.Note, OrganizerName: b.Organizer.Name,
			OrganizerPhone: b.Organizer.Phone, Department: b.Organizer.Department})
	}
	return c.JSON(out)
}
