// Package harmonyfake is a fake Push Kit server for HarmonyOS NEXT (鸿蒙推送)
// for tests: it speaks POST /v3/{projectId}/messages:send, checks the
// service-account JWT (PS256 with the key of the key file it writes, kid,
// issuer, audience, expiry), records what it accepts, and answers what the
// test scripts per push token: success, an invalid token (named in
// illegalTokens: 80100000 when others went, 80300007 when none did), flow
// control with a wait (503), a server error, an expired JWT (401 80200005:
// that JWT is refused from then on), a bad message; after an optional
// latency. Its "auth requests" are the distinct JWTs it has seen: the
// sender signs them itself.
package harmonyfake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"houqin/push"
	"houqin/push/internal/fakekit"
)

// The service account of the key file the fake writes.
const (
	ProjectID  = "101234567"
	KeyID      = "harmony-test-key"
	SubAccount = "harmony-test-account"
)

// Reply is one scripted answer for a push token. In a request for several
// tokens, the first reply that fails the request (any but OK and
// InvalidToken) is the answer to all of them.
type Reply struct {
	Status     int    // HTTP status; 0 is 200
	Code       string // Push Kit's response code; empty sends a body that is not JSON
	Msg        string
	RetryAfter int    // seconds; 0 sends no header
	reason     string // the token is illegal, for this reason
	expire     bool   // the JWT the request carried is refused from now on
}

// The replies Push Kit gives.
var (
	OK             = Reply{Code: "80000000", Msg: "Success"}
	InvalidToken   = Reply{reason: "tokenFormatError"}
	ServerError    = Reply{Status: http.StatusInternalServerError, Code: "81000001", Msg: "Internal error"}
	InvalidMessage = Reply{Status: http.StatusBadRequest, Code: "80100003", Msg: "Illegal payload"}
	ExpiredToken   = Reply{Status: http.StatusUnauthorized, Code: "80200005", Msg: "Jwt token expired", expire: true}
)

// FlowControl is a 503 (Push Kit's traffic control) with a Retry-After of
// wait seconds.
func FlowControl(wait int) Reply {
	return Reply{Status: http.StatusServiceUnavailable, RetryAfter: wait}
}

// Message is one accepted request: one notification for its tokens.
type Message struct {
	Tokens       []string
	PushType     string
	Notification struct {
		Category    string `json:"category"`
		Title       string `json:"title"`
		Body        string `json:"body"`
		ClickAction struct {
			ActionType int               `json:"actionType"`
			Data       map[string]string `json:"data"`
		} `json:"clickAction"`
		NotifyID       int32 `json:"notifyId"`
		ForegroundShow bool  `json:"foregroundShow"`
	}
	TTL int
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	*fakekit.Book[Reply, Message]
	// KeyFile is the service-account key file to configure
	// (HOUQIN_HARMONY_KEY_FILE).
	KeyFile string

	key     *rsa.PrivateKey
	mu      sync.Mutex
	seen    map[string]bool // JWTs seen, true while accepted
	revoked map[string]bool
}

// testKey is the service account's key, made once: a 2048-bit RSA key
// takes a while, longer under the race detector.
var testKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// New starts a fake, writes its key file, and stops it when the test ends.
func New(t testing.TB) *Server {
	key, err := testKey()
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	file, _ := json.Marshal(map[string]string{
		"project_id": ProjectID, "key_id": KeyID, "sub_account": SubAccount,
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"token_uri":   push.HarmonyAudience,
	})
	f := &Server{Book: fakekit.NewBook[Reply, Message](OK), key: key, seen: map[string]bool{}, revoked: map[string]bool{},
		KeyFile: filepath.Join(t.TempDir(), "harmony-service-account.json")}
	if err := os.WriteFile(f.KeyFile, file, 0o600); err != nil {
		t.Fatal(err)
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Endpoint is the base URL to configure (HOUQIN_HARMONY_ENDPOINT).
func (f *Server) Endpoint() string { return f.URL }

// Config is the sender's configuration for this fake, as read from its
// key file.
func (f *Server) Config() push.HarmonyConfig {
	return push.HarmonyConfig{ProjectID: ProjectID, KeyID: KeyID, SubAccount: SubAccount, PrivateKey: f.key, Endpoint: f.URL}
}

// AuthRequests counts the distinct JWTs the fake has seen.
func (f *Server) AuthRequests() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return int64(len(f.seen))
}

// ExpireTokens refuses every JWT seen so far.
func (f *Server) ExpireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for tok := range f.seen {
		f.revoked[tok] = true
	}
}

// authorised checks the JWT and notes it as seen.
func (f *Server) authorised(r *http.Request) (string, bool) {
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	parsed, err := jwt.Parse(tok, func(t *jwt.Token) (any, error) { return &f.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"PS256"}), jwt.WithAudience(push.HarmonyAudience), jwt.WithIssuer(SubAccount),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	if !found || err != nil || parsed.Header["kid"] != KeyID {
		return tok, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen[tok] = true
	return tok, !f.revoked[tok]
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v3/"+ProjectID+"/messages:send" {
		answer(w, Reply{Status: http.StatusNotFound, Code: "80100002", Msg: "no such method " + r.URL.Path})
		return
	}
	f.Begin()
	tok, ok := f.authorised(r)
	if !ok {
		answer(w, Reply{Status: http.StatusUnauthorized, Code: "80200001", Msg: "Oauth authentication error"})
		return
	}
	var req struct {
		Payload struct {
			Notification json.RawMessage `json:"notification"`
		} `json:"payload"`
		Target struct {
			Token []string `json:"token"`
		} `json:"target"`
		PushOptions struct {
			TTL int `json:"ttl"`
		} `json:"pushOptions"`
	}
	var m Message
	if json.NewDecoder(r.Body).Decode(&req) != nil || json.Unmarshal(req.Payload.Notification, &m.Notification) != nil ||
		m.Notification.Title == "" || len(req.Target.Token) == 0 || len(req.Target.Token) > 1000 || r.Header.Get("push-type") != "0" {
		answer(w, InvalidMessage)
		return
	}
	illegal := map[string][]string{}
	for _, t := range req.Target.Token {
		reply := f.Next(t)
		switch {
		case reply.reason != "":
			illegal[reply.reason] = append(illegal[reply.reason], t)
		case reply != OK:
			if reply.expire {
				f.mu.Lock()
				f.revoked[tok] = true
				f.mu.Unlock()
			}
			answer(w, reply)
			return
		default:
			m.Tokens = append(m.Tokens, t)
		}
	}
	failed := len(req.Target.Token) - len(m.Tokens)
	if failed == 0 {
		m.PushType, m.TTL = r.Header.Get("push-type"), req.PushOptions.TTL
		f.Deliver(m, m.Tokens...)
		answer(w, OK)
		return
	}
	detail, _ := json.Marshal(map[string]any{"illegalTokens": illegal, "success": len(m.Tokens), "failure": failed})
	if len(m.Tokens) == 0 {
		answer(w, Reply{Status: http.StatusBadRequest, Code: "80300007", Msg: string(detail)})
		return
	}
	m.PushType, m.TTL = r.Header.Get("push-type"), req.PushOptions.TTL
	f.Deliver(m, m.Tokens...)
	answer(w, Reply{Code: "80100000", Msg: string(detail)})
}

func answer(w http.ResponseWriter, r Reply) {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	if r.Code == "" {
		if r.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(r.RetryAfter))
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	fakekit.Write(w, status, r.RetryAfter, map[string]string{"code": r.Code, "msg": r.Msg, "requestId": "fake"})
}
