package push

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

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

// cut shortens s to at most n bytes (or n runes when runes is true: the
// vendors count either), on a character boundary, with an ellipsis when
// anything was dropped. Chinese text is three bytes a character in UTF-8.
func cut(s string, n int, runes bool) string {
	size := len(s)
	if runes {
		size = utf8.RuneCountInString(s)
	}
	if size <= n {
		return s
	}
	const ell = "…"
	budget := n - 1
	if !runes {
		budget = n - len(ell)
	}
	if budget <= 0 {
		return ""
	}
	used := 0
	for i, r := range s {
		w := 1
		if !runes {
			w = utf8.RuneLen(r)
		}
		if used+w > budget {
			return s[:i] + ell
		}
		used += w
	}
	return s
}

// vendorClient is the HTTP client of the vendor senders: enough idle
// connections for every send slot, and a bound on a hung request.
func vendorClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 512, 512
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// clientCredentials fetches an access token with the OAuth 2.0 client
// credentials grant, as Huawei's and Honor's token endpoints take it.
func clientCredentials(hc *http.Client, tokenURL, clientID, secret string) func(context.Context) (string, time.Duration, error) {
	return func(ctx context.Context) (string, time.Duration, error) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return "", 0, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := hc.Do(req)
		if err != nil {
			return "", 0, err
		}
		defer resp.Body.Close()
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
		}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.AccessToken == "" {
			// The answer may echo the secret's owner; only the status is told.
			return "", 0, fmt.Errorf("access token: %s from %s", resp.Status, tokenURL)
		}
		return out.AccessToken, time.Duration(out.ExpiresIn) * time.Second, nil
	}
}

// vendorAnswer is a vendor's HTTP answer to one send request.
type vendorAnswer struct {
	Status     int
	Body       []byte
	RetryAfter time.Duration
}

// postAuthorized posts body as JSON with the cached access token, and once
// more with a fresh token when the vendor answers 401 (or calls the token
// expired in expired's judgement of a 200 or 400 body, as some vendors do).
func postAuthorized(ctx context.Context, hc *http.Client, tok *accessToken, url string, header http.Header, body any,
	expired func(vendorAnswer) bool) (vendorAnswer, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return vendorAnswer{}, err
	}
	var ans vendorAnswer
	for try := range 2 {
		bearer, err := tok.Get(ctx)
		if err != nil {
			return vendorAnswer{}, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
		if err != nil {
			return vendorAnswer{}, err
		}
		maps.Copy(req.Header, header)
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := hc.Do(req)
		if err != nil {
			return vendorAnswer{}, err
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return vendorAnswer{}, err
		}
		ans = vendorAnswer{Status: resp.StatusCode, Body: b, RetryAfter: retryAfter(resp)}
		if try == 0 && (ans.Status == http.StatusUnauthorized || expired(ans)) {
			tok.Invalidate(bearer)
			continue
		}
		break
	}
	return ans, nil
}

// deepLink is the intent URI an Android vendor's notification opens when
// tapped, carrying the deep-link data as extras (S.key=value): Huawei and
// Honor hand a tapped notification's data to the app this way.
func deepLink(data map[string]string) string {
	var b strings.Builder
	b.WriteString("intent://houqin/notification#Intent;scheme=houqin;launchFlags=0x04000000;")
	for _, k := range slices.Sorted(maps.Keys(data)) {
		b.WriteString("S." + url.QueryEscape(k) + "=" + url.QueryEscape(data[k]) + ";")
	}
	b.WriteString("end")
	return b.String()
}

// notifyID is a stable small number for a collapse key: vendors that
// replace a shown notification by a numeric id get the same one for the
// same key (0 when there is no key: every notification stays).
func notifyID(key string) int {
	if key == "" {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32()%2_000_000_000) + 1
}

// jsonString is v as JSON text, for vendors whose data field is a string.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ttlSeconds is a TTL as the vendors' "3600s" form ("" for the default).
func ttlSeconds(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.Itoa(max(int(d/time.Second), 1)) + "s"
}

// resultsFor gives every message of a batch the same result.
func resultsFor(n int, r Result) []Result {
	out := make([]Result, n)
	for i := range out {
		out[i] = r
	}
	return out
}
