package push

import (
	"encoding/json"

	"houqin/models/store"
)

// liveChannel carries live events between replicas.
const liveChannel = "live"

// Shared is the Broker of one replica among several. Events go out through
// the cluster and come back to every replica's Local, this one's included,
// so all subscribers of a topic see its events in one order: the order
// Redis received them. While Redis is away, events reach this replica's own
// subscribers only; when it returns, the cluster's gap message ends every
// stream so that clients resume what they missed from the inbox.
type Shared struct {
	*Local
	cluster *Cluster
	encode  func(any) ([]byte, error)
}

// wireEvent is a LiveEvent on the wire; Data is already in the API's JSON.
type wireEvent struct {
	Topic string          `json:"t"`
	ID    int64           `json:"i,omitempty"`
	Type  string          `json:"y"`
	Data  json.RawMessage `json:"d,omitempty"`
}

// NewShared returns a broker that delivers to local through c; encode is
// the API's JSON encoder, so data crosses in the form clients receive.
func NewShared(local *Local, c *Cluster, encode func(any) ([]byte, error)) *Shared {
	s := &Shared{Local: local, cluster: c, encode: encode}
	c.Handle(liveChannel, s.receive)
	c.Handle(Gap, func([]byte) { local.DropAll() })
	return s
}

// Publish sends ev to every replica, or only to this one's subscribers
// while Redis is away.
func (s *Shared) Publish(ev store.LiveEvent) {
	w := wireEvent{Topic: ev.Topic, ID: ev.ID, Type: ev.Type}
	data, err := s.encode(ev.Data)
	if err == nil {
		w.Data = data
		var b []byte
		if b, err = json.Marshal(w); err == nil {
			err = s.cluster.Send(liveChannel, b)
		}
	}
	if err != nil {
		s.Local.Publish(ev)
	}
}

func (s *Shared) receive(b []byte) {
	var w wireEvent
	if json.Unmarshal(b, &w) != nil {
		return
	}
	ev := store.LiveEvent{Topic: w.Topic, ID: w.ID, Type: w.Type}
	if w.Data != nil {
		ev.Data = w.Data
	}
	s.Local.Publish(ev)
}
