// Package vivofake is a fake vivo push server (vivo 推送) for tests: it
// speaks the server API's auth (POST /message/auth, the MD5 of appId,
// appKey, timestamp and app secret), single send (/message/send) and the
// batch flow (/message/saveListPayload, then /message/pushToList), JSON
// with an authToken header; it records what it accepts and answers what
// the test scripts per regId: success, an invalid regId (10302, or an
// invalidUsers entry in a batch), the daily total reached with a wait, a
// server error, an expired authToken (10000: dead from then on), a bad
// message; after an optional latency.
package vivofake

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"

	"houqin/push"
	"houqin/push/internal/fakekit"
)

// The credentials the fake accepts.
const (
	AppID     = "10004"
	AppKey    = "vivo-test-key"
	AppSecret = "vivo-test-secret"
)

// Reply is one scripted answer for a regId. In a batch, InvalidRegID is
// answered for its device alone; any other failure is the answer to the
// whole request.
type Reply struct {
	Status     int // HTTP status; 0 is 200
	Result     int // vivo's result code; 0 is success
	Desc       string
	RetryAfter int  // seconds; 0 sends no header
	expire     bool // the authToken the request carried expires now
}

// The replies vivo gives.
var (
	OK             = Reply{Desc: "请求成功"}
	InvalidRegID   = Reply{Result: 10302, Desc: "regId不合法"}
	ServerError    = Reply{Status: http.StatusInternalServerError, Desc: "Internet server error!"}
	InvalidMessage = Reply{Result: 10053, Desc: "title长度不合法"}
	ExpiredToken   = Reply{Result: 10000, Desc: "权限认证失败", expire: true}
)

// Quota is "10070 发送总量超出限制" with a Retry-After of wait seconds.
func Quota(wait int) Reply {
	return Reply{Result: 10070, Desc: "发送总量超出限制", RetryAfter: wait}
}

// Message is one accepted message: a single send, or a saved payload with
// the regIds of the pushToList that delivered it.
type Message struct {
	AppID           json.Number       `json:"appId"`
	RegID           string            `json:"regId"`
	RegIDs          []string          `json:"-"`
	NotifyType      int               `json:"notifyType"`
	Title           string            `json:"title"`
	Content         string            `json:"content"`
	TimeToLive      int               `json:"timeToLive"`
	SkipType        int               `json:"skipType"`
	SkipContent     string            `json:"skipContent"`
	Classification  int               `json:"classification"`
	Category        string            `json:"category"`
	ClientCustomMap map[string]string `json:"clientCustomMap"`
	RequestID       string            `json:"requestId"`
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	*fakekit.Book[Reply, Message]

	mu    sync.Mutex
	saved map[string]Message // by taskId
}

// New starts a fake and stops it when the test ends.
func New(t interface{ Cleanup(func()) }) *Server {
	f := &Server{Book: fakekit.NewBook[Reply, Message](OK), saved: map[string]Message{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Endpoint is the base URL to configure (HOUQIN_VIVO_ENDPOINT).
func (f *Server) Endpoint() string { return f.URL }

// Config is the sender's configuration for this fake.
func (f *Server) Config() push.VivoConfig {
	return push.VivoConfig{AppID: AppID, AppKey: AppKey, AppSecret: AppSecret, Endpoint: f.URL}
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		answer(w, Reply{Result: 10001, Desc: "method not allowed"}, nil)
		return
	}
	if r.URL.Path == "/message/auth" {
		f.auth(w, r)
		return
	}
	f.Begin()
	tok := r.Header.Get("authToken")
	if !f.Valid(tok) {
		answer(w, ExpiredToken, nil)
		return
	}
	switch r.URL.Path {
	case "/message/send":
		var m Message
		if json.NewDecoder(r.Body).Decode(&m) != nil || m.RegID == "" || m.Title == "" || m.RequestID == "" || m.AppID != AppID {
			answer(w, InvalidMessage, nil)
			return
		}
		reply := f.Next(m.RegID)
		if reply != OK {
			f.fail(w, tok, reply, map[string]any{"invalidUser": map[string]any{"status": 1, "userid": m.RegID}})
			return
		}
		m.RegIDs = []string{m.RegID}
		f.Deliver(m, m.RegID)
		answer(w, OK, map[string]any{"taskId": "single-" + strconv.FormatInt(f.Requests(), 10)})
	case "/message/saveListPayload":
		var m Message
		if json.NewDecoder(r.Body).Decode(&m) != nil || m.Title == "" || m.RequestID == "" || m.AppID != AppID {
			answer(w, InvalidMessage, nil)
			return
		}
		task := "list-" + strconv.FormatInt(f.Requests(), 10)
		f.mu.Lock()
		f.saved[task] = m
		f.mu.Unlock()
		answer(w, OK, map[string]any{"taskId": task})
	case "/message/pushToList":
		f.pushToList(w, r, tok)
	default:
		answer(w, Reply{Status: http.StatusNotFound, Result: 404, Desc: "no such method"}, nil)
	}
}

func (f *Server) auth(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppID     json.Number `json:"appId"`
		AppKey    string      `json:"appKey"`
		Timestamp json.Number `json:"timestamp"`
		Sign      string      `json:"sign"`
	}
	if json.NewDecoder(r.Body).Decode(&req) != nil {
		answer(w, Reply{Result: 10200, Desc: "appId 不能为空"}, nil)
		return
	}
	sum := md5.Sum([]byte(string(req.AppID) + req.AppKey + string(req.Timestamp) + AppSecret))
	if req.AppID != AppID || req.AppKey != AppKey || req.Sign != hex.EncodeToString(sum[:]) {
		answer(w, Reply{Result: 10205, Desc: "sign 不合法"}, nil)
		return
	}
	answer(w, OK, map[string]any{"authToken": f.Issue()})
}

func (f *Server) pushToList(w http.ResponseWriter, r *http.Request, tok string) {
	var req struct {
		AppID     json.Number `json:"appId"`
		RegIDs    []string    `json:"regIds"`
		TaskID    string      `json:"taskId"`
		RequestID string      `json:"requestId"`
	}
	if json.NewDecoder(r.Body).Decode(&req) != nil || len(req.RegIDs) < 2 || len(req.RegIDs) > 1000 || req.RequestID == "" {
		answer(w, InvalidMessage, nil)
		return
	}
	f.mu.Lock()
	m, found := f.saved[req.TaskID]
	f.mu.Unlock()
	if !found {
		answer(w, Reply{Result: 10104, Desc: "taskId 不存在"}, nil)
		return
	}
	replies := make([]Reply, len(req.RegIDs))
	for i, id := range req.RegIDs {
		replies[i] = f.Next(id)
		if replies[i] != OK && replies[i] != InvalidRegID {
			f.fail(w, tok, replies[i], nil)
			return
		}
	}
	var invalid []map[string]any
	for i, id := range req.RegIDs {
		if replies[i] == InvalidRegID {
			invalid = append(invalid, map[string]any{"status": 1, "userid": id})
		} else {
			m.RegIDs = append(m.RegIDs, id)
		}
	}
	if len(m.RegIDs) > 0 {
		f.Deliver(m, m.RegIDs...)
	}
	answer(w, OK, map[string]any{"taskId": req.TaskID, "invalidUsers": invalid})
}

func (f *Server) fail(w http.ResponseWriter, tok string, r Reply, extra map[string]any) {
	if r.expire {
		f.Expire(tok)
	}
	if r != InvalidRegID {
		extra = nil
	}
	answer(w, r, extra)
}

func answer(w http.ResponseWriter, r Reply, extra map[string]any) {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := map[string]any{"result": r.Result, "desc": r.Desc}
	for k, v := range extra {
		body[k] = v
	}
	fakekit.Write(w, status, r.RetryAfter, body)
}
