package push

import (
	"context"
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
