// Package dingtalkfake is a fake 钉钉 server API for tests, written from
// its published documentation: GET /gettoken (appkey and appsecret →
// access_token, expires_in 7200), work notifications sent with POST
// /topapi/message/corpconversation/asyncsend_v2 (agent_id, userid_list of
// at most 100 joined by ",", msg; the answer is a task_id), the task's
// getsendprogress (done at once) and getsendresult (invalid, forbidden
// and failed userids), and POST /topapi/v2/user/getbymobile (60121 when
// nobody has the mobile). An expired token is errcode 88 with sub_code
// 42001, an unknown one 40014. It keeps the platform's rule that one
// person gets one identical message a day: a second one is forbidden.
// Answers are scripted per userid: ok, invalid, forbidden, failed, or a
// limit on sends per minute for the whole request (143103).
package dingtalkfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"houqin/push"
	"houqin/push/internal/fakekit"
)

// The application the fake knows.
const (
	AppKey    = "dingtest0123456789"
	AppSecret = "dingtalk-test-secret"
	AgentID   = "2000001"
)

// Reply is one scripted answer for a userid. In a request for several,
// a reply with an ErrCode answers the whole request.
type Reply struct {
	ErrCode int
	ErrMsg  string
	list    string // the send result's list this userid lands in
}

// The replies 钉钉 gives.
var (
	OK          = Reply{}
	Invalid     = Reply{list: "invalid"}
	Forbidden   = Reply{list: "forbidden"}
	Failed      = Reply{list: "failed"}
	RateLimited = Reply{ErrCode: 143103, ErrMsg: "企业单应用消息发送人次QPM超限"}
)

// Message is one accepted task, with the userids it reached.
type Message struct {
	Users   []string
	AgentID int64
	MsgType string
	Content string
}

type task struct {
	invalid, forbidden, failed []string
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	*fakekit.Book[Reply, Message]
	fakekit.Members

	mu      sync.Mutex
	tasks   map[int64]task
	today   map[string]bool // userid + content already sent today
	queries int
}

// New starts a fake and stops it when the test ends.
func New(t testing.TB) *Server {
	f := &Server{Book: fakekit.NewBook[Reply, Message](OK), tasks: map[int64]task{}, today: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /gettoken", f.gettoken)
	mux.HandleFunc("POST /topapi/message/corpconversation/asyncsend_v2", f.send)
	mux.HandleFunc("POST /topapi/message/corpconversation/getsendprogress", f.progress)
	mux.HandleFunc("POST /topapi/message/corpconversation/getsendresult", f.result)
	mux.HandleFunc("POST /topapi/v2/user/getbymobile", f.getbymobile)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// Config is the sender's configuration for this fake.
func (f *Server) Config() push.DingTalkConfig {
	return push.DingTalkConfig{AppKey: AppKey, AppSecret: AppSecret, AgentID: AgentID, Endpoint: f.URL}
}

// ResultQueries counts the getsendresult calls.
func (f *Server) ResultQueries() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queries
}

func answer(w http.ResponseWriter, code int, msg string, extra map[string]any) {
	if extra == nil {
		extra = map[string]any{}
	}
	extra["request_id"] = "fake"
	fakekit.ErrCode(w, code, msg, extra)
}

func (f *Server) gettoken(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("appkey") != AppKey || r.URL.Query().Get("appsecret") != AppSecret {
		answer(w, 40089, "不合法的corpid或corpsecret", nil)
		return
	}
	answer(w, 0, "ok", map[string]any{"access_token": f.Issue(), "expires_in": 7200})
}

// authorised decodes the body into req after answering the token errors.
func (f *Server) authorised(w http.ResponseWriter, r *http.Request, req any) bool {
	tok := r.URL.Query().Get("access_token")
	switch {
	case f.Valid(tok):
		if json.NewDecoder(r.Body).Decode(req) != nil {
			answer(w, 400002, "无效的参数", nil)
			return false
		}
		return true
	case strings.HasPrefix(tok, "access-"):
		answer(w, 88, "鉴权异常", map[string]any{"sub_code": "42001", "sub_msg": "access_token已过期"})
	default:
		answer(w, 40014, "不合法的access_token", nil)
	}
	return false
}

func (f *Server) send(w http.ResponseWriter, r *http.Request) {
	f.Begin()
	var req struct {
		AgentID    int64  `json:"agent_id"`
		UserIDList string `json:"userid_list"`
		Msg        struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		} `json:"msg"`
	}
	if !f.authorised(w, r, &req) {
		return
	}
	users := strings.Split(req.UserIDList, ",")
	if req.AgentID == 0 || req.UserIDList == "" || len(users) > 100 || req.Msg.MsgType != "text" || req.Msg.Text.Content == "" {
		answer(w, 400002, "无效的参数", nil)
		return
	}
	m := Message{AgentID: req.AgentID, MsgType: req.Msg.MsgType, Content: req.Msg.Text.Content}
	var t task
	replies := make([]Reply, len(users))
	for i, u := range users {
		if replies[i] = f.Next(u); replies[i].ErrCode != 0 {
			answer(w, replies[i].ErrCode, replies[i].ErrMsg, nil)
			return
		}
	}
	f.mu.Lock()
	day := time.Now().Format(time.DateOnly)
	for i, u := range users {
		switch replies[i].list {
		case "invalid":
			t.invalid = append(t.invalid, u)
		case "failed":
			t.failed = append(t.failed, u)
		case "forbidden":
			t.forbidden = append(t.forbidden, u)
		default:
			if key := day + "\x00" + u + "\x00" + m.Content; f.today[key] {
				t.forbidden = append(t.forbidden, u)
			} else {
				f.today[key] = true
				m.Users = append(m.Users, u)
			}
		}
	}
	id := int64(len(f.tasks) + 1)
	f.tasks[id] = t
	f.mu.Unlock()
	if len(m.Users) > 0 {
		f.Deliver(m, m.Users...)
	}
	answer(w, 0, "ok", map[string]any{"task_id": id})
}

type taskQuery struct {
	AgentID int64 `json:"agent_id"`
	TaskID  int64 `json:"task_id"`
}

func (f *Server) task(w http.ResponseWriter, r *http.Request) (task, bool) {
	var q taskQuery
	if !f.authorised(w, r, &q) {
		return task{}, false
	}
	f.mu.Lock()
	t, ok := f.tasks[q.TaskID]
	f.mu.Unlock()
	if !ok {
		answer(w, 400002, "无效的task_id", nil)
	}
	return t, ok
}

func (f *Server) progress(w http.ResponseWriter, r *http.Request) {
	if _, ok := f.task(w, r); ok {
		answer(w, 0, "ok", map[string]any{"progress": map[string]int{"progress_in_percent": 100, "status": 2}})
	}
}

func (f *Server) result(w http.ResponseWriter, r *http.Request) {
	t, ok := f.task(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	f.queries++
	f.mu.Unlock()
	list := func(l []string) []string { return append([]string{}, l...) }
	forbidden := make([]map[string]any, len(t.forbidden))
	for i, u := range t.forbidden {
		forbidden[i] = map[string]any{"code": "143106", "count": 1, "userid": u}
	}
	answer(w, 0, "ok", map[string]any{"send_result": map[string]any{
		"invalid_user_id_list": list(t.invalid), "forbidden_user_id_list": list(t.forbidden), "failed_user_id_list": list(t.failed),
		"read_user_id_list": []string{}, "unread_user_id_list": []string{}, "invalid_dept_id_list": []int{}, "forbidden_list": forbidden,
	}})
}

func (f *Server) getbymobile(w http.ResponseWriter, r *http.Request) {
	f.Begin()
	var req struct {
		Mobile string `json:"mobile"`
	}
	if !f.authorised(w, r, &req) {
		return
	}
	id, ok := f.ByMobile(req.Mobile)
	if !ok {
		answer(w, 60121, "找不到该用户", nil)
		return
	}
	answer(w, 0, "ok", map[string]any{"result": map[string]string{"userid": id}})
}
