package canteen

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"houqin/models/store"
)

// MealRegistration is one user's 报餐: they will eat this meal, so the
// kitchen cooks for them. Name and department are kept as they were when
// registering, for the kitchen's lists.
type MealRegistration struct {
	ID         int64 `gorm:"primaryKey"`
	CanteenID  int64
	Date       store.Date
	Meal       Meal `gorm:"size:10"`
	UserID     int64
	UserName   string `gorm:"size:100"`
	Department string `gorm:"size:100"`
	CreatedAt  time.Time
}

// MealRegistrationAheadDays bounds how far ahead one may register.
const MealRegistrationAheadDays = 31

// mealRegistrationOpen checks that the canteen serves the meal and that its
// cut-off has not passed; it returns the cut-off.
func mealRegistrationOpen(tx *store.Tx, slot MenuSlot) (time.Time, error) {
	var c Canteen
	if err := tx.Take(&c, slot.CanteenID).Error; err != nil {
		return time.Time{}, store.NotFound(err, "canteen")
	}
	sched, err := c.Serving(slot)
	if err != nil {
		return time.Time{}, err
	}
	if tx.Today().DaysUntil(slot.Date) > MealRegistrationAheadDays {
		return time.Time{}, store.InvalidField("date", "registration opens %d days ahead", MealRegistrationAheadDays)
	}
	cutoff := sched.Cutoff(slot.Date, tx.Location())
	if !tx.Now.Before(cutoff) {
		err := store.Errorf(store.CodeConflict, "registration for this meal closed at %s", cutoff.In(tx.Location()).Format("2006-01-02 15:04"))
		err.Extra = map[string]any{"cutoff_at": cutoff}
		return time.Time{}, err
	}
	return cutoff, nil
}

// RegisterMeal signs the caller up for a meal before its cut-off. Registering
// twice is harmless. It returns the registration and the cut-off.
func (s *Service) RegisterMeal(ctx context.Context, a store.Actor, slot MenuSlot) (_ *MealRegistration, _ time.Time, err error) {
	defer store.Wrap(&err, "canteen register meal")
	var (
		r      MealRegistration
		cutoff time.Time
	)
	err = s.Tx(ctx, func(tx *store.Tx) (err error) {
		if cutoff, err = mealRegistrationOpen(tx, slot); err != nil {
			return err
		}
		row := MealRegistration{CanteenID: slot.CanteenID, Date: slot.Date, Meal: slot.Meal, UserID: a.ID,
			UserName: a.Name, Department: a.Department}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		// Read back into a fresh row (an ignored insert leaves no id to
		// trust); a locking read sees a row a concurrent registration just
		// committed, which MySQL's snapshot would hide.
		return tx.ForUpdate().Where("canteen_id = ? AND date = ? AND meal = ? AND user_id = ?", slot.CanteenID, slot.Date, slot.Meal, a.ID).
			Take(&r).Error
	})
	return &r, cutoff, err
}

// UnregisterMeal withdraws the caller from a meal before its cut-off; it is
// not an error when they were not registered.
func (s *Service) UnregisterMeal(ctx context.Context, a store.Actor, slot MenuSlot) (err error) {
	defer store.Wrap(&err, "canteen unregister meal")
	return s.Tx(ctx, func(tx *store.Tx) error {
		if _, err := mealRegistrationOpen(tx, slot); err != nil {
			return err
		}
		return tx.Where("canteen_id = ? AND date = ? AND meal = ? AND user_id = ?", slot.CanteenID, slot.Date, slot.Meal, a.ID).
			Delete(&MealRegistration{}).Error
	})
}

// MyRegistrations lists the caller's registrations at a canteen from..to.
func (s *Service) MyRegistrations(ctx context.Context, a store.Actor, canteenID int64, from, to store.Date) (_ []MealRegistration, err error) {
	defer store.Wrap(&err, "canteen my registrations")
	if err := store.CheckRange(from, to, MealRegistrationAheadDays+1, "to"); err != nil {
		return nil, err
	}
	var rows []MealRegistration
	err = s.Read(ctx).Where("user_id = ? AND canteen_id = ? AND date BETWEEN ? AND ?", a.ID, canteenID, from, to).
		Order("date, id").Find(&rows).Error
	return rows, err
}

// MealRegistrationFilter narrows ListRegistrations.
type MealRegistrationFilter struct {
	CanteenID int64
	Date      store.Date
	Meal      Meal // "" for all meals
}

// ListRegistrations lists who registered for a date (and meal), newest first.
func (s *Service) ListRegistrations(ctx context.Context, f MealRegistrationFilter, p store.Page) (_ []MealRegistration, _ string, err error) {
	defer store.Wrap(&err, "canteen list registrations")
	q := s.Read(ctx).Model(&MealRegistration{}).Where("canteen_id = ? AND date = ?", f.CanteenID, f.Date)
	if f.Meal != "" {
		q = q.Where("meal = ?", f.Meal)
	}
	return store.Paginate[MealRegistration](q, p, func(r MealRegistration) int64 { return r.ID })
}

// MealDepartmentCount is how many of a department registered.
type MealDepartmentCount struct {
	Department string
	Count      int
}

// MealRegistrationCount is the kitchen's figure for one meal.
type MealRegistrationCount struct {
	Meal        Meal
	Total       int
	Departments []MealDepartmentCount
}

// RegistrationCounts counts a date's registrations per meal and department.
func (s *Service) RegistrationCounts(ctx context.Context, canteenID int64, d store.Date) (_ []MealRegistrationCount, err error) {
	defer store.Wrap(&err, "canteen registration counts")
	if _, err := s.Canteen(ctx, canteenID); err != nil {
		return nil, err
	}
	var rows []struct {
		Meal       Meal
		Department string
		N          int
	}
	err = s.Read(ctx).Model(&MealRegistration{}).Select("meal, department, COUNT(*) AS n").
		Where("canteen_id = ? AND date = ?", canteenID, d).Group("meal, department").
		Order("meal, n DESC, department").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := []MealRegistrationCount{}
	for _, m := range Meals {
		mc := MealRegistrationCount{Meal: m, Departments: []MealDepartmentCount{}}
		for _, r := range rows {
			if r.Meal == m {
				mc.Total += r.N
				mc.Departments = append(mc.Departments, MealDepartmentCount{Department: r.Department, Count: r.N})
			}
		}
		out = append(out, mc)
	}
	return out, nil
}
