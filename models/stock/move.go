package stock

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// MoveKind is what a ledger row records.
type MoveKind string

const (
	MoveReceipt MoveKind = "receipt" // parts bought in
	MoveIssue   MoveKind = "issue"   // parts taken out for a repair
	MoveReturn  MoveKind = "return"  // unused parts back from a repair
	MoveCount   MoveKind = "count"   // a stock count's adjustment
)

// MoveKinds lists the kinds of ledger rows.
var MoveKinds = []MoveKind{MoveReceipt, MoveIssue, MoveReturn, MoveCount}

// Enum lists the kinds (store.Enumerated).
func (MoveKind) Enum() []string { return store.Strings(MoveKinds) }

// Move is one row of an item's ledger. Rows are only ever appended: a
// mistake is corrected by a further row (a return, a count), so the ledger
// is the item's history and its sums are the stock.
//
// Stock is valued at moving average cost rather than FIFO: the store keeps
// interchangeable parts in one bin without lots, so FIFO's receipt layers
// would be bookkeeping nobody can check on the shelf. Each row carries its
// signed value in cents (分); an issue takes the value on hand in proportion to
// the quantity, so the value reaches exactly zero with the last unit and the
// item's value is always the sum of its ledger's values, with no rounding
// drift.
type Move struct {
	ID         int64 `gorm:"primaryKey"`
	ItemID     int64
	Kind       MoveKind `gorm:"size:10"`
	Quantity   int      // signed: + into the store, - out of it
	ValueCents int64    // signed, like Quantity
	// UnitCostCents is the price paid per unit on a receipt.
	UnitCostCents int64
	Supplier      string `gorm:"size:100"`
	// RepairID or WorkOrderID is what parts were issued to or returned
	// from: a repair, or a planned maintenance work order.
	RepairID    *int64
	WorkOrderID *int64
	Reason      string `gorm:"size:500"`
	ByID        int64
	// OnHand is the item's stock after this row.
	OnHand    int
	CreatedAt time.Time
}

// TableName keeps the ledger beside its items.
func (Move) TableName() string { return "stock_moves" }

// ReceiptInput is a delivery of parts.
type ReceiptInput struct {
	Quantity      int
	UnitCostCents int64
	Supplier      string
}

// Receive books a delivery into the store (storekeeper).
func (s *Service) Receive(ctx context.Context, a store.Actor, itemID int64, in ReceiptInput) (*Move, *Item, error) {
	return s.move(ctx, a, itemID, "stock receive", func(tx *store.Tx, it *Item) (Move, error) {
		return Move{Kind: MoveReceipt, Quantity: in.Quantity, ValueCents: int64(in.Quantity) * in.UnitCostCents,
			UnitCostCents: in.UnitCostCents, Supplier: in.Supplier}, nil
	})
}

// RepairInput is parts going to or coming back from a repair, or from a
// work order when WorkOrderID is set instead.
type RepairInput struct {
	RepairID, WorkOrderID int64
	Quantity              int
}

// target is the ledger column and id parts go to, and the row's fields.
func (in RepairInput) target() (col string, id int64, set func(*Move)) {
	if in.WorkOrderID != 0 {
		return "work_order_id", in.WorkOrderID, func(m *Move) { m.WorkOrderID = &in.WorkOrderID }
	}
	return "repair_id", in.RepairID, func(m *Move) { m.RepairID = &in.RepairID }
}

// Issue takes parts out for a repair or a work order. Its technician or a
// storekeeper may; the stock may never go below zero, so of two issues of
// the last units (the item row is locked) one gets a conflict.
func (s *Service) Issue(ctx context.Context, a store.Actor, itemID int64, in RepairInput) (*Move, *Item, error) {
	return s.move(ctx, a, itemID, "stock issue", func(tx *store.Tx, it *Item) (Move, error) {
		status, err := mayMoveFor(tx, a, in)
		if err != nil {
			return Move{}, err
		}
		if slices.Contains(finished, status) {
			return Move{}, store.Errorf(store.CodeConflict, "parts cannot be issued to a repair that is %s", store.Term(status))
		}
		if slices.Contains(finishedOrders, status) {
			return Move{}, store.Errorf(store.CodeConflict, "parts cannot be issued to a work order that is %s", store.Term(status))
		}
		if in.Quantity > it.OnHand {
			e := store.Errorf(store.CodeConflict, "not enough in stock: %d on hand", it.OnHand)
			e.Extra = map[string]any{"on_hand": it.OnHand}
			return Move{}, e
		}
		m := Move{Kind: MoveIssue, Quantity: -in.Quantity, ValueCents: -share(it.ValueCents, in.Quantity, it.OnHand)}
		_, _, set := in.target()
		set(&m)
		return m, nil
	})
}

// Return brings unused parts back from a repair or work order, at the
// value they left with, and no more than it holds.
func (s *Service) Return(ctx context.Context, a store.Actor, itemID int64, in RepairInput) (*Move, *Item, error) {
	return s.move(ctx, a, itemID, "stock return", func(tx *store.Tx, it *Item) (Move, error) {
		if _, err := mayMoveFor(tx, a, in); err != nil {
			return Move{}, err
		}
		col, id, set := in.target()
		var held struct{ Quantity, ValueCents int64 }
		if err := tx.Model(&Move{}).Select("-COALESCE(SUM(quantity), 0) AS quantity, -COALESCE(SUM(value_cents), 0) AS value_cents").
			Where("item_id = ? AND "+col+" = ?", it.ID, id).Scan(&held).Error; err != nil {
			return Move{}, err
		}
		if int64(in.Quantity) > held.Quantity {
			return Move{}, store.InvalidField("quantity", "is more than the %d this repair holds", held.Quantity)
		}
		m := Move{Kind: MoveReturn, Quantity: in.Quantity, ValueCents: share(held.ValueCents, in.Quantity, int(held.Quantity))}
		set(&m)
		return m, nil
	})
}

// CountInput is what a stock count found on the shelf and why it differs.
type CountInput struct {
	Counted int
	Reason  string
}

// Count records a stock count: the difference to the ledger is booked as an
// adjustment with its reason (storekeeper). Units found in an empty bin are
// valued at the last price paid.
func (s *Service) Count(ctx context.Context, a store.Actor, itemID int64, in CountInput) (*Move, *Item, error) {
	return s.move(ctx, a, itemID, "stock count", func(tx *store.Tx, it *Item) (Move, error) {
		adj := in.Counted - it.OnHand
		m := Move{Kind: MoveCount, Quantity: adj, Reason: in.Reason}
		switch {
		case adj < 0:
			m.ValueCents = -share(it.ValueCents, -adj, it.OnHand)
		case adj > 0 && it.OnHand > 0:
			m.ValueCents = share(it.ValueCents, adj, it.OnHand)
		case adj > 0:
			var last Move
			err := tx.Select("unit_cost_cents").Where("item_id = ? AND kind = ?", it.ID, MoveReceipt).Order("id DESC").Take(&last).Error
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return Move{}, err
			}
			m.ValueCents = int64(adj) * last.UnitCostCents
		}
		return m, nil
	})
}

// share is value·n/of rounded, the part of a value that n of `of` units carry.
func share(value int64, n, of int) int64 {
	if of == 0 {
		return 0
	}
	return (value*int64(n)*2 + int64(of)) / (int64(of) * 2)
}

// move appends one row to an item's ledger and updates the item's cached
// sums in the same transaction, with the item row locked.
func (s *Service) move(ctx context.Context, a store.Actor, itemID int64, op string,
	build func(tx *store.Tx, it *Item) (Move, error)) (_ *Move, _ *Item, err error) {
	defer store.Wrap(&err, op)
	var it Item
	var m Move
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&it, itemID).Error; err != nil {
			return store.NotFound(err, "stock item")
		}
		var err error
		if m, err = build(tx, &it); err != nil {
			return err
		}
		it.OnHand += m.Quantity
		it.ValueCents += m.ValueCents
		m.ItemID, m.ByID, m.OnHand, m.CreatedAt = it.ID, a.ID, it.OnHand, tx.Now
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		if err := watchLevel(tx, &it); err != nil {
			return err
		}
		return tx.Model(&it).Select("on_hand", "value_cents", "low_notified_at", "updated_at").Updates(&it).Error
	})
	if err != nil {
		return nil, nil, err
	}
	return &m, &it, nil
}

// finished are the repair statuses (of the repairs table) that take no
// more parts; parts may still come back from them.
var finished = []string{"closed", "cancelled", "rejected"}

// finishedOrders are the work order statuses (of maint_work_orders) that
// take no more parts.
var finishedOrders = []string{"done", "skipped"}

// mayMoveFor checks that the repair or work order exists and that a is a
// storekeeper or the technician it is assigned to, and returns its status.
// It is read through SQL: the store depends on the repairs and work order
// tables, not on those domains.
func mayMoveFor(tx *store.Tx, a store.Actor, in RepairInput) (string, error) {
	r, err := holderOf(tx.DB, in)
	if err != nil {
		return "", err
	}
	if a.Can(store.RoleStorekeeper) || (a.Is(store.RoleTechnician) && r.TechnicianID != nil && *r.TechnicianID == a.ID) {
		return r.Status, nil
	}
	return "", store.Errorf(store.CodeForbidden, "only the repair's technician or a storekeeper may move its parts")
}

// holder is the repair or work order parts go to: who works it, and where
// it stands.
type holder struct {
	TechnicianID *int64
	Status       string
}

func holderOf(db *gorm.DB, in RepairInput) (r holder, err error) {
	_, id, _ := in.target()
	if in.WorkOrderID != 0 {
		if err := db.Table("maint_work_orders").Select("technician_id, status").Where("id = ?", id).Take(&r).Error; err != nil {
			return r, store.NotFound(err, "work order")
		}
	} else if err := db.Table("repairs").Select("technician_id, status").Where("id = ?", id).Take(&r).Error; err != nil {
		return r, store.NotFound(err, "repair")
	}
	return r, nil
}

// watchLevel pushes the storekeepers once when an active item falls below
// its reorder level, and re-arms the alert once it is back at or above it.
// The alert is a task (reorder), so it reaches whoever caused the drop too.
func watchLevel(tx *store.Tx, it *Item) error {
	if !it.Low() {
		it.LowNotifiedAt = nil
		return nil
	}
	if it.LowNotifiedAt != nil || !it.Active {
		return nil
	}
	it.LowNotifiedAt = &tx.Now
	keepers, err := people.UsersWithRole(tx.DB, store.RoleStorekeeper)
	if err != nil {
		return err
	}
	id := strconv.FormatInt(it.ID, 10)
	return notify.Notify(tx, notify.Notice{
		Category: notify.CategoryRepair, Type: "stock.low", TTL: 72 * time.Hour, CollapseKey: "stock-item-" + id,
		Title: "库存不足：" + store.Clip(it.Name, 40),
		Body: store.Clip(fmt.Sprintf("%s %s 现存%d%s，低于补货线%d%s，请及时采购。", it.Name, it.Spec, it.OnHand, it.Unit,
			it.ReorderLevel, it.Unit), 200),
		Data: notify.StringMap{"type": "stock_item", "id": id},
	}, keepers...)
}

// ListMoves returns an item's ledger newest first.
func (s *Service) ListMoves(ctx context.Context, itemID int64, p store.Page) (_ []Move, _ string, err error) {
	defer store.Wrap(&err, "stock list moves")
	if _, err := s.GetItem(ctx, itemID); err != nil {
		return nil, "", err
	}
	return store.Paginate(s.Read(ctx).Model(&Move{}).Where("item_id = ?", itemID), p, func(m Move) int64 { return m.ID })
}
