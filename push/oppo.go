package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OPPOConfig says how to reach OPPO's push service (OPPO 推送).
type OPPOConfig struct {
	AppKey       string // AppKey on the OPPO push platform
	MasterSecret string // MasterSecret (not the AppSecret): signs the auth request
	// ChannelID is the channel the app registers for work notifications,
	// approved at OPPO as a 私信 channel so that it is not throttled as 公信.
	ChannelID string
	Endpoint  string // base URL; empty for https://api.push.oppomobile.com
}

// OPPO sends through OPPO's push server API. No Go client for it is kept
// up, so this is a small client written against OPPO's published HTTP API:
// an auth_token from /server/v1/auth (app_key, timestamp and their SHA-256
// signature with the master secret; valid 24 hours), then unicast for one
// device or unicast_batch for up to 1,000, each answered per device.
type OPPO struct {
	cfg    OPPOConfig
	client *http.Client
	token  *accessToken
}

// NewOPPO builds the sender.
func NewOPPO(cfg OPPOConfig) *OPPO {
	if cfg.Endpoint == "" {
		cfg.Endpoint = "https://api.push.oppomobile.com"
	}
	cfg.Endpoint = strings.TrimSuffix(cfg.Endpoint, "/")
	o := &OPPO{cfg: cfg, client: vendorClient()}
	o.token = newAccessToken(o.fetchToken)
	return o
}

// MaxBatch is OPPO's limit of messages in one unicast_batch.
func (o *OPPO) MaxBatch() int { return 1000 }

// OPPO's codes that the senders act on.
const (
	oppoTokenExpired = 11    // 不合法的 AuthToken
	oppoBadRegID     = 10000 // registration_id 非法或无效
)

// OPPO's documented limits, in characters: title 50, content 200.
const (
	oppoTitle = 50
	oppoBody  = 200
)

type oppoAnswer struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (o *OPPO) fetchToken(ctx context.Context) (string, time.Duration, error) {
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	sign := sha256.Sum256([]byte(o.cfg.AppKey + ts + o.cfg.MasterSecret))
	form := url.Values{"app_key": {o.cfg.AppKey}, "timestamp": {ts}, "sign": {hex.EncodeToString(sign[:])}}
	var ans oppoAnswer
	if r, ok := o.post(ctx, "/server/v1/auth", nil, form, &ans); !ok {
		return "", 0, r.Err
	}
	var data struct {
		AuthToken string `json:"auth_token"`
	}
	if ans.Code != 0 || json.Unmarshal(ans.Data, &data) != nil || data.AuthToken == "" {
		return "", 0, codeErr("oppo auth", ans.Code, ans.Message)
	}
	return data.AuthToken, 24 * time.Hour, nil
}

func (o *OPPO) post(ctx context.Context, path string, header http.Header, form url.Values, out any) (Result, bool) {
	return vendorCall(ctx, o.client, "oppo", o.cfg.Endpoint+path,
		"application/x-www-form-urlencoded;charset=UTF-8", header, []byte(form.Encode()), out)
}

// Send implements Sender through unicast.
func (o *OPPO) Send(ctx context.Context, m Message) Result {
	body, _ := json.Marshal(o.message(m))
	return o.token.withToken(ctx, "oppo", 1, func(tok string) ([]Result, bool) {
		var ans oppoAnswer
		r, ok := o.post(ctx, "/server/v1/message/notification/unicast", http.Header{"auth_token": {tok}},
			url.Values{"message": {string(body)}}, &ans)
		if !ok {
			return []Result{r}, false
		}
		return []Result{oppoResult(ans.Code, ans.Message, r)}, ans.Code == oppoTokenExpired
	})[0]
}

// SendBatch implements BatchSender through unicast_batch: one request, a
// result for each device, each with its own app_message_id.
func (o *OPPO) SendBatch(ctx context.Context, ms []Message) []Result {
	if len(ms) == 0 {
		return nil
	}
	if len(ms) == 1 {
		return []Result{o.Send(ctx, ms[0])}
	}
	msgs := make([]oppoMessage, len(ms))
	for i, m := range ms {
		msgs[i] = o.message(m)
	}
	body, _ := json.Marshal(msgs)
	return o.token.withToken(ctx, "oppo", len(ms), func(tok string) ([]Result, bool) {
		var ans oppoAnswer
		r, ok := o.post(ctx, "/server/v1/message/notification/unicast_batch", http.Header{"auth_token": {tok}},
			url.Values{"messages": {string(body)}}, &ans)
		if !ok {
			return each(len(ms), r), false
		}
		if ans.Code != 0 {
			return each(len(ms), oppoResult(ans.Code, ans.Message, r)), ans.Code == oppoTokenExpired
		}
		var per []struct {
			RegistrationID string `json:"registrationId"`
			ErrorCode      int    `json:"errorCode"`
			ErrorMessage   string `json:"errorMessage"`
		}
		if err := json.Unmarshal(ans.Data, &per); err != nil {
			return each(len(ms), Result{Outcome: Retry, Err: fmt.Errorf("oppo: unreadable batch answer: %w", err)}), false
		}
		byID := make(map[string]Result, len(per))
		for _, p := range per {
			byID[p.RegistrationID] = oppoResult(p.ErrorCode, p.ErrorMessage, r)
		}
		out := make([]Result, len(ms))
		for i, m := range ms {
			res, found := byID[m.Token]
			if !found {
				res = Result{Outcome: Retry, Err: fmt.Errorf("oppo: the batch answer says nothing of this device")}
			}
			out[i] = res
		}
		return out, false
	})
}

type oppoMessage struct {
	TargetType   int    `json:"target_type"` // 2: registration id
	TargetValue  string `json:"target_value"`
	Notification struct {
		// AppMessageID lets OPPO drop a second copy of one push to one
		// device (a re-send after a crash): see deviceMessageID.
		AppMessageID     string `json:"app_message_id,omitempty"`
		Title            string `json:"title"`
		Content          string `json:"content"`
		ClickActionType  int    `json:"click_action_type"` // 0: open the app, which gets action_parameters
		ActionParameters string `json:"action_parameters"`
		OffLine          bool   `json:"off_line"`
		OffLineTTL       int    `json:"off_line_ttl,omitempty"` // seconds, at most 10 days
		ChannelID        string `json:"channel_id"`
		// NotifyLevel 2 is notification bar and lock screen; 16 adds banner,
		// vibration and ring (both need a 私信 channel).
		NotifyLevel int    `json:"notify_level"`
		Category    string `json:"category"`
	} `json:"notification"`
}

func (o *OPPO) message(m Message) oppoMessage {
	var om oppoMessage
	om.TargetType, om.TargetValue = 2, m.Token
	n := &om.Notification
	n.AppMessageID = deviceMessageID(m)
	n.Title, n.Content = cut(m.Title, oppoTitle, true), cut(m.Body, oppoBody, true)
	n.ActionParameters = linkData(m.Data)
	n.OffLine = true
	if m.TTL > 0 {
		n.OffLineTTL = int(min(m.TTL, 10*24*time.Hour) / time.Second)
	}
	n.ChannelID = o.cfg.ChannelID
	n.NotifyLevel = 2
	if m.High {
		n.NotifyLevel = 16
	}
	n.Category = "TODO" // 待办: a work item for the recipient, a 私信 category
	return om
}

// oppoResult classifies one of OPPO's codes (its public and application
// return codes).
func oppoResult(code int, msg string, ok Result) Result {
	r := Result{Outcome: Retry, Err: codeErr("oppo", code, msg)}
	switch code {
	case 0:
		return Result{Outcome: Sent}
	case oppoBadRegID:
		r.Outcome = DeadToken
	case 10001:
		// Not subscribed, or the user switched notifications off: this
		// message is dropped, the device kept for when they switch back.
		r.Outcome = Rejected
	case 40, 41:
		// A required parameter missing or a parameter invalid.
		r.Outcome = Rejected
	case 33:
		// Daily message limit reached.
		r.RetryAfter = dailyQuota(ok)
	case -1, -2, 13:
		// Service unavailable, flow control, call frequency over the limit.
		r.RetryAfter = ok.RetryAfter
	}
	// Anything else (an expired token twice, an app or key an operator
	// must fix) is retried a bounded number of times.
	return r
}
