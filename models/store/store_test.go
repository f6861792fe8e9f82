package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
)

// TestConcurrentWriters runs 50 goroutines that each read and then write in
// one transaction (the pattern that fails at once with SQLITE_BUSY under
// deferred transactions), while others read. None may fail.
func TestConcurrentWriters(t *testing.T) {
	env := apitest.New(t)
	ctx := context.Background()
	u := env.NewUser()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := 0; i < 50; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- env.Store.Tx(ctx, func(tx *store.Tx) error {
				var n int64
				if err := tx.Model(&notify.Notification{}).Where("user_id = ?", u.ID).Count(&n).Error; err != nil {
					return err
				}
				return notify.Notify(tx, notify.Notice{Category: notify.CategorySystem, Type: "test",
					Title: fmt.Sprintf("第%d条", n+1)}, u.ID)
			})
		}()
		go func() {
			defer wg.Done()
			var rows []notify.Notification
			errs <- env.Store.Read(ctx).Where("user_id = ?", u.ID).Find(&rows).Error
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := len(env.Inbox(u.ID)); got != 50 {
		t.Fatalf("%d notifications, want 50", got)
	}
}

func TestRollbackPublishesNothing(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	var got []any
	env.Store.Subscribe(func(ev any) { got = append(got, ev) })
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		if err := notify.Notify(tx, notify.Notice{Category: notify.CategorySystem, Type: "test", Title: "x"}, u.ID); err != nil {
			return err
		}
		return store.Errorf(store.CodeConflict, "changed my mind")
	})
	if store.ErrorCode(err) != store.CodeConflict {
		t.Fatalf("err = %v", err)
	}
	if len(got) != 0 || len(env.Inbox(u.ID)) != 0 {
		t.Fatalf("rolled-back notice leaked: events %v", got)
	}
}

// TestTxPastItsDeadline: a transaction whose deadline passes before it
// commits is refused as unavailable (503), not as an internal error, and
// neither its writes nor its events survive.
func TestTxPastItsDeadline(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	var got []any
	env.Store.Subscribe(func(ev any) { got = append(got, ev) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := env.Store.Tx(ctx, func(tx *store.Tx) error {
		if err := notify.Notify(tx, notify.Notice{Category: notify.CategorySystem, Type: "test", Title: "x"}, u.ID); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	})
	if !store.Unavailable(err) {
		t.Fatalf("err = %v, want one that means unavailable", err)
	}
	if len(got) != 0 || len(env.Inbox(u.ID)) != 0 {
		t.Fatalf("a transaction past its deadline committed: events %v", got)
	}
}

func TestDates(t *testing.T) {
	d, err := store.ParseDate("2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if d.AddDays(1).String() != "2026-03-01" || d.Weekday().String() != "Saturday" || d.DaysUntil(d.AddDays(-3)) != -3 {
		t.Fatalf("date arithmetic: %v %v", d.AddDays(1), d.Weekday())
	}
	for _, bad := range []string{"2026-2-28", "2026-02-30", "", "tomorrow"} {
		if _, err := store.ParseDate(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestDatabaseWarningsAreJSON: a failed statement is logged through the
// service's JSON logger, and one its caller cancelled (as at shutdown) is
// not logged as a failure at all.
func TestDatabaseWarningsAreJSON(t *testing.T) {
	env := apitest.New(t)
	var buf bytes.Buffer
	env.Store.UseLogger(slog.New(slog.NewJSONHandler(&buf, nil)))
	if err := env.Store.Read(context.Background()).Exec("SELECT * FROM no_such_table").Error; err == nil {
		t.Fatal("a missing table gave no error")
	}
	line := strings.TrimSpace(buf.String())
	if !json.Valid([]byte(line)) || !strings.Contains(line, "no_such_table") {
		t.Fatalf("the failure was logged as %q", line)
	}
	buf.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var n int64
	if err := env.Store.Read(ctx).Model(&notify.Notification{}).Count(&n).Error; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if buf.Len() != 0 {
		t.Fatalf("a cancelled statement was logged: %s", buf.String())
	}
}
