package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
)

type canteenRatingJSON struct {
	ID          int64   `json:"id"`
	ServedOn    string  `json:"served_on"`
	Score       int     `json:"score"`
	Comment     string  `json:"comment"`
	RatingAvg   float64 `json:"rating_avg"`
	RatingCount int     `json:"rating_count"`
}

func TestCanteenRatings(t *testing.T) {
	e := newCanteenEnv(t)
	meat, veg, soup, rice := e.dishes[0], e.dishes[1], e.dishes[2], e.dishes[3]
	e.publish(t, "2026-11-23", "lunch", soup)      // 8 days back: too old
	e.publish(t, "2026-11-30", "lunch", meat, veg) // yesterday
	e.saveMenu(t, "2026-11-30", "dinner", rice)    // never published
	e.publish(t, "2026-12-01", "lunch", meat)      // today, from 11:30
	colleague := e.NewUser()
	rate := func(u apitest.User, dish int64, body map[string]any) *apitest.Response {
		t.Helper()
		return e.Post(apitest.Path("/api/v1/dishes/%d/ratings", dish), u.Token, body)
	}
	decode := func(resp *apitest.Response) canteenRatingJSON {
		t.Helper()
		var r canteenRatingJSON
		resp.JSON(t, &r)
		return r
	}

	t.Run("rates the latest meal the dish was served at", func(t *testing.T) {
		resp := rate(e.staff, meat, map[string]any{"score": 3, "comment": "偏咸"})
		apitest.Expect(t, resp, http.StatusCreated)
		if r := decode(resp); r.ServedOn != "2026-11-30" || r.RatingCount != 1 || r.RatingAvg != 3 {
			t.Fatalf("rating: %+v (today's lunch has not begun at 09:00)", r)
		}
	})
	t.Run("a second rating of the same dish and day replaces the first", func(t *testing.T) {
		resp := rate(e.staff, meat, map[string]any{"score": 5, "served_on": "2026-11-30"})
		apitest.Expect(t, resp, http.StatusOK)
		if r := decode(resp); r.RatingCount != 1 || r.RatingAvg != 5 || r.Comment != "" {
			t.Fatalf("replaced rating: %+v", r)
		}
	})
	t.Run("today's meal can be rated once it has begun", func(t *testing.T) {
		apitest.Expect(t, rate(e.staff, meat, map[string]any{"score": 4, "served_on": "2026-12-01"}), http.StatusConflict, "conflict")
		e.at(t, canteenLocal(12, 1, 12, 0), &colleague)
		resp := rate(e.staff, meat, map[string]any{"score": 4})
		apitest.Expect(t, resp, http.StatusCreated)
		if r := decode(resp); r.ServedOn != "2026-12-01" || r.RatingCount != 2 || r.RatingAvg != 4.5 {
			t.Fatalf("rating: %+v", r)
		}
		resp = rate(colleague, meat, map[string]any{"score": 2, "comment": "肉太肥"})
		apitest.Expect(t, resp, http.StatusCreated)
		if r := decode(resp); r.RatingCount != 3 || r.RatingAvg != 3.7 {
			t.Fatalf("rating: %+v", r)
		}
	})
	t.Run("dishes show their average and count", func(t *testing.T) {
		var d canteenDishJSON
		resp := e.Get(apitest.Path("/api/v1/dishes/%d", meat), e.staff.Token)
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &d)
		if d.RatingCount != 3 || d.RatingAvg != 3.7 {
			t.Fatalf("dish: %+v", d)
		}
	})

	for name, c := range map[string]struct {
		dish   int64
		body   map[string]any
		status int
		code   string
	}{
		"served more than 7 days ago": {soup, map[string]any{"score": 4}, 409, "conflict"},
		"served_on out of the window": {soup, map[string]any{"score": 4, "served_on": "2026-11-23"}, 400, "validation_failed"},
		"served_on in the future":     {meat, map[string]any{"score": 4, "served_on": "2026-12-02"}, 400, "validation_failed"},
		"on a draft menu only":        {rice, map[string]any{"score": 4}, 409, "conflict"},
		"not served that day":         {veg, map[string]any{"score": 4, "served_on": "2026-12-01"}, 409, "conflict"},
		"score above 5":               {veg, map[string]any{"score": 6}, 400, "validation_failed"},
		"score below 1":               {veg, map[string]any{"score": 0}, 400, "validation_failed"},
		"comment too long":            {veg, map[string]any{"score": 3, "comment": strings.Repeat("咸", 501)}, 400, "validation_failed"},
		"unknown dish":                {424242, map[string]any{"score": 3}, 404, "not_found"},
	} {
		t.Run("refuses: "+name, func(t *testing.T) {
			apitest.Expect(t, rate(e.staff, c.dish, c.body), c.status, c.code)
		})
	}

	t.Run("canteen admins read comments", func(t *testing.T) {
		resp := e.Get(apitest.Path("/api/v1/dish-ratings?dish_id=%d", meat), e.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var list struct {
			Items []struct {
				DishName string `json:"dish_name"`
				Score    int    `json:"score"`
				Comment  string `json:"comment"`
				ServedOn string `json:"served_on"`
			}
		}
		resp.JSON(t, &list)
		if len(list.Items) != 3 || list.Items[0].Comment != "肉太肥" || list.Items[0].DishName != "红烧肉" {
			t.Fatalf("ratings: %+v", list.Items)
		}
	})
	t.Run("weekly summary", func(t *testing.T) {
		apitest.Expect(t, rate(e.staff, veg, map[string]any{"score": 5}), http.StatusCreated)
		resp := e.Get("/api/v1/dish-ratings/summary?week=2026-12-03", e.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var s struct {
			From, To string
			Count    int
			Average  float64
			Dishes   []struct {
				DishID    int64   `json:"dish_id"`
				Count     int     `json:"count"`
				Average   float64 `json:"average"`
				LowScores int     `json:"low_scores"`
			}
		}
		resp.JSON(t, &s)
		if s.From != "2026-11-30" || s.To != "2026-12-06" || s.Count != 4 || s.Average != 4 || len(s.Dishes) != 2 {
			t.Fatalf("summary: %+v", s)
		}
		if s.Dishes[0].DishID != veg || s.Dishes[1].DishID != meat || s.Dishes[1].LowScores != 1 || s.Dishes[1].Average != 3.7 {
			t.Fatalf("dishes, best first: %+v", s.Dishes)
		}
	})
	t.Run("a rated dish is retired, not deleted", func(t *testing.T) {
		apitest.Expect(t, e.Delete(apitest.Path("/api/v1/dishes/%d", veg), e.NewUser(store.RoleCanteenAdmin).Token), http.StatusOK)
	})
}
