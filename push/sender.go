package push

import (
	"context"
	"time"
)

// Message is one push to one device, independent of the provider: FCM,
// APNs, or the vendor services of phones without Google services, each
// behind the same Sender interface.
type Message struct {
	Provider string // fcm, apns, huawei, honor, xiaomi, oppo, vivo, harmony; wecom, dingtalk
	Token    string // the device's token, or the user's account id on a work platform
	Platform string // android, ios, web
	Title    string
	Body     string
	Data     map[string]string // deep link: type, id, status, notification_id
	Channel  string            // Android notification channel
	High     bool
	// CollapseKey makes a newer push replace an older undelivered one.
	CollapseKey string
	// TTL is how long the provider should keep trying the device; 0 leaves
	// the provider's default. Expires is the same instant on the wall clock.
	TTL     time.Duration
	Expires time.Time
	// At is when the notice was written: the work platforms show it, so
	// that two notices alike in words are not taken for one.
	At time.Time
}

// Outcome is what became of one message.
type Outcome int

const (
	Sent      Outcome = iota
	Retry             // transient: try again later (quota, server error, network)
	DeadToken         // the token will never work again: forget the device
	Rejected          // the message itself is bad: do not retry
)

// Result is the provider's answer for one message.
type Result struct {
	Outcome    Outcome
	Err        error
	RetryAfter time.Duration // the provider's Retry-After, when it gave one
}

// Sender delivers one message through a push provider; the worker calls it
// from many goroutines at once.
type Sender interface {
	Send(ctx context.Context, m Message) Result
}

// BatchSender is a Sender whose provider takes one message for many devices
// in a single request (Huawei, Honor, Xiaomi, HarmonyOS, the batch flows of
// OPPO and vivo), so that 10,000 devices do not mean 10,000 requests. The worker hands it
// groups of at most MaxBatch messages of one notice that differ only in
// Token: one request carries one payload, so their data name the notice
// (push_id) and not each recipient's inbox entry (no notification_id).
type BatchSender interface {
	Sender
	MaxBatch() int
	// SendBatch returns one Result per message, in order.
	SendBatch(ctx context.Context, ms []Message) []Result
}
