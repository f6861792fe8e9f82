// Package apnsfake is a fake Apple Push Notification service for tests,
// written from Apple's provider API: HTTP/2 (cleartext here, so the
// sender's http:// endpoint reaches it), POST /3/device/{token} with a
// provider-token bearer, apns-topic, apns-push-type, apns-priority,
// apns-expiration and apns-collapse-id headers and the JSON payload. It
// answers what the test scripts per token: success (200 with apns-id), a
// dead token (400 BadDeviceToken, 410 Unregistered), too many requests
// (429), a server error (500, 503), an expired provider token (403
// ExpiredProviderToken), after an optional latency; it counts requests.
package apnsfake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"houqin/push"
	"houqin/push/internal/fakekit"
)

// The app the fake serves.
const (
	Topic  = "cn.gov.houqin.app"
	KeyID  = "ABC123DEFG"
	TeamID = "DEF123GHIJ"
)

// Reply is one scripted answer.
type Reply struct {
	Status int
	Reason string
}

// The answers APNs gives.
var (
	OK                   = Reply{Status: 200}
	BadDeviceToken       = Reply{Status: 400, Reason: "BadDeviceToken"}
	Unregistered         = Reply{Status: 410, Reason: "Unregistered"}
	PayloadTooLarge      = Reply{Status: 413, Reason: "PayloadTooLarge"}
	TooManyRequests      = Reply{Status: 429, Reason: "TooManyRequests"}
	Internal             = Reply{Status: 500, Reason: "InternalServerError"}
	Unavailable          = Reply{Status: 503, Reason: "ServiceUnavailable"}
	ExpiredProviderToken = Reply{Status: 403, Reason: "ExpiredProviderToken"}
)

// Message is what the fake received.
type Message struct {
	Token   string
	Headers http.Header
	Payload struct {
		Aps struct {
			Alert struct {
				Title string `json:"title"`
				Body  string `json:"body"`
			} `json:"alert"`
			ThreadID          string `json:"thread-id"`
			InterruptionLevel string `json:"interruption-level"`
		} `json:"aps"`
		Custom map[string]any `json:"-"`
	}
	Proto string // HTTP/2.0
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	*fakekit.Book[Reply, Message]
	// KeyFile is a .p8 signing key for the sender (HOUQIN_APNS_KEY_FILE).
	KeyFile string
}

// New starts a fake speaking HTTP/2 over cleartext, writes a signing key
// for the sender, and stops the fake when the test ends.
func New(t interface {
	Cleanup(func())
	TempDir() string
	Fatal(...any)
}) *Server {
	f := &Server{Book: fakekit.NewBook[Reply, Message](OK), KeyFile: writeKey(t)}
	f.Server = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.Server.Config.Protocols = new(http.Protocols)
	f.Server.Config.Protocols.SetHTTP1(true)
	f.Server.Config.Protocols.SetUnencryptedHTTP2(true)
	f.Start()
	t.Cleanup(f.Close)
	return f
}

// Endpoint is the base URL to hand to the sender (HOUQIN_APNS_ENDPOINT).
func (f *Server) Endpoint() string { return f.URL }

// Config is the sender's configuration for this fake (sandbox).
func (f *Server) Config() push.APNsConfig {
	return push.APNsConfig{KeyFile: f.KeyFile, KeyID: KeyID, TeamID: TeamID, Topic: Topic, Sandbox: true, Endpoint: f.URL}
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	f.Begin()
	tok, ok := strings.CutPrefix(r.URL.Path, "/3/device/")
	switch {
	case r.Method != http.MethodPost || !ok:
		answer(w, Reply{Status: 404, Reason: "BadPath"})
		return
	case !strings.HasPrefix(r.Header.Get("authorization"), "bearer "):
		answer(w, Reply{Status: 403, Reason: "MissingProviderToken"})
		return
	case r.Header.Get("apns-topic") != Topic:
		answer(w, Reply{Status: 400, Reason: "BadTopic"})
		return
	}
	var m Message
	raw := map[string]any{}
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		answer(w, Reply{Status: 400, Reason: "PayloadEmpty"})
		return
	}
	b, _ := json.Marshal(raw)
	_ = json.Unmarshal(b, &m.Payload)
	delete(raw, "aps")
	m.Payload.Custom, m.Token, m.Headers, m.Proto = raw, tok, r.Header.Clone(), r.Proto
	reply := f.Next(tok)
	if reply.Status == 200 {
		f.Deliver(m, tok)
	}
	answer(w, reply)
}

func answer(w http.ResponseWriter, r Reply) {
	w.Header().Set("apns-id", "8a4b2f0e-0000-4000-8000-000000000001")
	if r.Status == 200 {
		w.WriteHeader(200)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.Status)
	body := map[string]any{"reason": r.Reason}
	if r.Status == 410 {
		body["timestamp"] = 1700000000000
	}
	_ = json.NewEncoder(w).Encode(body)
}

// writeKey writes a fresh P-256 key as a .p8 file (PKCS #8 PEM), as Apple
// hands them out.
func writeKey(t interface {
	TempDir() string
	Fatal(...any)
}) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("AuthKey_%s.p8", KeyID))
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
