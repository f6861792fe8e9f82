package store

// Domain events: a transaction raises typed events (tx.Publish) for what
// it changed, and once it has committed the store hands them to whoever
// subscribed. Side effects that used to rely on every write path
// remembering them (dropping the menu cache, waking the push worker,
// feeding the live stream) subscribe to the events they need instead.

// Subscribe registers fn for every committed event, in publish order, on
// the goroutine that committed. fn must be quick and must not block:
// hand slow work to a goroutine or a channel.
func (s *Store) Subscribe(fn func(ev any)) {
	s.subsMu.Lock()
	defer s.subsMu.Unlock()
	s.subs = append(s.subs, fn)
}

// On registers fn for committed events of type E: a domain's event struct,
// or an interface such as Live.
func On[E any](s *Store, fn func(E)) {
	s.Subscribe(func(ev any) {
		if e, ok := ev.(E); ok {
			fn(e)
		}
	})
}

func (s *Store) deliver(events []any) {
	if len(events) == 0 {
		return
	}
	s.subsMu.RLock()
	subs := s.subs
	s.subsMu.RUnlock()
	for _, ev := range events {
		for _, fn := range subs {
			fn(ev)
		}
	}
}

// Live is implemented by the events that live-stream clients receive.
type Live interface {
	Live() LiveEvent
}

// LiveEvent is a live update for the subscribers of Topic ("user:7",
// "route:3", …), shaped as clients see it.
type LiveEvent struct {
	Topic string
	// ID orders events within a topic when it is meaningful (inbox ids); 0 otherwise.
	ID   int64
	Type string
	Data any
}
