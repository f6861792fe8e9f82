package canteen

import (
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"

	"houqin/models/store"
)

// MenuEdit is one change the canteen desk makes to a meal's dish list:
// add a dish at the end, remove one, or move one a place up (By -1) or
// down (By 1). Exactly one of Add, Remove and Move names a dish.
type MenuEdit struct {
	Add, Remove, Move int64
	By                int
}

// EditMenu applies one desk change to a meal's menu, reading and writing
// the list in one transaction (under the canteen's lock), so two desks
// editing one menu never lose each other's change. The other dishes keep
// their menu prices and sold-out marks; a new menu is a draft, and a
// published one may not lose its last dish.
func (s *Service) EditMenu(ctx context.Context, slot MenuSlot, e MenuEdit) (_ *MealMenu, err error) {
	defer store.Wrap(&err, "canteen edit menu")
	return s.changeMenu(ctx, slot, e.apply)
}

// changeMenu writes a meal's dish list as change makes it from the current
// one, in one transaction under the canteen's lock.
func (s *Service) changeMenu(ctx context.Context, slot MenuSlot, change func([]MenuItemInput) ([]MenuItemInput, error)) (*MealMenu, error) {
	var out *MealMenu
	err := s.Tx(ctx, func(tx *store.Tx) error {
		c, err := lockCanteen(tx, slot.CanteenID)
		if err != nil {
			return err
		}
		if _, err := c.Serving(slot); err != nil {
			return err
		}
		m := Menu{}
		var items []MenuItem
		err = tx.Where("canteen_id = ? AND date = ? AND meal = ?", slot.CanteenID, slot.Date, slot.Meal).Take(&m).Error
		switch {
		case err == nil:
			if err := tx.Where("menu_id = ?", m.ID).Order("position").Find(&items).Error; err != nil {
				return err
			}
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		list := make([]MenuItemInput, len(items))
		for i, it := range items {
			list[i] = MenuItemInput{DishID: it.DishID, PriceCents: it.PriceCents}
		}
		if list, err = change(list); err != nil {
			return err
		}
		if len(list) == 0 && m.Status == MenuPublished {
			return store.Errorf(store.CodeInvalidTransition, "a menu without dishes cannot be published")
		}
		if err := checkMenuDishes(tx, list); err != nil {
			return err
		}
		saved, err := upsertMenu(tx, slot, list)
		if err != nil {
			return err
		}
		out, err = mealMenu(tx, saved)
		return err
	})
	return out, err
}

func (e MenuEdit) apply(list []MenuItemInput) ([]MenuItemInput, error) {
	at := func(id int64) int {
		return slices.IndexFunc(list, func(it MenuItemInput) bool { return it.DishID == id })
	}
	switch {
	case e.Add != 0:
		return append(list, MenuItemInput{DishID: e.Add}), nil
	case e.Remove != 0:
		i := at(e.Remove)
		if i < 0 {
			return nil, store.ErrNotFound("menu item")
		}
		return slices.Delete(list, i, i+1), nil
	case e.Move != 0:
		i := at(e.Move)
		if i < 0 {
			return nil, store.ErrNotFound("menu item")
		}
		if j := i + e.By; (e.By == -1 || e.By == 1) && j >= 0 && j < len(list) {
			list[i], list[j] = list[j], list[i]
		}
		return list, nil
	}
	return nil, store.InvalidField("dish_id", "is required")
}
