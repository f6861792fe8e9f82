package push

// Honor push (荣耀推送) has no kept Go SDK either: this is a small client of
// its published server API. Honor's service began as a copy of Huawei's and
// shares the OAuth client-credentials token (clientCredentials) and the
// tap-intent deep link, but not the rest: its send path is
// /api/v1/{appId}/sendMessage on push-api.cloud.honor.com with a timestamp
// header, its fields are camelCase, its code a number, and it lists the
// tokens it could not use in data.failTokens and data.expireTokens.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HonorConfig says how to reach Honor push.
type HonorConfig struct {
	AppID        string // 荣耀开发者服务平台 APP ID
	ClientID     string // Client ID
	ClientSecret string // Client Secret
	// Endpoint replaces both Honor hosts (tests, proxies): the token is
	// fetched from {Endpoint}/auth/token, pushes posted to
	// {Endpoint}/api/v1/{appId}/sendMessage.
	Endpoint string
}

const (
	honorAuthHost = "https://iam.developer.honor.com"
	honorPushHost = "https://push-api.cloud.honor.com"
)

// Honor sends through Honor push.
type Honor struct {
	sendURL string
	hc      *http.Client
	token   *accessToken
	now     func() time.Time
}

// NewHonor builds the Honor sender.
func NewHonor(c HonorConfig) *Honor {
	auth, push := honorAuthHost, honorPushHost
	if c.Endpoint != "" {
		auth, push = strings.TrimSuffix(c.Endpoint, "/"), strings.TrimSuffix(c.Endpoint, "/")
	}
	hc := vendorClient()
	return &Honor{sendURL: push + "/api/v1/" + c.AppID + "/sendMessage", hc: hc, now: time.Now,
		token: newAccessToken(clientCredentials(hc, auth+"/auth/token", c.ClientID, c.ClientSecret))}
}

// MaxBatch is Honor's limit of tokens per request.
func (h *Honor) MaxBatch() int { return 1000 }

// Send implements Sender.
func (h *Honor) Send(ctx context.Context, m Message) Result { return h.SendBatch(ctx, []Message{m})[0] }

// SendBatch implements BatchSender: one request for the whole group.
func (h *Honor) SendBatch(ctx context.Context, ms []Message) []Result {
	header := http.Header{"Timestamp": {strconv.FormatInt(h.now().UnixMilli(), 10)}}
	body, _ := json.Marshal(honorMessage(ms))
	return h.token.withToken(ctx, "honor", len(ms), func(tok string) ([]Result, bool) {
		ans, err := postBearer(ctx, h.hc, h.sendURL, tok, header, body)
		if err != nil {
			return each(len(ms), Result{Outcome: Retry, Err: fmt.Errorf("honor: %w", err)}), false
		}
		// 80200003: the access token expired.
		return honorResults(ms, ans), ans.Status == http.StatusUnauthorized || honorParse(ans.Body).Code == 80200003
	})
}

// honorMessage is the sendMessage body: a notification of the normal
// (service and communication) importance, the deep link as the tap
// intent's extras and as data.
func honorMessage(ms []Message) map[string]any {
	m := ms[0]
	tokens := make([]string, len(ms))
	for i, x := range ms {
		tokens[i] = x.Token
	}
	notification := map[string]any{
		"title": cut(m.Title, 40, true), "body": cut(m.Body, 256, true), "importance": "NORMAL",
		"clickAction": map[string]any{"type": 1, "intent": deepLink(m.Data)},
	}
	notification["notifyId"] = notifyID(m)
	android := map[string]any{"data": linkData(m.Data), "notification": notification, "targetUserType": 0}
	if ttl := ttlSeconds(m.TTL); ttl != "" {
		android["ttl"] = ttl
	}
	return map[string]any{"data": linkData(m.Data), "android": android, "token": tokens}
}

type honorAnswer struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    struct {
		FailTokens   []string `json:"failTokens"`
		ExpireTokens []string `json:"expireTokens"`
	} `json:"data"`
}

func honorParse(body []byte) honorAnswer {
	var a honorAnswer
	_ = json.Unmarshal(body, &a)
	return a
}

// honorResults classifies Honor's answer per token: code 200 sent, except
// the expireTokens (dead) and failTokens (tried again); 80300007 every token
// invalid; 8010xxxx and 80300008/10 a bad message; 81000001 and HTTP 5xx or
// 429 transient.
func honorResults(ms []Message, a vendorAnswer) []Result {
	ans := honorParse(a.Body)
	err := fmt.Errorf("honor: %d %d %s", a.Status, ans.Code, clip(ans.Message, 200))
	switch {
	case a.Status == http.StatusOK && ans.Code == 200:
		return partial(ms, ans.Data.ExpireTokens, ans.Data.FailTokens,
			Result{Outcome: DeadToken, Err: errors.New("honor: expired token")})
	case ans.Code == 80300007:
		return each(len(ms), Result{Outcome: DeadToken, Err: err})
	case a.Status == http.StatusTooManyRequests || a.Status >= 500 || ans.Code == 81000001:
		return each(len(ms), Result{Outcome: Retry, Err: err, RetryAfter: a.RetryAfter})
	case a.Status == http.StatusUnauthorized || a.Status == http.StatusForbidden:
		return each(len(ms), Result{Outcome: Retry, Err: err})
	case ans.Code/100_000 == 801 || ans.Code == 80300008 || ans.Code == 80300010 || a.Status == http.StatusBadRequest:
		return each(len(ms), Result{Outcome: Rejected, Err: err})
	}
	return each(len(ms), Result{Outcome: Retry, Err: err, RetryAfter: a.RetryAfter})
}
