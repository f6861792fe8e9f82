// Package xiaomifake is a fake Xiaomi push server (小米推送) for tests: it
// speaks the MiPush server API's send-by-regid (POST /v3/message/regid,
// form-encoded, Authorization: key=<AppSecret>), records what it accepts,
// and answers what the test scripts per registration id: success, an
// invalid regid (reported in bad_regids, or code 20301 "No valid targets!"
// when none is valid), quota with a wait, a server error, a bad message;
// after an optional latency. Xiaomi has no access token: a wrong app secret
// gets code 21301.
package xiaomifake

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"houqin/push"
	"houqin/push/internal/fakekit"
)

// AppSecret is the only secret the fake accepts.
const AppSecret = "xiaomi-test-secret"

// Reply is one scripted answer for a registration id. In a request for
// several ids, the first reply that fails the request (any but OK and
// InvalidRegID) is the answer to all of them.
type Reply struct {
	Status     int // HTTP status; 0 is 200
	Code       int // Xiaomi's result code; 0 is success
	Reason     string
	RetryAfter int  // seconds; 0 sends no header
	invalid    bool // the regid is unknown: named in bad_regids
}

// The replies Xiaomi gives.
var (
	OK             = Reply{}
	InvalidRegID   = Reply{invalid: true}
	ServerError    = Reply{Status: http.StatusInternalServerError, Reason: "internal error"}
	InvalidMessage = Reply{Code: 10017, Reason: "参数值非法"}
)

// Quota is the daily quota used up, with a Retry-After of wait seconds.
func Quota(wait int) Reply {
	return Reply{Code: 200001, Reason: "exceed quota, quota: 10000, have acked: 10000", RetryAfter: wait}
}

// Message is one accepted request: one payload for its registration ids.
type Message struct {
	RegIDs           []string
	PackageName      string
	PassThrough      string
	Title            string
	Description      string
	NotifyType       string
	NotifyID         string
	TimeToLive       string
	Payload          string
	ChannelID        string
	NotifyForeground string
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

// Endpoint is the base URL to configure (HOUQIN_XIAOMI_ENDPOINT).
func (f *Server) Endpoint() string { return f.URL }

// Config is the sender's configuration for this fake.
func (f *Server) Config() push.XiaomiConfig {
	return push.XiaomiConfig{AppSecret: AppSecret, PackageName: "cn.gov.houqin", ChannelID: "houqin_work", Endpoint: f.URL}
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v3/message/regid" {
		fakekit.Write(w, http.StatusNotFound, 0, map[string]any{"result": "error", "code": 404, "reason": "no such method " + r.URL.Path})
		return
	}
	f.Begin()
	if r.Header.Get("Authorization") != "key="+AppSecret {
		writeError(w, Reply{Code: 21301, Reason: "认证失败"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("registration_id") == "" || r.PostForm.Get("title") == "" {
		writeError(w, InvalidMessage)
		return
	}
	p := r.PostForm
	ids := strings.Split(p.Get("registration_id"), ",")
	if len(ids) > 1000 {
		writeError(w, Reply{Code: 10017, Reason: "too many registration ids"})
		return
	}
	var bad, good []string
	var fail *Reply
	for _, id := range ids {
		reply := f.Next(id)
		switch {
		case reply.invalid:
			bad = append(bad, id)
		case reply != OK && fail == nil:
			fail = &reply
		default:
			good = append(good, id)
		}
	}
	if fail != nil {
		writeError(w, *fail)
		return
	}
	if len(good) == 0 {
		writeError(w, Reply{Code: 20301, Reason: "No valid targets!"})
		return
	}
	f.Deliver(Message{
		RegIDs: good, PackageName: p.Get("restricted_package_name"), PassThrough: p.Get("pass_through"),
		Title: p.Get("title"), Description: p.Get("description"), NotifyType: p.Get("notify_type"),
		NotifyID: p.Get("notify_id"), TimeToLive: p.Get("time_to_live"), Payload: p.Get("payload"),
		ChannelID: p.Get("extra.channel_id"), NotifyForeground: p.Get("extra.notify_foreground"),
	}, good...)
	data := map[string]string{"id": "slm" + strconv.FormatInt(f.Requests(), 10)}
	if len(bad) > 0 {
		data["bad_regids"] = strings.Join(bad, ",")
	}
	fakekit.Write(w, http.StatusOK, 0, map[string]any{
		"result": "ok", "code": 0, "description": "成功", "data": data, "trace_id": "fake",
		"info": "Received push messages for " + strconv.Itoa(len(good)) + " REGID",
	})
}

func writeError(w http.ResponseWriter, r Reply) {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	fakekit.Write(w, status, r.RetryAfter, map[string]any{
		"result": "error", "code": r.Code, "reason": r.Reason, "description": "发送消息失败", "trace_id": "fake",
	})
}
