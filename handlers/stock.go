package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/stock"
	"houqin/models/store"
)

// StockItemOut is an item with its stock as the ledger sums it.
type StockItemOut struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	Spec          string    `json:"spec"`
	Unit          string    `json:"unit"`
	ReorderLevel  int       `json:"reorder_level"`
	Location      string    `json:"location"`
	Active        bool      `json:"active"`
	OnHand        int       `json:"on_hand"`
	ValueCents    int64     `json:"value_cents"`
	UnitCostCents int64     `json:"unit_cost_cents"`
	Low           bool      `json:"low"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func stockItemOut(it stock.Item) StockItemOut {
	return StockItemOut{ID: it.ID, Name: it.Name, Spec: it.Spec, Unit: it.Unit, ReorderLevel: it.ReorderLevel,
		Location: it.Location, Active: it.Active, OnHand: it.OnHand, ValueCents: it.ValueCents, UnitCostCents: it.UnitCostCents(),
		Low: it.Low(), CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
}

// StockMoveOut is one ledger row.
type StockMoveOut struct {
	ID            int64          `json:"id"`
	ItemID        int64          `json:"item_id"`
	Kind          stock.MoveKind `json:"kind"`
	Quantity      int            `json:"quantity"`
	ValueCents    int64          `json:"value_cents"`
	UnitCostCents int64          `json:"unit_cost_cents"`
	Supplier      string         `json:"supplier"`
	RepairID      *int64         `json:"repair_id"`
	WorkOrderID   *int64         `json:"work_order_id"`
	Reason        string         `json:"reason"`
	ByID          int64          `json:"by_id"`
	OnHand        int            `json:"on_hand"`
	CreatedAt     time.Time      `json:"created_at"`
}

func stockMoveOut(m stock.Move) StockMoveOut {
	return StockMoveOut{ID: m.ID, ItemID: m.ItemID, Kind: m.Kind, Quantity: m.Quantity, ValueCents: m.ValueCents,
		UnitCostCents: m.UnitCostCents, Supplier: m.Supplier, RepairID: m.RepairID, WorkOrderID: m.WorkOrderID, Reason: m.Reason, ByID: m.ByID,
		OnHand: m.OnHand, CreatedAt: m.CreatedAt}
}

// StockMovedOut answers a receipt, issue, return or count: the new row and
// the item after it.
type StockMovedOut struct {
	Move StockMoveOut `json:"move"`
	Item StockItemOut `json:"item"`
}

// ListStockItems lists items newest first (?q=, ?low=, ?active= filter).
func (h *Stock) ListStockItems(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	low, err := QueryBool(c, "low")
	if err != nil {
		return err
	}
	active, err := QueryBool(c, "active")
	if err != nil {
		return err
	}
	f := stock.ItemFilter{Q: strings.TrimSpace(strings.Clone(c.Query("q"))), Low: low, Active: active}
	rows, next, err := h.svc.ListItems(c.UserContext(), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, stockItemOut))
}

// GetStockItem returns one item.
func (h *Stock) GetStockItem(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	it, err := h.svc.GetItem(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(stockItemOut(*it))
}

type createStockItemRequest struct {
	Name         string `json:"name" validate:"required,max=100"`
	Spec         string `json:"spec" validate:"max=100"`
	Unit         string `json:"unit" validate:"required,max=20"`
	ReorderLevel int    `json:"reorder_level" validate:"min=0,max=1000000"`
	Location     string `json:"location" validate:"max=100"`
}

// CreateStockItem adds an item to the store (storekeeper).
func (h *Stock) CreateStockItem(c *fiber.Ctx) error {
	var req createStockItemRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("name", &req.Name); err != nil {
		return err
	}
	if err := requireText("unit", &req.Unit); err != nil {
		return err
	}
	it, err := h.svc.CreateItem(c.UserContext(), stock.ItemInput{Name: req.Name, Spec: strings.TrimSpace(req.Spec),
		Unit: req.Unit, Location: strings.TrimSpace(req.Location), ReorderLevel: req.ReorderLevel})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(stockItemOut(*it))
}

type updateStockItemRequest struct {
	Name         *string `json:"name" validate:"omitempty,min=1,max=100"`
	Spec         *string `json:"spec" validate:"omitempty,max=100"`
	Unit         *string `json:"unit" validate:"omitempty,min=1,max=20"`
	ReorderLevel *int    `json:"reorder_level" validate:"omitempty,min=0,max=1000000"`
	Location     *string `json:"location" validate:"omitempty,max=100"`
	Active       *bool   `json:"active"`
}

// UpdateStockItem edits an item or retires it (storekeeper).
func (h *Stock) UpdateStockItem(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req updateStockItemRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	for field, s := range map[string]*string{"name": req.Name, "unit": req.Unit} {
		if s != nil {
			if err := requireText(field, s); err != nil {
				return err
			}
		}
	}
	it, err := h.svc.UpdateItem(c.UserContext(), id, stock.ItemPatch{Name: req.Name, Spec: req.Spec, Unit: req.Unit,
		Location: req.Location, ReorderLevel: req.ReorderLevel, Active: req.Active})
	if err != nil {
		return err
	}
	return c.JSON(stockItemOut(*it))
}

// ListStockMoves returns an item's ledger newest first.
func (h *Stock) ListStockMoves(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	rows, next, err := h.svc.ListMoves(c.UserContext(), id, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, stockMoveOut))
}

// moved answers a ledger operation with its result.
func moved(c *fiber.Ctx) func(*stock.Move, *stock.Item, error) error {
	return func(m *stock.Move, it *stock.Item, err error) error {
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(StockMovedOut{Move: stockMoveOut(*m), Item: stockItemOut(*it)})
	}
}

type receiptRequest struct {
	Quantity      int    `json:"quantity" validate:"required,min=1,max=1000000"`
	UnitCostCents int64  `json:"unit_cost_cents" validate:"min=0,max=100000000"`
	Supplier      string `json:"supplier" validate:"required,max=100"`
}

// ReceiveStock books a delivery (storekeeper).
func (h *Stock) ReceiveStock(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req receiptRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("supplier", &req.Supplier); err != nil {
		return err
	}
	return moved(c)(h.svc.Receive(c.UserContext(), UserFrom(c), id,
		stock.ReceiptInput{Quantity: req.Quantity, UnitCostCents: req.UnitCostCents, Supplier: req.Supplier}))
}

type repairPartsRequest struct {
	RepairID    int64 `json:"repair_id" validate:"min=0"`
	WorkOrderID int64 `json:"work_order_id" validate:"min=0"`
	Quantity    int   `json:"quantity" validate:"required,min=1,max=1000000"`
}

// IssueStock hands parts out for a repair or a work order (its technician
// or a storekeeper).
func (h *Stock) IssueStock(c *fiber.Ctx) error { return h.forRepair(c, h.svc.Issue) }

// ReturnStock takes unused parts back from a repair.
func (h *Stock) ReturnStock(c *fiber.Ctx) error { return h.forRepair(c, h.svc.Return) }

func (h *Stock) forRepair(c *fiber.Ctx, op func(ctx context.Context, a store.Actor, itemID int64, in stock.RepairInput) (*stock.Move, *stock.Item, error)) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req repairPartsRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if (req.RepairID == 0) == (req.WorkOrderID == 0) {
		return store.InvalidField("repair_id", "give either repair_id or work_order_id")
	}
	return moved(c)(op(c.UserContext(), UserFrom(c), id, stock.RepairInput{RepairID: req.RepairID, WorkOrderID: req.WorkOrderID,
		Quantity: req.Quantity}))
}

type countRequest struct {
	Counted *int   `json:"counted" validate:"required,min=0,max=1000000"`
	Reason  string `json:"reason" validate:"required,max=500"`
}

// CountStock records a stock count and books the difference (storekeeper).
func (h *Stock) CountStock(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req countRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("reason", &req.Reason); err != nil {
		return err
	}
	return moved(c)(h.svc.Count(c.UserContext(), UserFrom(c), id, stock.CountInput{Counted: *req.Counted, Reason: req.Reason}))
}

// PartLineOut is one item a repair used.
type PartLineOut struct {
	ItemID    int64  `json:"item_id"`
	Name      string `json:"name"`
	Spec      string `json:"spec"`
	Unit      string `json:"unit"`
	Quantity  int    `json:"quantity"`
	CostCents int64  `json:"cost_cents"`
}

// RepairPartsOut answers GET /repairs/{id}/parts and
// /work-orders/{id}/parts.
type RepairPartsOut struct {
	RepairID       int64         `json:"repair_id,omitempty"`
	WorkOrderID    int64         `json:"work_order_id,omitempty"`
	Parts          []PartLineOut `json:"parts"`
	TotalCostCents int64         `json:"total_cost_cents"`
}

// RepairParts lists the parts a repair used and their cost.
func (h *Stock) RepairParts(c *fiber.Ctx) error {
	return h.partsUsed(c, func(id int64) stock.RepairInput { return stock.RepairInput{RepairID: id} })
}

// WorkOrderParts lists the parts a work order used and their cost.
func (h *Stock) WorkOrderParts(c *fiber.Ctx) error {
	return h.partsUsed(c, func(id int64) stock.RepairInput { return stock.RepairInput{WorkOrderID: id} })
}

func (h *Stock) partsUsed(c *fiber.Ctx, of func(id int64) stock.RepairInput) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	lines, err := h.svc.PartsUsed(c.UserContext(), UserFrom(c), of(id))
	if err != nil {
		return err
	}
	in := of(id)
	out := RepairPartsOut{RepairID: in.RepairID, WorkOrderID: in.WorkOrderID, Parts: make([]PartLineOut, len(lines))}
	for i, l := range lines {
		out.Parts[i] = PartLineOut(l)
		out.TotalCostCents += l.CostCents
	}
	return c.JSON(out)
}

// MonthCostOut is the parts cost of one month.
type MonthCostOut struct {
	Month         string `json:"month"`
	IssuedCents   int64  `json:"issued_cents"`
	ReturnedCents int64  `json:"returned_cents"`
	CostCents     int64  `json:"cost_cents"`
}

// StockCostsOut answers GET /stock/costs.
type StockCostsOut struct {
	From           store.Date     `json:"from"`
	To             store.Date     `json:"to"`
	Months         []MonthCostOut `json:"months"`
	TotalCostCents int64          `json:"total_cost_cents"`
}

// StockCosts reports the parts cost of repairs by month for from..to
// (default: this month and the eleven before it).
func (h *Stock) StockCosts(c *fiber.Ctx) error {
	to, err := QueryDate(c, "to", h.svc.Today())
	if err != nil {
		return err
	}
	from, err := QueryDate(c, "from", stock.CostsFrom(to))
	if err != nil {
		return err
	}
	months, err := h.svc.Costs(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	out := StockCostsOut{From: from, To: to, Months: make([]MonthCostOut, len(months))}
	for i, m := range months {
		out.Months[i] = MonthCostOut(m)
		out.TotalCostCents += m.CostCents
	}
	return c.JSON(out)
}
