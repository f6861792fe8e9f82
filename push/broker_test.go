package push_test

import (
	"testing"

	"houqin/models/store"
	"houqin/push"
)

func TestLocalBroker(t *testing.T) {
	b := push.NewLocal(nil)
	route, stopRoute := b.Subscribe("route:3")
	user, _ := b.Subscribe("user:7")

	t.Run("events reach only their topic's subscribers", func(t *testing.T) {
		b.Publish(store.LiveEvent{Topic: "route:3", Type: "trip.status"})
		if ev := <-route; ev.Type != "trip.status" {
			t.Fatalf("got %+v", ev)
		}
		if len(user) != 0 {
			t.Fatal("user:7 got a route event")
		}
	})
	t.Run("a subscriber that falls behind is dropped, not waited for", func(t *testing.T) {
		for range 1000 {
			b.Publish(store.LiveEvent{Topic: "user:7", Type: "notification"})
		}
		n := 0
		for range user {
			n++
		}
		if n == 0 || n >= 1000 || b.Subscribers("user:7") != 0 {
			t.Fatalf("received %d before the drop; %d subscribers left", n, b.Subscribers("user:7"))
		}
	})
	t.Run("unsubscribing twice is harmless", func(t *testing.T) {
		stopRoute()
		stopRoute()
		if _, open := <-route; open || b.Subscribers("route:3") != 0 {
			t.Fatal("the subscription is still open")
		}
	})
}
