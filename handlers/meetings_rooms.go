package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/meeting"
	"houqin/models/store"
)

type roomResponse struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name"`
	Building         string    `json:"building"`
	Floor            int       `json:"floor"`
	Capacity         int       `json:"capacity"`
	Equipment        []string  `json:"equipment"`
	PhotoURL         string    `json:"photo_url"`
	RequiresApproval bool      `json:"requires_approval"`
	RequiresCheckIn  bool      `json:"requires_check_in"`
	OpenFrom         string    `json:"open_from"`
	OpenTo           string    `json:"open_to"`
	HorizonDays      int       `json:"horizon_days"`
	Active           bool      `json:"active"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func (h *Meetings) roomOut(r meeting.Room) roomResponse {
	return roomResponse{ID: r.ID, Name: r.Name, Building: r.Building, Floor: r.Floor, Capacity: r.Capacity,
		Equipment: r.Equipment, PhotoURL: r.PhotoURL, RequiresApproval: r.RequiresApproval, RequiresCheckIn: r.RequiresCheckIn,
		OpenFrom: r.OpenFrom, OpenTo: r.OpenTo, HorizonDays: r.HorizonDays, Active: r.Active, UpdatedAt: r.UpdatedAt}
}

// ListRooms searches rooms: ?capacity= (at least), ?equipment=a,b (all of),
// and ?from=&to= (free and open for that whole interval).
func (h *Meetings) ListRooms(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	capacity, err := QueryInt(c, "capacity", 0)
	if err != nil {
		return err
	}
	inactive, err := QueryBool(c, "include_inactive")
	if err != nil {
		return err
	}
	f := meeting.RoomFilter{Capacity: capacity, Inactive: inactive != nil && *inactive}
	if eq := c.Query("equipment"); eq != "" {
		f.Equipment = strings.Split(strings.Clone(eq), ",")
	}
	if f.From, err = queryInstant(c, "from"); err != nil {
		return err
	}
	if f.To, err = queryInstant(c, "to"); err != nil {
		return err
	}
	rows, next, err := h.svc.ListRooms(c.UserContext(), UserFrom(c), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, h.roomOut))
}

// queryInstant reads an optional RFC 3339 query parameter. A "+" left
// unencoded in the offset arrives as a space, so that is accepted too.
func queryInstant(c *fiber.Ctx, name string) (*time.Time, error) {
	s := c.Query(name)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, strings.Replace(s, " ", "+", 1))
	if err != nil || !store.DateOf(t, t.Location()).InWindow() {
		return nil, store.InvalidField(name, "must be an RFC 3339 time such as 2026-12-01T09:00:00+08:00, in the years %d to %d", store.MinYear, store.MaxYear)
	}
	return &t, nil
}

// GetRoom returns one room.
func (h *Meetings) GetRoom(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := h.svc.Room(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return c.JSON(h.roomOut(*r))
}

type createRoomRequest struct {
	Name             string   `json:"name" validate:"required,max=100"`
	Building         string   `json:"building" validate:"required,max=50"`
	Floor            int      `json:"floor" validate:"gte=-5,lte=100"`
	Capacity         int      `json:"capacity" validate:"required,min=1,max=2000"`
	Equipment        []string `json:"equipment" validate:"max=20"`
	PhotoURL         string   `json:"photo_url" validate:"omitempty,max=500,http_url"`
	RequiresApproval bool     `json:"requires_approval"`
	RequiresCheckIn  bool     `json:"requires_check_in"`
	OpenFrom         string   `json:"open_from" validate:"required,len=5"`
	OpenTo           string   `json:"open_to" validate:"required,len=5"`
	HorizonDays      int      `json:"horizon_days" validate:"omitempty,min=1,max=366"`
}

// CreateRoom adds a room (meeting_admin).
func (h *Meetings) CreateRoom(c *fiber.Ctx) error {
	var req createRoomRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.CreateRoom(c.UserContext(), meeting.RoomInput{Name: req.Name, Building: req.Building, Floor: req.Floor,
		Capacity: req.Capacity, Equipment: req.Equipment, PhotoURL: req.PhotoURL, RequiresApproval: req.RequiresApproval,
		RequiresCheckIn: req.RequiresCheckIn, OpenFrom: req.OpenFrom, OpenTo: req.OpenTo, HorizonDays: req.HorizonDays})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.roomOut(*r))
}

type updateRoomRequest struct {
	Name             *string   `json:"name" validate:"omitempty,min=1,max=100"`
	Building         *string   `json:"building" validate:"omitempty,min=1,max=50"`
	Floor            *int      `json:"floor" validate:"omitempty,gte=-5,lte=100"`
	Capacity         *int      `json:"capacity" validate:"omitempty,min=1,max=2000"`
	Equipment        *[]string `json:"equipment" validate:"omitempty,max=20"`
	PhotoURL         *string   `json:"photo_url" validate:"omitempty,max=500,http_url"`
	RequiresApproval *bool     `json:"requires_approval"`
	RequiresCheckIn  *bool     `json:"requires_check_in"`
	OpenFrom         *string   `json:"open_from" validate:"omitempty,len=5"`
	OpenTo           *string   `json:"open_to" validate:"omitempty,len=5"`
	HorizonDays      *int      `json:"horizon_days" validate:"omitempty,min=1,max=366"`
	Active           *bool     `json:"active"`
}

// UpdateRoom changes a room or takes it out of service (meeting_admin).
func (h *Meetings) UpdateRoom(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req updateRoomRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.UpdateRoom(c.UserContext(), id, meeting.RoomPatch{Name: req.Name, Building: req.Building,
		PhotoURL: req.PhotoURL, OpenFrom: req.OpenFrom, OpenTo: req.OpenTo, Floor: req.Floor, Capacity: req.Capacity,
		HorizonDays: req.HorizonDays, Equipment: req.Equipment, RequiresApproval: req.RequiresApproval,
		RequiresCheckIn: req.RequiresCheckIn, Active: req.Active})
	if err != nil {
		return err
	}
	return c.JSON(h.roomOut(*r))
}

type slotResponse struct {
	StartAt   time.Time             `json:"start_at"`
	EndAt     time.Time             `json:"end_at"`
	Status    meeting.BookingStatus `json:"status"`
	Title     string                `json:"title"`
	Mine      bool                  `json:"mine"`
	BookingID *int64                `json:"booking_id,omitempty"`
	Organizer string                `json:"organizer_name,omitempty"`
}

type scheduleResponse struct {
	RoomID   int64          `json:"room_id"`
	RoomName string         `json:"room_name"`
	Date     store.Date     `json:"date"`
	OpenFrom string         `json:"open_from"`
	OpenTo   string         `json:"open_to"`
	Slots    []slotResponse `json:"slots"`
}

// busyTitle stands in for the title of other people's meetings.
const busyTitle = "busy"

// RoomSchedule lists a room's busy slots on ?date= (default today). Only
// the desk and the organiser see a meeting's title.
func (h *Meetings) RoomSchedule(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := QueryDate(c, "date", h.svc.Today())
	if err != nil {
		return err
	}
	room, slots, err := h.svc.RoomSchedule(c.UserContext(), UserFrom(c), id, d)
	if err != nil {
		return err
	}
	out := scheduleResponse{RoomID: room.ID, RoomName: room.Name, Date: d, OpenFrom: room.OpenFrom, OpenTo: room.OpenTo,
		Slots: make([]slotResponse, len(slots))}
	for i, s := range slots {
		out.Slots[i] = slotResponse{StartAt: s.StartAt, EndAt: s.EndAt, Status: s.Status, Title: busyTitle, Mine: s.Mine}
		if s.Title != "" {
			out.Slots[i].Title, out.Slots[i].Organizer, out.Slots[i].BookingID = s.Title, s.Organizer, &s.BookingID
		}
	}
	return c.JSON(out)
}
