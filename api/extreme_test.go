package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/models/store"
)

// extremes are the hostile values every parameter gets: far dates, numbers
// past int64, long and odd strings, unicode, empty. Long ones stay within
// the server's 4 KiB header buffer: a longer URL is refused (431) before
// any handler runs.
var extremes = []string{
	"", "0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
	"99999999999999999999999999", "1e308", "NaN", "1.5", "0x1F",
	"9999-12-31", "10000-01-01", "0001-01-01", "1999-12-31", "2099-12-31", "2026-02-30", "2026-12-01T09:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+08:00",
	strings.Repeat("a", 2000), strings.Repeat("报", 300), "🔧💥\u202e", "\x00", "\xff\xfe", "' OR 1=1 --", "../../etc/passwd",
	"true", "null", "me,route:1,canteen:1,route:9223372036854775807",
}

// answerWithin bounds the time of any one answer.
const answerWithin = 2 * time.Second

// TestExtremeParameters drives every query, path and header parameter of
// every documented operation with extreme values, one parameter at a time
// (the others kept at ordinary values), on the demo dataset, as a user
// holding every role (who may call everything) and as plain staff (whose
// reads take other paths): every request must be answered within
// answerWithin, none with a 5xx. Live streams are left out (an accepted
// stream never ends; their parameters are tested in handlers).
func TestExtremeParameters(t *testing.T) {
	env := apitest.New(t)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	users := []apitest.User{env.NewUser(store.AllRoles...), env.NewUser(store.RoleStaff)}
	doc, _ := apitest.Contract(t)

	start, statuses := time.Now(), map[int]int{}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, method := range methods {
			op := ops[method]
			if ok := op.Responses.Status(200); ok != nil && ok.Value.Content.Get("text/event-stream") != nil {
				continue
			}
			params := append(openapi3.Parameters{}, item.Parameters...)
			params = append(params, op.Parameters...)
			for _, p := range params {
				for _, v := range extremes {
					for _, u := range users {
						req := extremeRequest(method, path, params, p.Value, v)
						req.Header.Set("Authorization", "Bearer "+u.Token)
						statuses[sendWithin(t, env, req, fmt.Sprintf("%s %s with %s=%.40q", method, path, p.Value.Name, v))]++
					}
				}
			}
		}
	}
	t.Logf("answered in %v: %v", time.Since(start), statuses)
}

// sendWithin sends req and checks it is answered within answerWithin and
// not with a 5xx; it returns the status (0 when none came).
func sendWithin(t *testing.T, env *apitest.Env, req *http.Request, what string) int {
	t.Helper()
	began := time.Now()
	resp, err := env.Server.App.Test(req, int(answerWithin/time.Millisecond))
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return 0
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("%s: %d", what, resp.StatusCode)
	}
	if d := time.Since(began); d > answerWithin {
		t.Errorf("%s: answered after %v", what, d)
	}
	return resp.StatusCode
}

// extremeRequest is method path with parameter p set to v and every other
// path parameter at an ordinary value; bodies are empty objects.
func extremeRequest(method, path string, params openapi3.Parameters, p *openapi3.Parameter, v string) *http.Request {
	u := path
	for _, o := range params {
		if o.Value.In != "path" {
			continue
		}
		val := ordinary(o.Value)
		if o.Value == p {
			val = v
		}
		u = strings.Replace(u, "{"+o.Value.Name+"}", url.PathEscape(val), 1)
	}
	if p.In == "query" {
		u += "?" + url.Values{p.Name: {v}}.Encode()
	}
	var body []byte
	if method != http.MethodGet && method != http.MethodDelete {
		body = []byte(`{}`)
	}
	req := httptest.NewRequest(method, "http://localhost"+u, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if p.In == "header" {
		req.Header.Set(p.Name, v)
	}
	return req
}

// ordinary is a plain value of a path parameter: its example, the first
// value of its enum, a date or 1.
func ordinary(p *openapi3.Parameter) string {
	if s, ok := p.Example.(string); ok {
		return s
	}
	if sc := p.Schema.Value; sc != nil {
		switch {
		case len(sc.Enum) > 0:
			if s, ok := sc.Enum[0].(string); ok {
				return s
			}
		case sc.Format == "date":
			return "2026-12-02"
		}
	}
	return "1"
}
