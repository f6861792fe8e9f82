package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL flavour behind a Store.
type Dialect string

const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// Store is the database and the domain operations on it. Writes go through
// Tx; reads use Read, which on SQLite is a separate pool so that readers never
// queue behind the single writer connection.
type Store struct {
	write   *gorm.DB
	read    *gorm.DB
	Dialect Dialect
	// Location is the site time zone: it defines "today" and local dates.
	Location *time.Location
	// Clock is injected so time rules (cut-offs, reminders, overdue) are testable.
	Clock func() time.Time

	subsMu sync.RWMutex
	subs   []func(any) // see Subscribe
}

// Open connects to dsn ("sqlite:PATH" or a MySQL DSN) and returns a Store.
// Migrations are not applied here: see package migrations.
func Open(dsn string, loc *time.Location) (*Store, error) {
	s := &Store{Location: loc, Clock: func() time.Time { return time.Now().UTC() }}
	cfg := &gorm.Config{
		Logger:                                   slowLogger(),
		TranslateError:                           true,
		DisableForeignKeyConstraintWhenMigrating: true,
		NowFunc:                                  func() time.Time { return s.Now() },
	}
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		if err := s.openSQLite(path, cfg); err != nil {
			return nil, err
		}
		return s, nil
	}
	mcfg, err := MySQLConfig(dsn)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(mysql.New(mysql.Config{DSNConfig: mcfg}), cfg)
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(32)
	sqlDB.SetMaxIdleConns(32)
	sqlDB.SetConnMaxLifetime(5 * time.Minute)
	s.write, s.read, s.Dialect = db, db, MySQL
	return s, nil
}

// MySQLConfig parses a MySQL DSN and forces what the store relies on:
// utf8mb4, parsed times in UTC and multi-statement migrations. Arguments
// are interpolated client-side (escaped for utf8mb4), so that a query with
// arguments is one round trip instead of a prepare, an execute and a close:
// with the database on another host or a busy one, those round trips
// dominate a short transaction such as a bus's position report.
func MySQLConfig(dsn string) (*mysqldriver.Config, error) {
	c, err := mysqldriver.ParseDSN(strings.TrimPrefix(dsn, "mysql://"))
	if err != nil {
		return nil, fmt.Errorf("bad MySQL DSN: %w", err)
	}
	c.ParseTime = true
	c.Loc = time.UTC
	// A database that stops answering must fail requests, not hang them.
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 10 * time.Second // also bounds a new connection's handshake, which ignores the context
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 30 * time.Second
	}
	c.MultiStatements = true
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	c.Params["charset"] = "utf8mb4"
	c.Collation = "utf8mb4_unicode_ci"
	c.InterpolateParams = true
	c.Params["time_zone"] = "'+00:00'"
	return c, nil
}

func (s *Store) openSQLite(path string, cfg *gorm.Config) error {
	if path == "" {
		return errors.New("sqlite DSN needs a file path, e.g. sqlite:./data/houqin.db")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("create database folder: %w", err)
	}
	// busy_timeout first, so that the WAL switch itself waits for locks.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	w, err := gorm.Open(sqlite.Open("file:"+path+"?"+pragmas+"&_txlock=immediate"), cfg)
	if err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	wdb, _ := w.DB()
	// One writer: SQLite serializes writes anyway, and queueing in the pool
	// is cheaper and fairer than SQLITE_BUSY retries.
	wdb.SetMaxOpenConns(1)
	wdb.SetConnMaxLifetime(0)
	if err := wdb.Ping(); err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := gorm.Open(sqlite.Open("file:"+path+"?"+pragmas), cfg)
	if err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	rdb, _ := r.DB()
	rdb.SetMaxOpenConns(8)
	rdb.SetMaxIdleConns(8)
	s.write, s.read, s.Dialect = w, r, SQLite
	return nil
}

func slowLogger() logger.Interface { return sqlLogger(slog.Default()) }

// UseLogger sends the database's warnings (slow and failed statements) to
// log, so they come out as JSON like every other line, rather than as text
// through slog's default logger.
func (s *Store) UseLogger(log *slog.Logger) {
	s.write.Logger = sqlLogger(log)
	s.read.Logger = sqlLogger(log)
}

func sqlLogger(log *slog.Logger) logger.Interface {
	return quietCancel{logger.NewSlogLogger(log, logger.Config{
		SlowThreshold:             200 * time.Millisecond,
		LogLevel:                  logger.Warn,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true, // never log values: they may be personal data
	})}
}

// quietCancel does not report a statement cut short because its caller
// gave up (a shutdown, a client gone) as a failed one.
type quietCancel struct{ logger.Interface }

func (q quietCancel) LogMode(l logger.LogLevel) logger.Interface {
	return quietCancel{q.Interface.LogMode(l)}
}

func (q quietCancel) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	q.Interface.Trace(ctx, begin, fc, err)
}

// SQL returns the writer's database handle (migrations, health checks).
func (s *Store) SQL() *sql.DB { db, _ := s.write.DB(); return db }

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	for _, g := range []*gorm.DB{s.write, s.read} {
		if db, err := g.DB(); err == nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.SQL().PingContext(ctx) }

// Now is the store's clock in UTC.
func (s *Store) Now() time.Time { return s.Clock().UTC() }

// Today is the current local date in the site time zone.
func (s *Store) Today() Date { return DateOf(s.Now(), s.Location) }

// Read returns a session for queries outside a transaction.
func (s *Store) Read(ctx context.Context) *gorm.DB { return s.read.WithContext(ctx) }

// Tx is one domain operation's transaction. It carries the operation's fixed
// "now" and collects events to publish once the transaction has committed.
type Tx struct {
	*gorm.DB
	Now    time.Time
	store  *Store
	events []any
}

// Location is the site time zone.
func (tx *Tx) Location() *time.Location { return tx.store.Location }

// Today is the local date of the transaction's "now".
func (tx *Tx) Today() Date { return DateOf(tx.Now, tx.store.Location) }

// Publish queues a domain event for the subscribers, delivered after
// commit; a rolled-back Tx publishes nothing.
func (tx *Tx) Publish(ev any) { tx.events = append(tx.events, ev) }

// Tx runs fn in one transaction (immediate on SQLite) and then publishes the
// events it raised. Returning an error rolls everything back.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.tx(ctx, nil, fn)
}

// claimTx is Tx for queue claims (SELECT … FOR UPDATE SKIP LOCKED, then
// UPDATE): on MySQL it runs at READ COMMITTED, which takes no gap locks, so
// workers claiming side by side lock only the disjoint rows they took and
// cannot deadlock on the due index they all scan.
func (s *Store) ClaimTx(ctx context.Context, fn func(tx *Tx) error) error {
	if s.Dialect != MySQL {
		return s.tx(ctx, nil, fn)
	}
	return s.tx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted}, fn)
}

func (s *Store) tx(ctx context.Context, opts *sql.TxOptions, fn func(tx *Tx) error) error {
	t := &Tx{Now: s.Now(), store: s}
	var err error
	for attempt := 1; ; attempt++ {
		err = s.attempt(ctx, opts, t, fn)
		// InnoDB resolves lock cycles by killing one transaction; running
		// it again, after a short random pause, is the documented remedy.
		if !isDeadlock(err) || attempt == maxTxAttempts {
			break
		}
		time.Sleep(time.Duration(attempt) * time.Duration(1+mathrand.IntN(10)) * time.Millisecond)
	}
	return translate(err)
}

// attempt runs fn in one transaction and, once it has committed, publishes
// its events. database/sql does not bind COMMIT and ROLLBACK to a context:
// on a frozen server they wait out the driver's read timeout. So they run
// aside and the caller stops waiting when ctx ends, answering within its
// deadline; a commit that still lands later publishes its events then.
func (s *Store) attempt(ctx context.Context, opts *sql.TxOptions, t *Tx, fn func(tx *Tx) error) (err error) {
	db := s.write.WithContext(ctx).Begin(opts)
	if db.Error != nil {
		return db.Error
	}
	t.DB, t.events = db, t.events[:0]
	done := false
	defer func() {
		if !done { // fn failed or panicked
			_ = await(ctx, func() error { return db.Rollback().Error })
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	// Past its deadline the caller has gone: nothing may commit. (database/sql
	// checks its own context, but that one is cancelled a moment after ours.)
	if err := ctx.Err(); err != nil {
		return err
	}
	done = true
	events := slices.Clone(t.events)
	return await(ctx, func() error {
		if err := db.Commit().Error; err != nil {
			return err
		}
		s.deliver(events)
		return nil
	})
}

// await runs op in its own goroutine and returns its error, or ctx's when
// ctx ends first (op then finishes on its own).
func await(ctx context.Context, op func() error) error {
	result := make(chan error, 1)
	go func() { result <- op() }()
	var err error
	select {
	case err = <-result:
	case <-ctx.Done():
		select {
		case err = <-result: // finished at the same moment: its answer is the true one
		default:
			return ctx.Err()
		}
	}
	if err != nil && ctx.Err() != nil {
		// database/sql rolls back a transaction whose context ended, and
		// the commit then fails with ErrTxDone: the deadline is the cause.
		err = errors.Join(ctx.Err(), err)
	}
	return err
}

const maxTxAttempts = 5

// Unavailable reports whether err means the database could not be reached
// or did not answer in time (refused or lost connections, timeouts, a lock
// wait that ran out, SQLite's busy database): a condition that passes, so
// callers are told to retry rather than shown an internal error.
func Unavailable(err error) bool {
	var (
		me *mysqldriver.MySQLError
		ne net.Error
	)
	switch {
	case err == nil:
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, mysqldriver.ErrInvalidConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &ne):
		return true
	case errors.As(err, &me):
		// 1040 too many connections, 1053 shutting down, 1205 lock wait timeout
		return me.Number == 1040 || me.Number == 1053 || me.Number == 1205
	}
	return strings.Contains(err.Error(), "database is locked")
}

func isDeadlock(err error) bool {
	var me *mysqldriver.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

// ForUpdate adds a row lock where the dialect has one. SQLite needs none:
// its immediate transactions already hold the database's write lock.
func (tx *Tx) ForUpdate() *gorm.DB {
	if tx.store.Dialect == MySQL {
		return tx.DB.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx.DB
}

// translate turns database errors a caller can cause into domain errors.
func translate(err error) error {
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return Errorf(CodeConflict, "a record with these values already exists")
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ErrNotFound("record")
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return Errorf(CodeValidation, "a referenced record does not exist")
	}
	return err
}
