//go:build unix

package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"houqin/api"
	"houqin/api/apitest"
	"houqin/models/shuttle"
	"houqin/models/store"
	"houqin/push"
	"houqin/push/sse"
)

const (
	liveRoutes = 20
	// liveClientsEnv names the config file of the SSE client process.
	liveClientsEnv = "HOUQIN_SHUTTLE_SSE_CLIENTS"
	// liveTarget is the p99 we aim for from a bus sending a fix to a
	// rider's stream receiving it.
	liveTarget = 200 * time.Millisecond
)

// TestShuttleLiveLoad measures live position delivery: 200 buses on 20
// routes each send a fix every 2 s over HTTP while 10,000 SSE clients (500
// per route; HOUQIN_LOADTEST_CLIENTS changes it) follow them, for 30 s. It reports fixes/s accepted, ingest
// latency, the delay from a bus sending a fix to a client receiving it, the
// events delivered against those expected, and the server's memory and
// CPU. The clients run in a child process (this test binary again), so
// that the figures of this process are the server's (plus the 200 bus
// goroutines). Run it on a quiet loopback:
//
//	HOUQIN_LOADTEST=1 go test ./handlers/ -run ShuttleLiveLoad -count=1 -v
//
// On MySQL/MariaDB (HOUQIN_TEST_MYSQL_DSN) with Redis at 127.0.0.1:6379 it
// runs twice: one replica, then two replicas joined through Redis with the
// buses on the first and the clients split evenly between both, and prints
// the two delivery figures side by side.
//
// HOUQIN_LOADTEST_DURATION changes the 30 s. It needs a file descriptor per
// client and a few hundred more in each process (ulimit -n).
func TestShuttleLiveLoad(t *testing.T) {
	if path := os.Getenv(liveClientsEnv); path != "" {
		runLiveClients(t, path)
		return
	}
	if os.Getenv("HOUQIN_LOADTEST") != "1" {
		t.Skip("set HOUQIN_LOADTEST=1 to run load tests")
	}
	duration := 30 * time.Second
	if d, err := time.ParseDuration(os.Getenv("HOUQIN_LOADTEST_DURATION")); err == nil {
		duration = d
	}
	if n, err := strconv.Atoi(os.Getenv("HOUQIN_LOADTEST_CLIENTS")); err == nil && n >= liveRoutes {
		liveClients = n - n%liveRoutes
	}
	figures := map[string]liveFigures{}
	t.Run("one replica", func(t *testing.T) { figures["one replica"] = shuttleLiveLoad(t, duration, 1) })
	if os.Getenv("HOUQIN_TEST_MYSQL_DSN") == "" {
		t.Log("two replicas: skipped, they need HOUQIN_TEST_MYSQL_DSN (one shared database)")
		return
	}
	t.Run("two replicas", func(t *testing.T) {
		apitest.RequireRedis(t, apitest.LocalRedis)
		figures["two replicas"] = shuttleLiveLoad(t, duration, 2)
	})
	for _, name := range []string{"one replica", "two replicas"} {
		if f, ok := figures[name]; ok {
			t.Logf("%-12s delivery p50 %v p99 %v max %v; %d of %d events delivered, %d lost", name+":", f.P50, f.P99, f.Max, f.Events, f.Expected, f.Expected-f.Events)
		}
	}
}

// liveClients is how many riders follow the buses, liveClients/liveRoutes
// a route (HOUQIN_LOADTEST_CLIENTS changes it): the 10,000 a busy morning
// might bring if every phone kept its stream open.
var liveClients = 10_000

// liveFigures are one live-load run's delivery figures.
type liveFigures struct {
	P50, P99, Max    time.Duration
	Events, Expected int64
}

// shuttleLiveLoad runs the live load on n replicas (1 or 2: the second
// joined through Redis, with half the streams).
func shuttleLiveLoad(t *testing.T, duration time.Duration, n int) liveFigures {
	setup := time.Now()
	// Production's heartbeat: the tests' 50 ms one would send 10,000 streams
	// 200,000 heartbeats a second and measure those instead.
	opts := []apitest.Option{func(c *api.Config) { c.EventHeartbeat = sse.DefaultHeartbeat }}
	if n > 1 {
		opts = append(opts, apitest.WithRedis(apitest.LocalRedis, apitest.RedisPrefix()))
	}
	f := newShuttleFleet(t, liveRoutes, opts...)
	brokers := []*push.Local{f.env.Server.Broker}
	cfg := liveClientsConfig{Bases: []string{f.base}, RealStart: f.realStart}
	if n > 1 {
		b := f.env.Replica(opts...)
		b.Store.Clock = f.env.Store.Clock
		brokers = append(brokers, b.Server.Broker)
		cfg.Bases = append(cfg.Bases, apitest.Serve(t, b.Server.App))
	}
	// Each fix is stamped with the time it is sent, so the clients can
	// tell how long it took to reach them.
	f.at = func(int64) time.Time { return f.env.Store.Now() }
	published := &publishStamps{at: map[fixKey]int64{}}
	store.On(f.env.Store, published.stamp)
	for i := range liveClients {
		cfg.Tokens = append(cfg.Tokens, f.env.NewUser().Token)
		cfg.Routes = append(cfg.Routes, f.routes[i%liveRoutes])
	}
	t.Logf("setup (%d routes, %d buses, %d riders, %d replicas): %v", liveRoutes, shuttleBuses, liveClients, n, time.Since(setup).Round(time.Millisecond))

	before := sampleMemory()
	clients := startLiveClients(t, cfg)
	for _, r := range f.routes {
		subscribers := 0
		for _, b := range brokers {
			subscribers += b.Subscribers(apitest.Path("route:%d", r))
		}
		if subscribers != liveClients/liveRoutes {
			t.Fatalf("route %d has %d subscribers", r, subscribers)
		}
	}
	idle := sampleMemory()

	load0, cpu0 := loadAverage(), cpuTime()
	var peak memorySample
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
				peak = peak.max(sampleMemoryNoGC())
			}
		}
	}()
	latencies, accepted := paceBuses(t, f, duration)
	cpu := cpuTime() - cpu0
	load1 := loadAverage()
	close(stopSampling)
	<-sampled
	time.Sleep(time.Second) // let the last events reach the clients
	res := clients.stop(t)
	after := sampleMemory()

	fanout := published.delays(res.Receipts)
	slices.Sort(latencies)
	expected := accepted * int64(liveClients/liveRoutes)
	t.Logf("load average before %s, after %s (2 cores, shared)", load0, load1)
	t.Logf("ingest:   %d fixes accepted of %d sent in %v: %.1f fixes/s; latency p50 %v p99 %v max %v",
		accepted, len(latencies), duration, float64(accepted)/duration.Seconds(),
		pct(latencies, 0.50), pct(latencies, 0.99), pct(latencies, 1))
	t.Logf("delivery: %d of %d events to %d streams (%d ended early, %d failed to open); send→receive p50 %v p99 %v p99.9 %v max %v; %.2f%% over %v",
		res.Events, expected, res.Streams, res.Ended, res.Failed, res.P50, res.P99, res.P999, res.Max, 100*res.OverTarget, liveTarget)
	t.Logf("fan-out:  publish (after commit)→receive p50 %v p99 %v p99.9 %v max %v (%d events matched)",
		pct(fanout, 0.50), pct(fanout, 0.99), pct(fanout, 0.999), pct(fanout, 1), len(fanout))
	t.Logf("server:   heap in use %.1f MiB before streams, %.1f MiB with %d idle streams (%.1f KiB each), %.1f MiB after the run; peak heap %.1f MiB",
		before.heapMiB(), idle.heapMiB(), liveClients, float64(idle.heap-before.heap)/1024/float64(liveClients), after.heapMiB(), peak.heapMiB())
	t.Logf("server:   RSS %.1f MiB before streams, %.1f MiB idle streams, peak %.1f MiB; goroutines %d idle; CPU %.2f s over %v (%.0f%% of a core)",
		before.rssMiB(), idle.rssMiB(), peak.rssMiB(), idle.goroutines, cpu.Seconds(), duration, 100*cpu.Seconds()/duration.Seconds())
	t.Logf("clients:  CPU %.2f s in the client process (whole life)", res.CPU.Seconds())
	if res.Failed > 0 || res.Ended > 0 || res.Events != expected {
		t.Errorf("delivery incomplete: %d of %d events, %d streams ended, %d failed", res.Events, expected, res.Ended, res.Failed)
	}
	if res.P99 > liveTarget {
		t.Logf("p99 delivery %v is over the %v target", res.P99, liveTarget)
	}
	return liveFigures{P50: res.P50, P99: res.P99, Max: res.Max, Events: res.Events, Expected: expected}
}

// paceBuses has every bus send a fix every 2 s for d, spread evenly over
// the interval, and returns the ingest latencies and the fixes accepted.
func paceBuses(t *testing.T, f *shuttleFleet, d time.Duration) ([]time.Duration, int64) {
	const every = 2 * time.Second
	var (
		mu        sync.Mutex
		latencies []time.Duration
		accepted  atomic.Int64
		wg        sync.WaitGroup
	)
	end := time.Now().Add(d)
	for i := range f.buses {
		wg.Go(func() {
			time.Sleep(every * time.Duration(i) / time.Duration(len(f.buses)))
			var mine []time.Duration
			for time.Now().Before(end) {
				t0 := time.Now()
				lat, ok := f.send(t, i)
				mine = append(mine, lat)
				if ok {
					accepted.Add(1)
				}
				time.Sleep(every - time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return latencies, accepted.Load()
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(p*float64(len(sorted)-1))].Round(10 * time.Microsecond)
}

// memorySample is this process's memory at one moment.
type memorySample struct {
	heap, rss  uint64
	goroutines int
}

func sampleMemory() memorySample {
	runtime.GC()
	return sampleMemoryNoGC()
}

func sampleMemoryNoGC() memorySample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memorySample{heap: ms.HeapInuse, rss: rss(), goroutines: runtime.NumGoroutine()}
}

func (m memorySample) max(o memorySample) memorySample {
	return memorySample{heap: max(m.heap, o.heap), rss: max(m.rss, o.rss), goroutines: max(m.goroutines, o.goroutines)}
}

func (m memorySample) heapMiB() float64 { return float64(m.heap) / (1 << 20) }
func (m memorySample) rssMiB() float64  { return float64(m.rss) / (1 << 20) }

// rss reads the resident set size from /proc (0 where there is none).
func rss() uint64 {
	b, _ := os.ReadFile("/proc/self/status")
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			fmt.Sscan(v, &kb)
			return kb * 1024
		}
	}
	return 0
}

func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	fields := strings.Fields(string(b))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

// fixKey names a published position: its trip and recorded time (ms).
type fixKey struct{ Trip, At int64 }

// receipt is one trip.position event as a client received it.
type receipt struct {
	fixKey
	Received int64 // Unix ns
}

// publishStamps notes when each position is committed and handed to the
// broker, so that the delay of the broker and the streams can be told from
// the ingest's.
type publishStamps struct {
	mu sync.Mutex
	at map[fixKey]int64
}

func (p *publishStamps) stamp(pos shuttle.TripPositionEvent) {
	now := time.Now().UnixNano()
	p.mu.Lock()
	p.at[fixKey{pos.TripID, pos.RecordedAt.UnixMilli()}] = now
	p.mu.Unlock()
}

// delays returns the sorted publish→receive delays of the receipts.
func (p *publishStamps) delays(rs []receipt) []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]time.Duration, 0, len(rs))
	for _, r := range rs {
		if at, ok := p.at[r.fixKey]; ok {
			out = append(out, time.Duration(r.Received-at))
		}
	}
	slices.Sort(out)
	return out
}

// liveClientsConfig tells the client process whom to connect as and where.
type liveClientsConfig struct {
	Bases     []string // stream i opens on Bases[i/liveRoutes%len(Bases)]: each route's streams split evenly
	Tokens    []string // one stream per token
	Routes    []int64  // the route each stream follows
	RealStart time.Time
}

// liveClientsResult is what the client process measured.
type liveClientsResult struct {
	Streams, Ended, Failed int
	Events                 int64
	P50, P99, P999, Max    time.Duration
	OverTarget             float64 // share of events later than liveTarget
	CPU                    time.Duration
	// Receipts are read from a file of their own, in binary.
	Receipts []receipt `json:"-"`
}

type liveClientsProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
	path  string
}

// startLiveClients starts the client process and waits until every stream
// is subscribed.
func startLiveClients(t *testing.T, cfg liveClientsConfig) *liveClientsProc {
	path := filepath.Join(t.TempDir(), "clients.json")
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestShuttleLiveLoad$", "-test.count=1")
	cmd.Env = append(os.Environ(), liveClientsEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &liveClientsProc{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout), path: path}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	for p.out.Scan() {
		if p.out.Text() == "sse-ready" {
			return p
		}
		t.Log("clients: " + p.out.Text())
	}
	_ = cmd.Wait()
	t.Fatal("the client process ended before its streams were ready")
	return nil
}

// stop tells the client process to finish and returns what it measured.
func (p *liveClientsProc) stop(t *testing.T) liveClientsResult {
	p.stdin.Close()
	for p.out.Scan() {
		if line := p.out.Text(); line != "PASS" {
			t.Log("clients: " + line)
		}
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("client process: %v", err)
	}
	var res liveClientsResult
	b, err := os.ReadFile(p.path + ".out")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	res.CPU = p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime()
	rb, err := os.ReadFile(p.path + ".receipts")
	if err != nil {
		t.Fatal(err)
	}
	res.Receipts = make([]receipt, len(rb)/binary.Size(receipt{}))
	if err := binary.Read(bytes.NewReader(rb), binary.LittleEndian, res.Receipts); err != nil {
		t.Fatal(err)
	}
	return res
}

// runLiveClients is the client process: it opens every stream, says
// "sse-ready", records when each trip.position event arrives until its
// stdin closes, then writes a liveClientsResult next to its config.
func runLiveClients(t *testing.T, path string) {
	var cfg liveClientsConfig
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	var (
		ready, done    sync.WaitGroup
		failed, ended  atomic.Int64
		delays         = make([][]time.Duration, len(cfg.Tokens))
		receipts       = make([][]receipt, len(cfg.Tokens))
		openers        = make(chan struct{}, 32) // open gently, not 2,000 at once
		positionPrefix = []byte("data: {\"topic\":")
	)
	ready.Add(len(cfg.Tokens))
	for i, token := range cfg.Tokens {
		done.Go(func() {
			openers <- struct{}{}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/v1/events?topics=route:%d", cfg.Bases[(i/liveRoutes)%len(cfg.Bases)], cfg.Routes[i]), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			<-openers
			if err != nil || resp.StatusCode != http.StatusOK {
				failed.Add(1)
				ready.Done()
				return
			}
			defer resp.Body.Close()
			r := bufio.NewReader(resp.Body)
			subscribed := false
			for {
				line, err := r.ReadSlice('\n')
				now := time.Now()
				if err != nil {
					if ctx.Err() == nil {
						ended.Add(1)
					}
					if !subscribed {
						ready.Done()
					}
					return
				}
				switch {
				case !subscribed && bytes.HasPrefix(line, []byte("retry:")):
					subscribed = true
					ready.Done()
				case bytes.HasPrefix(line, positionPrefix):
					if trip, at, ok := positionOf(line); ok {
						delays[i] = append(delays[i], now.Sub(cfg.RealStart)-at.Sub(apitest.Epoch))
						receipts[i] = append(receipts[i], receipt{fixKey{trip, at.UnixMilli()}, now.UnixNano()})
					}
				}
			}
		})
	}
	ready.Wait()
	fmt.Println("sse-ready")
	<-ctx.Done()
	done.Wait()
	var all []time.Duration
	for _, d := range delays {
		all = append(all, d...)
	}
	slices.Sort(all)
	res := liveClientsResult{Streams: len(cfg.Tokens), Ended: int(ended.Load()), Failed: int(failed.Load()), Events: int64(len(all)),
		P50: pct(all, 0.50), P99: pct(all, 0.99), P999: pct(all, 0.999)}
	if len(all) > 0 {
		res.Max = all[len(all)-1]
		over, _ := slices.BinarySearch(all, liveTarget)
		res.OverTarget = float64(len(all)-over) / float64(len(all))
	}
	out, _ := json.Marshal(res)
	if err := os.WriteFile(path+".out", out, 0o600); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, rs := range receipts {
		_ = binary.Write(&buf, binary.LittleEndian, rs)
	}
	if err := os.WriteFile(path+".receipts", buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// positionOf reads the trip and the time of a position event's data line.
// It picks the two fields out of the bytes rather than decoding the JSON:
// 10,000 clients read tens of thousands of events a second, and decoding
// each made the client process, not the server, the measure.
func positionOf(line []byte) (trip int64, at time.Time, ok bool) {
	if !bytes.Contains(line, []byte(`"type":"trip.position"`)) {
		return 0, at, false
	}
	field := func(name string) []byte {
		_, rest, found := bytes.Cut(line, []byte(`"`+name+`":`))
		if !found {
			return nil
		}
		end := bytes.IndexAny(rest, ",}")
		if end < 0 {
			return nil
		}
		return bytes.Trim(rest[:end], `"`)
	}
	trip, err := strconv.ParseInt(string(field("trip_id")), 10, 64)
	if err != nil {
		return 0, at, false
	}
	at, err = time.Parse(time.RFC3339, string(field("recorded_at")))
	return trip, at, err == nil
}
