package store

import (
	"cmp"
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar day in the site time zone, written YYYY-MM-DD in JSON
// and in the database.
type Date struct{ Year, Month, Day int }

const dateLayout = "2006-01-02"

// Dates a client may give lie in these years: far enough for any booking,
// timetable or statistic, near enough that every date is four digits (so
// text order is date order in SQLite) and every day count is small.
const (
	MinYear = 2000
	MaxYear = 2099
)

// InvalidDate is the problem with a date field that ParseDate refused.
func InvalidDate(field string) *Error {
	return InvalidField(field, "must be a date YYYY-MM-DD from %d-01-01 to %d-12-31", MinYear, MaxYear)
}

// ErrDate is ParseDate's error, worded as a field's rule.
var ErrDate = fmt.Errorf("must be a date YYYY-MM-DD from %d-01-01 to %d-12-31", MinYear, MaxYear)

// ParseDate parses a client's YYYY-MM-DD, accepting only years MinYear to
// MaxYear.
func ParseDate(s string) (Date, error) {
	d, err := parseDate(s)
	if err != nil || !d.InWindow() {
		return Date{}, ErrDate
	}
	return d, nil
}

// InWindow reports whether d lies in the years MinYear to MaxYear.
func (d Date) InWindow() bool { return d.Year >= MinYear && d.Year <= MaxYear }

// parseDate parses YYYY-MM-DD with any four-digit year (stored dates).
func parseDate(s string) (Date, error) {
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

// Compare orders dates by year, month and day (-1, 0 or +1). Their text
// does not: "10000-01-01" sorts before "9999-12-31".
func (d Date) Compare(o Date) int {
	return cmp.Or(cmp.Compare(d.Year, o.Year), cmp.Compare(d.Month, o.Month), cmp.Compare(d.Day, o.Day))
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// DaysUntil counts days from d to o (negative when o is earlier). It counts
// in Unix seconds, which do not saturate as a time.Duration does after 292
// years.
func (d Date) DaysUntil(o Date) int {
	return int((o.At(0, 0, time.UTC).Unix() - d.At(0, 0, time.UTC).Unix()) / 86400)
}

// CheckRange rejects a range from..to that runs backwards or spans more
// than maxDays days (both ends included), naming the field toField.
func CheckRange(from, to Date, maxDays int, toField string) error {
	if to.Before(from) {
		return InvalidField(toField, "must not be before from")
	}
	if from.DaysUntil(to) >= maxDays {
		return InvalidField(toField, "the range may span at most %d days", maxDays)
	}
	return nil
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
	v, err := parseDate(s[:min(len(s), len(dateLayout))])
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

// Span is the instants of the local dates from..to (inclusive), [start, end) in UTC.
func Span(from, to Date, loc *time.Location) (time.Time, time.Time) {
	return from.At(0, 0, loc).UTC(), to.AddDays(1).At(0, 0, loc).UTC()
}
