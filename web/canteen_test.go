package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
)

// markupDish is a dish name that must come out as text on every page.
const markupDish = "<b>markup</b>狮子头"

// canteenDesk is a service with a canteen, its manager signed in to the
// console, a staff member and dishes (the last one named in markup).
type canteenDesk struct {
	*apitest.Env
	b            *browser
	desk, staff  apitest.User
	canteen      int64
	dishes       map[string]int64
	canteenQuery string
}

func newCanteenDesk(t *testing.T) *canteenDesk {
	t.Helper()
	env := apitest.New(t)
	d := &canteenDesk{Env: env, desk: env.NewUser(store.RoleCanteenAdmin), staff: env.NewUser(store.RoleStaff), dishes: map[string]int64{}}
	resp := env.Post("/api/v1/canteens", d.desk.Token, map[string]any{"name": "机关食堂", "location": "2号楼一楼"})
	apitest.Expect(t, resp, http.StatusCreated)
	var c struct{ ID int64 }
	resp.JSON(t, &c)
	d.canteen = c.ID
	d.canteenQuery = "canteen=" + strconv.FormatInt(c.ID, 10)
	for _, dish := range []struct {
		name, category string
		price          int
	}{{"红烧肉", "meat", 1200}, {"清炒时蔬", "vegetable", 400}, {"番茄蛋汤", "soup", 200}, {"米饭", "staple", 100}, {markupDish, "meat", 1500}} {
		resp := env.Post("/api/v1/dishes", d.desk.Token, map[string]any{"name": dish.name, "category": dish.category, "price_cents": dish.price})
		apitest.Expect(t, resp, http.StatusCreated)
		var out struct{ ID int64 }
		resp.JSON(t, &out)
		d.dishes[dish.name] = out.ID
	}
	d.b = newBrowser(env)
	d.b.signIn(d.desk)
	return d
}

// menu is a meal's dishes and status as user reads them through the API.
func (d *canteenDesk) menu(t *testing.T, u apitest.User, date, meal string) (status string, names []string) {
	t.Helper()
	var day struct {
		Meals []struct {
			Meal, Status string
			Items        []struct {
				Name    string
				SoldOut bool `json:"sold_out"`
			}
		}
	}
	resp := d.Get(apitest.Path("/api/v1/canteens/%d/menus?date=%s", d.canteen, date), u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	resp.JSON(t, &day)
	for _, m := range day.Meals {
		if m.Meal == meal {
			for _, it := range m.Items {
				n := it.Name
				if it.SoldOut {
					n += "(售罄)"
				}
				names = append(names, n)
			}
			return m.Status, names
		}
	}
	return "", nil
}

func (d *canteenDesk) cell(date, meal string) string {
	return apitest.Path("/console/canteen/%d/menus/%s/%s", d.canteen, date, meal)
}

func (d *canteenDesk) week(w string) string {
	return "/console/canteen/week?" + d.canteenQuery + "&week=" + w
}

func (d *canteenDesk) add(t *testing.T, date, meal, dish string) page {
	t.Helper()
	return d.b.post(d.week("2026-W49"), d.cell(date, meal)+"/items", url.Values{"dish_id": {strconv.FormatInt(d.dishes[dish], 10)}})
}

func TestCanteenWeekPlanner(t *testing.T) {
	d := newCanteenDesk(t)
	p := d.b.get(d.week("2026-W49"))
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "2026-W49") || !strings.Contains(p.Body, "星期日") ||
		!strings.Contains(p.Body, "week=2026-W48") || !strings.Contains(p.Body, "week=2026-W50") {
		t.Fatalf("week page %d:\n%s", p.Status, p.Body)
	}
	// A week chosen by any of its dates is the same week.
	if p := d.b.get(d.week("2026-12-03")); !strings.Contains(p.Body, "2026-W49（11月30日") {
		t.Errorf("a date's week: %s", p.Body)
	}
	for _, bad := range []string{"2026-W54", "2026-W00", "abc", "2021-W53"} {
		if p := d.b.get(d.week(bad)); p.Status != http.StatusBadRequest {
			t.Errorf("week %q: %d", bad, p.Status)
		}
	}
	if p := d.b.get(d.week("2020-W53")); p.Status != http.StatusOK || !strings.Contains(p.Body, "12月28日") {
		t.Errorf("2020 had a week 53 (28 Dec–3 Jan): %d", p.Status)
	}

	for _, dish := range []string{"红烧肉", "清炒时蔬", markupDish} {
		p := d.add(t, "2026-12-02", "lunch", dish)
		if p.Status != http.StatusSeeOther || !strings.HasSuffix(p.Header.Get("Location"), "week=2026-W49#m-2026-12-02-lunch") {
			t.Fatalf("add %s: %d %s\n%s", dish, p.Status, p.Header.Get("Location"), p.Body)
		}
	}
	if p := d.add(t, "2026-12-03", "dinner", "米饭"); p.Status != http.StatusSeeOther {
		t.Fatalf("add to dinner: %d", p.Status)
	}
	// The same dish twice is refused, with the planner shown again.
	if p := d.add(t, "2026-12-02", "lunch", "红烧肉"); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "重复出现") ||
		!strings.Contains(p.Body, `class="planner"`) {
		t.Errorf("a dish twice: %d\n%s", p.Status, p.Body)
	}
	// Reorder: the markup dish up twice, 清炒时蔬 down.
	lunch := d.cell("2026-12-02", "lunch")
	edit := func(dish, op string) page {
		return d.b.post(d.week("2026-W49"), lunch+"/edit", url.Values{op: {strconv.FormatInt(d.dishes[dish], 10)}})
	}
	for _, op := range []string{"up", "up", "up"} { // the third is at the top already
		if p := edit(markupDish, op); p.Status != http.StatusSeeOther {
			t.Fatalf("move up: %d %s", p.Status, p.Body)
		}
	}
	edit("红烧肉", "down")
	if _, names := d.menu(t, d.desk, "2026-12-02", "lunch"); strings.Join(names, ",") != markupDish+",清炒时蔬,红烧肉" {
		t.Fatalf("after reordering: %v", names)
	}
	if p := edit("米饭", "up"); p.Status != http.StatusNotFound {
		t.Errorf("moving a dish not on the menu: %d", p.Status)
	}
	if p := edit("红烧肉", "sideways"); p.Status != http.StatusBadRequest {
		t.Errorf("no change named: %d", p.Status)
	}

	// Drafts are marked as such, and staff do not see them.
	p = d.b.get(d.week("2026-W49"))
	if !strings.Contains(p.Body, `id="m-2026-12-02-lunch" class="cell draft"`) || !strings.Contains(p.Body, "本周有 2 餐草稿待发布") {
		t.Errorf("the drafts are not shown as drafts:\n%s", p.Body)
	}
	if status, _ := d.menu(t, d.staff, "2026-12-02", "lunch"); status != "" {
		t.Errorf("staff see a draft: %q", status)
	}
	if !strings.Contains(p.Body, "&lt;b&gt;markup&lt;/b&gt;狮子头") || strings.Contains(p.Body, markupDish) {
		t.Error("the dish name came out as markup")
	}

	// Publishing shows it to staff and tells them, as the API's publish does.
	if p := d.b.post(d.week("2026-W49"), lunch+"/publish", url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", p.Status, p.Body)
	}
	if status, names := d.menu(t, d.staff, "2026-12-02", "lunch"); status != "published" || strings.Join(names, ",") != markupDish+",清炒时蔬,红烧肉" {
		t.Errorf("staff read %q %v", status, names)
	}
	inbox := d.Inbox(d.staff.ID)
	if len(inbox) != 1 || !strings.Contains(inbox[0].Title, "机关食堂12月2日（周三）菜单已发布") {
		t.Errorf("staff inbox after publishing: %+v", inbox)
	}
	if p := d.b.get(d.week("2026-W49")); !strings.Contains(p.Body, `id="m-2026-12-02-lunch" class="cell published"`) {
		t.Error("the published menu is not shown as published")
	}
	// A published menu keeps at least one dish.
	for _, dish := range []string{"红烧肉", "清炒时蔬"} {
		if p := edit(dish, "remove"); p.Status != http.StatusSeeOther {
			t.Fatalf("remove %s: %d", dish, p.Status)
		}
	}
	if p := edit(markupDish, "remove"); p.Status != http.StatusConflict || !strings.Contains(p.Body, "菜单中没有菜品") {
		t.Errorf("removing the last dish of a published menu: %d", p.Status)
	}
	// A deactivated dish cannot be added.
	apitest.Expect(t, d.Patch(apitest.Path("/api/v1/dishes/%d", d.dishes["番茄蛋汤"]), d.desk.Token, map[string]any{"active": false}), http.StatusOK)
	if p := d.add(t, "2026-12-04", "lunch", "番茄蛋汤"); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "不是在售的菜品") {
		t.Errorf("adding an inactive dish: %d", p.Status)
	}
}

func TestCanteenPickerAndCopy(t *testing.T) {
	d := newCanteenDesk(t)
	// The picker finds active dishes by name, each with a form that adds it.
	pick := "/console/canteen/picker?" + d.canteenQuery + "&date=2026-12-09&meal=breakfast&q="
	p := d.b.get(pick + url.QueryEscape("狮子"))
	form := `action="` + d.cell("2026-12-09", "breakfast") + `/items"`
	if p.Status != http.StatusOK || !strings.Contains(p.Body, form) || !strings.Contains(p.Body, "&lt;b&gt;markup&lt;/b&gt;狮子头") ||
		strings.Contains(p.Body, "<html") || strings.Contains(p.Body, markupDish) {
		t.Fatalf("picker %d:\n%s", p.Status, p.Body)
	}
	if p := d.b.get(pick + url.QueryEscape("<i>没有")); !strings.Contains(p.Body, "没有找到“&lt;i&gt;没有”") {
		t.Errorf("an empty search:\n%s", p.Body)
	}
	if p := d.b.get("/console/canteen/picker?" + d.canteenQuery + "&date=2026-12-09&meal=supper&q=x"); p.Status != http.StatusBadRequest {
		t.Errorf("an unknown meal: %d", p.Status)
	}
	// Without scripts the search is a GET of the week page, shown in the cell.
	p = d.b.get("/console/canteen/week?" + d.canteenQuery + "&date=2026-12-09&meal=breakfast&q=" + url.QueryEscape("米"))
	if !strings.Contains(p.Body, form) || !strings.Contains(p.Body, "＋ 米饭") {
		t.Errorf("the week page's search:\n%s", p.Body)
	}

	// Last week's menus are copied as drafts, keeping what this week has.
	apitest.Expect(t, d.Put(apitest.Path("/api/v1/canteens/%d/menus/2026-12-01/lunch", d.canteen), d.desk.Token,
		map[string]any{"items": []map[string]any{{"dish_id": d.dishes["米饭"]}, {"dish_id": d.dishes["红烧肉"]}}}), http.StatusOK)
	apitest.Expect(t, d.Put(apitest.Path("/api/v1/canteens/%d/menus/2026-12-02/dinner", d.canteen), d.desk.Token,
		map[string]any{"items": []map[string]any{{"dish_id": d.dishes["清炒时蔬"]}}}), http.StatusOK)
	if p := d.b.post(d.week("2026-W50"), d.cell("2026-12-09", "dinner")+"/items", url.Values{"dish_id": {strconv.FormatInt(d.dishes["米饭"], 10)}}); p.Status != http.StatusSeeOther {
		t.Fatal(p.Status)
	}
	p = d.b.post(d.week("2026-W50"), apitest.Path("/console/canteen/%d/week/copy", d.canteen), url.Values{"week": {"2026-W50"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("copy: %d %s", p.Status, p.Body)
	}
	p = d.b.get(p.Header.Get("Location"))
	if !strings.Contains(p.Body, "已从上周复制 1 餐菜单") || !strings.Contains(p.Body, "1 餐本周已有菜单，未覆盖") {
		t.Errorf("the copy's report:\n%s", p.Body)
	}
	if status, names := d.menu(t, d.desk, "2026-12-08", "lunch"); status != "draft" || strings.Join(names, ",") != "米饭,红烧肉" {
		t.Errorf("copied lunch: %q %v", status, names)
	}
	if _, names := d.menu(t, d.desk, "2026-12-09", "dinner"); strings.Join(names, ",") != "米饭" {
		t.Errorf("this week's own dinner was overwritten: %v", names)
	}
	p = d.b.post(d.week("2026-W01"), apitest.Path("/console/canteen/%d/week/copy", d.canteen), url.Values{"week": {"2027-W01"}})
	if p = d.b.get(p.Header.Get("Location")); !strings.Contains(p.Body, "上周没有可复制的菜单") {
		t.Errorf("copying an empty week:\n%s", p.Body)
	}
}

func TestCanteenDishLibrary(t *testing.T) {
	d := newCanteenDesk(t)
	p := d.b.get("/console/canteen/dishes")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "&lt;b&gt;markup&lt;/b&gt;狮子头") || strings.Contains(p.Body, markupDish) ||
		!strings.Contains(p.Body, "¥12.00") {
		t.Fatalf("library %d:\n%s", p.Status, p.Body)
	}
	if p := d.b.get("/console/canteen/dishes?q=" + url.QueryEscape("时蔬")); !strings.Contains(p.Body, "清炒时蔬") || strings.Contains(p.Body, "红烧肉") {
		t.Errorf("search by name:\n%s", p.Body)
	}
	if p := d.b.get("/console/canteen/dishes?category=soup"); !strings.Contains(p.Body, "番茄蛋汤") || strings.Contains(p.Body, "米饭") {
		t.Errorf("filter by category:\n%s", p.Body)
	}

	form := url.Values{"name": {"<i>宫保</i>鸡丁"}, "category": {"meat"}, "price": {"12.5"}, "spicy_level": {"2"},
		"calories": {"520"}, "allergens": {"花生、 大豆,芝麻"}, "image_url": {""}}
	p = d.b.post("/console/canteen/dishes/new", "/console/canteen/dishes", form)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", p.Status, p.Body)
	}
	var list struct {
		Items []struct {
			ID         int64
			Name       string
			PriceCents int `json:"price_cents"`
			SpicyLevel int `json:"spicy_level"`
			Calories   *int
			Allergens  []string
			Vegetarian bool
			Active     bool
		}
	}
	d.Get("/api/v1/dishes?q="+url.QueryEscape("鸡丁"), d.desk.Token).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("created dishes: %+v", list.Items)
	}
	got := list.Items[0]
	if got.Name != "<i>宫保</i>鸡丁" || got.PriceCents != 1250 || got.SpicyLevel != 2 || got.Calories == nil || *got.Calories != 520 ||
		strings.Join(got.Allergens, "|") != "花生|大豆|芝麻" || got.Vegetarian || !got.Active {
		t.Fatalf("the dish as saved: %+v", got)
	}

	// Bad values are refused by the model's rules, and the form keeps what was typed.
	bad := url.Values{"name": {"  "}, "category": {"fish"}, "price": {"12.345"}, "spicy_level": {"9"}, "image_url": {"ftp://x"}}
	p = d.b.post("/console/canteen/dishes/new", "/console/canteen/dishes", bad)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "请填写价格") || !strings.Contains(p.Body, `value="12.345"`) {
		t.Errorf("a form with a bad price: %d\n%s", p.Status, p.Body)
	}
	bad.Set("price", "8")
	p = d.b.post("/console/canteen/dishes/new", "/console/canteen/dishes", bad)
	for _, want := range []string{"不能为空", "必须是以下之一", "不能大于 3", "必须是网址"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the refused form lacks %q: %d\n%s", want, p.Status, p.Body)
		}
	}
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `value="ftp://x"`) {
		t.Errorf("bad dish: %d", p.Status)
	}

	// Edit: the form shows the dish; saving changes it, and unticking 在售 retires it.
	edit := apitest.Path("/console/canteen/dishes/%d", got.ID)
	p = d.b.get(edit)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `value="12.50"`) || !strings.Contains(p.Body, "&lt;i&gt;宫保&lt;/i&gt;鸡丁") ||
		!strings.Contains(p.Body, "花生、大豆、芝麻") {
		t.Fatalf("edit form %d:\n%s", p.Status, p.Body)
	}
	form.Set("name", "宫保鸡丁")
	form.Set("price", "13")
	form.Set("vegetarian", "1")
	p = d.b.post(edit, edit, form)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("update: %d %s", p.Status, p.Body)
	}
	d.Get(apitest.Path("/api/v1/dishes?q=%s", url.QueryEscape("宫保鸡丁")), d.desk.Token).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].PriceCents != 1300 || !list.Items[0].Vegetarian || list.Items[0].Active {
		t.Errorf("after the edit without 在售: %+v", list.Items)
	}
	if p := d.b.get("/console/canteen/dishes/999999"); p.Status != http.StatusNotFound {
		t.Errorf("a missing dish: %d", p.Status)
	}

	// Paged, 20 to a page.
	for i := range 20 {
		apitest.Expect(t, d.Post("/api/v1/dishes", d.desk.Token, map[string]any{"name": "面点" + strconv.Itoa(i), "category": "pastry", "price_cents": 150}), http.StatusCreated)
	}
	p = d.b.get("/console/canteen/dishes")
	if strings.Count(p.Body, `">编辑</a>`) != 20 || !strings.Contains(p.Body, "下一页") {
		t.Fatalf("the first page:\n%s", p.Body)
	}
	next := regexpHref(t, p.Body, "下一页")
	if p := d.b.get(next); p.Status != http.StatusOK || !strings.Contains(p.Body, "红烧肉") || strings.Contains(p.Body, "下一页") {
		t.Errorf("the second page %s: %d", next, p.Status)
	}
}

// regexpHref is the address of the link whose text contains label.
func regexpHref(t *testing.T, body, label string) string {
	t.Helper()
	i := strings.Index(body, label)
	j := strings.LastIndex(body[:max(i, 0)], `href="`)
	if i < 0 || j < 0 {
		t.Fatalf("no link %q", label)
	}
	href := body[j+len(`href="`):]
	href = href[:strings.Index(href, `"`)]
	return strings.ReplaceAll(href, "&amp;", "&")
}

func TestCanteenTodaySoldOut(t *testing.T) {
	d := newCanteenDesk(t)
	// Today is 2026-12-01 (apitest.Epoch).
	apitest.Expect(t, d.Put(apitest.Path("/api/v1/canteens/%d/menus/2026-12-01/lunch", d.canteen), d.desk.Token,
		map[string]any{"items": []map[string]any{{"dish_id": d.dishes["红烧肉"]}, {"dish_id": d.dishes[markupDish]}}}), http.StatusOK)
	apitest.Expect(t, d.Post(apitest.Path("/api/v1/canteens/%d/menus/2026-12-01/lunch/publish", d.canteen), d.desk.Token, nil), http.StatusOK)
	today := "/console/canteen/today?" + d.canteenQuery
	p := d.b.get(today)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "午餐") || !strings.Contains(p.Body, "&lt;b&gt;markup&lt;/b&gt;狮子头") || strings.Contains(p.Body, markupDish) {
		t.Fatalf("today %d:\n%s", p.Status, p.Body)
	}
	toggle := d.cell("2026-12-01", "lunch") + "/items/" + strconv.FormatInt(d.dishes["红烧肉"], 10) + "/sold-out"
	if p := d.b.post(today, toggle, url.Values{"sold_out": {"true"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("sold out: %d %s", p.Status, p.Body)
	}
	if _, names := d.menu(t, d.staff, "2026-12-01", "lunch"); strings.Join(names, ",") != "红烧肉(售罄),"+markupDish {
		t.Errorf("staff read %v", names)
	}
	if p := d.b.get(today); !strings.Contains(p.Body, "恢复供应") || !strings.Contains(p.Body, "已售罄") {
		t.Errorf("the page does not show the mark:\n%s", p.Body)
	}
	d.b.post(today, toggle, url.Values{"sold_out": {"false"}})
	if _, names := d.menu(t, d.staff, "2026-12-01", "lunch"); names[0] != "红烧肉" {
		t.Errorf("back in stock: %v", names)
	}
	if p := d.b.post(today, toggle, url.Values{"sold_out": {"maybe"}}); p.Status != http.StatusBadRequest {
		t.Errorf("sold_out=maybe: %d", p.Status)
	}
	if p := d.b.post(today, d.cell("2026-12-01", "lunch")+"/items/"+strconv.FormatInt(d.dishes["米饭"], 10)+"/sold-out",
		url.Values{"sold_out": {"true"}}); p.Status != http.StatusNotFound {
		t.Errorf("a dish not on the menu: %d", p.Status)
	}
}

func TestCanteenRegistrationCounts(t *testing.T) {
	d := newCanteenDesk(t)
	for i, dept := range []string{"区发改局", "区发改局", "区财政局"} {
		u := d.NewUser(store.RoleStaff)
		rename(t, d.Env, &u, "职工"+strconv.Itoa(i), "8631000"+strconv.Itoa(i), dept)
		apitest.Expect(t, d.Put(apitest.Path("/api/v1/canteens/%d/registrations/2026-12-01/dinner", d.canteen), u.Token, nil), http.StatusOK)
		if i == 0 {
			apitest.Expect(t, d.Put(apitest.Path("/api/v1/canteens/%d/registrations/2026-12-02/lunch", d.canteen), u.Token, nil), http.StatusOK)
		}
	}
	p := d.b.get("/console/canteen/registrations?" + d.canteenQuery)
	if p.Status != http.StatusOK {
		t.Fatalf("registrations %d:\n%s", p.Status, p.Body)
	}
	for _, want := range []string{"晚餐 <strong class=\"total\">3 人</strong>", "<td>区发改局</td><td class=\"num\">2</td>",
		"<td>区财政局</td><td class=\"num\">1</td>", "午餐 <strong class=\"total\">0 人</strong>", "报餐截止 12-01 14:00（未截止",
		"报餐截止 11-30 20:00（已截止"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("today's counts lack %q:\n%s", want, p.Body)
		}
	}
	p = d.b.get("/console/canteen/registrations?" + d.canteenQuery + "&date=2026-12-02")
	if !strings.Contains(p.Body, "午餐 <strong class=\"total\">1 人</strong>") || !strings.Contains(p.Body, "晚餐 <strong class=\"total\">0 人</strong>") {
		t.Errorf("a chosen date's counts:\n%s", p.Body)
	}
	if p := d.b.get("/console/canteen/registrations?" + d.canteenQuery + "&date=2026-13-01"); p.Status != http.StatusBadRequest {
		t.Errorf("a bad date: %d", p.Status)
	}
	if p := d.b.get("/console/canteen/registrations?canteen=999"); p.Status != http.StatusNotFound {
		t.Errorf("an unknown canteen: %d", p.Status)
	}
	// With a second canteen chosen, the tabs keep the choice and the switch offers both.
	resp := d.Post("/api/v1/canteens", d.desk.Token, map[string]any{"name": "老干部活动中心食堂"})
	apitest.Expect(t, resp, http.StatusCreated)
	var second struct{ ID int64 }
	resp.JSON(t, &second)
	id := strconv.FormatInt(second.ID, 10)
	p = d.b.get("/console/canteen/registrations?canteen=" + id)
	if !strings.Contains(p.Body, "老干部活动中心食堂 · 报餐统计") || !strings.Contains(p.Body, `href="/console/canteen/week?canteen=`+id+`"`) ||
		!strings.Contains(p.Body, `<option value="`+id+`" selected>`) {
		t.Errorf("the second canteen's page:\n%s", p.Body)
	}
	if p := d.b.get("/console/canteen/dishes"); !strings.Contains(p.Body, `href="/console/canteen/week?canteen=0"`) || d.b.get("/console/canteen/week?canteen=0").Status != http.StatusOK {
		t.Error("the library's tabs lead to the first canteen")
	}
}

func TestCanteenRatings(t *testing.T) {
	d := newCanteenDesk(t)
	// Yesterday's lunch was served; staff rate it.
	apitest.Expect(t, d.Put(apitest.Path("/api/v1/canteens/%d/menus/2026-11-30/lunch", d.canteen), d.desk.Token,
		map[string]any{"items": []map[string]any{{"dish_id": d.dishes["红烧肉"]}, {"dish_id": d.dishes[markupDish]}}}), http.StatusOK)
	apitest.Expect(t, d.Post(apitest.Path("/api/v1/canteens/%d/menus/2026-11-30/lunch/publish", d.canteen), d.desk.Token, nil), http.StatusOK)
	other := d.NewUser(store.RoleStaff)
	for _, r := range []struct {
		u       apitest.User
		dish    string
		score   int
		comment string
	}{{d.staff, "红烧肉", 5, "肥而不腻"}, {other, "红烧肉", 4, ""}, {d.staff, markupDish, 1, "<script>alert(1)</script>太咸"}} {
		apitest.Expect(t, d.Post(apitest.Path("/api/v1/dishes/%d/ratings", d.dishes[r.dish]), r.u.Token,
			map[string]any{"score": r.score, "comment": r.comment}), http.StatusCreated)
	}
	p := d.b.get("/console/canteen/ratings?" + d.canteenQuery + "&week=2026-11-30")
	if p.Status != http.StatusOK {
		t.Fatalf("ratings %d:\n%s", p.Status, p.Body)
	}
	for _, want := range []string{"共 3 条评价，平均 3.3 分", "红烧肉</a></td>\n    <td>荤菜</td><td class=\"num\">2</td><td class=\"num\">4.5</td>",
		"肥而不腻", "&lt;script&gt;alert(1)&lt;/script&gt;太咸", "&lt;b&gt;markup&lt;/b&gt;狮子头"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("ratings lack %q:\n%s", want, p.Body)
		}
	}
	if strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, markupDish) {
		t.Error("a comment or name came out as markup")
	}
	// One dish's ratings, with its average over all time.
	p = d.b.get("/console/canteen/ratings?" + d.canteenQuery + "&week=2026-11-30&dish=" + strconv.FormatInt(d.dishes["红烧肉"], 10))
	if !strings.Contains(p.Body, "红烧肉 的评价") || !strings.Contains(p.Body, "累计 2 条，平均 4.5 分") || strings.Contains(p.Body, "太咸") {
		t.Errorf("one dish's ratings:\n%s", p.Body)
	}
	// Another week has none.
	if p := d.b.get("/console/canteen/ratings?" + d.canteenQuery + "&week=2026-W50"); !strings.Contains(p.Body, "本周还没有评价") {
		t.Errorf("an empty week:\n%s", p.Body)
	}
}

// TestCanteenDeskIsGuarded: every canteen form needs the token, and only
// canteen managers (and admins) reach the pages.
func TestCanteenDeskIsGuarded(t *testing.T) {
	d := newCanteenDesk(t)
	dish := strconv.FormatInt(d.dishes["红烧肉"], 10)
	lunch := d.cell("2026-12-02", "lunch")
	forms := []struct {
		path string
		form url.Values
	}{
		{lunch + "/items", url.Values{"dish_id": {dish}}},
		{lunch + "/edit", url.Values{"remove": {dish}}},
		{lunch + "/publish", url.Values{}},
		{lunch + "/items/" + dish + "/sold-out", url.Values{"sold_out": {"true"}}},
		{apitest.Path("/console/canteen/%d/week/copy", d.canteen), url.Values{"week": {"2026-W49"}}},
		{"/console/canteen/dishes", url.Values{"name": {"鱼香肉丝"}, "category": {"meat"}, "price": {"10"}}},
		{"/console/canteen/dishes/" + dish, url.Values{"name": {"改名"}, "category": {"meat"}, "price": {"10"}}},
	}
	for _, f := range forms {
		if p := d.b.do(http.MethodPost, f.path, f.form, nil); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "请刷新页面") {
			t.Errorf("POST %s without a token: %d\n%s", f.path, p.Status, p.Body)
		}
		withToken := url.Values{}
		for k, v := range f.form {
			withToken[k] = v
		}
		withToken.Set("_csrf", token(t, d.b.get(d.week("2026-W49"))))
		if p := d.b.do(http.MethodPost, f.path, withToken, map[string]string{"Origin": "https://evil.example"}); p.Status != http.StatusForbidden {
			t.Errorf("POST %s from another origin: %d", f.path, p.Status)
		}
	}
	var list struct{ Items []any }
	d.Get("/api/v1/dishes?q="+url.QueryEscape("鱼香"), d.desk.Token).JSON(t, &list)
	if status, _ := d.menu(t, d.desk, "2026-12-02", "lunch"); status != "" || len(list.Items) != 0 {
		t.Errorf("a refused form changed something: menu %q, dishes %v", status, list.Items)
	}

	pages := []string{d.week("2026-W49"), "/console/canteen/today", "/console/canteen/registrations", "/console/canteen/ratings",
		"/console/canteen/dishes", "/console/canteen/dishes/new", "/console/canteen/dishes/" + dish,
		"/console/canteen/picker?date=2026-12-02&meal=lunch&q=x"}
	// A staff member's session (made elsewhere) and the repair desk get 403
	// on every page and form.
	staff := newBrowser(d.Env)
	tok, err := d.Server.People.StartSession(t.Context(), d.staff.ID)
	if err != nil {
		t.Fatal(err)
	}
	staff.cookies["houqin_console"] = tok
	dispatcher := newBrowser(d.Env)
	dispatcher.signIn(d.NewUser(store.RoleDispatcher))
	for name, b := range map[string]*browser{"staff": staff, "dispatcher": dispatcher} {
		for _, path := range pages {
			if p := b.get(path); p.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", name, path, p.Status)
			}
		}
		if name == "dispatcher" {
			for _, f := range forms {
				if p := b.post("/console/repairs", f.path, f.form); p.Status != http.StatusForbidden {
					t.Errorf("%s POST %s: %d", name, f.path, p.Status)
				}
			}
			if strings.Contains(b.get("/console/repairs").Body, "食堂台") {
				t.Error("the dispatcher's nav offers the canteen desk")
			}
		}
	}
	// An admin may use it, and the nav offers it to them and the manager.
	admin := newBrowser(d.Env)
	admin.signIn(d.NewUser(store.RoleAdmin))
	for _, b := range []*browser{admin, d.b} {
		for _, path := range pages {
			if p := b.get(path); p.Status != http.StatusOK {
				t.Errorf("GET %s: %d", path, p.Status)
			}
		}
		if !strings.Contains(b.get(d.week("2026-W49")).Body, `<a href="/console/canteen/week">食堂台</a>`) {
			t.Error("the nav lacks the canteen desk")
		}
	}
	if p := admin.post(d.week("2026-W49"), lunch+"/items", url.Values{"dish_id": {dish}}); p.Status != http.StatusSeeOther {
		t.Errorf("an admin adds a dish: %d", p.Status)
	}
}

// TestCanteenDesksEditAtOnce: desks adding dishes to one menu at the same
// moment each keep their dish (the list is read and written under the
// canteen's lock).
func TestCanteenDesksEditAtOnce(t *testing.T) {
	d := newCanteenDesk(t)
	names := []string{"红烧肉", "清炒时蔬", "番茄蛋汤", "米饭"}
	desks := make([]*browser, len(names))
	forms := make([]url.Values, len(names))
	for i, name := range names {
		desks[i] = newBrowser(d.Env)
		desks[i].signIn(d.desk)
		forms[i] = url.Values{"dish_id": {strconv.FormatInt(d.dishes[name], 10)}, "_csrf": {token(t, desks[i].get(d.week("2026-W49")))}}
	}
	status := make([]int, len(names))
	var wg sync.WaitGroup
	for i := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status[i] = desks[i].do(http.MethodPost, d.cell("2026-12-02", "lunch")+"/items", forms[i], nil).Status
		}()
	}
	wg.Wait()
	for i, s := range status {
		if s != http.StatusSeeOther {
			t.Errorf("desk %d: %d", i, s)
		}
	}
	if _, got := d.menu(t, d.desk, "2026-12-02", "lunch"); len(got) != len(names) {
		t.Errorf("the menu kept %v of %v", got, names)
	}
}
