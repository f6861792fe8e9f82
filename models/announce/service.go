// Package announce holds the centre's notices (信息发布).
package announce

import "houqin/models/store"

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }
