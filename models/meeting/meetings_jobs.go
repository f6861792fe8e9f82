package meeting

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// RemindBookings tells organisers of approved meetings that start within
// 30 minutes. Each reminder is claimed with a conditional UPDATE on
// reminded_at, so with several replicas sweeping at once it is sent once.
func (s *Service) RemindBookings(ctx context.Context) (_ int, err error) {
	defer store.Wrap(&err, "meeting remind bookings")
	now := s.Now()
	return s.sweepBookings(ctx,
		s.Read(ctx).Model(&Booking{}).Where("status = ? AND reminded_at IS NULL AND start_at > ? AND start_at <= ?",
			BookingApproved, now, now.Add(ReminderBefore)),
		func(tx *store.Tx, id int64) (bool, error) {
			res := tx.Model(&Booking{}).Where("id = ? AND status = ? AND reminded_at IS NULL", id, BookingApproved).
				Updates(map[string]any{"reminded_at": tx.Now})
			return res.RowsAffected == 1, res.Error
		},
		func(tx *store.Tx, b *Booking) error {
			left := b.StartAt.Sub(tx.Now)
			n := organizerNotice(tx, b, 1, "booking.reminder", "会议即将开始",
				"将于"+strconv.Itoa(int(left.Round(time.Minute)/time.Minute))+"分钟后开始"+checkInHint(b))
			// "Starts in 30 minutes" is wrong once the meeting has started:
			// a phone offline until then is not shown it late.
			n.TTL = max(left, time.Second) // whole seconds; 0 would mean no expiry
			return notify.Notify(tx, n, b.OrganizerID)
		})
}

func checkInHint(b *Booking) string {
	if b.CheckInRequired {
		return "，请在开始后15分钟内签到，否则会议室将被释放"
	}
	return ""
}

// ReleaseNoShows releases approved bookings of rooms requiring check-in
// that nobody checked in to within 15 minutes of the start, so the rest of
// the slot can be booked; the organiser and the desk are told.
func (s *Service) ReleaseNoShows(ctx context.Context) (_ int, err error) {
	defer store.Wrap(&err, "meeting release no shows")
	now := s.Now()
	return s.sweepBookings(ctx,
		s.Read(ctx).Model(&Booking{}).Where("status = ? AND check_in_required = ? AND checked_in_at IS NULL AND start_at < ? AND start_at > ? AND end_at > ?",
			BookingApproved, true, now.Add(-CheckInClosesAfter), now.Add(-maxBookingSpan), now),
		func(tx *store.Tx, id int64) (bool, error) {
			res := tx.Model(&Booking{}).Where("id = ? AND status = ? AND checked_in_at IS NULL", id, BookingApproved).
				Updates(map[string]any{"status": BookingReleased, "reason": "未按时签到", "updated_at": tx.Now})
			return res.RowsAffected == 1, res.Error
		},
		func(tx *store.Tx, b *Booking) error {
			desk, err := people.UsersWithRole(tx.DB, store.RoleMeetingAdmin)
			if err != nil {
				return err
			}
			return notify.Notify(tx, notify.Notice{Category: notify.CategoryBooking, Type: "booking.released", Title: "会议室预约已释放",
				Body: describeBooking(tx, b, 1) + "开始15分钟后仍未签到，会议室已释放", Data: bookingLink(b), TTL: 2 * time.Hour},
				append(desk, b.OrganizerID)...)
		})
}

// ExpireUnapproved rejects pending bookings whose start has passed with no
// decision: the slot is gone, and a booking left pending would sit in the
// desk's queue for good. The organiser is told.
func (s *Service) ExpireUnapproved(ctx context.Context) (_ int, err error) {
	defer store.Wrap(&err, "meeting expire unapproved")
	return s.sweepBookings(ctx,
		s.Read(ctx).Model(&Booking{}).Where("status = ? AND start_at <= ?", BookingPending, s.Now()),
		func(tx *store.Tx, id int64) (bool, error) {
			res := tx.Model(&Booking{}).Where("id = ? AND status = ?", id, BookingPending).
				Updates(map[string]any{"status": BookingRejected, "reason": unapprovedReason, "updated_at": tx.Now})
			return res.RowsAffected == 1, res.Error
		},
		func(tx *store.Tx, b *Booking) error {
			return notify.Notify(tx, organizerNotice(tx, b, 1, "booking.expired", "会议室预约未获审批",
				"在会议开始前未获审批，预约已失效"), b.OrganizerID)
		})
}

const unapprovedReason = "会议开始前未获审批"

// sweepBookings claims each booking candidates finds, one transaction per booking,
// and announces the ones this replica claimed.
func (s *Service) sweepBookings(ctx context.Context, candidates *gorm.DB, claim func(*store.Tx, int64) (bool, error), announce func(*store.Tx, *Booking) error) (int, error) {
	var ids []int64
	if err := candidates.Order("start_at").Limit(500).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	done := 0
	for _, id := range ids {
		claimed := false
		err := s.Tx(ctx, func(tx *store.Tx) error {
			ok, err := claim(tx, id)
			if err != nil || !ok {
				return err
			}
			claimed = true
			var b Booking
			if err := tx.Take(&b, id).Error; err != nil {
				return err
			}
			if err := loadBookingPeople(tx.DB, &b); err != nil {
				return err
			}
			return announce(tx, &b)
		})
		if err != nil {
			return done, err
		}
		if claimed {
			done++
		}
	}
	return done, nil
}
