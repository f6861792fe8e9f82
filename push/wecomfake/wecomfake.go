// Package wecomfake is a fake 企业微信 server API for tests, written from
// its published documentation: GET /cgi-bin/gettoken (corpid and
// corpsecret → access_token, expires_in 7200; a wrong secret is 40001),
// POST /cgi-bin/message/send (an expired token 42001, an unknown one
// 40014; touser of at most 1,000 userids joined by "|"; invaliduser for
// the recipients it does not know; 81013 when it knows none; the
// duplicate check: with enable_duplicate_check 1, a request identical to
// one taken within duplicate_check_interval is answered ok and not
// delivered), and POST /cgi-bin/user/getuserid (a member by mobile, 46004
// when there is none). Answers are scripted per userid: ok, invalid,
// frequency limit (45009), system busy (-1), or delivered but the answer
// lost on the way (HTTP 502).
package wecomfake

import (
	"crypto/sha256"
	"encoding/json"
	"io"
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
	CorpID  = "ww0123456789abcdef"
	AgentID = "1000002"
	Secret  = "wecom-test-secret"
)

// Reply is one scripted answer for a userid. In a request for several,
// the first reply that fails the request (any but OK and Invalid) is the
// answer to all of them.
type Reply struct {
	ErrCode int
	ErrMsg  string
	invalid bool // named in invaliduser
	lost    bool // delivered, but the answer never arrives
}

// The replies 企业微信 gives.
var (
	OK          = Reply{ErrMsg: "ok"}
	Invalid     = Reply{invalid: true}
	RateLimited = Reply{ErrCode: 45009, ErrMsg: "api freq out of limit"}
	Busy        = Reply{ErrCode: -1, ErrMsg: "system busy"}
	LostAnswer  = Reply{lost: true}
)

// Message is one delivered request.
type Message struct {
	ToUser                 []string
	MsgType                string
	AgentID                int64
	Content                string // text
	Title, Description     string // textcard
	URL, BtnTxt            string
	EnableDuplicateCheck   int
	DuplicateCheckInterval int
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	*fakekit.Book[Reply, Message]
	fakekit.Members

	mu      sync.Mutex
	taken   map[[32]byte]time.Time // requests taken with the duplicate check, until when
	dropped int
}

// New starts a fake and stops it when the test ends.
func New(t testing.TB) *Server {
	f := &Server{Book: fakekit.NewBook[Reply, Message](OK), taken: map[[32]byte]time.Time{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/gettoken", f.gettoken)
	mux.HandleFunc("POST /cgi-bin/message/send", f.send)
	mux.HandleFunc("POST /cgi-bin/user/getuserid", f.getuserid)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// Config is the sender's configuration for this fake; cardURL "" sends text.
func (f *Server) Config(cardURL string) push.WeComConfig {
	return push.WeComConfig{CorpID: CorpID, AgentID: AgentID, Secret: Secret, CardURL: cardURL, Endpoint: f.URL}
}

// Duplicates counts the requests dropped by the duplicate check.
func (f *Server) Duplicates() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropped
}

func (f *Server) gettoken(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("corpid") != CorpID || r.URL.Query().Get("corpsecret") != Secret {
		fakekit.ErrCode(w, 40001, "invalid credential", nil)
		return
	}
	fakekit.ErrCode(w, 0, "ok", map[string]any{"access_token": f.Issue(), "expires_in": 7200})
}

// authorised answers the token errors and reports whether to go on.
func (f *Server) authorised(w http.ResponseWriter, r *http.Request) bool {
	tok := r.URL.Query().Get("access_token")
	switch {
	case f.Valid(tok):
		return true
	case strings.HasPrefix(tok, "access-"):
		fakekit.ErrCode(w, 42001, "access_token expired", nil)
	default:
		fakekit.ErrCode(w, 40014, "invalid access_token", nil)
	}
	return false
}

func (f *Server) send(w http.ResponseWriter, r *http.Request) {
	f.Begin()
	if !f.authorised(w, r) {
		return
	}
	var req struct {
		ToUser   string `json:"touser"`
		MsgType  string `json:"msgtype"`
		AgentID  int64  `json:"agentid"`
		Text     struct{ Content string }
		TextCard struct {
			Title, Description, URL string
			BtnTxt                  string `json:"btntxt"`
		} `json:"textcard"`
		EnableDuplicateCheck   int `json:"enable_duplicate_check"`
		DuplicateCheckInterval int `json:"duplicate_check_interval"`
	}
	raw, _ := io.ReadAll(r.Body)
	if json.Unmarshal(raw, &req) != nil || req.AgentID == 0 || req.ToUser == "" {
		fakekit.ErrCode(w, 40003, "invalid userid", nil)
		return
	}
	m := Message{ToUser: strings.Split(req.ToUser, "|"), MsgType: req.MsgType, AgentID: req.AgentID, Content: req.Text.Content,
		Title: req.TextCard.Title, Description: req.TextCard.Description, URL: req.TextCard.URL, BtnTxt: req.TextCard.BtnTxt,
		EnableDuplicateCheck: req.EnableDuplicateCheck, DuplicateCheckInterval: req.DuplicateCheckInterval}
	switch {
	case len(m.ToUser) > 1000:
		fakekit.ErrCode(w, 40003, "touser exceeds 1000", nil)
		return
	case m.MsgType == "text" && (m.Content == "" || len(m.Content) > 2048),
		m.MsgType == "textcard" && (m.Title == "" || len(m.Title) > 128 || len(m.Description) > 512 || m.URL == ""),
		m.MsgType != "text" && m.MsgType != "textcard":
		fakekit.ErrCode(w, 44004, "invalid content", nil)
		return
	}
	if f.duplicate(raw, req.EnableDuplicateCheck, req.DuplicateCheckInterval) {
		fakekit.ErrCode(w, 0, "ok", map[string]any{"invaliduser": "", "msgid": "dup"})
		return
	}
	var invalid, ok []string
	lost := false
	for _, u := range m.ToUser {
		reply := f.Next(u)
		switch {
		case reply.invalid:
			invalid = append(invalid, strings.ToLower(u))
		case reply.lost:
			lost = true
			ok = append(ok, u)
		case reply.ErrCode != 0:
			fakekit.ErrCode(w, reply.ErrCode, reply.ErrMsg, nil)
			return
		default:
			ok = append(ok, u)
		}
	}
	if len(ok) == 0 {
		fakekit.ErrCode(w, 81013, "user & party & tag all invalid", nil)
		return
	}
	f.remember(raw, req.EnableDuplicateCheck, req.DuplicateCheckInterval)
	m.ToUser = ok
	f.Deliver(m, ok...)
	if lost {
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	fakekit.ErrCode(w, 0, "ok", map[string]any{"invaliduser": strings.Join(invalid, "|"), "msgid": "msg-1"})
}

// The duplicate check: a request identical (the JSON body) to one taken
// within its interval (default 1,800 s, at most four hours) is not
// delivered again.
func (f *Server) duplicate(raw []byte, on, interval int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	until, seen := f.taken[sha256.Sum256(raw)]
	if on == 1 && seen && time.Now().Before(until) {
		f.dropped++
		return true
	}
	return false
}

func (f *Server) remember(raw []byte, on, interval int) {
	if on != 1 {
		return
	}
	if interval <= 0 {
		interval = 1800
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.taken[sha256.Sum256(raw)] = time.Now().Add(time.Duration(min(interval, 4*3600)) * time.Second)
}

func (f *Server) getuserid(w http.ResponseWriter, r *http.Request) {
	f.Begin()
	if !f.authorised(w, r) {
		return
	}
	var req struct{ Mobile string }
	raw, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(raw, &req)
	id, ok := f.ByMobile(req.Mobile)
	if !ok {
		fakekit.ErrCode(w, 46004, "user no exist", nil)
		return
	}
	fakekit.ErrCode(w, 0, "ok", map[string]any{"userid": id})
}
