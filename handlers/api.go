// Package handlers holds the HTTP handlers, one file per domain. Every
// handler reads the same way: caller → parameters → decode into a request
// type → call models → encode a response type.
package handlers

import (
	"houqin/models"
)

// API is what the handlers need: the store and the token issuer.
type API struct {
	Store  *models.Store
	Tokens *Tokens
}
