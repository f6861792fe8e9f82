package push

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// XiaomiConfig says how to reach Xiaomi's push service (小米推送).
type XiaomiConfig struct {
	AppSecret   string // AppSecret of the app on the Xiaomi open platform
	PackageName string // the app's package name (restricted_package_name)
	// ChannelID is the 私信 (private message) channel registered at Xiaomi
	// for work notifications; messages outside it are capped per device per day.
	ChannelID string
	Endpoint  string // base URL; empty for https://api.xmpush.xiaomi.com
}

// Xiaomi sends through the MiPush server API. No Go client for it is kept
// up, so this is a small client written against Xiaomi's published HTTP
// API: POST /v3/message/regid, form-encoded, authorised by the app secret
// (a fixed key, no token to refresh), one payload to up to 1,000
// registration ids a request.
type Xiaomi struct {
	cfg    XiaomiConfig
	client *http.Client
}

// NewXiaomi builds the sender.
func NewXiaomi(cfg XiaomiConfig) *Xiaomi {
	if cfg.Endpoint == "" {
		cfg.Endpoint = "https://api.xmpush.xiaomi.com"
	}
	cfg.Endpoint = strings.TrimSuffix(cfg.Endpoint, "/")
	return &Xiaomi{cfg: cfg, client: vendorClient()}
}

// MaxBatch is Xiaomi's limit of registration ids a request.
func (x *Xiaomi) MaxBatch() int { return 1000 }

// Send implements Sender.
func (x *Xiaomi) Send(ctx context.Context, m Message) Result {
	return x.SendBatch(ctx, []Message{m})[0]
}

// Xiaomi's documented limits: a title of fewer than 50 characters, a
// description of fewer than 128, every character counting one.
const (
	xiaomiTitle = 49
	xiaomiBody  = 127
)

// SendBatch implements BatchSender: one request for all of ms, per-device
// results from the bad_regids of the answer.
func (x *Xiaomi) SendBatch(ctx context.Context, ms []Message) []Result {
	if len(ms) == 0 {
		return nil
	}
	m := ms[0]
	ids := make([]string, len(ms))
	for i, mm := range ms {
		ids[i] = mm.Token
	}
	notifyType := "1" // sound
	if m.High {
		notifyType = "-1" // sound, vibration and light
	}
	form := url.Values{
		"registration_id":         {strings.Join(ids, ",")},
		"restricted_package_name": {x.cfg.PackageName},
		"pass_through":            {"0"}, // a notification, shown by the system
		"title":                   {cut(m.Title, xiaomiTitle, true)},
		"description":             {cut(m.Body, xiaomiBody, true)},
		"notify_type":             {notifyType},
		"notify_id":               {strconv.Itoa(int(notifyID(m)))},
		// The app reads the deep link from MiPushMessage.getContent().
		"payload":                 {linkData(m.Data)},
		"extra.channel_id":        {x.cfg.ChannelID},
		"extra.notify_foreground": {"1"},
		"extra.notify_effect":     {"1"}, // open the app's launcher activity, which gets the message
	}
	if m.TTL > 0 {
		form.Set("time_to_live", strconv.FormatInt(m.TTL.Milliseconds(), 10))
	}
	var ans struct {
		Result      string `json:"result"`
		Code        int    `json:"code"`
		Reason      string `json:"reason"`
		Description string `json:"description"`
		Data        struct {
			BadRegids string `json:"bad_regids"`
		} `json:"data"`
	}
	header := http.Header{"Authorization": {"key=" + x.cfg.AppSecret}}
	r, ok := vendorCall(ctx, x.client, "xiaomi", x.cfg.Endpoint+"/v3/message/regid",
		"application/x-www-form-urlencoded;charset=UTF-8", header, []byte(form.Encode()), &ans)
	if !ok {
		return each(len(ms), r)
	}
	if ans.Code != 0 {
		return each(len(ms), xiaomiRefusal(ans.Code, ans.Reason+" "+ans.Description, r))
	}
	bad := map[string]bool{}
	for _, id := range strings.Split(ans.Data.BadRegids, ",") {
		bad[strings.TrimSpace(id)] = true
	}
	out := make([]Result, len(ms))
	for i, mm := range ms {
		if bad[mm.Token] {
			out[i] = Result{Outcome: DeadToken, Err: errBadRegid}
		}
	}
	return out
}

var errBadRegid = errors.New("xiaomi: invalid registration id (bad_regids)")

// xiaomiRefusal classifies an answer with a non-zero code (Xiaomi's
// server error code table).
func xiaomiRefusal(code int, reason string, ok Result) Result {
	r := Result{Outcome: Retry, Err: codeErr("xiaomi", code, strings.TrimSpace(reason))}
	switch {
	case code == 20301 && strings.Contains(strings.ToLower(reason), "no valid targets"):
		// Sending failed because not one registration id is valid.
		r.Outcome = DeadToken
	case code == 200001 || code == 10034:
		// Daily quota used up (exceed quota / 应用当日发送消息数量过多).
		r.RetryAfter = dailyQuota(ok)
	case code == 10027 || code == 21303 || code == 10002:
		// Calls too frequent, request limited, system busy.
		r.RetryAfter = ok.RetryAfter
	case code == 10008 || code == 10016 || code == 10017 || (code >= 65008 && code <= 65017):
		// Bad parameter, missing parameter, bad value, content too long.
		r.Outcome = Rejected
	}
	// Anything else (auth failed 21301, bad package name 22022, internal
	// errors) is retried a bounded number of times: an operator may fix it.
	return r
}
