package apitest

import (
	"database/sql"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// MariaDB is a MariaDB server a test starts itself, on a free port and its
// own data folder, so that it may kill -9 and SIGSTOP it (never the
// machine's shared server).
type MariaDB struct {
	dir, port, bin string
	cmd            *exec.Cmd
}

// StartMariaDB starts a server for this test and stops it when the test
// ends. It skips the test in -short mode or where mariadbd is missing.
func StartMariaDB(t testing.TB) *MariaDB {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a MariaDB server")
	}
	m := &MariaDB{dir: t.TempDir(), bin: mariadbdPath()}
	if m.bin == "" {
		t.Skip("no mariadbd on this machine")
	}
	out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"),
		"--user=root", "--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, m.port, _ = net.SplitHostPort(ln.Addr().String())
	ln.Close()
	m.Start(t)
	t.Cleanup(func() {
		_ = m.cmd.Process.Signal(syscall.SIGCONT)
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
	})
	return m
}

// mariadbdPath finds the server binary: on PATH, or where Debian puts it.
func mariadbdPath() string {
	if p, err := exec.LookPath("mariadbd"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/mariadbd"); err == nil {
		return "/usr/sbin/mariadbd"
	}
	return ""
}

// Start runs the server on its data folder and waits until it answers.
func (m *MariaDB) Start(t testing.TB) {
	t.Helper()
	m.cmd = exec.Command(m.bin, "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"), "--user=root",
		"--port="+m.port, "--bind-address=127.0.0.1", "--socket="+filepath.Join(m.dir, "sock"),
		"--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--max-connections=500",
		"--pid-file="+filepath.Join(m.dir, "pid"))
	log, err := os.OpenFile(filepath.Join(m.dir, "log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	m.cmd.Stdout, m.cmd.Stderr = log, log
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, err := sql.Open("mysql", m.DSN(""))
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(m.dir, "log"))
			t.Fatalf("mariadbd did not start: %v\n%s", err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// DSN addresses database name on this server.
func (m *MariaDB) DSN(name string) string { return "root@tcp(127.0.0.1:" + m.port + ")/" + name }

// CreateDatabase creates an empty database and returns its DSN.
func (m *MariaDB) CreateDatabase(t testing.TB, name string) string {
	t.Helper()
	db, err := sql.Open("mysql", m.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatal(err)
	}
	return m.DSN(name)
}

// Kill stops the server with SIGKILL, as a crash or the OOM killer would.
func (m *MariaDB) Kill() {
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
}

// Freeze stops the server with SIGSTOP: connections stay open and nothing
// answers, as on a hung host. Thaw resumes it.
func (m *MariaDB) Freeze() { _ = m.cmd.Process.Signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (m *MariaDB) Thaw() { _ = m.cmd.Process.Signal(syscall.SIGCONT) }
