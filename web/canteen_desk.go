package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/canteen"
	"houqin/models/store"
)

// The canteen's day: today's sold-out marks, the registrations the kitchen
// cooks for, and what staff said about the dishes.

type todayData struct {
	CanteenTab
	Date  store.Date
	Meals []canteen.MealMenu
}

func (c *Console) todayPage(ctx *fiber.Ctx) error {
	tab, err := c.chooseCanteen(ctx, "today")
	if err != nil {
		return err
	}
	today := c.Canteen.Today()
	days, _, err := c.Canteen.Menus(ctx.UserContext(), tab.Canteen.ID, today, today, true)
	if err != nil {
		return err
	}
	return c.render(ctx, "canteen_today.html", view{Title: "今日售罄", Data: todayData{CanteenTab: tab, Date: today, Meals: days[0].Meals}})
}

// setSoldOut marks a dish of today's menu sold out or back; staff
// following the canteen hear of it at once.
func (c *Console) setSoldOut(ctx *fiber.Ctx) error {
	slot, err := menuSlot(ctx)
	if err != nil {
		return err
	}
	id := paramID(ctx, "dish")
	soldOut, err := strconv.ParseBool(ctx.FormValue("sold_out"))
	if err != nil {
		return store.InvalidField("sold_out", "must be true or false")
	}
	if _, err := c.Canteen.SetSoldOut(ctx.UserContext(), slot, id, soldOut); err != nil {
		return err
	}
	return ctx.Redirect(canteenURL("today", slot.CanteenID, nil)+"#d-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type registrationsData struct {
	CanteenTab
	Date, Today store.Date
	Meals       []mealCount
}

// mealCount is one meal's figure with its registration cut-off.
type mealCount struct {
	canteen.MealRegistrationCount
	Served bool
	Cutoff time.Time
	Closed bool
}

func (c *Console) registrationsPage(ctx *fiber.Ctx) error {
	tab, err := c.chooseCanteen(ctx, "registrations")
	if err != nil {
		return err
	}
	d := registrationsData{CanteenTab: tab, Today: c.Canteen.Today(), Date: c.Canteen.Today()}
	if s := ctx.Query("date"); s != "" {
		if d.Date, err = store.ParseDate(s); err != nil {
			return store.InvalidDate("date")
		}
	}
	counts, err := c.Canteen.RegistrationCounts(ctx.UserContext(), tab.Canteen.ID, d.Date)
	if err != nil {
		return err
	}
	now := c.Canteen.Now()
	for _, mc := range counts {
		row := mealCount{MealRegistrationCount: mc}
		if sched, err := tab.Canteen.Serving(canteen.MenuSlot{CanteenID: tab.Canteen.ID, Date: d.Date, Meal: mc.Meal}); err == nil {
			row.Served, row.Cutoff = true, sched.Cutoff(d.Date, c.Canteen.Location)
			row.Closed = !now.Before(row.Cutoff)
		}
		if row.Served || row.Total > 0 {
			d.Meals = append(d.Meals, row)
		}
	}
	return c.render(ctx, "canteen_registrations.html", view{Title: "报餐统计", Data: d})
}

// Stepper moves the counts a day back or on.
func (d registrationsData) Stepper() stepper {
	at := func(day store.Date) string {
		return canteenURL("registrations", d.Canteen.ID, url.Values{"date": {day.String()}})
	}
	return stepper{Action: Prefix + "/canteen/registrations", Field: "date", Input: "date", Value: d.Date.String(), Label: "选择日期",
		CanteenID: d.Canteen.ID, Prev: at(d.Date.AddDays(-1)), Next: at(d.Date.AddDays(1)), PrevLabel: "前一天", NextLabel: "后一天"}
}

// Stepper moves the ratings a week back or on, keeping the chosen dish.
func (d ratingsData) Stepper() stepper {
	extra := url.Values{}
	if d.Dish != nil {
		extra.Set("dish", strconv.FormatInt(d.Dish.ID, 10))
	}
	return stepWeeks("ratings", d.Canteen.ID, d.Week, extra)
}

type ratingsData struct {
	CanteenTab
	Week         store.Date // the Monday
	Prev, Next   store.Date
	Summary      *canteen.DishRatingSummary
	Dish         *canteen.Dish // the ratings of one dish, when chosen
	Ratings      []canteen.DishRatingRow
	More, Cursor string // the next page's cursor and this one's
}

// ratingsPage shows a week's averages per dish and the recent ratings with
// their comments, all or one dish's, newest first.
func (c *Console) ratingsPage(ctx *fiber.Ctx) error {
	tab, err := c.chooseCanteen(ctx, "ratings")
	if err != nil {
		return err
	}
	mon, err := parseWeek(ctx.Query("week"), c.Canteen.Today())
	if err != nil {
		return err
	}
	d := ratingsData{CanteenTab: tab, Week: mon, Cursor: ctx.Query("cursor")}
	uctx := ctx.UserContext()
	if d.Summary, err = c.Canteen.WeeklyRatings(uctx, mon); err != nil {
		return err
	}
	f := canteen.DishRatingFilter{}
	if id, err := strconv.ParseInt(ctx.Query("dish"), 10, 64); err == nil {
		if d.Dish, err = c.Canteen.Dish(uctx, actor(ctx), id); err != nil {
			return err
		}
		f.DishID = id
	}
	if d.Ratings, d.More, err = c.Canteen.ListRatings(uctx, f, store.Page{Limit: store.DefaultPageLimit, Cursor: d.Cursor}); err != nil {
		return err
	}
	return c.render(ctx, "canteen_ratings.html", view{Title: "菜品评价", Data: d})
}

// MoreURL is the next page of the ratings listed.
func (d ratingsData) MoreURL() string {
	q := url.Values{"week": {d.Week.String()}, "cursor": {d.More}}
	if d.Dish != nil {
		q.Set("dish", strconv.FormatInt(d.Dish.ID, 10))
	}
	return canteenURL("ratings", d.Canteen.ID, q)
}
