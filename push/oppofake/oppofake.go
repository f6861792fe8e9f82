// Package oppofake is a fake OPPO push server (OPPO 推送) for tests: it
// speaks the server API's auth (POST /server/v1/auth, the SHA-256 of
// app_key, timestamp and master secret), unicast and unicast_batch
// (form-encoded, auth_token header), records what it accepts, and answers
// what the test scripts per registration id: success, an invalid regid
// (code 10000, per device in a batch), flow control with a wait, a server
// error, an expired auth token (code 11: the token is dead from then on),
// a bad message; after an optional latency.
package oppofake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"

	"houqin/push"
	"houqin/push/internal/fakekit"
)

// The credentials the fake accepts.
const (
	AppKey       = "oppo-test-key"
	MasterSecret = "oppo-test-master-secret"
)

// Reply is one scripted answer for a registration id. In a batch, codes
// 10000 and 10001 are answered for their device alone; any other failure
// is the answer to the whole request.
type Reply struct {
	Status     int // HTTP status; 0 is 200
	Code       int // OPPO's return code; 0 is success
	Message    string
	RetryAfter int  // seconds; 0 sends no header
	expire     bool // the auth token the request carried expires now
}

// The replies OPPO gives.
var (
	OK             = Reply{Message: "Success"}
	InvalidRegID   = Reply{Code: 10000, Message: "Invalid RegistrationId"}
	ServerError    = Reply{Status: http.StatusInternalServerError, Code: -1, Message: "Service Currently Unavailable"}
	InvalidMessage = Reply{Code: 41, Message: "Invalid Arguments"}
	ExpiredToken   = Reply{Code: 11, Message: "Invalid AuthToken", expire: true}
)

// FlowControl is OPPO's "service flow control" with a Retry-After of wait
// seconds.
func FlowControl(wait int) Reply {
	return Reply{Code: -2, Message: "Service In Flow Control", RetryAfter: wait}
}

// Quota is the daily limit reached, with a Retry-After of wait seconds.
func Quota(wait int) Reply {
	return Reply{Code: 33, Message: "The number of messages exceeds the daily limit", RetryAfter: wait}
}

// Message is one accepted message for one registration id.
type Message struct {
	TargetType   int    `json:"target_type"`
	TargetValue  string `json:"target_value"`
	Notification struct {
		AppMessageID     string `json:"app_message_id"`
		Title            string `json:"title"`
		Content          string `json:"content"`
		ClickActionType  int    `json:"click_action_type"`
		ActionParameters string `json:"action_parameters"`
		OffLine          bool   `json:"off_line"`
		OffLineTTL       int    `json:"off_line_ttl"`
		ChannelID        string `json:"channel_id"`
		NotifyLevel      int    `json:"notify_level"`
		Category         string `json:"category"`
	} `json:"notification"`
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	*fakekit.Book[Reply, Message]
}

// New starts a fake and stops it when the test ends.
func New(t interface{ Cleanup(func()) }) *Server {
	f := &Server{Book: fakekit.NewBook[Reply, Message](OK)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Endpoint is the base URL to configure (HOUQIN_OPPO_ENDPOINT).
func (f *Server) Endpoint() string { return f.URL }

// Config is the sender's configuration for this fake.
func (f *Server) Config() push.OPPOConfig {
	return push.OPPOConfig{AppKey: AppKey, MasterSecret: MasterSecret, ChannelID: "houqin_work", Endpoint: f.URL}
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		answer(w, Reply{Code: 12, Message: "Http Action Not Allowed"}, nil)
		return
	}
	switch r.URL.Path {
	case "/server/v1/auth":
		f.auth(w, r)
	case "/server/v1/message/notification/unicast":
		f.Begin()
		var m Message
		if json.Unmarshal([]byte(r.PostForm.Get("message")), &m) != nil || m.TargetValue == "" || m.Notification.Title == "" {
			answer(w, InvalidMessage, nil)
			return
		}
		f.push(w, r, []Message{m}, false)
	case "/server/v1/message/notification/unicast_batch":
		f.Begin()
		var ms []Message
		if json.Unmarshal([]byte(r.PostForm.Get("messages")), &ms) != nil || len(ms) == 0 || len(ms) > 1000 {
			answer(w, InvalidMessage, nil)
			return
		}
		f.push(w, r, ms, true)
	default:
		answer(w, Reply{Code: 20, Message: "Invalid Method"}, nil)
	}
}

func (f *Server) auth(w http.ResponseWriter, r *http.Request) {
	p := r.PostForm
	sum := sha256.Sum256([]byte(p.Get("app_key") + p.Get("timestamp") + MasterSecret))
	if p.Get("app_key") != AppKey || p.Get("sign") != hex.EncodeToString(sum[:]) {
		answer(w, Reply{Code: 16, Message: "Invalid Signature"}, nil)
		return
	}
	answer(w, OK, map[string]any{"auth_token": f.Issue(), "create_time": 0})
}

func (f *Server) push(w http.ResponseWriter, r *http.Request, ms []Message, batch bool) {
	tok := r.Header.Get("auth_token")
	if !f.Valid(tok) {
		answer(w, ExpiredToken, nil)
		return
	}
	replies := make([]Reply, len(ms))
	for i, m := range ms {
		replies[i] = f.Next(m.TargetValue)
	}
	for _, reply := range replies {
		perDevice := batch && (reply.Code == 10000 || reply.Code == 10001)
		if reply != OK && !perDevice {
			if reply.expire {
				f.Expire(tok)
			}
			answer(w, reply, nil)
			return
		}
	}
	var results []map[string]any
	for i, m := range ms {
		res := map[string]any{"registrationId": m.TargetValue, "messageId": "fake-" + strconv.FormatInt(f.Requests(), 10) + "-" + strconv.Itoa(i)}
		if replies[i] != OK {
			res["errorCode"], res["errorMessage"] = replies[i].Code, replies[i].Message
		} else {
			f.Deliver(m, m.TargetValue)
		}
		results = append(results, res)
	}
	if batch {
		answer(w, OK, results)
		return
	}
	answer(w, OK, results[0])
}

func answer(w http.ResponseWriter, r Reply, data any) {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := map[string]any{"code": r.Code, "message": r.Message}
	if data != nil {
		body["data"] = data
	}
	fakekit.Write(w, status, r.RetryAfter, body)
}
