package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/meeting"
	"houqin/models/store"
)

// rawMeetingRequest sends a request straight to the app, without the contract checks of
// env.Do, so that benchmarks time the service and not the validator.
func rawMeetingRequest(b *testing.B, env *apitest.Env, method, path, token string, body any) int {
	var rd *strings.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = strings.NewReader(string(js))
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := env.Server.App.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// reportMeetingLatency adds p50 and p99 in milliseconds to the benchmark output.
func reportMeetingLatency(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	ms := func(q float64) float64 { return float64(d[int(q*float64(len(d)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// seedMeetingRooms creates n rooms and, with batched inserts, perRoom bookings in
// each: four a day from tomorrow on, a tenth of them cancelled.
func seedMeetingRooms(b *testing.B, env *apitest.Env, organizer int64, n, perRoom int) {
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		rooms := make([]meeting.Room, n)
		for i := range rooms {
			rooms[i] = meeting.Room{Name: fmt.Sprintf("%d号楼%d楼第%d会议室", i%5+1, i%12+1, i), Building: fmt.Sprintf("%d号楼", i%5+1),
				Floor: i%12 + 1, Capacity: 10 + i%10*10, Equipment: meeting.NameList{"projector"}, OpenFrom: "08:00", OpenTo: "21:00",
				HorizonDays: 366, Active: true}
		}
		if err := tx.CreateInBatches(&rooms, 100).Error; err != nil {
			return err
		}
		hours := []int{9, 11, 14, 16}
		rows := make([]meeting.Booking, 0, n*perRoom)
		for _, r := range rooms {
			for k := range perRoom {
				start := meetingAt(1+k/len(hours), hours[k%len(hours)], 0).UTC()
				status := meeting.BookingApproved
				if k%10 == 0 {
					status = meeting.BookingCancelled
				}
				rows = append(rows, meeting.Booking{RoomID: r.ID, OrganizerID: organizer, Title: "例会", StartAt: start,
					EndAt: start.Add(90 * time.Minute), Attendees: 5, Services: meeting.NameList{"tea"}, Status: status})
			}
		}
		return tx.CreateInBatches(&rows, 1000).Error
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRoomSearch times GET /rooms?capacity=&from=&to= over 50 rooms
// holding 20,000 bookings.
func BenchmarkRoomSearch(b *testing.B) {
	env := apitest.New(b)
	u := env.NewUser(store.RoleStaff)
	seedMeetingRooms(b, env, u.ID, 50, 400)
	rng := rand.New(rand.NewPCG(1, 2))
	var lat []time.Duration
	for b.Loop() {
		start := meetingAt(1+rng.IntN(100), 8+rng.IntN(10), 30*rng.IntN(2))
		q := fmt.Sprintf("/api/v1/rooms?limit=100&capacity=%d&from=%s&to=%s", 10*rng.IntN(5),
			url.QueryEscape(meetingTS(start)), url.QueryEscape(meetingTS(start.Add(time.Hour))))
		t0 := time.Now()
		if code := rawMeetingRequest(b, env, http.MethodGet, q, u.Token, nil); code != 200 {
			b.Fatalf("search answered %d", code)
		}
		lat = append(lat, time.Since(t0))
	}
	reportMeetingLatency(b, lat)
}

// BenchmarkBookingContention books distinct 15-minute slots of ONE room
// from parallel clients, so every request queues on the room's lock.
func BenchmarkBookingContention(b *testing.B) {
	env := apitest.New(b)
	desk := env.NewUser(store.RoleMeetingAdmin)
	body := map[string]any{"name": "1号楼三楼第一会议室", "building": "1号楼", "capacity": 60, "open_from": "08:00",
		"open_to": "21:00", "horizon_days": 366}
	if code := rawMeetingRequest(b, env, http.MethodPost, "/api/v1/rooms", desk.Token, body); code != 201 {
		b.Fatalf("create room: %d", code)
	}
	var room meeting.Room
	if err := env.Store.Read(context.Background()).Take(&room).Error; err != nil {
		b.Fatal(err)
	}
	users := make([]apitest.User, 16)
	for i := range users {
		users[i] = env.NewUser(store.RoleStaff)
	}
	const perDay = 13 * 4 // 08:00-21:00 in quarter hours
	var (
		next, conflicts atomic.Int64
		mu              sync.Mutex
		lat             []time.Duration
	)
	b.SetParallelism(4) // 4×GOMAXPROCS concurrent clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			n := int(next.Add(1))
			start := meetingAt(1+n/perDay%360, 8, 0).Add(time.Duration(n%perDay) * 15 * time.Minute)
			req := map[string]any{"room_id": room.ID, "title": "例会", "start_at": meetingTS(start), "end_at": meetingTS(start.Add(15 * time.Minute)), "attendees": 5}
			t0 := time.Now()
			switch code := rawMeetingRequest(b, env, http.MethodPost, "/api/v1/bookings", users[n%len(users)].Token, req); code {
			case 201:
			case 409:
				conflicts.Add(1) // the counter wrapped round a full year
			default:
				b.Errorf("booking answered %d", code)
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	b.ReportMetric(float64(conflicts.Load()), "conflicts")
	reportMeetingLatency(b, lat)
}
