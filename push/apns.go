package push

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/payload"
	"github.com/sideshow/apns2/token"
)

// APNsConfig says how to reach Apple's push service directly (苹果 APNs),
// with a token-based (.p8) key.
type APNsConfig struct {
	KeyFile string // the .p8 signing key
	KeyID   string // its Key ID
	TeamID  string // the developer team
	Topic   string // the app's bundle id
	Sandbox bool   // development builds use APNs' sandbox
	// Endpoint replaces Apple's host (tests, proxies). An http:// endpoint
	// is spoken to in HTTP/2 over cleartext, as APNs speaks HTTP/2 only.
	Endpoint string
}

// APNs sends through Apple's HTTP/2 provider API with sideshow/apns2.
type APNs struct {
	client *apns2.Client
	token  *token.Token
	topic  string
}

// NewAPNs reads the key and builds the client.
func NewAPNs(c APNsConfig) (*APNs, error) {
	key, err := token.AuthKeyFromFile(c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("apns key: %w", err)
	}
	tok := &token.Token{AuthKey: key, KeyID: c.KeyID, TeamID: c.TeamID}
	client := apns2.NewTokenClient(tok).Production()
	if c.Sandbox {
		client.Development()
	}
	if c.Endpoint != "" {
		client.Host = strings.TrimSuffix(c.Endpoint, "/")
	}
	if strings.HasPrefix(c.Endpoint, "http://") {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetUnencryptedHTTP2(true)
		client.HTTPClient = &http.Client{Transport: tr, Timeout: apns2.HTTPClientTimeout}
	}
	return &APNs{client: client, token: tok, topic: c.Topic}, nil
}

// Send implements Sender. A provider token APNs calls expired is made
// anew once (by whichever send saw it first) and the push sent again.
func (a *APNs) Send(ctx context.Context, m Message) Result {
	n := apnsNotification(m, a.topic)
	for try := 0; ; try++ {
		used := a.token.GenerateIfExpired()
		resp, err := a.client.PushWithContext(ctx, n)
		if err != nil {
			return Result{Outcome: Retry, Err: fmt.Errorf("apns: %w", err)}
		}
		if resp.Reason == apns2.ReasonExpiredProviderToken && try == 0 {
			a.token.Lock()
			if a.token.Bearer == used {
				a.token.IssuedAt = 0
			}
			a.token.Unlock()
			continue
		}
		return apnsResult(resp)
	}
}

// apnsNotification is the push as APNs takes it: an alert in the app's
// thread for the channel, the deep link as custom keys beside aps (where
// the app reads them), priority 10 for high and 5 otherwise, the collapse
// id and expiry as headers.
func apnsNotification(m Message, topic string) *apns2.Notification {
	// The payload is at most 4 KB in all: title and body get most of it.
	p := payload.NewPayload().AlertTitle(cut(m.Title, 200, false)).AlertBody(cut(m.Body, 1500, false)).
		Sound("default").ThreadID(m.Channel)
	if m.High {
		p.InterruptionLevel(payload.InterruptionLevelTimeSensitive)
	}
	for k, v := range m.Data {
		p.Custom(k, v)
	}
	n := &apns2.Notification{DeviceToken: m.Token, Topic: topic, Payload: p, PushType: apns2.PushTypeAlert,
		Priority: apns2.PriorityLow, CollapseID: clip(m.CollapseKey, 64)}
	if m.High {
		n.Priority = apns2.PriorityHigh
	}
	if !m.Expires.IsZero() {
		n.Expiration = m.Expires
	}
	return n
}

// apnsResult classifies APNs' answer by its reason.
func apnsResult(r *apns2.Response) Result {
	err := fmt.Errorf("apns: %d %s", r.StatusCode, r.Reason)
	switch {
	case r.Sent():
		return Result{Outcome: Sent}
	case r.Reason == apns2.ReasonBadDeviceToken || r.Reason == apns2.ReasonUnregistered ||
		r.Reason == apns2.ReasonExpiredToken || r.Reason == apns2.ReasonDeviceTokenNotForTopic:
		return Result{Outcome: DeadToken, Err: err}
	case r.StatusCode == http.StatusTooManyRequests:
		// APNs states no wait: the worker's backoff decides.
		return Result{Outcome: Retry, Err: err}
	case r.StatusCode == http.StatusForbidden || r.StatusCode >= 500:
		// A key or topic an operator may fix, or Apple's trouble.
		return Result{Outcome: Retry, Err: err}
	}
	return Result{Outcome: Rejected, Err: err}
}
