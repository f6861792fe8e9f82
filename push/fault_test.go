package push_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
	"houqin/push"
	"houqin/push/fcmfake"
)

// The fault tests run the real binary (`houqin serve`) as child processes
// on one database, fan a notice out to faultDevices phones through a fake
// FCM that answers in 50 ms, and stop a replica in the middle of the drain:
// with kill -9 (a crash) or SIGTERM (a deploy). They then count, per
// phone, what the fake accepted. On SQLite one process runs and is started
// again; in the MySQL run (HOUQIN_TEST_MYSQL_DSN) two replicas share a
// MariaDB server the test starts itself, and the survivor finishes the job.
const faultDevices = 2000

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// houqinBinary builds the command once per test run.
func houqinBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "houqin-fault-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "houqin")
		out, err := exec.Command("go", "build", "-o", binary, "..").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// replica is one `houqin serve` child process.
type replica struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

func startReplica(t *testing.T, dsn string, fake *fcmfake.Server) *replica {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(houqinBinary(t), "serve")
	cmd.Env = append(os.Environ(), "HOUQIN_ADDR="+addr, "HOUQIN_DB="+dsn, "HOUQIN_DATA_DIR="+dir,
		"HOUQIN_JWT_SECRET=fault-test-secret-fault-test-secret", "HOUQIN_LOG_LEVEL=warn",
		"HOUQIN_FCM_PROJECT_ID="+fcmfake.Project, "HOUQIN_FCM_ENDPOINT="+fake.Endpoint())
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logFile.Close(); close(r.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-r.done
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("replica log:\n%s", b)
		}
	})
	return r
}

// stop signals the replica and waits for it to exit.
func (r *replica) stop(t *testing.T, sig syscall.Signal, within time.Duration) {
	t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.done:
	case <-time.After(within):
		t.Fatalf("the replica did not exit within %v of %v", within, sig)
	}
}

// fanOut seeds the phones and queues one notice to all of them.
func fanOut(t *testing.T, env *apitest.Env) {
	t.Helper()
	env.Clock.Set(time.Now()) // the replicas run on the real clock
	ids := seedDevices(t, env, faultDevices)
	n := notify.Notice{Category: notify.CategoryAnnouncement, Type: "announcement", Title: "停电通知",
		Body: "2号楼今晚22:00至次日6:00停电检修", Data: notify.StringMap{"type": "announcement", "id": "1"}}
	if err := env.Store.Tx(context.Background(), func(tx *store.Tx) error { return notify.Notify(tx, n, ids...) }); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// tally counts the phones the fake never reached and the pushes it
// accepted more than once.
func tally(fake *fcmfake.Server) (lost, duplicates int) {
	for i := range faultDevices {
		switch n := fake.Delivered(fmt.Sprintf("bench-token-%05d", i)); {
		case n == 0:
			lost++
		case n > 1:
			duplicates += n - 1
		}
	}
	return lost, duplicates
}

func everyPhoneReached(fake *fcmfake.Server) func() bool {
	return func() bool { lost, _ := tally(fake); return lost == 0 }
}

// faultSetup starts the replicas: one on SQLite, two on MySQL.
func faultSetup(t *testing.T) (*apitest.Env, *fcmfake.Server, []*replica) {
	if testing.Short() {
		t.Skip("fault tests build and run the binary")
	}
	fake := fcmfake.New(t)
	fake.Latency = 50 * time.Millisecond
	if _, mysql := apitest.FreshMySQL(t); !mysql {
		env := apitest.New(t)
		return env, fake, []*replica{startReplica(t, env.DSN, fake)}
	}
	m := apitest.StartMariaDB(t)
	env := apitest.New(t, apitest.WithDB(m.CreateDatabase(t, "houqin")))
	return env, fake, []*replica{startReplica(t, env.DSN, fake), startReplica(t, env.DSN, fake)}
}

// TestFaultKillDuringFanOut kills a replica with SIGKILL mid-drain: no phone
// is left out, and the pushes sent twice are at most those the dead
// replica had sent and not yet recorded (at most its in-flight bound, push.DefaultInFlight).
func TestFaultKillDuringFanOut(t *testing.T) {
	env, fake, replicas := faultSetup(t)
	fanOut(t, env)
	waitFor(t, 30*time.Second, "the drain starts", func() bool { return len(fake.Received()) >= 300 })
	inFlight, accepted := fake.InFlight(), len(fake.Received())
	replicas[0].stop(t, syscall.SIGKILL, 5*time.Second)
	killed := time.Now()
	if env.Store.Dialect != store.MySQL {
		startReplica(t, env.DSN, fake) // the same process, started again
	}
	waitFor(t, 15*time.Second, "every phone reached after the kill", everyPhoneReached(fake))
	lost, duplicates := tally(fake)
	// A send slot is held from the request until its result is recorded:
	// the duplicates are the killed replica's requests open at the fake
	// plus those answered and not yet recorded, never more than its slots.
	t.Logf("kill -9 after %d of %d accepted, %d requests open at the fake: %d lost, %d sent twice (bound %d), the rest delivered %v after the kill",
		accepted, faultDevices, inFlight, lost, duplicates, push.DefaultInFlight, time.Since(killed).Round(time.Millisecond))
	if duplicates > push.DefaultInFlight {
		t.Errorf("%d pushes sent twice, more than the %d a replica may have in flight", duplicates, push.DefaultInFlight)
	}
}

// TestFaultTermDuringFanOut stops a replica with SIGTERM mid-drain, as a
// deploy does: it finishes and records what it had sent, so no phone is
// left out and none gets a push twice.
func TestFaultTermDuringFanOut(t *testing.T) {
	env, fake, replicas := faultSetup(t)
	fanOut(t, env)
	waitFor(t, 30*time.Second, "the drain starts", func() bool { return len(fake.Received()) >= 300 })
	replicas[0].stop(t, syscall.SIGTERM, 20*time.Second)
	if env.Store.Dialect != store.MySQL {
		startReplica(t, env.DSN, fake)
	}
	waitFor(t, 15*time.Second, "every phone reached after the stop", everyPhoneReached(fake))
	lost, duplicates := tally(fake)
	t.Logf("SIGTERM mid-drain: %d lost, %d sent twice", lost, duplicates)
	if duplicates != 0 {
		t.Errorf("%d pushes sent twice after a clean stop", duplicates)
	}
}
