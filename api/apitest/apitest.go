// Package apitest runs the real service for tests: the production app and
// store on a fresh database (SQLite, or MySQL/MariaDB when
// HOUQIN_TEST_MYSQL_DSN is set), with every request and response checked
// against openapi/openapi.yaml.
package apitest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"houqin/api"
	"houqin/migrations"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
	"houqin/openapi"
	"houqin/push/fcmfake"
)

// Password is the password of every user Env creates.
const Password = "test-password"

// Epoch is the default "now" of the injected clock: Tuesday 1 December
// 2026, 09:00 in Asia/Shanghai.
var Epoch = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

// Env is one running service on its own database.
type Env struct {
	T      testing.TB
	Server *api.Server
	Store  *store.Store
	Clock  *Clock
	DSN    string
}

// Option adjusts the configuration before the server is built.
type Option func(*api.Config)

// WithFCM points the service's push sender at a fake FCM server.
func WithFCM(f *fcmfake.Server) Option {
	return func(c *api.Config) {
		c.FCMProjectID = fcmfake.Project
		c.FCMEndpoint = f.Endpoint()
	}
}

// WithDB runs the service on the database at dsn instead of a fresh one
// (a MariaDB server of the test's own, say); the caller creates it.
func WithDB(dsn string) Option {
	return func(c *api.Config) { c.DB = dsn }
}

// New starts a service on a fresh, migrated database and closes it when the
// test ends.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	dsn := FreshDatabase(t)
	cfg := config(t, dsn, opts)
	store := Migrated(t, cfg.DB, cfg.Location)
	clock := &Clock{now: Epoch}
	store.Clock = clock.Now
	return &Env{T: t, Server: newServer(t, cfg, store), Store: store, Clock: clock, DSN: cfg.DB}
}

// Replica starts another server on e's database, as a second replica
// behind a load balancer would run: same secret and clock, its own store,
// data folder, caches and subscribers. It shares only what the database
// holds, an S3 store both are given (WithS3), and Redis when opts join it
// to the others (WithRedis).
func (e *Env) Replica(opts ...Option) *Env {
	t := e.T
	t.Helper()
	cfg := config(t, e.DSN, opts)
	st, err := store.Open(cfg.DB, cfg.Location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Clock = e.Clock.Now
	return &Env{T: t, Server: newServer(t, cfg, st), Store: st, Clock: e.Clock, DSN: e.DSN}
}

func config(t testing.TB, dsn string, opts []Option) api.Config {
	t.Helper()
	cfg, err := api.LoadConfig(func(k string) string {
		switch k {
		case "HOUQIN_DB":
			return dsn
		case "HOUQIN_DATA_DIR":
			return t.TempDir()
		case "HOUQIN_JWT_SECRET":
			return "test-secret-test-secret-test-secret"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.EventHeartbeat = 50 * time.Millisecond // live-stream tests see heartbeats at once
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

func newServer(t testing.TB, cfg api.Config, st *store.Store) *api.Server {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv := api.New(cfg, st, log)
	t.Cleanup(srv.Close)
	return srv
}

// Migrated opens the database at dsn, migrates it to the latest version and
// closes it when the test ends.
func Migrated(t testing.TB, dsn string, loc *time.Location) *store.Store {
	t.Helper()
	st, err := store.Open(dsn, loc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := migrations.Up(context.Background(), st.SQL(), string(st.Dialect)); err != nil {
		t.Fatal(err)
	}
	return st
}

// FreshDatabase returns the DSN of an empty database for this test: a new
// MySQL database when HOUQIN_TEST_MYSQL_DSN is set, else a SQLite file in
// the test's temporary folder.
func FreshDatabase(t testing.TB) string {
	t.Helper()
	if dsn, ok := FreshMySQL(t); ok {
		return dsn
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "houqin.db")
}

// FreshMySQL returns the DSN of a new, empty MySQL database dropped when the
// test ends, or false when HOUQIN_TEST_MYSQL_DSN is unset.
func FreshMySQL(t testing.TB) (string, bool) {
	t.Helper()
	base := os.Getenv("HOUQIN_TEST_MYSQL_DSN")
	if base == "" {
		return "", false
	}
	cfg, err := store.MySQLConfig(base)
	if err != nil {
		t.Fatalf("HOUQIN_TEST_MYSQL_DSN: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "houqin_test_" + hex.EncodeToString(b)
	cfg.DBName = ""
	admin, err := gorm.Open(mysql.New(mysql.Config{DSNConfig: cfg}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect to test MySQL: %v", err)
	}
	sqlDB, _ := admin.DB()
	if err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name)
		sqlDB.Close()
	})
	cfg.DBName = name
	return cfg.FormatDSN(), true
}

// Clock is the injected clock: fixed until a test moves it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var (
	hashOnce sync.Once
	hash     string
)

// User is a user made for a test, with a valid access token.
type User struct {
	people.User
	Token string
}

// NewUser creates an active user holding roles and returns it signed in.
func (e *Env) NewUser(roles ...store.Role) User {
	e.T.Helper()
	hashOnce.Do(func() { hash, _ = people.HashPassword(Password) })
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	rs, err := store.ParseRoles(names)
	if err != nil {
		e.T.Fatal(err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	u := people.User{Username: "u" + hex.EncodeToString(b), Name: "测试用户", Department: "区行政中心",
		Phone: "86310000", Roles: rs, Active: true, PasswordHash: hash}
	if err := e.Store.Tx(context.Background(), func(tx *store.Tx) error { return tx.Create(&u).Error }); err != nil {
		e.T.Fatal(err)
	}
	token, err := e.Server.Tokens.Issue(u.ID)
	if err != nil {
		e.T.Fatal(err)
	}
	return User{User: u, Token: token}
}

// Request is one call to make.
type Request struct {
	Method, Path, Token string
	// Body is marshalled as JSON unless it is []byte or string (sent as is).
	Body    any
	Headers map[string]string
}

// Response is what came back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Code returns the problem code of an error response.
func (r *Response) Code() string {
	var p struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(r.Body, &p)
	return p.Code
}

// Get, Post, Put, Patch and Delete are shorthands for Do.
func (e *Env) Get(path, token string) *Response {
	return e.Do(Request{Method: http.MethodGet, Path: path, Token: token})
}

func (e *Env) Post(path, token string, body any) *Response {
	return e.Do(Request{Method: http.MethodPost, Path: path, Token: token, Body: body})
}

func (e *Env) Put(path, token string, body any) *Response {
	return e.Do(Request{Method: http.MethodPut, Path: path, Token: token, Body: body})
}

func (e *Env) Patch(path, token string, body any) *Response {
	return e.Do(Request{Method: http.MethodPatch, Path: path, Token: token, Body: body})
}

func (e *Env) Delete(path, token string) *Response {
	return e.Do(Request{Method: http.MethodDelete, Path: path, Token: token})
}

// Do sends r through the app and checks both directions against the
// contract: the response must match the document; a request the document
// calls invalid must be refused with a 4xx.
func (e *Env) Do(r Request) *Response {
	e.T.Helper()
	var body []byte
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = b
	case string:
		body = []byte(b)
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			e.T.Fatal(err)
		}
	}
	req := httptest.NewRequest(r.Method, r.Path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	resp, err := e.Server.App.Test(req, -1)
	if err != nil {
		e.T.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: respBody}
	checkContract(e.T, r, body, out)
	checkTimes(e.T, e.Store.Location, r, out)
	return out
}

// TimeLayout is the one shape of an instant in a response (DESIGN.md):
// RFC 3339 in the site time zone with exactly milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// checkTimes requires every string in a JSON response that reads as an
// RFC 3339 date-time to have the one shape, in loc: so every test of every
// route enforces it.
func checkTimes(t testing.TB, loc *time.Location, r Request, resp *Response) {
	t.Helper()
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !strings.Contains(ct, "json") || len(resp.Body) == 0 {
		return
	}
	CheckTimes(t, loc, r.Method+" "+r.Path, resp.Body)
}

// CheckTimes requires every RFC 3339 date-time string in the JSON document
// body (of what) to be in TimeLayout in loc.
func CheckTimes(t testing.TB, loc *time.Location, what string, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: the body is not JSON: %v", what, err)
		return
	}
	for _, s := range timesIn(v) {
		if at, _ := time.Parse(time.RFC3339Nano, s); at.In(loc).Format(TimeLayout) != s {
			t.Errorf("%s: time %q is not in the form %s in %s", what, s, TimeLayout, loc)
		}
	}
}

// timesIn lists the strings in a decoded JSON value that parse as RFC 3339
// date-times.
func timesIn(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		if _, err := time.Parse(time.RFC3339Nano, v); err == nil {
			out = append(out, v)
		}
	case []any:
		for _, e := range v {
			out = append(out, timesIn(e)...)
		}
	case map[string]any:
		for _, e := range v {
			out = append(out, timesIn(e)...)
		}
	}
	return out
}

var (
	docOnce   sync.Once
	doc       *openapi3.T
	docRouter routers.Router
	docErr    error
)

// Contract returns the parsed, validated OpenAPI document and its router.
func Contract(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	docOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, docErr = loader.LoadFromData(openapi.Spec)
		if docErr == nil {
			docErr = doc.Validate(loader.Context)
		}
		if docErr == nil {
			docRouter, docErr = gorillamux.NewRouter(doc)
		}
	})
	if docErr != nil {
		t.Fatalf("openapi.yaml: %v", docErr)
	}
	return doc, docRouter
}

func checkContract(t testing.TB, r Request, body []byte, resp *Response) {
	t.Helper()
	_, router := Contract(t)
	req := httptest.NewRequest(r.Method, "http://localhost"+r.Path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if resp.Status != http.StatusNotFound && resp.Status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s is not in openapi.yaml (answered %d)", r.Method, r.Path, resp.Status)
		}
		return
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if reqErr := openapi3filter.ValidateRequest(ctx, in); reqErr != nil && resp.Status < 400 {
		t.Errorf("%s %s: the document calls this request invalid, but the app answered %d:\n%v", r.Method, r.Path, resp.Status, reqErr)
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	if ct != "" && !strings.Contains(ct, "json") {
		opts.ExcludeResponseBody = true
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.Status,
		Header: resp.Header, Body: io.NopCloser(bytes.NewReader(resp.Body)), Options: opts}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("%s %s answered %d, which openapi.yaml does not allow:\n%v\nbody: %s", r.Method, r.Path, resp.Status, err, truncate(resp.Body))
	}
}

func truncate(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// Expect fails the test unless resp has status (and, for problems, code).
func Expect(t testing.TB, resp *Response, status int, code ...string) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("status %d, want %d: %s", resp.Status, status, truncate(resp.Body))
	}
	if len(code) > 0 && resp.Code() != code[0] {
		t.Fatalf("code %q, want %q: %s", resp.Code(), code[0], truncate(resp.Body))
	}
}

// Path formats a path with fmt.Sprintf.
func Path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Inbox returns a user's notifications, newest first, straight from the
// database (for checking what a domain change announced).
func (e *Env) Inbox(userID int64) []notify.Notification {
	e.T.Helper()
	var rows []notify.Notification
	if err := e.Store.Read(context.Background()).Where("user_id = ?", userID).Order("id DESC").Find(&rows).Error; err != nil {
		e.T.Fatal(err)
	}
	return rows
}

// LiveRecorder keeps the live events that committed transactions raise.
type LiveRecorder struct {
	mu     sync.Mutex
	events []store.LiveEvent
}

// RecordLive starts recording the live events of e's store.
func (e *Env) RecordLive() *LiveRecorder {
	r := &LiveRecorder{}
	store.On(e.Store, func(ev store.Live) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.events = append(r.events, ev.Live())
	})
	return r
}

// Of returns the recorded events of topic and type typ.
func (r *LiveRecorder) Of(topic, typ string) []store.LiveEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []store.LiveEvent
	for _, ev := range r.events {
		if ev.Topic == topic && ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// Take returns the recorded events whose topic starts with prefix, and
// forgets every recorded event.
func (r *LiveRecorder) Take(prefix string) []store.LiveEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []store.LiveEvent
	for _, ev := range r.events {
		if strings.HasPrefix(ev.Topic, prefix) {
			out = append(out, ev)
		}
	}
	r.events = nil
	return out
}
