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

// Forget drops what this process cached of user id: another replica
// changed it.
func (s *Service) Forget(id int64) { s.users.forget(id) }

// ForgetAll drops every cached user: changes may have been missed.
func (s *Service) ForgetAll() { s.users.purge() }
