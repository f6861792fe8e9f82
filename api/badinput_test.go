package api_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/models/store"
)

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// TestBadInputNeverServerError sends malformed input to every documented
// operation, as an admin on the demo dataset (so every route is reachable),
// and requires a 4xx problem, never a 5xx: bad ids, bad query values and
// bodies of the wrong shape.
func TestBadInputNeverServerError(t *testing.T) {
	env := apitest.New(t)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	admin := env.NewUser(store.RoleAdmin)
	doc, _ := apitest.Contract(t)

	seen := map[int]int{}
	defer func() { t.Logf("statuses: %v", seen) }()
	ids := []string{"1", "999999", "abc", "-1", "2026-13-45"}
	bodies := []string{``, `{}`, `[]`, `"x"`, `{"unknown":1}`, `{"id":"x","status":5,"title":123}`, `{`, `null`}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if ok := op.Responses.Status(200); ok != nil && ok.Value.Content.Get("text/event-stream") != nil {
				continue // a stream never ends; its bad input is tested in handlers
			}
			var query []string
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value.In == "query" {
					query = append(query, p.Value.Name+"=%zz%5B")
				}
			}
			for _, id := range ids {
				url := pathParam.ReplaceAllString(path, id)
				for _, q := range []string{"", "?" + strings.Join(query, "&")} {
					for _, body := range bodies {
						req := httptest.NewRequest(method, url+q, bytes.NewReader([]byte(body)))
						req.Header.Set("Authorization", "Bearer "+admin.Token)
						if body != "" {
							req.Header.Set("Content-Type", "application/json")
						}
						resp, err := env.Server.App.Test(req, -1)
						if err != nil {
							t.Fatalf("%s %s: %v", method, url+q, err)
						}
						resp.Body.Close()
						seen[resp.StatusCode]++
						if resp.StatusCode >= 500 {
							t.Errorf("%s %s with body %s: %d", method, url+q, body, resp.StatusCode)
						}
					}
				}
			}
		}
	}
}
