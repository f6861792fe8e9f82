package canteen

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"houqin/models/store"
)

// MenuLine is one dish of a menu as people read it.
type MenuLine struct {
	DishID     int64
	Name       string
	Category   DishCategory
	PriceCents int
	SoldOut    bool
	Vegetarian bool
	SpicyLevel int
	Allergens  store.Words
	Calories   *int
	ImageURL   string
}

// MealMenu is one meal's menu.
type MealMenu struct {
	Meal   Meal
	Status string
	Items  []MenuLine
}

// MenuDay is a date's meals, breakfast first.
type MenuDay struct {
	Date  store.Date
	Meals []MealMenu
}

// MaxMenuRange bounds the week view.
const MaxMenuRange = 14

// MenuVersion is the canteen's current menu version (see Canteen).
func (s *Service) MenuVersion(ctx context.Context, canteenID int64) (_ int64, err error) {
	defer store.Wrap(&err, "canteen menu version")
	return menuVersion(s.Read(ctx), canteenID)
}

func menuVersion(db *gorm.DB, canteenID int64) (int64, error) {
	var v []int64
	if err := db.Model(&Canteen{}).Where("id = ?", canteenID).Limit(1).Pluck("menu_version", &v).Error; err != nil {
		return 0, err
	}
	if len(v) == 0 {
		return 0, store.ErrNotFound("canteen")
	}
	return v[0], nil
}

// Menus returns the canteen's menus from..to, one entry per date, and the
// menu version they are at (read in one snapshot). Drafts are included
// only when withDrafts is set (canteen admins).
func (s *Service) Menus(ctx context.Context, canteenID int64, from, to store.Date, withDrafts bool) (days []MenuDay, version int64, err error) {
	defer store.Wrap(&err, "canteen menus")
	if err := store.CheckRange(from, to, MaxMenuRange, "to"); err != nil {
		return nil, 0, err
	}
	err = s.Read(ctx).Transaction(func(db *gorm.DB) error {
		if version, err = menuVersion(db, canteenID); err != nil {
			return err
		}
		var menus []Menu
		q := db.Where("canteen_id = ? AND date BETWEEN ? AND ?", canteenID, from, to)
		if !withDrafts {
			q = q.Where("status = ?", MenuPublished)
		}
		if err := q.Find(&menus).Error; err != nil {
			return err
		}
		lines, err := menuLines(db, menus)
		if err != nil {
			return err
		}
		days = make([]MenuDay, 0, from.DaysUntil(to)+1)
		for d := from; !to.Before(d); d = d.AddDays(1) {
			days = append(days, MenuDay{Date: d, Meals: []MealMenu{}})
		}
		for _, m := range menus {
			day := &days[from.DaysUntil(m.Date)]
			day.Meals = append(day.Meals, MealMenu{Meal: m.Meal, Status: m.Status, Items: lines[m.ID]})
		}
		for i := range days {
			slices.SortFunc(days[i].Meals, func(a, b MealMenu) int { return mealOrder(a.Meal, b.Meal) })
		}
		return nil
	})
	return days, version, err
}

// menuLines loads the items of menus with their dishes, in menu order.
func menuLines(db *gorm.DB, menus []Menu) (map[int64][]MenuLine, error) {
	out := make(map[int64][]MenuLine, len(menus))
	if len(menus) == 0 {
		return out, nil
	}
	ids := make([]int64, len(menus))
	for i, m := range menus {
		ids[i] = m.ID
		out[m.ID] = []MenuLine{}
	}
	var rows []struct {
		MenuID       int64
		ItemPrice    *int
		SoldOut      bool
		Dish         Dish `gorm:"embedded;embeddedPrefix:dish_"`
		ItemPosition int
	}
	err := db.Table("menu_items mi").
		Select(`mi.menu_id, mi.price_cents AS item_price, mi.sold_out, mi.position AS item_position,
			d.id AS dish_id, d.name AS dish_name, d.category AS dish_category, d.price_cents AS dish_price_cents,
			d.allergens AS dish_allergens, d.spicy_level AS dish_spicy_level, d.vegetarian AS dish_vegetarian,
			d.calories AS dish_calories, d.image_url AS dish_image_url`).
		Joins("JOIN dishes d ON d.id = mi.dish_id").
		Where("mi.menu_id IN ?", ids).
		Order("mi.menu_id, mi.position").
		Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		price := r.Dish.PriceCents
		if r.ItemPrice != nil {
			price = *r.ItemPrice
		}
		allergens := r.Dish.Allergens
		if allergens == nil {
			allergens = store.Words{}
		}
		out[r.MenuID] = append(out[r.MenuID], MenuLine{DishID: r.Dish.ID, Name: r.Dish.Name, Category: r.Dish.Category,
			PriceCents: price, SoldOut: r.SoldOut, Vegetarian: r.Dish.Vegetarian, SpicyLevel: r.Dish.SpicyLevel,
			Allergens: allergens, Calories: r.Dish.Calories, ImageURL: r.Dish.ImageURL})
	}
	return out, nil
}
