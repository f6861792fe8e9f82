package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/canteen"
	"houqin/models/store"
)

// The week planner: the days of an ISO week × the canteen's meals, each
// cell its menu with the desk's buttons.

// isoWeek is the ISO week ("2026-W49") that contains d, and its Monday.
func isoWeek(d store.Date) (string, store.Date) {
	y, w := d.At(12, 0, time.UTC).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w), d.AddDays(1 - d.ISOWeekday())
}

// parseWeek reads ?week= as an ISO week ("2026-W49", what <input
// type=week> sends) or any date of the week.
func parseWeek(s string, today store.Date) (store.Date, error) {
	if s == "" {
		_, mon := isoWeek(today)
		return mon, nil
	}
	if d, err := store.ParseDate(s); err == nil {
		_, mon := isoWeek(d)
		return mon, nil
	}
	y, w, ok := strings.Cut(s, "-W")
	year, yerr := strconv.Atoi(y)
	week, werr := strconv.Atoi(w)
	if !ok || yerr != nil || werr != nil || week < 1 || week > 53 || year < store.MinYear || year > store.MaxYear {
		return store.Date{}, store.InvalidField("week", "must be %s", "2026-W49")
	}
	// Week 1 is the week with 4 January in it.
	_, mon := isoWeek(store.Date{Year: year, Month: 1, Day: 4})
	mon = mon.AddDays(7 * (week - 1))
	if got, _ := isoWeek(mon); got != fmt.Sprintf("%04d-W%02d", year, week) { // a year without week 53
		return store.Date{}, store.InvalidField("week", "must be %s", "2026-W49")
	}
	return mon, nil
}

type weekData struct {
	CanteenTab
	Week           string
	Monday, Sunday store.Date
	Meals          canteen.MealSchedules
	Days           []weekDay
	Today          store.Date
	Drafts         int
	Report         string // what the last copy did
}

type weekDay struct {
	Date    store.Date
	Weekday string
	Cells   []weekCell
}

// weekCell is one meal of one day: not served, no menu yet, or its menu.
type weekCell struct {
	Slot   canteen.MenuSlot
	Served bool
	Menu   *canteen.MealMenu
	Pick   pickData
}

// Stepper moves the planner a week back or on.
func (d weekData) Stepper() stepper { return stepWeeks("week", d.Canteen.ID, d.Monday, nil) }

// Anchor names the cell, so a form brings the desk back to it.
func (w weekCell) Anchor() string { return "m-" + w.Slot.Date.String() + "-" + string(w.Slot.Meal) }

// Path is the cell's menu under the canteen, for its forms.
func (w weekCell) Path() string {
	return fmt.Sprintf("%s/canteen/%d/menus/%s/%s", Prefix, w.Slot.CanteenID, w.Slot.Date, w.Slot.Meal)
}

func (c *Console) weekPage(ctx *fiber.Ctx) error {
	week := ctx.Query("week")
	if week == "" { // a cell's search without scripts names its date
		week = ctx.Query("date")
	}
	return c.showWeek(ctx, week, http.StatusOK, "")
}

// showWeek renders the planner of week (as ?week= reads), with the
// reason a form was refused, if one was.
func (c *Console) showWeek(ctx *fiber.Ctx, week string, status int, problem string) error {
	tab, err := c.chooseCanteen(ctx, "week")
	if err != nil {
		return err
	}
	mon, err := parseWeek(week, c.Canteen.Today())
	if err != nil {
		return err
	}
	d := weekData{CanteenTab: tab, Monday: mon, Sunday: mon.AddDays(6), Meals: tab.Canteen.Meals, Today: c.Canteen.Today(),
		Report: copyReport(ctx)}
	d.Week, _ = isoWeek(mon)
	days, _, err := c.Canteen.Menus(ctx.UserContext(), tab.Canteen.ID, d.Monday, d.Sunday, true)
	if err != nil {
		return err
	}
	// A search typed without scripts comes back as ?date=&meal=&q=.
	pickDate, pickMeal, q := ctx.Query("date"), ctx.Query("meal"), strings.TrimSpace(ctx.Query("q"))
	csrf := c.csrfToken(ctx)
	for _, day := range days {
		wd := weekDay{Date: day.Date, Weekday: c.Term(day.Date.Weekday().String())}
		for _, m := range d.Meals {
			cell := weekCell{Slot: canteen.MenuSlot{CanteenID: tab.Canteen.ID, Date: day.Date, Meal: m.Meal}, Served: m.ServedOn(day.Date)}
			for i := range day.Meals {
				if day.Meals[i].Meal == m.Meal {
					cell.Menu = &day.Meals[i]
					if cell.Menu.Status == canteen.MenuDraft && len(cell.Menu.Items) > 0 {
						d.Drafts++
					}
				}
			}
			cell.Pick = pickData{Cell: cell.Slot, CSRF: csrf}
			if q != "" && pickDate == day.Date.String() && pickMeal == string(m.Meal) {
				if cell.Pick, err = c.findDishes(ctx, cell.Slot, q); err != nil {
					return err
				}
			}
			wd.Cells = append(wd.Cells, cell)
		}
		d.Days = append(d.Days, wd)
	}
	return c.render(ctx.Status(status), "canteen_week.html", view{Title: "周菜单", Message: problem, Data: d})
}

// pickData is the dish picker of one cell: what was searched and what
// was found, each with a form that adds it.
type pickData struct {
	Cell   canteen.MenuSlot
	Query  string
	Dishes []canteen.Dish
	CSRF   string
}

// Path is where the picker's forms add a dish.
func (p pickData) Path() string { return weekCell{Slot: p.Cell}.Path() + "/items" }

// pickLimit bounds the dishes a search offers.
const pickLimit = 8

func (c *Console) findDishes(ctx *fiber.Ctx, slot canteen.MenuSlot, q string) (pickData, error) {
	p := pickData{Cell: slot, Query: q, CSRF: c.csrfToken(ctx)}
	active := true
	var err error
	p.Dishes, _, err = c.Canteen.ListDishes(ctx.UserContext(), actor(ctx), canteen.DishFilter{Query: q, Active: &active}, store.Page{Limit: pickLimit})
	return p, err
}

// picker is one cell's search result alone, as the desk types (htmx).
func (c *Console) picker(ctx *fiber.Ctx) error {
	tab, err := c.chooseCanteen(ctx, "week")
	if err != nil {
		return err
	}
	slot := canteen.MenuSlot{CanteenID: tab.Canteen.ID}
	if slot.Date, err = store.ParseDate(ctx.Query("date")); err != nil {
		return store.InvalidDate("date")
	}
	if slot.Meal, err = canteen.ParseMeal(ctx.Query("meal")); err != nil {
		return err
	}
	p := pickData{Cell: slot, CSRF: c.csrfToken(ctx)}
	if q := strings.TrimSpace(ctx.Query("q")); q != "" {
		if p, err = c.findDishes(ctx, slot, q); err != nil {
			return err
		}
	}
	return c.render(ctx, "picker", view{Data: p})
}

// backToWeek sends the desk to the planner's week of slot, at its cell.
func backToWeek(ctx *fiber.Ctx, slot canteen.MenuSlot, extra url.Values) error {
	week, _ := isoWeek(slot.Date)
	if extra == nil {
		extra = url.Values{}
	}
	extra.Set("week", week)
	return ctx.Redirect(canteenURL("week", slot.CanteenID, extra)+"#"+weekCell{Slot: slot}.Anchor(), http.StatusSeeOther)
}

// afterEdit shows the planner again: after a redirect when done, or with
// the reason when the models refused.
func (c *Console) afterEdit(ctx *fiber.Ctx, slot canteen.MenuSlot, err error) error {
	if err == nil {
		return backToWeek(ctx, slot, nil)
	}
	st, status, ok := c.refusal(err)
	if !ok || slot.CanteenID == 0 {
		return err
	}
	ctx.Request().URI().QueryArgs().Set("canteen", strconv.FormatInt(slot.CanteenID, 10))
	week, _ := isoWeek(slot.Date)
	return c.showWeek(ctx, week, status, st.Text())
}

func (c *Console) addMenuDish(ctx *fiber.Ctx) error {
	slot, err := menuSlot(ctx)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(ctx.FormValue("dish_id"), 10, 64)
	_, err = c.Canteen.EditMenu(ctx.UserContext(), slot, canteen.MenuEdit{Add: id})
	return c.afterEdit(ctx, slot, err)
}

// editMenuDish moves a dish up or down its menu, or takes it off: the
// button pressed names the change and carries the dish.
func (c *Console) editMenuDish(ctx *fiber.Ctx) error {
	slot, err := menuSlot(ctx)
	if err != nil {
		return err
	}
	id := func(op string) int64 { n, _ := strconv.ParseInt(ctx.FormValue(op), 10, 64); return n }
	var e canteen.MenuEdit
	switch {
	case id("up") != 0:
		e = canteen.MenuEdit{Move: id("up"), By: -1}
	case id("down") != 0:
		e = canteen.MenuEdit{Move: id("down"), By: 1}
	case id("remove") != 0:
		e = canteen.MenuEdit{Remove: id("remove")}
	default:
		return store.InvalidField("dish_id", "is required")
	}
	_, err = c.Canteen.EditMenu(ctx.UserContext(), slot, e)
	return c.afterEdit(ctx, slot, err)
}

// publishMenu publishes a meal's menu as the API does: staff see it, and
// the first publication of a date tells everyone (inbox and push).
func (c *Console) publishMenu(ctx *fiber.Ctx) error {
	slot, err := menuSlot(ctx)
	if err != nil {
		return err
	}
	_, err = c.Canteen.PublishMenu(ctx.UserContext(), slot)
	return c.afterEdit(ctx, slot, err)
}

// copyLastWeek copies the previous week's menus into the week shown, as
// drafts, keeping any menu the week already has.
func (c *Console) copyLastWeek(ctx *fiber.Ctx) error {
	id := paramID(ctx, "id")
	mon, err := parseWeek(ctx.FormValue("week"), c.Canteen.Today())
	if err != nil {
		return err
	}
	done, err := c.Canteen.CopyMenus(ctx.UserContext(), canteen.MenuCopyInput{CanteenID: id,
		SourceFrom: mon.AddDays(-7), SourceTo: mon.AddDays(-1), TargetFrom: mon})
	if err != nil {
		return c.afterEdit(ctx, canteen.MenuSlot{CanteenID: id, Date: mon}, err)
	}
	copied, skipped := 0, 0
	for _, m := range done {
		if m.Result == "skipped" {
			skipped++
		} else {
			copied++
		}
	}
	week, _ := isoWeek(mon)
	return ctx.Redirect(canteenURL("week", id, url.Values{"week": {week}, "copied": {strconv.Itoa(copied)},
		"skipped": {strconv.Itoa(skipped)}}), http.StatusSeeOther)
}

// copyReport says what the last copy did (its redirect carries the counts).
func copyReport(ctx *fiber.Ctx) string {
	copied, err := strconv.Atoi(ctx.Query("copied"))
	if err != nil {
		return ""
	}
	skipped, _ := strconv.Atoi(ctx.Query("skipped"))
	if copied == 0 && skipped == 0 {
		return "上周没有可复制的菜单。"
	}
	return fmt.Sprintf("已从上周复制 %d 餐菜单（草稿，发布后职工可见）；%d 餐本周已有菜单，未覆盖。", copied, skipped)
}
