package push

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// HarmonyConfig says how to reach Push Kit for HarmonyOS NEXT (鸿蒙推送),
// from the service-account key file of the project (API Console →
// 凭证 → 服务账号密钥).
type HarmonyConfig struct {
	ProjectID  string
	KeyID      string
	SubAccount string
	PrivateKey *rsa.PrivateKey
	Endpoint   string // base URL; empty for https://push-api.cloud.huawei.com
}

// ReadHarmonyKey reads a service-account key file into a configuration.
func ReadHarmonyKey(path, endpoint string) (HarmonyConfig, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return HarmonyConfig{}, err
	}
	var f struct {
		ProjectID  string `json:"project_id"`
		KeyID      string `json:"key_id"`
		PrivateKey string `json:"private_key"`
		SubAccount string `json:"sub_account"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return HarmonyConfig{}, fmt.Errorf("not a service-account key file: %v", err)
	}
	if f.ProjectID == "" || f.KeyID == "" || f.SubAccount == "" {
		return HarmonyConfig{}, errors.New("the key file lacks project_id, key_id or sub_account")
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM([]byte(f.PrivateKey))
	if err != nil {
		return HarmonyConfig{}, fmt.Errorf("private_key: %v", err)
	}
	return HarmonyConfig{ProjectID: f.ProjectID, KeyID: f.KeyID, SubAccount: f.SubAccount, PrivateKey: key, Endpoint: endpoint}, nil
}

// Harmony sends through Push Kit's REST API for HarmonyOS NEXT, which has
// no Android layer: neither FCM nor Huawei's Android Push Kit (v1) reaches
// it. No Go client for it is kept up, so this is a small client written
// against Huawei's published HTTP API: POST /v3/{projectId}/messages:send
// with push-type 0 (a notification), authorised by a JWT the server signs
// itself with the service account's key (PS256, valid an hour, reused),
// one payload to up to 1,000 tokens a request.
type Harmony struct {
	cfg    HarmonyConfig
	client *http.Client
	token  *accessToken
}

// NewHarmony builds the sender.
func NewHarmony(cfg HarmonyConfig) *Harmony {
	if cfg.Endpoint == "" {
		cfg.Endpoint = "https://push-api.cloud.huawei.com"
	}
	cfg.Endpoint = strings.TrimSuffix(cfg.Endpoint, "/")
	h := &Harmony{cfg: cfg, client: vendorClient()}
	h.token = newAccessToken(h.sign)
	return h
}

// HarmonyAudience is the audience Huawei's service-account JWTs name.
const HarmonyAudience = "https://oauth-login.cloud.huawei.com/oauth2/v3/token"

// sign makes the service-account JWT; it is the access token, no exchange.
func (h *Harmony) sign(context.Context) (string, time.Duration, error) {
	now := time.Now()
	t := jwt.NewWithClaims(jwt.SigningMethodPS256, jwt.MapClaims{
		"iss": h.cfg.SubAccount, "aud": HarmonyAudience, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	})
	t.Header["kid"] = h.cfg.KeyID
	s, err := t.SignedString(h.cfg.PrivateKey)
	return s, time.Hour, err
}

// MaxBatch is Push Kit's limit of tokens a request.
func (h *Harmony) MaxBatch() int { return 1000 }

// Send implements Sender.
func (h *Harmony) Send(ctx context.Context, m Message) Result {
	return h.SendBatch(ctx, []Message{m})[0]
}

// Push Kit's payload is at most 4 KB: the title and body are cut well
// inside it (a Chinese character is three bytes).
const (
	harmonyTitle = 100
	harmonyBody  = 1000
)

type harmonyAnswer struct {
	Code string `json:"code"`
	Msg  string `json:"msg"`
}

// SendBatch implements BatchSender: one request, the tokens Push Kit names
// illegal reported per device.
func (h *Harmony) SendBatch(ctx context.Context, ms []Message) []Result {
	if len(ms) == 0 {
		return nil
	}
	m := ms[0]
	tokens := make([]string, len(ms))
	for i, mm := range ms {
		tokens[i] = mm.Token
	}
	type notification struct {
		// WORK is the self-classified category of work reminders: a
		// service message, not throttled as marketing.
		Category    string `json:"category"`
		Title       string `json:"title"`
		Body        string `json:"body"`
		ClickAction struct {
			ActionType int               `json:"actionType"` // 0: open the app's home ability, with data
			Data       map[string]string `json:"data"`
		} `json:"clickAction"`
		NotifyID       int32 `json:"notifyId"`
		ForegroundShow bool  `json:"foregroundShow"`
	}
	var body struct {
		Payload struct {
			Notification notification `json:"notification"`
		} `json:"payload"`
		Target struct {
			Token []string `json:"token"`
		} `json:"target"`
		PushOptions struct {
			TTL int `json:"ttl,omitempty"` // seconds, at most 15 days
		} `json:"pushOptions"`
	}
	n := &body.Payload.Notification
	n.Category, n.Title, n.Body = "WORK", cut(m.Title, harmonyTitle, true), cut(m.Body, harmonyBody, true)
	n.ClickAction.Data, n.NotifyID, n.ForegroundShow = m.Data, notifyID(m), true
	body.Target.Token = tokens
	if m.TTL > 0 {
		body.PushOptions.TTL = int(min(m.TTL, 15*24*time.Hour) / time.Second)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return each(len(ms), Result{Outcome: Rejected, Err: fmt.Errorf("harmony: %w", err)})
	}
	url := h.cfg.Endpoint + "/v3/" + h.cfg.ProjectID + "/messages:send"
	return h.token.withToken(ctx, "harmony", len(ms), func(tok string) ([]Result, bool) {
		var ans harmonyAnswer
		header := http.Header{"Authorization": {"Bearer " + tok}, "push-type": {"0"}}
		r, _ := vendorCall(ctx, h.client, "harmony", url, "application/json", header, raw, &ans)
		if ans.Code == "" {
			return each(len(ms), r), false
		}
		switch ans.Code {
		case "80200001", "80200003", "80200005": // authentication failed, token expired
			return each(len(ms), Result{Outcome: Retry, Err: harmonyErr(ans)}), true
		}
		return harmonyResults(ms, ans, r), false
	})
}

func harmonyErr(a harmonyAnswer) error {
	return fmt.Errorf("harmony: code %s: %.200s", a.Code, a.Msg)
}

// harmonyTokenReasons are the reasons Push Kit gives for a token that will
// never work for this app; the others (no right to the push-type, the app
// penalised, not created) are the operator's to fix.
var harmonyTokenReasons = map[string]bool{"noRight": true, "tokenFormatError": true, "tokenPlatformNotSupport": true}

// harmonyResults classifies Push Kit's answer for each device.
func harmonyResults(ms []Message, a harmonyAnswer, ok Result) []Result {
	switch a.Code {
	case "80000000":
		return make([]Result, len(ms))
	case "80100000", "80300007": // sent to some tokens only; to none
		var detail struct {
			IllegalTokens map[string][]string `json:"illegalTokens"`
		}
		_ = json.Unmarshal([]byte(a.Msg), &detail)
		failed := map[string]Result{}
		for reason, tokens := range detail.IllegalTokens {
			r := Result{Outcome: Retry, Err: fmt.Errorf("harmony: code %s: %s", a.Code, reason)}
			if harmonyTokenReasons[reason] {
				r.Outcome = DeadToken
			}
			for _, t := range tokens {
				failed[t] = r
			}
		}
		out := make([]Result, len(ms))
		for i, m := range ms {
			if r, bad := failed[m.Token]; bad {
				out[i] = r
			} else if a.Code == "80300007" {
				out[i] = Result{Outcome: DeadToken, Err: harmonyErr(a)}
			}
		}
		return out
	case "80100001", "80100003", "80300008":
		// Bad parameters, a bad payload, a message too large.
		return each(len(ms), Result{Outcome: Rejected, Err: harmonyErr(a)})
	}
	// Flow control (503), internal errors, permissions an operator must
	// grant: retried, honouring Retry-After.
	return each(len(ms), Result{Outcome: Retry, Err: harmonyErr(a), RetryAfter: ok.RetryAfter})
}
