// Package fakekit is what the fake push vendors (apnsfake, huaweifake,
// honorfake, xiaomifake, oppofake, vivofake, harmonyfake) and work
// platforms (wecomfake, dingtalkfake) share: answers
// scripted per device token, an outage, a record of what was delivered,
// request counters, latency, and the access tokens a fake issues and a
// test expires (with the OAuth client-credentials endpoint of Huawei and
// Honor), and a work platform's address book. Each fake speaks its
// vendor's wire format itself.
package fakekit

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Book is embedded by each fake server; its methods are the fake's API.
// R is the fake's scripted reply, M the message it records.
type Book[R, M any] struct {
	ok      R
	latency atomic.Int64 // delays every answer

	mu        sync.Mutex
	down      *R             // answers every request while the service is down
	scripts   map[string][]R // per device token, consumed in order; the last one repeats
	received  []M
	delivered map[string]int
	valid     map[string]bool // access tokens issued and not expired
	issued    int
	requests  atomic.Int64
	auths     atomic.Int64
}

// NewBook makes an empty book whose unscripted answer is ok.
func NewBook[R, M any](ok R) *Book[R, M] {
	return &Book[R, M]{ok: ok, scripts: map[string][]R{}, delivered: map[string]int{}, valid: map[string]bool{}}
}

// Script sets the answers for a device token: one per request that names
// it, the last repeating. Tokens without a script get ok.
func (b *Book[R, M]) Script(token string, replies ...R) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.scripts[token] = replies
}

// Down makes every request get r (an outage) until Up.
func (b *Book[R, M]) Down(r R) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.down = &r
}

// Up ends an outage.
func (b *Book[R, M]) Up() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.down = nil
}

// Next consumes the answer for token's next request.
func (b *Book[R, M]) Next(token string) R {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down != nil {
		return *b.down
	}
	s := b.scripts[token]
	if len(s) == 0 {
		return b.ok
	}
	if len(s) > 1 {
		b.scripts[token] = s[1:]
	}
	return s[0]
}

// Deliver records m as accepted for the given device tokens.
func (b *Book[R, M]) Deliver(m M, tokens ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.received = append(b.received, m)
	for _, t := range tokens {
		b.delivered[t]++
	}
}

// Received returns the messages accepted, in order (a batch is one).
func (b *Book[R, M]) Received() []M {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]M(nil), b.received...)
}

// Delivered counts the accepted deliveries to a device token.
func (b *Book[R, M]) Delivered(token string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.delivered[token]
}

// Requests counts the push requests received (not the auth ones).
func (b *Book[R, M]) Requests() int64 { return b.requests.Load() }

// AuthRequests counts the access tokens asked for.
func (b *Book[R, M]) AuthRequests() int64 { return b.auths.Load() }

// SetLatency delays every answer by d, from the next request on.
func (b *Book[R, M]) SetLatency(d time.Duration) { b.latency.Store(int64(d)) }

// Begin counts a push request and waits the latency.
func (b *Book[R, M]) Begin() {
	b.requests.Add(1)
	time.Sleep(time.Duration(b.latency.Load()))
}

// Issue hands out a new access token.
func (b *Book[R, M]) Issue() string {
	b.auths.Add(1)
	time.Sleep(time.Duration(b.latency.Load()))
	b.mu.Lock()
	defer b.mu.Unlock()
	b.issued++
	tok := "access-" + strconv.Itoa(b.issued)
	b.valid[tok] = true
	return tok
}

// Valid reports whether tok is an access token issued and not expired.
func (b *Book[R, M]) Valid(tok string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.valid[tok]
}

// Expire ends one access token, as the vendor does after a day.
func (b *Book[R, M]) Expire(tok string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.valid, tok)
}

// ExpireTokens ends every access token issued so far.
func (b *Book[R, M]) ExpireTokens() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.valid)
}

// ClientCredentials is an OAuth 2.0 client-credentials token endpoint
// (Huawei's and Honor's) for one client: {access_token, expires_in,
// token_type}, or 400 invalid_client.
func (b *Book[R, M]) ClientCredentials(clientID, secret string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" ||
			r.PostForm.Get("client_id") != clientID || r.PostForm.Get("client_secret") != secret {
			b.auths.Add(1)
			Write(w, http.StatusBadRequest, 0, map[string]string{"error": "invalid_client", "error_description": "bad client credentials"})
			return
		}
		Write(w, http.StatusOK, 0, map[string]any{"access_token": b.Issue(), "expires_in": 3600, "token_type": "Bearer"})
	}
}

// Bearer reports whether r carries a valid access token as a bearer.
func (b *Book[R, M]) Bearer(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && b.Valid(tok)
}

// Write answers JSON with a status and, when retryAfter > 0, a Retry-After.
func Write(w http.ResponseWriter, status, retryAfter int, body any) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// Members is a work platform's address book (企业微信, 钉钉): userids by
// mobile number, for the look-up by mobile.
type Members struct {
	mu     sync.Mutex
	mobile map[string]string
}

// AddMember makes a member with a mobile number known to the look-up.
func (d *Members) AddMember(mobile, userid string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.mobile == nil {
		d.mobile = map[string]string{}
	}
	d.mobile[mobile] = userid
}

// ByMobile finds a member's userid.
func (d *Members) ByMobile(mobile string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	id, ok := d.mobile[mobile]
	return id, ok
}

// ErrCode answers as the work platforms do, always HTTP 200: errcode,
// errmsg and the extra fields.
func ErrCode(w http.ResponseWriter, code int, msg string, extra map[string]any) {
	body := map[string]any{"errcode": code, "errmsg": msg}
	for k, v := range extra {
		body[k] = v
	}
	Write(w, http.StatusOK, 0, body)
}
