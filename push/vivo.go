package push

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// VivoConfig says how to reach vivo's push service (vivo 推送).
type VivoConfig struct {
	AppID     string // AppID on the vivo open platform (a number)
	AppKey    string
	AppSecret string
	Endpoint  string // base URL; empty for https://api-push.vivo.com.cn
}

// Vivo sends through vivo's push server API. No Go client for it is kept
// up, so this is a small client written against vivo's published HTTP API:
// an authToken from /message/auth (appId, appKey, a millisecond timestamp
// and the MD5 of the three with the app secret; valid a day), then
// /message/send for one device, or /message/saveListPayload once and
// /message/pushToList for up to 1,000 devices.
type Vivo struct {
	cfg    VivoConfig
	client *http.Client
	token  *accessToken
}

// NewVivo builds the sender.
func NewVivo(cfg VivoConfig) *Vivo {
	if cfg.Endpoint == "" {
		cfg.Endpoint = "https://api-push.vivo.com.cn"
	}
	cfg.Endpoint = strings.TrimSuffix(cfg.Endpoint, "/")
	v := &Vivo{cfg: cfg, client: vendorClient()}
	v.token = newAccessToken(v.fetchToken)
	return v
}

// MaxBatch is vivo's limit of regIds in one pushToList.
func (v *Vivo) MaxBatch() int { return 1000 }

// vivo's codes that the senders act on.
const (
	vivoTokenRefused = 10000 // 权限认证失败: authToken missing, wrong or expired
	vivoBadRegID     = 10302 // regId 不合法
)

// vivo's limits are 20 Chinese characters of title and 50 of content (it
// counts a Chinese character as two, up to 40 and 100); cutting to that
// many characters is safe whatever the script.
const (
	vivoTitle = 20
	vivoBody  = 50
)

type vivoAnswer struct {
	Result      int    `json:"result"`
	Desc        string `json:"desc"`
	AuthToken   string `json:"authToken"`
	TaskID      string `json:"taskId"`
	InvalidUser *struct {
		Status int    `json:"status"`
		UserID string `json:"userid"`
	} `json:"invalidUser"`
	InvalidUsers []struct {
		Status int    `json:"status"`
		UserID string `json:"userid"`
	} `json:"invalidUsers"`
}

func (v *Vivo) fetchToken(ctx context.Context) (string, time.Duration, error) {
	ts := time.Now().UnixMilli()
	sum := md5.Sum([]byte(v.cfg.AppID + v.cfg.AppKey + strconv.FormatInt(ts, 10) + v.cfg.AppSecret))
	body := map[string]any{"appId": json.Number(v.cfg.AppID), "appKey": v.cfg.AppKey, "timestamp": ts, "sign": hex.EncodeToString(sum[:])}
	var ans vivoAnswer
	if r, ok := v.post(ctx, "/message/auth", "", body, &ans); !ok {
		return "", 0, r.Err
	}
	if ans.Result != 0 || ans.AuthToken == "" {
		return "", 0, codeErr("vivo auth", ans.Result, ans.Desc)
	}
	return ans.AuthToken, 24 * time.Hour, nil
}

func (v *Vivo) post(ctx context.Context, path, token string, body any, out *vivoAnswer) (Result, bool) {
	b, err := json.Marshal(body)
	if err != nil {
		return Result{Outcome: Rejected, Err: fmt.Errorf("vivo: %w", err)}, false
	}
	var h http.Header
	if token != "" {
		h = http.Header{"authToken": {token}}
	}
	return vendorCall(ctx, v.client, "vivo", v.cfg.Endpoint+path, "application/json", h, b, out)
}

// vivoMessage is the payload of /message/send and /message/saveListPayload.
type vivoMessage struct {
	AppID      json.Number `json:"appId"`
	RegID      string      `json:"regId,omitempty"`
	NotifyType int         `json:"notifyType"` // 2: ring; 4: ring and vibration
	Title      string      `json:"title"`
	Content    string      `json:"content"`
	TimeToLive int         `json:"timeToLive,omitempty"` // seconds, 900 to 7 days
	// SkipType 3 (custom): a tap calls the app's click handler with
	// skipContent, the deep link; clientCustomMap carries the same data.
	SkipType        int               `json:"skipType"`
	SkipContent     string            `json:"skipContent"`
	NetworkType     int               `json:"networkType"` // -1: any
	Classification  int               `json:"classification"`
	Category        string            `json:"category"`
	ClientCustomMap map[string]string `json:"clientCustomMap"`
	// RequestID is vivo's de-duplication key (see deviceMessageID), so
	// that a re-send after a crash is dropped by vivo.
	RequestID string `json:"requestId"`
}

func (v *Vivo) message(m Message) vivoMessage {
	vm := vivoMessage{
		AppID: json.Number(v.cfg.AppID), RegID: m.Token, NotifyType: 2,
		Title: cut(m.Title, vivoTitle, true), Content: cut(m.Body, vivoBody, true),
		SkipType: 3, SkipContent: linkData(m.Data), NetworkType: -1,
		// 1 is 系统消息: work notifications, not throttled or folded as
		// 运营消息; TODO (待办) is its category for a work item.
		Classification: 1, Category: "TODO",
		ClientCustomMap: m.Data, RequestID: deviceMessageID(m),
	}
	if m.High {
		vm.NotifyType = 4
	}
	if m.TTL > 0 {
		vm.TimeToLive = int(min(max(m.TTL, 15*time.Minute), 7*24*time.Hour) / time.Second)
	}
	return vm
}

// Send implements Sender through /message/send.
func (v *Vivo) Send(ctx context.Context, m Message) Result {
	body := v.message(m)
	return v.token.withToken(ctx, "vivo", 1, func(tok string) ([]Result, bool) {
		var ans vivoAnswer
		r, ok := v.post(ctx, "/message/send", tok, body, &ans)
		if !ok {
			return []Result{r}, false
		}
		return []Result{vivoResult(ans.Result, ans.Desc, r)}, ans.Result == vivoTokenRefused
	})[0]
}

// SendBatch implements BatchSender: the payload saved once, then pushed to
// every regId in one request; devices vivo names invalid are reported per
// device.
func (v *Vivo) SendBatch(ctx context.Context, ms []Message) []Result {
	if len(ms) == 0 {
		return nil
	}
	if len(ms) == 1 { // pushToList takes two regIds at least
		return []Result{v.Send(ctx, ms[0])}
	}
	first := ms[0]
	first.Token = ""
	payload := v.message(first)
	ids := make([]string, len(ms))
	h := fnv.New64a()
	for i, m := range ms {
		ids[i] = m.Token
		h.Write([]byte(m.Token + ","))
	}
	// One request id per (push, device set), stable across retries.
	payload.RequestID = first.Data["push_id"] + "-" + strconv.FormatUint(h.Sum64(), 36)
	return v.token.withToken(ctx, "vivo", len(ms), func(tok string) ([]Result, bool) {
		var saved vivoAnswer
		r, ok := v.post(ctx, "/message/saveListPayload", tok, payload, &saved)
		if !ok {
			return each(len(ms), r), false
		}
		if saved.Result != 0 || saved.TaskID == "" {
			return each(len(ms), vivoResult(saved.Result, saved.Desc, r)), saved.Result == vivoTokenRefused
		}
		list := map[string]any{"appId": json.Number(v.cfg.AppID), "regIds": ids, "taskId": saved.TaskID, "requestId": payload.RequestID + "-list"}
		var ans vivoAnswer
		r, ok = v.post(ctx, "/message/pushToList", tok, list, &ans)
		if !ok {
			return each(len(ms), r), false
		}
		if ans.Result != 0 {
			return each(len(ms), vivoResult(ans.Result, ans.Desc, r)), ans.Result == vivoTokenRefused
		}
		invalid := make(map[string]int, len(ans.InvalidUsers))
		for _, u := range ans.InvalidUsers {
			invalid[u.UserID] = u.Status
		}
		out := make([]Result, len(ms))
		for i, m := range ms {
			if st, bad := invalid[m.Token]; bad {
				out[i] = vivoInvalidUser(st)
			}
		}
		return out, false
	})
}

// vivoInvalidUser classifies the status vivo gives a device it did not
// push to: 1 no such regId, 2 uninstalled or notifications off, 3 not
// online for 90 days (gone, for all the server can tell); 4 not a test
// device (this message is refused, the device is fine).
func vivoInvalidUser(status int) Result {
	err := fmt.Errorf("vivo: invalid user, status %d", status)
	if status == 4 {
		return Result{Outcome: Rejected, Err: err}
	}
	return Result{Outcome: DeadToken, Err: err}
}

// vivoResult classifies one of vivo's result codes.
func vivoResult(code int, desc string, ok Result) Result {
	r := Result{Outcome: Retry, Err: codeErr("vivo", code, desc)}
	switch {
	case code == 0:
		return Result{Outcome: Sent}
	case code == vivoBadRegID:
		r.Outcome = DeadToken
	case code >= 10050 && code <= 10069:
		// A field of the message is missing or invalid (title, content,
		// skipType, timeToLive, requestId, ...).
		r.Outcome = Rejected
	case code == 10070 || code == 10252:
		// Daily total reached: vivo asks not to call again today.
		r.RetryAfter = dailyQuota(ok)
	}
	// Anything else (the token refused twice, appId mismatch 10094, a busy
	// server) is retried a bounded number of times.
	return r
}
