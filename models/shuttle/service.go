// Package shuttle is the staff shuttle (班车): routes, stops, timetables, dated trips, positions and alerts.
package shuttle

import "houqin/models/store"

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }
