package push_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// BenchmarkFanOut10k sends one notice to 10,000 devices (10,000 users with
// one phone each) through the outbox worker to a fake FCM that takes 20 ms
// per request, and reports messages/s, time to drain, peak heap and RSS, and
// how long the domain's Notify call itself took (not part of the drain).
//
//	go test ./push/ -run '^$' -bench FanOut10k -benchtime 3x
func BenchmarkFanOut10k(b *testing.B) {
	env, fake := setup(b)
	fake.Latency = 20 * time.Millisecond
	ids := seedDevices(b, env, fanOutDevices)
	fanOut10k(b, env, ids, fake.Requests)
	if got, want := len(fake.Received()), fanOutDevices*b.N; got != want {
		b.Fatalf("the fake received %d messages, want %d", got, want)
	}
}

// BenchmarkFanOut10kMixed is BenchmarkFanOut10k with the phones split
// evenly across every provider (FCM, APNs, Huawei, Honor, Xiaomi, OPPO,
// vivo, HarmonyOS), every fake taking 20 ms per request: the batching
// vendors take a claim's worth of phones of one notice per request (vivo
// two: the payload saved, then the push to the list).
// Run both side by side:
//
//	go test ./push/ -run '^$' -bench FanOut10k -benchtime 3x
func BenchmarkFanOut10kMixed(b *testing.B) {
	env, f := setupVendors(b)
	f.setLatency(20 * time.Millisecond)
	providers := notify.Providers
	ids := seedDevices(b, env, fanOutDevices, providers...)
	requests := func() int64 {
		var n int64
		for _, p := range providers {
			n += f.requests(string(p))
		}
		return n
	}
	fanOut10k(b, env, ids, requests)
	for _, p := range providers {
		b.ReportMetric(float64(f.requests(string(p)))/float64(b.N), string(p)+"-requests/drain")
		for i := 0; i < fanOutDevices; i += len(providers) * 97 {
			tok := fmt.Sprintf("bench-token-%05d", i+slices.Index(providers, p))
			if got := f.delivered(string(p), tok); got != b.N {
				b.Fatalf("%s: %s delivered %d times, want %d", p, tok, got, b.N)
			}
		}
	}
}

const fanOutDevices = 10_000

// fanOut10k times draining one notice to every user in ids and reports
// messages/s, time to drain, HTTP requests per drain, peak heap and RSS,
// and how long the domain's Notify call itself took (not part of the drain).
func fanOut10k(b *testing.B, env *apitest.Env, ids []int64, requests func() int64) {
	w := env.Server.Push
	ctx := context.Background()
	var drain, notified time.Duration
	var peak atomic.Uint64
	stop := sampleHeap(&peak)
	defer stop()
	before := requests()
	for b.Loop() {
		b.StopTimer()
		start := time.Now()
		enqueue(b, env, repairAssigned, ids...)
		notified += time.Since(start)
		runtime.GC()
		b.StartTimer()
		start = time.Now()
		total := 0
		for {
			n, err := w.RunOnce(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
			total += n
		}
		drain += time.Since(start)
		if total != len(ids) {
			b.Fatalf("drained %d rows, want %d", total, len(ids))
		}
	}
	msgs := float64(len(ids) * b.N)
	b.ReportMetric(msgs/drain.Seconds(), "msgs/s")
	b.ReportMetric(drain.Seconds()/float64(b.N), "s/drain")
	b.ReportMetric(float64(requests()-before)/float64(b.N), "requests/drain")
	b.ReportMetric(notified.Seconds()/float64(b.N), "s/notify")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakRSS())/(1<<10), "peak-rss-MiB")
}

// seedDevices bulk-inserts n users with one device each, of the providers
// in turn (FCM when none is named).
func seedDevices(b testing.TB, env *apitest.Env, n int, providers ...notify.Provider) []int64 {
	if len(providers) == 0 {
		providers = []notify.Provider{notify.ProviderFCM}
	}
	b.Helper()
	roles, _ := store.ParseRoles([]string{"staff"})
	users := make([]people.User, n)
	for i := range users {
		users[i] = people.User{Username: fmt.Sprintf("bench%05d", i), Name: "压测用户", Roles: roles, Active: true, PasswordHash: "x"}
	}
	ids := make([]int64, n)
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		if err := tx.CreateInBatches(&users, 500).Error; err != nil {
			return err
		}
		devs := make([]notify.Device, n)
		for i, u := range users {
			ids[i] = u.ID
			devs[i] = notify.Device{UserID: u.ID, Token: fmt.Sprintf("bench-token-%05d", i), Platform: "android",
				Provider: providers[i%len(providers)], LastSeenAt: tx.Now}
		}
		return tx.CreateInBatches(&devs, 500).Error
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

// sampleHeap records the largest heap in use until stopped. It reads
// runtime/metrics, which does not stop the world as ReadMemStats does: the
// sampling must not slow the drain it measures.
func sampleHeap(peak *atomic.Uint64) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
		for {
			select {
			case <-done:
				return
			case <-t.C:
				metrics.Read(s)
				if inUse := s[0].Value.Uint64() + s[1].Value.Uint64(); inUse > peak.Load() {
					peak.Store(inUse)
				}
			}
		}
	}()
	return func() { close(done) }
}

// peakRSS is the process's peak resident set in KiB (Linux), fake FCM included.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb
		}
	}
	return 0
}
