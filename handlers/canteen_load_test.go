//go:build unix

package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/api"
	"houqin/api/apitest"
	"houqin/demo"
)

// TestCanteenMenuLoad measures an authenticated GET of today's menu on the
// real app (api.New on a loopback listener, demo data on SQLite) against a
// bare Fiber app answering the same bytes, in the same run. It uses wrk
// when installed, else a Go loop; it only runs when asked:
//
//	HOUQIN_LOADTEST=1 go test ./handlers/ -run CanteenMenuLoad -count=1 -v
//
// HOUQIN_LOADTEST_DURATION (default 6s per run), HOUQIN_LOADTEST_CONNS (default
// 256) and HOUQIN_LOADTEST_ROUNDS (default 5) tune it. Besides requests/s it
// reports the server CPU time per request (both apps run in this process,
// the load generator in another), which a busy shared machine disturbs
// far less than throughput.
func TestCanteenMenuLoad(t *testing.T) {
	if os.Getenv("HOUQIN_LOADTEST") == "" {
		t.Skip("set HOUQIN_LOADTEST=1 to run the menu load test")
	}
	duration, conns, rounds := 6*time.Second, 256, 5
	if d, err := time.ParseDuration(os.Getenv("HOUQIN_LOADTEST_DURATION")); err == nil {
		duration = d
	}
	if n, err := strconv.Atoi(os.Getenv("HOUQIN_LOADTEST_CONNS")); err == nil {
		conns = n
	}
	if n, err := strconv.Atoi(os.Getenv("HOUQIN_LOADTEST_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}

	env := apitest.New(t)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	token := env.NewUser().Token
	// The production logger: one JSON line per request at info level,
	// written to nowhere.
	srv := api.New(env.Server.Config, env.Store, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	ctx, stop := context.WithCancel(context.Background())
	ln := canteenListen(t)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	t.Cleanup(func() { stop(); <-done })

	realURL := "http://" + ln.Addr().String() + "/api/v1/canteens/1/menus"
	body := canteenFetch(t, realURL, token)

	bare := fiber.New(fiber.Config{DisableStartupMessage: true})
	bare.Get("/api/v1/canteens/1/menus", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	})
	bareLn := canteenListen(t)
	go bare.Listener(bareLn)
	t.Cleanup(func() { bare.Shutdown() })
	bareURL := "http://" + bareLn.Addr().String() + "/api/v1/canteens/1/menus"
	if got := canteenFetch(t, bareURL, token); string(got) != string(body) {
		t.Fatal("the bare app answers different bytes")
	}

	load := canteenGoLoad
	if _, err := exec.LookPath("wrk"); err == nil {
		load = canteenWrk
	}
	run := func(url string) canteenLoad {
		before := canteenCPU(t)
		r := load(t, url, token, conns, duration)
		r.cpu = (canteenCPU(t) - before) / time.Duration(max(r.requests, 1))
		return r
	}
	t.Logf("GET today's menu (%d bytes), %d connections, %s per run", len(body), conns, duration)
	var bareRPS, realRPS, bareCPU, realCPU []float64
	for round := range rounds { // alternate, so that drift in the shared machine hits both alike
		b, r := run(bareURL), run(realURL)
		t.Logf("round %d: bare %.0f req/s p99 %s cpu %s/req | houqin %.0f req/s p99 %s cpu %s/req | ratio %.2f (cpu %.2f)",
			round+1, b.rps, b.p99, b.cpu, r.rps, r.p99, r.cpu, r.rps/b.rps, float64(b.cpu)/float64(r.cpu))
		bareRPS, realRPS = append(bareRPS, b.rps), append(realRPS, r.rps)
		bareCPU, realCPU = append(bareCPU, float64(b.cpu)), append(realCPU, float64(r.cpu))
	}
	t.Logf("median: bare %.0f req/s, houqin %.0f req/s, ratio %.2f; server CPU per request bare %s, houqin %s, ratio %.2f",
		canteenMedian(bareRPS), canteenMedian(realRPS), canteenMedian(realRPS)/canteenMedian(bareRPS),
		time.Duration(canteenMedian(bareCPU)), time.Duration(canteenMedian(realCPU)), canteenMedian(bareCPU)/canteenMedian(realCPU))
}

// canteenCPU is the CPU time this process has used.
func canteenCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type canteenLoad struct {
	rps      float64
	p99      time.Duration
	requests int
	cpu      time.Duration // server CPU per request
}

func canteenListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func canteenFetch(t *testing.T, url, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v %s", url, resp.StatusCode, err, b)
	}
	return b
}

var (
	canteenWrkRPS    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	canteenWrkP99    = regexp.MustCompile(`\s99%\s+([0-9.]+)(us|ms|s)`)
	canteenWrkErrors = regexp.MustCompile(`Non-2xx or 3xx responses|Socket errors`)
	canteenWrkCount  = regexp.MustCompile(`(\d+) requests in`)
)

// canteenWrk runs wrk with two threads against url on loopback.
func canteenWrk(t *testing.T, url, token string, conns int, d time.Duration) canteenLoad {
	t.Helper()
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(int(d.Seconds()))+"s", "--latency",
		"-H", "Authorization: Bearer "+token, url).CombinedOutput()
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	rps, p99, n := canteenWrkRPS.FindSubmatch(out), canteenWrkP99.FindSubmatch(out), canteenWrkCount.FindSubmatch(out)
	if rps == nil || p99 == nil || n == nil {
		t.Fatalf("cannot read wrk's output:\n%s", out)
	}
	var r canteenLoad
	r.rps, _ = strconv.ParseFloat(string(rps[1]), 64)
	r.requests, _ = strconv.Atoi(string(n[1]))
	v, _ := strconv.ParseFloat(string(p99[1]), 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(p99[2])]
	r.p99 = time.Duration(v * float64(unit))
	if canteenWrkErrors.Match(out) {
		t.Fatalf("wrk saw errors:\n%s", out)
	}
	return r
}

// canteenGoLoad is the fallback without wrk: conns goroutines, one keep-alive
// connection each, for d.
func canteenGoLoad(t *testing.T, url, token string, conns int, d time.Duration) canteenLoad {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	deadline := time.Now().Add(d)
	var (
		mu        sync.Mutex
		latencies []time.Duration
		wg        sync.WaitGroup
	)
	for range conns {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Error(fmt.Errorf("status %d", resp.StatusCode))
					return
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(latencies)
	if len(latencies) == 0 {
		t.Fatal("no requests completed")
	}
	return canteenLoad{rps: float64(len(latencies)) / d.Seconds(), p99: latencies[len(latencies)*99/100], requests: len(latencies)}
}

func canteenMedian(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
