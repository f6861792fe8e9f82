package canteen

import (
	"context"
	"fmt"

	"houqin/models/store"
)

// MonthMeals are one month's meal registrations and the days that had any
// (the canteen's working days).
type MonthMeals struct {
	Month         string // YYYY-MM
	Registrations int
	Days          int
}

// ServedFigures are the canteen's figures for the yearly report.
type ServedFigures struct {
	Months        []MonthMeals // months with registrations, in order
	Registrations int
	Days          int
	Dishes        int // distinct dishes on published menus
	Servings      int // dish places on published menus (a dish on one meal's menu)
}

// Served counts the registrations and the dishes of published menus on
// local dates from..to.
func (s *Service) Served(ctx context.Context, from, to store.Date) (_ *ServedFigures, err error) {
	defer store.Wrap(&err, "canteen served")
	db := s.Read(ctx)
	var days []struct {
		Date store.Date
		N    int
	}
	err = db.Model(&MealRegistration{}).Select("date, COUNT(*) AS n").Where("date >= ? AND date <= ?", from, to).
		Group("date").Order("date").Scan(&days).Error
	if err != nil {
		return nil, err
	}
	f := &ServedFigures{}
	for _, d := range days {
		m := fmt.Sprintf("%04d-%02d", d.Date.Year, d.Date.Month)
		if len(f.Months) == 0 || f.Months[len(f.Months)-1].Month != m {
			f.Months = append(f.Months, MonthMeals{Month: m})
		}
		last := &f.Months[len(f.Months)-1]
		last.Registrations += d.N
		last.Days++
		f.Registrations += d.N
		f.Days++
	}
	var dishes struct{ Dishes, Servings int }
	err = db.Table("menu_items").Joins("JOIN menus ON menus.id = menu_items.menu_id").
		Select("COUNT(DISTINCT menu_items.dish_id) AS dishes, COUNT(*) AS servings").
		Where("menus.status = ? AND menus.date >= ? AND menus.date <= ?", MenuPublished, from, to).Scan(&dishes).Error
	f.Dishes, f.Servings = dishes.Dishes, dishes.Servings
	return f, err
}
