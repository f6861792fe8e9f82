package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/store"
)

// ListUsers lists users for admins, filtered by ?role=, ?q= and ?active=.
func (h *People) ListUsers(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	active, err := QueryBool(c, "active")
	if err != nil {
		return err
	}
	f := people.UserFilter{Role: store.Role(c.Query("role")), Query: strings.Clone(c.Query("q")), Active: active}
	if f.Role != "" {
		if _, err := store.ParseRoles([]string{string(f.Role)}); err != nil {
			return badRoles("role")
		}
	}
	rows, next, err := h.svc.ListUsers(c.UserContext(), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, userOut))
}

type createUserRequest struct {
	Username   string       `json:"username" validate:"required"`
	Name       string       `json:"name" validate:"required"`
	Password   string       `json:"password" validate:"required"`
	Phone      string       `json:"phone"`
	Department string       `json:"department"`
	Roles      []store.Role `json:"roles" validate:"max=9,dive,enum"`
}

// CreateUser adds a user (admin); people.UserInput.Check holds the field rules.
func (h *People) CreateUser(c *fiber.Ctx) error {
	var req createUserRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	roles, err := store.ParseRoles(req.Roles)
	if err != nil {
		return badRoles("roles")
	}
	u, err := h.svc.CreateUser(c.UserContext(), people.UserInput{Username: req.Username, Name: req.Name,
		Phone: req.Phone, Department: req.Department, Password: req.Password, Roles: roles})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(userOut(*u))
}

type updateUserRequest struct {
	Name       *string       `json:"name"`
	Phone      *string       `json:"phone"`
	Department *string       `json:"department"`
	Password   *string       `json:"password"`
	Roles      *[]store.Role `json:"roles" validate:"omitempty,max=9,dive,enum"`
	Active     *bool         `json:"active"`
}

// UpdateUser changes a user's profile, roles, active flag or password (admin).
func (h *People) UpdateUser(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req updateUserRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	p := people.UserPatch{Name: req.Name, Phone: req.Phone, Department: req.Department, Password: req.Password, Active: req.Active}
	if req.Roles != nil {
		roles, err := store.ParseRoles(*req.Roles)
		if err != nil {
			return badRoles("roles")
		}
		p.Roles = &roles
	}
	u, err := h.svc.UpdateUserBy(c.UserContext(), UserFrom(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(userOut(*u))
}

// badRoles answers a role name that is not one of ours.
func badRoles(field string) error {
	return store.InvalidField(field, "must be one of: %s", strings.Join(store.Role("").Enum(), ", "))
}
