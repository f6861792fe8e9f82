package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar day in the site time zone, written YYYY-MM-DD in JSON
// and in the database.
type Date struct{ Year, Month, Day int }

const dateLayout = "2006-01-02"

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("not a date in the form YYYY-MM-DD: %q", s)
	}
	return DateOf(t, time.UTC), nil
}

// DateOf is the date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, int(m), d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// At is the instant of the local wall-clock time hh:mm on d in loc.
func (d Date) At(hour, minute int, loc *time.Location) time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, hour, minute, 0, 0, loc)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.At(12, 0, time.UTC).AddDate(0, 0, n), time.UTC) }

// Weekday is d's day of the week.
func (d Date) Weekday() time.Weekday { return d.At(12, 0, time.UTC).Weekday() }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.String() < o.String() }

// DaysUntil counts days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int {
	return int(o.At(12, 0, time.UTC).Sub(d.At(12, 0, time.UTC)).Hours() / 24)
}

func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

func (d *Date) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("a date must be a string YYYY-MM-DD")
	}
	v, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores the date as YYYY-MM-DD text (a DATE column on MySQL).
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads DATE columns (time.Time on MySQL) and TEXT columns (SQLite).
func (d *Date) Scan(src any) error {
	if t, ok := src.(time.Time); ok {
		*d = DateOf(t, time.UTC)
		return nil
	}
	s, err := ScanText(src)
	if err != nil {
		return err
	}
	v, err := ParseDate(s[:min(len(s), len(dateLayout))])
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// GormDataType makes GORM's schema treat Date as a date column.
func (Date) GormDataType() string { return "date" }

// ISOWeekday is d's weekday numbered 1 (Monday) to 7 (Sunday).
func (d Date) ISOWeekday() int {
	w := int(d.Weekday())
	if w == 0 {
		return 7
	}
	return w
}
