package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/models/store"
)

// Bounds on what one console page and one of its files may weigh on the
// wire (gzipped, as the compress middleware sends them to a browser) with
// the demo's data: a desk on a tablet over the centre's Wi-Fi should not
// wait for either. The week planner is the heaviest page uncompressed
// (a form per meal, 50-60 KB) but repeats itself, so it packs to 4 KB.
const (
	maxPageBytes  = 16 << 10
	maxAssetBytes = 24 << 10
)

var (
	links     = regexp.MustCompile(`(?:href|src)="(/console/[^"#?]*(?:\?[^"#]*)?)"`)
	screenURL = regexp.MustCompile(`<code class="url">[^<]*?(/screen/[^<]+)</code>`)
)

// TestPageWeights walks every console page an admin (who holds every desk
// role) can reach from the menu, two links deep, on the demo's data: each
// answers 200 and stays within its bound. It logs the bytes of each page
// and file, as sent and gzipped (the compress middleware's choice for a
// browser that takes gzip).
func TestPageWeights(t *testing.T) {
	env := apitest.New(t)
	env.Clock.Set(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC))
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(env)
	b.signIn(env.NewUser(store.RoleAdmin))

	// The lobby screen too, at the address the console issues.
	issued := b.post("/console/screens", "/console/screens", url.Values{"name": {"1号楼大厅"}})
	m := screenURL.FindStringSubmatch(issued.Body)
	if m == nil {
		t.Fatalf("no screen address issued (%d):\n%s", issued.Status, issued.Body)
	}

	seen := map[string]bool{}
	queue := []string{"/console/repairs", m[1]}
	var pages, assets []string
	for depth := 0; depth < 3 && len(queue) > 0; depth++ {
		var next []string
		for _, path := range queue {
			if seen[path] {
				continue
			}
			seen[path] = true
			p := b.get(path)
			if p.Status != http.StatusOK {
				t.Errorf("%s: %d", path, p.Status)
				continue
			}
			asset := strings.HasPrefix(path, "/console/assets/")
			limit := maxPageBytes
			if asset {
				limit = maxAssetBytes
				assets = append(assets, path)
			} else {
				pages = append(pages, path)
			}
			shown := path
			if strings.HasPrefix(path, "/screen/") {
				shown = "/screen/TOKEN"
			}
			packed := gzipped(t, p.Body)
			t.Logf("%-48s %7d bytes, %6d gzipped", shown, len(p.Body), packed)
			if packed > limit {
				t.Errorf("%s weighs %d bytes gzipped, more than %d", shown, packed, limit)
			}
			if asset || !strings.Contains(p.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, m := range links.FindAllStringSubmatch(p.Body, -1) {
				if link := html.UnescapeString(m[1]); !seen[link] && !strings.HasSuffix(link, "/live") {
					next = append(next, link)
				}
			}
		}
		queue = next
	}
	// The walk reached each desk's pages and the files they load.
	for _, want := range []string{"/console/repairs", "/console/repairs/stats", "/console/meetings/day", "/console/admin/users",
		"/console/screens", "/screen/", "/console/assets/htmx.min.js", "/console/assets/console.css", "/console/assets/screen.js"} {
		if !slices.ContainsFunc(pages, func(p string) bool { return strings.HasPrefix(p, want) }) && !slices.Contains(assets, want) {
			t.Errorf("the walk did not reach %s", want)
		}
	}
	t.Logf("%d pages, %d files", len(pages), len(assets))
}

func gzipped(t *testing.T, body string) int {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
