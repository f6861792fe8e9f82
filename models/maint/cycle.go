package maint

import (
	"time"

	"houqin/models/store"
)

// CycleUnit is the unit a plan repeats in.
type CycleUnit string

const (
	CycleDay   CycleUnit = "day"
	CycleWeek  CycleUnit = "week"
	CycleMonth CycleUnit = "month"
	CycleYear  CycleUnit = "year"
)

// CycleUnits lists the units.
var CycleUnits = []CycleUnit{CycleDay, CycleWeek, CycleMonth, CycleYear}

// Enum lists the units (store.Enumerated).
func (CycleUnit) Enum() []string { return store.Strings(CycleUnits) }

// Cycle is a plan's schedule: every Every units counted from Start. The
// k-th date is computed from Start each time, never from the previous
// date, so a plan anchored on the 31st falls on 28/29 February and returns
// to the 31st in March, and one yearly on 29 February falls on 28 February
// in common years and on the 29th again in leap years. "Yearly before 1
// June" is Every 1 Year from a 1 June.
type Cycle struct {
	Unit  CycleUnit
	Every int
	Start store.Date
}

// At is the k-th date of the cycle (k = 0 is Start).
func (c Cycle) At(k int) store.Date {
	switch c.Unit {
	case CycleDay:
		return c.Start.AddDays(k * c.Every)
	case CycleWeek:
		return c.Start.AddDays(7 * k * c.Every)
	case CycleYear:
		return addMonths(c.Start, 12*k*c.Every)
	}
	return addMonths(c.Start, k*c.Every)
}

// addMonths moves d by n months, keeping its day where the month has it
// and taking the month's last day where it does not.
func addMonths(d store.Date, n int) store.Date {
	m := d.Year*12 + d.Month - 1 + n
	y, mo := m/12, m%12+1
	return store.Date{Year: y, Month: mo, Day: min(d.Day, daysIn(y, mo))}
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// From is the first date of the cycle on or after d.
func (c Cycle) From(d store.Date) store.Date {
	if !c.Start.Before(d) {
		return c.Start
	}
	var k int
	switch c.Unit {
	case CycleDay:
		k = c.Start.DaysUntil(d) / c.Every
	case CycleWeek:
		k = c.Start.DaysUntil(d) / (7 * c.Every)
	case CycleYear:
		k = ((d.Year-c.Start.Year)*12 + d.Month - c.Start.Month) / (12 * c.Every)
	default:
		k = ((d.Year-c.Start.Year)*12 + d.Month - c.Start.Month) / c.Every
	}
	// k is at most one step short (a date later in its month or week).
	k = max(k-1, 0)
	for c.At(k).Before(d) {
		k++
	}
	return c.At(k)
}

// After is the first date of the cycle strictly after d.
func (c Cycle) After(d store.Date) store.Date { return c.From(d.AddDays(1)) }
