// Package canteen is the staff canteen (食堂): canteens, dishes, menus, ratings and meal registration.
package canteen

import "houqin/models/store"

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }
