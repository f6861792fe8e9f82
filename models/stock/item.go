package stock

import (
	"context"
	"time"

	"houqin/models/store"
)

// Item is one kind of part the store keeps. OnHand and ValueCents are a cache
// of the sums of its ledger (Move), updated in the transaction that appends
// to it, so that the list is one indexed read; the ledger stays the truth.
type Item struct {
	ID           int64  `gorm:"primaryKey"`
	Name         string `gorm:"size:100"`
	Spec         string `gorm:"size:100"`
	Unit         string `gorm:"size:20"`
	ReorderLevel int
	Location     string `gorm:"size:100"`
	Active       bool
	OnHand       int
	ValueCents   int64
	// LowNotifiedAt is when the storekeepers were told the item fell below
	// its reorder level; nil again once it is restocked to the level.
	LowNotifiedAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName keeps the table named after the store.
func (Item) TableName() string { return "stock_items" }

// UnitCostCents is the moving average cost of one unit: the value on hand
// over the quantity on hand (0 for an empty bin).
func (it Item) UnitCostCents() int64 {
	if it.OnHand == 0 {
		return 0
	}
	return it.ValueCents / int64(it.OnHand)
}

// Low reports whether the item is below its reorder level.
func (it Item) Low() bool { return it.OnHand < it.ReorderLevel }

// ItemInput describes a new item.
type ItemInput struct {
	Name, Spec, Unit, Location string
	ReorderLevel               int
}

// CreateItem adds an item with nothing on hand (storekeeper).
func (s *Service) CreateItem(ctx context.Context, in ItemInput) (_ *Item, err error) {
	defer store.Wrap(&err, "stock create item")
	it := &Item{Name: in.Name, Spec: in.Spec, Unit: in.Unit, Location: in.Location, ReorderLevel: in.ReorderLevel, Active: true}
	err = s.Tx(ctx, func(tx *store.Tx) error { return tx.Create(it).Error })
	return it, err
}

// ItemPatch edits an item; nil fields stay. Stock changes only through the
// ledger.
type ItemPatch struct {
	Name, Spec, Unit, Location *string
	ReorderLevel               *int
	Active                     *bool
}

// UpdateItem applies p; a raised reorder level can make the item low and
// push the storekeepers.
func (s *Service) UpdateItem(ctx context.Context, id int64, p ItemPatch) (_ *Item, err error) {
	defer store.Wrap(&err, "stock update item")
	var it Item
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&it, id).Error; err != nil {
			return store.NotFound(err, "stock item")
		}
		store.Patch(&it.Name, p.Name)
		store.Patch(&it.Spec, p.Spec)
		store.Patch(&it.Unit, p.Unit)
		store.Patch(&it.Location, p.Location)
		store.Patch(&it.ReorderLevel, p.ReorderLevel)
		store.Patch(&it.Active, p.Active)
		if err := watchLevel(tx, &it); err != nil {
			return err
		}
		return tx.Save(&it).Error
	})
	return &it, err
}

// GetItem returns one item.
func (s *Service) GetItem(ctx context.Context, id int64) (_ *Item, err error) {
	defer store.Wrap(&err, "stock get item")
	var it Item
	if err := s.Read(ctx).Take(&it, id).Error; err != nil {
		return nil, store.NotFound(err, "stock item")
	}
	return &it, nil
}

// ItemFilter narrows the item list.
type ItemFilter struct {
	// Q matches name, spec or location.
	Q string
	// Low keeps items below their reorder level; Active by active flag.
	Low, Active *bool
}

// ListItems returns items newest first.
func (s *Service) ListItems(ctx context.Context, f ItemFilter, p store.Page) (_ []Item, _ string, err error) {
	defer store.Wrap(&err, "stock list items")
	q := s.Read(ctx).Model(&Item{})
	if f.Q != "" {
		like := "%" + f.Q + "%"
		q = q.Where("name LIKE ? OR spec LIKE ? OR location LIKE ?", like, like, like)
	}
	if f.Low != nil {
		if *f.Low {
			q = q.Where("on_hand < reorder_level")
		} else {
			q = q.Where("on_hand >= reorder_level")
		}
	}
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	return store.Paginate(q, p, func(it Item) int64 { return it.ID })
}
