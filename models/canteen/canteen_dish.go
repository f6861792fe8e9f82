package canteen

import (
	"context"
	"strings"
	"time"

	"houqin/models/store"
)

// DishCategory is the kind of dish a menu groups by.
type DishCategory string

// DishCategories are the kinds of dish (荤菜, 素菜, 汤, 主食, 面点, 水果, 饮品),
// in menu order.
var DishCategories = []DishCategory{"meat", "vegetable", "soup", "staple", "pastry", "fruit", "drink"}

// Enum lists the dish categories (store.Enumerated).
func (DishCategory) Enum() []string { return store.Strings(DishCategories) }

// Dish is something the kitchen cooks. A dish that a menu or a rating
// refers to is never deleted, only deactivated.
type Dish struct {
	ID          int64        `gorm:"primaryKey"`
	Name        string       `gorm:"size:100"`
	Category    DishCategory `gorm:"size:20"`
	PriceCents  int
	Allergens   store.Words `gorm:"size:200"`
	SpicyLevel  int
	Vegetarian  bool
	Calories    *int
	ImageURL    string `gorm:"size:500"`
	Active      bool
	RatingCount int
	RatingSum   int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RatingAverage is the mean score rounded to one decimal (0 when unrated).
func (d Dish) RatingAverage() float64 {
	if d.RatingCount == 0 {
		return 0
	}
	return ratingRound(float64(d.RatingSum) / float64(d.RatingCount))
}

// DishInput creates or changes a dish; nil fields stay as they are.
type DishInput struct {
	Name, ImageURL         *string
	Category               *DishCategory
	PriceCents, SpicyLevel *int
	Allergens              *[]string
	Vegetarian, Active     *bool
	Calories               *int
}

func (in DishInput) apply(d *Dish) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&d.Name, in.Name)
	store.Patch(&d.Category, in.Category)
	set(&d.ImageURL, in.ImageURL)
	store.Patch(&d.PriceCents, in.PriceCents)
	store.Patch(&d.SpicyLevel, in.SpicyLevel)
	store.Patch((*[]string)(&d.Allergens), in.Allergens)
	store.Patch(&d.Vegetarian, in.Vegetarian)
	store.Patch(&d.Active, in.Active)
	if in.Calories != nil {
		d.Calories = in.Calories
	}
	return d.check()
}

// DishFilter narrows ListDishes. Only canteen admins may list inactive dishes.
type DishFilter struct {
	Category DishCategory
	Query    string
	Active   *bool
}

// ListDishes lists dishes, newest first. Staff see active dishes only.
func (s *Service) ListDishes(ctx context.Context, a store.Actor, f DishFilter, p store.Page) (_ []Dish, _ string, err error) {
	defer store.Wrap(&err, "canteen list dishes")
	q := s.Read(ctx).Model(&Dish{})
	switch {
	case !a.Can(store.RoleCanteenAdmin):
		q = q.Where("active = ?", true)
	case f.Active != nil:
		q = q.Where("active = ?", *f.Active)
	}
	if f.Category != "" {
		q = q.Where("category = ?", f.Category)
	}
	if f.Query != "" {
		q = q.Where("name LIKE ?", "%"+f.Query+"%")
	}
	return store.Paginate[Dish](q, p, func(d Dish) int64 { return d.ID })
}

// Dish returns one dish; an inactive one only to canteen admins.
func (s *Service) Dish(ctx context.Context, a store.Actor, id int64) (_ *Dish, err error) {
	defer store.Wrap(&err, "canteen dish")
	var d Dish
	if err := s.Read(ctx).Take(&d, id).Error; err != nil {
		return nil, store.NotFound(err, "dish")
	}
	if !d.Active && !a.Can(store.RoleCanteenAdmin) {
		return nil, store.ErrNotFound("dish")
	}
	return &d, nil
}

// CreateDish adds an active dish.
func (s *Service) CreateDish(ctx context.Context, in DishInput) (_ *Dish, err error) {
	defer store.Wrap(&err, "canteen create dish")
	d := &Dish{Active: true, Allergens: store.Words{}}
	if err := in.apply(d); err != nil {
		return nil, err
	}
	return d, s.Tx(ctx, func(tx *store.Tx) error { return tx.Create(d).Error })
}

// UpdateDish changes a dish. Menus show dish details, so every canteen's
// menu version moves.
func (s *Service) UpdateDish(ctx context.Context, id int64, in DishInput) (_ *Dish, err error) {
	defer store.Wrap(&err, "canteen update dish")
	var d Dish
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&d, id).Error; err != nil {
			return store.NotFound(err, "dish")
		}
		if err := in.apply(&d); err != nil {
			return err
		}
		if err := tx.Save(&d).Error; err != nil {
			return err
		}
		return bumpAllMenuVersions(tx)
	})
	return &d, err
}

// DeleteDish removes a dish nobody has used, and deactivates one that a
// menu or a rating refers to (history must keep its name). It returns the
// deactivated dish, or nil when the dish was deleted.
func (s *Service) DeleteDish(ctx context.Context, id int64) (_ *Dish, err error) {
	defer store.Wrap(&err, "canteen delete dish")
	var d Dish
	deactivated := false
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&d, id).Error; err != nil {
			return store.NotFound(err, "dish")
		}
		var used int64
		if err := tx.Raw("SELECT (SELECT COUNT(*) FROM menu_items WHERE dish_id = ?) + (SELECT COUNT(*) FROM dish_ratings WHERE dish_id = ?)", id, id).
			Scan(&used).Error; err != nil {
			return err
		}
		if deactivated = used > 0; deactivated {
			d.Active = false // menus that show it stay as they are
			return tx.Save(&d).Error
		}
		return tx.Delete(&d).Error
	})
	if err != nil || !deactivated {
		return nil, err
	}
	return &d, nil
}
