package handlers_test

import (
	"testing"
	"time"

	"houqin/handlers"
	"houqin/models/store"
)

// TestJSONEncoderTimes: whatever zone and precision a time comes with (UTC
// from SQLite, microseconds, none), it is sent in the site zone with exactly
// milliseconds; everything else is encoded as encoding/json does.
func TestJSONEncoderTimes(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 12, 1, 1, 0, 0, 123456789, time.UTC)
	v := struct {
		At     time.Time         `json:"at"`
		Whole  time.Time         `json:"whole"`
		Null   *time.Time        `json:"null"`
		Ptr    *time.Time        `json:"ptr,omitempty"`
		Extra  map[string]any    `json:"extra"`
		Date   store.Date        `json:"date"`
		HTML   string            `json:"html"`
		Nil    []int             `json:"nil"`
		Nested map[string]string `json:"nested,omitempty"`
	}{At: at, Whole: at.Truncate(time.Second).In(time.FixedZone("x", -3600)), Ptr: &at,
		Extra: map[string]any{"cutoff_at": at}, Date: store.Date{Year: 2026, Month: 12, Day: 1}, HTML: "<a&b>"}
	b, err := handlers.JSONEncoder(loc)(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"at":"2026-12-01T09:00:00.123+08:00","whole":"2026-12-01T09:00:00.000+08:00","null":null,` +
		`"ptr":"2026-12-01T09:00:00.123+08:00","extra":{"cutoff_at":"2026-12-01T09:00:00.123+08:00"},` +
		`"date":"2026-12-01","html":"\u003ca\u0026b\u003e","nil":null}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
