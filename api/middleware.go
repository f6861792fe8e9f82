package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"

	"houqin/handlers"
	"houqin/models/store"
	"houqin/web"
)

// MaxJSONBody is the largest request body outside uploads.
const MaxJSONBody = 1 << 20

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}

// httpMetrics are the request count and duration by route template.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series caches the labelled children: hashing label values on every
	// request cost more than the rest of the metrics put together.
	series sync.Map // seriesKey → *seriesPair
}

type seriesKey struct {
	method, route string
	status        int
}

type seriesPair struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func (m *httpMetrics) observe(method, route string, status int, d time.Duration) {
	k := seriesKey{method, route, status}
	v, ok := m.series.Load(k)
	if !ok {
		v, _ = m.series.LoadOrStore(k, &seriesPair{
			requests: m.requests.WithLabelValues(method, route, strconv.Itoa(status)),
			duration: m.duration.WithLabelValues(method, route),
		})
	}
	p := v.(*seriesPair)
	p.requests.Inc()
	p.duration.Observe(d.Seconds())
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "houqin_http_requests_total", Help: "HTTP requests by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "houqin_http_request_duration_seconds", Help: "HTTP request duration by method and route template.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// observe renders errors, then logs one line and records metrics for every
// request. It never logs headers or bodies: they hold tokens and passwords.
func observe(log accessLog, m *httpMetrics) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				return herr
			}
		}
		d := time.Since(start)
		status := c.Response().StatusCode()
		// The route's method, not c.Method(): Fiber's is a view of the request
		// buffer, and label values outlive the request.
		route, method := c.Route().Path, c.Route().Method
		if status >= 400 && c.Locals(unmatchedLocal) != nil {
			route = "unmatched" // not the path: keep label cardinality bounded
		}
		m.observe(method, route, status, d)
		log.write(accessLine{at: start.Add(d), status: status, method: method, route: route, duration: d,
			requestID: requestID(c), userID: handlers.UserID(c)})
		return nil
	}
}

// unmatchedLocal marks a request that matched no route (markUnmatched).
const unmatchedLocal = "houqin.unmatched"

// markUnmatched comes after every route: a request that reaches it matched
// none, and Fiber's 404 or 405 would otherwise be logged and counted under
// the path of the last middleware it passed.
func markUnmatched(c *fiber.Ctx) error {
	c.Locals(unmatchedLocal, true)
	return c.Next()
}

// compressBodies gzips or brotli-compresses API responses for clients
// that accept it: phones on mobile data. fasthttp leaves bodies under 200
// bytes and incompressible types (photos) alone, and adds Vary. The live
// stream is never compressed: a compressor buffers, and an event must reach
// the phone when it happens. The fastest level already shrinks JSON several
// times over and leaves the CPU to requests.
func compressBodies() fiber.Handler {
	return compress.New(compress.Config{
		Level: compress.LevelBestSpeed,
		Next: func(c *fiber.Ctx) bool {
			return strings.HasPrefix(c.Path(), liveStreamPath) || strings.HasSuffix(c.Path(), web.LiveSuffix)
		},
	})
}

// liveStreamPath is the API's Server-Sent Events route (routes_push.go);
// the console's and the lobby screens' streams end in web.LiveSuffix.
const liveStreamPath = "/api/v1/events"

// securityHeaders are set on every response: what OWASP's REST Security
// cheat sheet asks of an API (no content sniffing, no framing, a content
// policy under which a response runs nothing). The headers that only
// isolate a rendered page (COOP, CORP, Referrer-Policy and the like) go on
// the HTML pages alone (web.DocumentHeaders): on a JSON read they were a
// third of the response's bytes, for every client to parse. The names are
// given already canonical: helmet canonicalised them anew on every request.
func securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.SetCanonical(headerNoSniff[0], headerNoSniff[1])
	h.SetCanonical(headerNoFrames[0], headerNoFrames[1])
	h.SetCanonical(headerNoContent[0], headerNoContent[1])
	return c.Next()
}

var (
	headerNoSniff   = [2][]byte{[]byte(fiber.HeaderXContentTypeOptions), []byte("nosniff")}
	headerNoFrames  = [2][]byte{[]byte(fiber.HeaderXFrameOptions), []byte("DENY")}
	headerNoContent = [2][]byte{[]byte(fiber.HeaderContentSecurityPolicy), []byte("default-src 'none'; frame-ancestors 'none'")}
)

// docsPolicy lets the docs page load its own script and the document,
// and nothing from elsewhere; Redoc injects styles and runs its search in
// a worker made from a blob.
const docsPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; worker-src blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// noStore keeps API responses, which carry tokens and personal data, out
// of every cache; a handler with a caching rule of its own (menus with
// ETags, photos) overrides it.
func noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// limitJSONBody answers 413 to bodies over MaxJSONBody. Multipart uploads
// are exempt: their handlers set their own, larger limit.
func limitJSONBody(c *fiber.Ctx) error {
	multipart := bytes.HasPrefix(c.Request().Header.ContentType(), []byte(fiber.MIMEMultipartForm))
	if len(c.Request().Body()) > MaxJSONBody && !multipart {
		return &store.Error{Code: store.CodePayloadTooLarge, Message: "the request body is larger than 1 MiB"}
	}
	return c.Next()
}

// validIdempotencyKey accepts up to 200 visible ASCII characters: the key
// is stored, and MySQL refuses bytes that are not UTF-8 (a 500).
func validIdempotencyKey(key string) bool {
	return len(key) <= 200 && !strings.ContainsFunc(key, func(r rune) bool { return r < '!' || r > '~' })
}

// secretLocal marks a response that carries a secret (see carriesSecret).
const secretLocal = "houqin.carries-secret"

// carriesSecret marks a route whose response holds a secret (a token, a
// private URL): idempotency never stores it, so the secret does not lie in
// the database for a day; a retry runs the request again.
func carriesSecret(c *fiber.Ctx) error {
	c.Locals(secretLocal, true)
	return c.Next()
}

// idempotency replays the first response to a POST retried with the same
// Idempotency-Key and body, and refuses the key with a different body.
// Responses that carry a secret are not kept (carriesSecret).
func idempotency(st *store.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next() // before the header: reads are most requests
		}
		key := c.Get("Idempotency-Key")
		if key == "" {
			return c.Next()
		}
		if !validIdempotencyKey(key) {
			return store.InvalidField("Idempotency-Key", "must be at most 200 visible ASCII characters, such as a UUID")
		}
		h := sha256.New()
		h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
		h.Write(c.Body())
		ctx := c.UserContext()
		claim, replay, err := st.ClaimIdempotencyKey(ctx, handlers.UserFrom(c).ID, key, hex.EncodeToString(h.Sum(nil)))
		if err != nil {
			return err
		}
		if replay {
			c.Set("Idempotent-Replayed", "true")
			c.Set(fiber.HeaderContentType, claim.ContentType)
			return c.Status(claim.Status).Send(claim.Body)
		}
		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				return herr
			}
		}
		if secret, _ := c.Locals(secretLocal).(bool); secret {
			return st.ForgetIdempotencyKey(ctx, claim)
		}
		resp := c.Response()
		return st.FinishIdempotencyKey(ctx, claim, resp.StatusCode(), string(resp.Header.ContentType()), append([]byte(nil), resp.Body()...))
	}
}

// deadline bounds the database work of a request: its context ends after
// d, so a database that stopped answering fails the request (503) instead
// of holding it, and a write the client has given up on is not committed
// later. The timer behind it starts only when something waits on the
// context, as every database call does: a read answered from a cache
// starts none.
func deadline(d time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := &lazyDeadline{parent: c.UserContext(), at: time.Now().Add(d)}
		defer ctx.end()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// lazyDeadline is context.WithDeadline(parent, at), made on first use.
type lazyDeadline struct {
	parent context.Context
	at     time.Time
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
}

func (l *lazyDeadline) started() context.Context {
	l.once.Do(func() { l.ctx, l.cancel = context.WithDeadline(l.parent, l.at) })
	return l.ctx
}

// end cancels the context when the request is over; one never used is
// from then on the same as any ended request's.
func (l *lazyDeadline) end() {
	l.once.Do(func() { l.ctx = endedRequest })
	if l.cancel != nil {
		l.cancel()
	}
}

var endedRequest = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func (l *lazyDeadline) Deadline() (time.Time, bool) { return l.at, true }
func (l *lazyDeadline) Done() <-chan struct{}       { return l.started().Done() }
func (l *lazyDeadline) Err() error                  { return l.started().Err() }

// Value asks the started context, so that contexts made from this one (the
// database's) find its cancellation and hang on it directly, not each
// through a goroutine of its own.
func (l *lazyDeadline) Value(key any) any { return l.started().Value(key) }
