package push

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"time"
)

// The vendor senders (Xiaomi, OPPO, vivo, HarmonyOS) are small clients
// written against each vendor's published HTTP API: none of them has a Go
// library that is kept up. This file holds what they share: one HTTP call with its failure
// classified, and the waits a vendor's quota answer implies.

// newVendorClient is the HTTP client a vendor sender uses when given none:
// enough idle connections for the worker's concurrent sends, and a bound on
// a vendor that stops answering.
func newVendorClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// vendorCall posts body to url and decodes the JSON answer into out. When
// the vendor gave no readable 2xx answer, ok is false and r says what to do:
// network trouble, 429 and 5xx are retried (honouring Retry-After), as are
// 401 and 403 (credentials an operator may fix); any other status is a
// message the vendor will not take. Secrets travel only in header and body,
// never in the error.
func vendorCall(ctx context.Context, client *http.Client, vendor, url, contentType string, header http.Header, body []byte, out any) (r Result, ok bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Result{Outcome: Rejected, Err: fmt.Errorf("%s: %w", vendor, err)}, false
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := client.Do(req)
	if err != nil {
		return Result{Outcome: Retry, Err: fmt.Errorf("%s: %w", vendor, err)}, false
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Result{Outcome: Retry, Err: fmt.Errorf("%s: reading the answer: %w", vendor, err)}, false
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Some vendors put their code in an error's body too: out gets it
		// when it is JSON, for a sender that acts on it.
		_ = json.Unmarshal(raw, out)
		r := Result{Outcome: Rejected, Err: fmt.Errorf("%s: HTTP %d: %.200s", vendor, resp.StatusCode, raw)}
		switch s := resp.StatusCode; {
		case s == http.StatusTooManyRequests || s >= 500 || s == http.StatusUnauthorized || s == http.StatusForbidden:
			r.Outcome, r.RetryAfter = Retry, retryAfter(resp)
		}
		return r, false
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return Result{Outcome: Retry, Err: fmt.Errorf("%s: unreadable answer: %.200s", vendor, raw)}, false
	}
	return Result{RetryAfter: retryAfter(resp)}, true
}

// each is r for every one of n messages.
func each(n int, r Result) []Result {
	out := make([]Result, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// china is the vendors' clock: daily quotas start again at midnight here.
var china = time.FixedZone("CST", 8*3600)

// untilTomorrow is how long until a daily quota is renewed. A vendor that
// says "too many today" means it: asking again before is pointless, and
// vivo lowers the quota of an app that keeps asking.
func untilTomorrow(now time.Time) time.Duration {
	t := now.In(china)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, china).Sub(t)
}

// dailyQuota is the wait after a daily-quota answer: the vendor's
// Retry-After when it gave one, else until tomorrow.
func dailyQuota(ok Result) time.Duration {
	if ok.RetryAfter > 0 {
		return ok.RetryAfter
	}
	return untilTomorrow(time.Now())
}

// linkData is the deep link the app needs, as JSON, for the vendors that
// carry it in one string (Xiaomi's payload, OPPO's action_parameters,
// vivo's skipContent).
func linkData(data map[string]string) string {
	b, _ := json.Marshal(data)
	return string(b)
}

// batchData is the data of a payload sent to many devices: one payload
// cannot name one push, so push_id is dropped (notification_id still names
// the notice).
func batchData(data map[string]string) map[string]string {
	d := make(map[string]string, len(data))
	for k, v := range data {
		if k != "push_id" {
			d[k] = v
		}
	}
	return d
}

// codeErr is a vendor's refusal, with its code, for the outbox row.
func codeErr(vendor string, code int, msg string) error {
	return fmt.Errorf("%s: code %d: %s", vendor, code, msg)
}

// withToken runs call with a valid access token. When the vendor answers
// that the token has expired, it forgets that token (once for all the
// senders that used it) and tries once more with a fresh one.
func (a *accessToken) withToken(ctx context.Context, vendor string, n int, call func(token string) (res []Result, expired bool)) []Result {
	for try := 0; ; try++ {
		tok, err := a.Get(ctx)
		if err != nil {
			return each(n, Result{Outcome: Retry, Err: fmt.Errorf("%s: access token: %w", vendor, err)})
		}
		res, expired := call(tok)
		if !expired {
			return res
		}
		a.Invalidate(tok)
		if try == 1 {
			return each(n, Result{Outcome: Retry, Err: fmt.Errorf("%s: a fresh access token was refused too", vendor)})
		}
	}
}

// notifyID is a notification id for vendors that show only the latest
// message of one id (Xiaomi's notify_id, HarmonyOS's notifyId): the
// collapse key when there is one, otherwise the notice itself, so that two
// notices never fold into one.
func notifyID(m Message) int32 {
	key := m.CollapseKey
	if key == "" {
		key = "notification:" + m.Data["notification_id"]
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int32(h.Sum32() & 0x7fffffff)
}
