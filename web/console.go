// Package web is the desk console: server-rendered pages for the people who
// run the service (the repair desk first), served by the same binary under
// /console/. It calls the same models services as the JSON handlers; every
// rule stays there.
package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/announce"
	"houqin/models/canteen"
	"houqin/models/meeting"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/screen"
	"houqin/models/shuttle"
	"houqin/models/store"
	"houqin/push/sse"
)

// Prefix is where the console is mounted.
const Prefix = "/console"

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets
var assetFiles embed.FS

// Deps are what the console needs from the assembled service.
type Deps struct {
	People   *people.Service
	Repairs  *repair.Service
	Meetings *meeting.Service
	// Canteen serves the canteen desk (canteen*.go) and the lobby screen's menu.
	Canteen *canteen.Service
	// The administrator's pages (admin*.go) call these as the API's admin
	// routes do; Push reports the push worker's delivery figures.
	Announcements *announce.Service
	Shuttle       *shuttle.Service
	Notify        *notify.Service
	Push          ProviderReport
	// The lobby screen's services: its tokens and what it shows.
	Screens *screen.Service
	// Live hands out live event subscriptions for the desk's and the
	// screens' streams; Heartbeat is their beat (0: sse.DefaultHeartbeat).
	Live      sse.Subscriber
	Streams   *sse.Owners // each person's and screen's open streams, shared with the API's
	Heartbeat time.Duration
	// Secret keys the CSRF tokens (the JWT secret does).
	Secret []byte
	// LoginLimits guard the sign-in form: the same failure limiters as the
	// API's login, sharing their counts.
	LoginLimits []fiber.Handler
	// Explain says in Chinese what went wrong, as the API's error handler
	// would.
	Explain func(error) Explained
	// Term names a word of ours (status, category, role) in Chinese.
	Term func(string) string
	// PublicURL, when set, is the only origin forms are accepted from;
	// otherwise the request's own scheme and host are.
	PublicURL string
	// SessionTTL bounds a console sign-in.
	SessionTTL time.Duration
}

// Explained is an error as a page shows it: the status, the message and
// what is wrong with each named form field.
type Explained struct {
	Status  int
	Message string
	Fields  map[string]string
}

// Console serves the desk pages.
type Console struct {
	Deps
	base   *template.Template // the layout and the fragments ("_*.html")
	pages  map[string]*template.Template
	assets map[string]asset
}

type asset struct {
	body        []byte
	contentType string
}

// New parses the embedded templates; a broken one fails at start.
func New(d Deps) *Console {
	if d.SessionTTL == 0 {
		d.SessionTTL = 12 * time.Hour
	}
	c := &Console{Deps: d, pages: map[string]*template.Template{}, assets: map[string]asset{}}
	loc := d.Repairs.Location
	funcs := template.FuncMap{
		"term":    func(s any) string { return d.Term(fmt.Sprint(s)) },
		"clock":   func(t time.Time) string { return t.In(loc).Format("01-02 15:04") },
		"can":     func(u *people.User, role string) bool { return u.Actor().Can(store.Role(role)) },
		"name":    nameOf,
		"hour":    func(t time.Time) string { return t.In(loc).Format("15:04") },
		"minutes": minutes,
		"percent": percent,
	}
	maps.Copy(funcs, canteenFuncs)
	c.base = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html"))
	names, _ := fs.Glob(templateFiles, "templates/[a-z]*.html")
	for _, n := range names {
		if base := path.Base(n); base != "layout.html" {
			c.pages[base] = template.Must(template.Must(c.base.Clone()).ParseFS(templateFiles, n))
		}
	}
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	entries, _ := fs.ReadDir(assetFiles, "assets")
	for _, e := range entries {
		b, _ := assetFiles.ReadFile("assets/" + e.Name())
		c.assets[e.Name()] = asset{b, types[path.Ext(e.Name())]}
	}
	return c
}

// Mount registers the console's routes on app.
func (c *Console) Mount(app fiber.Router) {
	r := app.Group(Prefix, headers, c.errors)
	r.Get("/assets/:name", c.asset)
	r.Get("/login", c.loginPage)
	r.Post("/login", append([]fiber.Handler{c.sameOrigin, c.csrf}, append(c.LoginLimits, c.login)...)...)

	// Everything below needs a desk sign-in.
	d := r.Group("", c.authenticate)
	d.Post("/logout", c.sameOrigin, c.csrf, c.logout)
	d.Get("/", c.home)
	c.mountRepairs(d)
	c.mountMeetings(d)
	c.mountAdmin(d)
	c.mountCanteen(d)
	c.mountScreens(d)
	c.mountLobby(app)
}

// pagePolicy lets a page run and style only the console's own files.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers set the console's policy over the API's: a page's isolation
// (DocumentHeaders), its own scripts only, and a Referrer-Policy under which
// browsers send the Origin of a form post (under no-referrer they send
// "null").
func headers(c *fiber.Ctx) error {
	DocumentHeaders(c)
	c.Set(fiber.HeaderContentSecurityPolicy, pagePolicy)
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// DocumentHeaders are Fiber's helmet defaults beyond the API's own (no
// sniffing, no framing, a content policy): they keep a rendered page in a
// browsing context of its own, away from other origins' windows, embeds
// and referrers. Every HTML page sets them, the docs page included.
func DocumentHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	for _, kv := range documentHeaderPairs {
		h.SetCanonical(kv[0], kv[1])
	}
}

var documentHeaderPairs = func() (out [][2][]byte) {
	for _, kv := range [][2]string{
		{fiber.HeaderXXSSProtection, "0"},
		{"Cross-Origin-Embedder-Policy", "require-corp"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Cross-Origin-Resource-Policy", "same-site"},
		{"Origin-Agent-Cluster", "?1"},
		{fiber.HeaderReferrerPolicy, "no-referrer"},
		{"X-Dns-Prefetch-Control", "off"},
		{"X-Download-Options", "noopen"},
		{"X-Permitted-Cross-Domain-Policies", "none"},
	} {
		out = append(out, [2][]byte{[]byte(kv[0]), []byte(kv[1])})
	}
	return out
}()

func (c *Console) asset(ctx *fiber.Ctx) error {
	a, ok := c.assets[ctx.Params("name")]
	if !ok {
		return store.Errorf(store.CodeNotFound, "there is nothing at this address")
	}
	ctx.Set(fiber.HeaderContentType, a.contentType)
	ctx.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return ctx.Send(a.body)
}

// errors renders what a handler returned as a page: the sign-in form for
// a missing or ended sign-in, otherwise the message in Chinese.
func (c *Console) errors(ctx *fiber.Ctx) error {
	err := ctx.Next()
	if err == nil {
		return nil
	}
	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code == http.StatusNotFound {
		err = store.Errorf(store.CodeNotFound, "there is nothing at this address")
	}
	e := c.Explain(err)
	if e.Status == http.StatusUnauthorized {
		c.clearSession(ctx)
		if ctx.Get("HX-Request") != "" {
			ctx.Set("HX-Redirect", Prefix+"/login")
			return ctx.SendStatus(e.Status)
		}
		return ctx.Redirect(Prefix+"/login", http.StatusSeeOther)
	}
	return c.render(ctx.Status(e.Status), "error.html", view{Title: "出错了", Message: e.Message})
}

// view is what every page template gets: the page's own data in Data.
type view struct {
	Title   string
	User    *people.User
	CSRF    string
	Message string
	Data    any
}

// render executes a page, or a fragment (a template defined in a "_*.html"
// file) without the layout, into the response.
func (c *Console) render(ctx *fiber.Ctx, name string, v view) error {
	if v.User == nil {
		v.User = signedIn(ctx)
	}
	if v.CSRF == "" {
		v.CSRF = c.csrfToken(ctx)
	}
	var buf bytes.Buffer
	t, entry := c.pages[name], "layout"
	if t == nil {
		t, entry = c.base, name
	}
	if err := t.ExecuteTemplate(&buf, entry, v); err != nil {
		return err
	}
	ctx.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return ctx.Send(buf.Bytes())
}

// nameOf is a person's name by id (int64 or *int64) in a names map.
func nameOf(names map[int64]string, id any) string {
	switch v := id.(type) {
	case int64:
		return names[v]
	case *int64:
		if v != nil {
			return names[*v]
		}
	}
	return ""
}
