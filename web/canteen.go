package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"houqin/models/canteen"
	"houqin/models/store"
)

// The canteen desk (食堂): the dish library, the week planner, today's
// sold-out marks, meal registrations for the kitchen and the ratings. Pages
// choose a canteen by ?canteen= (the first one by default); forms name it
// in their path.
func (c *Console) mountCanteen(d fiber.Router) {
	g := d.Group("/canteen", require(store.RoleCanteenAdmin))
	g.Get("", func(ctx *fiber.Ctx) error { return ctx.Redirect(Prefix+"/canteen/week", http.StatusSeeOther) })
	g.Get("/week", c.weekPage)
	g.Get("/picker", c.picker)
	g.Post("/:id<int>/week/copy", c.sameOrigin, c.csrf, c.copyLastWeek)
	g.Post("/:id<int>/menus/:date/:meal/items", c.sameOrigin, c.csrf, c.addMenuDish)
	g.Post("/:id<int>/menus/:date/:meal/edit", c.sameOrigin, c.csrf, c.editMenuDish)
	g.Post("/:id<int>/menus/:date/:meal/items/:dish<int>/sold-out", c.sameOrigin, c.csrf, c.setSoldOut)
	g.Post("/:id<int>/menus/:date/:meal/publish", c.sameOrigin, c.csrf, c.publishMenu)
	g.Get("/today", c.todayPage)
	g.Get("/registrations", c.registrationsPage)
	g.Get("/ratings", c.ratingsPage)
	c.mountDishes(g)
}

// canteenFuncs are the template words of the canteen pages.
var canteenFuncs = template.FuncMap{
	"yuan": yuan,
	"md":   func(d store.Date) string { return fmt.Sprintf("%d月%d日", d.Month, d.Day) },
	"eqID": func(a *canteen.Canteen, id int64) bool { return a != nil && a.ID == id },
}

// CanteenTab is what every canteen page shows above its content: the
// canteen in use, the others to switch to, and which tab is open.
type CanteenTab struct {
	Canteen  *canteen.Canteen
	Canteens []canteen.Canteen
	Tab      string
}

// CanteenID is the ?canteen= that keeps the choice across the tabs (0:
// the default one).
func (t CanteenTab) CanteenID() int64 {
	if t.Canteen == nil {
		return 0
	}
	return t.Canteen.ID
}

// errNoCanteen is shown until a canteen is set up (through the API).
var errNoCanteen = store.ErrNotFound("canteen")

// chooseCanteen reads ?canteen=, defaulting to the canteen set up first.
func (c *Console) chooseCanteen(ctx *fiber.Ctx, tab string) (CanteenTab, error) {
	all, _, err := c.Canteen.ListCanteens(ctx.UserContext(), store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return CanteenTab{}, err
	}
	if len(all) == 0 {
		return CanteenTab{}, errNoCanteen
	}
	slices.SortFunc(all, func(a, b canteen.Canteen) int { return int(a.ID - b.ID) })
	t := CanteenTab{Canteens: all, Tab: tab, Canteen: &all[0]}
	if id, err := strconv.ParseInt(ctx.Query("canteen"), 10, 64); err == nil && id != 0 {
		i := slices.IndexFunc(all, func(x canteen.Canteen) bool { return x.ID == id })
		if i < 0 {
			return CanteenTab{}, errNoCanteen
		}
		t.Canteen = &all[i]
	}
	return t, nil
}

// menuSlot reads a form's /:id/menus/:date/:meal.
func menuSlot(ctx *fiber.Ctx) (canteen.MenuSlot, error) {
	id := paramID(ctx, "id")
	return canteen.ParseSlot(id, ctx.Params("date"), ctx.Params("meal"))
}

func canteenURL(page string, id int64, extra url.Values) string {
	q := url.Values{"canteen": {strconv.FormatInt(id, 10)}}
	for k, v := range extra {
		q[k] = v
	}
	return Prefix + "/canteen/" + page + "?" + q.Encode()
}

// stepper is a page's bar over weeks or days: back, a chooser, forward.
type stepper struct {
	Action, Field, Input, Value, Label string // the chooser: its page, field, input type, value
	CanteenID                          int64
	Prev, Next, PrevLabel, NextLabel   string
}

// stepWeeks steps page over ISO weeks from mon (the chosen dish stays).
func stepWeeks(page string, id int64, mon store.Date, extra url.Values) stepper {
	at := func(d store.Date) string {
		w, _ := isoWeek(d)
		q := url.Values{"week": {w}}
		for k, v := range extra {
			q[k] = v
		}
		return canteenURL(page, id, q)
	}
	week, _ := isoWeek(mon)
	return stepper{Action: Prefix + "/canteen/" + page, Field: "week", Input: "week", Value: week, Label: "选择周", CanteenID: id,
		Prev: at(mon.AddDays(-7)), Next: at(mon.AddDays(7)), PrevLabel: "上一周", NextLabel: "下一周"}
}
