package handlers_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
)

type canteenDishJSON struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Category    string   `json:"category"`
	PriceCents  int      `json:"price_cents"`
	Allergens   []string `json:"allergens"`
	Active      bool     `json:"active"`
	Calories    *int     `json:"calories"`
	RatingAvg   float64  `json:"rating_avg"`
	RatingCount int      `json:"rating_count"`
}

func TestCanteenDishes(t *testing.T) {
	e := newCanteenEnv(t)

	t.Run("rejects invalid dishes", func(t *testing.T) {
		for name, body := range map[string]map[string]any{
			"unknown category":   {"name": "鱼", "category": "fish", "price_cents": 100},
			"negative price":     {"name": "鱼", "category": "meat", "price_cents": -1},
			"missing name":       {"category": "meat", "price_cents": 100},
			"field not allowed":  {"name": "鱼", "category": "meat", "price_cents": 100, "rating_count": 9},
			"spicy out of range": {"name": "鱼", "category": "meat", "price_cents": 100, "spicy_level": 4},
			"comma in allergen":  {"name": "鱼", "category": "meat", "price_cents": 100, "allergens": []string{"a,b"}},
			"blank name":         {"name": "  ", "category": "meat", "price_cents": 100},
			"name too long":      {"name": strings.Repeat("鱼", 101), "category": "meat", "price_cents": 100},
			"price too high":     {"name": "鱼", "category": "meat", "price_cents": 1000001},
			"calories too high":  {"name": "鱼", "category": "meat", "price_cents": 100, "calories": 10001},
			"too many allergens": {"name": "鱼", "category": "meat", "price_cents": 100, "allergens": strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")},
			"empty allergen":     {"name": "鱼", "category": "meat", "price_cents": 100, "allergens": []string{""}},
			"not a web address":  {"name": "鱼", "category": "meat", "price_cents": 100, "image_url": "javascript:alert(1)"},
		} {
			t.Run(name, func(t *testing.T) {
				resp := e.Post("/api/v1/dishes", e.admin.Token, body)
				apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
				if !strings.Contains(string(resp.Body), `"field":`) {
					t.Errorf("the problem names no field: %s", resp.Body)
				}
			})
		}
	})

	t.Run("staff may not create or change dishes", func(t *testing.T) {
		apitest.Expect(t, e.Post("/api/v1/dishes", e.staff.Token, map[string]any{"name": "鱼", "category": "meat", "price_cents": 1}),
			http.StatusForbidden, "forbidden")
		apitest.Expect(t, e.Patch(apitest.Path("/api/v1/dishes/%d", e.dishes[0]), e.staff.Token, map[string]any{"price_cents": 1}),
			http.StatusForbidden, "forbidden")
		apitest.Expect(t, e.Delete(apitest.Path("/api/v1/dishes/%d", e.dishes[0]), e.staff.Token), http.StatusForbidden, "forbidden")
	})

	t.Run("admin changes a dish", func(t *testing.T) {
		apitest.Expect(t, e.Patch(apitest.Path("/api/v1/dishes/%d", e.dishes[0]), e.admin.Token, map[string]any{"name": " "}),
			http.StatusBadRequest, "validation_failed")
		resp := e.Patch(apitest.Path("/api/v1/dishes/%d", e.dishes[0]), e.admin.Token,
			map[string]any{"price_cents": 1300, "calories": 650, "allergens": []string{"soy"}})
		apitest.Expect(t, resp, http.StatusOK)
		var d canteenDishJSON
		resp.JSON(t, &d)
		if d.PriceCents != 1300 || d.Calories == nil || *d.Calories != 650 || !slices.Equal(d.Allergens, []string{"soy"}) || d.Name != "红烧肉" {
			t.Fatalf("dish after patch: %+v", d)
		}
	})

	t.Run("a change may not blank the name", func(t *testing.T) {
		apitest.Expect(t, e.Patch(apitest.Path("/api/v1/dishes/%d", e.dishes[0]), e.admin.Token, map[string]any{"name": ""}),
			http.StatusBadRequest, "validation_failed")
	})

	t.Run("unused dish is deleted", func(t *testing.T) {
		id := e.createDish(t, map[string]any{"name": "酸梅汤", "category": "drink", "price_cents": 300})
		apitest.Expect(t, e.Delete(apitest.Path("/api/v1/dishes/%d", id), e.admin.Token), http.StatusNoContent)
		apitest.Expect(t, e.Get(apitest.Path("/api/v1/dishes/%d", id), e.admin.Token), http.StatusNotFound, "not_found")
	})

	t.Run("dish in use is deactivated and hidden from staff", func(t *testing.T) {
		id := e.createDish(t, map[string]any{"name": "梅菜扣肉", "category": "meat", "price_cents": 1200})
		e.publish(t, "2026-12-01", "lunch", id, e.dishes[3])
		resp := e.Delete(apitest.Path("/api/v1/dishes/%d", id), e.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var d canteenDishJSON
		resp.JSON(t, &d)
		if d.Active {
			t.Fatal("a dish in use must be deactivated")
		}
		apitest.Expect(t, e.Get(apitest.Path("/api/v1/dishes/%d", id), e.staff.Token), http.StatusNotFound, "not_found")
		apitest.Expect(t, e.Get(apitest.Path("/api/v1/dishes/%d", id), e.admin.Token), http.StatusOK)
		// It stays on the menu it was served on, but cannot go on a new one.
		if got := e.day(t, e.staff, "2026-12-01"); len(got.Meals) != 1 || got.Meals[0].Items[0].Name != "梅菜扣肉" {
			t.Fatalf("menu after deactivation: %+v", got)
		}
		apitest.Expect(t, e.Put(e.menuPath("2026-12-02", "lunch"), e.admin.Token, canteenItems(id)), http.StatusBadRequest, "validation_failed")
	})

	t.Run("staff list active dishes only; admins may filter", func(t *testing.T) {
		var staffList, inactive struct{ Items []canteenDishJSON }
		resp := e.Get("/api/v1/dishes?limit=100", e.staff.Token)
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &staffList)
		for _, d := range staffList.Items {
			if !d.Active {
				t.Fatalf("staff see inactive dish %+v", d)
			}
		}
		resp = e.Get("/api/v1/dishes?active=false", e.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &inactive)
		if len(inactive.Items) != 1 || inactive.Items[0].Name != "梅菜扣肉" {
			t.Fatalf("inactive dishes: %+v", inactive.Items)
		}
		resp = e.Get("/api/v1/dishes?category=soup", e.staff.Token)
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &staffList)
		if len(staffList.Items) != 1 || staffList.Items[0].Name != "番茄蛋汤" {
			t.Fatalf("soups: %+v", staffList.Items)
		}
		apitest.Expect(t, e.Get("/api/v1/dishes?category=fish", e.staff.Token), http.StatusBadRequest, "validation_failed")
	})
}

func TestCanteenRoleBoundaries(t *testing.T) {
	e := newCanteenEnv(t)
	e.publish(t, "2026-12-01", "lunch", e.dishes...)
	menu := e.menuPath("2026-12-01", "lunch")
	adminOnly := []apitest.Request{
		{Method: http.MethodPost, Path: "/api/v1/canteens", Body: map[string]any{"name": "二食堂"}},
		{Method: http.MethodPatch, Path: apitest.Path("/api/v1/canteens/%d", e.canteen), Body: map[string]any{"name": "二食堂"}},
		{Method: http.MethodPut, Path: menu, Body: canteenItems(e.dishes[0])},
		{Method: http.MethodPost, Path: menu + "/publish"},
		{Method: http.MethodPatch, Path: apitest.Path("%s/items/%d", menu, e.dishes[0]), Body: map[string]any{"sold_out": true}},
		{Method: http.MethodPost, Path: apitest.Path("/api/v1/canteens/%d/menus/copy", e.canteen),
			Body: map[string]any{"source_from": "2026-12-01", "target_from": "2026-12-08"}},
		{Method: http.MethodGet, Path: apitest.Path("/api/v1/canteens/%d/registrations", e.canteen)},
		{Method: http.MethodGet, Path: apitest.Path("/api/v1/canteens/%d/registrations/summary", e.canteen)},
		{Method: http.MethodGet, Path: "/api/v1/dish-ratings"},
		{Method: http.MethodGet, Path: "/api/v1/dish-ratings/summary"},
	}
	for _, r := range adminOnly {
		t.Run("staff: "+r.Method+" "+r.Path, func(t *testing.T) {
			r.Token = e.staff.Token
			apitest.Expect(t, e.Do(r), http.StatusForbidden, "forbidden")
		})
	}
	everyone := append(adminOnly,
		apitest.Request{Method: http.MethodGet, Path: apitest.Path("/api/v1/canteens/%d/menus", e.canteen)},
		apitest.Request{Method: http.MethodGet, Path: "/api/v1/canteens"},
		apitest.Request{Method: http.MethodGet, Path: "/api/v1/dishes"},
		apitest.Request{Method: http.MethodPost, Path: apitest.Path("/api/v1/dishes/%d/ratings", e.dishes[0]), Body: map[string]any{"score": 5}},
		apitest.Request{Method: http.MethodPut, Path: apitest.Path("/api/v1/canteens/%d/registrations/2026-12-02/lunch", e.canteen)},
	)
	for _, r := range everyone {
		t.Run("anonymous: "+r.Method+" "+r.Path, func(t *testing.T) {
			apitest.Expect(t, e.Do(r), http.StatusUnauthorized, "unauthorized")
		})
	}
	t.Run("admin role passes canteen_admin routes", func(t *testing.T) {
		root := e.NewUser(store.RoleAdmin)
		apitest.Expect(t, e.Post(menu+"/publish", root.Token, nil), http.StatusOK)
	})
}
