package meeting

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// BookingInput is a booking request; Repeat makes it a series.
type BookingInput struct {
	RoomID         int64
	Title, Note    string
	StartAt, EndAt time.Time
	Attendees      int
	Services       []string
	Repeat         *Recurrence
}

// Recurrence repeats a booking daily or weekly up to and including Until.
type Recurrence struct {
	Frequency string // daily or weekly
	Until     store.Date
}

// SlotConflict names a requested occurrence (by local date) and the busy slot it
// collides with; it is what a booking_conflict problem lists.
type SlotConflict struct {
	Date    store.Date `json:"date"`
	StartAt time.Time  `json:"start_at"`
	EndAt   time.Time  `json:"end_at"`
}

type bookingSpan struct{ start, end time.Time }

// CreateBooking books a room, or every occurrence of a series all-or-nothing.
// The room row is locked first, so concurrent requests for one room are
// checked and inserted one after the other (DESIGN.md: "serialize per room").
func (s *Service) CreateBooking(ctx context.Context, a store.Actor, in BookingInput) (_ []Booking, err error) {
	defer store.Wrap(&err, "meeting create booking")
	in.StartAt, in.EndAt = in.StartAt.UTC(), in.EndAt.UTC()
	slots, err := s.occurrences(in)
	if err != nil {
		return nil, err
	}
	services, err := normalizeNameList("services", in.Services, BookingServices)
	if err != nil {
		return nil, err
	}
	var out []Booking
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var room Room
		if err := tx.ForUpdate().Take(&room, in.RoomID).Error; err != nil {
			return store.NotFound(err, "room")
		}
		if err := room.accepts(in.Attendees, services); err != nil {
			return err
		}
		for _, sl := range slots {
			if err := s.checkSlot(&room, sl, tx.Now, true); err != nil {
				return err
			}
		}
		if err := s.checkFree(tx, room.ID, 0, slots); err != nil {
			return err
		}
		if err := s.checkQuota(tx, a.ID, len(slots)); err != nil {
			return err
		}
		status := BookingApproved
		if room.RequiresApproval {
			status = BookingPending
		}
		var seriesID *int64
		if in.Repeat != nil {
			series := BookingSeries{OrganizerID: a.ID, RoomID: room.ID, Frequency: in.Repeat.Frequency, LastDate: in.Repeat.Until, Occurrences: len(slots)}
			if err := tx.Create(&series).Error; err != nil {
				return err
			}
			seriesID = &series.ID
		}
		out = make([]Booking, len(slots))
		for i, sl := range slots {
			out[i] = Booking{RoomID: room.ID, OrganizerID: a.ID, SeriesID: seriesID, Title: in.Title, StartAt: sl.start, EndAt: sl.end,
				Attendees: in.Attendees, Services: services, Note: in.Note, Status: status, CheckInRequired: room.RequiresCheckIn}
			if sl.start.Sub(tx.Now) <= ReminderBefore {
				out[i].RemindedAt = &tx.Now // booked at the last minute: no reminder needed
			}
		}
		if err := tx.CreateInBatches(&out, 100).Error; err != nil {
			return err
		}
		for i := range out {
			out[i].Room = &room
		}
		if status == BookingPending {
			return notifyDeskPending(tx, a, &out[0], len(out))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkQuota refuses adding n bookings beyond the organizer's bound on
// upcoming bookings. The organizer's row is locked first, so concurrent
// requests for different rooms are counted one after the other; the count
// is a locking read too, so that on MySQL it sees what the request before
// committed rather than this transaction's older snapshot.
func (s *Service) checkQuota(tx *store.Tx, organizerID int64, n int) error {
	if err := tx.ForUpdate().Select("id").Take(&people.User{}, organizerID).Error; err != nil {
		return err
	}
	var held int64
	err := tx.ForUpdate().Model(&Booking{}).Where("organizer_id = ? AND status IN ? AND end_at > ?", organizerID, holdsRoom, tx.Now).
		Count(&held).Error
	if err != nil {
		return err
	}
	if held+int64(n) > int64(s.MaxFutureBookings) {
		return store.Errorf(store.CodeConflict, "you already hold %d upcoming bookings; one person may hold at most %d (cancel some first)",
			held, s.MaxFutureBookings)
	}
	return nil
}

// occurrences expands a request into its intervals, keeping the local
// wall-clock times across dates.
func (s *Service) occurrences(in BookingInput) ([]bookingSpan, error) {
	if !in.EndAt.After(in.StartAt) {
		return nil, store.InvalidField("end_at", "must be after start_at")
	}
	first := bookingSpan{in.StartAt, in.EndAt}
	if in.Repeat == nil {
		return []bookingSpan{first}, nil
	}
	step := map[string]int{"daily": 1, "weekly": 7}[in.Repeat.Frequency]
	if step == 0 {
		return nil, store.InvalidField("repeat.frequency", "must be one of: daily, weekly")
	}
	day := store.DateOf(in.StartAt, s.Location)
	if in.Repeat.Until.Before(day) {
		return nil, store.InvalidField("repeat.until", "must not be before the first meeting")
	}
	n := day.DaysUntil(in.Repeat.Until)/step + 1
	if n > MaxOccurrences {
		return nil, store.InvalidField("repeat.until", "gives %d meetings; a series has at most %d", n, MaxOccurrences)
	}
	out := make([]bookingSpan, n)
	for i := range out {
		// AddDate on local times keeps 09:00 at 09:00 across the series.
		out[i] = bookingSpan{in.StartAt.In(s.Location).AddDate(0, 0, i*step).UTC(), in.EndAt.In(s.Location).AddDate(0, 0, i*step).UTC()}
	}
	return out, nil
}

// accepts checks what depends on the room but not on the time.
func (r *Room) accepts(attendees int, services []string) error {
	if !r.Active {
		return store.InvalidField("room_id", "this room is out of service")
	}
	if attendees > r.Capacity {
		return store.InvalidField("attendees", "must be at most the room's capacity of %d", r.Capacity)
	}
	for _, sv := range services {
		if need, ok := serviceNeeds[sv]; ok && !slices.Contains(r.Equipment, need) {
			return store.InvalidField("services", "%s needs a room with %s", store.Term(sv), store.Term(need))
		}
	}
	return nil
}

// checkSlot applies the time rules: whole minutes, at least 15 minutes,
// within the room's opening hours on one local day, and (for new bookings)
// in the future and within the room's horizon.
func (s *Service) checkSlot(r *Room, sl bookingSpan, now time.Time, isNew bool) error {
	if sl.start.Second() != 0 || sl.start.Nanosecond() != 0 || sl.end.Second() != 0 || sl.end.Nanosecond() != 0 {
		return store.InvalidField("start_at", "start_at and end_at must be whole minutes")
	}
	if sl.end.Sub(sl.start) < MinBookingDuration {
		return store.InvalidField("end_at", "a booking lasts at least 15 minutes")
	}
	from, _ := openingMinutes(r.OpenFrom)
	to, _ := openingMinutes(r.OpenTo)
	endMin := localMinutes(sl.end, s.Location)
	sameDay := store.DateOf(sl.start, s.Location) == store.DateOf(sl.end, s.Location)
	if !sameDay && endMin == 0 {
		sameDay, endMin = store.DateOf(sl.start, s.Location) == store.DateOf(sl.end.Add(-time.Minute), s.Location), 24*60
	}
	if !sameDay || localMinutes(sl.start, s.Location) < from || endMin > to {
		return store.InvalidField("start_at", "the room is open %s-%s (%s) and a booking lies within one day", r.OpenFrom, r.OpenTo, s.Location)
	}
	if !isNew {
		return nil
	}
	if !sl.start.After(now) {
		return store.InvalidField("start_at", "must be in the future")
	}
	if sl.start.After(now.AddDate(0, 0, r.HorizonDays)) {
		return store.InvalidField("start_at", "may be at most %d days ahead", r.HorizonDays)
	}
	return nil
}

// checkFree fails with booking_conflict, listing every colliding slot, when
// any span overlaps a booking that holds the room (except the booking
// except).
//
// The caller must hold the room row's lock and must not have run a plain
// (non-locking) read before taking it: on MySQL the transaction's snapshot
// is taken at its first plain read, so this read then sees every booking
// committed by the room's previous lock holder. A plain read takes no gap
// locks, so bookers never deadlock with approvals and cancellations.
func (s *Service) checkFree(tx *store.Tx, roomID, except int64, slots []bookingSpan) error {
	lo, hi := slots[0].start, slots[0].end
	for _, sl := range slots {
		lo, hi = earliest(lo, sl.start), latest(hi, sl.end)
	}
	var busy []Booking
	err := tx.Select("id", "start_at", "end_at").
		Where("room_id = ? AND status IN ? AND start_at < ? AND end_at > ? AND start_at > ? AND id <> ?",
			roomID, holdsRoom, hi, lo, lo.Add(-maxBookingSpan), except).
		Order("start_at").Find(&busy).Error
	if err != nil {
		return err
	}
	var conflicts []SlotConflict
	for _, sl := range slots {
		for _, b := range busy {
			if b.StartAt.Before(sl.end) && b.EndAt.After(sl.start) {
				conflicts = append(conflicts, SlotConflict{Date: store.DateOf(sl.start, s.Location), StartAt: b.StartAt.In(s.Location), EndAt: b.EndAt.In(s.Location)})
			}
		}
	}
	if len(conflicts) == 0 {
		return nil
	}
	c := conflicts[0]
	e := store.Errorf(store.CodeBookingConflict, "the room is already booked %s %s-%s", c.Date, c.StartAt.Format("15:04"), c.EndAt.Format("15:04"))
	if len(slots) > 1 {
		e = store.Errorf(store.CodeBookingConflict, "%d of the %d meetings collide with other bookings; see conflicts", len(conflicts), len(slots))
	}
	e.Extra = map[string]any{"conflicts": conflicts}
	return e
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// notifyDeskPending tells the meeting-service desk a booking awaits approval.
func notifyDeskPending(tx *store.Tx, a store.Actor, b *Booking, count int) error {
	desk, err := people.UsersWithRole(tx.DB, store.RoleMeetingAdmin)
	if err != nil {
		return err
	}
	when := b.StartAt.In(tx.Location()).Format("01月02日 15:04")
	body := fmt.Sprintf("%s 申请 %s %s「%s」", a.Name, b.Room.Name, when, b.Title)
	if count > 1 {
		body += "，共" + strconv.Itoa(count) + "次"
	}
	return notify.Notify(tx, notify.Notice{Category: notify.CategoryBooking, Type: "booking.pending", Title: "新的会议室预约待审批",
		Body: body, Data: bookingLink(b), TTL: 24 * time.Hour}, desk...)
}
