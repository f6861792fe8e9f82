// Package huaweifake is a fake Huawei Push Kit for tests, written from the
// published server API: an OAuth client-credentials token endpoint
// (/oauth2/v3/token) and POST /v1/{appId}/messages:send with up to 1,000
// tokens a message. It answers what the test scripts per token: success,
// an illegal token (a partly successful batch answers 80100000 and lists
// the illegal_tokens in msg; a batch of only illegal tokens 80300007), a
// bad message (80100003), traffic control (HTTP 503, with a Retry-After),
// an internal error (81000001), an expired access token (HTTP 401,
// 80200003), after an optional latency; it counts requests.
package huaweifake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"

	"houqin/push"
	"houqin/push/internal/fakekit"
)

// The app the fake serves, and its secret.
const (
	AppID     = "104000001"
	AppSecret = "huawei-test-secret"
)

// Reply is one scripted answer for a token.
type Reply struct {
	Status     int    // HTTP status of a whole-request answer; 200 for a per-token outcome
	Code       string // Push Kit's result code
	Msg        string
	RetryAfter int  // seconds; 0 sends no header
	Illegal    bool // the token is illegal (per token, within a 200 answer)
}

// The answers Push Kit gives.
var (
	OK           = Reply{Status: 200, Code: "80000000", Msg: "Success"}
	InvalidToken = Reply{Status: 200, Illegal: true}
	BadMessage   = Reply{Status: 400, Code: "80100003", Msg: "Illegal payload"}
	Internal     = Reply{Status: 500, Code: "81000001", Msg: "System inner error"}
)

// Quota is traffic control: HTTP 503 asking to wait retryAfter seconds.
func Quota(retryAfter int) Reply {
	return Reply{Status: 503, Msg: "traffic control", RetryAfter: retryAfter}
}

// Message is what the fake received (the parts tests look at).
type Message struct {
	Data    string `json:"data"`
	Android struct {
		Urgency      string `json:"urgency"`
		Category     string `json:"category"`
		TTL          string `json:"ttl"`
		Notification struct {
			Title       string `json:"title"`
			Body        string `json:"body"`
			ChannelID   string `json:"channel_id"`
			Importance  string `json:"importance"`
			NotifyID    int    `json:"notify_id"`
			ClickAction struct {
				Type   int    `json:"type"`
				Intent string `json:"intent"`
			} `json:"click_action"`
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
	mux.HandleFunc("POST /oauth2/v3/token", f.ClientCredentials(AppID, AppSecret))
	mux.HandleFunc("POST /v1/{app}/messages:send", f.send)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// Endpoint is the base URL to hand to the sender (HOUQIN_HUAWEI_ENDPOINT).
func (f *Server) Endpoint() string { return f.URL }

// Config is the sender's configuration for this fake.
func (f *Server) Config() push.HuaweiConfig {
	return push.HuaweiConfig{AppID: AppID, AppSecret: AppSecret, Endpoint: f.URL}
}

func (f *Server) send(w http.ResponseWriter, r *http.Request) {
	f.Begin()
	if r.PathValue("app") != AppID {
		answer(w, Reply{Status: 404, Code: "80300002", Msg: "unknown app"})
		return
	}
	if !f.Bearer(r) {
		answer(w, Reply{Status: 401, Code: "80200003", Msg: "OAuth token expired."})
		return
	}
	var req struct {
		Message Message `json:"message"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Message.Token) == 0 ||
		req.Message.Android.Notification.Title == "" {
		answer(w, BadMessage)
		return
	}
	if len(req.Message.Token) > 1000 {
		answer(w, Reply{Status: 400, Code: "80300010", Msg: "The number of tokens exceeds the limit"})
		return
	}
	// A request-wide answer scripted for any token wins; else each token
	// is delivered or found illegal.
	var illegal, sent []string
	for _, tok := range req.Message.Token {
		switch reply := f.Next(tok); {
		case reply.Illegal:
			illegal = append(illegal, tok)
		case reply.Status != 200:
			answer(w, reply)
			return
		default:
			sent = append(sent, tok)
		}
	}
	if len(illegal) == len(req.Message.Token) {
		answer(w, Reply{Status: 400, Code: "80300007", Msg: "All the tokens are invalid"})
		return
	}
	f.Deliver(req.Message, sent...)
	if len(illegal) > 0 {
		msg, _ := json.Marshal(map[string]any{"success": len(req.Message.Token) - len(illegal),
			"failure": len(illegal), "illegal_tokens": illegal})
		answer(w, Reply{Status: 200, Code: "80100000", Msg: string(msg)})
		return
	}
	answer(w, OK)
}

func answer(w http.ResponseWriter, r Reply) {
	if r.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(r.RetryAfter))
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(r.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": r.Code, "msg": r.Msg, "requestId": "16020965316734606500"})
}
