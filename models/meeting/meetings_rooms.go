package meeting

import (
	"context"
	"fmt"
	"time"

	"houqin/models/store"
)

// RoomInput describes a room to create; RoomPatch changes one (nil fields stay).
type RoomInput struct {
	Name, Building, PhotoURL          string
	Floor, Capacity, HorizonDays      int
	Equipment                         []string
	RequiresApproval, RequiresCheckIn bool
	OpenFrom, OpenTo                  string
}

type RoomPatch struct {
	Name, Building, PhotoURL, OpenFrom, OpenTo *string
	Floor, Capacity, HorizonDays               *int
	Equipment                                  *[]string
	RequiresApproval, RequiresCheckIn, Active  *bool
}

// validate normalizes the room and checks the rules no single field carries.
func (r *Room) validate() error {
	eq, err := normalizeNameList("equipment", r.Equipment, RoomEquipment)
	if err != nil {
		return err
	}
	r.Equipment = eq
	from, ok1 := openingMinutes(r.OpenFrom)
	to, ok2 := openingMinutes(r.OpenTo)
	switch {
	case !ok1:
		return store.InvalidField("open_from", "must be a time HH:MM")
	case !ok2:
		return store.InvalidField("open_to", "must be a time HH:MM")
	case from >= to:
		return store.InvalidField("open_to", "must be after open_from")
	}
	if r.HorizonDays == 0 {
		r.HorizonDays = DefaultHorizonDays
	}
	return nil
}

// CreateRoom adds a room in service.
func (s *Service) CreateRoom(ctx context.Context, in RoomInput) (_ *Room, err error) {
	defer store.Wrap(&err, "meeting create room")
	r := &Room{Name: in.Name, Building: in.Building, Floor: in.Floor, Capacity: in.Capacity, Equipment: in.Equipment,
		PhotoURL: in.PhotoURL, RequiresApproval: in.RequiresApproval, RequiresCheckIn: in.RequiresCheckIn,
		OpenFrom: in.OpenFrom, OpenTo: in.OpenTo, HorizonDays: in.HorizonDays, Active: true}
	if err := r.validate(); err != nil {
		return nil, err
	}
	err = s.Tx(ctx, func(tx *store.Tx) error { return tx.Create(r).Error })
	return r, roomNameTaken(err, r.Name)
}

// UpdateRoom applies p. Existing bookings keep their slots; a room taken out
// of service just cannot be booked any more.
func (s *Service) UpdateRoom(ctx context.Context, id int64, p RoomPatch) (_ *Room, err error) {
	defer store.Wrap(&err, "meeting update room")
	var r Room
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&r, id).Error; err != nil {
			return store.NotFound(err, "room")
		}
		store.Patch(&r.Name, p.Name)
		store.Patch(&r.Building, p.Building)
		store.Patch(&r.PhotoURL, p.PhotoURL)
		store.Patch(&r.OpenFrom, p.OpenFrom)
		store.Patch(&r.OpenTo, p.OpenTo)
		store.Patch(&r.Floor, p.Floor)
		store.Patch(&r.Capacity, p.Capacity)
		store.Patch(&r.HorizonDays, p.HorizonDays)
		store.Patch((*[]string)(&r.Equipment), p.Equipment)
		store.Patch(&r.RequiresApproval, p.RequiresApproval)
		store.Patch(&r.RequiresCheckIn, p.RequiresCheckIn)
		store.Patch(&r.Active, p.Active)
		if err := r.validate(); err != nil {
			return err
		}
		return tx.Save(&r).Error
	})
	return &r, roomNameTaken(err, r.Name)
}

func roomNameTaken(err error, name string) error {
	if store.ErrorCode(err) == store.CodeConflict {
		return store.Errorf(store.CodeConflict, "a room named %q already exists", name)
	}
	return err
}

// Room returns one room. Rooms out of service are visible to the desk only.
func (s *Service) Room(ctx context.Context, a store.Actor, id int64) (_ *Room, err error) {
	defer store.Wrap(&err, "meeting room")
	var r Room
	if err := s.Read(ctx).Take(&r, id).Error; err != nil {
		return nil, store.NotFound(err, "room")
	}
	if !r.Active && !a.Can(store.RoleMeetingAdmin) {
		return nil, store.ErrNotFound("room")
	}
	return &r, nil
}

// RoomFilter narrows ListRooms. With From and To set, only rooms open and
// free for the whole half-open interval [From, To) are returned.
type RoomFilter struct {
	Capacity  int
	Equipment []string
	From, To  *time.Time
	// Inactive includes rooms out of service (desk only).
	Inactive bool
}

// ListRooms searches rooms, newest first.
func (s *Service) ListRooms(ctx context.Context, a store.Actor, f RoomFilter, p store.Page) (_ []Room, _ string, err error) {
	defer store.Wrap(&err, "meeting list rooms")
	q := s.Read(ctx).Model(&Room{})
	if !f.Inactive || !a.Can(store.RoleMeetingAdmin) {
		q = q.Where("active = ?", true)
	}
	if f.Capacity > 0 {
		q = q.Where("capacity >= ?", f.Capacity)
	}
	eq, err := normalizeNameList("equipment", f.Equipment, RoomEquipment)
	if err != nil {
		return nil, "", err
	}
	for _, e := range eq {
		q = q.Where("equipment LIKE ?", `%"`+e+`"%`)
	}
	if (f.From == nil) != (f.To == nil) {
		return nil, "", store.InvalidField("to", "from and to go together")
	}
	if f.From != nil {
		from, to := f.From.UTC(), f.To.UTC()
		if !from.Before(to) {
			return nil, "", store.InvalidField("to", "must be after from")
		}
		if store.DateOf(from, s.Location) != store.DateOf(to.Add(-time.Nanosecond), s.Location) {
			return nil, "", store.InvalidField("to", "must be on the same day as from")
		}
		q = q.Where("open_from <= ? AND open_to >= ?", clockString(from, s.Location, false), clockString(to, s.Location, true))
		// The busy rooms come first, from a range scan on start_at: as a
		// correlated NOT EXISTS, MariaDB probes bookings by room_id only and
		// reads every booking a room ever had.
		var busy []int64
		err := s.Read(ctx).Model(&Booking{}).Distinct("room_id").
			Where("status IN ? AND start_at < ? AND start_at > ? AND end_at > ?", holdsRoom, to, from.Add(-maxBookingSpan), from).
			Pluck("room_id", &busy).Error
		if err != nil {
			return nil, "", err
		}
		if len(busy) > 0 {
			q = q.Where("id NOT IN ?", busy)
		}
	}
	return store.Paginate[Room](q, p, func(r Room) int64 { return r.ID })
}

// clockString is t's local "HH:MM"; an end at midnight is "24:00".
func clockString(t time.Time, loc *time.Location, end bool) string {
	m := localMinutes(t, loc)
	if end && m == 0 {
		m = 24 * 60
	}
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// BusySlot is a busy interval in a room's schedule. Title and Organizer are
// empty unless the caller is the desk or the organiser.
type BusySlot struct {
	BookingID        int64
	StartAt, EndAt   time.Time
	Status           BookingStatus
	Title, Organizer string
	Mine             bool
}

// RoomSchedule lists the busy slots of a room on a local date.
func (s *Service) RoomSchedule(ctx context.Context, a store.Actor, roomID int64, d store.Date) (_ *Room, _ []BusySlot, err error) {
	defer store.Wrap(&err, "meeting room schedule")
	room, err := s.Room(ctx, a, roomID)
	if err != nil {
		return nil, nil, err
	}
	dayStart := d.At(0, 0, s.Location).UTC()
	dayEnd := d.AddDays(1).At(0, 0, s.Location).UTC()
	var rows []Booking
	err = s.Read(ctx).Preload("Organizer").
		Where("room_id = ? AND status IN ? AND start_at < ? AND end_at > ? AND start_at > ?", roomID, holdsRoom, dayEnd, dayStart, dayStart.Add(-maxBookingSpan)).
		Order("start_at").Find(&rows).Error
	if err != nil {
		return nil, nil, err
	}
	desk := a.Can(store.RoleMeetingAdmin)
	slots := make([]BusySlot, len(rows))
	for i, b := range rows {
		mine := b.OrganizerID == a.ID
		slots[i] = BusySlot{BookingID: b.ID, StartAt: b.StartAt, EndAt: b.EndAt, Status: b.Status, Mine: mine}
		if desk || mine {
			slots[i].Title = b.Title
			if b.Organizer != nil {
				slots[i].Organizer = b.Organizer.Name
			}
		}
	}
	return room, slots, nil
}
