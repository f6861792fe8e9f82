package store_test

import (
	"testing"

	"houqin/models/store"
)

// TestDateOrderIsNumeric: dates compare by value, not by text, also past
// year 9999, where "10000-01-01" sorts before "9999-12-31" as text.
func TestDateOrderIsNumeric(t *testing.T) {
	last := store.Date{Year: 9999, Month: 12, Day: 31}
	next := last.AddDays(1)
	if next != (store.Date{Year: 10000, Month: 1, Day: 1}) {
		t.Fatalf("9999-12-31 + 1 day = %v", next)
	}
	if !last.Before(next) || next.Before(last) {
		t.Errorf("9999-12-31 must come before %v", next)
	}
	if n := last.DaysUntil(next); n != 1 {
		t.Errorf("9999-12-31 to %v: %d days, want 1", next, n)
	}
	// time.Duration saturates after 292 years; day counts must not.
	if n := (store.Date{Year: 1, Month: 1, Day: 1}).DaysUntil(last); n != 3652058 {
		t.Errorf("0001-01-01 to 9999-12-31: %d days, want 3652058", n)
	}
}

// TestParseDateWindow: a client's date is exactly YYYY-MM-DD with a year in
// the window; anything else is refused.
func TestParseDateWindow(t *testing.T) {
	for _, s := range []string{"2000-01-01", "2026-12-01", "2099-12-31"} {
		if d, err := store.ParseDate(s); err != nil || d.String() != s {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"1999-12-31", "2100-01-01", "9999-12-31", "10000-01-01", "0000-01-01",
		"-2026-12-01", "+2026-12-01", "2026-12-1", "2026-12-01 ", "2026-02-30", "20261201", ""} {
		if d, err := store.ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, d)
		}
	}
}

// TestCheckRange bounds a range's direction and span.
func TestCheckRange(t *testing.T) {
	d := func(s string) store.Date { v, _ := store.ParseDate(s); return v }
	ok := [][2]string{{"2026-12-01", "2026-12-01"}, {"2026-12-01", "2026-12-07"}}
	for _, r := range ok {
		if err := store.CheckRange(d(r[0]), d(r[1]), 7, "to"); err != nil {
			t.Errorf("%v: %v", r, err)
		}
	}
	bad := [][2]string{{"2026-12-02", "2026-12-01"}, {"2026-12-01", "2026-12-08"}, {"2000-01-01", "2099-12-31"}}
	for _, r := range bad {
		if err := store.CheckRange(d(r[0]), d(r[1]), 7, "to"); err == nil {
			t.Errorf("%v: accepted", r)
		}
	}
}
