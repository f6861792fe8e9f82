package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"houqin/api"
	"houqin/api/apitest"
	"houqin/models/store"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInternalErrorNamesItsOperation breaks the repairs table under a
// running server: the client gets a bare 500 problem, and the log line
// names the operation that failed, so an operator knows where to look.
func TestInternalErrorNamesItsOperation(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	var logs lockedBuffer
	srv := api.New(env.Server.Config, env.Store, slog.New(slog.NewTextHandler(&logs, nil)))
	if err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.Exec("ALTER TABLE repairs RENAME TO repairs_gone").Error
	}); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/repairs", nil)
	req.Header.Set("Authorization", "Bearer "+u.Token)
	resp, err := srv.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), "repair list: ") {
		t.Fatalf("the log does not name the operation:\n%s", logs.String())
	}
}
