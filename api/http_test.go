package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"houqin/api/apitest"
	"houqin/models/people"
	"houqin/models/store"
)

func TestOperationsEndpoints(t *testing.T) {
	env := apitest.New(t)
	for _, path := range []string{"/healthz", "/readyz", "/openapi.yaml", "/docs", "/docs/redoc.standalone.js"} {
		t.Run(path, func(t *testing.T) {
			apitest.Expect(t, env.Get(path, ""), http.StatusOK)
		})
	}
	env.Get("/api/v1/me", env.NewUser().Token)
	resp := env.Get("/metrics", "")
	apitest.Expect(t, resp, http.StatusOK)
	if !bytes.Contains(resp.Body, []byte(`houqin_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1`)) {
		t.Fatalf("metrics lack the request counter by route template:\n%s", resp.Body)
	}
}

func TestProblems(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	cases := []struct {
		name   string
		req    apitest.Request
		status int
		code   string
	}{
		{"unknown route", apitest.Request{Method: "GET", Path: "/nowhere"}, 404, "not_found"},
		{"unknown api route", apitest.Request{Method: "GET", Path: "/api/v1/nowhere", Token: u.Token}, 404, "not_found"},
		{"wrong method", apitest.Request{Method: "DELETE", Path: "/healthz"}, 405, "method_not_allowed"},
		{"no token", apitest.Request{Method: "GET", Path: "/api/v1/me"}, 401, "unauthorized"},
		{"staff on admin route", apitest.Request{Method: "GET", Path: "/api/v1/users", Token: u.Token}, 403, "forbidden"},
		{"body over 1 MiB", apitest.Request{Method: "POST", Path: "/api/v1/auth/login",
			Body: `{"username":"` + strings.Repeat("x", 1<<20) + `","password":"x"}`}, 413, "payload_too_large"},
		{"validation lists fields", apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: `{}`}, 400, "validation_failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := env.Do(c.req)
			apitest.Expect(t, resp, c.status, c.code)
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("content type %q", ct)
			}
		})
	}
	var p struct {
		Errors []store.FieldError `json:"errors"`
	}
	env.Post("/api/v1/auth/login", "", map[string]any{}).JSON(t, &p)
	if len(p.Errors) != 2 || p.Errors[0].Field != "username" || p.Errors[1].Field != "password" {
		t.Fatalf("errors = %+v", p.Errors)
	}
}

func TestPanicBecomesOpaque500(t *testing.T) {
	env := apitest.New(t)
	env.Server.App.Get("/boom", func(*fiber.Ctx) error { panic("secret internals: DSN=root:pw@tcp") })
	resp, err := env.Server.App.Test(httptest.NewRequest("GET", "/boom", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || bytes.Contains(body, []byte("secret")) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var p struct{ Code string }
	_ = json.Unmarshal(body, &p)
	if p.Code != "internal" {
		t.Fatalf("code %q", p.Code)
	}
}

func TestRequestID(t *testing.T) {
	env := apitest.New(t)
	resp := env.Do(apitest.Request{Method: "GET", Path: "/healthz", Headers: map[string]string{"X-Request-ID": "abc-123"}})
	if got := resp.Header.Get("X-Request-ID"); got != "abc-123" {
		t.Fatalf("echoed %q", got)
	}
	if got := env.Get("/healthz", "").Header.Get("X-Request-ID"); len(got) != 36 {
		t.Fatalf("generated %q", got)
	}
}

func TestIdempotencyKey(t *testing.T) {
	env := apitest.New(t)
	admin := env.NewUser(store.RoleAdmin)
	create := func(key, username string) *apitest.Response {
		return env.Do(apitest.Request{Method: "POST", Path: "/api/v1/users", Token: admin.Token,
			Body:    map[string]any{"username": username, "name": "李四", "password": "long-enough"},
			Headers: map[string]string{"Idempotency-Key": key}})
	}
	first := create("k1", "lisi")
	apitest.Expect(t, first, http.StatusCreated)
	again := create("k1", "lisi")
	apitest.Expect(t, again, http.StatusCreated)
	if !bytes.Equal(first.Body, again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry was not replayed: %s vs %s", first.Body, again.Body)
	}
	apitest.Expect(t, create("k1", "wangwu"), http.StatusUnprocessableEntity, "idempotency_mismatch")
	// Another user may use the same key for their own request.
	other := env.NewUser(store.RoleAdmin)
	resp := env.Do(apitest.Request{Method: "POST", Path: "/api/v1/users", Token: other.Token,
		Body:    map[string]any{"username": "zhaoliu", "name": "赵六", "password": "long-enough"},
		Headers: map[string]string{"Idempotency-Key": "k1"}})
	apitest.Expect(t, resp, http.StatusCreated)

	// Errors are replayed too (the request was answered), but not server errors.
	apitest.Expect(t, create("k2", "x"), http.StatusBadRequest)
	refused := create("k2", "x")
	apitest.Expect(t, refused, http.StatusBadRequest, "validation_failed")
	if refused.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("the refused request was run again instead of replayed")
	}

	// A key is stored: bytes MySQL cannot store (not UTF-8) once made a 500.
	for _, key := range []string{"\xff\xfe", "键", "a b", strings.Repeat("k", 201)} {
		apitest.Expect(t, create(key, "qianqi"), http.StatusBadRequest, "validation_failed")
	}

	var n int64
	env.Store.Read(t.Context()).Model(&people.User{}).Where("username = ?", "lisi").Count(&n)
	if n != 1 {
		t.Fatalf("%d users named lisi", n)
	}
}

func TestIdempotencyKeyConcurrentRetries(t *testing.T) {
	env := apitest.New(t)
	admin := env.NewUser(store.RoleAdmin)
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = env.Do(apitest.Request{Method: "POST", Path: "/api/v1/users", Token: admin.Token,
				Body:    map[string]any{"username": "sunqi", "name": "孙七", "password": "long-enough"},
				Headers: map[string]string{"Idempotency-Key": "same"}}).Status
		}()
	}
	wg.Wait()
	for _, s := range statuses {
		if s != http.StatusCreated && s != http.StatusConflict {
			t.Fatalf("statuses %v", statuses)
		}
	}
	var n int64
	env.Store.Read(t.Context()).Model(&people.User{}).Where("username = ?", "sunqi").Count(&n)
	if n != 1 {
		t.Fatalf("%d users created", n)
	}
}
