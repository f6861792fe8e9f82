// Package handlers holds the HTTP handlers, one file per domain. Every
// handler reads the same way: caller → parameters → decode into a request
// type → call models → encode a response type.
package handlers

import (
	"time"

	"houqin/models"
)

// API is what the handlers need: the store, the token issuer and the live
// event source.
type API struct {
	Store  *models.Store
	Tokens *Tokens
	Live   Subscriber
	// Heartbeat is how often an idle event stream sends a comment
	// (DefaultHeartbeat when zero).
	Heartbeat time.Duration
}
