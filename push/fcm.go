package push

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/errorutils"
	"firebase.google.com/go/v4/messaging"
	"google.golang.org/api/option"
)

// FCMConfig says how to reach Firebase Cloud Messaging.
type FCMConfig struct {
	ProjectID       string
	CredentialsFile string // service-account JSON; empty sends unauthenticated (tests, proxies)
	Endpoint        string // base URL including /v1; empty for Google's
}

// Enabled reports whether push is configured at all.
func (c FCMConfig) Enabled() bool { return c.ProjectID != "" || c.CredentialsFile != "" }

// FCM sends through the Firebase Admin SDK's HTTP v1 client.
type FCM struct {
	client  *messaging.Client
	Project string
}

// NewFCM builds the FCM client.
func NewFCM(ctx context.Context, c FCMConfig) (*FCM, error) {
	var opts []option.ClientOption
	if c.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(c.Endpoint))
	}
	if c.CredentialsFile != "" {
		opts = append(opts, option.WithCredentialsFile(c.CredentialsFile))
	} else {
		// Plain HTTP/1.1 to a proxy or fake: keep enough idle connections
		// for every send in flight, or each request dials anew.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 512, 512
		opts = append(opts, option.WithoutAuthentication(),
			option.WithHTTPClient(&http.Client{Transport: tr, Timeout: 30 * time.Second}))
	}
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: c.ProjectID}, opts...)
	if err != nil {
		return nil, fmt.Errorf("firebase: %w", err)
	}
	client, err := app.Messaging(ctx)
	if err != nil {
		return nil, fmt.Errorf("firebase messaging: %w", err)
	}
	return &FCM{client: client, Project: c.ProjectID}, nil
}

// Send implements Sender with one request. (SendEach with one message
// would do the same request but start 50 goroutines for it: a large share
// of a fan-out's CPU.)
func (f *FCM) Send(ctx context.Context, m Message) Result {
	_, err := f.client.Send(ctx, fcmMessage(m))
	if err != nil && !fromFCM(err) {
		// The SDK's own check refused the message: no retry would change it.
		return Result{Outcome: Rejected, Err: err}
	}
	return classify(err)
}

// fromFCM reports whether err came from FCM or the network rather than
// from the SDK's check of the message: the SDK gives every error of a
// request one of these codes, and its own refusals none.
func fromFCM(err error) bool {
	for _, is := range []func(error) bool{
		errorutils.IsInvalidArgument, errorutils.IsFailedPrecondition, errorutils.IsOutOfRange,
		errorutils.IsUnauthenticated, errorutils.IsPermissionDenied, errorutils.IsNotFound,
		errorutils.IsConflict, errorutils.IsAborted, errorutils.IsAlreadyExists,
		errorutils.IsResourceExhausted, errorutils.IsCancelled, errorutils.IsDataLoss,
		errorutils.IsUnknown, errorutils.IsInternal, errorutils.IsUnavailable, errorutils.IsDeadlineExceeded,
	} {
		if is(err) {
			return true
		}
	}
	return false
}

func fcmMessage(m Message) *messaging.Message {
	priority, apnsPriority, urgency := "normal", "5", "normal"
	if m.High {
		priority, apnsPriority, urgency = "high", "10", "high"
	}
	android := &messaging.AndroidConfig{
		Priority: priority, CollapseKey: m.CollapseKey,
		Notification: &messaging.AndroidNotification{ChannelID: m.Channel},
	}
	apnsHeaders := map[string]string{"apns-priority": apnsPriority, "apns-push-type": "alert"}
	webHeaders := map[string]string{"Urgency": urgency}
	if m.CollapseKey != "" {
		apnsHeaders["apns-collapse-id"] = clip(m.CollapseKey, 64)
		webHeaders["Topic"] = clip(m.CollapseKey, 32)
	}
	if m.TTL > 0 {
		ttl := m.TTL
		android.TTL = &ttl
		apnsHeaders["apns-expiration"] = strconv.FormatInt(m.Expires.Unix(), 10)
		webHeaders["TTL"] = strconv.Itoa(int(m.TTL / time.Second))
	}
	return &messaging.Message{
		Token:        m.Token,
		Notification: &messaging.Notification{Title: m.Title, Body: m.Body},
		Data:         m.Data,
		Android:      android,
		APNS: &messaging.APNSConfig{Headers: apnsHeaders,
			Payload: &messaging.APNSPayload{Aps: &messaging.Aps{Sound: "default", ThreadID: m.Channel}}},
		Webpush: &messaging.WebpushConfig{Headers: webHeaders},
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// classify turns an FCM error into what the worker should do. The SDK has
// already retried 503 and network errors a few times; 429 and 500 are ours.
func classify(err error) Result {
	r := Result{Err: err}
	switch {
	case err == nil:
		r.Outcome = Sent
	case messaging.IsUnregistered(err), messaging.IsSenderIDMismatch(err):
		r.Outcome = DeadToken
	case messaging.IsInvalidArgument(err), errorutils.IsInvalidArgument(err):
		r.Outcome = Rejected
		if strings.Contains(strings.ToLower(err.Error()), "registration token") {
			r.Outcome = DeadToken
		}
	default:
		// Quota, internal, unavailable, network, and auth trouble that an
		// operator may fix: retried with backoff, a bounded number of times.
		r.Outcome = Retry
		r.RetryAfter = retryAfter(errorutils.HTTPResponse(err))
	}
	return r
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(resp *http.Response) time.Duration {
	if resp == nil {
		return 0
	}
	v := resp.Header.Get("Retry-After")
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
