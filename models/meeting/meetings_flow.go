package meeting

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// SeriesScope says which occurrences of a series an action applies to.
type SeriesScope string

const (
	ScopeThis      SeriesScope = "this"      // only the booking named
	ScopeFollowing SeriesScope = "following" // it and the later occurrences of its series
)

// bookingTransition is one desk or organiser action on bookings.
type bookingTransition struct {
	verb     store.Term
	from     []BookingStatus
	to       BookingStatus
	deskOnly bool
	// notify tells whoever should hear about the change of b (and count-1
	// further occurrences).
	notify func(tx *store.Tx, a store.Actor, b *Booking, count int) error
}

var (
	approveBooking = bookingTransition{verb: "approve", from: []BookingStatus{BookingPending}, to: BookingApproved, deskOnly: true,
		notify: func(tx *store.Tx, a store.Actor, b *Booking, n int) error {
			return tellOrganizer(tx, a, b, n, "booking.approved", "会议室预约已通过", "已通过审批")
		}}
	rejectBooking = bookingTransition{verb: "reject", from: []BookingStatus{BookingPending}, to: BookingRejected, deskOnly: true,
		notify: func(tx *store.Tx, a store.Actor, b *Booking, n int) error {
			return tellOrganizer(tx, a, b, n, "booking.rejected", "会议室预约未通过", "未通过审批，原因："+b.Reason)
		}}
	cancelBooking = bookingTransition{verb: "cancel", from: holdsRoom, to: BookingCancelled,
		notify: func(tx *store.Tx, a store.Actor, b *Booking, n int) error {
			return tellOrganizer(tx, a, b, n, "booking.cancelled", "会议室预约已被取消", "已被会务服务台取消"+bookingReasonSuffix(b.Reason))
		}}
)

// ApproveBooking, RejectBooking and CancelBooking move a booking (or the
// rest of its series) to approved, rejected or cancelled.
func (s *Service) ApproveBooking(ctx context.Context, a store.Actor, id int64, scope SeriesScope) (_ *Booking, err error) {
	defer store.Wrap(&err, "meeting approve booking")
	return s.bookingTransition(ctx, a, id, scope, "", approveBooking)
}

func (s *Service) RejectBooking(ctx context.Context, a store.Actor, id int64, scope SeriesScope, reason string) (_ *Booking, err error) {
	defer store.Wrap(&err, "meeting reject booking")
	// The organiser is told why, whoever rejects (the API or the console).
	switch n := utf8.RuneCountInString(reason); {
	case strings.TrimSpace(reason) == "":
		return nil, store.InvalidField("reason", "is required")
	case n > 500:
		return nil, store.InvalidField("reason", "must be at most %s characters", "500")
	}
	return s.bookingTransition(ctx, a, id, scope, reason, rejectBooking)
}

func (s *Service) CancelBooking(ctx context.Context, a store.Actor, id int64, scope SeriesScope, reason string) (_ *Booking, err error) {
	defer store.Wrap(&err, "meeting cancel booking")
	return s.bookingTransition(ctx, a, id, scope, reason, cancelBooking)
}

func (s *Service) bookingTransition(ctx context.Context, a store.Actor, id int64, scope SeriesScope, reason string, t bookingTransition) (*Booking, error) {
	var b Booking
	err := s.Tx(ctx, func(tx *store.Tx) error {
		if err := lockBooking(tx, a, id, &b); err != nil {
			return err
		}
		if t.deskOnly && !a.Can(store.RoleMeetingAdmin) {
			return store.ErrForbidden
		}
		if !slices.Contains(t.from, b.Status) {
			return store.Errorf(store.CodeInvalidTransition, "cannot %s a booking that is %s", t.verb, b.Status)
		}
		if !b.EndAt.After(tx.Now) {
			return store.Errorf(store.CodeInvalidTransition, "cannot %s a meeting that is over", t.verb)
		}
		ids := []int64{b.ID}
		if scope == ScopeFollowing && b.SeriesID != nil {
			var later []int64
			err := tx.ForUpdate().Model(&Booking{}).Where("series_id = ? AND start_at > ? AND status IN ?", *b.SeriesID, b.StartAt, t.from).
				Order("id").Pluck("id", &later).Error
			if err != nil {
				return err
			}
			ids = append(ids, later...)
		}
		set := map[string]any{"status": t.to, "reason": reason, "updated_at": tx.Now}
		if t.deskOnly {
			set["decided_by"] = a.ID
		}
		if err := tx.Model(&Booking{}).Where("id IN ?", ids).Updates(set).Error; err != nil {
			return err
		}
		b.Status, b.Reason, b.UpdatedAt = t.to, reason, tx.Now
		return t.notify(tx, a, &b, len(ids))
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// lockBooking loads and locks a booking with its room and organiser, and
// checks that a may see it: the organiser or the desk.
func lockBooking(tx *store.Tx, a store.Actor, id int64, b *Booking) error {
	if err := tx.ForUpdate().Take(b, id).Error; err != nil {
		return store.NotFound(err, "booking")
	}
	if b.OrganizerID != a.ID && !a.Can(store.RoleMeetingAdmin) {
		return store.ErrForbidden
	}
	return loadBookingPeople(tx.DB, b)
}

// loadBookingPeople loads a booking's room and organiser (unlocked reads).
func loadBookingPeople(db *gorm.DB, b *Booking) error {
	b.Room, b.Organizer = new(Room), new(people.User)
	if err := db.Take(b.Room, b.RoomID).Error; err != nil {
		return err
	}
	return db.Take(b.Organizer, b.OrganizerID).Error
}

// tellOrganizer notifies b's organiser of what a did: "<room> <time>「<title>」<what>".
func tellOrganizer(tx *store.Tx, a store.Actor, b *Booking, count int, typ, title, what string) error {
	n := organizerNotice(tx, b, count, typ, title, what)
	n.By = a.ID
	return notify.Notify(tx, n, b.OrganizerID)
}

func organizerNotice(tx *store.Tx, b *Booking, count int, typ, title, what string) notify.Notice {
	return notify.Notice{Category: notify.CategoryBooking, Type: typ, Title: title, Body: describeBooking(tx, b, count) + what,
		Data: bookingLink(b), TTL: 24 * time.Hour}
}

func describeBooking(tx *store.Tx, b *Booking, count int) string {
	s := fmt.Sprintf("%s %s「%s」", b.Room.Name, b.StartAt.In(tx.Location()).Format("01月02日 15:04"), b.Title)
	if count > 1 {
		s += "及之后共" + strconv.Itoa(count) + "次会议"
	}
	return s
}

func bookingReasonSuffix(r string) string {
	if r == "" {
		return ""
	}
	return "，原因：" + r
}

// CheckInBooking records that the meeting started, from 10 minutes before to 15
// minutes after its start; rooms that require it release bookings without.
func (s *Service) CheckInBooking(ctx context.Context, a store.Actor, id int64) (_ *Booking, err error) {
	defer store.Wrap(&err, "meeting check in booking")
	var b Booking
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := lockBooking(tx, a, id, &b); err != nil {
			return err
		}
		if b.Status != BookingApproved {
			return store.Errorf(store.CodeInvalidTransition, "cannot check in to a booking that is %s", b.Status)
		}
		if b.CheckedInAt != nil {
			return nil
		}
		if tx.Now.Before(b.StartAt.Add(-CheckInOpensBefore)) || tx.Now.After(b.StartAt.Add(CheckInClosesAfter)) {
			return store.Errorf(store.CodeInvalidTransition, "check-in is open from 10 minutes before to 15 minutes after the start")
		}
		b.CheckedInAt = &tx.Now
		return tx.Model(&Booking{}).Where("id = ?", b.ID).Updates(map[string]any{"checked_in_at": tx.Now, "updated_at": tx.Now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// MoveBooking moves a booking to another room (desk). Both rooms are locked
// in id order, so two moves and new bookings cannot deadlock or double-book.
func (s *Service) MoveBooking(ctx context.Context, a store.Actor, id, roomID int64) (_ *Booking, err error) {
	defer store.Wrap(&err, "meeting move booking")
	if !a.Can(store.RoleMeetingAdmin) {
		return nil, store.ErrForbidden
	}
	// Learn the current room outside the transaction (see checkFree: no
	// plain read before the room locks), then lock rooms before the booking,
	// the order CreateBooking uses.
	var cur Booking
	if err := s.Read(ctx).Select("id", "room_id").Take(&cur, id).Error; err != nil {
		return nil, store.NotFound(err, "booking")
	}
	if cur.RoomID == roomID {
		return nil, store.InvalidField("room_id", "the booking is already in this room")
	}
	var b Booking
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var rooms []Room
		if err := tx.ForUpdate().Where("id IN ?", []int64{cur.RoomID, roomID}).Order("id").Find(&rooms).Error; err != nil {
			return err
		}
		i := slices.IndexFunc(rooms, func(r Room) bool { return r.ID == roomID })
		if i < 0 {
			return store.InvalidField("room_id", "no such room")
		}
		to := rooms[i]
		if err := lockBooking(tx, a, id, &b); err != nil {
			return err
		}
		if b.RoomID != cur.RoomID {
			return store.Errorf(store.CodeConflict, "the booking was moved meanwhile; try again")
		}
		if !slices.Contains(holdsRoom, b.Status) || !b.EndAt.After(tx.Now) {
			return store.Errorf(store.CodeInvalidTransition, "cannot move a booking that is %s or over", b.Status)
		}
		if err := to.accepts(b.Attendees, b.Services); err != nil {
			return err
		}
		sl := []bookingSpan{{b.StartAt, b.EndAt}}
		if err := s.checkSlot(&to, sl[0], tx.Now, false); err != nil {
			return err
		}
		if err := s.checkFree(tx, to.ID, b.ID, sl); err != nil {
			return err
		}
		from := b.Room.Name
		b.RoomID, b.Room, b.CheckInRequired, b.UpdatedAt = to.ID, &to, to.RequiresCheckIn, tx.Now
		err := tx.Model(&Booking{}).Where("id = ?", b.ID).
			Updates(map[string]any{"room_id": to.ID, "check_in_required": to.RequiresCheckIn, "updated_at": tx.Now}).Error
		if err != nil {
			return err
		}
		return tellOrganizer(tx, a, &b, 1, "booking.moved", "会议室已调整", "改在"+to.Name+"（原"+from+"）")
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// Booking returns one booking the caller may see.
func (s *Service) Booking(ctx context.Context, a store.Actor, id int64) (_ *Booking, err error) {
	defer store.Wrap(&err, "meeting booking")
	var b Booking
	db := s.Read(ctx)
	if err := db.Take(&b, id).Error; err != nil {
		return nil, store.NotFound(err, "booking")
	}
	if b.OrganizerID != a.ID && !a.Can(store.RoleMeetingAdmin) {
		return nil, store.ErrForbidden
	}
	return &b, loadBookingPeople(db, &b)
}

// BookingFilter narrows ListBookings. Callers other than the desk always
// get only their own bookings.
type BookingFilter struct {
	Mine   bool
	Status BookingStatus
	Date   store.Date // bookings starting on this local date
	RoomID int64
}

// ListBookings returns bookings, newest first.
func (s *Service) ListBookings(ctx context.Context, a store.Actor, f BookingFilter, p store.Page) (_ []Booking, _ string, err error) {
	defer store.Wrap(&err, "meeting list bookings")
	q := s.Read(ctx).Model(&Booking{}).Preload("Room").Preload("Organizer")
	if f.Mine || !a.Can(store.RoleMeetingAdmin) {
		q = q.Where("organizer_id = ?", a.ID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.RoomID != 0 {
		q = q.Where("room_id = ?", f.RoomID)
	}
	if !f.Date.IsZero() {
		q = q.Where("start_at >= ? AND start_at < ?", f.Date.At(0, 0, s.Location).UTC(), f.Date.AddDays(1).At(0, 0, s.Location).UTC())
	}
	return store.Paginate[Booking](q, p, func(b Booking) int64 { return b.ID })
}

// ServicesSheet lists the day's bookings that hold a room, by room and
// start: what the desk prepares (tea, name plates, banner, …).
func (s *Service) ServicesSheet(ctx context.Context, d store.Date) (_ []Booking, err error) {
	defer store.Wrap(&err, "meeting services sheet")
	var rows []Booking
	err = s.Read(ctx).Preload("Room").Preload("Organizer").
		Where("status IN ? AND start_at >= ? AND start_at < ?", holdsRoom, d.At(0, 0, s.Location).UTC(), d.AddDays(1).At(0, 0, s.Location).UTC()).
		Order("room_id, start_at").Find(&rows).Error
	return rows, err
}
