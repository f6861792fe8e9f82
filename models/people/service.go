// Package people holds users, their roles and their sessions.
package people

import "houqin/models/store"

// Service is the operations on users and sessions.
type Service struct {
	*store.Store
	users *userCache[User]
	work  *userCache[[]WorkAccount]
}

// New returns the people service on s. A committed Changed drops the
// user's cached copy here (other replicas hear of it through the cluster).
func New(s *store.Store) *Service {
	svc := &Service{Store: s, users: newUserCache[User](), work: newUserCache[[]WorkAccount]()}
	store.On(s, func(e Changed) { svc.Forget(e.UserID) })
	return svc
}

// Forget drops what this process cached of user id: another replica
// changed it.
func (s *Service) Forget(id int64) {
	s.users.forget(id)
	s.work.forget(id)
}

// ForgetAll drops every cached user: changes may have been missed.
func (s *Service) ForgetAll() {
	s.users.purge()
	s.work.purge()
}
