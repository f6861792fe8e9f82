package apitest

import (
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Serve runs app on a loopback listener until the test ends and returns
// its base URL.
func Serve(t testing.TB, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// LoadResult is what wrk measured.
type LoadResult struct {
	RPS      float64
	P99      time.Duration
	Requests int64
}

var (
	wrkRPS    = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkP99    = regexp.MustCompile(`\s99%\s+([\d.]+)(us|ms|s)`)
	wrkCount  = regexp.MustCompile(`(\d+) requests in`)
	wrkErrors = regexp.MustCompile(`Non-2xx or 3xx responses|Socket errors`)
)

// RequireLoadTests skips load tests unless HOUQIN_LOADTEST=1 and wrk is
// installed: they take tens of seconds and want a quiet machine.
func RequireLoadTests(t testing.TB) {
	t.Helper()
	if os.Getenv("HOUQIN_LOADTEST") != "1" {
		t.Skip("set HOUQIN_LOADTEST=1 to run load tests (needs wrk)")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Skip("wrk is not installed (apt-get install wrk)")
	}
}

// Wrk loads url for d with conns connections on 2 threads and a bearer
// token, and returns requests/s and the 99th percentile latency.
func Wrk(t testing.TB, url, token string, conns int, d time.Duration) LoadResult {
	t.Helper()
	args := []string{"-t2", "-c" + strconv.Itoa(conns), "-d" + d.String(), "--latency"}
	if token != "" {
		args = append(args, "-H", "Authorization: Bearer "+token)
	}
	out, err := exec.Command("wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	m, p, n := wrkRPS.FindSubmatch(out), wrkP99.FindSubmatch(out), wrkCount.FindSubmatch(out)
	if m == nil || p == nil || n == nil {
		t.Fatalf("cannot read wrk output:\n%s", out)
	}
	if wrkErrors.Match(out) {
		t.Fatalf("%s answered errors under load:\n%s", url, out)
	}
	requests, _ := strconv.ParseInt(string(n[1]), 10, 64)
	rps, _ := strconv.ParseFloat(string(m[1]), 64)
	v, _ := strconv.ParseFloat(string(p[1]), 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(p[2])]
	return LoadResult{RPS: rps, P99: time.Duration(v * float64(unit)), Requests: requests}
}
