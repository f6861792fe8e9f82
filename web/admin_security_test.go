package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
	"houqin/web"
)

// adminRoutes are the administrator's console routes of method, with
// sample parameters.
func adminRoutes(t *testing.T, env *apitest.Env, method string) []string {
	t.Helper()
	var out []string
	for _, r := range env.Server.App.GetRoutes(true) {
		if r.Method == method && strings.HasPrefix(r.Path, web.Prefix+"/admin/") {
			out = append(out, strings.NewReplacer(":id<int>", "1", ":sid<int>", "1").Replace(r.Path))
		}
	}
	if len(out) < 5 {
		t.Fatalf("only %d admin %s routes: %v", len(out), method, out)
	}
	return out
}

// TestAdminFormsAreGuarded: every admin form wants the session's token,
// and no desk but an admin's reaches the admin pages or forms.
func TestAdminFormsAreGuarded(t *testing.T) {
	env := apitest.New(t)
	admin, b := adminBrowser(t, env)
	target := env.NewUser(store.RoleStaff)
	form := url.Values{"active": {"false"}, "title": {"x"}, "body": {"x"}, "date": {"2027-01-01"}, "kind": {"holiday"},
		"username": {"nobody"}, "name": {"x"}, "password": {"long-enough-password"}}
	for _, path := range adminRoutes(t, env, http.MethodPost) {
		if p := b.do(http.MethodPost, path, form, nil); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "表单已过期") {
			t.Errorf("POST %s without a token: %d", path, p.Status)
		}
	}
	// The refused deactivation left the user's token working.
	apitest.Expect(t, env.Get("/api/v1/me", target.Token), http.StatusOK)
	page := apitest.Path("/console/admin/users/%d", target.ID)
	good := token(t, b.get(page))
	withToken := url.Values{"active": {"false"}, "_csrf": {good}}
	if p := b.do(http.MethodPost, page+"/active", withToken, map[string]string{"Origin": "https://evil.example"}); p.Status != http.StatusForbidden {
		t.Errorf("a foreign origin: %d", p.Status)
	}
	apitest.Expect(t, env.Get("/api/v1/me", target.Token), http.StatusOK)

	for role, home := range map[store.Role]string{store.RoleDispatcher: "/console/repairs", store.RoleMeetingAdmin: "/console/meetings", store.RoleCanteenAdmin: "/console/canteen/week"} {
		desk := newBrowser(env)
		desk.signIn(env.NewUser(role))
		for _, path := range adminRoutes(t, env, http.MethodGet) {
			if p := desk.get(path); p.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", role, path, p.Status)
			}
		}
		tok := token(t, desk.get(home))
		for _, path := range adminRoutes(t, env, http.MethodPost) {
			f := url.Values{"_csrf": {tok}}
			for k, v := range form {
				f[k] = v
			}
			if p := desk.do(http.MethodPost, path, f, nil); p.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", role, path, p.Status)
			}
		}
		if strings.Contains(desk.get(home).Body, "/console/admin/") {
			t.Errorf("%s sees the admin menu", role)
		}
	}
	apitest.Expect(t, env.Get("/api/v1/me", target.Token), http.StatusOK)
	var list struct{ Items []any }
	env.Get("/api/v1/announcements", admin.Token).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("%d announcements were published by refused forms", len(list.Items))
	}
	if p := b.get("/console/admin/users"); !strings.Contains(p.Body, `href="/console/admin/calendar"`) {
		t.Error("the admin has no admin menu")
	}
}
