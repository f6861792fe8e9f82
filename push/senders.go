package push

import (
	"context"
	"errors"

	"houqin/models/notify"
)

// Senders routes each message to the sender of its device's provider
// (Message.Provider: fcm, apns, huawei, ...). A provider missing from the
// map is not configured on this server; an empty map means push is off.
type Senders map[string]Sender

// Send implements Sender for messages of any configured provider.
func (s Senders) Send(ctx context.Context, m Message) Result {
	if snd := s[m.Provider]; snd != nil {
		return snd.Send(ctx, m)
	}
	return Result{Outcome: Rejected, Err: errors.New("push provider " + m.Provider + " is not configured")}
}

// Configured lists the configured providers in the order of
// notify.Providers.
func (s Senders) Configured() []string {
	var out []string
	for _, p := range notify.Providers {
		if s[string(p)] != nil {
			out = append(out, string(p))
		}
	}
	return out
}
