package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"houqin/api"
	"houqin/api/apitest"
	"houqin/models/people"
	"houqin/models/store"
)

// load files repair requests from several clients until stopped, and keeps
// every status it got and the ids the service acknowledged.
type load struct {
	name     string // of the fault: Idempotency-Keys are unique across faults
	srv      *api.Server
	token    string
	stop     chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	statuses map[int]int
	acked    []int64
	slowest  time.Duration
	noRetry  atomic.Int64 // 503s without Retry-After
	seq      atomic.Int64
}

func (l *load) run(clients int) {
	l.stop = make(chan struct{})
	for range clients {
		l.wg.Go(func() {
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				l.once()
			}
		})
	}
}

func (l *load) once() {
	body, _ := json.Marshal(map[string]string{"category": "water", "location": "2号楼五楼东侧卫生间",
		"description": "洗手台下水管漏水。", "priority": "normal"})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/repairs", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+l.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-%d", l.name, l.seq.Add(1)))
	start := time.Now()
	resp, err := l.srv.App.Test(req, -1)
	took := time.Since(start)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var r struct{ ID int64 }
	_ = json.NewDecoder(resp.Body).Decode(&r)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.statuses[resp.StatusCode]++
	l.slowest = max(l.slowest, took)
	if resp.StatusCode == http.StatusCreated {
		l.acked = append(l.acked, r.ID)
	}
	if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
		l.noRetry.Add(1)
	}
}

func (l *load) halt() {
	close(l.stop)
	l.wg.Wait()
}

// TestFaultDatabaseKilled runs the service on a MariaDB server of its own
// under a steady load of repair filings, freezes the server (SIGSTOP) for
// 20 s and then kills it (SIGKILL) for 10 s. Every answer is a 201 or a 503
// with Retry-After, none takes longer than the request deadline (a COMMIT
// on a frozen server included), the service files again within 2 s of the
// database's return, and every filing it acknowledged is in the database.
func TestFaultDatabaseKilled(t *testing.T) {
	m := apitest.StartMariaDB(t)
	dsn := m.CreateDatabase(t, "houqin")
	st := apitest.Migrated(t, dsn, time.UTC)
	cfg, err := api.LoadConfig(func(k string) string {
		return map[string]string{"HOUQIN_DB": dsn, "HOUQIN_DATA_DIR": t.TempDir(),
			"HOUQIN_JWT_SECRET": "fault-test-secret-fault-test-secret", "HOUQIN_REQUEST_TIMEOUT": "2s"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := api.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	roles, _ := store.ParseRoles([]string{"staff"})
	u, err := people.New(st).CreateUser(context.Background(), people.UserInput{Username: "wang", Name: "王晓燕",
		Password: "fault-password", Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	token, err := srv.Tokens.Issue(u.ID)
	if err != nil {
		t.Fatal(err)
	}
	const answerWithin = 4 * time.Second // the 2 s deadline, and slack for a loaded machine
	const clients = 4
	filed := func() (n int64) {
		if err := st.Read(context.Background()).Table("repairs").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}

	for _, fault := range []struct {
		name   string
		outage time.Duration
		fail   func()
		back   func()
	}{
		{"frozen", 20 * time.Second, m.Freeze, m.Thaw},
		{"killed", 10 * time.Second, m.Kill, func() { m.Start(t) }},
	} {
		l := &load{name: fault.name, srv: srv, token: token, statuses: map[int]int{}}
		before := filed()
		l.run(clients)
		time.Sleep(time.Second)
		fault.fail()
		time.Sleep(fault.outage)
		fault.back()
		back := time.Now()
		for {
			l.mu.Lock()
			acked := len(l.acked)
			l.mu.Unlock()
			time.Sleep(50 * time.Millisecond)
			l.mu.Lock()
			n := len(l.acked)
			l.mu.Unlock()
			if n > acked {
				break
			}
			if time.Since(back) > 2*time.Second {
				t.Fatalf("database %s: no filing acknowledged within 2 s of its return", fault.name)
			}
		}
		recovered := time.Since(back)
		l.halt()
		// A COMMIT the server had received lands when it comes back, though
		// its client was answered 503: at most one per client (the request
		// each had in flight), where an unbounded request queued hundreds.
		late := filed() - before - int64(len(l.acked))
		t.Logf("database %s for %v: answers %v, slowest %v, filing again %v after it came back, %d filings committed after a 503",
			fault.name, fault.outage, l.statuses, l.slowest.Round(time.Millisecond), recovered.Round(time.Millisecond), late)
		if late > clients {
			t.Errorf("database %s: %d filings committed after their clients were answered 503", fault.name, late)
		}
		for status := range l.statuses {
			if status != http.StatusCreated && status != http.StatusServiceUnavailable {
				t.Errorf("database %s: answered %d (want only 201 and 503)", fault.name, status)
			}
		}
		if l.statuses[http.StatusServiceUnavailable] == 0 || l.noRetry.Load() > 0 {
			t.Errorf("database %s: %d 503s, %d without Retry-After", fault.name, l.statuses[http.StatusServiceUnavailable], l.noRetry.Load())
		}
		if l.slowest > answerWithin {
			t.Errorf("database %s: a request took %v", fault.name, l.slowest)
		}
		var present int64
		if err := st.Read(context.Background()).Table("repairs").Where("id IN ?", l.acked).Count(&present).Error; err != nil {
			t.Fatal(err)
		}
		if present != int64(len(l.acked)) {
			t.Errorf("database %s: %d of %d acknowledged filings are in the database", fault.name, present, len(l.acked))
		}
	}
}
