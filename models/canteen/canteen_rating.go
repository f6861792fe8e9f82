package canteen

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// DishRatingWindowDays is how far back a served dish may still be rated.
const DishRatingWindowDays = 7

// DishRating is one user's score of a dish as served on one date; rating
// the same dish and date again replaces it.
type DishRating struct {
	ID        int64 `gorm:"primaryKey"`
	DishID    int64
	UserID    int64
	ServedOn  store.Date
	Score     int
	Comment   string `gorm:"size:500"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DishRatingInput is a score for a dish; ServedOn zero means the latest date
// the caller could have eaten it.
type DishRatingInput struct {
	Score    int
	Comment  string
	ServedOn store.Date
}

// RateDish records the caller's rating of a dish they could have eaten: it
// was on a published menu within the last DishRatingWindowDays days and that
// meal has begun. It reports whether an earlier rating was replaced.
func (s *Service) RateDish(ctx context.Context, a store.Actor, dishID int64, in DishRatingInput) (_ *DishRating, _ *Dish, _ bool, err error) {
	defer store.Wrap(&err, "canteen rate dish")
	var (
		r        DishRating
		d        Dish
		replaced bool
	)
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&d, dishID).Error; err != nil {
			return store.NotFound(err, "dish")
		}
		served, err := servedOn(tx, dishID, in.ServedOn)
		if err != nil {
			return err
		}
		err = tx.Where("dish_id = ? AND user_id = ? AND served_on = ?", dishID, a.ID, served).Take(&r).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			r = DishRating{DishID: dishID, UserID: a.ID, ServedOn: served, Score: in.Score, Comment: in.Comment}
			err = tx.Create(&r).Error
		case err == nil:
			replaced = true
			r.Score, r.Comment = in.Score, in.Comment
			err = tx.Save(&r).Error
		}
		if err != nil {
			return err
		}
		var agg struct{ N, Sum int }
		if err := tx.Model(&DishRating{}).Select("COUNT(*) AS n, COALESCE(SUM(score), 0) AS sum").
			Where("dish_id = ?", dishID).Scan(&agg).Error; err != nil {
			return err
		}
		d.RatingCount, d.RatingSum = agg.N, agg.Sum
		return tx.Model(&d).UpdateColumns(map[string]any{"rating_count": agg.N, "rating_sum": agg.Sum}).Error
	})
	if err != nil {
		return nil, nil, false, err
	}
	return &r, &d, replaced, nil
}

// servedOn finds the date the dish was served that a rating is about:
// want if given, else the latest one; either must be within the window,
// on a published menu, at a meal that has begun.
func servedOn(tx *store.Tx, dishID int64, want store.Date) (store.Date, error) {
	loc := tx.Location()
	today := store.DateOf(tx.Now, loc)
	from := today.AddDays(-DishRatingWindowDays)
	if !want.IsZero() && (want.Before(from) || today.Before(want)) {
		return store.Date{}, store.InvalidField("served_on", "must be within the last 7 days")
	}
	var rows []struct {
		Date  store.Date
		Meal  Meal
		Meals MealSchedules
	}
	q := tx.Table("menus m").Select("m.date, m.meal, c.meals").
		Joins("JOIN menu_items mi ON mi.menu_id = m.id").Joins("JOIN canteens c ON c.id = m.canteen_id").
		Where("mi.dish_id = ? AND m.status = ? AND m.date BETWEEN ? AND ?", dishID, MenuPublished, from, today)
	if !want.IsZero() {
		q = q.Where("m.date = ?", want)
	}
	if err := q.Order("m.date DESC").Scan(&rows).Error; err != nil {
		return store.Date{}, err
	}
	for _, r := range rows {
		sched, ok := r.Meals.Of(r.Meal)
		if !ok || !tx.Now.Before(sched.OpensAt(r.Date, loc)) {
			return r.Date, nil
		}
	}
	return store.Date{}, store.Errorf(store.CodeConflict, "you can rate a dish only after it was served, up to %d days back", DishRatingWindowDays)
}

// DishRatingRow is a rating with its dish's name, for the canteen admins.
type DishRatingRow struct {
	DishRating
	DishName string
}

// TableName keeps DishRatingRow on dish_ratings (pagination names its id column).
func (DishRatingRow) TableName() string { return "dish_ratings" }

// DishRatingFilter narrows ListRatings.
type DishRatingFilter struct {
	DishID   int64
	From, To store.Date
}

// ListRatings lists ratings with their comments, newest first (canteen admins).
func (s *Service) ListRatings(ctx context.Context, f DishRatingFilter, p store.Page) (_ []DishRatingRow, _ string, err error) {
	defer store.Wrap(&err, "canteen list ratings")
	q := s.Read(ctx).Model(&DishRating{}).Select("dish_ratings.*, d.name AS dish_name").
		Joins("JOIN dishes d ON d.id = dish_ratings.dish_id")
	if f.DishID != 0 {
		q = q.Where("dish_ratings.dish_id = ?", f.DishID)
	}
	if !f.From.IsZero() {
		q = q.Where("dish_ratings.served_on >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("dish_ratings.served_on <= ?", f.To)
	}
	return store.Paginate[DishRatingRow](q, p, func(r DishRatingRow) int64 { return r.ID })
}

// DishScore is one dish's ratings over a period.
type DishScore struct {
	DishID   int64
	Name     string
	Category DishCategory
	Count    int
	Average  float64
	Low      int // scores of 1 or 2: what the kitchen should look at
}

// DishRatingSummary is a week's ratings (Monday to Sunday).
type DishRatingSummary struct {
	From, To store.Date
	Count    int
	Average  float64
	Dishes   []DishScore
}

// WeeklyRatings summarizes the ratings of dishes served in the week that
// contains day, best-rated dishes first.
func (s *Service) WeeklyRatings(ctx context.Context, day store.Date) (_ *DishRatingSummary, err error) {
	defer store.Wrap(&err, "canteen weekly ratings")
	from := day.AddDays(-((int(day.Weekday()) + 6) % 7))
	sum := &DishRatingSummary{From: from, To: from.AddDays(6), Dishes: []DishScore{}}
	var rows []struct {
		DishID   int64
		Name     string
		Category DishCategory
		N, Total int
		Low      int
	}
	err = s.Read(ctx).Table("dish_ratings r").
		Select("r.dish_id, d.name, d.category, COUNT(*) AS n, SUM(r.score) AS total, SUM(CASE WHEN r.score <= 2 THEN 1 ELSE 0 END) AS low").
		Joins("JOIN dishes d ON d.id = r.dish_id").
		Where("r.served_on BETWEEN ? AND ?", sum.From, sum.To).
		Group("r.dish_id, d.name, d.category").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	total := 0
	for _, r := range rows {
		sum.Count += r.N
		total += r.Total
		sum.Dishes = append(sum.Dishes, DishScore{DishID: r.DishID, Name: r.Name, Category: r.Category,
			Count: r.N, Average: ratingRound(float64(r.Total) / float64(r.N)), Low: r.Low})
	}
	if sum.Count > 0 {
		sum.Average = ratingRound(float64(total) / float64(sum.Count))
	}
	slices.SortFunc(sum.Dishes, func(a, b DishScore) int {
		switch {
		case a.Average != b.Average:
			return int(math.Copysign(1, b.Average-a.Average))
		case a.Count != b.Count:
			return b.Count - a.Count
		}
		return int(a.DishID - b.DishID)
	})
	return sum, nil
}

func ratingRound(x float64) float64 { return math.Round(x*10) / 10 }
