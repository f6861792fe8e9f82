package sse_test

import (
	"encoding/json"
	"testing"
	"time"

	"houqin/handlers"
	"houqin/push/sse"
)

// TestAppendEventEncodedOnce: an event whose data the broker encoded once
// is written byte for byte as the stream would write it from the value.
func TestAppendEventEncodedOnce(t *testing.T) {
	encode := handlers.JSONEncoder(time.FixedZone("CST", 8*3600))
	at := time.Date(2026, 12, 1, 1, 2, 3, 456789000, time.UTC)
	for _, c := range []struct {
		name, topic, typ string
		id               int64
		data             any
	}{
		{"a bus's position", "shuttle", "trip.position", 0, map[string]any{"trip_id": 7, "lat": 32.05, "at": at}},
		{"an inbox entry", "notifications", "notification", 42, struct {
			Title string    `json:"title"`
			At    time.Time `json:"created_at"`
		}{"<b>停水</b> & 通知", at}},
		{"a topic the fast path leaves to the encoder", `odd"topic`, "menu.sold_out", 0, []int{1, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw, err := encode(c.data)
			if err != nil {
				t.Fatal(err)
			}
			want := string(sse.AppendEvent(nil, encode, c.topic, c.id, c.typ, c.data))
			if got := string(sse.AppendEvent(nil, encode, c.topic, c.id, c.typ, json.RawMessage(raw))); got != want {
				t.Fatalf("from the encoded data:\n%s\nfrom the value:\n%s", got, want)
			}
		})
	}
}
