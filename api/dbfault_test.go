package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"houqin/api"
	"houqin/api/apitest"
	"houqin/models/store"
)

// faultLink forwards TCP to the database and can cut the link (every
// connection closed, new ones refused at once) or freeze it (connections
// stay open and nothing passes), as an outage or a stopped server would.
type faultLink struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	state  string // "up", "cut" or "frozen"
	conns  []net.Conn
}

func newFaultLink(t *testing.T, target string) *faultLink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &faultLink{ln: ln, target: target, state: "up"}
	t.Cleanup(func() { ln.Close(); l.set("cut") })
	go l.accept()
	return l
}

func (l *faultLink) accept() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		if l.get() == "cut" {
			c.Close()
			continue
		}
		db, err := net.Dial("tcp", l.target)
		if err != nil {
			c.Close()
			continue
		}
		l.mu.Lock()
		l.conns = append(l.conns, c, db)
		l.mu.Unlock()
		go l.pipe(c, db)
		go l.pipe(db, c)
	}
}

// pipe copies src to dst, holding the bytes while the link is frozen.
func (l *faultLink) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for l.get() == "frozen" {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

func (l *faultLink) get() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

func (l *faultLink) set(state string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state = state
	if state == "cut" {
		for _, c := range l.conns {
			c.Close()
		}
		l.conns = nil
	}
}

// TestFaultDatabaseOutage runs the service on MySQL through a link the test
// cuts and freezes: during an outage every request is answered 503
// unavailable with Retry-After, within the request deadline, never 500 and
// never hung; once the database is back, requests succeed within 2 s.
func TestFaultDatabaseOutage(t *testing.T) {
	env := apitest.New(t)
	if env.Store.Dialect != store.MySQL {
		t.Skip("needs HOUQIN_TEST_MYSQL_DSN: SQLite has no link to cut")
	}
	u := env.NewUser()
	dsn, err := store.MySQLConfig(env.DSN)
	if err != nil {
		t.Fatal(err)
	}
	link := newFaultLink(t, dsn.Addr)
	dsn.Addr = link.ln.Addr().String()
	st, err := store.Open(dsn.FormatDSN(), env.Store.Location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Clock = env.Clock.Now
	cfg := env.Server.Config
	cfg.RequestTimeout = 2 * time.Second
	srv := api.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))

	get := func() (int, string, string, time.Duration) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/repairs", nil)
		req.Header.Set("Authorization", "Bearer "+u.Token)
		start := time.Now()
		resp, err := srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p struct{ Code string }
		_ = json.NewDecoder(resp.Body).Decode(&p)
		return resp.StatusCode, p.Code, resp.Header.Get("Retry-After"), time.Since(start)
	}
	if status, _, _, _ := get(); status != http.StatusOK {
		t.Fatalf("before the outage: %d", status)
	}
	for _, state := range []string{"cut", "frozen"} {
		link.set(state)
		for range 5 {
			status, code, retry, took := get()
			if status != http.StatusServiceUnavailable || code != "unavailable" || retry == "" || took > 4*time.Second {
				t.Fatalf("database %s: %d %q Retry-After %q after %v, want 503 unavailable with Retry-After within the deadline",
					state, status, code, retry, took)
			}
		}
		link.set("up")
		back := time.Now()
		for {
			status, _, _, _ := get()
			if status == http.StatusOK {
				break
			}
			if time.Since(back) > 2*time.Second {
				t.Fatalf("database back from %s: still %d after 2 s", state, status)
			}
		}
		t.Logf("database %s: answered 503 throughout; recovered %v after it came back", state, time.Since(back).Round(time.Millisecond))
	}
}
