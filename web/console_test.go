package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/people"
	"houqin/models/store"
)

// origin is the origin httptest requests carry as their Host.
const origin = "http://example.com"

// browser is a console user's browser over app.Test: it keeps cookies and
// sends forms as a browser would, from origin unless told otherwise.
type browser struct {
	t       testing.TB
	env     *apitest.Env
	cookies map[string]string
}

func newBrowser(env *apitest.Env) *browser {
	return &browser{t: env.T, env: env, cookies: map[string]string{}}
}

type page struct {
	Status int
	Header http.Header
	Body   string
}

func (b *browser) do(method, path string, form url.Values, headers map[string]string) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.env.Server.App.Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return page{Status: resp.StatusCode, Header: resp.Header, Body: string(out)}
}

func (b *browser) get(path string) page { b.t.Helper(); return b.do(http.MethodGet, path, nil, nil) }

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// token is the CSRF token of a page's forms.
func token(t testing.TB, p page) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no CSRF token on the page (status %d):\n%s", p.Status, p.Body)
	}
	return m[1]
}

// post sends a form with the CSRF token of the page at from.
func (b *browser) post(from, path string, form url.Values) page {
	b.t.Helper()
	form.Set("_csrf", token(b.t, b.get(from)))
	return b.do(http.MethodPost, path, form, nil)
}

// signIn signs u in through the form and fails the test unless it worked.
func (b *browser) signIn(u apitest.User) {
	b.t.Helper()
	p := b.post("/console/login", "/console/login", url.Values{"username": {u.Username}, "password": {apitest.Password}})
	if p.Status != http.StatusSeeOther || b.cookies["houqin_console"] == "" {
		b.t.Fatalf("sign-in of %s: status %d, cookies %v\n%s", u.Username, p.Status, b.cookies, p.Body)
	}
}

// rename gives a test user a name, phone and department the desk can find.
func rename(t testing.TB, env *apitest.Env, u *apitest.User, name, phone, dept string) {
	t.Helper()
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.Model(&people.User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"name": name, "phone": phone, "department": dept}).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	u.Name, u.Phone, u.Department = name, phone, dept
}
