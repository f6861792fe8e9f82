// Package stock is the maintenance team's parts store (仓库物资台账): items,
// and an append-only ledger of receipts, issues to repairs, returns and
// counts from which stock on hand and its value follow.
package stock

import "houqin/models/store"

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }
