package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/models/canteen"
	"houqin/models/people"
	"houqin/models/store"
)

func (e *canteenEnv) registration(date, meal string) string {
	return apitest.Path("/api/v1/canteens/%d/registrations/%s/%s", e.canteen, date, meal)
}

// staffOf creates a staff member of department.
func (e *canteenEnv) staffOf(t testing.TB, department string) apitest.User {
	t.Helper()
	u := e.NewUser()
	err := e.Store.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.Model(&people.User{}).Where("id = ?", u.ID).Update("department", department).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCanteenRegistration(t *testing.T) {
	e := newCanteenEnv(t) // now: Tuesday 1 December, 09:00
	fagai1, fagai2, caizheng := e.staffOf(t, "区发展和改革局"), e.staffOf(t, "区发展和改革局"), e.staffOf(t, "区财政局")

	t.Run("before the cut-off", func(t *testing.T) {
		resp := e.Put(e.registration("2026-12-01", "lunch"), e.staff.Token, nil)
		apitest.Expect(t, resp, http.StatusOK)
		var r struct {
			Date, Meal string
			CutoffAt   string `json:"cutoff_at"`
		}
		resp.JSON(t, &r)
		if r.Date != "2026-12-01" || r.Meal != "lunch" || r.CutoffAt != "2026-12-01T09:30:00.000+08:00" {
			t.Fatalf("registration: %+v", r)
		}
		apitest.Expect(t, e.Put(e.registration("2026-12-01", "lunch"), e.staff.Token, nil), http.StatusOK)
		apitest.Expect(t, e.Put(e.registration("2026-12-01", "dinner"), e.staff.Token, nil), http.StatusOK)
		apitest.Expect(t, e.Put(e.registration("2026-12-02", "breakfast"), e.staff.Token, nil), http.StatusOK)
		for _, u := range []apitest.User{fagai1, fagai2, caizheng} {
			apitest.Expect(t, e.Put(e.registration("2026-12-01", "lunch"), u.Token, nil), http.StatusOK)
		}
	})

	t.Run("breakfast closes the evening before", func(t *testing.T) {
		resp := e.Put(e.registration("2026-12-01", "breakfast"), e.staff.Token, nil)
		apitest.Expect(t, resp, http.StatusConflict, "conflict")
		var p struct {
			CutoffAt string `json:"cutoff_at"`
		}
		resp.JSON(t, &p)
		if p.CutoffAt != "2026-11-30T20:00:00.000+08:00" {
			t.Fatalf("problem: %s", resp.Body)
		}
	})

	t.Run("the kitchen counts per meal and department", func(t *testing.T) {
		resp := e.Get(apitest.Path("/api/v1/canteens/%d/registrations/summary?date=2026-12-01", e.canteen), e.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var s struct {
			Meals []struct {
				Meal        string
				Total       int
				Departments []struct {
					Department string
					Count      int
				}
			}
		}
		resp.JSON(t, &s)
		if len(s.Meals) != 3 || s.Meals[0].Total != 0 || s.Meals[1].Total != 4 || s.Meals[2].Total != 1 {
			t.Fatalf("counts: %+v", s)
		}
		if d := s.Meals[1].Departments; d[0].Department != "区发展和改革局" || d[0].Count != 2 || len(d) != 3 {
			t.Fatalf("lunch by department: %+v", d)
		}
		resp = e.Get(apitest.Path("/api/v1/canteens/%d/registrations?date=2026-12-01&meal=lunch", e.canteen), e.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var list struct {
			Items []struct {
				UserID     int64 `json:"user_id"`
				Department string
			}
		}
		resp.JSON(t, &list)
		if len(list.Items) != 4 || list.Items[0].UserID != caizheng.ID || list.Items[0].Department != "区财政局" {
			t.Fatalf("list: %+v", list.Items)
		}
	})

	t.Run("after the cut-off nothing changes", func(t *testing.T) {
		e.at(t, canteenLocal(12, 1, 9, 30))
		apitest.Expect(t, e.Delete(e.registration("2026-12-01", "lunch"), e.staff.Token), http.StatusConflict, "conflict")
		apitest.Expect(t, e.Put(e.registration("2026-12-01", "lunch"), e.NewUser().Token, nil), http.StatusConflict, "conflict")
		apitest.Expect(t, e.Delete(e.registration("2026-12-01", "dinner"), e.staff.Token), http.StatusNoContent)
		apitest.Expect(t, e.Delete(e.registration("2026-12-01", "dinner"), e.staff.Token), http.StatusNoContent)
		e.at(t, canteenLocal(12, 1, 14, 0))
		apitest.Expect(t, e.Put(e.registration("2026-12-01", "dinner"), e.staff.Token, nil), http.StatusConflict, "conflict")
	})

	t.Run("my registrations", func(t *testing.T) {
		for query, want := range map[string][]string{
			"?from=2026-11-30": {"2026-12-01 lunch", "2026-12-02 breakfast"},
			"":                 {"2026-12-01 lunch", "2026-12-02 breakfast"}, // from today
			"?from=2026-12-02": {"2026-12-02 breakfast"},                     // to: a week after from
			"?from=2026-11-24": {},
		} {
			resp := e.Get(apitest.Path("/api/v1/canteens/%d/registrations/mine", e.canteen)+query, e.staff.Token)
			apitest.Expect(t, resp, http.StatusOK)
			var list struct{ Items []struct{ Date, Meal string } }
			resp.JSON(t, &list)
			got := []string{}
			for _, r := range list.Items {
				got = append(got, r.Date+" "+r.Meal)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("mine%s: %v, want %v", query, got, want)
			}
		}
	})

	t.Run("cut-offs are configured per canteen and meal", func(t *testing.T) {
		e.at(t, canteenLocal(12, 1, 9, 45))
		apitest.Expect(t, e.Put(e.registration("2026-12-01", "lunch"), e.staff.Token, nil), http.StatusConflict, "conflict")
		resp := e.Patch(apitest.Path("/api/v1/canteens/%d", e.canteen), e.admin.Token, map[string]any{"meals": []map[string]any{
			{"meal": "lunch", "opens": "11:30", "closes": "13:00", "cutoff_days_before": 0, "cutoff_time": "10:00"}}})
		apitest.Expect(t, resp, http.StatusOK)
		apitest.Expect(t, e.Put(e.registration("2026-12-01", "lunch"), e.staff.Token, nil), http.StatusOK)
		apitest.Expect(t, e.Put(e.registration("2026-12-02", "dinner"), e.staff.Token, nil), http.StatusBadRequest, "validation_failed")
	})

	for name, c := range map[string]struct {
		path   string
		status int
		code   string
	}{
		"unknown meal":       {e.registration("2026-12-03", "supper"), 400, "validation_failed"},
		"bad date":           {e.registration("2026-02-30", "lunch"), 400, "validation_failed"},
		"too far ahead":      {e.registration("2027-01-05", "lunch"), 400, "validation_failed"},
		"unknown canteen":    {"/api/v1/canteens/424242/registrations/2026-12-03/lunch", 404, "not_found"},
		"meal long finished": {e.registration("2026-11-20", "lunch"), 409, "conflict"},
	} {
		t.Run("refuses: "+name, func(t *testing.T) {
			apitest.Expect(t, e.Put(c.path, e.staff.Token, nil), c.status, c.code)
		})
	}

	t.Run("bad canteen hours are refused", func(t *testing.T) {
		for _, meals := range []map[string]any{
			{"meal": "lunch", "opens": "13:00", "closes": "11:30", "cutoff_days_before": 0, "cutoff_time": "10:00"},
			{"meal": "lunch", "opens": "25:00", "closes": "26:00", "cutoff_days_before": 0, "cutoff_time": "10:00"},
			{"meal": "lunch", "opens": "11:00", "closes": "12:00", "cutoff_days_before": 9, "cutoff_time": "10:00"},
		} {
			apitest.Expect(t, e.Patch(apitest.Path("/api/v1/canteens/%d", e.canteen), e.admin.Token,
				map[string]any{"meals": []any{meals}}), http.StatusBadRequest, "validation_failed")
		}
	})

	t.Run("concurrent registrations of one person count once", func(t *testing.T) {
		u := e.staffOf(t, "区财政局")
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if resp := e.Put(e.registration("2026-12-03", "lunch"), u.Token, nil); resp.Status != http.StatusOK {
					t.Errorf("status %d: %s", resp.Status, resp.Body)
				}
			})
		}
		wg.Wait()
		var n int64
		e.Store.Read(context.Background()).Model(&canteen.MealRegistration{}).Where("user_id = ?", u.ID).Count(&n)
		if n != 1 {
			t.Fatalf("%d registrations", n)
		}
	})
}

func TestCanteenDemo(t *testing.T) {
	env := apitest.New(t)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	staff := env.NewUser()
	resp := env.Get("/api/v1/canteens", staff.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var list struct{ Items []struct{ ID int64 } }
	resp.JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("canteens: %+v", list)
	}
	resp = env.Get(apitest.Path("/api/v1/canteens/%d/menus?from=2026-12-01&to=2026-12-14", list.Items[0].ID), staff.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var week struct{ Days []canteenDayJSON }
	resp.JSON(t, &week)
	for _, d := range week.Days {
		if len(d.Meals) == 0 || d.Meals[len(d.Meals)/2].Meal != "lunch" || len(d.Meals[len(d.Meals)/2].Items) < 8 {
			t.Fatalf("%s: %+v", d.Date, d.Meals)
		}
	}
	if len(week.Days[0].Meals) != 3 || len(week.Days[4].Meals) != 1 { // Tuesday; Saturday
		t.Fatalf("Tuesday %d meals, Saturday %d", len(week.Days[0].Meals), len(week.Days[4].Meals))
	}
}

// TestCanteenRegistrationOnlyForMealsServedThatDay: a canteen that serves
// breakfast on workdays only refuses a Saturday breakfast registration (and
// menu) with a clear 400, while Saturday lunch and Friday breakfast stand.
func TestCanteenRegistrationOnlyForMealsServedThatDay(t *testing.T) {
	e := newCanteenEnv(t) // now: Tuesday 1 December, 09:00
	meals := []map[string]any{
		{"meal": "breakfast", "opens": "07:00", "closes": "08:30", "cutoff_days_before": 1, "cutoff_time": "20:00", "weekdays": []int{1, 2, 3, 4, 5}},
		{"meal": "lunch", "opens": "11:30", "closes": "13:00", "cutoff_days_before": 0, "cutoff_time": "09:30"},
	}
	resp := e.Patch(apitest.Path("/api/v1/canteens/%d", e.canteen), e.admin.Token, map[string]any{"meals": meals})
	apitest.Expect(t, resp, http.StatusOK)
	var c struct {
		Meals []struct {
			Meal     string
			Weekdays []int
		}
	}
	resp.JSON(t, &c)
	if len(c.Meals) != 2 || !slices.Equal(c.Meals[0].Weekdays, []int{1, 2, 3, 4, 5}) || c.Meals[1].Weekdays != nil {
		t.Fatalf("meals: %+v", c.Meals)
	}

	saturday := e.Put(e.registration("2026-12-05", "breakfast"), e.staff.Token, nil)
	apitest.Expect(t, saturday, http.StatusBadRequest, "validation_failed")
	var p struct{ Detail string }
	saturday.JSON(t, &p)
	if p.Detail != "date：机关食堂星期六不供应早餐" {
		t.Fatalf("detail %q", p.Detail)
	}
	apitest.Expect(t, e.Put(e.menuPath("2026-12-05", "breakfast"), e.admin.Token, canteenItems(e.dishes...)),
		http.StatusBadRequest, "validation_failed")
	apitest.Expect(t, e.Put(e.registration("2026-12-04", "breakfast"), e.staff.Token, nil), http.StatusOK)
	apitest.Expect(t, e.Put(e.registration("2026-12-05", "lunch"), e.staff.Token, nil), http.StatusOK)

	for _, bad := range [][]int{{0}, {8}, {1, 1}} {
		meals[0]["weekdays"] = bad
		apitest.Expect(t, e.Patch(apitest.Path("/api/v1/canteens/%d", e.canteen), e.admin.Token, map[string]any{"meals": meals}),
			http.StatusBadRequest, "validation_failed")
	}
}
