package canteen

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"

	"houqin/models/store"
)

// MenuCopyInput copies the menus of SourceFrom..SourceTo (at most a week) to the
// same meals of the days from TargetFrom on, as drafts. Menus that already
// exist at the target are kept unless Replace is set; Publish publishes
// every copied menu at once. Dishes deactivated since are left out.
type MenuCopyInput struct {
	CanteenID                        int64
	SourceFrom, SourceTo, TargetFrom store.Date
	Replace, Publish                 bool
}

// CopiedMenu reports what happened to one target menu.
type CopiedMenu struct {
	Date   store.Date
	Meal   Meal
	Status string
	Result string // created, replaced, skipped
}

// CopyMenus copies a day's or a week's menus in one transaction.
func (s *Service) CopyMenus(ctx context.Context, in MenuCopyInput) (_ []CopiedMenu, err error) {
	defer store.Wrap(&err, "canteen copy menus")
	if in.SourceTo.IsZero() {
		in.SourceTo = in.SourceFrom
	}
	span := in.SourceFrom.DaysUntil(in.SourceTo)
	switch {
	case span < 0:
		return nil, store.InvalidField("source_to", "must not be before source_from")
	case span >= 7:
		return nil, store.InvalidField("source_to", "copy at most 7 days at a time")
	case !in.TargetFrom.Before(in.SourceFrom) && in.SourceFrom.DaysUntil(in.TargetFrom) <= span:
		return nil, store.InvalidField("target_from", "the target days must not overlap the source days")
	}
	shift := in.SourceFrom.DaysUntil(in.TargetFrom)
	out := []CopiedMenu{}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		c, err := lockCanteen(tx, in.CanteenID)
		if err != nil {
			return err
		}
		var sources []Menu
		if err := tx.Where("canteen_id = ? AND date BETWEEN ? AND ?", in.CanteenID, in.SourceFrom, in.SourceTo).
			Order("date").Find(&sources).Error; err != nil {
			return err
		}
		slices.SortStableFunc(sources, func(a, b Menu) int {
			return cmp.Or(a.Date.Compare(b.Date), mealOrder(a.Meal, b.Meal))
		})
		for _, src := range sources {
			done, err := copyMenu(tx, c, src, src.Date.AddDays(shift), in)
			if err != nil {
				return err
			}
			out = append(out, done)
		}
		return nil
	})
	return out, err
}

func copyMenu(tx *store.Tx, c *Canteen, src Menu, target store.Date, in MenuCopyInput) (CopiedMenu, error) {
	done := CopiedMenu{Date: target, Meal: src.Meal, Result: "created"}
	existing := Menu{}
	err := tx.Where("canteen_id = ? AND date = ? AND meal = ?", c.ID, target, src.Meal).Take(&existing).Error
	switch {
	case err == nil && !in.Replace:
		done.Status, done.Result = existing.Status, "skipped"
		return done, nil
	case err == nil:
		done.Result = "replaced"
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return done, err
	}
	if _, served := c.Meals.Of(src.Meal); !served { // the canteen's hours changed since
		done.Status, done.Result = existing.Status, "skipped"
		return done, nil
	}
	var items []MenuItem
	if err := tx.Table("menu_items mi").Select("mi.*").Joins("JOIN dishes d ON d.id = mi.dish_id").
		Where("mi.menu_id = ? AND d.active = ?", src.ID, true).Order("mi.position").Find(&items).Error; err != nil {
		return done, err
	}
	if len(items) == 0 { // every dish retired since: nothing to copy
		done.Status, done.Result = existing.Status, "skipped"
		return done, nil
	}
	inputs := make([]MenuItemInput, len(items))
	for i, it := range items {
		inputs[i] = MenuItemInput{DishID: it.DishID, PriceCents: it.PriceCents}
	}
	m, err := upsertMenu(tx, MenuSlot{CanteenID: c.ID, Date: target, Meal: src.Meal}, inputs)
	if err != nil {
		return done, err
	}
	if in.Publish {
		if err := publishMenu(tx, c, m); err != nil {
			return done, err
		}
	}
	done.Status = m.Status
	return done, nil
}
