package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
)

// TestVerifiedTokensStillExpire checks that remembering verified tokens
// does not stretch their lifetime.
func TestVerifiedTokensStillExpire(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	apitest.Expect(t, env.Get("/api/v1/me", u.Token), http.StatusOK)
	apitest.Expect(t, env.Get("/api/v1/me", u.Token), http.StatusOK)
	env.Clock.Advance(env.Server.Tokens.TTL() + time.Minute)
	apitest.Expect(t, env.Get("/api/v1/me", u.Token), http.StatusUnauthorized, "unauthorized")
	apitest.Expect(t, env.Get("/api/v1/me", u.Token[:len(u.Token)-2]+"xx"), http.StatusUnauthorized, "unauthorized")
}
