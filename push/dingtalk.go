package push

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DingTalkConfig is the centre's internal application (企业内部应用) in 钉钉,
// or in 政务钉钉 (the same API on the government's own host).
type DingTalkConfig struct {
	AppKey    string // 开发者后台 → the application → 凭证与基础信息 → AppKey
	AppSecret string // … → AppSecret
	AgentID   string // … → AgentId
	Endpoint  string // base URL; empty for https://oapi.dingtalk.com
}

// DingTalk sends work notifications (工作通知) through 钉钉's server API:
// asyncsend_v2 to up to 100 userids a request; the platform takes the
// task and delivers it later, so the sender then asks getsendprogress
// until the task is done and getsendresult which recipients were invalid
// (dead: the binding is marked invalid), refused (forbidden: daily limits,
// and the rule that one person gets one identical message a day, which
// workText's time keeps notices clear of) or failed (retried).
type DingTalk struct{ api *workAPI }

// dingPoll is the wait between progress queries of a task, and dingPolls
// their number: a few seconds, within the worker's lease.
const (
	dingPoll  = 300 * time.Millisecond
	dingPolls = 10
)

// 钉钉's error codes that the sender acts on.
const (
	dingAuth         = 88    // 鉴权异常: the real code is in sub_code
	dingTokenInvalid = 40014 // 不合法的access_token
	dingTokenExpired = 42001 // access_token超时
	dingNoSuchUser   = 60121 // 找不到该用户 (look-up by mobile)
)

// dingRetry are answers worth another try later: system busy and the
// per-minute limits of sends (143103, 143104).
var dingRetry = map[int]bool{-1: true, 143103: true, 143104: true}

// NewDingTalk builds the sender; the agent id must be a number.
func NewDingTalk(cfg DingTalkConfig) (*DingTalk, error) {
	expired := func(e workErr) bool {
		code := e.ErrCode
		if code == dingAuth {
			code, _ = strconv.Atoi(e.SubCode)
		}
		return code == dingTokenInvalid || code == dingTokenExpired
	}
	api, err := newWorkAPI("dingtalk", cfg.Endpoint, "https://oapi.dingtalk.com", cfg.AgentID, "/gettoken",
		url.Values{"appkey": {cfg.AppKey}, "appsecret": {cfg.AppSecret}}, expired)
	return &DingTalk{api: api}, err
}

// MaxBatch is the userids one asyncsend_v2 request takes.
func (d *DingTalk) MaxBatch() int { return 100 }

// Send implements Sender.
func (d *DingTalk) Send(ctx context.Context, m Message) Result {
	return d.SendBatch(ctx, []Message{m})[0]
}

// dingText is the limit of a text message's content, in characters.
const dingText = 2000

type dingSendResult struct {
	Invalid   []string `json:"invalid_user_id_list"`
	Forbidden []string `json:"forbidden_user_id_list"`
	Failed    []string `json:"failed_user_id_list"`
	// ForbiddenList says why each forbidden user was refused.
	ForbiddenList []struct {
		Code   any    `json:"code"`
		UserID string `json:"userid"`
	} `json:"forbidden_list"`
}

// SendBatch implements BatchSender: one asynchronous send for the group,
// then its result.
func (d *DingTalk) SendBatch(ctx context.Context, ms []Message) []Result {
	if len(ms) == 0 {
		return nil
	}
	users := make([]string, len(ms))
	for i, m := range ms {
		users[i] = m.Token
	}
	type text struct {
		Content string `json:"content"`
	}
	type msg struct {
		MsgType string `json:"msgtype"`
		Text    text   `json:"text"`
	}
	body := struct {
		AgentID    int64  `json:"agent_id"`
		UserIDList string `json:"userid_list"`
		Msg        msg    `json:"msg"`
	}{d.api.agent, strings.Join(users, ","), msg{"text", text{cut(workText(ms[0]), dingText, true)}}}
	var sent struct {
		TaskID int64 `json:"task_id"`
	}
	e, r, ok := d.api.call(ctx, "/topapi/message/corpconversation/asyncsend_v2", body, &sent)
	switch {
	case !ok:
		return each(len(ms), r)
	case e.ErrCode == 0:
		return d.outcome(ctx, ms, sent.TaskID)
	case dingRetry[e.ErrCode]:
		return each(len(ms), Result{Outcome: Retry, Err: e.err("dingtalk"), RetryAfter: r.RetryAfter})
	}
	return each(len(ms), Result{Outcome: Rejected, Err: e.err("dingtalk")})
}

// outcome learns what became of an accepted task. The platform has the
// message: when its result cannot be had, the pushes count as sent, since
// sending again could show them twice.
func (d *DingTalk) outcome(ctx context.Context, ms []Message, task int64) []Result {
	q := map[string]int64{"agent_id": d.api.agent, "task_id": task}
	for i := range dingPolls {
		var p struct {
			Progress struct {
				Status int `json:"status"` // 0 waiting, 1 sending, 2 done
			} `json:"progress"`
		}
		e, _, ok := d.api.call(ctx, "/topapi/message/corpconversation/getsendprogress", q, &p)
		if !ok || e.ErrCode != 0 || p.Progress.Status == 2 || i == dingPolls-1 {
			break
		}
		select {
		case <-ctx.Done():
			return make([]Result, len(ms))
		case <-time.After(dingPoll):
		}
	}
	var res struct {
		SendResult dingSendResult `json:"send_result"`
	}
	if e, _, ok := d.api.call(ctx, "/topapi/message/corpconversation/getsendresult", q, &res); !ok || e.ErrCode != 0 {
		return make([]Result, len(ms))
	}
	s := res.SendResult
	listed := map[string]Result{}
	for _, u := range s.Failed {
		listed[strings.ToLower(u)] = Result{Outcome: Retry, Err: fmt.Errorf("dingtalk: the platform failed to deliver to %s", u)}
	}
	for _, u := range s.Forbidden {
		listed[strings.ToLower(u)] = Result{Outcome: Rejected, Err: fmt.Errorf("dingtalk: refused for %s (a daily limit or the same message today)", u)}
	}
	for _, f := range s.ForbiddenList {
		listed[strings.ToLower(f.UserID)] = Result{Outcome: Rejected, Err: fmt.Errorf("dingtalk: refused for %s: code %v", f.UserID, f.Code)}
	}
	for _, u := range s.Invalid {
		listed[strings.ToLower(u)] = Result{Outcome: DeadToken, Err: fmt.Errorf("dingtalk: %s is not a member the application may reach", u)}
	}
	return accountResults(ms, listed, Result{})
}

// AccountByMobile finds a member's userid by mobile number
// (/topapi/v2/user/getbymobile; the application needs the permission
// 根据手机号获取成员基本信息).
func (d *DingTalk) AccountByMobile(ctx context.Context, mobile string) (string, bool, error) {
	return d.api.byMobile(ctx, "/topapi/v2/user/getbymobile", mobile, dingNoSuchUser)
}
