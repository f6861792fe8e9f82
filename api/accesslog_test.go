package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"houqin/api"
	"houqin/api/apitest"
)

// TestAccessLogLine checks the line each request leaves: the very bytes
// slog's JSONHandler writes for the same record (the service's other lines
// come from it), a client's request id quoted safely, and nothing below
// the configured level.
func TestAccessLogLine(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	serve := func(level slog.Level, path, requestID string) string {
		t.Helper()
		var logs lockedBuffer
		cfg := env.Server.Config
		cfg.AccessLog = &logs
		srv := api.New(cfg, env.Store, slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: level})))
		t.Cleanup(srv.Close)
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+u.Token)
		req.Header.Set("X-Request-ID", requestID)
		resp, err := srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return logs.String()
	}

	line := serve(slog.LevelInfo, "/api/v1/me", "req-1")
	var got struct {
		Time     time.Time
		Duration time.Duration
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("not one JSON line: %v\n%s", err, line)
	}
	var want bytes.Buffer
	r := slog.NewRecord(got.Time, slog.LevelInfo, "request", 0)
	r.AddAttrs(slog.String("method", "GET"), slog.String("route", "/api/v1/me"), slog.Int("status", 200),
		slog.Duration("duration", got.Duration), slog.String("request_id", "req-1"), slog.Int64("user_id", u.ID))
	if err := slog.NewJSONHandler(&want, nil).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if line != want.String() {
		t.Errorf("the access line is\n%s, slog writes\n%s", line, want.String())
	}

	line = serve(slog.LevelInfo, "/nowhere", "a\"b\\c\xff")
	var odd map[string]any
	if err := json.Unmarshal([]byte(line), &odd); err != nil || strings.Count(line, "\n") != 1 {
		t.Fatalf("not one JSON line: %v\n%s", err, line)
	}
	if odd["request_id"] != "a\"b\\c\uFFFD" || odd["route"] != "unmatched" || odd["status"] != float64(404) {
		t.Errorf("a hostile request id and an unknown path logged as %v", odd)
	}

	if line := serve(slog.LevelWarn, "/api/v1/me", "req-2"); line != "" {
		t.Errorf("at level warn an answered request still logs %q", line)
	}
}
