package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"houqin/handlers"
	"houqin/migrations"
	"houqin/models/announce"
	"houqin/models/assess"
	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/maint"
	"houqin/models/meeting"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/screen"
	"houqin/models/shuttle"
	"houqin/models/stock"
	"houqin/models/store"
	"houqin/models/team"
	"houqin/openapi"
	"houqin/push"
	"houqin/push/sse"
	"houqin/web"
)

// MaxUploadBody bounds any request body; only upload routes get near it.
const MaxUploadBody = 16 << 20

// Server is the assembled service: the domain services, the HTTP app and
// the background jobs.
type Server struct {
	App      *fiber.App
	Store    *store.Store
	Config   Config
	Log      *slog.Logger
	Registry *prometheus.Registry
	Services
	// Tokens signs and checks access tokens.
	Tokens *people.Tokens
	// Push delivers the outbox; Broker fans live events out to this
	// process's streams, and Live publishes them: to Broker alone, or
	// through the cluster to every replica's.
	Push    *push.Worker
	Broker  *push.Local
	Live    push.Broker
	cluster *push.Cluster // nil without HOUQIN_REDIS_URL
	// streams counts each person's and screen's open live streams, API and
	// console alike.
	streams sse.Owners
	menus   *handlers.Canteen
	shuttle *handlers.Shuttle
	// directories look staff up by mobile on the configured work platforms.
	directories map[people.WorkPlatform]people.Directory
	jobs        []Job
	logins      loginCounters
}

// Services are the domain services, one per models package, all on one store.
type Services struct {
	People        *people.Service
	Notify        *notify.Service
	Repairs       *repair.Service
	Meetings      *meeting.Service
	Shuttle       *shuttle.Service
	Canteen       *canteen.Service
	Announcements *announce.Service
	Stock         *stock.Service
	Maint         *maint.Service
	Teams         *team.Service
	Inspections   *inspect.Service
	Complaints    *complaint.Service
	Assessment    *assess.Service
	Screens       *screen.Service
}

// newServices builds every domain service on st, with uploads in blobs.
func newServices(st *store.Store, blobs store.Blobs) Services {
	return Services{People: people.New(st), Notify: notify.New(st), Repairs: repair.New(st, blobs), Meetings: meeting.New(st),
		Shuttle: shuttle.New(st), Canteen: canteen.New(st), Announcements: announce.New(st),
		Stock: stock.New(st), Maint: maint.New(st, blobs),
		Teams:       team.New(st),
		Inspections: inspect.New(st, blobs), Complaints: complaint.New(st, blobs),
		Assessment: assess.New(st), Screens: screen.New(st)}
}

// New assembles the service on an open, migrated store.
func New(cfg Config, st *store.Store, log *slog.Logger) *Server {
	var blobs store.Blobs = store.DiskBlobs{Dir: cfg.BlobsDir}
	if cfg.S3 != nil {
		blobs = cfg.S3
	}
	s := &Server{Store: st, Config: cfg, Log: log, Registry: prometheus.NewRegistry(), Services: newServices(st, blobs)}
	s.Meetings.MaxFutureBookings = cfg.MaxFutureBookings
	s.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	encode := handlers.JSONEncoder(st.Location)
	s.Broker = push.NewLocal(encode)
	s.Live = s.Broker
	if cfg.Redis != nil {
		s.cluster = push.NewCluster(cfg.Redis, cfg.RedisPrefix, s.Registry, log)
		s.Live = push.NewShared(s.Broker, s.cluster, encode)
	}
	senders := cfg.PushSenders(log)
	s.Push = push.NewWorker(s.Notify, senders, push.Options{}, s.Registry, log)
	s.directories = workDirectories(senders)
	// Committed changes reach the live stream and wake the push worker.
	store.On(st, func(ev store.Live) { s.Live.Publish(ev.Live()) })
	store.On(st, func(notify.Queued) { s.Push.Wake() })
	s.Tokens = people.NewTokens(cfg.JWTSecret, cfg.AccessTTL, st.Now)
	s.App = fiber.New(fiber.Config{
		AppName:               "houqin",
		ErrorHandler:          errorHandler(log, messages),
		JSONEncoder:           encode,
		BodyLimit:             MaxUploadBody,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Forwarding headers count only from the configured proxies.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             fiber.HeaderXForwardedFor,
	})
	// Live streams (push/sse) close the connections they take over, and so
	// let each request's context and read buffer go while they stream.
	s.App.Server().KeepHijackedConns = true
	s.App.Use(
		forwardedFor(cfg.TrustedProxies),
		// Request ids need to be unique, not secret: fiber's counter-based UUIDs
		// cost a fraction of crypto/rand ones.
		requestid.New(requestid.Config{Header: fiber.HeaderXRequestID}),
		observe(accessLog{cfg.AccessLog, log}, newHTTPMetrics(s.Registry)),
		deadline(cfg.RequestTimeout),
		securityHeaders,
		recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
			log.Error("panic", "panic", e, "route", c.Route().Path, "request_id", requestID(c))
		}}),
	)
	s.routes()
	if s.cluster != nil {
		s.shareInvalidations()
		s.cluster.Start()
	}
	s.jobs = append(s.jobs, Job{Name: "purge idempotency keys", Every: time.Hour, Run: st.PurgeIdempotencyKeys})
	return s
}

func (s *Server) routes() {
	app, h := s.App, handlers.NewPeople(s.People, s.Tokens, s.Notify)
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	app.Get("/readyz", s.ready)
	app.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{})))
	app.Get("/openapi.yaml", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/yaml")
		return c.Send(openapi.Spec)
	})
	app.Get("/docs", func(c *fiber.Ctx) error {
		web.DocumentHeaders(c)
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderContentSecurityPolicy, docsPolicy)
		return c.Send(openapi.DocsPage)
	})
	app.Get("/docs/redoc.standalone.js", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		return c.Send(openapi.RedocJS)
	})

	v1 := app.Group("/api/v1", limitJSONBody, noStore, compressBodies())
	s.logins = newLoginCounters(s.cluster)
	v1.Post("/auth/login", append(s.logins.limiters(), h.Login)...)
	v1.Post("/auth/refresh", h.Refresh)
	v1.Post("/auth/logout", h.Logout)
	// Before the authenticated group: its middleware covers every later /api/v1 route.
	s.mountCalendarFeed(v1)

	// Everything below needs a signed-in, active user.
	r := v1.Group("", h.Authenticate, idempotency(s.Store))
	r.Get("/me", h.Me)

	admin := handlers.Require(store.RoleAdmin)
	r.Get("/users", admin, h.ListUsers)
	r.Post("/users", admin, h.CreateUser)
	r.Patch("/users/:id", admin, h.UpdateUser)
	s.mountRepairs(r)
	s.mountShuttle(r)
	s.mountMeetings(r)
	s.mountCanteen(r)
	s.mountPush(r)
	s.mountAnnouncements(r)
	s.mountStock(r)
	s.mountWork(r)
	s.mountMaint(r)
	s.mountQuality(r)
	s.mountReports(r)
	s.mountConsole()
	s.App.Use(markUnmatched)
}

// mountConsole serves the desk console at /console/: its own pages, not
// part of the JSON API, on the same services and login limits.
func (s *Server) mountConsole() {
	zh := messages.For("zh")
	s.App.Use(web.Prefix, compressBodies())
	s.App.Use(web.ScreenPrefix, compressBodies())
	web.New(web.Deps{
		People: s.People, Repairs: s.Repairs, Meetings: s.Meetings, Screens: s.Screens,
		Announcements: s.Announcements, Canteen: s.Canteen, Shuttle: s.Shuttle, Notify: s.Notify, Push: s.Push,
		Live: s.Broker, Streams: &s.streams, Heartbeat: s.Config.EventHeartbeat, Secret: s.Config.JWTSecret, PublicURL: s.Config.PublicURL,
		LoginLimits: s.logins.limiters(), Term: zh.Term,
		Explain: func(err error) web.Explained {
			p, _ := problemOf(err, zh)
			if p.Status >= 500 {
				s.Log.Error("console request failed", "err", err)
			}
			e := web.Explained{Status: p.Status, Message: p.Detail, Fields: map[string]string{}}
			for _, f := range p.Errors {
				e.Fields[f.Field] = f.Message
			}
			return e
		},
	}).Mount(s.App)
}

// ready answers 200 when the database answers and its schema is current;
// while Redis is away the status says "degraded: redis" (the replica still
// serves, alone).
func (s *Server) ready(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "database unreachable"})
	}
	current, err := migrations.Current(ctx, s.Store.SQL(), string(s.Store.Dialect))
	switch {
	case err != nil:
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "database unreachable"})
	case !current:
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "migrations pending"})
	}
	if s.cluster != nil && !s.cluster.Up() {
		return c.JSON(fiber.Map{"status": "degraded: redis"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
