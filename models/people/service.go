// Package people holds users, their roles and their sessions.
package people

import "houqin/models/store"

// Service is the operations on users and sessions.
type Service struct {
	*store.Store
	users *userCache
}

// New returns the people service on s.
func New(s *store.Store) *Service { return &Service{Store: s, users: newUserCache()} }
