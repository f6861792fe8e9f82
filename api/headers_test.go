package api_test

import (
	"net/http"
	"strings"
	"testing"

	"houqin/api/apitest"
)

func TestSecurityHeaders(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	signIn := map[string]string{"username": u.Username, "password": apitest.Password}
	responses := map[string]*apitest.Response{
		"profile":       env.Get("/api/v1/me", u.Token),
		"sign-in":       env.Post("/api/v1/auth/login", "", signIn),
		"problem":       env.Get("/api/v1/me", ""),
		"unknown route": env.Get("/api/v1/nothing-here", u.Token),
		"health":        env.Get("/healthz", ""),
		"docs":          env.Get("/docs", ""),
	}
	for name, resp := range responses {
		t.Run(name, func(t *testing.T) {
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Fatalf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
				t.Fatalf("X-Frame-Options = %q, want DENY", got)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Fatalf("Content-Security-Policy = %q, want frame-ancestors 'none'", csp)
			}
		})
	}
	for _, name := range []string{"profile", "sign-in", "problem", "unknown route"} {
		if got := responses[name].Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control = %q, want no-store", name, got)
		}
	}
	// The docs page may run its own script and nothing from elsewhere.
	csp := responses["docs"].Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "*") || strings.Contains(csp, "unsafe-eval") {
		t.Fatalf("docs Content-Security-Policy = %q", csp)
	}
	// A rendered page is kept apart from other origins' windows and embeds.
	for name, want := range map[string]string{"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Resource-Policy": "same-site", "Referrer-Policy": "no-referrer"} {
		if got := responses["docs"].Header.Get(name); got != want {
			t.Errorf("docs %s = %q, want %q", name, got, want)
		}
	}
	if responses["docs"].Status != http.StatusOK {
		t.Fatalf("docs answered %d", responses["docs"].Status)
	}
}
