package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/store"
)

func (c *Console) mountUsers(g fiber.Router) {
	g.Get("/users", c.usersPage)
	g.Post("/users", c.sameOrigin, c.csrf, c.createUser)
	g.Get("/users/:id<int>", c.userPage)
	g.Post("/users/:id<int>/roles", c.sameOrigin, c.csrf, c.setRoles)
	g.Post("/users/:id<int>/active", c.sameOrigin, c.csrf, c.setActive)
	g.Post("/users/:id<int>/password", c.sameOrigin, c.csrf, c.resetPassword)
}

// UsersPageSize is how many users a page of the list shows.
const UsersPageSize = 30

type usersData struct {
	Query, Role, Cursor, Next string
	Roles                     []store.Role
	Users                     []people.User
	Input                     people.UserInput
	formState
}

// Picked reports whether the new-user form had role ticked.
func (d usersData) Picked(r store.Role) bool { return slices.Contains(d.Input.Roles, r) }

func (c *Console) usersPage(ctx *fiber.Ctx) error {
	return c.showUsers(ctx, fiber.StatusOK, usersData{})
}

// showUsers lists one page of users by ?q=, ?role= and ?cursor=, beside the
// form for a new one.
func (c *Console) showUsers(ctx *fiber.Ctx, status int, d usersData) error {
	d.Query, d.Role, d.Cursor, d.Roles = strings.Clone(ctx.Query("q")), strings.Clone(ctx.Query("role")), strings.Clone(ctx.Query("cursor")), store.AllRoles
	f := people.UserFilter{Query: strings.TrimSpace(d.Query)}
	if d.Role != "" {
		if _, err := parseRoles([]string{d.Role}, "role"); err != nil {
			return err
		}
		f.Role = store.Role(d.Role)
	}
	var err error
	d.Users, d.Next, err = c.People.ListUsers(ctx.UserContext(), f, store.Page{Limit: UsersPageSize, Cursor: d.Cursor})
	if err != nil {
		return err
	}
	return c.render(ctx.Status(status), "admin_users.html", view{Title: "用户与角色", Data: d})
}

func (c *Console) createUser(ctx *fiber.Ctx) error {
	roles, err := parseRoles(formValues(ctx, "roles"), "roles")
	if err != nil {
		return err
	}
	in := people.UserInput{Username: strings.TrimSpace(ctx.FormValue("username")), Name: ctx.FormValue("name"),
		Phone: strings.TrimSpace(ctx.FormValue("phone")), Department: ctx.FormValue("department"),
		Password: ctx.FormValue("password"), Roles: roles}
	u, err := c.People.CreateUser(ctx.UserContext(), in)
	if st, status, ok := c.refusal(err); ok {
		in.Password = ""
		return c.showUsers(ctx, status, usersData{Input: in, formState: st})
	}
	if err != nil {
		return err
	}
	return done(ctx, "/admin/users/"+strconv.FormatInt(u.ID, 10))
}

type userData struct {
	Person people.User
	Roles  []store.Role
	Self   bool
	formState
}

// Has reports whether the person holds role (the form's checkboxes).
func (d userData) Has(r store.Role) bool { return d.Person.Actor().Is(r) }

func (c *Console) userPage(ctx *fiber.Ctx) error {
	return c.showUser(ctx, fiber.StatusOK, formState{})
}

func (c *Console) showUser(ctx *fiber.Ctx, status int, st formState) error {
	u, err := c.People.User(ctx.UserContext(), paramID(ctx, "id"))
	if err != nil {
		return err
	}
	d := userData{Person: u, Roles: store.AllRoles, Self: u.ID == actor(ctx).ID, formState: st}
	return c.render(ctx.Status(status), "admin_user.html", view{Title: "用户 " + u.Name, Data: d})
}

// changeUser applies an admin's change through the same service method as
// PATCH /api/v1/users/{id}: deactivating or setting a password ends the
// person's console and API sign-ins there.
func (c *Console) changeUser(ctx *fiber.Ctx, p people.UserPatch) error {
	id := paramID(ctx, "id")
	_, err := c.People.UpdateUserBy(ctx.UserContext(), actor(ctx), id, p)
	if st, status, ok := c.refusal(err); ok {
		return c.showUser(ctx, status, st)
	}
	if err != nil {
		return err
	}
	return done(ctx, "/admin/users/"+strconv.FormatInt(id, 10))
}

func (c *Console) setRoles(ctx *fiber.Ctx) error {
	roles, err := parseRoles(formValues(ctx, "roles"), "roles")
	if err != nil {
		return err
	}
	return c.changeUser(ctx, people.UserPatch{Roles: &roles})
}

func (c *Console) setActive(ctx *fiber.Ctx) error {
	active, err := formBool(ctx, "active")
	if err != nil {
		return err
	}
	return c.changeUser(ctx, people.UserPatch{Active: &active})
}

func (c *Console) resetPassword(ctx *fiber.Ctx) error {
	pw := ctx.FormValue("password")
	return c.changeUser(ctx, people.UserPatch{Password: &pw})
}

// parseRoles reads role names from a form, refusing one that is not ours
// as the field's error.
func parseRoles(names []string, field string) (store.Roles, error) {
	roles, err := store.ParseRoles(names)
	if err != nil {
		return nil, store.InvalidField(field, "must be one of: %s", strings.Join(store.Role("").Enum(), ", "))
	}
	return roles, nil
}
