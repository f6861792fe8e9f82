package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/store"
)

// These benchmarks run only with -bench, e.g.
//
//	go test ./handlers/ -run '^$' -bench Repair -benchtime 2000x
//	HOUQIN_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' go test ./handlers/ -run '^$' -bench Repair -benchtime 2000x
//
// They call the app directly (app.Test), without the contract checks the
// tests make, so the figures are the service's own.

// quiet silences the slow-query log (batched seeding trips it) for the
// rest of the benchmark.
func quiet(b *testing.B) {
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	b.Cleanup(func() { slog.SetDefault(prev) })
}

// benchDo sends one request and returns its status.
func benchDo(b *testing.B, env *apitest.Env, method, path, token string, body []byte) int {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := env.Server.App.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// benchPeople adds n staff (each with a phone) and the desk, straight into
// the database.
func benchPeople(b *testing.B, env *apitest.Env, n int) (staff []int64, techs []int64, desk apitest.User) {
	desk = env.NewUser(store.RoleDispatcher)
	env.NewUser(store.RoleDispatcher) // a second desk member to notify
	for range 10 {
		techs = append(techs, env.NewUser(store.RoleTechnician).ID)
	}
	users := make([]people.User, n)
	for i := range users {
		users[i] = people.User{Username: fmt.Sprintf("bench%05d", i), Name: "王晓燕", Phone: "86310102",
			Roles: store.Roles{store.RoleStaff}, Active: true, PasswordHash: "-"}
	}
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		if err := tx.CreateInBatches(&users, 500).Error; err != nil {
			return err
		}
		devices := make([]notify.Device, n)
		for i, u := range users {
			devices[i] = notify.Device{UserID: u.ID, Token: fmt.Sprintf("fcm-bench-%d", u.ID), Platform: "android", LastSeenAt: tx.Now}
		}
		return tx.CreateInBatches(&devices, 500).Error
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range users {
		staff = append(staff, u.ID)
	}
	return staff, techs, desk
}

// BenchmarkRepairCreate files requests over HTTP: each writes the request,
// its first event, the desk's inbox entries and their outbox rows.
func BenchmarkRepairCreate(b *testing.B) {
	quiet(b)
	env := apitest.New(b)
	staff, _, _ := benchPeople(b, env, 200)
	tokens := make([]string, len(staff))
	for i, id := range staff {
		tokens[i], _ = env.Server.Tokens.Issue(id)
	}
	body, _ := json.Marshal(acRepair)
	var mu sync.Mutex
	i := 0
	b.SetParallelism(2) // 2 × GOMAXPROCS concurrent clients
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			token := tokens[i%len(tokens)]
			i++
			mu.Unlock()
			if s := benchDo(b, env, "POST", "/api/v1/repairs", token, body); s != 201 {
				b.Fatalf("status %d", s)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	// CPU per request holds steady on a shared machine where wall time does not.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/req")
}

// cpuTime is the CPU time this process (app and database driver; a MySQL
// server's work is not counted) has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// seedRepairs stores n requests with batched inserts, one every five
// minutes up to now: the old ones finished, the recent ones in every state.
func seedRepairs(b *testing.B, env *apitest.Env, n int, staff, techs []int64, deskID int64) {
	rng := rand.New(rand.NewPCG(1, 2))
	now := env.Store.Now()
	rows := make([]repair.Repair, 0, 5000)
	seq := map[store.Date]int{}
	flush := func() {
		err := env.Store.Tx(context.Background(), func(tx *store.Tx) error { return tx.CreateInBatches(&rows, 500).Error })
		if err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	for i := range n {
		// Older rows first, as they would have been filed.
		created := now.Add(-time.Duration(n-i) * 5 * time.Minute).Truncate(time.Second)
		day := store.DateOf(created, env.Store.Location)
		seq[day]++
		r := repair.Repair{Ticket: fmt.Sprintf("BX-%04d%02d%02d-%04d", day.Year, day.Month, day.Day, seq[day]),
			RequesterID: staff[rng.IntN(len(staff))], Category: repair.Categories[rng.IntN(len(repair.Categories))],
			Priority: repair.Priorities[rng.IntN(3)], Location: "1号楼三楼第一会议室", Description: "空调不制冷，出风口有异响。",
			ContactPhone: "86310102", CreatedAt: created, UpdatedAt: created,
			RespondBy: created.Add(2 * time.Hour), DueAt: created.Add(24 * time.Hour)}
		r.EnteredByID = r.RequesterID
		tech := techs[rng.IntN(len(techs))]
		assigned, resolved := created.Add(20*time.Minute), created.Add(3*time.Hour)
		// Requests older than the last 3,000 (about ten days) are finished.
		p := 10 + rng.IntN(90)
		if i >= n-3000 {
			p = rng.IntN(100)
		}
		switch {
		case p < 3 || i >= n-50: // the newest are still waiting
			r.Status, r.DeadlineAt = repair.RepairSubmitted, &r.RespondBy
		case p < 6:
			r.Status, r.TechnicianID, r.FirstAssignedAt, r.DeadlineAt = repair.RepairAssigned, &tech, &assigned, &r.DueAt
		case p < 8:
			r.Status, r.TechnicianID, r.FirstAssignedAt, r.DeadlineAt = repair.RepairInProgress, &tech, &assigned, &r.DueAt
		case p < 10:
			r.Status, r.TechnicianID, r.FirstAssignedAt, r.ResolvedAt = repair.RepairResolved, &tech, &assigned, &resolved
		case p < 12:
			r.Status = repair.RepairCancelled
		default:
			r.Status, r.TechnicianID, r.FirstAssignedAt, r.ResolvedAt = repair.RepairClosed, &tech, &assigned, &resolved
			r.ClosedAt, r.Attitude, r.Quality, r.Cleanliness, r.FeedbackSource = &resolved, 5, 4, 5, "callback"
		}
		rows = append(rows, r)
		if len(rows) == cap(rows) {
			flush()
		}
	}
	if len(rows) > 0 {
		flush()
	}
}

// captureListSQL records the SQL of the last repairs list query, so its
// plan can be shown exactly as the app runs it.
func captureListSQL(env *apitest.Env) func() (string, []any) {
	var mu sync.Mutex
	var sql string
	var vars []any
	db := env.Store.Read(context.Background())
	_ = db.Callback().Query().After("gorm:query").Register("bench:capture", func(tx *gorm.DB) {
		s := tx.Statement.SQL.String()
		if tx.Statement.Table == "repairs" && strings.Contains(s, "ORDER BY") {
			mu.Lock()
			sql, vars = s, slices.Clone(tx.Statement.Vars)
			mu.Unlock()
		}
	})
	return func() (string, []any) {
		mu.Lock()
		defer mu.Unlock()
		return sql, vars
	}
}

// explain returns the query plan of sql on the store's dialect.
func explain(b *testing.B, env *apitest.Env, sql string, vars []any) string {
	prefix := "EXPLAIN QUERY PLAN "
	if env.Store.Dialect == store.MySQL {
		prefix = "EXPLAIN "
	}
	rows, err := env.Store.Read(context.Background()).Raw(prefix+sql, vars...).Rows()
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out strings.Builder
	out.WriteString(strings.Join(cols, " | ") + "\n")
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			cells[i] = fmt.Sprint(v)
		}
		out.WriteString(strings.Join(cells, " | ") + "\n")
	}
	return out.String()
}

// BenchmarkRepairList measures list latency over 100,000 stored requests
// and shows each query's plan. Every list must walk an index, not the table.
func BenchmarkRepairList(b *testing.B) {
	const stored = 100_000
	quiet(b)
	env := apitest.New(b)
	staff, techs, desk := benchPeople(b, env, 500)
	start := time.Now()
	seedRepairs(b, env, stored, staff, techs, desk.ID)
	b.Logf("seeded %d requests in %v (%s)", stored, time.Since(start).Round(time.Millisecond), env.Store.Dialect)
	lastSQL := captureListSQL(env)

	deskToken := desk.Token
	staffToken, _ := env.Server.Tokens.Issue(staff[0])
	techToken, _ := env.Server.Tokens.Issue(techs[0])
	cases := []struct {
		name, path, token, index string
	}{
		{"dispatcher queue", "/api/v1/repairs?status=submitted", deskToken, "idx_repairs_status"},
		{"dispatcher all", "/api/v1/repairs", deskToken, ""},
		{"dispatcher in progress", "/api/v1/repairs?status=in_progress&limit=50", deskToken, "idx_repairs_status"},
		{"dispatcher overdue", "/api/v1/repairs?overdue=true", deskToken, "idx_repairs_deadline"},
		{"dispatcher category", "/api/v1/repairs?category=lift", deskToken, "idx_repairs_category"},
		{"staff own", "/api/v1/repairs", staffToken, "idx_repairs_requester"},
		{"technician own", "/api/v1/repairs?status=assigned", techToken, ""},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, 1024)
			for b.Loop() {
				t0 := time.Now()
				if s := benchDo(b, env, "GET", c.path, c.token, nil); s != 200 {
					b.Fatalf("status %d", s)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(0, "ns/op") // latency percentiles say more than the mean
			sql, vars := lastSQL()
			plan := explain(b, env, sql, vars)
			b.Logf("%s\n%s\n%s", c.path, sql, plan)
			if c.index != "" && !strings.Contains(plan, c.index) {
				b.Errorf("%s does not use %s:\n%s", c.path, c.index, plan)
			}
		})
	}
}
