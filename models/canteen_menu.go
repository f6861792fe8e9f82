package models

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Menu states: staff see published menus only. Editing a published menu
// keeps it published.
const (
	MenuDraft     = "draft"
	MenuPublished = "published"
)

// Menu is what one canteen serves at one meal of one date.
type Menu struct {
	ID          int64  `gorm:"primaryKey"`
	CanteenID   int64  `gorm:"uniqueIndex:idx_menus_slot,priority:1"`
	Date        Date   `gorm:"uniqueIndex:idx_menus_slot,priority:2"`
	Meal        Meal   `gorm:"size:10;uniqueIndex:idx_menus_slot,priority:3"`
	Status      string `gorm:"size:10"`
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// MenuItem is a dish on a menu, with an optional price for this menu only.
type MenuItem struct {
	MenuID     int64 `gorm:"primaryKey;autoIncrement:false"`
	DishID     int64 `gorm:"primaryKey;autoIncrement:false;index"`
	Position   int
	PriceCents *int
	SoldOut    bool
}

// MenuAnnouncement records that staff were told about a canteen's menu of
// a date, so that they hear of it once, not once per meal or edit.
type MenuAnnouncement struct {
	CanteenID int64 `gorm:"primaryKey;autoIncrement:false"`
	Date      Date  `gorm:"primaryKey"`
	CreatedAt time.Time
}

// MenuLine is one dish of a menu as people read it.
type MenuLine struct {
	DishID     int64
	Name       string
	Category   string
	PriceCents int
	SoldOut    bool
	Vegetarian bool
	SpicyLevel int
	Allergens  CommaList
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
	Date  Date
	Meals []MealMenu
}

// MenuSlot names one menu.
type MenuSlot struct {
	CanteenID int64
	Date      Date
	Meal      Meal
}

// MaxMenuRange bounds the week view.
const MaxMenuRange = 14

// MenuItemInput is one dish of a saved menu.
type MenuItemInput struct {
	DishID     int64
	PriceCents *int
}

// MenuVersion is the canteen's current menu version (see Canteen).
func (s *Store) MenuVersion(ctx context.Context, canteenID int64) (int64, error) {
	return menuVersion(s.Read(ctx), canteenID)
}

func menuVersion(db *gorm.DB, canteenID int64) (int64, error) {
	var v []int64
	if err := db.Model(&Canteen{}).Where("id = ?", canteenID).Limit(1).Pluck("menu_version", &v).Error; err != nil {
		return 0, err
	}
	if len(v) == 0 {
		return 0, ErrNotFound("canteen")
	}
	return v[0], nil
}

// Menus returns the canteen's menus from..to, one entry per date, and the
// menu version they are at (read in one snapshot). Drafts are included
// only when withDrafts is set (canteen admins).
func (s *Store) Menus(ctx context.Context, canteenID int64, from, to Date, withDrafts bool) (days []MenuDay, version int64, err error) {
	if to.Before(from) {
		return nil, 0, InvalidField("to", "must not be before from")
	}
	if from.DaysUntil(to) >= MaxMenuRange {
		return nil, 0, InvalidField("to", fmt.Sprintf("the range may span at most %d days", MaxMenuRange))
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
			allergens = CommaList{}
		}
		out[r.MenuID] = append(out[r.MenuID], MenuLine{DishID: r.Dish.ID, Name: r.Dish.Name, Category: r.Dish.Category,
			PriceCents: price, SoldOut: r.SoldOut, Vegetarian: r.Dish.Vegetarian, SpicyLevel: r.Dish.SpicyLevel,
			Allergens: allergens, Calories: r.Dish.Calories, ImageURL: r.Dish.ImageURL})
	}
	return out, nil
}

// MaxMenuItems bounds one meal's menu.
const MaxMenuItems = 80

// SaveMenu replaces the dishes of a meal's menu, creating it as a draft.
// A published menu stays published; items kept keep their sold-out mark.
func (s *Store) SaveMenu(ctx context.Context, slot MenuSlot, items []MenuItemInput) (*MealMenu, error) {
	var out *MealMenu
	err := s.Tx(ctx, func(tx *Tx) error {
		c, err := lockCanteen(tx, slot.CanteenID)
		if err != nil {
			return err
		}
		if _, ok := c.Meals.Of(slot.Meal); !ok {
			return InvalidField("meal", fmt.Sprintf("%s does not serve %s", c.Name, slot.Meal))
		}
		if err := checkMenuDishes(tx, items); err != nil {
			return err
		}
		m, err := upsertMenu(tx, slot, items)
		if err != nil {
			return err
		}
		out, err = mealMenu(tx, m)
		return err
	})
	return out, err
}

// checkMenuDishes accepts distinct, existing, active dishes.
func checkMenuDishes(tx *Tx, items []MenuItemInput) error {
	ids := make([]int64, len(items))
	for i, it := range items {
		if slices.Contains(ids[:i], it.DishID) {
			return InvalidField(fmt.Sprintf("items[%d].dish_id", i), "is listed twice")
		}
		ids[i] = it.DishID
	}
	if len(ids) == 0 {
		return nil
	}
	var active []int64
	if err := tx.Model(&Dish{}).Where("id IN ? AND active = ?", ids, true).Pluck("id", &active).Error; err != nil {
		return err
	}
	for i, id := range ids {
		if !slices.Contains(active, id) {
			return InvalidField(fmt.Sprintf("items[%d].dish_id", i), "is not an active dish")
		}
	}
	return nil
}

// upsertMenu writes a menu's items, creating the menu as a draft when new.
func upsertMenu(tx *Tx, slot MenuSlot, items []MenuItemInput) (*Menu, error) {
	m := Menu{CanteenID: slot.CanteenID, Date: slot.Date, Meal: slot.Meal}
	err := tx.Where(&m).Take(&m).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		m.Status = MenuDraft
		if err := tx.Create(&m).Error; err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if err := tx.Model(&m).Update("updated_at", tx.Now).Error; err != nil {
			return nil, err
		}
	}
	var soldOut []int64
	if err := tx.Model(&MenuItem{}).Where("menu_id = ? AND sold_out = ?", m.ID, true).Pluck("dish_id", &soldOut).Error; err != nil {
		return nil, err
	}
	if err := tx.Where("menu_id = ?", m.ID).Delete(&MenuItem{}).Error; err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return &m, nil
	}
	rows := make([]MenuItem, len(items))
	for i, it := range items {
		rows[i] = MenuItem{MenuID: m.ID, DishID: it.DishID, Position: i, PriceCents: it.PriceCents,
			SoldOut: slices.Contains(soldOut, it.DishID)}
	}
	return &m, tx.Create(&rows).Error
}

func mealMenu(tx *Tx, m *Menu) (*MealMenu, error) {
	lines, err := menuLines(tx.DB, []Menu{*m})
	if err != nil {
		return nil, err
	}
	return &MealMenu{Meal: m.Meal, Status: m.Status, Items: lines[m.ID]}, nil
}

// PublishMenu makes a menu visible to staff and, the first time a date of
// this canteen is published, tells every active user (the inbox always,
// a push where their preferences allow menu pushes).
func (s *Store) PublishMenu(ctx context.Context, slot MenuSlot) (*MealMenu, error) {
	var out *MealMenu
	err := s.Tx(ctx, func(tx *Tx) error {
		c, err := lockCanteen(tx, slot.CanteenID)
		if err != nil {
			return err
		}
		m, err := takeMenu(tx, slot)
		if err != nil {
			return err
		}
		if err := publishMenu(tx, c, m); err != nil {
			return err
		}
		out, err = mealMenu(tx, m)
		return err
	})
	return out, err
}

func takeMenu(tx *Tx, slot MenuSlot) (*Menu, error) {
	var m Menu
	err := tx.Where("canteen_id = ? AND date = ? AND meal = ?", slot.CanteenID, slot.Date, slot.Meal).Take(&m).Error
	return &m, canteenNotFound(err, "menu")
}

func publishMenu(tx *Tx, c *Canteen, m *Menu) error {
	if m.Status == MenuPublished {
		return nil
	}
	var n int64
	if err := tx.Model(&MenuItem{}).Where("menu_id = ?", m.ID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return Errorf(CodeInvalidTransition, "a menu without dishes cannot be published")
	}
	now := tx.Now
	m.Status, m.PublishedAt = MenuPublished, &now
	if err := tx.Model(m).Updates(map[string]any{"status": m.Status, "published_at": now}).Error; err != nil {
		return err
	}
	tx.Publish(Event{Topic: TopicCanteen(c.ID), Type: "menu.published",
		Data: map[string]any{"date": m.Date, "meal": m.Meal}})
	return announceMenu(tx, c, m.Date)
}

// TopicCanteen is the live topic of a canteen's menus (sold-out marks,
// publications).
func TopicCanteen(id int64) string { return "canteen:" + strconv.FormatInt(id, 10) }

// announceMenu notifies all active users once per canteen and date, and
// only for today or later: nobody needs to hear about yesterday's lunch.
func announceMenu(tx *Tx, c *Canteen, d Date) error {
	if d.Before(DateOf(tx.Now, tx.store.Location)) {
		return nil
	}
	var seen int64
	if err := tx.Model(&MenuAnnouncement{}).Where("canteen_id = ? AND date = ?", c.ID, d).Count(&seen).Error; err != nil || seen > 0 {
		return err
	}
	if err := tx.Create(&MenuAnnouncement{CanteenID: c.ID, Date: d}).Error; err != nil {
		return err
	}
	var users []int64
	if err := tx.Model(&User{}).Where("active = ?", true).Pluck("id", &users).Error; err != nil {
		return err
	}
	when := fmt.Sprintf("%d月%d日（%s）", d.Month, d.Day, menuWeekdays[d.Weekday()])
	return tx.Notify(Notice{
		Category: CategoryMenu, Type: "menu.published",
		Title: c.Name + when + "菜单已发布",
		Body:  "点击查看" + when + "的菜单，可提前报餐。",
		Data: StringMap{"type": "menu", "id": strconv.FormatInt(c.ID, 10), "status": MenuPublished,
			"date": d.String()},
		CollapseKey: "menu:" + strconv.FormatInt(c.ID, 10), TTL: 12 * time.Hour,
	}, users...)
}

var menuWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// SetSoldOut marks a menu's dish sold out or back in stock and tells the
// canteen's live subscribers at once.
func (s *Store) SetSoldOut(ctx context.Context, slot MenuSlot, dishID int64, soldOut bool) (*MenuLine, error) {
	var out *MenuLine
	err := s.Tx(ctx, func(tx *Tx) error {
		if _, err := lockCanteen(tx, slot.CanteenID); err != nil {
			return err
		}
		m, err := takeMenu(tx, slot)
		if err != nil {
			return err
		}
		res := tx.Model(&MenuItem{}).Where("menu_id = ? AND dish_id = ?", m.ID, dishID).Update("sold_out", soldOut)
		if res.Error != nil {
			return res.Error
		}
		var exists int64
		if err := tx.Model(&MenuItem{}).Where("menu_id = ? AND dish_id = ?", m.ID, dishID).Count(&exists).Error; err != nil {
			return err
		}
		if exists == 0 {
			return ErrNotFound("menu item")
		}
		meal, err := mealMenu(tx, m)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(meal.Items, func(l MenuLine) bool { return l.DishID == dishID })
		out = &meal.Items[i]
		tx.Publish(Event{Topic: TopicCanteen(slot.CanteenID), Type: "menu.sold_out", Data: map[string]any{
			"date": slot.Date, "meal": slot.Meal, "dish_id": dishID, "name": out.Name, "sold_out": soldOut}})
		return nil
	})
	return out, err
}

// MenuCopy copies the menus of SourceFrom..SourceTo (at most a week) to the
// same meals of the days from TargetFrom on, as drafts. Menus that already
// exist at the target are kept unless Replace is set; Publish publishes
// every copied menu at once. Dishes deactivated since are left out.
type MenuCopy struct {
	CanteenID                        int64
	SourceFrom, SourceTo, TargetFrom Date
	Replace, Publish                 bool
}

// CopiedMenu reports what happened to one target menu.
type CopiedMenu struct {
	Date   Date
	Meal   Meal
	Status string
	Result string // created, replaced, skipped
}

// CopyMenus copies a day's or a week's menus in one transaction.
func (s *Store) CopyMenus(ctx context.Context, in MenuCopy) ([]CopiedMenu, error) {
	if in.SourceTo.IsZero() {
		in.SourceTo = in.SourceFrom
	}
	span := in.SourceFrom.DaysUntil(in.SourceTo)
	switch {
	case span < 0:
		return nil, InvalidField("source_to", "must not be before source_from")
	case span >= 7:
		return nil, InvalidField("source_to", "copy at most 7 days at a time")
	case !in.TargetFrom.Before(in.SourceFrom) && in.SourceFrom.DaysUntil(in.TargetFrom) <= span:
		return nil, InvalidField("target_from", "the target days must not overlap the source days")
	}
	shift := in.SourceFrom.DaysUntil(in.TargetFrom)
	out := []CopiedMenu{}
	err := s.Tx(ctx, func(tx *Tx) error {
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
			return cmp.Or(strings.Compare(a.Date.String(), b.Date.String()), mealOrder(a.Meal, b.Meal))
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

func copyMenu(tx *Tx, c *Canteen, src Menu, target Date, in MenuCopy) (CopiedMenu, error) {
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
