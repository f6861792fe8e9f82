package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// allowed lists, for each of our packages, which of our packages its
// production code may import (DESIGN.md, Layout): dependencies point
// inward, a domain never imports another domain (only the core: store,
// people, notify, and team, which the quality domains all ask who belongs
// to a team; a package joins the core only when three or more domains need
// it), push knows no domain, and nothing but main imports api
// or anything but api imports handlers. push/sse writes the broker's events
// to HTTP clients for the API's, the console's and the lobby screens'
// streams. A new package must be added here.
var allowed = map[string][]string{
	"models/store":          {},
	"models/people":         {"models/store"},
	"models/notify":         {"models/store", "models/people"},
	"models/announce":       {"models/store", "models/people", "models/notify"},
	"models/canteen":        {"models/store", "models/people", "models/notify"},
	"models/meeting":        {"models/store", "models/people", "models/notify"},
	"models/repair":         {"models/store", "models/people", "models/notify"},
	"models/shuttle":        {"models/store", "models/people", "models/notify"},
	"models/stock":          {"models/store", "models/people", "models/notify"},
	"models/maint":          {"models/store", "models/people", "models/notify"},
	"models/team":           {"models/store"},
	"models/inspect":        {"models/store", "models/people", "models/notify", "models/team"},
	"models/complaint":      {"models/store", "models/people", "models/notify", "models/team"},
	"models/assess":         {"models/store", "models/team"},
	"models/screen":         {"models/store"},
	"push":                  {"models/store", "models/notify"},
	"push/fcmfake":          {},
	"push/apnsfake":         {"push", "push/internal/fakekit"},
	"push/huaweifake":       {"push", "push/internal/fakekit"},
	"push/honorfake":        {"push", "push/internal/fakekit"},
	"push/xiaomifake":       {"push", "push/internal/fakekit"},
	"push/oppofake":         {"push", "push/internal/fakekit"},
	"push/vivofake":         {"push", "push/internal/fakekit"},
	"push/harmonyfake":      {"push", "push/internal/fakekit"},
	"push/wecomfake":        {"push", "push/internal/fakekit"},
	"push/dingtalkfake":     {"push", "push/internal/fakekit"},
	"push/internal/fakekit": {},
	"push/sse":              {"models/store"},
	"s3blobs":               {"models/store"},
	"migrations":            {},
	"openapi":               {},
	"demo":                  {"models/store", "models/people", "models/notify", "models/announce", "models/canteen", "models/meeting", "models/repair", "models/shuttle", "models/stock", "models/maint", "models/team", "models/inspect", "models/complaint", "models/assess"},
	"handlers":              {"models/store", "models/people", "models/notify", "models/announce", "models/canteen", "models/meeting", "models/repair", "models/shuttle", "models/stock", "models/maint", "models/team", "models/inspect", "models/complaint", "models/assess", "push/sse"},
	"web":                   {"models/store", "models/people", "models/repair", "models/meeting", "models/announce", "models/canteen", "models/shuttle", "models/notify", "models/screen", "push/sse"},
	"api": {"handlers", "web", "migrations", "openapi", "push", "push/sse", "s3blobs", "models/store", "models/people", "models/notify", "models/announce",
		"models/canteen", "models/meeting", "models/repair", "models/shuttle", "models/stock", "models/maint", "models/team", "models/inspect", "models/complaint", "models/assess", "models/screen"},
	"api/apitest": {"api", "migrations", "openapi", "push", "push/fcmfake", "push/apnsfake", "push/huaweifake", "push/honorfake",
		"push/xiaomifake", "push/oppofake", "push/vivofake", "push/harmonyfake", "push/wecomfake", "push/dingtalkfake", "s3blobs", "models/store", "models/people", "models/notify"},
	".": {"api", "demo", "migrations", "push", "models/store", "models/people"},
}

// TestLayout parses the imports of every non-test Go file and fails on an
// import the layout forbids, naming the file.
func TestLayout(t *testing.T) {
	const module = "houqin/"
	fset := token.NewFileSet()
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(p))
		seen[pkg] = true
		rules, ok := allowed[pkg]
		if !ok {
			t.Errorf("%s: package %s has no entry in the layout rules (layout_test.go)", p, pkg)
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if ours, ok := strings.CutPrefix(ip, module); ok && !slices.Contains(rules, ours) {
				t.Errorf("%s imports %s: %s may import only %v", p, ip, pkg, rules)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range allowed {
		if !seen[pkg] {
			t.Errorf("layout rule for %s, which has no Go files", path.Clean(pkg))
		}
	}
}
