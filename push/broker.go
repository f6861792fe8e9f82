// Package push delivers what the domains announce: the outbox worker that
// sends pushes through a Sender (FCM), and the broker that fans live events
// out to Server-Sent Event streams. The inbox itself lives in models.
package push

import (
	"encoding/json"
	"sync"

	"houqin/models/store"
)

// Broker fans committed events out to live subscribers. Local does it within
// one process; Shared does it across replicas through a Cluster (Redis):
// Publish sends to every replica, and each hands what arrives to its Local.
type Broker interface {
	// Publish hands a committed live event to the subscribers of its topic.
	Publish(store.LiveEvent)
	// Subscribe returns a channel of the events of topics and a function that
	// ends the subscription. The channel is closed when the subscriber falls
	// too far behind; the client then reconnects and resumes.
	Subscribe(topics ...string) (<-chan store.LiveEvent, func())
}

// subscriberBuffer is how many events a subscriber may lag behind before it
// is dropped (and resumes from the inbox on reconnect).
const subscriberBuffer = 64

// Local is the in-process Broker.
type Local struct {
	encode func(any) ([]byte, error)
	mu     sync.RWMutex
	subs   map[string]map[*subscriber]struct{}
}

type subscriber struct {
	ch     chan store.LiveEvent
	topics []string
	once   sync.Once
}

// NewLocal returns an empty in-process broker. encode, when not nil, is
// the API's JSON encoder: Publish encodes each event's data with it once
// for all its subscribers (a bus's position goes to hundreds of streams),
// and hands them the JSON.
func NewLocal(encode func(any) ([]byte, error)) *Local {
	return &Local{encode: encode, subs: map[string]map[*subscriber]struct{}{}}
}

// Publish hands ev to every subscriber of its topic without blocking;
// subscribers whose buffer is full are dropped.
func (b *Local) Publish(ev store.LiveEvent) {
	var lagging []*subscriber
	b.mu.RLock()
	subs := b.subs[ev.Topic]
	if len(subs) > 0 {
		ev.Data = b.encoded(ev.Data)
	}
	for s := range subs {
		select {
		case s.ch <- ev:
		default:
			lagging = append(lagging, s)
		}
	}
	b.mu.RUnlock()
	for _, s := range lagging {
		b.unsubscribe(s)
	}
}

// encoded returns data as JSON, unless it already is (an event from
// another replica) or there is no encoder.
func (b *Local) encoded(data any) any {
	if _, done := data.(json.RawMessage); done || b.encode == nil || data == nil {
		return data
	}
	if j, err := b.encode(data); err == nil {
		return json.RawMessage(j)
	}
	return data // the stream writes its own error event for it
}

// Subscribe implements Broker.
func (b *Local) Subscribe(topics ...string) (<-chan store.LiveEvent, func()) {
	s := &subscriber{ch: make(chan store.LiveEvent, subscriberBuffer), topics: topics}
	b.mu.Lock()
	for _, t := range topics {
		if b.subs[t] == nil {
			b.subs[t] = map[*subscriber]struct{}{}
		}
		b.subs[t][s] = struct{}{}
	}
	b.mu.Unlock()
	return s.ch, func() { b.unsubscribe(s) }
}

func (b *Local) unsubscribe(s *subscriber) {
	s.once.Do(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, t := range s.topics {
			delete(b.subs[t], s)
			if len(b.subs[t]) == 0 {
				delete(b.subs, t)
			}
		}
		close(s.ch)
	})
}

// DropAll ends every subscription: the streams' clients reconnect and
// resume from the inbox (after events may have been missed).
func (b *Local) DropAll() {
	b.mu.RLock()
	all := map[*subscriber]struct{}{}
	for _, subs := range b.subs {
		for s := range subs {
			all[s] = struct{}{}
		}
	}
	b.mu.RUnlock()
	for s := range all {
		b.unsubscribe(s)
	}
}

// Subscribers counts live subscriptions per topic (for tests and metrics).
func (b *Local) Subscribers(topic string) int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs[topic])
}
