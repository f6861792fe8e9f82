package apitest

import (
	"context"
	"net/http"
)

// RegisterDevice signs up an Android phone with FCM token for u through
// POST /api/v1/me/devices, as the app does after signing in, so that u's
// notifications also queue pushes to that token.
func (e *Env) RegisterDevice(u User, token string) {
	e.T.Helper()
	resp := e.Post("/api/v1/me/devices", u.Token, map[string]string{"token": token, "platform": "android"})
	if resp.Status != http.StatusCreated && resp.Status != http.StatusOK {
		e.T.Fatalf("register device %s for user %d: %d %s", token, u.ID, resp.Status, truncate(resp.Body))
	}
}

// DeliverPushes runs the server's own delivery worker until no outbox row is
// due, and returns how many rows it finished. With WithFCM the pushes go
// through the firebase SDK to the fake; without it they are closed as
// skipped. Rows a failure put off to later stay for a later call.
func (e *Env) DeliverPushes() int {
	e.T.Helper()
	total := 0
	for range 100 {
		n, err := e.Server.Push.RunOnce(context.Background())
		if err != nil {
			e.T.Fatalf("deliver pushes: %v", err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
	e.T.Fatalf("deliver pushes: still finding due rows after 100 rounds (%d delivered)", total)
	return total
}
