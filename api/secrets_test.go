package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"path"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
)

// A database dump must not hand out calendar feeds: a response carrying a
// secret is never kept for replay, even when the client asks for it.
func TestIdempotencyNeverStoresSecrets(t *testing.T) {
	env := apitest.New(t)
	user := env.NewUser()
	rotate := func() (*apitest.Response, string) {
		resp := env.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/me/calendar-feed", Token: user.Token,
			Headers: map[string]string{"Idempotency-Key": "feed-1"}})
		apitest.Expect(t, resp, http.StatusCreated)
		var out struct{ URL string }
		resp.JSON(t, &out)
		u, err := url.Parse(out.URL)
		if err != nil {
			t.Fatal(err)
		}
		return resp, u.Path
	}
	noSecretStored := func(secret string) {
		t.Helper()
		var rows []store.IdempotencyKey
		if err := env.Store.Read(t.Context()).Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if bytes.Contains(r.Body, []byte(secret)) {
				t.Fatalf("idempotency record %d (key %q) holds the feed secret: %s", r.ID, r.Key, r.Body)
			}
		}
	}
	_, first := rotate()
	noSecretStored(path.Base(first))

	// Sign-in and token rotation hand out tokens: never replayable either.
	login := env.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body:    map[string]any{"username": user.Username, "password": apitest.Password},
		Headers: map[string]string{"Idempotency-Key": "login-1"}})
	apitest.Expect(t, login, http.StatusOK)
	var pair struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	login.JSON(t, &pair)
	refresh := env.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/auth/refresh",
		Body: map[string]any{"refresh_token": pair.RefreshToken}, Headers: map[string]string{"Idempotency-Key": "refresh-1"}})
	apitest.Expect(t, refresh, http.StatusOK)
	var rotated struct {
		RefreshToken string `json:"refresh_token"`
	}
	refresh.JSON(t, &rotated)
	for _, secret := range []string{pair.AccessToken, pair.RefreshToken, rotated.RefreshToken} {
		if secret == "" {
			t.Fatalf("no token in %s", login.Body)
		}
		noSecretStored(secret)
	}

	// The retry runs again: a new URL, the only one that works.
	resp, second := rotate()
	if resp.Header.Get("Idempotent-Replayed") != "" || second == first {
		t.Fatalf("the retry was replayed: %s", resp.Body)
	}
	noSecretStored(path.Base(second))
	apitest.Expect(t, env.Get(first, ""), http.StatusNotFound, "not_found")
	apitest.Expect(t, env.Get(second, ""), http.StatusOK)
}
