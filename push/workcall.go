package push

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// What the work-platform senders (企业微信 and 钉钉) share: both answer
// every call with HTTP 200 and {errcode, errmsg}, take an access token
// fetched with a GET from the application's key and secret (valid two
// hours) in the query, and call an expired or invalid one by an errcode.

// workErr is the error part of every work-platform answer. 钉钉 answers 88
// with the real code in sub_code for some token problems.
type workErr struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	SubCode string `json:"sub_code"`
}

func (e workErr) err(platform string) error {
	if e.SubCode != "" {
		return codeErr(platform, e.ErrCode, e.ErrMsg+" (sub_code "+e.SubCode+")")
	}
	return codeErr(platform, e.ErrCode, e.ErrMsg)
}

// workAPI is one work platform's application.
type workAPI struct {
	name    string // for errors and metrics: wecom, dingtalk
	base    string
	agent   int64 // the application's AgentId
	client  *http.Client
	token   *accessToken
	expired func(workErr) bool // the access token needs renewing
}

// newWorkAPI is the application agentID on the platform at base (or
// defaultBase), whose access token comes from tokenPath with query.
func newWorkAPI(name, base, defaultBase, agentID, tokenPath string, query url.Values, expired func(workErr) bool) (*workAPI, error) {
	agent, err := strconv.ParseInt(agentID, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("agent id %q is not a number", agentID)
	}
	a := &workAPI{name: name, base: strings.TrimSuffix(cmp.Or(base, defaultBase), "/"), agent: agent, client: vendorClient(), expired: expired}
	tokenURL := a.base + tokenPath + "?" + query.Encode()
	a.token = newAccessToken(func(ctx context.Context) (string, time.Duration, error) {
		ans, err := vendorDo(ctx, a.client, http.MethodGet, tokenURL, "", nil, nil)
		if err != nil {
			return "", 0, err
		}
		var out struct {
			workErr
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
		}
		if err := json.Unmarshal(ans.Body, &out); err != nil || out.ErrCode != 0 || out.AccessToken == "" {
			// Only the code: the answer is about the secret.
			return "", 0, fmt.Errorf("HTTP %d, errcode %d", ans.Status, out.ErrCode)
		}
		return out.AccessToken, time.Duration(out.ExpiresIn) * time.Second, nil
	})
	return a, nil
}

// call posts body as JSON to path with the access token and decodes the
// answer into out. When the platform calls the token expired or invalid,
// it is fetched again (once for every caller that used it) and the call
// made once more. ok is false when no answer came: r says what to do.
func (a *workAPI) call(ctx context.Context, path string, body, out any) (e workErr, r Result, ok bool) {
	raw, err := json.Marshal(body)
	if err != nil {
		return e, Result{Outcome: Rejected, Err: fmt.Errorf("%s: %w", a.name, err)}, false
	}
	for try := 0; ; try++ {
		tok, err := a.token.Get(ctx)
		if err != nil {
			return e, Result{Outcome: Retry, Err: fmt.Errorf("%s: access token: %w", a.name, err)}, false
		}
		var ans json.RawMessage
		r, ok = vendorCall(ctx, a.client, a.name, a.base+path+"?access_token="+url.QueryEscape(tok), "application/json", nil, raw, &ans)
		if !ok {
			return e, r, false
		}
		e = workErr{}
		if err := json.Unmarshal(ans, &e); err != nil {
			return e, Result{Outcome: Retry, Err: fmt.Errorf("%s: unreadable answer: %.200s", a.name, ans)}, false
		}
		if a.expired(e) {
			a.token.Invalidate(tok)
			if try == 0 {
				continue
			}
			return e, Result{Outcome: Retry, Err: fmt.Errorf("%s: a fresh access token was refused too", a.name)}, false
		}
		_ = json.Unmarshal(ans, out)
		return e, r, true
	}
}

// workText is a notice as one plain text: title, body, and the time it
// was written, to the second. The time makes it specific, so that a
// platform's rule against identical messages (钉钉: one a day to a person)
// does not swallow a second notice alike in words (a repair reassigned
// back within the minute).
func workText(m Message) string {
	return m.Title + "\n" + m.Body + "\n" + workTime(m)
}

func workTime(m Message) string {
	at := m.At
	if at.IsZero() {
		at = time.Now()
	}
	return at.In(china).Format("1月2日 15:04:05")
}

// accountResults gives each message the result for its account: listed
// ones get theirs, the others ok.
func accountResults(ms []Message, listed map[string]Result, ok Result) []Result {
	out := make([]Result, len(ms))
	for i, m := range ms {
		if r, bad := listed[strings.ToLower(m.Token)]; bad {
			out[i] = r
		} else {
			out[i] = ok
		}
	}
	return out
}

// byMobile is the look-up of a member's userid by mobile number: 企业微信
// answers it as userid, 钉钉 as result.userid; notFound is the code for
// a number nobody in the organisation has.
func (a *workAPI) byMobile(ctx context.Context, path, mobile string, notFound int) (string, bool, error) {
	var ans struct {
		UserID string `json:"userid"`
		Result struct {
			UserID string `json:"userid"`
		} `json:"result"`
	}
	e, r, ok := a.call(ctx, path, map[string]string{"mobile": mobile}, &ans)
	switch {
	case !ok:
		return "", false, r.Err
	case e.ErrCode == notFound:
		return "", false, nil
	case e.ErrCode != 0:
		return "", false, e.err(a.name)
	}
	id := cmp.Or(ans.UserID, ans.Result.UserID)
	return id, id != "", nil
}
