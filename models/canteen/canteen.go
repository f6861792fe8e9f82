package canteen

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// Meal is one service of a canteen's day.
type Meal string

const (
	Breakfast Meal = "breakfast"
	Lunch     Meal = "lunch"
	Dinner    Meal = "dinner"
)

// Meals lists the meals in the order of the day.
var Meals = []Meal{Breakfast, Lunch, Dinner}

// Enum lists the meals (store.Enumerated).
func (Meal) Enum() []string { return store.Strings(Meals) }

// ParseMeal validates a meal name.
func ParseMeal(s string) (Meal, error) {
	i := slices.Index(Meals, Meal(s))
	if i < 0 {
		return "", store.InvalidField("meal", "must be one of: breakfast, lunch, dinner")
	}
	// The constant, not s: s may be Fiber's reused buffer, and the meal ends
	// up in the menu cache and in live events.
	return Meals[i], nil
}

// mealOrder sorts meals breakfast → dinner.
func mealOrder(a, b Meal) int { return slices.Index(Meals, a) - slices.Index(Meals, b) }

// MealSchedule is when a canteen serves a meal and until when staff may
// register for it (报餐): CutoffDaysBefore days before the meal's date, at
// CutoffTime local time.
type MealSchedule struct {
	Meal             Meal   `json:"meal"`
	Opens            string `json:"opens"`  // "11:30"
	Closes           string `json:"closes"` // "13:00"
	CutoffDaysBefore int    `json:"cutoff_days_before"`
	CutoffTime       string `json:"cutoff_time"` // "09:30"
	// Weekdays are the ISO weekdays (1 Monday … 7 Sunday) the meal is
	// served; none means every day.
	Weekdays []int `json:"weekdays,omitempty"`
}

// ServedOn reports whether the meal is served on d's weekday.
func (m MealSchedule) ServedOn(d store.Date) bool {
	return len(m.Weekdays) == 0 || slices.Contains(m.Weekdays, d.ISOWeekday())
}

// Serving returns the schedule of the meal in slot, refusing a meal the
// canteen does not serve at all or not on that day.
func (c *Canteen) Serving(slot MenuSlot) (MealSchedule, error) {
	m, ok := c.Meals.Of(slot.Meal)
	if !ok {
		return m, store.InvalidField("meal", "%s does not serve %s", c.Name, slot.Meal)
	}
	if !m.ServedOn(slot.Date) {
		return m, store.InvalidField("date", "%s serves no %s on %s", c.Name, slot.Meal, store.Term(slot.Date.Weekday().String()))
	}
	return m, nil
}

// Cutoff is the instant registration for this meal on d closes.
func (m MealSchedule) Cutoff(d store.Date, loc *time.Location) time.Time {
	h, min := mealClock(m.CutoffTime)
	return d.AddDays(-m.CutoffDaysBefore).At(h, min, loc)
}

// OpensAt is the instant the meal on d starts being served.
func (m MealSchedule) OpensAt(d store.Date, loc *time.Location) time.Time {
	h, min := mealClock(m.Opens)
	return d.At(h, min, loc)
}

// mealClock reads a validated "HH:MM".
func mealClock(s string) (hour, minute int) {
	t, _ := time.Parse("15:04", s)
	return t.Hour(), t.Minute()
}

// MealSchedules is a canteen's served meals, stored as JSON text.
type MealSchedules []MealSchedule

// DefaultMealSchedules are the centre's usual hours and cut-offs: breakfast
// the evening before, lunch and dinner the same day.
var DefaultMealSchedules = MealSchedules{
	{Meal: Breakfast, Opens: "07:00", Closes: "08:30", CutoffDaysBefore: 1, CutoffTime: "20:00"},
	{Meal: Lunch, Opens: "11:30", Closes: "13:00", CutoffDaysBefore: 0, CutoffTime: "09:30"},
	{Meal: Dinner, Opens: "17:30", Closes: "19:00", CutoffDaysBefore: 0, CutoffTime: "14:00"},
}

// Of returns the schedule of meal m, if the canteen serves it.
func (ms MealSchedules) Of(m Meal) (MealSchedule, bool) {
	i := slices.IndexFunc(ms, func(s MealSchedule) bool { return s.Meal == m })
	if i < 0 {
		return MealSchedule{}, false
	}
	return ms[i], true
}

// Validate checks times, duplicates and order, and sorts by meal.
func (ms MealSchedules) Validate() error {
	seen := map[Meal]bool{}
	for i, m := range ms {
		field := fmt.Sprintf("meals[%d]", i)
		if _, err := ParseMeal(string(m.Meal)); err != nil {
			return store.InvalidField(field+".meal", "must be one of: breakfast, lunch, dinner")
		}
		if seen[m.Meal] {
			return store.InvalidField(field+".meal", "is listed twice")
		}
		seen[m.Meal] = true
		for name, v := range map[string]string{"opens": m.Opens, "closes": m.Closes, "cutoff_time": m.CutoffTime} {
			if _, err := time.Parse("15:04", v); err != nil || len(v) != 5 {
				return store.InvalidField(field+"."+name, "must be a time HH:MM")
			}
		}
		if m.Closes <= m.Opens {
			return store.InvalidField(field+".closes", "must be after opens")
		}
		if m.CutoffDaysBefore < 0 || m.CutoffDaysBefore > 7 {
			return store.InvalidField(field+".cutoff_days_before", "must be between 0 and 7")
		}
		for _, d := range m.Weekdays {
			if d < 1 || d > 7 {
				return store.InvalidField(field+".weekdays", "must be weekdays from 1 (Monday) to 7 (Sunday)")
			}
		}
	}
	slices.SortFunc(ms, func(a, b MealSchedule) int { return mealOrder(a.Meal, b.Meal) })
	return nil
}

func (ms MealSchedules) Value() (driver.Value, error) {
	b, err := json.Marshal([]MealSchedule(ms))
	return string(b), err
}

func (ms *MealSchedules) Scan(src any) error { return store.ScanJSON(src, ms) }

// Canteen is a dining hall with its meal hours. MenuVersion counts every
// change to what its menus show (menus, items, sold-out, dishes, hours):
// it is the source of the menu ETags, so it lives in the database and is
// the same on every replica.
type Canteen struct {
	ID          int64         `gorm:"primaryKey"`
	Name        string        `gorm:"size:100"`
	Location    string        `gorm:"size:200"`
	Meals       MealSchedules `gorm:"type:text"`
	MenuVersion int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// CanteenInput creates or changes a canteen; nil fields stay as they are.
type CanteenInput struct {
	Name, Location *string
	Meals          MealSchedules // nil: unchanged (create: the defaults)
}

// ListCanteens lists canteens, newest first.
func (s *Service) ListCanteens(ctx context.Context, p store.Page) (_ []Canteen, _ string, err error) {
	defer store.Wrap(&err, "canteen list canteens")
	return store.Paginate[Canteen](s.Read(ctx).Model(&Canteen{}), p, func(c Canteen) int64 { return c.ID })
}

// Canteen returns one canteen.
func (s *Service) Canteen(ctx context.Context, id int64) (_ *Canteen, err error) {
	defer store.Wrap(&err, "canteen canteen")
	var c Canteen
	if err := s.Read(ctx).Take(&c, id).Error; err != nil {
		return nil, store.NotFound(err, "canteen")
	}
	return &c, nil
}

// CreateCanteen adds a canteen.
func (s *Service) CreateCanteen(ctx context.Context, in CanteenInput) (_ *Canteen, err error) {
	defer store.Wrap(&err, "canteen create canteen")
	c := &Canteen{Meals: DefaultMealSchedules}
	if err := in.apply(c); err != nil {
		return nil, err
	}
	return c, s.Tx(ctx, func(tx *store.Tx) error { return tx.Create(c).Error })
}

// UpdateCanteen changes a canteen's name, location or meal hours.
func (s *Service) UpdateCanteen(ctx context.Context, id int64, in CanteenInput) (_ *Canteen, err error) {
	defer store.Wrap(&err, "canteen update canteen")
	var c Canteen
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&c, id).Error; err != nil {
			return store.NotFound(err, "canteen")
		}
		if err := in.apply(&c); err != nil {
			return err
		}
		c.MenuVersion++
		tx.Publish(MenuChanged{CanteenID: c.ID})
		return tx.Save(&c).Error
	})
	return &c, err
}

func (in CanteenInput) apply(c *Canteen) error {
	store.Patch(&c.Name, in.Name)
	store.Patch(&c.Location, in.Location)
	if in.Meals != nil {
		meals := slices.Clone(in.Meals)
		if err := meals.Validate(); err != nil {
			return err
		}
		c.Meals = meals
	}
	return nil
}

// lockCanteen locks the canteen row and bumps its menu version: every menu
// change of one canteen goes through here, so they are serialized per
// canteen and each one changes the ETag.
func lockCanteen(tx *store.Tx, id int64) (*Canteen, error) {
	var c Canteen
	if err := tx.ForUpdate().Take(&c, id).Error; err != nil {
		return nil, store.NotFound(err, "canteen")
	}
	c.MenuVersion++
	tx.Publish(MenuChanged{CanteenID: id})
	return &c, tx.Model(&c).UpdateColumn("menu_version", c.MenuVersion).Error
}

// bumpAllMenuVersions marks every canteen's menus changed (a dish they may
// show was edited).
func bumpAllMenuVersions(tx *store.Tx) error {
	tx.Publish(MenuChanged{})
	return tx.Session(&gorm.Session{AllowGlobalUpdate: true}).Model(&Canteen{}).
		UpdateColumn("menu_version", gorm.Expr("menu_version + 1")).Error
}

// MenuChanged is raised with every menu version bump: what a canteen's
// menus show has changed (CanteenID 0: every canteen's). Caches of
// rendered menus subscribe to it.
type MenuChanged struct{ CanteenID int64 }
