package api_test

import (
	"testing"

	"github.com/valyala/fasthttp"

	"houqin/api/apitest"
)

// BenchmarkMe measures the server-side cost of authenticated GET /api/v1/me
// (no network), for profiling: go test ./api -run X -bench Me -cpuprofile cpu.out
func BenchmarkMe(b *testing.B) {
	env := apitest.New(b)
	u := env.NewUser()
	h := env.Server.App.Handler()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var ctx fasthttp.RequestCtx
		for pb.Next() {
			ctx.Request.Reset()
			ctx.Response.Reset()
			ctx.ResetUserValues() // as the server does between requests
			ctx.Request.SetRequestURI("/api/v1/me")
			ctx.Request.Header.Set("Authorization", "Bearer "+u.Token)
			h(&ctx)
			if ctx.Response.StatusCode() != 200 {
				b.Fatal(ctx.Response.StatusCode())
			}
		}
	})
}
