package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/canteen"
	"houqin/models/store"
)

// CanteenOut is a canteen as the API shows it.
type CanteenOut struct {
	ID       int64                  `json:"id"`
	Name     string                 `json:"name"`
	Location string                 `json:"location"`
	Meals    []canteen.MealSchedule `json:"meals"`
}

func canteenOut(c canteen.Canteen) CanteenOut {
	return CanteenOut{ID: c.ID, Name: c.Name, Location: c.Location, Meals: c.Meals}
}

// ListCanteens lists the canteens and their meal hours.
func (h *Canteen) ListCanteens(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	rows, next, err := h.svc.ListCanteens(c.UserContext(), page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, canteenOut))
}

type mealScheduleIn struct {
	Meal             canteen.Meal `json:"meal" validate:"required,enum"`
	Opens            string       `json:"opens" validate:"required,len=5"`
	Closes           string       `json:"closes" validate:"required,len=5"`
	CutoffDaysBefore int          `json:"cutoff_days_before" validate:"gte=0,lte=7"`
	CutoffTime       string       `json:"cutoff_time" validate:"required,len=5"`
	Weekdays         []int        `json:"weekdays" validate:"omitempty,max=7,unique,dive,gte=1,lte=7"`
}

type canteenRequest struct {
	Name     *string          `json:"name" validate:"omitempty,min=1,max=100"`
	Location *string          `json:"location" validate:"omitempty,max=200"`
	Meals    []mealScheduleIn `json:"meals" validate:"omitempty,max=3,dive"`
}

func (r canteenRequest) input() canteen.CanteenInput {
	in := canteen.CanteenInput{Name: r.Name, Location: r.Location}
	if r.Meals != nil {
		in.Meals = canteen.MealSchedules{}
		for _, m := range r.Meals {
			in.Meals = append(in.Meals, canteen.MealSchedule{Meal: m.Meal, Opens: m.Opens, Closes: m.Closes,
				CutoffDaysBefore: m.CutoffDaysBefore, CutoffTime: m.CutoffTime, Weekdays: m.Weekdays})
		}
	}
	return in
}

// CreateCanteen adds a canteen (canteen_admin); meals default to the
// centre's usual hours and cut-offs.
func (h *Canteen) CreateCanteen(c *fiber.Ctx) error {
	var req canteenRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return store.InvalidField("name", "is required")
	}
	ct, err := h.svc.CreateCanteen(c.UserContext(), req.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(canteenOut(*ct))
}

// UpdateCanteen changes a canteen's name, location or meal hours (canteen_admin).
func (h *Canteen) UpdateCanteen(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req canteenRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	ct, err := h.svc.UpdateCanteen(c.UserContext(), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(canteenOut(*ct))
}

// DishOut is a dish as the API shows it, with its rating.
type DishOut struct {
	ID          int64                `json:"id"`
	Name        string               `json:"name"`
	Category    canteen.DishCategory `json:"category"`
	PriceCents  int                  `json:"price_cents"`
	Allergens   []string             `json:"allergens"`
	SpicyLevel  int                  `json:"spicy_level"`
	Vegetarian  bool                 `json:"vegetarian"`
	Calories    *int                 `json:"calories"`
	ImageURL    string               `json:"image_url"`
	Active      bool                 `json:"active"`
	RatingAvg   float64              `json:"rating_avg"`
	RatingCount int                  `json:"rating_count"`
	UpdatedAt   time.Time            `json:"updated_at"`
}

func dishOut(d canteen.Dish) DishOut {
	allergens := []string(d.Allergens)
	if allergens == nil {
		allergens = []string{}
	}
	return DishOut{ID: d.ID, Name: d.Name, Category: d.Category, PriceCents: d.PriceCents, Allergens: allergens,
		SpicyLevel: d.SpicyLevel, Vegetarian: d.Vegetarian, Calories: d.Calories, ImageURL: d.ImageURL,
		Active: d.Active, RatingAvg: d.RatingAverage(), RatingCount: d.RatingCount, UpdatedAt: d.UpdatedAt}
}

// ListDishes lists dishes by ?category=, ?q= and (canteen admins) ?active=.
func (h *Canteen) ListDishes(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	active, err := QueryBool(c, "active")
	if err != nil {
		return err
	}
	category, err := QueryEnum[canteen.DishCategory](c, "category")
	if err != nil {
		return err
	}
	f := canteen.DishFilter{Category: category, Query: strings.Clone(c.Query("q")), Active: active}
	rows, next, err := h.svc.ListDishes(c.UserContext(), UserFrom(c), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, dishOut))
}

// GetDish returns one dish with its rating.
func (h *Canteen) GetDish(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.svc.Dish(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return c.JSON(dishOut(*d))
}

// dishRequest creates or changes a dish; the rules of its values live in
// the canteen model, for the API and the console alike.
type dishRequest struct {
	Name       *string               `json:"name"`
	Category   *canteen.DishCategory `json:"category"`
	PriceCents *int                  `json:"price_cents"`
	Allergens  *[]string             `json:"allergens"`
	SpicyLevel *int                  `json:"spicy_level"`
	Vegetarian *bool                 `json:"vegetarian"`
	Calories   *int                  `json:"calories"`
	ImageURL   *string               `json:"image_url"`
	Active     *bool                 `json:"active"`
}

func (r dishRequest) input() canteen.DishInput {
	return canteen.DishInput{Name: r.Name, Category: r.Category, ImageURL: r.ImageURL, PriceCents: r.PriceCents,
		SpicyLevel: r.SpicyLevel, Allergens: r.Allergens, Vegetarian: r.Vegetarian, Active: r.Active, Calories: r.Calories}
}

// CreateDish adds a dish (canteen_admin).
func (h *Canteen) CreateDish(c *fiber.Ctx) error {
	var req dishRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	var missing []store.FieldError
	if req.Name == nil {
		missing = append(missing, store.FieldError{Field: "name", Message: "is required"})
	}
	if req.Category == nil {
		missing = append(missing, store.FieldError{Field: "category", Message: "is required"})
	}
	if req.PriceCents == nil {
		missing = append(missing, store.FieldError{Field: "price_cents", Message: "is required"})
	}
	if len(missing) > 0 {
		return store.Invalid(missing...)
	}
	d, err := h.svc.CreateDish(c.UserContext(), req.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(dishOut(*d))
}

// UpdateDish changes a dish (canteen_admin); menus showing it change too.
func (h *Canteen) UpdateDish(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req dishRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	d, err := h.svc.UpdateDish(c.UserContext(), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(dishOut(*d))
}

// DeleteDish deletes an unused dish (204), or deactivates one that menus
// or ratings refer to and returns it (200) (canteen_admin).
func (h *Canteen) DeleteDish(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.svc.DeleteDish(c.UserContext(), id)
	if err != nil {
		return err
	}
	if d == nil {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.JSON(dishOut(*d))
}
