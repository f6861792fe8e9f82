package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"houqin/api/apitest"
)

type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	dir := t.TempDir()
	return &cli{t: t, env: map[string]string{"HOUQIN_DATA_DIR": dir, "HOUQIN_DB": "sqlite:" + filepath.Join(dir, "h.db"), "HOUQIN_LOG_LEVEL": "error"}}
}

func (c *cli) run(ctx context.Context, stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(ctx, args, func(k string) string { return c.env[k] }, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUserAddAndMigrate(t *testing.T) {
	c := newCLI(t)
	code, out, errOut := c.run(t.Context(), "secret-password\n", "user", "add", "--username", "zhou", "--name", "周敏", "--roles", "dispatcher")
	if code != 0 || strings.TrimSpace(out) != "1" {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := c.run(t.Context(), "short\n", "user", "add", "--username", "wu", "--name", "吴"); code != 1 || !strings.Contains(errOut, "at least 8") {
		t.Fatalf("short password: %d %q", code, errOut)
	}
	if code, _, errOut := c.run(t.Context(), "secret-password\n", "user", "add", "--username", "zhou", "--name", "x"); code != 1 || !strings.Contains(errOut, "taken") {
		t.Fatalf("duplicate: %d %q", code, errOut)
	}
	code, out, _ = c.run(t.Context(), "", "migrate", "status")
	if code != 0 || !strings.Contains(out, "00001") || strings.Contains(out, "pending") {
		t.Fatalf("migrate status: %d %q", code, out)
	}
	if code, out, _ := c.run(t.Context(), "", "migrate", "up"); code != 0 || !strings.Contains(out, "applied 0") {
		t.Fatalf("migrate up again: %d %q", code, out)
	}
}

func TestBadConfigurationExitsWithOneLine(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"time zone": {"HOUQIN_TIMEZONE": "Mars/Olympus"},
		"address":   {"HOUQIN_ADDR": "8080"},
		"dsn":       {"HOUQIN_DB": "user@tcp(host"},
		"retention": {"HOUQIN_SHUTTLE_POSITION_DAYS": "forever"},
		"bookings":  {"HOUQIN_MAX_FUTURE_BOOKINGS": "10"},
	} {
		t.Run(name, func(t *testing.T) {
			c := &cli{t: t, env: env}
			code, _, errOut := c.run(t.Context(), "", "serve")
			if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "HOUQIN_") {
				t.Fatalf("%d %q", code, errOut)
			}
		})
	}
}

func TestServeDemoHealthcheckAndShutdown(t *testing.T) {
	c := newCLI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.env["HOUQIN_ADDR"] = ln.Addr().String()
	ln.Close()

	ctx, stop := context.WithCancel(t.Context())
	done := make(chan int, 1)
	var out bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--demo"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &out, &bytes.Buffer{})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, _, _ := c.run(t.Context(), "", "healthcheck")
		if code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never became healthy")
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(out.String(), "dispatcher") || !strings.Contains(out.String(), "houqin-demo") {
		t.Fatalf("demo logins not printed:\n%s", out.String())
	}
	if code, _, _ := c.run(t.Context(), "", "healthcheck"); code != 1 {
		t.Fatal("healthcheck passed with the server down")
	}
}

func TestHelp(t *testing.T) {
	c := newCLI(t)
	if code, out, _ := c.run(t.Context(), "", "--help"); code != 0 || !strings.Contains(out, "houqin migrate") {
		t.Fatalf("%d %q", code, out)
	}
	if code, _, errOut := c.run(t.Context(), "", "user", "add", "--help"); code != 0 || !strings.Contains(errOut, "--username") && !strings.Contains(errOut, "-username") {
		t.Fatalf("%d %q", code, errOut)
	}
	if code, _, _ := c.run(t.Context(), "", "frobnicate"); code != 2 {
		t.Fatal("unknown command accepted")
	}
}

// TestEveryLogLineIsJSON: a log collector parses each line of standard
// error, so a failing start, a bad configuration and the database's own
// warnings are JSON too, never a bare text line.
func TestEveryLogLineIsJSON(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	c := newCLI(t)
	c.env["HOUQIN_ADDR"] = taken.Addr().String()
	code, _, errOut := c.run(t.Context(), "", "serve")
	if code != 1 || !strings.Contains(errOut, "address already in use") {
		t.Fatalf("serve on a taken port: %d %q", code, errOut)
	}
	expectJSONLines(t, errOut)

	c.env["HOUQIN_TIMEZONE"] = "Mars/Olympus"
	code, _, errOut = c.run(t.Context(), "", "serve")
	if code != 2 || !strings.Contains(errOut, "HOUQIN_TIMEZONE") {
		t.Fatalf("bad configuration: %d %q", code, errOut)
	}
	expectJSONLines(t, errOut)
}

func expectJSONLines(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON line: %q", line)
		}
	}
}

// TestReadmeShellSetsItsVariables: a newcomer pastes the README's commands
// as they stand, so a variable a block uses must be set in that block.
func TestReadmeShellSetsItsVariables(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	used := regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)
	set := regexp.MustCompile(`(?m)(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=`)
	if len(blocks) < 2 {
		t.Fatalf("%d shell blocks in README.md", len(blocks))
	}
	for _, b := range blocks {
		assigned := map[string]bool{}
		for _, m := range set.FindAllStringSubmatch(b[1], -1) {
			assigned[m[1]] = true
		}
		for _, m := range used.FindAllStringSubmatch(b[1], -1) {
			if !assigned[m[1]] {
				t.Errorf("README.md uses $%s without setting it:\n%s", m[1], b[1])
			}
		}
	}
}

// s3Env is a configuration keeping uploads in bucket at endpoint.
func s3Env(c *cli, endpoint, bucket string) {
	c.env["HOUQIN_BLOBS"] = "s3://" + bucket + "/photos"
	c.env["HOUQIN_S3_ENDPOINT"] = endpoint
	c.env["HOUQIN_S3_ACCESS_KEY"] = "AKIDexampleaccess"
	c.env["HOUQIN_S3_SECRET_KEY"] = "example-secret-key"
	c.env["HOUQIN_S3_REGION"] = "us-east-1"
}

// A half-configured object store stops start-up with one line naming the
// setting at fault, and never repeats a key.
func TestObjectStoreConfiguration(t *testing.T) {
	for name, c := range map[string]struct {
		change func(env map[string]string)
		want   string
	}{
		"no endpoint":                  {func(env map[string]string) { delete(env, "HOUQIN_S3_ENDPOINT") }, "HOUQIN_S3_ENDPOINT"},
		"no access key":                {func(env map[string]string) { delete(env, "HOUQIN_S3_ACCESS_KEY") }, "HOUQIN_S3_ACCESS_KEY"},
		"no secret key":                {func(env map[string]string) { delete(env, "HOUQIN_S3_SECRET_KEY") }, "HOUQIN_S3_SECRET_KEY"},
		"an endpoint without a scheme": {func(env map[string]string) { env["HOUQIN_S3_ENDPOINT"] = "minio:9000" }, "HOUQIN_S3_ENDPOINT"},
		"a bad virtual-host flag":      {func(env map[string]string) { env["HOUQIN_S3_VIRTUAL_HOST"] = "maybe" }, "HOUQIN_S3_VIRTUAL_HOST"},
		"keys in the URL": {func(env map[string]string) {
			env["HOUQIN_BLOBS"] = "s3://AKIDexampleaccess:example-secret-key@houqin/photos"
		}, "HOUQIN_BLOBS"},
		"another scheme": {func(env map[string]string) { env["HOUQIN_BLOBS"] = "oss://houqin/photos" }, "HOUQIN_BLOBS"},
		"keys for a store not in use": {func(env map[string]string) {
			env["HOUQIN_BLOBS"] = "/srv/houqin/photos"
			delete(env, "HOUQIN_S3_ENDPOINT")
		}, "HOUQIN_S3_ACCESS_KEY"},
	} {
		t.Run(name, func(t *testing.T) {
			cl := newCLI(t)
			s3Env(cl, "http://127.0.0.1:9000", "houqin")
			c.change(cl.env)
			code, _, errOut := cl.run(t.Context(), "", "serve")
			if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, want 2 and one line naming %s: %q", code, c.want, errOut)
			}
			if strings.Contains(errOut, "AKIDexampleaccess") || strings.Contains(errOut, "example-secret-key") {
				t.Fatalf("a key in the log: %q", errOut)
			}
		})
	}
}

// serve stops on a bucket that does not exist (no retry mends it) and
// starts, with a warning, when the store does not answer.
func TestServeChecksTheObjectStore(t *testing.T) {
	t.Run("a missing bucket stops it", func(t *testing.T) {
		c := newCLI(t)
		s3Env(c, apitest.NewS3(t).Config.Endpoint, "no-such-bucket")
		code, _, errOut := c.run(t.Context(), "", "serve")
		if code != 1 || !strings.Contains(errOut, "HOUQIN_BLOBS") || !strings.Contains(errOut, "does not exist") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("a store that does not answer is warned about", func(t *testing.T) {
		c := newCLI(t)
		s3Env(c, "http://"+freeAddr(t), "houqin")
		c.env["HOUQIN_ADDR"] = freeAddr(t)
		c.env["HOUQIN_LOG_LEVEL"] = "warn"
		ctx, stop := context.WithCancel(t.Context())
		done := make(chan int, 1)
		var errOut syncBuffer
		go func() {
			done <- run(ctx, []string{"serve"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &bytes.Buffer{}, &errOut)
		}()
		if err := waitReady(t.Context(), "http://"+c.env["HOUQIN_ADDR"]+"/readyz", nil); err != nil {
			t.Fatalf("%v\n%s", err, errOut.String())
		}
		stop()
		if code := <-done; code != 0 {
			t.Fatalf("serve exited %d: %s", code, errOut.String())
		}
		if !strings.Contains(errOut.String(), "object store does not answer") || strings.Contains(errOut.String(), "example-secret-key") {
			t.Fatalf("log:\n%s", errOut.String())
		}
	})
}

// syncBuffer is a log the service writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
