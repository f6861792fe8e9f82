package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/store"
)

// canteenEnv is a running service with a canteen, its admin, a staff
// member and four dishes (meat, vegetable, soup, staple).
type canteenEnv struct {
	*apitest.Env
	admin, staff apitest.User
	canteen      int64
	dishes       []int64
}

func newCanteenEnv(t testing.TB, opts ...apitest.Option) *canteenEnv {
	t.Helper()
	env := apitest.New(t, opts...)
	e := &canteenEnv{Env: env, admin: env.NewUser(store.RoleCanteenAdmin), staff: env.NewUser()}
	resp := env.Post("/api/v1/canteens", e.admin.Token, map[string]any{"name": "机关食堂", "location": "区行政中心2号楼一楼"})
	apitest.Expect(t, resp, http.StatusCreated)
	var c struct{ ID int64 }
	resp.JSON(t, &c)
	e.canteen = c.ID
	for _, d := range []map[string]any{
		{"name": "红烧肉", "category": "meat", "price_cents": 1200},
		{"name": "清炒时蔬", "category": "vegetable", "price_cents": 400, "vegetarian": true},
		{"name": "番茄蛋汤", "category": "soup", "price_cents": 200, "allergens": []string{"egg"}},
		{"name": "米饭", "category": "staple", "price_cents": 100},
	} {
		e.dishes = append(e.dishes, e.createDish(t, d))
	}
	return e
}

// at moves the clock to t (UTC) and signs the users in again, since their
// access tokens live only minutes.
func (e *canteenEnv) at(t testing.TB, when time.Time, users ...*apitest.User) {
	t.Helper()
	e.Clock.Set(when)
	for _, u := range append(users, &e.admin, &e.staff) {
		token, err := e.Server.Tokens.Issue(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		u.Token = token
	}
}

// canteenLocal is a wall-clock time in the site time zone.
func canteenLocal(month time.Month, day, hour, minute int) time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, month, day, hour, minute, 0, 0, loc)
}

func (e *canteenEnv) createDish(t testing.TB, body map[string]any) int64 {
	t.Helper()
	resp := e.Post("/api/v1/dishes", e.admin.Token, body)
	apitest.Expect(t, resp, http.StatusCreated)
	var d struct{ ID int64 }
	resp.JSON(t, &d)
	return d.ID
}

func (e *canteenEnv) menuPath(date, meal string) string {
	return apitest.Path("/api/v1/canteens/%d/menus/%s/%s", e.canteen, date, meal)
}

func canteenItems(ids ...int64) map[string]any {
	items := make([]map[string]any, len(ids))
	for i, id := range ids {
		items[i] = map[string]any{"dish_id": id}
	}
	return map[string]any{"items": items}
}

// saveMenu stores a draft of dishes for date and meal.
func (e *canteenEnv) saveMenu(t testing.TB, date, meal string, dishes ...int64) {
	t.Helper()
	apitest.Expect(t, e.Put(e.menuPath(date, meal), e.admin.Token, canteenItems(dishes...)), http.StatusOK)
}

// publish stores and publishes a menu of dishes for date and meal.
func (e *canteenEnv) publish(t testing.TB, date, meal string, dishes ...int64) {
	t.Helper()
	e.saveMenu(t, date, meal, dishes...)
	apitest.Expect(t, e.Post(e.menuPath(date, meal)+"/publish", e.admin.Token, nil), http.StatusOK)
}

type canteenItemJSON struct {
	DishID     int64  `json:"dish_id"`
	Name       string `json:"name"`
	Category   string `json:"category"`
	PriceCents int    `json:"price_cents"`
	SoldOut    bool   `json:"sold_out"`
}

type canteenMealJSON struct {
	Meal   string            `json:"meal"`
	Status string            `json:"status"`
	Items  []canteenItemJSON `json:"items"`
}

type canteenDayJSON struct {
	CanteenID int64             `json:"canteen_id"`
	Date      string            `json:"date"`
	Meals     []canteenMealJSON `json:"meals"`
}

// day reads a date's menu as user sees it.
func (e *canteenEnv) day(t testing.TB, u apitest.User, date string) canteenDayJSON {
	t.Helper()
	resp := e.Get(apitest.Path("/api/v1/canteens/%d/menus?date=%s", e.canteen, date), u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var d canteenDayJSON
	resp.JSON(t, &d)
	return d
}

func canteenMeals(d canteenDayJSON) []string {
	out := []string{}
	for _, m := range d.Meals {
		out = append(out, m.Meal+":"+m.Status)
	}
	return out
}
