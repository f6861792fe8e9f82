package complaint

import (
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// UrgentReply is the green channel's promise; others get WorkingDays.
const (
	UrgentReply = 2 * time.Hour
	WorkingDays = 2
)

// calendarDay is a date exception of the service calendar the shuttle
// keeps (a holiday, or a weekend day worked as 调休); the box reads the
// table rather than the shuttle package.
type calendarDay struct {
	Date      store.Date
	NoService bool
	RunsAs    int
}

// dueAt is when a reply to a complaint filed (or reopened) at t is
// promised: 2 hours for an urgent one, else the same time of day on the
// second working day after, weekends and holidays of the service calendar
// skipped and its moved workdays counted.
func dueAt(db *gorm.DB, t time.Time, urgent bool, loc *time.Location) (time.Time, error) {
	if urgent {
		return t.Add(UrgentReply), nil
	}
	from := store.DateOf(t, loc)
	var exceptions []calendarDay
	// Two working days lie within a fortnight even around the Spring Festival.
	err := db.Table("shuttle_calendar_days").Select("date, no_service, runs_as").
		Where("date > ? AND date <= ?", from, from.AddDays(14)).Find(&exceptions).Error
	if err != nil {
		return time.Time{}, err
	}
	workday := func(d store.Date) bool {
		for _, ex := range exceptions {
			if ex.Date == d {
				return !ex.NoService && ex.RunsAs >= 1 && ex.RunsAs <= 5
			}
		}
		return d.ISOWeekday() <= 5
	}
	d := from
	for n := 0; n < WorkingDays; {
		d = d.AddDays(1)
		if workday(d) {
			n++
		}
	}
	local := t.In(loc)
	return time.Date(d.Year, time.Month(d.Month), d.Day, local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), loc).UTC(), nil
}
