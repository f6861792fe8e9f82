package web

import (
	"maps"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/canteen"
	"houqin/models/store"
)

// The dish library: search, add and edit the dishes menus are made of.
func (c *Console) mountDishes(g fiber.Router) {
	g.Get("/dishes", c.dishesPage)
	g.Get("/dishes/new", c.newDishPage)
	g.Post("/dishes", c.sameOrigin, c.csrf, c.createDish)
	g.Get("/dishes/:id<int>", c.dishPage)
	g.Post("/dishes/:id<int>", c.sameOrigin, c.csrf, c.updateDish)
}

type dishesData struct {
	CanteenTab
	Query      string
	Category   canteen.DishCategory
	Categories []canteen.DishCategory
	Dishes     []canteen.Dish
	More       string // the next page's cursor
	Paged      bool   // not the first page
}

// MoreURL is the next page of the same search.
func (d dishesData) MoreURL() string {
	return Prefix + "/canteen/dishes?" + url.Values{"q": {d.Query}, "category": {string(d.Category)}, "cursor": {d.More}}.Encode()
}

func (c *Console) dishesPage(ctx *fiber.Ctx) error {
	d := dishesData{CanteenTab: CanteenTab{Tab: "dishes"}, Query: strings.TrimSpace(ctx.Query("q")), Categories: canteen.DishCategories,
		Paged: ctx.Query("cursor") != ""}
	if cat := ctx.Query("category"); cat != "" {
		d.Category = canteen.DishCategory(cat)
	}
	var err error
	d.Dishes, d.More, err = c.Canteen.ListDishes(ctx.UserContext(), actor(ctx), canteen.DishFilter{Query: d.Query, Category: d.Category},
		store.Page{Limit: store.DefaultPageLimit, Cursor: ctx.Query("cursor")})
	if err != nil {
		return err
	}
	return c.render(ctx, "canteen_dishes.html", view{Title: "菜品库", Data: d})
}

// dishForm is the add/edit form: the dish as typed and what is wrong.
type dishForm struct {
	CanteenTab
	Dish       canteen.Dish
	Price      string // yuan, as typed
	Calories   string
	Allergens  string
	Categories []canteen.DishCategory
	Spicy      []int
	Errors     map[string]string
}

func (c *Console) dishForm(d canteen.Dish, errs map[string]string) dishForm {
	f := dishForm{CanteenTab: CanteenTab{Tab: "dishes"}, Dish: d, Categories: canteen.DishCategories, Spicy: []int{0, 1, 2, 3},
		Errors: errs, Allergens: strings.Join(d.Allergens, "、")}
	if d.ID != 0 || d.PriceCents != 0 {
		f.Price = yuan(d.PriceCents)
	}
	if d.Calories != nil {
		f.Calories = strconv.Itoa(*d.Calories)
	}
	return f
}

func (c *Console) newDishPage(ctx *fiber.Ctx) error {
	return c.render(ctx, "canteen_dish.html", view{Title: "新增菜品", Data: c.dishForm(canteen.Dish{Active: true}, nil)})
}

func (c *Console) dishPage(ctx *fiber.Ctx) error {
	id := paramID(ctx, "id")
	d, err := c.Canteen.Dish(ctx.UserContext(), actor(ctx), id)
	if err != nil {
		return err
	}
	return c.render(ctx, "canteen_dish.html", view{Title: "编辑菜品", Data: c.dishForm(*d, nil)})
}

// dishInput reads the form; a field that cannot be read becomes a field
// problem of the same name the models use.
func dishInput(ctx *fiber.Ctx, edit bool) (canteen.DishInput, map[string]string) {
	errs := map[string]string{}
	name, image := ctx.FormValue("name"), strings.TrimSpace(ctx.FormValue("image_url"))
	cat := canteen.DishCategory(ctx.FormValue("category"))
	veg := ctx.FormValue("vegetarian") != ""
	in := canteen.DishInput{Name: &name, Category: &cat, ImageURL: &image, Vegetarian: &veg}
	if edit {
		active := ctx.FormValue("active") != ""
		in.Active = &active
	}
	price, ok := parseYuan(ctx.FormValue("price"))
	if !ok {
		errs["price_cents"] = "请填写价格（元），如 12.50"
	}
	in.PriceCents = &price
	spicy, _ := strconv.Atoi(ctx.FormValue("spicy_level"))
	in.SpicyLevel = &spicy
	if s := strings.TrimSpace(ctx.FormValue("calories")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs["calories"] = "请填写整数（千卡）"
		}
		in.Calories = &n
	}
	allergens := []string{}
	for _, a := range strings.FieldsFunc(ctx.FormValue("allergens"), func(r rune) bool { return strings.ContainsRune(",，、;；", r) }) {
		if a = strings.TrimSpace(a); a != "" {
			allergens = append(allergens, a)
		}
	}
	in.Allergens = &allergens
	return in, errs
}

// parseYuan reads a price in yuan ("12", "12.5", "12.50") as cents.
func parseYuan(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "¥"))
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" || len(whole) > 7 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return int(math.Round(f * 100)), true
}

// yuan writes cents as yuan with two decimals.
func yuan(cents int) string { return strconv.FormatFloat(float64(cents)/100, 'f', 2, 64) }

func (c *Console) createDish(ctx *fiber.Ctx) error {
	in, errs := dishInput(ctx, false)
	var d *canteen.Dish
	var err error
	if len(errs) == 0 {
		d, err = c.Canteen.CreateDish(ctx.UserContext(), in)
	}
	return c.afterDish(ctx, "新增菜品", canteen.Dish{Active: true}, in, d, errs, err)
}

func (c *Console) updateDish(ctx *fiber.Ctx) error {
	id := paramID(ctx, "id")
	old, err := c.Canteen.Dish(ctx.UserContext(), actor(ctx), id)
	if err != nil {
		return err
	}
	in, errs := dishInput(ctx, true)
	var d *canteen.Dish
	if len(errs) == 0 {
		d, err = c.Canteen.UpdateDish(ctx.UserContext(), id, in)
	}
	return c.afterDish(ctx, "编辑菜品", *old, in, d, errs, err)
}

// afterDish goes back to the library when the dish was saved, or shows the
// form again with what was typed and what is wrong.
func (c *Console) afterDish(ctx *fiber.Ctx, title string, base canteen.Dish, in canteen.DishInput, saved *canteen.Dish, errs map[string]string, err error) error {
	if len(errs) == 0 && err == nil {
		return ctx.Redirect(Prefix+"/canteen/dishes?"+url.Values{"q": {saved.Name}}.Encode(), http.StatusSeeOther)
	}
	status := http.StatusBadRequest
	if err != nil {
		st, s, ok := c.refusal(err)
		if !ok {
			return err
		}
		maps.Copy(errs, st.Errors)
		status = s
	}
	typed := base
	typed.Name, typed.Category, typed.ImageURL = *in.Name, *in.Category, *in.ImageURL
	typed.PriceCents, typed.SpicyLevel, typed.Vegetarian, typed.Allergens = *in.PriceCents, *in.SpicyLevel, *in.Vegetarian, *in.Allergens
	typed.Calories = in.Calories
	if in.Active != nil {
		typed.Active = *in.Active
	}
	f := c.dishForm(typed, errs)
	f.Price, f.Calories = ctx.FormValue("price"), ctx.FormValue("calories")
	return c.render(ctx.Status(status), "canteen_dish.html", view{Title: title, Data: f})
}
