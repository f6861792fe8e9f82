// Package fcmfake is a fake Firebase Cloud Messaging server for tests: it
// speaks FCM HTTP v1 (POST /v1/projects/{p}/messages:send), records what it
// receives, and answers what the test scripts per token: success, or the
// errors FCM really sends (404 UNREGISTERED, 429 with Retry-After, 500, 503),
// after an optional latency.
package fcmfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Project is the project id the fake serves.
const Project = "houqin-test"

// Reply is one scripted answer.
type Reply struct {
	Status     int    // 200 for success
	FCMCode    string // errorCode of the FcmError detail: UNREGISTERED, QUOTA_EXCEEDED, ...
	GRPCStatus string // error.status: NOT_FOUND, RESOURCE_EXHAUSTED, ...
	Message    string
	RetryAfter int // seconds; 0 sends no header
}

// The replies FCM gives.
var (
	OK               = Reply{Status: 200}
	Unregistered     = Reply{Status: 404, FCMCode: "UNREGISTERED", GRPCStatus: "NOT_FOUND", Message: "Requested entity was not found."}
	SenderIDMismatch = Reply{Status: 403, FCMCode: "SENDER_ID_MISMATCH", GRPCStatus: "PERMISSION_DENIED", Message: "SenderId mismatch"}
	InvalidToken     = Reply{Status: 400, FCMCode: "INVALID_ARGUMENT", GRPCStatus: "INVALID_ARGUMENT", Message: "The registration token is not a valid FCM registration token"}
	InvalidMessage   = Reply{Status: 400, FCMCode: "INVALID_ARGUMENT", GRPCStatus: "INVALID_ARGUMENT", Message: "Invalid JSON payload received."}
	Internal         = Reply{Status: 500, FCMCode: "INTERNAL", GRPCStatus: "INTERNAL", Message: "Internal error encountered."}
)

// Quota is a 429 asking to wait retryAfter seconds.
func Quota(retryAfter int) Reply {
	return Reply{Status: 429, FCMCode: "QUOTA_EXCEEDED", GRPCStatus: "RESOURCE_EXHAUSTED", Message: "Quota exceeded.", RetryAfter: retryAfter}
}

// Unavailable is a 503, with a Retry-After when retryAfter > 0.
func Unavailable(retryAfter int) Reply {
	return Reply{Status: 503, FCMCode: "UNAVAILABLE", GRPCStatus: "UNAVAILABLE", Message: "The service is currently unavailable.", RetryAfter: retryAfter}
}

// Message is what the fake received (the parts tests look at).
type Message struct {
	Token        string                       `json:"token"`
	Notification struct{ Title, Body string } `json:"notification"`
	Data         map[string]string            `json:"data"`
	Android      struct {
		CollapseKey  string `json:"collapse_key"`
		Priority     string `json:"priority"`
		TTL          string `json:"ttl"`
		Notification struct {
			ChannelID string `json:"channel_id"`
		} `json:"notification"`
	} `json:"android"`
	APNS struct {
		Headers map[string]string `json:"headers"`
	} `json:"apns"`
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	// Latency delays every answer.
	Latency time.Duration

	mu       sync.Mutex
	scripts  map[string][]Reply // per token, consumed in order; the last one repeats
	received []Message
	perToken map[string]int
	answered map[string][]int // statuses answered per token
	requests atomic.Int64
	inFlight atomic.Int64
}

// New starts a fake and stops it when the test ends.
func New(t interface{ Cleanup(func()) }) *Server {
	f := &Server{scripts: map[string][]Reply{}, perToken: map[string]int{}, answered: map[string][]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Endpoint is the base URL to hand to the SDK (HOUQIN_FCM_ENDPOINT).
func (f *Server) Endpoint() string { return f.URL + "/v1" }

// Script sets the answers for token: one per request, the last repeating.
// Tokens without a script succeed.
func (f *Server) Script(token string, replies ...Reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[token] = replies
}

// Received returns the messages accepted (answered 200), in order.
func (f *Server) Received() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.received...)
}

// Delivered counts successful deliveries to token.
func (f *Server) Delivered(token string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.perToken[token]
}

// Answered lists the statuses the fake answered for token, in order.
func (f *Server) Answered(token string) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.answered[token]...)
}

// Requests counts every request received.
func (f *Server) Requests() int64 { return f.requests.Load() }

// InFlight counts the requests received and not yet answered.
func (f *Server) InFlight() int64 { return f.inFlight.Load() }

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	want := "/v1/projects/" + Project + "/messages:send"
	if r.Method != http.MethodPost || r.URL.Path != want {
		writeError(w, Reply{Status: 404, GRPCStatus: "NOT_FOUND", Message: "no such method " + r.URL.Path})
		return
	}
	var req struct {
		Message Message `json:"message"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Message.Token == "" {
		writeError(w, InvalidMessage)
		return
	}
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	tok := req.Message.Token
	f.mu.Lock()
	reply := OK
	if s := f.scripts[tok]; len(s) > 0 {
		reply = s[0]
		if len(s) > 1 {
			f.scripts[tok] = s[1:]
		}
	}
	f.answered[tok] = append(f.answered[tok], reply.Status)
	n := len(f.received)
	if reply.Status == http.StatusOK {
		f.received = append(f.received, req.Message)
		f.perToken[tok]++
	}
	f.mu.Unlock()
	if reply.Status != http.StatusOK {
		writeError(w, reply)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"name":"projects/%s/messages/0:%d"}`, Project, n+1)
}

func writeError(w http.ResponseWriter, r Reply) {
	if r.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(r.RetryAfter))
	}
	body := map[string]any{"code": r.Status, "message": r.Message, "status": r.GRPCStatus}
	if r.FCMCode != "" {
		body["details"] = []map[string]string{{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": r.FCMCode}}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(r.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": body})
}
