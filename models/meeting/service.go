// Package meeting is the meeting-room desk (会务): rooms, bookings, approvals, check-in and calendar feeds.
package meeting

import "houqin/models/store"

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }
