package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/api/apitest"
)

// TestLoadMe measures authenticated GET /api/v1/me against a bare Fiber
// handler that returns the same JSON, in the same run, and reports the
// ratio. Run: HOUQIN_LOADTEST=1 go test ./api -run TestLoadMe -v
func TestLoadMe(t *testing.T) {
	apitest.RequireLoadTests(t)
	env := apitest.New(t)
	u := env.NewUser()
	resp := env.Get("/api/v1/me", u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	body := resp.Body

	bare := fiber.New(fiber.Config{DisableStartupMessage: true})
	bare.Get("/api/v1/me", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	})
	bareURL := apitest.Serve(t, bare)
	appURL := apitest.Serve(t, env.Server.App)
	// The token must outlive the run: the injected clock stands still.
	env.Clock.Set(time.Now())
	u.Token, _ = env.Server.Tokens.Issue(u.ID)

	const conns, d = 64, 10 * time.Second
	apitest.Wrk(t, appURL+"/api/v1/me", u.Token, conns, 2*time.Second) // warm up
	b := apitest.Wrk(t, bareURL+"/api/v1/me", u.Token, conns, d)
	a := apitest.Wrk(t, appURL+"/api/v1/me", u.Token, conns, d)
	t.Logf("bare Fiber:   %8.0f req/s  p99 %v", b.RPS, b.P99)
	t.Logf("GET /me:      %8.0f req/s  p99 %v", a.RPS, a.P99)
	t.Logf("ratio:        %.2f", a.RPS/b.RPS)
}
