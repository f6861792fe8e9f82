package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"houqin/api"
	"houqin/api/apitest"
)

// feedURL rotates the caller's calendar feed through a request whose Host
// and forwarding headers an attacker chose.
func feedURL(t *testing.T, env *apitest.Env, token string) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://evil.example/api/v1/me/calendar-feed", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Forwarded-Proto", "gopher")
	resp, err := env.Server.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ URL string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	return out.URL
}

func TestAbsoluteURLsIgnoreRequestHeaders(t *testing.T) {
	for name, tc := range map[string]struct {
		opts []apitest.Option
		want string
	}{
		"configured public URL": {
			opts: []apitest.Option{apitest.Option(func(c *api.Config) { c.PublicURL = "https://houqin.example.gov.cn" })},
			want: "https://houqin.example.gov.cn/api/v1/calendar/",
		},
		"headers from a trusted proxy do not count either": {
			// The test connection's peer is 0.0.0.0: trusting it makes the
			// forged headers come from "our" proxy.
			opts: []apitest.Option{apitest.Option(func(c *api.Config) {
				c.PublicURL, c.TrustedProxies = "https://houqin.example.gov.cn", []string{"0.0.0.0"}
			})},
			want: "https://houqin.example.gov.cn/api/v1/calendar/",
		},
		"unset: derived from the listen address": {want: "http://localhost:8080/api/v1/calendar/"},
	} {
		t.Run(name, func(t *testing.T) {
			env := apitest.New(t, tc.opts...)
			got := feedURL(t, env, env.NewUser().Token)
			if !strings.HasPrefix(got, tc.want) || strings.Contains(got, "evil") {
				t.Fatalf("feed URL %q, want it under %q", got, tc.want)
			}
		})
	}
}

func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	for name, tc := range map[string]struct {
		trusted []string
		xff     string
		want    string
	}{
		"untrusted peer: the header is ignored":             {nil, "203.0.113.9", "0.0.0.0"},
		"trusted peer: the address it saw":                  {[]string{"0.0.0.0"}, "203.0.113.9", "203.0.113.9"},
		"a client's own entries to the left are ignored":    {[]string{"0.0.0.0"}, "198.51.100.7, 203.0.113.9", "203.0.113.9"},
		"a chain of our proxies is walked past":             {[]string{"0.0.0.0", "10.0.0.0/8"}, "198.51.100.7, 203.0.113.9, 10.1.2.3", "203.0.113.9"},
		"a range that does not hold the peer trusts no one": {[]string{"10.0.0.0/8"}, "203.0.113.9", "0.0.0.0"},
	} {
		t.Run(name, func(t *testing.T) {
			env := apitest.New(t, apitest.Option(func(c *api.Config) { c.TrustedProxies = tc.trusted }))
			env.Server.App.Get("/test/ip", func(c *fiber.Ctx) error { return c.SendString(c.IP()) })
			req := httptest.NewRequest(http.MethodGet, "/test/ip", nil)
			req.Header.Set("X-Forwarded-For", tc.xff)
			resp, err := env.Server.App.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if got, _ := io.ReadAll(resp.Body); string(got) != tc.want {
				t.Fatalf("client address %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPublicURLAndProxyConfig(t *testing.T) {
	load := func(vars map[string]string) (api.Config, error) {
		return api.LoadConfig(func(k string) string { return vars[k] })
	}
	for _, bad := range []map[string]string{
		{"HOUQIN_PUBLIC_URL": "houqin.example.gov.cn"},
		{"HOUQIN_PUBLIC_URL": "ftp://houqin.example.gov.cn"},
		{"HOUQIN_PUBLIC_URL": "https://houqin.example.gov.cn/?x=1"},
		{"HOUQIN_TRUSTED_PROXIES": "10.0.0.1, proxy.local"},
		{"HOUQIN_TRUSTED_PROXIES": "10.0.0.0/33"},
	} {
		if _, err := load(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	for vars, want := range map[[2]string]string{
		{"", ""}:                               "http://localhost:8080",
		{"127.0.0.1:9000", ""}:                 "http://127.0.0.1:9000",
		{"[::]:8080", ""}:                      "http://localhost:8080",
		{"", "https://houqin.example.gov.cn/"}: "https://houqin.example.gov.cn",
	} {
		c, err := load(map[string]string{"HOUQIN_ADDR": vars[0], "HOUQIN_PUBLIC_URL": vars[1]})
		if err != nil || c.BaseURL() != want {
			t.Errorf("%v: base URL %q (%v), want %q", vars, c.BaseURL(), err, want)
		}
	}
	c, err := load(map[string]string{"HOUQIN_TRUSTED_PROXIES": " 10.0.0.1 , 172.16.0.0/12,"})
	if err != nil || len(c.TrustedProxies) != 2 {
		t.Fatalf("proxies %q, %v", c.TrustedProxies, err)
	}
}
