// Package honorfake is a fake Honor push service for tests, written from
// its published server API: a client-credentials token endpoint
// (/auth/token) and POST /api/v1/{appId}/sendMessage with a timestamp
// header and up to 1,000 tokens. It answers what the test scripts per
// token: success, an expired token (listed in data.expireTokens), a token
// it could not reach now (data.failTokens), a bad message (80100003),
// traffic control (HTTP 503 with a Retry-After), an internal error
// (81000001), an expired access token (HTTP 401, 80200003), after an
// optional latency; it counts requests.
package honorfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"

	"houqin/push"
	"houqin/push/internal/fakekit"
)

// The app and client the fake serves.
const (
	AppID        = "104400001"
	ClientID     = "honor-test-client"
	ClientSecret = "honor-test-secret"
)

// Reply is one scripted answer for a token.
type Reply struct {
	Status     int // HTTP status of a whole-request answer; 200 for a per-token outcome
	Code       int // Honor's result code
	Message    string
	RetryAfter int  // seconds; 0 sends no header
	Expired    bool // the token is dead (within a 200 answer)
	Failed     bool // the token could not be reached now (within a 200 answer)
}

// The answers Honor gives.
var (
	OK           = Reply{Status: 200, Code: 200, Message: "success"}
	InvalidToken = Reply{Status: 200, Expired: true}
	Unreachable  = Reply{Status: 200, Failed: true}
	BadMessage   = Reply{Status: 400, Code: 80100003, Message: "Illegal payload"}
	Internal     = Reply{Status: 500, Code: 81000001, Message: "Internal error"}
)

// Quota is traffic control: HTTP 503 asking to wait retryAfter seconds.
func Quota(retryAfter int) Reply {
	return Reply{Status: 503, Code: 503, Message: "traffic control", RetryAfter: retryAfter}
}

// Message is what the fake received (the parts tests look at).
type Message struct {
	Data    string `json:"data"`
	Android struct {
		TTL          string `json:"ttl"`
		Data         string `json:"data"`
		Notification struct {
			Title       string `json:"title"`
			Body        string `json:"body"`
			Importance  string `json:"importance"`
			NotifyID    int    `json:"notifyId"`
			ClickAction struct {
				Type   int    `json:"type"`
				Intent string `json:"intent"`
			} `json:"clickAction"`
		} `json:"notification"`
	} `json:"android"`
	Token []string `json:"token"`
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	*fakekit.Book[Reply, Message]
}

// New starts a fake and stops it when the test ends.
func New(t interface{ Cleanup(func()) }) *Server {
	f := &Server{Book: fakekit.NewBook[Reply, Message](OK)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/token", f.ClientCredentials(ClientID, ClientSecret))
	mux.HandleFunc("POST /api/v1/{app}/sendMessage", f.send)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// Endpoint is the base URL to hand to the sender (HOUQIN_HONOR_ENDPOINT).
func (f *Server) Endpoint() string { return f.URL }

// Config is the sender's configuration for this fake.
func (f *Server) Config() push.HonorConfig {
	return push.HonorConfig{AppID: AppID, ClientID: ClientID, ClientSecret: ClientSecret, Endpoint: f.URL}
}

func (f *Server) send(w http.ResponseWriter, r *http.Request) {
	f.Begin()
	if r.PathValue("app") != AppID {
		answer(w, Reply{Status: 404, Code: 80300002, Message: "unknown app"}, nil)
		return
	}
	if !f.Bearer(r) {
		answer(w, Reply{Status: 401, Code: 80200003, Message: "access token expired"}, nil)
		return
	}
	if _, err := strconv.ParseInt(r.Header.Get("timestamp"), 10, 64); err != nil {
		answer(w, Reply{Status: 400, Code: 80100001, Message: "missing timestamp"}, nil)
		return
	}
	var req Message
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Token) == 0 ||
		req.Android.Notification.Title == "" {
		answer(w, BadMessage, nil)
		return
	}
	if len(req.Token) > 1000 {
		answer(w, Reply{Status: 400, Code: 80300010, Message: "too many tokens"}, nil)
		return
	}
	data := map[string]any{"sendResult": true, "requestId": "1700000000000000000",
		"failTokens": []string{}, "expireTokens": []string{}}
	var expired, failed, sent []string
	for _, tok := range req.Token {
		switch reply := f.Next(tok); {
		case reply.Expired:
			expired = append(expired, tok)
		case reply.Failed:
			failed = append(failed, tok)
		case reply.Status != 200:
			answer(w, reply, nil)
			return
		default:
			sent = append(sent, tok)
		}
	}
	if len(expired) == len(req.Token) {
		answer(w, Reply{Status: 400, Code: 80300007, Message: "all the tokens are invalid"}, nil)
		return
	}
	if expired != nil {
		data["expireTokens"] = expired
	}
	if failed != nil {
		data["failTokens"] = failed
	}
	f.Deliver(req, sent...)
	answer(w, OK, data)
}

func answer(w http.ResponseWriter, r Reply, data map[string]any) {
	if r.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(r.RetryAfter))
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(r.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": r.Code, "message": r.Message, "data": data})
}
