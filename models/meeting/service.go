// Package meeting is the meeting-room desk (会务): rooms, bookings, approvals, check-in and calendar feeds.
package meeting

import "houqin/models/store"

// DefaultMaxFutureBookings is how many upcoming bookings one person may
// hold unless configured otherwise: two full weekly series and more.
const DefaultMaxFutureBookings = 120

// Service is the package's operations on the store.
type Service struct {
	*store.Store
	// MaxFutureBookings bounds one organizer's pending and approved
	// bookings that have not ended, so that one account cannot hold every
	// room for months.
	MaxFutureBookings int
}

// New returns the service on s.
func New(s *store.Store) *Service {
	return &Service{Store: s, MaxFutureBookings: DefaultMaxFutureBookings}
}
