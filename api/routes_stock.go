package api

import (
	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
)

// mountStock registers the parts store: storekeepers manage it,
// technicians see the items and take parts for their repairs (the service
// checks the repair), the desk sees the ledger and the costs.
func (s *Server) mountStock(r fiber.Router) {
	h := handlers.NewStock(s.Stock)
	keeper := handlers.Require(store.RoleStorekeeper)
	pickers := handlers.Require(store.RoleStorekeeper, store.RoleTechnician, store.RoleDispatcher)
	books := handlers.Require(store.RoleStorekeeper, store.RoleDispatcher)
	movers := handlers.Require(store.RoleStorekeeper, store.RoleTechnician)

	r.Get("/stock/costs", books, h.StockCosts)
	r.Get("/stock/items", pickers, h.ListStockItems)
	r.Post("/stock/items", keeper, h.CreateStockItem)
	r.Get("/stock/items/:id", pickers, h.GetStockItem)
	r.Patch("/stock/items/:id", keeper, h.UpdateStockItem)
	r.Get("/stock/items/:id/moves", books, h.ListStockMoves)
	r.Post("/stock/items/:id/receipts", keeper, h.ReceiveStock)
	r.Post("/stock/items/:id/issues", movers, h.IssueStock)
	r.Post("/stock/items/:id/returns", movers, h.ReturnStock)
	r.Post("/stock/items/:id/counts", keeper, h.CountStock)
	r.Get("/repairs/:id/parts", pickers, h.RepairParts)
	r.Get("/work-orders/:id/parts", pickers, h.WorkOrderParts)
}
