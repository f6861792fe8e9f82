// Package notify tells people about changes: inbox entries, devices, push preferences and the push outbox.
package notify

import "houqin/models/store"

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }
