package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"houqin/api/apitest"
	"houqin/models/store"
)

// TestCanteenWeekInTheBrowser is the canteen manager's week through
// Chromium and a real listener: dishes are found with the picker (htmx)
// and added to two days' meals, reordered and published; a staff member's
// phone then reads the week's menu through the JSON API in that order.
func TestCanteenWeekInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	env := apitest.New(t)
	desk, staff := env.NewUser(store.RoleCanteenAdmin), env.NewUser(store.RoleStaff)
	rename(t, env, &desk, "周经理", "86310066", "机关食堂")
	resp := env.Post("/api/v1/canteens", desk.Token, map[string]any{"name": "机关食堂", "location": "2号楼一楼"})
	apitest.Expect(t, resp, http.StatusCreated)
	var c struct{ ID int64 }
	resp.JSON(t, &c)
	var ids []int64 // in the order below
	for _, d := range []map[string]any{
		{"name": "红烧肉", "category": "meat", "price_cents": 1200},
		{"name": "清炒时蔬", "category": "vegetable", "price_cents": 400, "vegetarian": true},
		{"name": "番茄蛋汤", "category": "soup", "price_cents": 200},
		{"name": "米饭", "category": "staple", "price_cents": 100},
		{"name": "韭菜盒子", "category": "pastry", "price_cents": 300},
	} {
		r := env.Post("/api/v1/dishes", desk.Token, d)
		apitest.Expect(t, r, http.StatusCreated)
		var out struct{ ID int64 }
		r.JSON(t, &out)
		ids = append(ids, out.ID)
	}
	// Yesterday's lunch was served and rated; today's is published; three
	// people have registered for dinner.
	for _, day := range []string{"2026-11-30", "2026-12-01"} {
		menu := apitest.Path("/api/v1/canteens/%d/menus/%s/lunch", c.ID, day)
		apitest.Expect(t, env.Put(menu, desk.Token, map[string]any{"items": []map[string]any{{"dish_id": ids[0]}, {"dish_id": ids[1]}, {"dish_id": ids[3]}}}), http.StatusOK)
		apitest.Expect(t, env.Post(menu+"/publish", desk.Token, nil), http.StatusOK)
	}
	for i, dept := range []string{"区发改局", "区发改局", "区财政局"} {
		u := env.NewUser(store.RoleStaff)
		rename(t, env, &u, "职工"+string(rune('甲'+i)), "8631200"+string(rune('0'+i)), dept)
		apitest.Expect(t, env.Put(apitest.Path("/api/v1/canteens/%d/registrations/2026-12-01/dinner", c.ID), u.Token, nil), http.StatusOK)
		apitest.Expect(t, env.Post(apitest.Path("/api/v1/dishes/%d/ratings", ids[0]), u.Token, map[string]any{"score": 5 - 2*i, "comment": []string{"肥而不腻，好吃", "", "<b>偏咸</b>，希望少放盐"}[i]}), http.StatusCreated)
	}
	base := apitest.Serve(t, env.Server.App)

	cell := func(id string) string { return `//td[@id="` + id + `"]` }
	// add finds a dish by part of its name in a cell's picker and adds it;
	// it is then the cell's nth dish.
	add := func(id, typed, name, nth string) {
		t.Helper()
		do(t, ctx,
			chromedp.SendKeys(cell(id)+`//input[@name="q"]`, typed),
			chromedp.WaitVisible(cell(id)+`//ul[@class="picks"]//button[contains(., "`+name+`")]`),
			chromedp.Click(cell(id)+`//ul[@class="picks"]//button[contains(., "`+name+`")]`),
			chromedp.WaitVisible(cell(id)+`//ol[@class="dishes"]/li[`+nth+`][contains(., "`+name+`")]`),
		)
	}
	do(t, ctx,
		chromedp.Navigate(base+"/console/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), desk.Username),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), apitest.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		// The manager's home is this week's planner.
		chromedp.WaitVisible(`//h1[contains(., "2026-W49")]`),
		chromedp.Click(`//a[contains(., "下一周")]`),
		chromedp.WaitVisible(`//h1[contains(., "2026-W50")]`),
	)
	lunch, dinner := "m-2026-12-08-lunch", "m-2026-12-09-dinner"
	do(t, ctx, chromedp.SendKeys(cell(lunch)+`//input[@name="q"]`, "红烧"),
		chromedp.WaitVisible(cell(lunch)+`//ul[@class="picks"]//button[contains(., "红烧肉")]`))
	screenshot(t, ctx, "canteen-picker")
	do(t, ctx,
		chromedp.Click(cell(lunch)+`//ul[@class="picks"]//button[contains(., "红烧肉")]`),
		chromedp.WaitVisible(cell(lunch)+`//ol[@class="dishes"]/li[1][contains(., "红烧肉")]`),
	)
	add(lunch, "时蔬", "清炒时蔬", "2")
	add(lunch, "蛋汤", "番茄蛋汤", "3")
	add(dinner, "米", "米饭", "1")
	add(dinner, "盒子", "韭菜盒子", "2")
	// Reorder: the vegetables first, the pastry before the rice.
	do(t, ctx,
		chromedp.Click(cell(lunch)+`//li[contains(., "清炒时蔬")]//button[@name="up"]`),
		chromedp.WaitVisible(cell(lunch)+`//ol[@class="dishes"]/li[1][contains(., "清炒时蔬")]`),
		chromedp.Click(cell(dinner)+`//li[contains(., "米饭")]//button[@name="down"]`),
		chromedp.WaitVisible(cell(dinner)+`//ol[@class="dishes"]/li[1][contains(., "韭菜盒子")]`),
	)
	screenshot(t, ctx, "canteen-week-draft")

	// Staff see nothing before it is published.
	read := apitest.Path("/api/v1/canteens/%d/menus?from=2026-12-07&to=2026-12-13", c.ID)
	if got := weekMenu(t, env, read, staff); len(got) != 0 {
		t.Fatalf("staff see drafts: %v", got)
	}
	do(t, ctx,
		chromedp.Click(cell(lunch)+`//button[contains(., "发布")]`),
		chromedp.WaitVisible(cell(lunch)+`[contains(@class, "published")]`),
		chromedp.Click(cell(dinner)+`//button[contains(., "发布")]`),
		chromedp.WaitVisible(cell(dinner)+`[contains(@class, "published")]`),
	)
	screenshot(t, ctx, "canteen-week-published")

	got := weekMenu(t, env, read, staff)
	want := map[string]string{"2026-12-08 lunch": "清炒时蔬,红烧肉,番茄蛋汤", "2026-12-09 dinner": "韭菜盒子,米饭"}
	if len(got) != len(want) || got["2026-12-08 lunch"] != want["2026-12-08 lunch"] || got["2026-12-09 dinner"] != want["2026-12-09 dinner"] {
		t.Fatalf("staff read the week as %v, want %v", got, want)
	}
	if inbox := env.Inbox(staff.ID); len(inbox) != 3 { // today's, and the two new dates
		t.Errorf("staff were told of %d menus, want one per date: %+v", len(inbox), inbox)
	}

	// At lunch the pork runs out: staff see it at once.
	do(t, ctx,
		chromedp.Click(`//nav[@class="ctabs"]//a[contains(., "今日售罄")]`),
		chromedp.Click(`//tr[td[contains(., "红烧肉")]]//button[contains(., "标记售罄")]`),
		chromedp.WaitVisible(`//tr[td[contains(., "红烧肉")]]//button[contains(., "恢复供应")]`),
	)
	screenshot(t, ctx, "canteen-today")
	var today struct {
		Meals []struct {
			Items []struct {
				Name    string
				SoldOut bool `json:"sold_out"`
			}
		}
	}
	env.Get(apitest.Path("/api/v1/canteens/%d/menus?date=2026-12-01", c.ID), staff.Token).JSON(t, &today)
	if len(today.Meals) != 1 || today.Meals[0].Items[0].Name != "红烧肉" || !today.Meals[0].Items[0].SoldOut || today.Meals[0].Items[1].SoldOut {
		t.Errorf("staff read today's lunch as %+v", today.Meals)
	}

	// The other pages, as the manager sees them.
	do(t, ctx, chromedp.Click(`//nav[@class="ctabs"]//a[contains(., "菜品库")]`), chromedp.WaitVisible(`//td[contains(., "韭菜盒子")]`))
	screenshot(t, ctx, "canteen-dishes")
	do(t, ctx, chromedp.Click(`//a[contains(., "新增菜品")]`), chromedp.WaitVisible(chromedp.CSS(`input[name=price]`)))
	screenshot(t, ctx, "canteen-dish-form")
	do(t, ctx, chromedp.Navigate(base+"/console/canteen/registrations"), chromedp.WaitVisible(`//h2[contains(., "晚餐")]//strong[contains(., "3 人")]`))
	screenshot(t, ctx, "canteen-registrations")
	do(t, ctx, chromedp.Navigate(base+"/console/canteen/ratings"), chromedp.WaitVisible(`//li[contains(., "<b>偏咸</b>")]`))
	screenshot(t, ctx, "canteen-ratings")
}

// weekMenu reads a week's menu as user's phone does: "date meal" → the
// dish names in order.
func weekMenu(t *testing.T, env *apitest.Env, path string, user apitest.User) map[string]string {
	t.Helper()
	var week struct {
		Days []struct {
			Date  string
			Meals []struct {
				Meal  string
				Items []struct{ Name string }
			}
		}
	}
	resp := env.Get(path, user.Token)
	apitest.Expect(t, resp, http.StatusOK)
	resp.JSON(t, &week)
	out := map[string]string{}
	for _, d := range week.Days {
		for _, m := range d.Meals {
			var names []string
			for _, it := range m.Items {
				names = append(names, it.Name)
			}
			out[d.Date+" "+m.Meal] = strings.Join(names, ",")
		}
	}
	return out
}
