package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"houqin/models/store"
)

// The administrator's pages (管理): users and roles, announcements, shuttle
// timetables, the service calendar and push status. Each calls the service
// method the JSON API's admin routes call.
func (c *Console) mountAdmin(d fiber.Router) {
	g := d.Group("/admin", require(store.RoleAdmin))
	c.mountUsers(g)
	c.mountAnnouncements(g)
	c.mountTimetables(g)
	c.mountCalendar(g)
	g.Get("/push", c.pushStatus)
}

// formState is what a page with a form shows again after a refusal: the
// message and what is wrong with each named field.
type formState struct {
	Message string
	Errors  map[string]string
}

// refusal turns a refused form into its state, for the page to show beside
// the form with the error's status; anything but a refusal (a missing
// object, a failure) goes to the error page.
func (c *Console) refusal(err error) (formState, int, bool) {
	switch store.ErrorCode(err) {
	case store.CodeValidation, store.CodeConflict, store.CodeInvalidTransition, store.CodeBookingConflict:
		e := c.Explain(err)
		return formState{Message: e.Message, Errors: e.Fields}, e.Status, true
	}
	return formState{}, 0, false
}

// Text is the message with each field's problem, for a page that shows
// them in one line above a table of forms.
func (f formState) Text() string {
	s := f.Message
	for _, k := range slices.Sorted(maps.Keys(f.Errors)) {
		s += " " + f.Errors[k]
	}
	return s
}

// paramID is the route's numeric :name (the route pattern admits digits only).
func paramID(ctx *fiber.Ctx, name string) int64 {
	id, _ := strconv.ParseInt(ctx.Params(name), 10, 64)
	return id
}

// done answers a form that worked: back to the page at path.
func done(ctx *fiber.Ctx, path string) error { return ctx.Redirect(Prefix+path, http.StatusSeeOther) }

// formValues are the values of a repeated form field (checkboxes), copied
// out of the request's memory.
func formValues(ctx *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range ctx.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// formBool reads a yes/no field that a form always sends ("true" or
// "false"), refusing anything else rather than guessing.
func formBool(ctx *fiber.Ctx, name string) (bool, error) {
	v, err := strconv.ParseBool(ctx.FormValue(name))
	if err != nil {
		return false, store.InvalidField(name, "must be true or false")
	}
	return v, nil
}
