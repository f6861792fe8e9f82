package push

// Huawei Push Kit (华为推送服务) has no Go SDK that is kept up, so this is a
// small client of its published HTTP API: an OAuth 2.0 client-credentials
// token from oauth-login.cloud.huawei.com, then POST
// /v1/{appId}/messages:send on push-api.cloud.huawei.com with up to 1,000
// tokens per request.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// HuaweiConfig says how to reach Huawei Push Kit.
type HuaweiConfig struct {
	AppID     string // AppGallery Connect 应用 APP ID (also the OAuth client id)
	AppSecret string // AppGallery Connect 应用 App Secret (the OAuth client secret)
	// Endpoint replaces both Huawei hosts (tests, proxies): the token is
	// fetched from {Endpoint}/oauth2/v3/token, pushes posted to
	// {Endpoint}/v1/{appId}/messages:send.
	Endpoint string
}

const (
	huaweiOAuthHost = "https://oauth-login.cloud.huawei.com"
	huaweiPushHost  = "https://push-api.cloud.huawei.com"
)

// Huawei sends through Huawei Push Kit.
type Huawei struct {
	sendURL string
	hc      *http.Client
	token   *accessToken
}

// NewHuawei builds the Huawei sender.
func NewHuawei(c HuaweiConfig) *Huawei {
	oauth, push := huaweiOAuthHost, huaweiPushHost
	if c.Endpoint != "" {
		oauth, push = strings.TrimSuffix(c.Endpoint, "/"), strings.TrimSuffix(c.Endpoint, "/")
	}
	hc := vendorClient()
	return &Huawei{sendURL: push + "/v1/" + c.AppID + "/messages:send", hc: hc,
		token: newAccessToken(clientCredentials(hc, oauth+"/oauth2/v3/token", c.AppID, c.AppSecret))}
}

// MaxBatch is Push Kit's limit of tokens per request.
func (h *Huawei) MaxBatch() int { return 1000 }

// Send implements Sender.
func (h *Huawei) Send(ctx context.Context, m Message) Result {
	return h.SendBatch(ctx, []Message{m})[0]
}

// SendBatch implements BatchSender: one request for the whole group.
func (h *Huawei) SendBatch(ctx context.Context, ms []Message) []Result {
	body, _ := json.Marshal(huaweiMessage(ms))
	return h.token.withToken(ctx, "huawei", len(ms), func(tok string) ([]Result, bool) {
		ans, err := postBearer(ctx, h.hc, h.sendURL, tok, nil, body)
		if err != nil {
			return each(len(ms), Result{Outcome: Retry, Err: fmt.Errorf("huawei: %w", err)}), false
		}
		// 80200003: the OAuth token expired.
		return huaweiResults(ms, ans), ans.Status == http.StatusUnauthorized || huaweiCode(ans.Body) == "80200003"
	})
}

// huaweiMessage is the messages:send body: a notification message in the
// work class (category WORK, importance NORMAL: 服务与通讯类, not folded or
// throttled as marketing), with the deep link as the tap intent's extras
// and as data.
func huaweiMessage(ms []Message) map[string]any {
	m := ms[0]
	tokens := make([]string, len(ms))
	for i, x := range ms {
		tokens[i] = x.Token
	}
	urgency := "NORMAL"
	if m.High {
		urgency = "HIGH"
	}
	notification := map[string]any{
		// What the notification shade shows; the whole message must stay
		// under 4 KB.
		"title": cut(m.Title, 40, true), "body": cut(m.Body, 256, true),
		"channel_id": m.Channel, "importance": "NORMAL",
		"click_action": map[string]any{"type": 1, "intent": deepLink(m.Data)},
	}
	notification["notify_id"] = notifyID(m)
	android := map[string]any{"urgency": urgency, "category": "WORK", "notification": notification}
	if ttl := ttlSeconds(m.TTL); ttl != "" {
		android["ttl"] = ttl
	}
	return map[string]any{"validate_only": false, "message": map[string]any{
		"data": linkData(m.Data), "android": android, "token": tokens,
	}}
}

type huaweiAnswer struct {
	Code string `json:"code"`
	Msg  string `json:"msg"`
}

func huaweiCode(body []byte) string {
	var a huaweiAnswer
	_ = json.Unmarshal(body, &a)
	return a.Code
}

// huaweiResults classifies Push Kit's answer per token. Its result codes:
// 80000000 all sent; 80100000 some sent, the msg field listing the
// illegal_tokens; 80300007 every token invalid; 8010xxxx and 80300008/10
// a bad message; 81000001 an internal error; HTTP 429 and 503 flow control.
func huaweiResults(ms []Message, a vendorAnswer) []Result {
	var ans huaweiAnswer
	_ = json.Unmarshal(a.Body, &ans)
	err := fmt.Errorf("huawei: %d %s %s", a.Status, ans.Code, clip(ans.Msg, 200))
	switch {
	case a.Status == http.StatusOK && ans.Code == "80000000":
		return each(len(ms), Result{Outcome: Sent})
	case ans.Code == "80100000":
		var part struct {
			Illegal []string `json:"illegal_tokens"`
		}
		if json.Unmarshal([]byte(ans.Msg), &part) != nil {
			return each(len(ms), Result{Outcome: Retry, Err: err})
		}
		return partial(ms, part.Illegal, nil, Result{Outcome: DeadToken, Err: errors.New("huawei: illegal token")})
	case ans.Code == "80300007":
		return each(len(ms), Result{Outcome: DeadToken, Err: err})
	case a.Status == http.StatusTooManyRequests || a.Status >= 500 || ans.Code == "81000001":
		return each(len(ms), Result{Outcome: Retry, Err: err, RetryAfter: a.RetryAfter})
	case a.Status == http.StatusUnauthorized || a.Status == http.StatusForbidden:
		// Credentials an operator may fix: retried, a bounded number of times.
		return each(len(ms), Result{Outcome: Retry, Err: err})
	case strings.HasPrefix(ans.Code, "801") || ans.Code == "80300008" || ans.Code == "80300010" || a.Status == http.StatusBadRequest:
		return each(len(ms), Result{Outcome: Rejected, Err: err})
	}
	return each(len(ms), Result{Outcome: Retry, Err: err, RetryAfter: a.RetryAfter})
}

// partial is the results of a batch the vendor took in part: tokens in
// dead are dead, tokens in retry go again, the rest were sent.
func partial(ms []Message, dead, retry []string, deadResult Result) []Result {
	out := make([]Result, len(ms))
	for i, m := range ms {
		switch {
		case slices.Contains(dead, m.Token):
			out[i] = deadResult
		case slices.Contains(retry, m.Token):
			out[i] = Result{Outcome: Retry, Err: errors.New("the provider could not deliver to this token")}
		default:
			out[i] = Result{Outcome: Sent}
		}
	}
	return out
}
