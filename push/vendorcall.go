package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The HTTP side of the vendor senders: none of Huawei, Honor, Xiaomi,
// OPPO, vivo or HarmonyOS has a Go library that is kept up, so each is a
// small client written against the vendor's published HTTP API. This file
// holds what they share: the client, one POST with its failure classified,
// and access tokens cached, shared and refreshed once on expiry.

// vendorClient is the HTTP client of the vendor senders: enough idle
// connections for every send slot, and a bound on a vendor that stops
// answering.
func vendorClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 512, 512
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// vendorAnswer is a vendor's HTTP answer to one request.
type vendorAnswer struct {
	Status     int
	Body       []byte
	RetryAfter time.Duration
}

// vendorPost posts body and reads the answer. Secrets travel only in
// header, body and query, never in the error.
func vendorPost(ctx context.Context, hc *http.Client, url, contentType string, header http.Header, body []byte) (vendorAnswer, error) {
	return vendorDo(ctx, hc, http.MethodPost, url, contentType, header, body)
}

// vendorDo makes one request and reads the answer. The work platforms take
// their access token in the query: an error names the URL without it.
func vendorDo(ctx context.Context, hc *http.Client, method, target, contentType string, header http.Header, body []byte) (vendorAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return vendorAnswer{}, errors.New("bad request URL")
	}
	maps.Copy(req.Header, header)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := hc.Do(req)
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		ue.URL, _, _ = strings.Cut(ue.URL, "?")
	}
	if err != nil {
		return vendorAnswer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return vendorAnswer{}, fmt.Errorf("reading the answer: %w", err)
	}
	return vendorAnswer{Status: resp.StatusCode, Body: raw, RetryAfter: retryAfter(resp)}, nil
}

// postBearer posts body as JSON with an access token (Huawei, Honor).
func postBearer(ctx context.Context, hc *http.Client, url, bearer string, header http.Header, body []byte) (vendorAnswer, error) {
	h := http.Header{"Authorization": {"Bearer " + bearer}}
	maps.Copy(h, header)
	return vendorPost(ctx, hc, url, "application/json; charset=UTF-8", h, body)
}

// vendorCall posts body to url and decodes the JSON answer into out. When
// the vendor gave no readable 2xx answer, ok is false and r says what to do:
// network trouble, 429 and 5xx are retried (honouring Retry-After), as are
// 401 and 403 (credentials an operator may fix); any other status is a
// message the vendor will not take.
func vendorCall(ctx context.Context, client *http.Client, vendor, url, contentType string, header http.Header, body []byte, out any) (r Result, ok bool) {
	a, err := vendorPost(ctx, client, url, contentType, header, body)
	if err != nil {
		return Result{Outcome: Retry, Err: fmt.Errorf("%s: %w", vendor, err)}, false
	}
	if a.Status < 200 || a.Status > 299 {
		// Some vendors put their code in an error's body too: out gets it
		// when it is JSON, for a sender that acts on it.
		_ = json.Unmarshal(a.Body, out)
		r := Result{Outcome: Rejected, Err: fmt.Errorf("%s: HTTP %d: %.200s", vendor, a.Status, a.Body)}
		switch s := a.Status; {
		case s == http.StatusTooManyRequests || s >= 500 || s == http.StatusUnauthorized || s == http.StatusForbidden:
			r.Outcome, r.RetryAfter = Retry, a.RetryAfter
		}
		return r, false
	}
	if err := json.Unmarshal(a.Body, out); err != nil {
		return Result{Outcome: Retry, Err: fmt.Errorf("%s: unreadable answer: %.200s", vendor, a.Body)}, false
	}
	return Result{RetryAfter: a.RetryAfter}, true
}

// accessToken caches a vendor's OAuth-style access token until shortly
// before it expires. Concurrent senders share one fetch; a sender whose
// request came back 401 calls Invalidate with the token it used, so that
// the next Get fetches once, not once per failed request.
type accessToken struct {
	fetch func(ctx context.Context) (token string, ttl time.Duration, err error)
	now   func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// tokenMargin is how long before its stated expiry a token is replaced,
// so a request never carries one that expires on the way.
const tokenMargin = 5 * time.Minute

func newAccessToken(fetch func(ctx context.Context) (string, time.Duration, error)) *accessToken {
	return &accessToken{fetch: fetch, now: time.Now}
}

// Get returns a valid token, fetching one when none is cached.
func (a *accessToken) Get(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.now().Before(a.expires) {
		return a.token, nil
	}
	tok, ttl, err := a.fetch(ctx)
	if err != nil {
		return "", err
	}
	margin := min(tokenMargin, ttl/10)
	a.token, a.expires = tok, a.now().Add(ttl-margin)
	return tok, nil
}

// Invalidate forgets used if it is still the cached token.
func (a *accessToken) Invalidate(used string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == used {
		a.token = ""
	}
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

// clientCredentials fetches an access token with the OAuth 2.0 client
// credentials grant, as Huawei's and Honor's token endpoints take it.
func clientCredentials(hc *http.Client, tokenURL, clientID, secret string) func(context.Context) (string, time.Duration, error) {
	return func(ctx context.Context) (string, time.Duration, error) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
		a, err := vendorPost(ctx, hc, tokenURL, "application/x-www-form-urlencoded", nil, []byte(form.Encode()))
		if err != nil {
			return "", 0, err
		}
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
		}
		if err := json.Unmarshal(a.Body, &out); err != nil || a.Status != http.StatusOK || out.AccessToken == "" {
			// The answer may echo the secret's owner; only the status is told.
			return "", 0, fmt.Errorf("access token: HTTP %d from %s", a.Status, tokenURL)
		}
		return out.AccessToken, time.Duration(out.ExpiresIn) * time.Second, nil
	}
}
