package meeting

import (
	"context"

	"houqin/models/store"
)

// HostedFigures count the meetings held in a period for the yearly report.
type HostedFigures struct {
	Hosted    int // approved bookings that have started
	Large     int // of those, with at least the large-meeting attendee count
	Attendees int
}

// Hosted counts the approved meetings that started on local dates
// from..to and before now (a booking still to come is not yet hosted).
func (s *Service) Hosted(ctx context.Context, from, to store.Date, large int) (_ HostedFigures, err error) {
	defer store.Wrap(&err, "meeting hosted")
	lo, hi := store.Span(from, to, s.Location)
	if now := s.Now(); now.Before(hi) {
		hi = now
	}
	var f HostedFigures
	err = s.Read(ctx).Model(&Booking{}).Select(`COUNT(*) AS hosted,
		COALESCE(SUM(CASE WHEN attendees >= ? THEN 1 ELSE 0 END), 0) AS large,
		COALESCE(SUM(attendees), 0) AS attendees`, large).
		Where("status = ? AND start_at >= ? AND start_at < ?", BookingApproved, lo, hi).Scan(&f).Error
	return f, err
}
