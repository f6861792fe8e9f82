package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"houqin/api"
	"houqin/api/apitest"
	"houqin/models/canteen"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

func TestCanteenMenuPublishing(t *testing.T) {
	e := newCanteenEnv(t)

	t.Run("a draft is invisible to staff and visible to admins", func(t *testing.T) {
		e.saveMenu(t, "2026-12-02", "lunch", e.dishes...)
		if got := e.day(t, e.staff, "2026-12-02"); len(got.Meals) != 0 {
			t.Fatalf("staff see a draft: %+v", got)
		}
		got := e.day(t, e.admin, "2026-12-02")
		if !slices.Equal(canteenMeals(got), []string{"lunch:draft"}) || len(got.Meals[0].Items) != 4 {
			t.Fatalf("admin view: %+v", got)
		}
	})

	t.Run("publishing shows the meal to staff", func(t *testing.T) {
		apitest.Expect(t, e.Post(e.menuPath("2026-12-02", "lunch")+"/publish", e.admin.Token, nil), http.StatusOK)
		got := e.day(t, e.staff, "2026-12-02")
		if !slices.Equal(canteenMeals(got), []string{"lunch:published"}) {
			t.Fatalf("staff view: %+v", got)
		}
		names := []string{}
		for _, it := range got.Meals[0].Items {
			names = append(names, it.Name)
		}
		if !slices.Equal(names, []string{"红烧肉", "清炒时蔬", "番茄蛋汤", "米饭"}) || got.Meals[0].Items[0].PriceCents != 1200 {
			t.Fatalf("items in saved order with dish prices: %+v", got.Meals[0].Items)
		}
	})

	t.Run("editing a published menu keeps it published, with price overrides", func(t *testing.T) {
		resp := e.Put(e.menuPath("2026-12-02", "lunch"), e.admin.Token, map[string]any{"items": []map[string]any{
			{"dish_id": e.dishes[3]}, {"dish_id": e.dishes[0], "price_cents": 990}}})
		apitest.Expect(t, resp, http.StatusOK)
		got := e.day(t, e.staff, "2026-12-02")
		if !slices.Equal(canteenMeals(got), []string{"lunch:published"}) || len(got.Meals[0].Items) != 2 ||
			got.Meals[0].Items[1].PriceCents != 990 || got.Meals[0].Items[0].Name != "米饭" {
			t.Fatalf("after edit: %+v", got)
		}
	})

	t.Run("meals come in the order of the day", func(t *testing.T) {
		e.publish(t, "2026-12-02", "dinner", e.dishes[0])
		e.publish(t, "2026-12-02", "breakfast", e.dishes[3])
		if got := canteenMeals(e.day(t, e.staff, "2026-12-02")); !slices.Equal(got, []string{"breakfast:published", "lunch:published", "dinner:published"}) {
			t.Fatalf("meals: %v", got)
		}
	})

	t.Run("rejects bad menus", func(t *testing.T) {
		cases := map[string]struct {
			path   string
			body   any
			status int
			code   string
		}{
			"unknown dish":     {e.menuPath("2026-12-03", "lunch"), canteenItems(99999), 400, "validation_failed"},
			"dish twice":       {e.menuPath("2026-12-03", "lunch"), canteenItems(e.dishes[0], e.dishes[0]), 400, "validation_failed"},
			"no dishes":        {e.menuPath("2026-12-03", "lunch"), canteenItems(), 400, "validation_failed"},
			"unknown meal":     {e.menuPath("2026-12-03", "supper"), canteenItems(e.dishes[0]), 400, "validation_failed"},
			"bad date":         {e.menuPath("2026-13-03", "lunch"), canteenItems(e.dishes[0]), 400, "validation_failed"},
			"unknown canteen":  {"/api/v1/canteens/999/menus/2026-12-03/lunch", canteenItems(e.dishes[0]), 404, "not_found"},
			"status not input": {e.menuPath("2026-12-03", "lunch"), map[string]any{"items": []any{}, "status": "published"}, 400, "validation_failed"},
		}
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				apitest.Expect(t, e.Put(c.path, e.admin.Token, c.body), c.status, c.code)
			})
		}
		apitest.Expect(t, e.Post(e.menuPath("2026-12-09", "lunch")+"/publish", e.admin.Token, nil), http.StatusNotFound, "not_found")
	})

	t.Run("a meal the canteen does not serve is refused", func(t *testing.T) {
		resp := e.Post("/api/v1/canteens", e.admin.Token, map[string]any{"name": "老干部活动中心餐厅",
			"meals": []map[string]any{{"meal": "lunch", "opens": "11:00", "closes": "12:30", "cutoff_days_before": 0, "cutoff_time": "09:00"}}})
		apitest.Expect(t, resp, http.StatusCreated)
		var c struct{ ID int64 }
		resp.JSON(t, &c)
		apitest.Expect(t, e.Put(apitest.Path("/api/v1/canteens/%d/menus/2026-12-03/dinner", c.ID), e.admin.Token, canteenItems(e.dishes[0])),
			http.StatusBadRequest, "validation_failed")
	})
}

func TestCanteenMenuNotifications(t *testing.T) {
	e := newCanteenEnv(t)
	other := e.NewUser(store.RoleDriver)
	gone := e.NewUser()
	apitest.Expect(t, e.Patch(apitest.Path("/api/v1/users/%d", gone.ID), e.NewUser(store.RoleAdmin).Token, map[string]any{"active": false}), http.StatusOK)
	count := func(u apitest.User) int {
		n := 0
		for _, nt := range e.Inbox(u.ID) {
			if nt.Type == "menu.published" {
				n++
			}
		}
		return n
	}

	e.publish(t, "2026-12-02", "lunch", e.dishes...)
	for _, u := range []apitest.User{e.staff, e.admin, other} {
		if n := count(u); n != 1 {
			t.Fatalf("user %d has %d menu notifications after the first publication, want 1", u.ID, n)
		}
	}
	if n := count(gone); n != 0 {
		t.Fatalf("an inactive user got %d notifications", n)
	}
	inbox := e.Inbox(e.staff.ID)[0]
	if inbox.Category != notify.CategoryMenu || inbox.Data["date"] != "2026-12-02" || inbox.Data["type"] != "menu" || inbox.Title == "" {
		t.Fatalf("notification: %+v", inbox)
	}

	t.Run("more meals and edits of the same date do not notify again", func(t *testing.T) {
		e.publish(t, "2026-12-02", "dinner", e.dishes[0])
		e.publish(t, "2026-12-02", "lunch", e.dishes[1])
		apitest.Expect(t, e.Post(e.menuPath("2026-12-02", "lunch")+"/publish", e.admin.Token, nil), http.StatusOK)
		if n := count(e.staff); n != 1 {
			t.Fatalf("%d notifications, want 1", n)
		}
	})
	t.Run("another date notifies once more", func(t *testing.T) {
		e.publish(t, "2026-12-03", "lunch", e.dishes[0])
		if n := count(e.staff); n != 2 {
			t.Fatalf("%d notifications, want 2", n)
		}
	})
	t.Run("concurrent publications of one date notify once", func(t *testing.T) {
		for _, meal := range canteen.Meals {
			e.saveMenu(t, "2026-12-04", string(meal), e.dishes[0])
		}
		var wg sync.WaitGroup
		for _, meal := range canteen.Meals {
			wg.Go(func() {
				if resp := e.Post(e.menuPath("2026-12-04", string(meal))+"/publish", e.admin.Token, nil); resp.Status != http.StatusOK {
					t.Errorf("publish %s: %d %s", meal, resp.Status, resp.Body)
				}
			})
		}
		wg.Wait()
		if n := count(e.staff); n != 3 {
			t.Fatalf("%d notifications, want 3", n)
		}
	})
	t.Run("a past date does not notify", func(t *testing.T) {
		e.publish(t, "2026-11-30", "lunch", e.dishes[0])
		if n := count(e.staff); n != 3 {
			t.Fatalf("%d notifications, want 3", n)
		}
	})
}

// TestCanteenMenuNotifiesAllStaff publishes to the centre's ~3,800 people:
// one Notify call for everyone.
func TestCanteenMenuNotifiesAllStaff(t *testing.T) {
	e := newCanteenEnv(t)
	users := make([]people.User, 3800)
	for i := range users {
		users[i] = people.User{Username: apitest.Path("bulk%04d", i), Name: "职工", Roles: store.Roles{store.RoleStaff},
			Active: true, PasswordHash: "x"}
	}
	err := e.Store.Tx(context.Background(), func(tx *store.Tx) error { return tx.CreateInBatches(&users, 500).Error })
	if err != nil {
		t.Fatal(err)
	}
	e.publish(t, "2026-12-02", "lunch", e.dishes...)
	var n int64
	if err := e.Store.Read(context.Background()).Model(&notify.Notification{}).Where("type = ?", "menu.published").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 3800+2 {
		t.Fatalf("%d notifications, want %d", n, 3800+2)
	}
}

func TestCanteenSoldOut(t *testing.T) {
	e := newCanteenEnv(t)
	rec := e.RecordLive()
	e.publish(t, "2026-12-01", "lunch", e.dishes...)
	item := apitest.Path("%s/items/%d", e.menuPath("2026-12-01", "lunch"), e.dishes[1])

	resp := e.Patch(item, e.admin.Token, map[string]any{"sold_out": true})
	apitest.Expect(t, resp, http.StatusOK)
	var it canteenItemJSON
	resp.JSON(t, &it)
	if !it.SoldOut || it.DishID != e.dishes[1] {
		t.Fatalf("item: %+v", it)
	}
	if got := e.day(t, e.staff, "2026-12-01").Meals[0].Items[1]; !got.SoldOut {
		t.Fatalf("staff do not see the sold-out mark: %+v", got)
	}
	evs := rec.Of(canteen.TopicCanteen(e.canteen), "menu.sold_out")
	if len(evs) != 1 {
		t.Fatalf("want one live event on canteen:%d, got %+v", e.canteen, evs)
	}
	if data := evs[0].Data.(canteen.SoldOut); data.DishID != e.dishes[1] || !data.SoldOut {
		t.Fatalf("event data: %+v", data)
	}

	t.Run("kept through an edit of the menu", func(t *testing.T) {
		e.saveMenu(t, "2026-12-01", "lunch", e.dishes[1], e.dishes[0])
		if got := e.day(t, e.staff, "2026-12-01").Meals[0].Items; !got[0].SoldOut || got[1].SoldOut {
			t.Fatalf("items: %+v", got)
		}
	})
	t.Run("back in stock", func(t *testing.T) {
		apitest.Expect(t, e.Patch(item, e.admin.Token, map[string]any{"sold_out": false}), http.StatusOK)
		if got := e.day(t, e.staff, "2026-12-01").Meals[0].Items[0]; got.SoldOut {
			t.Fatalf("still sold out: %+v", got)
		}
	})
	t.Run("a dish not on the menu", func(t *testing.T) {
		apitest.Expect(t, e.Patch(apitest.Path("%s/items/%d", e.menuPath("2026-12-01", "lunch"), e.dishes[2]), e.admin.Token,
			map[string]any{"sold_out": true}), http.StatusNotFound, "not_found")
	})
	t.Run("sold_out is required", func(t *testing.T) {
		apitest.Expect(t, e.Patch(item, e.admin.Token, map[string]any{}), http.StatusBadRequest, "validation_failed")
	})
	t.Run("a draft's mark is not announced to the canteen's followers", func(t *testing.T) {
		e.saveMenu(t, "2026-12-02", "lunch", e.dishes[0])
		before := len(rec.Of(canteen.TopicCanteen(e.canteen), "menu.sold_out"))
		resp := e.Patch(apitest.Path("%s/items/%d", e.menuPath("2026-12-02", "lunch"), e.dishes[0]), e.admin.Token, map[string]any{"sold_out": true})
		apitest.Expect(t, resp, http.StatusOK)
		var it canteenItemJSON
		resp.JSON(t, &it)
		if !it.SoldOut {
			t.Fatalf("item: %+v", it)
		}
		if got := len(rec.Of(canteen.TopicCanteen(e.canteen), "menu.sold_out")); got != before {
			t.Fatalf("%d sold-out events after marking a draft, want %d", got, before)
		}
	})
}

type canteenCopyJSON struct {
	Menus []struct {
		Date, Meal, Status, Result string
	}
}

func TestCanteenMenuCopy(t *testing.T) {
	e := newCanteenEnv(t)
	// A week from Monday 30 November: lunch every day, dinner on Monday.
	for d := 30; d <= 36; d++ {
		date := store.Date{Year: 2026, Month: 11, Day: 30}.AddDays(d - 30).String()
		e.publish(t, date, "lunch", e.dishes[d%4], e.dishes[(d+1)%4])
	}
	e.saveMenu(t, "2026-11-30", "dinner", e.dishes[0])
	copyPath := apitest.Path("/api/v1/canteens/%d/menus/copy", e.canteen)

	t.Run("a day to another day, as a draft", func(t *testing.T) {
		resp := e.Post(copyPath, e.admin.Token, map[string]any{"source_from": "2026-11-30", "target_from": "2026-12-14"})
		apitest.Expect(t, resp, http.StatusOK)
		var out canteenCopyJSON
		resp.JSON(t, &out)
		if len(out.Menus) != 2 || out.Menus[0].Meal != "lunch" || out.Menus[1].Meal != "dinner" || out.Menus[0].Status != "draft" {
			t.Fatalf("copied: %+v", out)
		}
		if got := e.day(t, e.admin, "2026-12-14"); !slices.Equal(canteenMeals(got), []string{"lunch:draft", "dinner:draft"}) ||
			got.Meals[0].Items[0].DishID != e.dishes[30%4] {
			t.Fatalf("copy: %+v", got)
		}
	})

	t.Run("a week, published, skipping existing menus", func(t *testing.T) {
		e.saveMenu(t, "2026-12-08", "lunch", e.dishes[3])
		resp := e.Post(copyPath, e.admin.Token, map[string]any{"source_from": "2026-11-30", "source_to": "2026-12-06",
			"target_from": "2026-12-07", "publish": true})
		apitest.Expect(t, resp, http.StatusOK)
		var out canteenCopyJSON
		resp.JSON(t, &out)
		if len(out.Menus) != 8 {
			t.Fatalf("want 8 menus, got %+v", out)
		}
		for _, m := range out.Menus {
			want := "created"
			if m.Date == "2026-12-08" {
				want = "skipped"
			}
			if m.Result != want {
				t.Fatalf("%s %s: %s, want %s", m.Date, m.Meal, m.Result, want)
			}
		}
		if got := e.day(t, e.staff, "2026-12-13"); !slices.Equal(canteenMeals(got), []string{"lunch:published"}) {
			t.Fatalf("Sunday after copy: %+v", got)
		}
		if got := e.day(t, e.admin, "2026-12-08"); got.Meals[0].Status != "draft" || len(got.Meals[0].Items) != 1 {
			t.Fatalf("skipped menu changed: %+v", got)
		}
	})

	t.Run("replace overwrites existing menus", func(t *testing.T) {
		resp := e.Post(copyPath, e.admin.Token, map[string]any{"source_from": "2026-12-01", "target_from": "2026-12-08", "replace": true})
		apitest.Expect(t, resp, http.StatusOK)
		if got := e.day(t, e.admin, "2026-12-08"); len(got.Meals[0].Items) != 2 {
			t.Fatalf("not replaced: %+v", got)
		}
	})

	t.Run("a menu whose dishes were all retired is not copied", func(t *testing.T) {
		id := e.createDish(t, map[string]any{"name": "油条", "category": "pastry", "price_cents": 150})
		e.publish(t, "2026-11-30", "breakfast", id)
		apitest.Expect(t, e.Delete(apitest.Path("/api/v1/dishes/%d", id), e.admin.Token), http.StatusOK)
		resp := e.Post(copyPath, e.admin.Token, map[string]any{"source_from": "2026-11-30", "target_from": "2026-12-21"})
		apitest.Expect(t, resp, http.StatusOK)
		var out canteenCopyJSON
		resp.JSON(t, &out)
		if len(out.Menus) != 3 || out.Menus[0].Meal != "breakfast" || out.Menus[0].Result != "skipped" || out.Menus[1].Result != "created" {
			t.Fatalf("copied: %+v", out)
		}
		if got := canteenMeals(e.day(t, e.admin, "2026-12-21")); !slices.Equal(got, []string{"lunch:draft", "dinner:draft"}) {
			t.Fatalf("menus: %v", got)
		}
	})

	t.Run("a meal the canteen no longer serves is not copied", func(t *testing.T) {
		apitest.Expect(t, e.Patch(apitest.Path("/api/v1/canteens/%d", e.canteen), e.admin.Token, map[string]any{"meals": []map[string]any{
			{"meal": "breakfast", "opens": "07:00", "closes": "08:30", "cutoff_days_before": 1, "cutoff_time": "20:00"},
			{"meal": "lunch", "opens": "11:30", "closes": "13:00", "cutoff_days_before": 0, "cutoff_time": "09:30"}}}), http.StatusOK)
		resp := e.Post(copyPath, e.admin.Token, map[string]any{"source_from": "2026-11-30", "target_from": "2026-12-28"})
		apitest.Expect(t, resp, http.StatusOK)
		var out canteenCopyJSON
		resp.JSON(t, &out)
		if len(out.Menus) != 3 || out.Menus[1].Result != "created" || out.Menus[2].Meal != "dinner" || out.Menus[2].Result != "skipped" {
			t.Fatalf("copied: %+v", out)
		}
		if got := canteenMeals(e.day(t, e.admin, "2026-12-28")); !slices.Equal(got, []string{"lunch:draft"}) {
			t.Fatalf("menus: %v", got)
		}
	})

	for name, body := range map[string]map[string]any{
		"more than a week": {"source_from": "2026-11-30", "source_to": "2026-12-07", "target_from": "2026-12-14"},
		"overlapping":      {"source_from": "2026-11-30", "source_to": "2026-12-06", "target_from": "2026-12-03"},
		"reversed":         {"source_from": "2026-12-06", "source_to": "2026-11-30", "target_from": "2026-12-14"},
		"no target":        {"source_from": "2026-11-30"},
	} {
		t.Run("rejects "+name, func(t *testing.T) {
			apitest.Expect(t, e.Post(copyPath, e.admin.Token, body), http.StatusBadRequest, "validation_failed")
		})
	}
}

func TestCanteenMenuReads(t *testing.T) {
	e := newCanteenEnv(t)
	e.publish(t, "2026-12-01", "lunch", e.dishes...)
	e.publish(t, "2026-12-03", "dinner", e.dishes[0])
	base := apitest.Path("/api/v1/canteens/%d/menus", e.canteen)

	t.Run("default date is today in the site time zone", func(t *testing.T) {
		e.publish(t, "2026-12-02", "breakfast", e.dishes[3])
		e.at(t, canteenLocal(12, 2, 0, 30)) // still 1 December in UTC
		resp := e.Get(base, e.staff.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var d canteenDayJSON
		resp.JSON(t, &d)
		if d.Date != "2026-12-02" || len(d.Meals) != 1 || d.Meals[0].Meal != "breakfast" {
			t.Fatalf("today's menu: %+v", d)
		}
	})

	t.Run("week view has one entry per date", func(t *testing.T) {
		resp := e.Get(base+"?from=2026-11-30&to=2026-12-06", e.staff.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var w struct {
			From, To string
			Days     []canteenDayJSON
		}
		resp.JSON(t, &w)
		if w.From != "2026-11-30" || len(w.Days) != 7 || len(w.Days[1].Meals) != 1 || w.Days[3].Meals[0].Meal != "dinner" || len(w.Days[0].Meals) != 0 {
			t.Fatalf("week: %+v", w)
		}
	})

	for name, q := range map[string]string{
		"more than 14 days": "?from=2026-12-01&to=2026-12-15",
		"from without to":   "?from=2026-12-01",
		"date and range":    "?date=2026-12-01&from=2026-12-01&to=2026-12-02",
		"reversed range":    "?from=2026-12-05&to=2026-12-01",
		"bad date":          "?date=tomorrow",
	} {
		t.Run("rejects "+name, func(t *testing.T) {
			apitest.Expect(t, e.Get(base+q, e.staff.Token), http.StatusBadRequest, "validation_failed")
		})
	}
	t.Run("unknown canteen", func(t *testing.T) {
		apitest.Expect(t, e.Get("/api/v1/canteens/424242/menus", e.staff.Token), http.StatusNotFound, "not_found")
	})
}

func TestCanteenMenuETag(t *testing.T) {
	e := newCanteenEnv(t)
	e.publish(t, "2026-12-01", "lunch", e.dishes...)
	path := apitest.Path("/api/v1/canteens/%d/menus?date=2026-12-01", e.canteen)
	get := func(u apitest.User, etag string) *apitest.Response {
		t.Helper()
		return e.Do(apitest.Request{Method: http.MethodGet, Path: path, Token: u.Token, Headers: map[string]string{"If-None-Match": etag}})
	}
	first := get(e.staff, "")
	apitest.Expect(t, first, http.StatusOK)
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}

	t.Run("unchanged menu answers 304", func(t *testing.T) {
		resp := get(e.staff, etag)
		apitest.Expect(t, resp, http.StatusNotModified)
		if len(resp.Body) != 0 || resp.Header.Get("ETag") != etag {
			t.Fatalf("304 with body %q etag %q", resp.Body, resp.Header.Get("ETag"))
		}
		apitest.Expect(t, get(e.staff, `"other", `+strings.TrimPrefix(etag, "W/")), http.StatusNotModified)
	})
	t.Run("admins and staff see different views", func(t *testing.T) {
		resp := get(e.admin, etag)
		apitest.Expect(t, resp, http.StatusOK)
		if resp.Header.Get("ETag") == etag {
			t.Fatal("the admin view (with drafts) shares the staff view's ETag")
		}
	})

	changes := []struct {
		name   string
		change func(t *testing.T)
		check  func(t *testing.T, d canteenDayJSON)
	}{
		{"sold out", func(t *testing.T) {
			apitest.Expect(t, e.Patch(apitest.Path("%s/items/%d", e.menuPath("2026-12-01", "lunch"), e.dishes[0]), e.admin.Token,
				map[string]any{"sold_out": true}), http.StatusOK)
		}, func(t *testing.T, d canteenDayJSON) {
			if !d.Meals[0].Items[0].SoldOut {
				t.Fatalf("stale: %+v", d)
			}
		}},
		{"dish renamed", func(t *testing.T) {
			apitest.Expect(t, e.Patch(apitest.Path("/api/v1/dishes/%d", e.dishes[0]), e.admin.Token, map[string]any{"name": "毛氏红烧肉"}), http.StatusOK)
		}, func(t *testing.T, d canteenDayJSON) {
			if d.Meals[0].Items[0].Name != "毛氏红烧肉" {
				t.Fatalf("stale: %+v", d)
			}
		}},
		{"menu edited", func(t *testing.T) { e.saveMenu(t, "2026-12-01", "lunch", e.dishes[1]) }, func(t *testing.T, d canteenDayJSON) {
			if len(d.Meals[0].Items) != 1 {
				t.Fatalf("stale: %+v", d)
			}
		}},
		{"another meal published", func(t *testing.T) { e.publish(t, "2026-12-01", "dinner", e.dishes[2]) }, func(t *testing.T, d canteenDayJSON) {
			if len(d.Meals) != 2 {
				t.Fatalf("stale: %+v", d)
			}
		}},
	}
	for _, c := range changes {
		t.Run("a change makes a new ETag: "+c.name, func(t *testing.T) {
			c.change(t)
			resp := get(e.staff, etag)
			apitest.Expect(t, resp, http.StatusOK)
			if resp.Header.Get("ETag") == etag {
				t.Fatal("same ETag after a change")
			}
			var d canteenDayJSON
			resp.JSON(t, &d)
			c.check(t, d)
			etag = resp.Header.Get("ETag")
		})
	}

	t.Run("another replica validates the same ETag", func(t *testing.T) {
		replica := api.New(e.Server.Config, e.Store, slog.New(slog.NewTextHandler(io.Discard, nil)))
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+e.staff.Token)
		req.Header.Set("If-None-Match", etag)
		resp, err := replica.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Fatalf("replica answered %d to a current ETag", resp.StatusCode)
		}
	})
}

// TestCanteenMenuCacheFollowsEvents changes a menu through the canteen
// service, not an HTTP handler: the cached menu is dropped all the same,
// because the cache follows the committed canteen.MenuChanged events rather
// than the write handlers.
func TestCanteenMenuCacheFollowsEvents(t *testing.T) {
	e := newCanteenEnv(t)
	e.publish(t, "2026-12-01", "lunch", e.dishes...)
	if d := e.day(t, e.staff, "2026-12-01"); d.Meals[0].Items[0].SoldOut {
		t.Fatalf("sold out before the change: %+v", d)
	}
	slot := canteen.MenuSlot{CanteenID: e.canteen, Date: store.Date{Year: 2026, Month: 12, Day: 1}, Meal: canteen.Lunch}
	if _, err := e.Server.Canteen.SetSoldOut(context.Background(), slot, e.dishes[0], true); err != nil {
		t.Fatal(err)
	}
	if d := e.day(t, e.staff, "2026-12-01"); !d.Meals[0].Items[0].SoldOut {
		t.Fatalf("cached menu served after the change: %+v", d)
	}
}
