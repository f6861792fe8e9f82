package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// shuttleFleet is shuttleBuses buses, each a departed trip with its own
// driver, spread over routes whose last stops have followers (so every fix
// is checked against stop subscriptions), served over real HTTP on
// loopback. The clock runs in real time from apitest.Epoch.
type shuttleFleet struct {
	env    *apitest.Env
	base   string
	client *http.Client
	routes []int64
	buses  []shuttleBus
	// realStart is the wall-clock instant the store's clock read Epoch.
	realStart time.Time
	// at is the recorded time of a bus's nth fix.
	at func(n int64) time.Time
}

type shuttleBus struct {
	route, trip int64
	token       string
	seq         atomic.Int64
}

const shuttleBuses = 200

func newShuttleFleet(tb testing.TB, routes int, opts ...apitest.Option) *shuttleFleet {
	env := apitest.New(tb, opts...)
	ctx := context.Background()
	// A clock that runs in real time from 09:00 local, so tokens and the
	// "not from the future" check behave as in production.
	realStart, epoch := time.Now(), apitest.Epoch
	env.Store.Clock = func() time.Time { return epoch.Add(time.Since(realStart)) }
	// By default fixes are 2 s apart starting an hour before the clock's
	// start, so that fixes sent faster than real time are still not "from
	// the future".
	f := &shuttleFleet{env: env, buses: make([]shuttleBus, shuttleBuses), realStart: realStart,
		at: func(n int64) time.Time { return epoch.Add(-time.Hour + time.Duration(n)*2*time.Second) }}
	adminUser := env.NewUser(store.RoleAdmin)
	admin := adminUser.Actor()
	stops := []shuttle.StopInput{{Name: "湖塘", Lat: 31.70, Lng: shuttleStopLng}, {Name: "法院", Lat: 31.72, Lng: shuttleStopLng},
		{Name: "检察院", Lat: 31.74, Lng: shuttleStopLng}, {Name: "区行政中心", Lat: 31.76, Lng: shuttleStopLng}}
	for i := range routes {
		route, err := env.Server.Shuttle.CreateRoute(ctx, shuttle.RouteInput{Name: fmt.Sprintf("政法班车%d号线", i+1), Active: true, Stops: stops})
		if err != nil {
			tb.Fatal(err)
		}
		f.routes = append(f.routes, route.ID)
		for range 20 {
			u := env.NewUser()
			if _, err := env.Server.Shuttle.FollowStop(ctx, u.ID, route.Stops[3].ID, 1); err != nil {
				tb.Fatal(err)
			}
		}
	}
	byDriver := map[int64]*shuttleBus{}
	for i := range f.buses {
		d := env.NewUser(store.RoleDriver)
		bs := &f.buses[i]
		bs.route, bs.token, byDriver[d.ID] = f.routes[i%routes], d.Token, bs
		_, err := env.Server.Shuttle.CreateSchedule(ctx, bs.route, shuttle.ScheduleInput{DepartureMinute: 8*60 + 30,
			StopMinutes: store.Ints{0, 6, 12, 20}, Weekdays: shuttle.WeekdaysOf(1, 2, 3, 4, 5, 6, 7), DriverID: &d.ID, Active: true})
		if err != nil {
			tb.Fatal(err)
		}
	}
	trips, err := env.Server.Shuttle.ListTrips(ctx, env.Store.Today(), 0)
	if err != nil || len(trips) != shuttleBuses {
		tb.Fatalf("%d trips: %v", len(trips), err)
	}
	for _, t := range trips {
		byDriver[*t.DriverID].trip = t.ID
		if _, err := env.Server.Shuttle.ChangeTripStatus(ctx, admin, t.ID, shuttle.TripStatusInput{Status: shuttle.TripDeparted}); err != nil {
			tb.Fatal(err)
		}
	}
	f.base = apitest.Serve(tb, env.Server.App)
	f.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: shuttleBuses}, Timeout: 30 * time.Second}
	return f
}

// send posts bus i's next fix, 1 m further north than its previous one.
func (f *shuttleFleet) send(tb testing.TB, i int) (time.Duration, bool) {
	bs := &f.buses[i]
	n := bs.seq.Add(1)
	at := f.at(n)
	body, _ := json.Marshal(map[string]any{"positions": []any{map[string]any{
		"lat": 31.70 + float64(n)*1e-5, "lng": shuttleStopLng, "speed": 0.5, "recorded_at": at.Format(time.RFC3339Nano)}}})
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/shuttle/trips/%d/positions", f.base, bs.trip), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+bs.token)
	t0 := time.Now()
	resp, err := f.client.Do(req)
	d := time.Since(t0)
	if err != nil {
		tb.Error(err)
		return d, false
	}
	var res shuttlePositionsResult
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &res) != nil {
		tb.Errorf("status %d: %s", resp.StatusCode, raw)
		return d, false
	}
	return d, res.Accepted == 1
}

// BenchmarkShuttlePositionIngest measures position ingest over HTTP from
// 200 buses. "saturated": every shuttleBus sends its next fix as soon as the last
// is answered (capacity). "paced-2s": every shuttleBus sends a fix every 2 s, the
// target load of 100 fixes/s (run it with -benchtime=3000x for 30 s).
// Reported: accepted fixes/s, p50 and p99 latency, heap in use after the run.
func BenchmarkShuttlePositionIngest(b *testing.B) {
	f := newShuttleFleet(b, 1)
	for _, mode := range []struct {
		name  string
		every time.Duration
	}{{"saturated", 0}, {"paced-2s", 2 * time.Second}} {
		b.Run(mode.name, func(b *testing.B) {
			var (
				mu        sync.Mutex
				latencies []time.Duration
				accepted  atomic.Int64
				next      atomic.Int64
				wg        sync.WaitGroup
			)
			b.ReportAllocs()
			b.ResetTimer()
			began := time.Now()
			for i := range shuttleBuses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if mode.every > 0 { // spread the buses over the interval
						time.Sleep(mode.every * time.Duration(i) / shuttleBuses)
					}
					var mine []time.Duration
					for next.Add(1) <= int64(b.N) {
						t0 := time.Now()
						d, ok := f.send(b, i)
						mine = append(mine, d)
						if ok {
							accepted.Add(1)
						}
						if mode.every > 0 {
							time.Sleep(mode.every - time.Since(t0))
						}
					}
					mu.Lock()
					latencies = append(latencies, mine...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			elapsed := time.Since(began)
			b.StopTimer()
			slices.Sort(latencies)
			pct := func(p float64) float64 {
				return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
			}
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(accepted.Load())/elapsed.Seconds(), "fixes/s")
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
			if accepted.Load() != int64(b.N) {
				b.Errorf("%d of %d fixes accepted", accepted.Load(), b.N)
			}
		})
	}
}
