package maint_test

import (
	"testing"

	"houqin/models/maint"
	"houqin/models/store"
)

func date(t *testing.T, s string) store.Date {
	t.Helper()
	d, err := store.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Each date of a cycle is counted from its start: month ends clamp and
// come back, leap days return in leap years, weeks are seven days.
func TestCycleDates(t *testing.T) {
	for _, c := range []struct {
		name  string
		cycle maint.Cycle
		want  []string
	}{
		{"monthly from 31 January", maint.Cycle{Unit: maint.CycleMonth, Every: 1, Start: date(t, "2027-01-31")},
			[]string{"2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"}},
		{"monthly from 31 January in a leap year", maint.Cycle{Unit: maint.CycleMonth, Every: 1, Start: date(t, "2028-01-31")},
			[]string{"2028-01-31", "2028-02-29", "2028-03-31"}},
		{"quarterly from 30 November", maint.Cycle{Unit: maint.CycleMonth, Every: 3, Start: date(t, "2026-11-30")},
			[]string{"2026-11-30", "2027-02-28", "2027-05-30", "2027-08-30"}},
		{"yearly on 29 February", maint.Cycle{Unit: maint.CycleYear, Every: 1, Start: date(t, "2028-02-29")},
			[]string{"2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"}},
		{"yearly before 1 June", maint.Cycle{Unit: maint.CycleYear, Every: 1, Start: date(t, "2027-06-01")},
			[]string{"2027-06-01", "2028-06-01", "2029-06-01"}},
		{"every two weeks across a year end", maint.Cycle{Unit: maint.CycleWeek, Every: 2, Start: date(t, "2026-12-21")},
			[]string{"2026-12-21", "2027-01-04", "2027-01-18"}},
		{"every 10 days across February", maint.Cycle{Unit: maint.CycleDay, Every: 10, Start: date(t, "2028-02-20")},
			[]string{"2028-02-20", "2028-03-01", "2028-03-11"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := c.cycle.From(c.cycle.Start)
			for i, want := range c.want {
				if d.String() != want {
					t.Fatalf("date %d = %s, want %s", i, d, want)
				}
				d = c.cycle.After(d)
			}
		})
	}
}

// From finds the first date on or after any day, however far from the start.
func TestCycleFrom(t *testing.T) {
	for _, c := range []struct {
		cycle    maint.Cycle
		from     string
		want     string
		describe string
	}{
		{maint.Cycle{Unit: maint.CycleMonth, Every: 1, Start: date(t, "2020-01-31")}, "2027-02-01", "2027-02-28", "month end years later"},
		{maint.Cycle{Unit: maint.CycleMonth, Every: 1, Start: date(t, "2020-01-31")}, "2027-03-01", "2027-03-31", "back to the 31st"},
		{maint.Cycle{Unit: maint.CycleYear, Every: 1, Start: date(t, "2024-02-29")}, "2027-12-01", "2028-02-29", "next leap day"},
		{maint.Cycle{Unit: maint.CycleYear, Every: 1, Start: date(t, "2026-06-01")}, "2026-12-01", "2027-06-01", "before next 1 June"},
		{maint.Cycle{Unit: maint.CycleWeek, Every: 1, Start: date(t, "2026-12-07")}, "2026-12-01", "2026-12-07", "start in the future"},
		{maint.Cycle{Unit: maint.CycleDay, Every: 7, Start: date(t, "2026-01-01")}, "2026-12-31", "2026-12-31", "on a date"},
	} {
		if got := c.cycle.From(date(t, c.from)).String(); got != c.want {
			t.Errorf("%s: From(%s) = %s, want %s", c.describe, c.from, got, c.want)
		}
	}
}
