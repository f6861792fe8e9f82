package api_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gorm.io/gorm"

	"houqin/api/apitest"
	"houqin/models"
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

// TestSchemaMatchesModels guards against drift between the hand-written SQL
// migrations and the GORM models: every model column must exist.
func TestSchemaMatchesModels(t *testing.T) {
	env := apitest.New(t)
	db := env.Store.Read(t.Context())
	for _, m := range models.Tables() {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			t.Fatal(err)
		}
		table := stmt.Schema.Table
		cols, err := db.Migrator().ColumnTypes(m)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		have := map[string]bool{}
		for _, c := range cols {
			have[c.Name()] = true
		}
		for _, f := range stmt.Schema.Fields {
			if f.DBName != "" && !have[f.DBName] {
				t.Errorf("table %s has no column %s (field %s.%s)", table, f.DBName, stmt.Schema.Name, f.Name)
			}
		}
		if !db.Migrator().HasTable(m) {
			t.Errorf("no table %s", table)
		}
	}
}
