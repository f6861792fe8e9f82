package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/api/apitest"
)

// hotReads are the reads a phone makes most, as the demo's staff member:
// the paths the load test measures.
var hotReads = []struct{ name, path string }{
	{"today's menu", "/api/v1/canteens/1/menus"},
	{"/me", "/api/v1/me"},
	{"the day's trips", "/api/v1/shuttle/trips"},
	{"a route's timetable", "/api/v1/shuttle/routes/1"},
	{"the inbox's first page", "/api/v1/me/notifications"},
}

// bareFiber, set in its environment to a file of path → body, makes the
// test binary a bare Fiber app answering those bytes: the ceiling the
// service is measured against.
const bareFiber = "HOUQIN_TEST_BARE_FIBER"

// TestHotReadLoad measures the hot reads as a client sees them: `houqin
// serve --demo` built and run as its own process, logging to a file as a
// deployment does, against a bare Fiber process sending the same bytes,
// loaded by wrk over loopback, in alternating rounds at 64 and 256
// connections. It reports the median requests/s of each, their ratio, the
// p99s, and the server CPU per request of each process (read from /proc:
// steadier than throughput on a shared machine). Run it on a quiet machine:
//
//	HOUQIN_LOADTEST=1 go test . -run HotReadLoad -count=1 -v
//
// HOUQIN_LOADTEST_DURATION (default 4s) and HOUQIN_LOADTEST_ROUNDS
// (default 3) tune it.
func TestHotReadLoad(t *testing.T) {
	if file := os.Getenv(bareFiber); file != "" {
		serveBare(t, file)
		return
	}
	apitest.RequireLoadTests(t)
	d, rounds := 4*time.Second, 3
	if v, err := time.ParseDuration(os.Getenv("HOUQIN_LOADTEST_DURATION")); err == nil {
		d = v
	}
	if n, err := strconv.Atoi(os.Getenv("HOUQIN_LOADTEST_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "houqin")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	app := exec.Command(bin, "serve", "--demo")
	app.Env = append(os.Environ(), "HOUQIN_ADDR="+addr, "HOUQIN_DATA_DIR="+dir, "HOUQIN_DB=", "HOUQIN_PUBLIC_URL=http://"+addr)
	logs, err := os.Create(filepath.Join(dir, "houqin.log"))
	if err != nil {
		t.Fatal(err)
	}
	app.Stdout, app.Stderr = logs, logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = app.Wait(); close(exited) }()
	t.Cleanup(func() { _ = app.Process.Kill(); <-exited })
	base := "http://" + addr
	if err := waitReady(t.Context(), base+"/healthz", exited); err != nil {
		t.Fatal(err)
	}
	token := demoToken(t, base)

	bodies := map[string][]byte{}
	for _, r := range hotReads {
		bodies[r.path] = fetch(t, base+r.path, token)
	}
	bareBase, bare := startBare(t, bodies)
	for _, r := range hotReads {
		if got := fetch(t, bareBase+r.path, token); string(got) != string(bodies[r.path]) {
			t.Fatalf("%s: the bare app answers different bytes", r.path)
		}
	}

	t.Logf("%d rounds of %s each, alternating; medians; cpu = server CPU time per request", rounds, d)
	for _, conns := range []int{64, 256} {
		for _, r := range hotReads {
			var bRPS, aRPS, bP99, aP99, bCPU, aCPU []float64
			for range rounds {
				b := measure(t, bare, bareBase+r.path, token, conns, d)
				a := measure(t, app.Process.Pid, base+r.path, token, conns, d)
				bRPS, aRPS = append(bRPS, b.RPS), append(aRPS, a.RPS)
				bP99, aP99 = append(bP99, float64(b.P99)), append(aP99, float64(a.P99))
				bCPU, aCPU = append(bCPU, b.cpu), append(aCPU, a.cpu)
			}
			t.Logf("-c%-3d %-24s %5d B | bare %6.0f req/s p99 %-8v cpu %5.1fµs | houqin %6.0f req/s p99 %-8v cpu %5.1fµs | ratio %.2f (cpu %.2f)",
				conns, r.name, len(bodies[r.path]), median(bRPS), time.Duration(median(bP99)).Round(10*time.Microsecond), median(bCPU),
				median(aRPS), time.Duration(median(aP99)).Round(10*time.Microsecond), median(aCPU), median(aRPS)/median(bRPS), median(bCPU)/median(aCPU))
		}
	}
}

type measured struct {
	apitest.LoadResult
	cpu float64 // server µs per request
}

// measure loads url and reads the server process's CPU time around it.
func measure(t *testing.T, pid int, url, token string, conns int, d time.Duration) measured {
	before := cpuTime(t, pid)
	r := apitest.Wrk(t, url, token, conns, d)
	used := cpuTime(t, pid) - before
	return measured{r, float64(used.Microseconds()) / float64(max(r.Requests, 1))}
}

// cpuTime is a process's user and system time, from /proc/PID/stat.
func cpuTime(t *testing.T, pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	// The fields after the command name (which may hold spaces) start at
	// the state; utime and stime are the 12th and 13th after it.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ
	return time.Duration(utime+stime) * time.Second / ticks
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// demoToken signs in as the demo's staff member.
func demoToken(t *testing.T, base string) string {
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"staff","password":"houqin-demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AccessToken == "" {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	return out.AccessToken
}

func fetch(t *testing.T, url, token string) []byte {
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

// startBare runs this test binary as the bare Fiber app and returns its
// base URL and process id.
func startBare(t *testing.T, bodies map[string][]byte) (string, int) {
	file := filepath.Join(t.TempDir(), "bodies.json")
	b, _ := json.Marshal(bodies)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHotReadLoad$", "-test.count=1")
	cmd.Env = append(os.Environ(), bareFiber+"="+file)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "bare-listening "); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return "http://" + addr, cmd.Process.Pid
		}
	}
	t.Fatal("the bare app did not start")
	return "", 0
}

// serveBare is the bare app's side: it answers each path with its bytes
// until its standard input closes.
func serveBare(t *testing.T, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var bodies map[string][]byte
	if err := json.Unmarshal(b, &bodies); err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	for path, body := range bodies {
		app.Get(path, func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
			return c.Send(body)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	fmt.Println("bare-listening " + ln.Addr().String())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = app.Shutdown()
}
