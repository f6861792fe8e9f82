// Package fakekit is what the fake push vendors (apnsfake, huaweifake,
// honorfake) share: answers scripted per device token, request counting,
// latency, and an OAuth client-credentials token endpoint whose tokens a
// test can expire.
package fakekit

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Scripts holds the answers of a fake, per token: one per request that
// names the token, consumed in order, the last repeating; tokens without a
// script get OK.
type Scripts[R any] struct {
	OK R
	// Latency delays every answer.
	Latency time.Duration

	mu        sync.Mutex
	down      *R // answers every request while the service is down
	scripts   map[string][]R
	delivered map[string]int
	requests  atomic.Int64
}

// NewScripts returns scripts whose default answer is ok.
func NewScripts[R any](ok R) *Scripts[R] {
	return &Scripts[R]{OK: ok, scripts: map[string][]R{}, delivered: map[string]int{}}
}

// Script sets the answers for token.
func (s *Scripts[R]) Script(token string, replies ...R) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[token] = replies
}

// Down makes every request get r (an outage) until Up.
func (s *Scripts[R]) Down(r R) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = &r
}

// Up ends an outage.
func (s *Scripts[R]) Up() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = nil
}

// Request counts one request and waits the latency.
func (s *Scripts[R]) Request() {
	s.requests.Add(1)
	if s.Latency > 0 {
		time.Sleep(s.Latency)
	}
}

// Next is the answer for token's next request.
func (s *Scripts[R]) Next(token string) R {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down != nil {
		return *s.down
	}
	r := s.OK
	if l := s.scripts[token]; len(l) > 0 {
		r = l[0]
		if len(l) > 1 {
			s.scripts[token] = l[1:]
		}
	}
	return r
}

// Deliver records a delivery to token.
func (s *Scripts[R]) Deliver(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delivered[token]++
}

// Delivered counts the deliveries to token.
func (s *Scripts[R]) Delivered(token string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered[token]
}

// Requests counts the send requests received.
func (s *Scripts[R]) Requests() int64 { return s.requests.Load() }

// OAuth is a client-credentials token endpoint: it hands out access tokens
// to the client it knows, and refuses tokens a test expired.
type OAuth struct {
	ClientID, Secret string

	mu      sync.Mutex
	issued  int
	valid   map[string]bool
	fetches atomic.Int64
}

// NewOAuth returns an endpoint for one client.
func NewOAuth(clientID, secret string) *OAuth {
	return &OAuth{ClientID: clientID, Secret: secret, valid: map[string]bool{}}
}

// ServeToken answers a token request (form: grant_type, client_id,
// client_secret) with {access_token, expires_in, token_type}.
func (o *OAuth) ServeToken(w http.ResponseWriter, r *http.Request) {
	o.fetches.Add(1)
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" ||
		r.PostForm.Get("client_id") != o.ClientID || r.PostForm.Get("client_secret") != o.Secret {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_client","error_description":"bad client credentials"}`)
		return
	}
	o.mu.Lock()
	o.issued++
	tok := fmt.Sprintf("at-%d-%s", o.issued, url.QueryEscape(o.ClientID))
	o.valid[tok] = true
	o.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"expires_in":3600,"token_type":"Bearer"}`, tok)
}

// Authorized reports whether r carries a valid bearer token.
func (o *OAuth) Authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	o.mu.Lock()
	defer o.mu.Unlock()
	return ok && o.valid[tok]
}

// Expire makes every token handed out so far expired.
func (o *OAuth) Expire() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.valid)
}

// Fetches counts token requests.
func (o *OAuth) Fetches() int64 { return o.fetches.Load() }
