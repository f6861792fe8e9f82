package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"houqin/api/apitest"
	"houqin/demo"
)

// BenchmarkHotReads measures the server-side cost of the reads a phone
// makes most, on the demo data, as the demo's staff member (no network),
// for profiling:
//
//	go test ./api -run '^$' -bench HotReads -cpuprofile cpu.out
//
// TestHotReadLoad (in the root package) measures them as a client sees them.
func BenchmarkHotReads(b *testing.B) {
	env := apitest.New(b)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		b.Fatal(err)
	}
	var staffID int64
	if err := env.Store.Read(context.Background()).Table("users").Where("username = ?", "staff").Pluck("id", &staffID).Error; err != nil {
		b.Fatal(err)
	}
	token, err := env.Server.Tokens.Issue(staffID)
	if err != nil {
		b.Fatal(err)
	}
	h := env.Server.App.Handler()
	for _, r := range []struct{ name, path string }{
		{"menu", "/api/v1/canteens/1/menus"}, {"menu-gzip", "/api/v1/canteens/1/menus"}, {"me", "/api/v1/me"}, {"trips", "/api/v1/shuttle/trips"},
		{"timetable", "/api/v1/shuttle/routes/1"}, {"inbox", "/api/v1/me/notifications"},
	} {
		path, gzip := r.path, strings.HasSuffix(r.name, "-gzip")
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			var ctx fasthttp.RequestCtx
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.ResetUserValues()
				ctx.Request.SetRequestURI(path)
				ctx.Request.Header.Set("Authorization", "Bearer "+token)
				if gzip {
					ctx.Request.Header.Set("Accept-Encoding", "gzip")
				}
				h(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatal(ctx.Response.StatusCode(), string(ctx.Response.Body()))
				}
			}
		})
	}
}
