package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/canteen"
	"houqin/models/store"
)

type mealRegistrationOut struct {
	CanteenID    int64        `json:"canteen_id"`
	Date         store.Date   `json:"date"`
	Meal         canteen.Meal `json:"meal"`
	RegisteredAt time.Time    `json:"registered_at"`
}

func mealRegistrationOutOf(r canteen.MealRegistration) mealRegistrationOut {
	return mealRegistrationOut{CanteenID: r.CanteenID, Date: r.Date, Meal: r.Meal, RegisteredAt: r.CreatedAt}
}

type mealRegisteredOut struct {
	mealRegistrationOut
	CutoffAt time.Time `json:"cutoff_at"`
}

// RegisterMeal signs the caller up for a meal (报餐) before its cut-off;
// registering again changes nothing.
func (h *Canteen) RegisterMeal(c *fiber.Ctx) error {
	slot, err := menuSlot(c)
	if err != nil {
		return err
	}
	r, cutoff, err := h.svc.RegisterMeal(c.UserContext(), UserFrom(c), slot)
	if err != nil {
		return err
	}
	return c.JSON(mealRegisteredOut{mealRegistrationOut: mealRegistrationOutOf(*r), CutoffAt: cutoff})
}

// UnregisterMeal withdraws the caller from a meal before its cut-off.
func (h *Canteen) UnregisterMeal(c *fiber.Ctx) error {
	slot, err := menuSlot(c)
	if err != nil {
		return err
	}
	if err := h.svc.UnregisterMeal(c.UserContext(), UserFrom(c), slot); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// MyMealRegistrations lists the caller's registrations from ?from= (default
// today) to ?to= (default a week later).
func (h *Canteen) MyRegistrations(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	from, err := QueryDate(c, "from", h.svc.Today())
	if err != nil {
		return err
	}
	to, err := QueryDate(c, "to", from.AddDays(6))
	if err != nil {
		return err
	}
	rows, err := h.svc.MyRegistrations(c.UserContext(), UserFrom(c), id, from, to)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, "", mealRegistrationOutOf))
}

type mealRegistrantOut struct {
	UserID       int64        `json:"user_id"`
	Name         string       `json:"name"`
	Department   string       `json:"department"`
	Meal         canteen.Meal `json:"meal"`
	RegisteredAt time.Time    `json:"registered_at"`
}

// ListRegistrations lists who registered for ?date= (default today) and
// optionally ?meal=, newest first (canteen_admin).
func (h *Canteen) ListRegistrations(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	f := canteen.MealRegistrationFilter{CanteenID: id}
	if f.Date, err = QueryDate(c, "date", h.svc.Today()); err != nil {
		return err
	}
	if m := c.Query("meal"); m != "" {
		if f.Meal, err = canteen.ParseMeal(m); err != nil {
			return err
		}
	}
	rows, next, err := h.svc.ListRegistrations(c.UserContext(), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, func(r canteen.MealRegistration) mealRegistrantOut {
		return mealRegistrantOut{UserID: r.UserID, Name: r.UserName, Department: r.Department, Meal: r.Meal, RegisteredAt: r.CreatedAt}
	}))
}

type mealDepartmentOut struct {
	Department string `json:"department"`
	Count      int    `json:"count"`
}

type mealTotalOut struct {
	Meal        canteen.Meal        `json:"meal"`
	Total       int                 `json:"total"`
	Departments []mealDepartmentOut `json:"departments"`
}

type mealRegistrationSummaryOut struct {
	CanteenID int64          `json:"canteen_id"`
	Date      store.Date     `json:"date"`
	Meals     []mealTotalOut `json:"meals"`
}

// RegistrationSummary counts ?date='s (default today) registrations per
// meal and department, for the kitchen (canteen_admin).
func (h *Canteen) RegistrationSummary(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := QueryDate(c, "date", h.svc.Today())
	if err != nil {
		return err
	}
	counts, err := h.svc.RegistrationCounts(c.UserContext(), id, d)
	if err != nil {
		return err
	}
	out := mealRegistrationSummaryOut{CanteenID: id, Date: d, Meals: make([]mealTotalOut, len(counts))}
	for i, mc := range counts {
		deps := make([]mealDepartmentOut, len(mc.Departments))
		for j, dc := range mc.Departments {
			deps[j] = mealDepartmentOut{Department: dc.Department, Count: dc.Count}
		}
		out.Meals[i] = mealTotalOut{Meal: mc.Meal, Total: mc.Total, Departments: deps}
	}
	return c.JSON(out)
}
