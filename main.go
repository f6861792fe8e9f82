// Command houqin is the backend of the administrative centre's staff app:
// canteen menus, shuttle buses, meeting rooms and repairs.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the static binary carries its own time-zone data

	"houqin/api"
	"houqin/demo"
	"houqin/migrations"
	"houqin/models/people"
	"houqin/models/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

const usage = `houqin: the administrative centre's logistics service

Usage:
  houqin [serve] [--demo] [--addr :8080]   run the HTTP service (the default)
  houqin migrate up|status                  apply or list database migrations
  houqin user add --username U --name N --roles r1,r2 [--phone P] [--department D]
                                            add a user; the password is read from stdin
  houqin demo                               load the demo dataset
  houqin healthcheck                        exit 0 when the service answers /healthz

Configuration comes from HOUQIN_* environment variables (see README.md).
Run "houqin COMMAND --help" for a command's flags.
`

// run is the whole program, callable from tests: it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || args[0] == "-h" || args[0] == "--help") {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cfg, err := api.LoadConfig(getenv)
	if err != nil {
		newLogger(stderr, "info").Error("bad configuration", "err", strings.ReplaceAll(err.Error(), "\n", "; "))
		return 2
	}
	logs := newLogWriter(stderr)
	defer logs.Close()
	log := newLogger(logs, cfg.LogLevel)
	var c command
	switch cmd {
	case "serve":
		c = serveCmd
	case "migrate":
		c = migrateCmd
	case "user":
		c = userCmd
	case "demo":
		c = demoCmd
	case "healthcheck":
		c = healthcheckCmd
	default:
		fmt.Fprintf(stderr, "houqin: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	env := &environment{ctx: ctx, cfg: cfg, log: log, logs: logs, stdin: stdin, stdout: stdout, stderr: stderr}
	if err := c(env, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		log.Error("command failed", "command", cmd, "err", err)
		return 1
	}
	return 0
}

type environment struct {
	ctx            context.Context
	cfg            api.Config
	log            *slog.Logger
	logs           io.Writer // the log's stream, for the access log
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command func(env *environment, args []string) error

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func (e *environment) flags(name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: houqin %s\n\n", help)
		fs.PrintDefaults()
	}
	return fs
}

// open connects to the configured database and applies pending migrations.
func (e *environment) open() (*store.Store, error) {
	store, err := store.Open(e.cfg.DB, e.cfg.Location)
	if err != nil {
		return nil, err
	}
	store.UseLogger(e.log)
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	if err := store.Ping(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	n, err := migrations.Up(e.ctx, store.SQL(), string(store.Dialect))
	if err != nil {
		store.Close()
		return nil, err
	}
	if n > 0 {
		e.log.Info("migrations applied", "count", n)
	}
	return store, nil
}

func serveCmd(e *environment, args []string) error {
	fs := e.flags("serve [--demo] [--addr ADDR]", "serve [--demo] [--addr ADDR]: run the HTTP service")
	demo := fs.Bool("demo", false, "load the demo dataset and print the demo logins")
	addr := fs.String("addr", e.cfg.Addr, "listen address (HOUQIN_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e.cfg.Addr = *addr
	if e.cfg.PublicURL == "" {
		e.log.Warn("HOUQIN_PUBLIC_URL is unset: links handed out (calendar feeds) point to a URL derived from the listen address",
			"public_url", e.cfg.BaseURL())
	}
	if err := e.cfg.EnsureSecret(); err != nil {
		return err
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if *demo {
		if err := loadDemo(e, st); err != nil {
			return err
		}
	}
	e.cfg.AccessLog = e.logs
	srv := api.New(e.cfg, st, e.log)
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return err
	}
	return srv.Run(e.ctx, ln)
}

func loadDemo(e *environment, st *store.Store) error {
	logins, err := demo.Load(e.ctx, st, e.cfg.DemoPassword)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "Demo logins (username / password / roles):")
	for _, l := range logins {
		roles, _ := l.Roles.Value()
		fmt.Fprintf(e.stdout, "  %-14s %s  %s\n", l.Username, l.Password, roles)
	}
	return nil
}

func demoCmd(e *environment, args []string) error {
	fs := e.flags("demo", "demo: load the demo dataset (idempotent)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := e.open()
	if err != nil {
		return err
	}
	defer store.Close()
	return loadDemo(e, store)
}

func migrateCmd(e *environment, args []string) error {
	fs := e.flags("migrate up|status", "migrate up|status: apply or list migrations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := store.Open(e.cfg.DB, e.cfg.Location)
	if err != nil {
		return err
	}
	defer store.Close()
	switch fs.Arg(0) {
	case "up":
		n, err := migrations.Up(e.ctx, store.SQL(), string(store.Dialect))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "applied %d migrations\n", n)
		return nil
	case "status":
		st, err := migrations.Status(e.ctx, store.SQL(), string(store.Dialect))
		if err != nil {
			return err
		}
		for _, m := range st {
			applied := "pending"
			if !m.AppliedAt.IsZero() {
				applied = "applied " + m.AppliedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(e.stdout, "%05d  %-40s %s\n", m.Source.Version, m.Source.Path, applied)
		}
		return nil
	}
	fs.Usage()
	return errors.New("say up or status")
}

func userCmd(e *environment, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(e.stderr, "Usage: houqin user add --username U --name N --roles r1,r2 [--phone P] [--department D]\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return errors.New("the only user command is add")
	}
	fs := e.flags("user add", "user add --username U --name N --roles r1,r2 [--phone P] [--department D]\n(the password is read from standard input, one line)")
	username := fs.String("username", "", "login name (required)")
	name := fs.String("name", "", "display name (required)")
	roles := fs.String("roles", "staff", "comma-separated roles: "+rolesList())
	phone := fs.String("phone", "", "phone number")
	dept := fs.String("department", "", "department")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" || *name == "" {
		fs.Usage()
		return errors.New("--username and --name are required")
	}
	rs, err := store.ParseRoles(strings.Split(*roles, ","))
	if err != nil {
		return err
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := people.New(st).CreateUser(e.ctx, people.UserInput{Username: *username, Name: *name, Phone: *phone,
		Department: *dept, Password: password, Roles: rs})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, u.ID)
	return nil
}

func rolesList() string {
	names := make([]string, len(store.AllRoles))
	for i, r := range store.AllRoles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func healthcheckCmd(e *environment, args []string) error {
	fs := e.flags("healthcheck", "healthcheck: exit 0 when GET /healthz on HOUQIN_ADDR answers 200")
	if err := fs.Parse(args); err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(e.cfg.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz answered %d", resp.StatusCode)
	}
	return nil
}
