package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/people"
	"houqin/models/store"
)

type session struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	User         struct {
		ID       int64    `json:"id"`
		Username string   `json:"username"`
		Roles    []string `json:"roles"`
	} `json:"user"`
}

func login(t *testing.T, env *apitest.Env, username, password string) session {
	t.Helper()
	resp := env.Post("/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	apitest.Expect(t, resp, http.StatusOK)
	var s session
	resp.JSON(t, &s)
	return s
}

func TestLoginMeRefreshLogout(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser(store.RoleDispatcher)

	s := login(t, env, u.Username, apitest.Password)
	if s.TokenType != "Bearer" || s.ExpiresIn != 900 || s.User.ID != u.ID {
		t.Fatalf("session = %+v", s)
	}
	if strings.Join(s.User.Roles, ",") != "staff,dispatcher" {
		t.Fatalf("roles = %v", s.User.Roles)
	}
	var me struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
	}
	resp := env.Get("/api/v1/me", s.AccessToken)
	apitest.Expect(t, resp, http.StatusOK)
	resp.JSON(t, &me)
	if me.ID != u.ID || me.Username != u.Username {
		t.Fatalf("me = %+v", me)
	}

	resp = env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken})
	apitest.Expect(t, resp, http.StatusOK)
	var next session
	resp.JSON(t, &next)
	if next.RefreshToken == s.RefreshToken || next.AccessToken == "" {
		t.Fatal("refresh did not rotate the token")
	}

	apitest.Expect(t, env.Post("/api/v1/auth/logout", "", map[string]string{"refresh_token": next.RefreshToken}), http.StatusNoContent)
	apitest.Expect(t, env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": next.RefreshToken}), http.StatusUnauthorized, "unauthorized")
	// Logging out twice is harmless.
	apitest.Expect(t, env.Post("/api/v1/auth/logout", "", map[string]string{"refresh_token": next.RefreshToken}), http.StatusNoContent)
}

func TestRefreshReuseRevokesFamily(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	s := login(t, env, u.Username, apitest.Password)
	other := login(t, env, u.Username, apitest.Password) // a second phone: its own family

	resp := env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken})
	apitest.Expect(t, resp, http.StatusOK)
	var rotated session
	resp.JSON(t, &rotated)

	// The old token again: someone copied it. Both copies die.
	apitest.Expect(t, env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken}), http.StatusUnauthorized, "unauthorized")
	apitest.Expect(t, env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": rotated.RefreshToken}), http.StatusUnauthorized, "unauthorized")
	// The other sign-in is untouched.
	apitest.Expect(t, env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": other.RefreshToken}), http.StatusOK)
}

func TestRefreshTokenExpires(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	s := login(t, env, u.Username, apitest.Password)
	env.Clock.Advance(people.RefreshTTL + time.Minute)
	apitest.Expect(t, env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken}), http.StatusUnauthorized, "unauthorized")
}

func TestLoginFailures(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	for name, body := range map[string]any{
		"wrong password": map[string]string{"username": u.Username, "password": "nope-nope"},
		"unknown user":   map[string]string{"username": "nobody", "password": apitest.Password},
	} {
		t.Run(name, func(t *testing.T) {
			apitest.Expect(t, env.Post("/api/v1/auth/login", "", body), http.StatusUnauthorized, "unauthorized")
		})
	}
	for name, body := range map[string]string{
		"missing password": `{"username":"x"}`,
		"unknown field":    `{"username":"x","password":"y","admin":true}`,
		"not json":         `{"username":`,
		"wrong type":       `{"username":1,"password":"y"}`,
		"two values":       `{"username":"x","password":"y"} {}`,
		"empty":            ``,
	} {
		t.Run(name, func(t *testing.T) {
			resp := env.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login", Body: []byte(body),
				Headers: map[string]string{"Content-Type": "application/json"}})
			apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
		})
	}
}

func TestLoginRateLimitedPerUsername(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	bad := map[string]string{"username": u.Username, "password": "wrong-password"}
	for i := 0; i < 10; i++ {
		apitest.Expect(t, env.Post("/api/v1/auth/login", "", bad), http.StatusUnauthorized)
	}
	resp := env.Post("/api/v1/auth/login", "", bad)
	apitest.Expect(t, resp, http.StatusTooManyRequests, "rate_limited")
	if resp.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// The right password is refused too until the window passes.
	apitest.Expect(t, env.Post("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": apitest.Password}), http.StatusTooManyRequests)
	// Another user is not affected.
	other := env.NewUser()
	login(t, env, other.Username, apitest.Password)
}

func TestAccessTokenChecks(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	ghost, _ := env.Server.Tokens.Issue(999999) // a user that does not exist
	cases := map[string]string{
		"no token":        "",
		"garbage":         "not-a-jwt",
		"alg none":        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIn0.",
		"truncated":       u.Token[:len(u.Token)-4],
		"unknown subject": ghost,
	}
	for name, token := range cases {
		t.Run(name, func(t *testing.T) {
			apitest.Expect(t, env.Get("/api/v1/me", token), http.StatusUnauthorized, "unauthorized")
		})
	}
	t.Run("expired", func(t *testing.T) {
		env.Clock.Advance(16 * time.Minute)
		defer env.Clock.Advance(-16 * time.Minute)
		apitest.Expect(t, env.Get("/api/v1/me", u.Token), http.StatusUnauthorized, "unauthorized")
	})
}

func TestDeactivatedUserRefusedAtOnce(t *testing.T) {
	env := apitest.New(t)
	admin := env.NewUser(store.RoleAdmin)
	u := env.NewUser()
	s := login(t, env, u.Username, apitest.Password)
	apitest.Expect(t, env.Get("/api/v1/me", s.AccessToken), http.StatusOK)

	apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", u.ID), admin.Token, map[string]any{"active": false}), http.StatusOK)
	apitest.Expect(t, env.Get("/api/v1/me", s.AccessToken), http.StatusUnauthorized, "unauthorized")
	apitest.Expect(t, env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken}), http.StatusUnauthorized)
	apitest.Expect(t, env.Post("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": apitest.Password}), http.StatusUnauthorized)
}

func TestUserAdministration(t *testing.T) {
	env := apitest.New(t)
	admin := env.NewUser(store.RoleAdmin)
	staff := env.NewUser()

	create := map[string]any{"username": "zhangsan", "name": "张三", "password": "long-enough", "phone": "86310123",
		"department": "区财政局", "roles": []string{"technician"}}
	apitest.Expect(t, env.Post("/api/v1/users", staff.Token, create), http.StatusForbidden, "forbidden")
	resp := env.Post("/api/v1/users", admin.Token, create)
	apitest.Expect(t, resp, http.StatusCreated)
	var created struct {
		ID    int64    `json:"id"`
		Roles []string `json:"roles"`
	}
	resp.JSON(t, &created)
	if strings.Join(created.Roles, ",") != "staff,technician" {
		t.Fatalf("roles = %v", created.Roles)
	}
	apitest.Expect(t, env.Post("/api/v1/users", admin.Token, create), http.StatusConflict, "conflict")
	login(t, env, "zhangsan", "long-enough")

	bad := []struct {
		name string
		body map[string]any
	}{
		{"short password", map[string]any{"username": "lisi", "name": "李四", "password": "short"}},
		{"unknown role", map[string]any{"username": "lisi", "name": "李四", "password": "long-enough", "roles": []string{"king"}}},
		{"sets id", map[string]any{"id": 5, "username": "lisi", "name": "李四", "password": "long-enough"}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			apitest.Expect(t, env.Post("/api/v1/users", admin.Token, c.body), http.StatusBadRequest, "validation_failed")
		})
	}

	resp = env.Get("/api/v1/users?role=technician", admin.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var list struct {
		Items []struct {
			Username string `json:"username"`
		} `json:"items"`
	}
	resp.JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Username != "zhangsan" {
		t.Fatalf("technicians = %+v", list.Items)
	}
	// "admin" is a whole role, not a substring of canteen_admin.
	env.NewUser(store.RoleCanteenAdmin)
	resp = env.Get("/api/v1/users?role=admin", admin.Token)
	apitest.Expect(t, resp, http.StatusOK)
	list.Items = nil
	resp.JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Username != admin.Username {
		t.Fatalf("admins = %+v", list.Items)
	}
	apitest.Expect(t, env.Get("/api/v1/users", staff.Token), http.StatusForbidden, "forbidden")

	path := apitest.Path("/api/v1/users/%d", created.ID)
	apitest.Expect(t, env.Patch(path, admin.Token, map[string]any{"password": "another-password"}), http.StatusOK)
	login(t, env, "zhangsan", "another-password")
	apitest.Expect(t, env.Patch("/api/v1/users/999999", admin.Token, map[string]any{"name": "x"}), http.StatusNotFound, "not_found")
	apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", admin.ID), admin.Token, map[string]any{"active": false}), http.StatusConflict, "conflict")
}

func TestUserPagination(t *testing.T) {
	env := apitest.New(t)
	admin := env.NewUser(store.RoleAdmin)
	for i := 0; i < 4; i++ {
		env.NewUser()
	}
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		resp := env.Get("/api/v1/users?limit=2&cursor="+cursor, admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var page struct {
			Items []struct {
				Username string `json:"username"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		resp.JSON(t, &page)
		for _, it := range page.Items {
			if seen[it.Username] {
				t.Fatalf("%s twice", it.Username)
			}
			seen[it.Username] = true
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if len(seen) != 5 {
		t.Fatalf("saw %d users, want 5", len(seen))
	}
	apitest.Expect(t, env.Get("/api/v1/users?cursor=zzz", admin.Token), http.StatusBadRequest, "validation_failed")
	apitest.Expect(t, env.Get("/api/v1/users?limit=500", admin.Token), http.StatusBadRequest, "validation_failed")
}

func TestPasswordResetEndsAccessTokens(t *testing.T) {
	env := apitest.New(t)
	admin := env.NewUser(store.RoleAdmin)
	u := env.NewUser()
	s := login(t, env, u.Username, apitest.Password)
	apitest.Expect(t, env.Get("/api/v1/me", s.AccessToken), http.StatusOK)

	// The password leaked; the admin sets a new one. Every token handed out
	// before, whoever holds it, stops working at once.
	apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", u.ID), admin.Token, map[string]any{"password": "a-new-password"}), http.StatusOK)
	for name, token := range map[string]string{"from login": s.AccessToken, "issued earlier": u.Token} {
		t.Run(name, func(t *testing.T) {
			apitest.Expect(t, env.Get("/api/v1/me", token), http.StatusUnauthorized, "unauthorized")
		})
	}
	apitest.Expect(t, env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.RefreshToken}), http.StatusUnauthorized, "unauthorized")

	fresh := login(t, env, u.Username, "a-new-password")
	apitest.Expect(t, env.Get("/api/v1/me", fresh.AccessToken), http.StatusOK)
	resp := env.Post("/api/v1/auth/refresh", "", map[string]string{"refresh_token": fresh.RefreshToken})
	apitest.Expect(t, resp, http.StatusOK)
	var next session
	resp.JSON(t, &next)
	apitest.Expect(t, env.Get("/api/v1/me", next.AccessToken), http.StatusOK)
}

func TestReactivationDoesNotReviveOldTokens(t *testing.T) {
	env := apitest.New(t)
	admin := env.NewUser(store.RoleAdmin)
	u := env.NewUser()
	path := apitest.Path("/api/v1/users/%d", u.ID)
	apitest.Expect(t, env.Patch(path, admin.Token, map[string]any{"active": false}), http.StatusOK)
	apitest.Expect(t, env.Patch(path, admin.Token, map[string]any{"active": true}), http.StatusOK)
	apitest.Expect(t, env.Get("/api/v1/me", u.Token), http.StatusUnauthorized, "unauthorized")
	// A name change is not a sign-out.
	s := login(t, env, u.Username, apitest.Password)
	apitest.Expect(t, env.Patch(path, admin.Token, map[string]any{"name": "新名字"}), http.StatusOK)
	apitest.Expect(t, env.Get("/api/v1/me", s.AccessToken), http.StatusOK)
}
