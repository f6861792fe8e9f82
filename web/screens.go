package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/screen"
	"houqin/models/store"
)

// The lobby screens' page (大屏): an admin issues a screen its address,
// shown once, and revokes it when the display is gone or the address
// leaked.
func (c *Console) mountScreens(d fiber.Router) {
	g := d.Group("/screens", require(store.RoleAdmin))
	g.Get("", c.screensPage)
	g.Post("", c.sameOrigin, c.csrf, c.issueScreen)
	g.Post("/:id<int>/revoke", c.sameOrigin, c.csrf, c.revokeScreen)
}

type screensData struct {
	Screens []screen.Screen
	// Issued is the screen just issued, with its address (shown this once).
	Issued *screen.Screen
	URL    string
	// Relative: no public address is configured, so URL is a path the
	// admin puts after the service's own address.
	Relative bool
	Name     string
	Error    string
}

func (c *Console) showScreens(ctx *fiber.Ctx, status int, d screensData) error {
	var err error
	if d.Screens, err = c.Screens.List(ctx.UserContext(), actor(ctx)); err != nil {
		return err
	}
	return c.render(ctx.Status(status), "screens.html", view{Title: "大屏", Data: d})
}

func (c *Console) screensPage(ctx *fiber.Ctx) error {
	return c.showScreens(ctx, http.StatusOK, screensData{})
}

// issueScreen creates a screen and shows its address. The address is the
// configured public one when set, never one made from request headers.
func (c *Console) issueScreen(ctx *fiber.Ctx) error {
	name := ctx.FormValue("name")
	sc, token, err := c.Screens.Issue(ctx.UserContext(), actor(ctx), name)
	if store.ErrorCode(err) == store.CodeValidation {
		e := c.Explain(err)
		return c.showScreens(ctx, e.Status, screensData{Name: name, Error: e.Fields["name"]})
	}
	if err != nil {
		return err
	}
	url := strings.TrimSuffix(c.PublicURL, "/") + ScreenPrefix + "/" + token
	return c.showScreens(ctx, http.StatusCreated, screensData{Issued: sc, URL: url, Relative: c.PublicURL == ""})
}

func (c *Console) revokeScreen(ctx *fiber.Ctx) error {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	if err := c.Screens.Revoke(ctx.UserContext(), actor(ctx), id); err != nil {
		return err
	}
	return ctx.Redirect(Prefix+"/screens", http.StatusSeeOther)
}
