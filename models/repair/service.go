// Package repair is the repair desk (报修): requests, their workflow, photos, targets and statistics.
package repair

import "houqin/models/store"

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }
