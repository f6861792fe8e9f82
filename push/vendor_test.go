package push

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCut(t *testing.T) {
	for _, c := range []struct {
		in    string
		n     int
		runes bool
		want  string
	}{
		{"报修已完成", 10, true, "报修已完成"},
		{"报修已完成", 4, true, "报修已…"},
		{"报修已完成", 15, false, "报修已完成"},
		{"报修已完成", 14, false, "报修已…"}, // 9 bytes kept + 3 for the ellipsis
		{"报修已完成", 11, false, "报修…"},
		{"abc", 0, true, ""},
	} {
		got := cut(c.in, c.n, c.runes)
		if got != c.want || !utf8.ValidString(got) {
			t.Errorf("cut(%q, %d, %v) = %q, want %q", c.in, c.n, c.runes, got, c.want)
		}
	}
}

func TestAccessTokenSharedAndRefreshedOnce(t *testing.T) {
	var fetches atomic.Int32
	a := newAccessToken(func(context.Context) (string, time.Duration, error) {
		n := fetches.Add(1)
		time.Sleep(10 * time.Millisecond)
		return "t" + string(rune('0'+n)), time.Hour, nil
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if tok, err := a.Get(context.Background()); err != nil || tok != "t1" {
				t.Errorf("Get = %q, %v", tok, err)
			}
		})
	}
	wg.Wait()
	// Twenty senders all saw a 401 with t1: one refresh.
	for range 20 {
		a.Invalidate("t1")
	}
	for range 20 {
		wg.Go(func() {
			if tok, _ := a.Get(context.Background()); tok != "t2" {
				t.Errorf("after refresh Get = %q", tok)
			}
		})
	}
	wg.Wait()
	if n := fetches.Load(); n != 2 {
		t.Fatalf("fetches = %d, want 2", n)
	}
	// Expiry: past ttl minus the margin, a new token.
	now := time.Now()
	a.now = func() time.Time { return now.Add(56 * time.Minute) }
	if tok, _ := a.Get(context.Background()); tok != "t3" {
		t.Fatalf("after expiry Get = %q", tok)
	}
}

// TestUntilTomorrow: a daily quota is renewed at midnight in China,
// whatever the server's zone.
func TestUntilTomorrow(t *testing.T) {
	for now, want := range map[string]time.Duration{
		"2026-12-02T23:30:00+08:00": 30 * time.Minute,
		"2026-12-02T15:30:00Z":      30 * time.Minute, // 23:30 in Beijing
		"2026-12-31T00:00:00+08:00": 24 * time.Hour,
	} {
		at, _ := time.Parse(time.RFC3339, now)
		if got := untilTomorrow(at); got != want {
			t.Errorf("untilTomorrow(%s) = %s, want %s", now, got, want)
		}
	}
}
