package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/store"
)

// listen serves env's app on a real loopback socket, so that requests can
// come from different client addresses (all of 127.0.0.0/8 is local).
func listen(t *testing.T, env *apitest.Env) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = env.Server.App.Listener(ln) }()
	t.Cleanup(func() { _ = env.Server.App.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// from returns a client whose connections come from the local address ip.
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

func postLogin(t *testing.T, client *http.Client, base, username, password string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	resp, err := client.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestLoginFailuresFromOneAddressDoNotLockTheUserOut(t *testing.T) {
	env := apitest.New(t)
	victim := env.NewUser(store.RoleAdmin)
	bystander := env.NewUser()
	base := listen(t, env)
	attacker, owner := from("127.0.0.2"), from("127.0.0.3")

	// The attacker guesses in parallel: exactly ten guesses are checked.
	statuses := make(chan int, 25)
	var wg sync.WaitGroup
	for i := 0; i < cap(statuses); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- postLogin(t, attacker, base, victim.Username, fmt.Sprintf("guess-%d", i))
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusUnauthorized] != 10 || count[http.StatusTooManyRequests] != 15 {
		t.Fatalf("guesses answered %v, want 10×401 and 15×429", count)
	}
	// The username differs only in case and spaces: still the same account.
	if s := postLogin(t, attacker, base, " "+strings.ToUpper(victim.Username), "guess"); s != http.StatusTooManyRequests {
		t.Fatalf("guess with a re-cased username answered %d, want 429", s)
	}

	// The real admin, elsewhere, signs in as usual.
	if s := postLogin(t, owner, base, victim.Username, apitest.Password); s != http.StatusOK {
		t.Fatalf("the owner's login answered %d, want 200", s)
	}
	// The attacker's address may still sign in to other accounts.
	if s := postLogin(t, attacker, base, bystander.Username, apitest.Password); s != http.StatusOK {
		t.Fatalf("another account from the attacker's address answered %d, want 200", s)
	}
}

func TestLoginSuccessesNeverCount(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	// A building behind one NAT address: more sign-ins a minute than the
	// per-address failure bound, and the next wrong password is still only
	// a wrong password.
	for i := 0; i < 65; i++ {
		apitest.Expect(t, env.Post("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": apitest.Password}), http.StatusOK)
	}
	apitest.Expect(t, env.Post("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": "wrong-password"}), http.StatusUnauthorized, "unauthorized")
}

func TestLoginHugeUsernamesPinNoMemory(t *testing.T) {
	env := apitest.New(t)
	// Unique usernames of 100 KiB each, the kind that pinned memory per
	// username key: they are refused as invalid and never become a key.
	for i := 0; i < 20; i++ {
		name := fmt.Sprintf("%d", i) + strings.Repeat("x", 100<<10)
		resp := env.Post("/api/v1/auth/login", "", map[string]string{"username": name, "password": "whatever"})
		apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
	}
	if n := env.Server.LoginLimiterKeys(); n != 1 {
		t.Fatalf("the login limiters hold %d keys after invalid usernames from one address, want 1 (the address)", n)
	}
	// Valid but unique usernames are keyed, up to the limiters' bound.
	for i := 0; i < 5; i++ {
		apitest.Expect(t, env.Post("/api/v1/auth/login", "", map[string]string{"username": fmt.Sprintf("nobody-%d", i), "password": "whatever"}), http.StatusUnauthorized)
	}
	if n := env.Server.LoginLimiterKeys(); n != 1+2*5 {
		t.Fatalf("the login limiters hold %d keys, want 11", n)
	}
}
