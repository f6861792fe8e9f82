package apitest

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"houqin/api"
)

// LocalRedis is the Redis every machine of the project runs; .ci/run
// starts one when nothing answers there.
const LocalRedis = "127.0.0.1:6379"

// RequireRedis skips the test when nothing answers at addr.
func RequireRedis(t testing.TB, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Skipf("no Redis answers at %s (start one: redis-server --port 6379 --save '' --appendonly no): %v", addr, err)
	}
	c.Close()
}

// RedisPrefix returns a channel and key prefix of this test's own, so that
// tests sharing one Redis never hear each other; give it to every replica
// of one test.
func RedisPrefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "houqin-test-" + hex.EncodeToString(b)
}

// WithRedis joins the service to the replicas that share the Redis at addr
// and prefix.
func WithRedis(addr, prefix string) Option {
	return func(c *api.Config) {
		c.Redis = &redis.Options{Addr: addr}
		c.RedisPrefix = prefix
	}
}

// RedisServer is a redis-server of the test's own, which it may stop and
// start again on the same port.
type RedisServer struct {
	Addr string
	t    testing.TB
	cmd  *exec.Cmd
}

// StartRedis starts a redis-server without persistence on a free port and
// stops it when the test ends; the test is skipped without redis-server.
func StartRedis(t testing.TB) *RedisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := &RedisServer{Addr: addr, t: t}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Start starts the server (again) and waits until it answers.
func (r *RedisServer) Start() {
	r.t.Helper()
	_, port, _ := net.SplitHostPort(r.Addr)
	r.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	r.cmd.Stdout, r.cmd.Stderr = nil, os.Stderr
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", r.Addr); err == nil {
			c.Close()
			return
		}
	}
	r.t.Fatalf("redis-server on %s did not answer within 10 s", r.Addr)
}

// Stop kills the server, as a crash would.
func (r *RedisServer) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}
