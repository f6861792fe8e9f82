package api_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/web"
)

var fiberParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestEveryRouteIsDocumented fails when the app registers a route the
// document lacks, or the document describes one the app does not serve.
func TestEveryRouteIsDocumented(t *testing.T) {
	env := apitest.New(t)
	doc, _ := apitest.Contract(t)

	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range env.Server.App.GetRoutes(true) {
		if r.Method == http.MethodHead {
			continue // Fiber adds HEAD for every GET
		}
		if r.Path == web.Prefix || strings.HasPrefix(r.Path, web.Prefix+"/") || strings.HasPrefix(r.Path, web.ScreenPrefix+"/") {
			continue // the desk console's and the lobby screens' pages are not part of the JSON API
		}
		registered[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	var missing, stale []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.yaml:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("documented paths with no route:\n  %s", strings.Join(stale, "\n  "))
	}
}
