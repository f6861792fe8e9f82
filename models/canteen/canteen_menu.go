package canteen

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

// Menu states: staff see published menus only. Editing a published menu
// keeps it published.
const (
	MenuDraft     = "draft"
	MenuPublished = "published"
)

// Menu is what one canteen serves at one meal of one date.
type Menu struct {
	ID          int64 `gorm:"primaryKey"`
	CanteenID   int64
	Date        store.Date
	Meal        Meal   `gorm:"size:10"`
	Status      string `gorm:"size:10"`
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// MenuItem is a dish on a menu, with an optional price for this menu only.
type MenuItem struct {
	MenuID     int64 `gorm:"primaryKey;autoIncrement:false"`
	DishID     int64 `gorm:"primaryKey;autoIncrement:false"`
	Position   int
	PriceCents *int
	SoldOut    bool
}

// MenuAnnouncement records that staff were told about a canteen's menu of
// a date, so that they hear of it once, not once per meal or edit.
type MenuAnnouncement struct {
	CanteenID int64      `gorm:"primaryKey;autoIncrement:false"`
	Date      store.Date `gorm:"primaryKey"`
	CreatedAt time.Time
}

// MenuSlot names one menu.
type MenuSlot struct {
	CanteenID int64
	Date      store.Date
	Meal      Meal
}

// ParseSlot reads a menu's date and meal as a route names them.
func ParseSlot(canteenID int64, date, meal string) (MenuSlot, error) {
	d, err := store.ParseDate(date)
	if err != nil {
		return MenuSlot{}, store.InvalidDate("date")
	}
	m, err := ParseMeal(meal)
	if err != nil {
		return MenuSlot{}, err
	}
	return MenuSlot{CanteenID: canteenID, Date: d, Meal: m}, nil
}

// MenuItemInput is one dish of a saved menu.
type MenuItemInput struct {
	DishID     int64
	PriceCents *int
}

// SaveMenu replaces the dishes of a meal's menu, creating it as a draft.
// A published menu stays published; items kept keep their sold-out mark.
func (s *Service) SaveMenu(ctx context.Context, slot MenuSlot, items []MenuItemInput) (_ *MealMenu, err error) {
	defer store.Wrap(&err, "canteen save menu")
	return s.changeMenu(ctx, slot, func([]MenuItemInput) ([]MenuItemInput, error) { return items, nil })
}

// checkMenuDishes accepts distinct, existing, active dishes.
func checkMenuDishes(tx *store.Tx, items []MenuItemInput) error {
	ids := make([]int64, len(items))
	for i, it := range items {
		if slices.Contains(ids[:i], it.DishID) {
			return store.InvalidField(fmt.Sprintf("items[%d].dish_id", i), "is listed twice")
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
			return store.InvalidField(fmt.Sprintf("items[%d].dish_id", i), "is not an active dish")
		}
	}
	return nil
}

// upsertMenu writes a menu's items, creating the menu as a draft when new.
func upsertMenu(tx *store.Tx, slot MenuSlot, items []MenuItemInput) (*Menu, error) {
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

func mealMenu(tx *store.Tx, m *Menu) (*MealMenu, error) {
	lines, err := menuLines(tx.DB, []Menu{*m})
	if err != nil {
		return nil, err
	}
	return &MealMenu{Meal: m.Meal, Status: m.Status, Items: lines[m.ID]}, nil
}

// PublishMenu makes a menu visible to staff and, the first time a date of
// this canteen is published, tells every active user (the inbox always,
// a push where their preferences allow menu pushes).
func (s *Service) PublishMenu(ctx context.Context, slot MenuSlot) (_ *MealMenu, err error) {
	defer store.Wrap(&err, "canteen publish menu")
	var out *MealMenu
	err = s.Tx(ctx, func(tx *store.Tx) error {
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

func takeMenu(tx *store.Tx, slot MenuSlot) (*Menu, error) {
	var m Menu
	err := tx.Where("canteen_id = ? AND date = ? AND meal = ?", slot.CanteenID, slot.Date, slot.Meal).Take(&m).Error
	return &m, store.NotFound(err, "menu")
}

func publishMenu(tx *store.Tx, c *Canteen, m *Menu) error {
	if m.Status == MenuPublished {
		return nil
	}
	var n int64
	if err := tx.Model(&MenuItem{}).Where("menu_id = ?", m.ID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return store.Errorf(store.CodeInvalidTransition, "a menu without dishes cannot be published")
	}
	now := tx.Now
	m.Status, m.PublishedAt = MenuPublished, &now
	if err := tx.Model(m).Updates(map[string]any{"status": m.Status, "published_at": now}).Error; err != nil {
		return err
	}
	tx.Publish(Published{CanteenID: c.ID, Date: m.Date, Meal: m.Meal})
	return announceMenu(tx, c, m.Date)
}

// Published is raised when a menu is published; live-stream followers of
// the canteen hear of it.
type Published struct {
	CanteenID int64      `json:"-"`
	Date      store.Date `json:"date"`
	Meal      Meal       `json:"meal"`
}

// Live implements store.Live.
func (e Published) Live() store.LiveEvent {
	return store.LiveEvent{Topic: TopicCanteen(e.CanteenID), Type: "menu.published", Data: e}
}

// SoldOut is raised when a published menu's dish runs out (or is back).
type SoldOut struct {
	CanteenID int64      `json:"-"`
	Date      store.Date `json:"date"`
	Meal      Meal       `json:"meal"`
	DishID    int64      `json:"dish_id"`
	Name      string     `json:"name"`
	SoldOut   bool       `json:"sold_out"`
}

// Live implements store.Live.
func (e SoldOut) Live() store.LiveEvent {
	return store.LiveEvent{Topic: TopicCanteen(e.CanteenID), Type: "menu.sold_out", Data: e}
}

// TopicCanteen is the live topic of a canteen's menus (sold-out marks,
// publications).
func TopicCanteen(id int64) string { return "canteen:" + strconv.FormatInt(id, 10) }

// announceMenu notifies all active users once per canteen and date, and
// only for today or later: nobody needs to hear about yesterday's lunch.
func announceMenu(tx *store.Tx, c *Canteen, d store.Date) error {
	if d.Before(tx.Today()) {
		return nil
	}
	var seen int64
	if err := tx.Model(&MenuAnnouncement{}).Where("canteen_id = ? AND date = ?", c.ID, d).Count(&seen).Error; err != nil || seen > 0 {
		return err
	}
	if err := tx.Create(&MenuAnnouncement{CanteenID: c.ID, Date: d}).Error; err != nil {
		return err
	}
	users, err := people.ActiveUserIDs(tx.DB)
	if err != nil {
		return err
	}
	when := fmt.Sprintf("%d月%d日（%s）", d.Month, d.Day, menuWeekdays[d.Weekday()])
	return notify.Notify(tx, notify.Notice{
		Category: notify.CategoryMenu, Type: "menu.published",
		Title: c.Name + when + "菜单已发布",
		Body:  "点击查看" + when + "的菜单，可提前报餐。",
		Data: notify.StringMap{"type": "menu", "id": strconv.FormatInt(c.ID, 10), "status": MenuPublished,
			"date": d.String()},
		CollapseKey: "menu:" + strconv.FormatInt(c.ID, 10), TTL: 12 * time.Hour,
	}, users...)
}

var menuWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// SetSoldOut marks a menu's dish sold out or back in stock and tells the
// canteen's live subscribers at once.
func (s *Service) SetSoldOut(ctx context.Context, slot MenuSlot, dishID int64, soldOut bool) (_ *MenuLine, err error) {
	defer store.Wrap(&err, "canteen set sold out")
	var out *MenuLine
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if _, err := lockCanteen(tx, slot.CanteenID); err != nil {
			return err
		}
		m, err := takeMenu(tx, slot)
		if err != nil {
			return err
		}
		if err := tx.Model(&MenuItem{}).Where("menu_id = ? AND dish_id = ?", m.ID, dishID).Update("sold_out", soldOut).Error; err != nil {
			return err
		}
		// The reloaded menu tells whether the dish is on it (RowsAffected
		// cannot: MySQL reports 0 rows for an unchanged value).
		meal, err := mealMenu(tx, m)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(meal.Items, func(l MenuLine) bool { return l.DishID == dishID })
		if i < 0 {
			return store.ErrNotFound("menu item")
		}
		out = &meal.Items[i]
		if m.Status != MenuPublished {
			return nil // anyone may follow the canteen's topic: a draft stays unseen
		}
		tx.Publish(SoldOut{CanteenID: slot.CanteenID, Date: slot.Date, Meal: slot.Meal, DishID: dishID, Name: out.Name,
			SoldOut: soldOut})
		return nil
	})
	return out, err
}
