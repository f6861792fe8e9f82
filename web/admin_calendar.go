package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/shuttle"
	"houqin/models/store"
)

// The service calendar (运营日历): holidays and moved workdays (调休), a
// month at a time, set and removed through the shuttle service.
func (c *Console) mountCalendar(g fiber.Router) {
	g.Get("/calendar", c.calendarPage)
	g.Post("/calendar", c.sameOrigin, c.csrf, c.setCalendarDay)
	g.Post("/calendar/delete", c.sameOrigin, c.csrf, c.deleteCalendarDay)
}

// calendarCell is one day of the month grid.
type calendarCell struct {
	Date      store.Date
	InMonth   bool
	Exception *shuttle.ShuttleCalendarDay
}

type calendarData struct {
	Month, Prev, Next string // YYYY-MM
	Weeks             [][]calendarCell
	Days              []shuttle.ShuttleCalendarDay
	Input             calendarInput
	formState
}

type calendarInput struct {
	Date, Kind, Note string
	RunsAs           int
}

// Weekdays are the ISO weekdays with their Chinese names.
func (calendarData) Weekdays() []weekday { return isoWeekdays }

// WeekdayName is ISO weekday n in Chinese ("周六").
func (calendarData) WeekdayName(n int) string {
	if n < 1 || n > 7 {
		return ""
	}
	return "周" + isoWeekdays[n-1].Label
}

// monthOf reads ?month= (YYYY-MM), by default the month of today.
func (c *Console) monthOf(ctx *fiber.Ctx) (store.Date, error) {
	m := ctx.Query("month")
	if m == "" {
		today := store.DateOf(c.Shuttle.Now(), c.Shuttle.Location)
		return store.Date{Year: today.Year, Month: today.Month, Day: 1}, nil
	}
	d, err := store.ParseDate(m + "-01")
	if err != nil {
		return d, store.InvalidDate("month")
	}
	return d, nil
}

func (c *Console) calendarPage(ctx *fiber.Ctx) error {
	first, err := c.monthOf(ctx)
	if err != nil {
		return err
	}
	return c.showCalendar(ctx, fiber.StatusOK, first, calendarData{Input: calendarInput{Kind: "holiday", RunsAs: 1}})
}

// showCalendar lays out the month of first as weeks from Monday, with the
// date exceptions of the weeks shown.
func (c *Console) showCalendar(ctx *fiber.Ctx, status int, first store.Date, d calendarData) error {
	start := first.AddDays(1 - first.ISOWeekday())
	nextMonth := first.At(12, 0, time.UTC).AddDate(0, 1, 0)
	last := store.DateOf(nextMonth, time.UTC).AddDays(-1)
	end := last.AddDays(7 - last.ISOWeekday())
	days, err := c.Shuttle.Calendar(ctx.UserContext(), start, end)
	if err != nil {
		return err
	}
	byDate := map[store.Date]*shuttle.ShuttleCalendarDay{}
	for i := range days {
		byDate[days[i].Date] = &days[i]
		if days[i].Date.Month == first.Month {
			d.Days = append(d.Days, days[i])
		}
	}
	for day := start; !end.Before(day); day = day.AddDays(7) {
		week := make([]calendarCell, 7)
		for i := range week {
			date := day.AddDays(i)
			week[i] = calendarCell{Date: date, InMonth: date.Month == first.Month, Exception: byDate[date]}
		}
		d.Weeks = append(d.Weeks, week)
	}
	month := func(t time.Time) string { return t.Format("2006-01") }
	d.Month, d.Prev, d.Next = month(first.At(12, 0, time.UTC)), month(first.At(12, 0, time.UTC).AddDate(0, -1, 0)), month(nextMonth)
	return c.render(ctx.Status(status), "admin_calendar.html", view{Title: "运营日历", Data: d})
}

// setCalendarDay makes a date a holiday or a moved workday, as PUT
// /api/v1/shuttle/calendar/{date} does.
func (c *Console) setCalendarDay(ctx *fiber.Ctx) error {
	in := calendarInput{Date: strings.TrimSpace(ctx.FormValue("date")), Kind: ctx.FormValue("kind"), Note: ctx.FormValue("note")}
	in.RunsAs, _ = strconv.Atoi(ctx.FormValue("runs_as"))
	date, err := store.ParseDate(in.Date)
	switch {
	case err != nil:
		err = store.InvalidDate("date")
	case in.Kind != "holiday" && in.Kind != "workday":
		err = store.InvalidField("kind", "must be one of: %s", "holiday, workday")
	default:
		day := shuttle.ShuttleCalendarDay{Date: date, NoService: in.Kind != "workday", Note: in.Note}
		if !day.NoService {
			day.RunsAs = in.RunsAs
		}
		err = c.Shuttle.SetCalendarDay(ctx.UserContext(), day)
	}
	if st, status, ok := c.refusal(err); ok {
		first, merr := c.monthOf(ctx)
		if merr != nil {
			return merr
		}
		if !date.IsZero() {
			first = store.Date{Year: date.Year, Month: date.Month, Day: 1}
		}
		return c.showCalendar(ctx, status, first, calendarData{Input: in, formState: st})
	}
	if err != nil {
		return err
	}
	return done(ctx, "/admin/calendar?month="+date.String()[:7])
}

func (c *Console) deleteCalendarDay(ctx *fiber.Ctx) error {
	date, err := store.ParseDate(ctx.FormValue("date"))
	if err != nil {
		return store.InvalidDate("date")
	}
	if err := c.Shuttle.DeleteCalendarDay(ctx.UserContext(), date); err != nil {
		return err
	}
	return done(ctx, "/admin/calendar?month="+date.String()[:7])
}
