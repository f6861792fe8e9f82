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

var (
	issuedURL  = regexp.MustCompile(`<code class="url">/screen/([A-Za-z0-9_-]+)</code>`)
	revokePath = regexp.MustCompile(`action="(/console/screens/\d+/revoke)"`)
)

// issueScreen has admin's browser issue a screen named name and returns
// its token, read from the page as the admin would copy it.
func issueScreen(t testing.TB, b *browser, name string) string {
	t.Helper()
	p := b.post("/console/screens", "/console/screens", url.Values{"name": {name}})
	m := issuedURL.FindStringSubmatch(p.Body)
	if p.Status != http.StatusCreated || m == nil {
		t.Fatalf("issuing screen %q: %d\n%s", name, p.Status, p.Body)
	}
	return m[1]
}

func TestScreensAreIssuedAndRevokedByAdmins(t *testing.T) {
	env := apitest.New(t)
	admin := newBrowser(env)
	admin.signIn(env.NewUser(store.RoleAdmin))
	if p := admin.get("/console/screens"); p.Status != http.StatusOK || !strings.Contains(p.Body, `href="/console/screens">大屏</a>`) {
		t.Fatalf("the screens page: %d, nav entry missing?\n%s", p.Status, p.Body)
	}
	tok := issueScreen(t, admin, "1号楼大厅")
	if p := newBrowser(env).get("/screen/" + tok); p.Status != http.StatusOK || !strings.Contains(p.Body, "1号楼大厅") {
		t.Fatalf("the issued screen: %d", p.Status)
	}
	list := admin.get("/console/screens")
	if strings.Contains(list.Body, tok) {
		t.Error("the token is shown again after issue")
	}
	if p := admin.post("/console/screens", "/console/screens", url.Values{"name": {"  "}}); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "为必填项") {
		t.Errorf("a screen without a name: %d", p.Status)
	}
	if p := admin.do(http.MethodPost, "/console/screens", url.Values{"name": {"无令牌"}}, nil); p.Status != http.StatusForbidden {
		t.Errorf("issuing without the form token: %d", p.Status)
	}
	if strings.Contains(admin.get("/console/screens").Body, "无令牌") {
		t.Error("a screen was issued without the form token")
	}

	// Other desks neither see nor change screens.
	desk := newBrowser(env)
	desk.signIn(env.NewUser(store.RoleDispatcher, store.RoleCanteenAdmin, store.RoleMeetingAdmin))
	if p := desk.get("/console/screens"); p.Status != http.StatusForbidden || strings.Contains(desk.get("/console/repairs").Body, "大屏") {
		t.Errorf("a dispatcher on the screens page: %d (or the nav shows it)", p.Status)
	}
	form := url.Values{"name": {"冒名"}, "_csrf": {token(t, desk.get("/console/repairs"))}}
	if p := desk.do(http.MethodPost, "/console/screens", form, nil); p.Status != http.StatusForbidden {
		t.Errorf("a dispatcher issuing a screen: %d", p.Status)
	}
	m := revokePath.FindStringSubmatch(list.Body)
	if m == nil {
		t.Fatalf("no revoke form:\n%s", list.Body)
	}
	revoke := m[1]
	if p := desk.do(http.MethodPost, revoke, url.Values{"_csrf": {token(t, desk.get("/console/repairs"))}}, nil); p.Status != http.StatusForbidden {
		t.Errorf("a dispatcher revoking a screen: %d", p.Status)
	}

	// Revoking needs the form token and the console's origin.
	good := token(t, admin.get("/console/screens"))
	for name, tc := range map[string]struct {
		form    url.Values
		headers map[string]string
	}{
		"no token":         {url.Values{}, nil},
		"a foreign origin": {url.Values{"_csrf": {good}}, map[string]string{"Origin": "https://evil.example"}},
	} {
		if p := admin.do(http.MethodPost, revoke, tc.form, tc.headers); p.Status != http.StatusForbidden {
			t.Errorf("revoke with %s: %d", name, p.Status)
		}
	}
	if p := newBrowser(env).get("/screen/" + tok); p.Status != http.StatusOK {
		t.Fatalf("a refused revoke still revoked the screen: %d", p.Status)
	}
	if p := admin.do(http.MethodPost, revoke, url.Values{"_csrf": {good}}, nil); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", p.Status, p.Body)
	}
	p := newBrowser(env).get("/screen/" + tok)
	if p.Status != http.StatusNotFound || !strings.Contains(p.Body, "此屏幕已停用") {
		t.Errorf("a revoked screen: %d\n%s", p.Status, p.Body)
	}
	if !strings.Contains(admin.get("/console/screens").Body, "已停用") {
		t.Error("the list does not show the screen revoked")
	}
}

// TestScreenTokensReadOnlyTheirScreen: a screen's token opens its page,
// board and stream and nothing else: not the API, not the console.
func TestScreenTokensReadOnlyTheirScreen(t *testing.T) {
	env := apitest.New(t)
	admin := newBrowser(env)
	admin.signIn(env.NewUser(store.RoleAdmin))
	tok := issueScreen(t, admin, "2号楼大厅")
	for _, path := range []string{"/api/v1/announcements", "/api/v1/me", "/api/v1/repairs", "/api/v1/canteens", "/api/v1/shuttle/trips"} {
		if r := env.Get(path, tok); r.Status != http.StatusUnauthorized {
			t.Errorf("GET %s with a screen token: %d", path, r.Status)
		}
	}
	console := newBrowser(env)
	console.cookies["houqin_console"] = tok
	for _, path := range []string{"/console/", "/console/repairs", "/console/screens", "/console/repairs/live"} {
		p := console.do(http.MethodGet, path, nil, map[string]string{"Authorization": "Bearer " + tok})
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/console/login" {
			t.Errorf("GET %s with a screen token: %d %s", path, p.Status, p.Header.Get("Location"))
		}
	}
	for _, path := range []string{"/screen/x" + tok, "/screen/" + tok + "x/board", "/screen/", "/screen/" + tok + "/nothing"} {
		if r := newBrowser(env).get(path); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, r.Status)
		}
	}
	if r := newBrowser(env).get("/screen/" + tok + "/board"); r.Status != http.StatusOK || strings.Contains(r.Body, "<html") {
		t.Errorf("the board fragment: %d", r.Status)
	}
	// The page runs only the service's own files.
	p := newBrowser(env).get("/screen/" + tok)
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "style-src 'self';") ||
		strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, "style=") {
		t.Errorf("the screen's policy %q, or inline script or style in:\n%s", csp, p.Body)
	}
}
