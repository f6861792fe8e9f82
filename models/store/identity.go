package store

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
)

// Role is what a user may do in the app (DOMAIN.md "People").
type Role string

const (
	RoleStaff        Role = "staff"
	RoleDriver       Role = "driver"
	RoleCanteenAdmin Role = "canteen_admin"
	RoleMeetingAdmin Role = "meeting_admin"
	RoleDispatcher   Role = "dispatcher"
	RoleTechnician   Role = "technician"
	RoleStorekeeper  Role = "storekeeper"
	RoleInspector    Role = "inspector"
	RoleAdmin        Role = "admin"
)

// AllRoles lists every role in display order.
var AllRoles = []Role{RoleStaff, RoleDriver, RoleCanteenAdmin, RoleMeetingAdmin, RoleDispatcher, RoleTechnician, RoleStorekeeper, RoleInspector, RoleAdmin}

// Enum lists the roles (Enumerated).
func (Role) Enum() []string { return Strings(AllRoles) }

// Roles is a user's set of roles, stored as "staff,dispatcher". Every user
// is staff.
type Roles []Role

// ParseRoles validates names and returns a normalized set that includes staff.
func ParseRoles[T ~string](names []T) (Roles, error) {
	rs := Roles{RoleStaff}
	for _, n := range names {
		r := Role(strings.TrimSpace(string(n)))
		if r == "" {
			continue
		}
		if !slices.Contains(AllRoles, r) {
			return nil, fmt.Errorf("unknown role %q", n)
		}
		if !slices.Contains(rs, r) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b Role) int { return slices.Index(AllRoles, a) - slices.Index(AllRoles, b) })
	return rs, nil
}

func (rs Roles) Value() (driver.Value, error) {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ","), nil
}

func (rs *Roles) Scan(src any) error {
	s, err := ScanText(src)
	if err != nil {
		return err
	}
	parsed, err := ParseRoles(strings.Split(s, ","))
	if err != nil {
		return err
	}
	*rs = parsed
	return nil
}

// Actor is the authenticated caller, as every domain operation sees it.
type Actor struct {
	ID         int64
	Username   string
	Name       string
	Department string
	Roles      Roles
}

// Is reports whether the actor holds role r itself.
func (a Actor) Is(r Role) bool { return slices.Contains(a.Roles, r) }

// Can reports whether the actor holds any of roles, admins holding all.
func (a Actor) Can(roles ...Role) bool {
	if a.Is(RoleAdmin) {
		return true
	}
	return slices.ContainsFunc(roles, a.Is)
}
