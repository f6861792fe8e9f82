package handlers

import (
	"github.com/gofiber/fiber/v2"

	"houqin/models/canteen"
	"houqin/models/store"
)

// MenuItemOut is one dish of a meal's menu.
type MenuItemOut struct {
	DishID     int64                `json:"dish_id"`
	Name       string               `json:"name"`
	Category   canteen.DishCategory `json:"category"`
	PriceCents int                  `json:"price_cents"`
	SoldOut    bool                 `json:"sold_out"`
	Vegetarian bool                 `json:"vegetarian"`
	SpicyLevel int                  `json:"spicy_level"`
	Allergens  []string             `json:"allergens"`
	Calories   *int                 `json:"calories"`
	ImageURL   string               `json:"image_url"`
}

// MealMenuOut is one meal's menu.
type MealMenuOut struct {
	Meal   canteen.Meal  `json:"meal"`
	Status string        `json:"status"`
	Items  []MenuItemOut `json:"items"`
}

type menuDayOut struct {
	CanteenID int64         `json:"canteen_id"`
	Date      store.Date    `json:"date"`
	Meals     []MealMenuOut `json:"meals"`
}

type menuWeekOut struct {
	CanteenID int64         `json:"canteen_id"`
	From      store.Date    `json:"from"`
	To        store.Date    `json:"to"`
	Days      []menuDateOut `json:"days"`
}

type menuDateOut struct {
	Date  store.Date    `json:"date"`
	Meals []MealMenuOut `json:"meals"`
}

func menuItemOut(l canteen.MenuLine) MenuItemOut {
	return MenuItemOut{DishID: l.DishID, Name: l.Name, Category: l.Category, PriceCents: l.PriceCents, SoldOut: l.SoldOut,
		Vegetarian: l.Vegetarian, SpicyLevel: l.SpicyLevel, Allergens: l.Allergens, Calories: l.Calories, ImageURL: l.ImageURL}
}

func mealMenuOut(m canteen.MealMenu) MealMenuOut {
	items := make([]MenuItemOut, len(m.Items))
	for i, l := range m.Items {
		items[i] = menuItemOut(l)
	}
	return MealMenuOut{Meal: m.Meal, Status: m.Status, Items: items}
}

func mealsOut(ms []canteen.MealMenu) []MealMenuOut {
	out := make([]MealMenuOut, len(ms))
	for i, m := range ms {
		out[i] = mealMenuOut(m)
	}
	return out
}

// Menus answers a date's menu (?date=, default today) or a range's
// (?from=&to=, at most 14 days). Staff see published meals only; canteen
// admins also see drafts. Responses carry an ETag and answer a matching
// If-None-Match with 304; bodies, compressed too, come from the in-process
// cache.
func (h *Canteen) Menus(c *fiber.Ctx) error {
	k, err := h.menuKeyOf(c)
	if err != nil {
		return err
	}
	e, err := h.menus.get(c.UserContext(), k, renderMenus)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, e.etag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), e.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return e.send(c)
}

// menuKeyOf reads which view of which menus the caller asks for.
func (h *Canteen) menuKeyOf(c *fiber.Ctx) (menuKey, error) {
	id, err := ParamID(c, "id")
	if err != nil {
		return menuKey{}, err
	}
	k := menuKey{canteen: id, drafts: UserFrom(c).Can(store.RoleCanteenAdmin)}
	if k.from, err = QueryDate(c, "date", store.Date{}); err != nil {
		return menuKey{}, err
	}
	from, err := QueryDate(c, "from", store.Date{})
	if err != nil {
		return menuKey{}, err
	}
	to, err := QueryDate(c, "to", store.Date{})
	if err != nil {
		return menuKey{}, err
	}
	switch {
	case !k.from.IsZero() && !(from.IsZero() && to.IsZero()):
		return menuKey{}, store.InvalidField("date", "give either date or from and to")
	case from.IsZero() != to.IsZero():
		return menuKey{}, store.InvalidField("to", "from and to go together")
	case !from.IsZero():
		k.from, k.to, k.week = from, to, true
		return k, nil
	case k.from.IsZero():
		k.from = h.svc.Today()
	}
	k.to = k.from
	return k, nil
}

// renderMenus shapes a cache fill: one date's meals, or one entry per date.
func renderMenus(k menuKey, days []canteen.MenuDay) any {
	if !k.week {
		return menuDayOut{CanteenID: k.canteen, Date: days[0].Date, Meals: mealsOut(days[0].Meals)}
	}
	out := menuWeekOut{CanteenID: k.canteen, From: k.from, To: k.to, Days: make([]menuDateOut, len(days))}
	for i, d := range days {
		out.Days[i] = menuDateOut{Date: d.Date, Meals: mealsOut(d.Meals)}
	}
	return out
}

// menuSlot reads /canteens/:id/menus/:date/:meal (and the registration
// routes of the same shape).
func menuSlot(c *fiber.Ctx) (canteen.MenuSlot, error) {
	id, err := ParamID(c, "id")
	if err != nil {
		return canteen.MenuSlot{}, err
	}
	return canteen.ParseSlot(id, c.Params("date"), c.Params("meal"))
}

type menuItemIn struct {
	DishID     int64 `json:"dish_id" validate:"required,gt=0"`
	PriceCents *int  `json:"price_cents" validate:"omitempty,gte=0,lte=1000000"`
}

type saveMenuRequest struct {
	Items []menuItemIn `json:"items" validate:"required,min=1,max=80,dive"`
}

// SaveMenu replaces a meal's dishes (canteen_admin). A new menu is a
// draft; a published one stays published.
func (h *Canteen) SaveMenu(c *fiber.Ctx) error {
	slot, err := menuSlot(c)
	if err != nil {
		return err
	}
	var req saveMenuRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	items := make([]canteen.MenuItemInput, len(req.Items))
	for i, it := range req.Items {
		items[i] = canteen.MenuItemInput{DishID: it.DishID, PriceCents: it.PriceCents}
	}
	m, err := h.svc.SaveMenu(c.UserContext(), slot, items)
	if err != nil {
		return err
	}
	return c.JSON(mealMenuOut(*m))
}

// PublishMenu makes a meal's menu visible to staff (canteen_admin).
func (h *Canteen) PublishMenu(c *fiber.Ctx) error {
	slot, err := menuSlot(c)
	if err != nil {
		return err
	}
	m, err := h.svc.PublishMenu(c.UserContext(), slot)
	if err != nil {
		return err
	}
	return c.JSON(mealMenuOut(*m))
}

type soldOutRequest struct {
	SoldOut *bool `json:"sold_out" validate:"required"`
}

// SetSoldOut marks a menu's dish sold out or back in stock (canteen_admin).
func (h *Canteen) SetSoldOut(c *fiber.Ctx) error {
	slot, err := menuSlot(c)
	if err != nil {
		return err
	}
	dishID, err := ParamID(c, "dish_id")
	if err != nil {
		return err
	}
	var req soldOutRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	l, err := h.svc.SetSoldOut(c.UserContext(), slot, dishID, *req.SoldOut)
	if err != nil {
		return err
	}
	return c.JSON(menuItemOut(*l))
}

type copyMenusRequest struct {
	SourceFrom store.Date  `json:"source_from" validate:"required"`
	SourceTo   *store.Date `json:"source_to"`
	TargetFrom store.Date  `json:"target_from" validate:"required"`
	Replace    bool        `json:"replace"`
	Publish    bool        `json:"publish"`
}

type copiedMenuOut struct {
	Date   store.Date   `json:"date"`
	Meal   canteen.Meal `json:"meal"`
	Status string       `json:"status,omitempty"` // the target menu's, when there is one
	Result string       `json:"result"`
}

type copyMenusOut struct {
	Menus []copiedMenuOut `json:"menus"`
}

// CopyMenus copies a day's or a week's menus to new dates (canteen_admin).
func (h *Canteen) CopyMenus(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req copyMenusRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	in := canteen.MenuCopyInput{CanteenID: id, SourceFrom: req.SourceFrom, TargetFrom: req.TargetFrom,
		Replace: req.Replace, Publish: req.Publish}
	if req.SourceTo != nil {
		in.SourceTo = *req.SourceTo
	}
	done, err := h.svc.CopyMenus(c.UserContext(), in)
	if err != nil {
		return err
	}
	out := copyMenusOut{Menus: make([]copiedMenuOut, len(done))}
	for i, m := range done {
		out.Menus[i] = copiedMenuOut{Date: m.Date, Meal: m.Meal, Status: m.Status, Result: m.Result}
	}
	return c.JSON(out)
}
