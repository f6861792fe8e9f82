package handlers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"houqin/models/canteen"
	"houqin/models/store"
)

// menuCache keeps rendered menu responses, because the menu is the hottest
// read in the product (most of ~3,800 staff open it in the ten minutes
// before lunch) and changes a few times a day.
//
// Correctness:
//   - In this process every change invalidates the cache at once: each
//     committed menu version bump raises canteen.MenuChanged, on which
//     invalidate bumps gen and drops every entry; an entry filled from a
//     read that started before the bump carries the old gen and is never
//     served.
//   - The ETag is not a property of this cache: it is derived from the
//     canteen's menu_version, a counter in the database that every menu,
//     item, sold-out, dish or hours change increments in its own
//     transaction. Any replica answering If-None-Match therefore compares
//     against the same version, and a 304 is only sent for the data the
//     client already has. Only the cached bytes are per replica: an entry
//     is trusted for menuCacheRecheck, then revalidated against the
//     database version (a primary-key lookup). Replicas that share Redis
//     broadcast their changes, on which this cache is emptied at once
//     (ForgetMenus); alone, or while Redis is away, a change made on
//     another replica is seen here within menuCacheRecheck.
type menuCache struct {
	svc    *canteen.Service
	encode func(any) ([]byte, error)
	views  *views[menuKey, menuEntry]
}

// menuCacheRecheck bounds how stale another replica's change can look here.
const menuCacheRecheck = time.Second

// menuCacheMax bounds the number of cached views (dates × canteens × roles).
const menuCacheMax = 2048

type menuKey struct {
	canteen  int64
	from, to store.Date
	drafts   bool // canteen admins also see drafts
	week     bool // the from/to shape rather than the single-date one
}

type menuEntry struct {
	version int64
	etag    string
	checked atomic.Int64 // unix nanoseconds of the last version check
	encodedBody
}

// encodedBody is a cached response body with its compressed forms, each
// made on first use.
type encodedBody struct {
	body   []byte
	br, gz compressedBody
}

// compressedBody is an entry's body in one encoding, made on first use.
type compressedBody struct {
	once sync.Once
	b    []byte
}

// compressed returns the body in the encoding the compress middleware would
// choose for this client (brotli, else gzip), compressed once per entry
// rather than once per request; "" when the client takes neither.
func (e *encodedBody) compressed(h *fasthttp.RequestHeader) (encoding string, body []byte) {
	switch {
	case h.HasAcceptEncoding("br"):
		e.br.once.Do(func() {
			e.br.b = fasthttp.AppendBrotliBytesLevel(nil, e.body, fasthttp.CompressBrotliDefaultCompression)
		})
		return "br", e.br.b
	case h.HasAcceptEncoding("gzip"):
		e.gz.once.Do(func() { e.gz.b = fasthttp.AppendGzipBytesLevel(nil, e.body, fasthttp.CompressDefaultCompression) })
		return "gzip", e.gz.b
	}
	return "", nil
}

func newMenuCache(svc *canteen.Service) *menuCache {
	return &menuCache{svc: svc, encode: JSONEncoder(svc.Location), views: newViews[menuKey, menuEntry](menuCacheMax)}
}

// invalidate forgets every cached menu: called on every committed change.
func (mc *menuCache) invalidate() { mc.views.forget() }

// get returns the cached view for k, filling it with render on a miss.
func (mc *menuCache) get(ctx context.Context, k menuKey, render func(menuKey, []canteen.MenuDay) any) (*menuEntry, error) {
	gen := mc.views.current()
	if e := mc.views.get(k); e != nil {
		now := time.Now().UnixNano()
		last := e.checked.Load()
		// One request per entry and recheck period asks the database; the
		// others keep serving the entry meanwhile.
		if now-last < int64(menuCacheRecheck) || !e.checked.CompareAndSwap(last, now) {
			return e, nil
		}
		v, err := mc.svc.MenuVersion(ctx, k.canteen)
		if err != nil {
			return nil, err
		}
		if v == e.version {
			return e, nil
		}
	}
	return mc.fill(ctx, k, gen, render)
}

func (mc *menuCache) fill(ctx context.Context, k menuKey, gen uint64, render func(menuKey, []canteen.MenuDay) any) (*menuEntry, error) {
	days, version, err := mc.svc.Menus(ctx, k.canteen, k.from, k.to, k.drafts)
	if err != nil {
		return nil, err
	}
	body, err := mc.encode(render(k, days))
	if err != nil {
		return nil, err
	}
	e := &menuEntry{version: version, encodedBody: encodedBody{body: body}, etag: menuETag(k, version)}
	e.checked.Store(time.Now().UnixNano())
	mc.views.put(k, gen, e)
	return e, nil
}

// send answers with the cached JSON body, compressed as the client accepts
// (the compress middleware leaves a set Content-Encoding alone).
func (e *encodedBody) send(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Vary(fiber.HeaderAcceptEncoding)
	if enc, body := e.compressed(&c.Context().Request.Header); enc != "" {
		c.Set(fiber.HeaderContentEncoding, enc)
		return c.Send(body)
	}
	return c.Send(e.body)
}

// menuETag names one view of one canteen's menus at one version: the same
// on every replica for the same data. It is weak because the body it names
// is sent compressed or not, as the client accepts (RFC 9110 8.8.1).
func menuETag(k menuKey, version int64) string {
	view := "p"
	if k.drafts {
		view = "a"
	}
	shape := "d"
	if k.week {
		shape = "w"
	}
	return fmt.Sprintf(`W/"m%d.%d.%s.%s.%s%s"`, k.canteen, version, k.from, k.to, view, shape)
}

// etagMatches reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == strings.TrimPrefix(etag, "W/") || t == "*" {
			return true
		}
	}
	return false
}
