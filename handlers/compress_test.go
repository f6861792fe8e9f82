package handlers_test

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"houqin/api/apitest"
)

// TestResponsesAreCompressed: phones on mobile data get JSON gzipped or
// brotli-compressed when they accept it; the menu's ETag and 304 still
// work; small answers and the live stream go out as they are.
func TestResponsesAreCompressed(t *testing.T) {
	e := newCanteenEnv(t)
	e.publish(t, "2026-12-01", "lunch", e.dishes...)
	base := serve(t, e.Env)
	get := func(t *testing.T, path, token, encoding, etag string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Encoding", encoding) // set by hand, so the client does not decode
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	menus := apitest.Path("/api/v1/canteens/%d/menus?date=2026-12-01", e.canteen)

	t.Run("a menu is gzipped and keeps its ETag", func(t *testing.T) {
		resp := get(t, menus, e.staff.Token, "gzip", "")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" ||
			!strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		var day canteenDayJSON
		if err := json.NewDecoder(zr).Decode(&day); err != nil || len(day.Meals) != 1 {
			t.Fatalf("gunzipped menu: %v %+v", err, day)
		}
		etag := resp.Header.Get("ETag")
		again := get(t, menus, e.staff.Token, "gzip", etag)
		body, _ := io.ReadAll(again.Body)
		if again.StatusCode != http.StatusNotModified || len(body) != 0 || again.Header.Get("ETag") != etag {
			t.Fatalf("revalidation: %d %q %v", again.StatusCode, body, again.Header)
		}
	})
	t.Run("brotli when the phone prefers it", func(t *testing.T) {
		if got := get(t, menus, e.staff.Token, "br", "").Header.Get("Content-Encoding"); got != "br" {
			t.Fatalf("Content-Encoding %q", got)
		}
	})
	t.Run("a client that accepts nothing gets plain JSON", func(t *testing.T) {
		if got := get(t, menus, e.staff.Token, "identity", "").Header.Get("Content-Encoding"); got != "" {
			t.Fatalf("Content-Encoding %q", got)
		}
	})
	t.Run("a small answer is not worth compressing", func(t *testing.T) {
		if got := get(t, "/api/v1/me/devices", e.staff.Token, "gzip, br", "").Header.Get("Content-Encoding"); got != "" {
			t.Fatalf("Content-Encoding %q", got)
		}
	})
	t.Run("the live stream is never compressed", func(t *testing.T) {
		resp := get(t, "/api/v1/events?topics=me", e.staff.Token, "gzip, br", "")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
		line, err := bufio.NewReader(resp.Body).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "retry:") {
			t.Fatalf("first line %q, %v", line, err)
		}
	})
}
