package people

import (
	"context"
	"strings"

	"houqin/models/store"
)

// Check enforces what a new user must hold, whoever adds them (the JSON
// API, the console or the command line).
func (in *UserInput) Check() error {
	var errs []store.FieldError
	switch n := len([]rune(in.Username)); {
	case n < 2:
		errs = append(errs, store.Field("username", "must be at least %s characters", "2"))
	case n > 64:
		errs = append(errs, store.Field("username", "must be at most %s characters", "64"))
	case strings.ContainsAny(in.Username, " /\\"):
		errs = append(errs, store.Field("username", "must not contain any of the characters %q", " /\\"))
	}
	errs = store.CheckText(errs, "name", in.Name, 100, true)
	errs = checkContact(errs, in.Phone, in.Department)
	if len(errs) > 0 {
		return store.Invalid(errs...)
	}
	return nil
}

// Check enforces the fields a change sets.
func (p UserPatch) Check() error {
	var errs []store.FieldError
	if p.Name != nil {
		errs = store.CheckText(errs, "name", *p.Name, 100, true)
	}
	var phone, dept string
	store.Patch(&phone, p.Phone)
	store.Patch(&dept, p.Department)
	errs = checkContact(errs, phone, dept)
	if len(errs) > 0 {
		return store.Invalid(errs...)
	}
	return nil
}

func checkContact(errs []store.FieldError, phone, dept string) []store.FieldError {
	errs = store.CheckText(errs, "phone", phone, 32, false)
	if strings.Trim(phone, "0123456789") != "" {
		errs = append(errs, store.Field("phone", "must be a phone number of digits"))
	}
	return store.CheckText(errs, "department", dept, 100, false)
}

// errSelfLockout refuses the change that would leave an admin unable to
// undo it.
var errSelfLockout = store.Errorf(store.CodeConflict, "you cannot deactivate yourself or drop your own admin role")

// UpdateUserBy applies an admin's change to user id: as UpdateUser, but an
// admin may neither deactivate themselves nor drop their own admin role.
func (s *Service) UpdateUserBy(ctx context.Context, by store.Actor, id int64, p UserPatch) (*User, error) {
	if id == by.ID && ((p.Active != nil && !*p.Active) || (p.Roles != nil && !(store.Actor{Roles: *p.Roles}).Is(store.RoleAdmin))) {
		return nil, errSelfLockout
	}
	return s.UpdateUser(ctx, id, p)
}
