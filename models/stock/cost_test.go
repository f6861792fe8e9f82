package stock_test

import (
	"testing"

	"houqin/models/stock"
	"houqin/models/store"
)

// A default cost report covers twelve months, ending with to's month.
func TestCostsFrom(t *testing.T) {
	for _, c := range []struct{ to, want string }{
		{"2026-12-02", "2026-01-01"},
		{"2026-01-31", "2025-02-01"},
		{"2024-02-29", "2023-03-01"},
	} {
		to, _ := store.ParseDate(c.to)
		if got := stock.CostsFrom(to).String(); got != c.want {
			t.Errorf("CostsFrom(%s) = %s, want %s", c.to, got, c.want)
		}
	}
}
