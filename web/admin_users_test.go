package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
)

// adminBrowser signs a new admin in and returns the admin and the browser.
func adminBrowser(t *testing.T, env *apitest.Env) (apitest.User, *browser) {
	t.Helper()
	admin := env.NewUser(store.RoleAdmin)
	b := newBrowser(env)
	b.signIn(admin)
	return admin, b
}

func TestAdminListsAndAddsUsers(t *testing.T) {
	env := apitest.New(t)
	_, b := adminBrowser(t, env)
	driver := env.NewUser(store.RoleDriver)
	rename(t, env, &driver, "钱师傅", "86310077", "车队")
	clerk := env.NewUser(store.RoleStaff)
	rename(t, env, &clerk, `<b>孙</b>科员`, "86312222", "区财政局")

	p := b.get("/console/admin/users?q=" + url.QueryEscape("财政"))
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "&lt;b&gt;孙&lt;/b&gt;科员") || strings.Contains(p.Body, "钱师傅") {
		t.Fatalf("search by department %d:\n%s", p.Status, p.Body)
	}
	if p := b.get("/console/admin/users?role=driver"); !strings.Contains(p.Body, "钱师傅") || strings.Contains(p.Body, "科员") {
		t.Errorf("role filter:\n%s", p.Body)
	}
	if p := b.get("/console/admin/users?role=king"); p.Status != http.StatusBadRequest {
		t.Errorf("an unknown role filter: %d", p.Status)
	}

	form := url.Values{"username": {"zhou.ke"}, "name": {"周科长"}, "department": {"区发改局"}, "phone": {"8631-0001"},
		"password": {"short"}, "roles": {"meeting_admin"}}
	p = b.post("/console/admin/users", "/console/admin/users", form)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "必须是由数字组成的电话号码") || !strings.Contains(p.Body, `value="周科长"`) {
		t.Fatalf("a bad phone and a short password: %d\n%s", p.Status, p.Body)
	}
	form.Set("phone", "86310001")
	form.Set("password", "zhou-password-1")
	p = b.post("/console/admin/users", "/console/admin/users", form)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/console/admin/users/") {
		t.Fatalf("add a user: %d %s\n%s", p.Status, p.Header.Get("Location"), p.Body)
	}
	if p := b.post("/console/admin/users", "/console/admin/users", form); p.Status != http.StatusConflict {
		t.Errorf("the same username again: %d", p.Status)
	}
	r := env.Post("/api/v1/auth/login", "", map[string]string{"username": "zhou.ke", "password": "zhou-password-1"})
	apitest.Expect(t, r, http.StatusOK)
	var login struct {
		User struct{ Roles []string } `json:"user"`
	}
	r.JSON(t, &login)
	if strings.Join(login.User.Roles, ",") != "staff,meeting_admin" {
		t.Errorf("the new user's roles: %v", login.User.Roles)
	}
}

func TestUsersArePaged(t *testing.T) {
	env := apitest.New(t)
	_, b := adminBrowser(t, env)
	for range 31 {
		env.NewUser(store.RoleTechnician)
	}
	first := b.get("/console/admin/users?role=technician")
	next := regexp.MustCompile(`href="(/console/admin/users\?[^"]*cursor=[^"]+)"`).FindStringSubmatch(first.Body)
	if strings.Count(first.Body, "/console/admin/users/") != 30 || next == nil {
		t.Fatalf("the first page holds %d users, next link %v", strings.Count(first.Body, "/console/admin/users/"), next)
	}
	second := b.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if n := strings.Count(second.Body, "/console/admin/users/"); second.Status != http.StatusOK || n != 1 {
		t.Errorf("the second page: %d, %d users", second.Status, n)
	}
}

// TestAdminChangesAUser: roles, a password reset and deactivation, each
// ending what the API's own change would end.
func TestAdminChangesAUser(t *testing.T) {
	env := apitest.New(t)
	admin, b := adminBrowser(t, env)
	desk := env.NewUser(store.RoleDispatcher)
	page := apitest.Path("/console/admin/users/%d", desk.ID)
	deskBrowser := newBrowser(env)
	deskBrowser.signIn(desk)

	p := b.post(page, page+"/roles", url.Values{"roles": {"dispatcher", "technician"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("set roles: %d\n%s", p.Status, p.Body)
	}
	var me struct{ Roles []string }
	env.Get("/api/v1/me", desk.Token).JSON(t, &me)
	if strings.Join(me.Roles, ",") != "staff,dispatcher,technician" {
		t.Errorf("roles after the change: %v", me.Roles)
	}
	if p := b.post(page, page+"/roles", url.Values{"roles": {"emperor"}}); p.Status != http.StatusBadRequest {
		t.Errorf("an unknown role: %d", p.Status)
	}

	if p := b.post(page, page+"/active", url.Values{"active": {""}}); p.Status != http.StatusBadRequest {
		t.Errorf("an active flag that is neither true nor false: %d", p.Status)
	}
	apitest.Expect(t, env.Get("/api/v1/me", desk.Token), http.StatusOK)

	// An admin may not lock themselves out.
	self := apitest.Path("/console/admin/users/%d", admin.ID)
	if p := b.post(self, self+"/active", url.Values{"active": {"false"}}); p.Status != http.StatusConflict || !strings.Contains(p.Body, "不能停用自己的账号") {
		t.Errorf("deactivating oneself: %d", p.Status)
	}
	if p := b.post(self, self+"/roles", url.Values{"roles": {"dispatcher"}}); p.Status != http.StatusConflict {
		t.Errorf("dropping one's own admin role: %d", p.Status)
	}

	if p := b.post(page, page+"/password", url.Values{"password": {"short"}}); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "至少需要 8 个字符") {
		t.Errorf("a short password: %d\n%s", p.Status, p.Body)
	}
	if p := b.post(page, page+"/password", url.Values{"password": {"new-desk-password"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("reset password: %d\n%s", p.Status, p.Body)
	}
	apitest.Expect(t, env.Get("/api/v1/me", desk.Token), http.StatusUnauthorized)
	if p := deskBrowser.get("/console/repairs"); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/login" {
		t.Errorf("the desk's console session after the reset: %d", p.Status)
	}
	r := env.Post("/api/v1/auth/login", "", map[string]string{"username": desk.Username, "password": "new-desk-password"})
	apitest.Expect(t, r, http.StatusOK)
	var login struct {
		AccessToken string `json:"access_token"`
	}
	r.JSON(t, &login)
	deskBrowser = newBrowser(env)
	p = deskBrowser.post("/console/login", "/console/login", url.Values{"username": {desk.Username}, "password": {"new-desk-password"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("sign-in with the new password: %d", p.Status)
	}

	// Deactivation ends the new API token and the console session at once.
	if p := b.post(page, page+"/active", url.Values{"active": {"false"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d\n%s", p.Status, p.Body)
	}
	apitest.Expect(t, env.Get("/api/v1/me", login.AccessToken), http.StatusUnauthorized)
	if p := deskBrowser.get("/console/repairs"); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/login" {
		t.Errorf("the deactivated desk's console: %d %s", p.Status, p.Header.Get("Location"))
	}
	if p := b.get(page); !strings.Contains(p.Body, "已停用") || !strings.Contains(p.Body, "重新启用") {
		t.Errorf("the user page after deactivation:\n%s", p.Body)
	}
	if p := b.post(page, page+"/active", url.Values{"active": {"true"}}); p.Status != http.StatusSeeOther {
		t.Errorf("reactivate: %d", p.Status)
	}
	apitest.Expect(t, env.Get("/api/v1/me", login.AccessToken), http.StatusUnauthorized)
	if p := b.get("/console/admin/users/999999"); p.Status != http.StatusNotFound {
		t.Errorf("a user that is not there: %d", p.Status)
	}
}
