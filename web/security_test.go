package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"houqin/api"
	"houqin/api/apitest"
	"houqin/models/store"
	"houqin/web"
)

func TestSignInRotatesTheSession(t *testing.T) {
	env := apitest.New(t)
	desk := env.NewUser(store.RoleDispatcher)
	b := newBrowser(env)

	// A session id planted before sign-in is never promoted.
	b.cookies["houqin_console"] = "planted-by-an-attacker"
	b.signIn(desk)
	first := b.cookies["houqin_console"]
	if first == "planted-by-an-attacker" {
		t.Fatal("the planted session id survived sign-in")
	}
	if p := b.get("/console/repairs"); p.Status != http.StatusOK {
		t.Fatalf("desk after sign-in: %d", p.Status)
	}

	// Signing in again issues a new id and ends the one held before.
	b.signIn(desk)
	if b.cookies["houqin_console"] == first {
		t.Fatal("a second sign-in kept the session id")
	}
	old := newBrowser(env)
	old.cookies["houqin_console"] = first
	if p := old.get("/console/repairs"); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/login" {
		t.Fatalf("the session before the second sign-in: %d %s", p.Status, p.Header.Get("Location"))
	}

	// Signing out ends it.
	current := b.cookies["houqin_console"]
	if p := b.post("/console/repairs", "/console/logout", url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d %s", p.Status, p.Body)
	}
	after := newBrowser(env)
	after.cookies["houqin_console"] = current
	if p := after.get("/console/repairs"); p.Status != http.StatusSeeOther {
		t.Fatalf("the session after logout: %d", p.Status)
	}
}

func TestDeactivationEndsTheSession(t *testing.T) {
	env := apitest.New(t)
	admin, desk := env.NewUser(store.RoleAdmin), env.NewUser(store.RoleDispatcher)
	b := newBrowser(env)
	b.signIn(desk)
	apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", desk.ID), admin.Token, map[string]any{"active": false}), http.StatusOK)
	if p := b.get("/console/repairs"); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/login" {
		t.Fatalf("a deactivated user's page: %d %s", p.Status, p.Header.Get("Location"))
	}
}

// deskPages are every console page a signed-in user can ask for, with
// sample parameters.
func deskPages(t *testing.T, env *apitest.Env) []string {
	var out []string
	for _, r := range env.Server.App.GetRoutes(true) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, web.Prefix) ||
			r.Path == web.Prefix+"/login" || strings.HasPrefix(r.Path, web.Prefix+"/assets") {
			continue
		}
		p := strings.NewReplacer(":id<int>", "1", ":photo<int>", "1").Replace(r.Path)
		out = append(out, p)
	}
	if len(out) < 5 {
		t.Fatalf("only %d console pages found: %v", len(out), out)
	}
	return out
}

func TestStaffCannotOpenTheConsole(t *testing.T) {
	env := apitest.New(t)
	for _, roles := range [][]store.Role{{store.RoleStaff}, {store.RoleTechnician}, {store.RoleDriver}} {
		u := env.NewUser(roles...)
		b := newBrowser(env)
		p := b.post("/console/login", "/console/login", url.Values{"username": {u.Username}, "password": {apitest.Password}})
		if p.Status != http.StatusForbidden || b.cookies["houqin_console"] != "" {
			t.Errorf("%v sign-in: %d, cookie %q", roles, p.Status, b.cookies["houqin_console"])
		}
		// Even with a session made elsewhere, every page says no.
		tok, err := env.Server.People.StartSession(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		b.cookies["houqin_console"] = tok
		for _, path := range deskPages(t, env) {
			if p := b.get(path); p.Status != http.StatusForbidden {
				t.Errorf("%v GET %s: %d", roles, path, p.Status)
			}
		}
	}
	// A desk without the repair desk's role does not reach the repair desk.
	canteen := newBrowser(env)
	canteen.signIn(env.NewUser(store.RoleCanteenAdmin))
	if p := canteen.get("/console/repairs"); p.Status != http.StatusForbidden {
		t.Errorf("canteen_admin on the repair desk: %d", p.Status)
	}
	if p := canteen.get("/console/"); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/canteen/week" {
		t.Errorf("canteen_admin's home: %d %s", p.Status, p.Header.Get("Location"))
	}
}

func TestFormsNeedTokenAndOrigin(t *testing.T) {
	env := apitest.New(t)
	desk, caller := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff)
	b := newBrowser(env)
	b.signIn(desk)
	form := func() url.Values {
		return url.Values{"requester_id": {strconv.FormatInt(caller.ID, 10)}, "category": {"water"}, "priority": {"normal"},
			"location": {"1号楼一楼西侧"}, "description": {"水龙头漏水"}}
	}
	good := token(t, b.get("/console/repairs/new"))
	withToken := func(tok string) url.Values { f := form(); f.Set("_csrf", tok); return f }
	cases := []struct {
		name    string
		form    url.Values
		headers map[string]string
		want    int
	}{
		{"no token", form(), nil, http.StatusForbidden},
		{"a wrong token", withToken("x" + good), nil, http.StatusForbidden},
		{"a foreign origin", withToken(good), map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"no origin, a foreign referer", withToken(good), map[string]string{"Origin": "", "Referer": "https://evil.example/x"}, http.StatusForbidden},
		{"origin null", withToken(good), map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"no origin, own referer", withToken(good), map[string]string{"Origin": "", "Referer": origin + "/console/repairs/new"}, http.StatusSeeOther},
		{"token and origin", withToken(good), nil, http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if p := b.do(http.MethodPost, "/console/repairs", tc.form, tc.headers); p.Status != tc.want {
				t.Errorf("status %d, want %d\n%s", p.Status, tc.want, p.Body)
			}
		})
	}
	// Two were filed, by the last two cases only.
	var list struct{ Items []any }
	env.Get("/api/v1/repairs?mine=true", caller.Token).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Errorf("%d repairs filed, want 2", len(list.Items))
	}
	// The sign-in form is guarded as well.
	anon := newBrowser(env)
	anon.get("/console/login")
	p := anon.do(http.MethodPost, "/console/login", url.Values{"username": {desk.Username}, "password": {apitest.Password}}, nil)
	if p.Status != http.StatusForbidden || anon.cookies["houqin_console"] != "" {
		t.Errorf("sign-in without a token: %d", p.Status)
	}
}

func TestMarkupIsShownAsText(t *testing.T) {
	env := apitest.New(t)
	desk, caller := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff)
	const markup = `<script>alert("x")</script><b onclick=x>粗</b>`
	rename(t, env, &caller, `<img src=x onerror=alert(1)>王`, "86310099", "办公室")
	r := env.Post("/api/v1/repairs", caller.Token, map[string]any{"category": "water", "location": markup, "description": markup})
	apitest.Expect(t, r, http.StatusCreated)
	var created struct{ ID int64 }
	r.JSON(t, &created)
	b := newBrowser(env)
	b.signIn(desk)
	for _, path := range []string{"/console/repairs", "/console/repairs/queue", apitest.Path("/console/repairs/%d", created.ID),
		"/console/repairs/new?q=86310099", "/console/repairs/callers?q=86310099"} {
		p := b.get(path)
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.Status)
		}
		if strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, "<b onclick") || strings.Contains(p.Body, "<img src=x") {
			t.Errorf("%s: user text came out as markup", path)
		}
		if !strings.Contains(p.Body, "&lt;img src=x onerror=alert(1)&gt;王") {
			t.Errorf("%s: the caller's name is not shown as text", path)
		}
	}
}

func TestPagesCarryTheirPolicy(t *testing.T) {
	env := apitest.New(t, func(c *api.Config) { c.PublicURL = "https://houqin.example.gov.cn" })
	desk := env.NewUser(store.RoleDispatcher)
	b := newBrowser(env)
	login := b.get("/console/login")
	for _, p := range []page{login, b.get("/console/repairs")} {
		csp := p.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("CSP %q allows inline script or eval", csp)
		}
		if p.Header.Get("X-Content-Type-Options") != "nosniff" || p.Header.Get("Referrer-Policy") != "same-origin" ||
			p.Header.Get("Cross-Origin-Opener-Policy") != "same-origin" {
			t.Errorf("headers: %v", p.Header)
		}
	}
	if strings.Contains(login.Body, "<script>") || strings.Contains(login.Body, " style=") {
		t.Error("the page has inline script or style")
	}
	// Behind https the cookies are Secure, HttpOnly and SameSite=Lax, and
	// forms count only from the public origin.
	for _, c := range login.Header.Values("Set-Cookie") {
		for _, want := range []string{"httponly", "secure", "samesite=lax", "path=/console"} {
			if !strings.Contains(strings.ToLower(c), want) {
				t.Errorf("cookie %q lacks %s", c, want)
			}
		}
	}
	form := url.Values{"username": {desk.Username}, "password": {apitest.Password}, "_csrf": {token(t, login)}}
	if p := b.do(http.MethodPost, "/console/login", form, nil); p.Status != http.StatusForbidden {
		t.Errorf("sign-in from the request's own host instead of the public URL: %d", p.Status)
	}
	p := b.do(http.MethodPost, "/console/login", form, map[string]string{"Origin": "https://houqin.example.gov.cn"})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("sign-in from the public origin: %d %s", p.Status, p.Body)
	}
	if c := p.Header.Get("Set-Cookie"); !strings.Contains(strings.ToLower(c), "; secure") {
		t.Errorf("session cookie %q is not Secure", c)
	}
	for _, a := range []string{"/console/assets/htmx.min.js", "/console/assets/console.css"} {
		if p := b.get(a); p.Status != http.StatusOK || !strings.Contains(p.Header.Get("Cache-Control"), "max-age") {
			t.Errorf("%s: %d %q", a, p.Status, p.Header.Get("Cache-Control"))
		}
	}
}

func TestLoginLimitsApply(t *testing.T) {
	env := apitest.New(t)
	desk := env.NewUser(store.RoleDispatcher)
	b := newBrowser(env)
	var last page
	for range 12 {
		last = b.post("/console/login", "/console/login", url.Values{"username": {desk.Username}, "password": {"wrong-password"}})
	}
	if last.Status != http.StatusTooManyRequests {
		t.Fatalf("after 12 wrong passwords: %d", last.Status)
	}
	// The API's login shares the count.
	r := env.Post("/api/v1/auth/login", "", map[string]string{"username": desk.Username, "password": apitest.Password})
	apitest.Expect(t, r, http.StatusTooManyRequests, "rate_limited")
}
