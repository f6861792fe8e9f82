package demo

import (
	"slices"

	"houqin/models/canteen"
	"houqin/models/store"
)

type demoDish struct {
	name         string
	category     canteen.DishCategory
	price, spicy int
	vegetarian   bool
	allergens    []string
}

// demoDishes is a government canteen's usual repertoire (荤菜, 素菜, 汤,
// 主食, 面点, 水果, 饮品), prices in fen.
var demoDishes = []demoDish{
	{"红烧肉", "meat", 1200, 0, false, nil},
	{"宫保鸡丁", "meat", 1000, 2, false, []string{"peanut"}},
	{"鱼香肉丝", "meat", 900, 1, false, nil},
	{"糖醋里脊", "meat", 1100, 0, false, []string{"gluten"}},
	{"清蒸鲈鱼", "meat", 1500, 0, false, []string{"fish"}},
	{"红烧排骨", "meat", 1300, 0, false, nil},
	{"土豆烧牛肉", "meat", 1400, 0, false, nil},
	{"回锅肉", "meat", 1000, 2, false, nil},
	{"可乐鸡翅", "meat", 1000, 0, false, nil},
	{"梅菜扣肉", "meat", 1200, 0, false, nil},
	{"咖喱鸡块", "meat", 1000, 1, false, nil},
	{"油焖大虾", "meat", 1800, 0, false, []string{"shellfish"}},
	{"清炒时蔬", "vegetable", 400, 0, true, nil},
	{"蒜蓉西兰花", "vegetable", 500, 0, true, nil},
	{"麻婆豆腐", "vegetable", 500, 3, false, []string{"soy"}},
	{"地三鲜", "vegetable", 500, 0, true, nil},
	{"干煸四季豆", "vegetable", 500, 1, true, nil},
	{"手撕包菜", "vegetable", 400, 1, true, nil},
	{"醋溜土豆丝", "vegetable", 400, 0, true, nil},
	{"香菇青菜", "vegetable", 500, 0, true, nil},
	{"番茄炒蛋", "vegetable", 600, 0, true, []string{"egg"}},
	{"西芹百合", "vegetable", 600, 0, true, nil},
	{"番茄蛋汤", "soup", 200, 0, true, []string{"egg"}},
	{"紫菜蛋花汤", "soup", 200, 0, true, []string{"egg"}},
	{"冬瓜排骨汤", "soup", 300, 0, false, nil},
	{"酸辣汤", "soup", 200, 1, false, []string{"egg"}},
	{"玉米排骨汤", "soup", 300, 0, false, nil},
	{"米饭", "staple", 100, 0, true, nil},
	{"杂粮饭", "staple", 150, 0, true, nil},
	{"扬州炒饭", "staple", 800, 0, false, []string{"egg"}},
	{"白粥", "staple", 100, 0, true, nil},
	{"小米粥", "staple", 100, 0, true, nil},
	{"肉包", "pastry", 150, 0, false, []string{"gluten"}},
	{"菜包", "pastry", 120, 0, true, []string{"gluten"}},
	{"花卷", "pastry", 100, 0, true, []string{"gluten"}},
	{"油条", "pastry", 150, 0, true, []string{"gluten"}},
	{"小笼包", "pastry", 600, 0, false, []string{"gluten"}},
	{"韭菜盒子", "pastry", 300, 0, true, []string{"gluten", "egg"}},
	{"阳春面", "pastry", 600, 0, true, []string{"gluten"}},
	{"苹果", "fruit", 200, 0, true, nil},
	{"香蕉", "fruit", 200, 0, true, nil},
	{"豆浆", "drink", 150, 0, true, []string{"soy"}},
	{"酸梅汤", "drink", 300, 0, true, nil},
}

// seedCanteen creates 机关食堂 with its dishes and a published two-week
// menu from today: three meals on workdays, lunch only at weekends (for
// the staff on duty).
func seedCanteen(tx *store.Tx, _ Users) error {
	c := canteen.Canteen{Name: "机关食堂", Location: "区行政中心2号楼一楼", Meals: canteen.DefaultMealSchedules}
	if err := tx.Create(&c).Error; err != nil {
		return err
	}
	byCat := map[canteen.DishCategory][]int64{}
	byName := map[string]int64{}
	for _, dd := range demoDishes {
		d := canteen.Dish{Name: dd.name, Category: dd.category, PriceCents: dd.price, SpicyLevel: dd.spicy,
			Vegetarian: dd.vegetarian, Allergens: store.Words(dd.allergens), Active: true}
		if d.Allergens == nil {
			d.Allergens = store.Words{}
		}
		if err := tx.Create(&d).Error; err != nil {
			return err
		}
		byCat[d.Category] = append(byCat[d.Category], d.ID)
		byName[d.Name] = d.ID
	}
	pick := func(cat canteen.DishCategory, day, n, stride int) []int64 {
		all := byCat[cat]
		out := make([]int64, 0, n)
		for k := 0; k < n; k++ {
			out = append(out, all[(day*stride+k*3)%len(all)])
		}
		return out
	}
	// Rotations over disjoint slices of the repertoire keep each day different.
	var pastries []int64
	for _, n := range []string{"肉包", "菜包", "花卷", "小笼包", "韭菜盒子"} {
		pastries = append(pastries, byName[n])
	}
	today := tx.Today()
	for i := range 14 {
		d := today.AddDays(i)
		weekend := d.Weekday() == 0 || d.Weekday() == 6
		lunch := slices.Concat(pick("meat", i, 4, 5), pick("vegetable", i, 3, 4), pick("soup", i, 1, 1),
			[]int64{byName["米饭"], byName["杂粮饭"]}, []int64{pastries[i%5]}, pick("fruit", i, 1, 1))
		menus := map[canteen.Meal][]int64{canteen.Lunch: lunch}
		if !weekend {
			porridge := byName["白粥"]
			if i%2 == 1 {
				porridge = byName["小米粥"]
			}
			menus[canteen.Breakfast] = []int64{byName["豆浆"], porridge, pastries[i%5], pastries[(i+2)%5], byName["油条"]}
			menus[canteen.Dinner] = slices.Concat(pick("meat", i+3, 2, 7), pick("vegetable", i+5, 2, 3), pick("soup", i+2, 1, 1),
				[]int64{byName["米饭"], byName["阳春面"]})
		}
		for meal, dishes := range menus {
			m := canteen.Menu{CanteenID: c.ID, Date: d, Meal: meal, Status: canteen.MenuPublished, PublishedAt: &tx.Now}
			if err := tx.Create(&m).Error; err != nil {
				return err
			}
			items := make([]canteen.MenuItem, 0, len(dishes))
			for pos, id := range dishes {
				items = append(items, canteen.MenuItem{MenuID: m.ID, DishID: id, Position: pos})
			}
			if err := tx.Create(&items).Error; err != nil {
				return err
			}
		}
	}
	return nil
}
