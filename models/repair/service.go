// Package repair is the repair desk (报修): requests, their workflow, photos, targets and statistics.
package repair

import "houqin/models/store"

// Service is the package's operations on the store.
type Service struct {
	*store.Store
	photos store.Blobs // photo bytes; their rows live in the database
}

// New returns the service on s, keeping photo bytes in photos.
func New(s *store.Store, photos store.Blobs) *Service { return &Service{Store: s, photos: photos} }
