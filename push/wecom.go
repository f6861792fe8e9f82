package push

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// WeComConfig is the self-built application (自建应用) of the centre in
// 企业微信, or in 政务微信 (the same API on the government's own host).
type WeComConfig struct {
	CorpID  string // 我的企业 → 企业信息 → 企业ID
	AgentID string // 应用管理 → the application → AgentId
	Secret  string // 应用管理 → the application → Secret
	// CardURL is the page a text card opens (the app's or a web page);
	// empty sends plain text.
	CardURL  string
	Endpoint string // base URL; empty for https://qyapi.weixin.qq.com
}

// WeCom sends application messages (应用消息) through 企业微信's server
// API: POST /cgi-bin/message/send to up to 1,000 userids a request,
// joined by "|", with the duplicate check on so that a retry of a request
// that went through is not shown twice. Recipients the platform names in
// invaliduser (not in the organisation, outside the application's visible
// range) are dead: their binding is marked invalid, not retried.
type WeCom struct {
	cfg WeComConfig
	api *workAPI
}

// WeCom's error codes that the sender acts on.
const (
	wecomTokenInvalid = 40014 // 不合法的access_token
	wecomTokenExpired = 42001 // access_token已过期
	wecomAllInvalid   = 81013 // every recipient invalid
	wecomNoSuchUser   = 46004 // 不存在的成员 (look-up by mobile)
)

// wecomRetry are answers worth another try later: system busy, API
// frequency limits, an untrusted server IP (可信IP, the operator's to fix).
var wecomRetry = map[int]bool{-1: true, 45009: true, 45033: true, 45011: true, 60020: true}

// wecomDuplicateWindow is how long 企业微信 drops a request identical to
// one it took: its maximum, four hours, covering the worker's retries.
const wecomDuplicateWindow = 4 * time.Hour

// NewWeCom builds the sender; the agent id must be a number.
func NewWeCom(cfg WeComConfig) (*WeCom, error) {
	api, err := newWorkAPI("wecom", cfg.Endpoint, "https://qyapi.weixin.qq.com", cfg.AgentID, "/cgi-bin/gettoken",
		url.Values{"corpid": {cfg.CorpID}, "corpsecret": {cfg.Secret}},
		func(e workErr) bool { return e.ErrCode == wecomTokenExpired || e.ErrCode == wecomTokenInvalid })
	return &WeCom{cfg: cfg, api: api}, err
}

// MaxBatch is 企业微信's limit of userids in touser.
func (w *WeCom) MaxBatch() int { return 1000 }

// Send implements Sender.
func (w *WeCom) Send(ctx context.Context, m Message) Result { return w.SendBatch(ctx, []Message{m})[0] }

// 企业微信's limits, in bytes: a text card's title and description, a text.
const (
	wecomCardTitle = 128
	wecomCardDesc  = 512
	wecomTextMax   = 2048
)

type wecomText struct {
	Content string `json:"content"`
}

type wecomCard struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	BtnTxt      string `json:"btntxt"`
}

type wecomMessage struct {
	ToUser                 string     `json:"touser"`
	MsgType                string     `json:"msgtype"`
	AgentID                int64      `json:"agentid"`
	Text                   *wecomText `json:"text,omitempty"`
	TextCard               *wecomCard `json:"textcard,omitempty"`
	EnableDuplicateCheck   int        `json:"enable_duplicate_check"`
	DuplicateCheckInterval int        `json:"duplicate_check_interval"`
}

// SendBatch implements BatchSender: one request for the group.
func (w *WeCom) SendBatch(ctx context.Context, ms []Message) []Result {
	if len(ms) == 0 {
		return nil
	}
	body := w.message(ms)
	var ans struct {
		InvalidUser    string `json:"invaliduser"`
		UnlicensedUser string `json:"unlicenseduser"`
	}
	e, r, ok := w.api.call(ctx, "/cgi-bin/message/send", body, &ans)
	switch {
	case !ok:
		return each(len(ms), r)
	case e.ErrCode == 0:
		listed := map[string]Result{}
		for _, u := range split(ans.InvalidUser, "|") {
			listed[strings.ToLower(u)] = Result{Outcome: DeadToken, Err: fmt.Errorf("wecom: %s is not a member the application may reach", u)}
		}
		for _, u := range split(ans.UnlicensedUser, "|") {
			listed[strings.ToLower(u)] = Result{Outcome: Rejected, Err: fmt.Errorf("wecom: %s has no licence (接口许可)", u)}
		}
		return accountResults(ms, listed, Result{})
	case e.ErrCode == wecomAllInvalid:
		return each(len(ms), Result{Outcome: DeadToken, Err: e.err("wecom")})
	case wecomRetry[e.ErrCode]:
		return each(len(ms), Result{Outcome: Retry, Err: e.err("wecom"), RetryAfter: r.RetryAfter})
	}
	return each(len(ms), Result{Outcome: Rejected, Err: e.err("wecom")})
}

// message is the request for a group of one notice: a text card opening
// CardURL with the deep link when there is one, else a text. Both carry
// the notice's push_id or time, so two notices never look alike to the
// duplicate check, and a re-sent one always does.
func (w *WeCom) message(ms []Message) wecomMessage {
	m := ms[0]
	users := make([]string, len(ms))
	for i, mm := range ms {
		users[i] = mm.Token
	}
	out := wecomMessage{ToUser: strings.Join(users, "|"), AgentID: w.api.agent,
		EnableDuplicateCheck: 1, DuplicateCheckInterval: int(wecomDuplicateWindow / time.Second)}
	if w.cfg.CardURL == "" {
		out.MsgType = "text"
		out.Text = &wecomText{cut(workText(m), wecomTextMax, false)}
		return out
	}
	q := url.Values{}
	for k, v := range m.Data {
		q.Set(k, v)
	}
	link := w.cfg.CardURL
	if strings.Contains(link, "?") {
		link += "&" + q.Encode()
	} else {
		link += "?" + q.Encode()
	}
	out.MsgType = "textcard"
	out.TextCard = &wecomCard{cut(m.Title, wecomCardTitle, false), cut(m.Body+"\n"+workTime(m), wecomCardDesc, false), link, "详情"}
	return out
}

// AccountByMobile finds a member's userid by mobile number
// (/cgi-bin/user/getuserid; the application needs the 通讯录 read right).
func (w *WeCom) AccountByMobile(ctx context.Context, mobile string) (string, bool, error) {
	return w.api.byMobile(ctx, "/cgi-bin/user/getuserid", mobile, wecomNoSuchUser)
}

// split cuts a list the platforms join with sep; "" is none.
func split(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}
