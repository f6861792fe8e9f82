package demo

import (
	"houqin/models/stock"
	"houqin/models/store"
)

// demoStock is the maintenance team's store: the filters, valves,
// extinguisher refills, lamps and taps the year's work takes, each with
// its deliveries (quantity, price in cents (分), supplier).
var demoStock = []struct {
	item     stock.Item
	receipts []stock.Move
}{
	{stock.Item{Name: "空调回风滤网", Spec: "595×595×21mm G4", Unit: "片", ReorderLevel: 200, Location: "地下一层物资库A-01"},
		[]stock.Move{{Quantity: 1200, UnitCostCents: 1850, Supplier: "康洁滤材有限公司"}, {Quantity: 1000, UnitCostCents: 1900, Supplier: "康洁滤材有限公司"}}},
	{stock.Item{Name: "空调回风滤网", Spec: "495×495×21mm G4", Unit: "片", ReorderLevel: 100, Location: "地下一层物资库A-02"},
		[]stock.Move{{Quantity: 800, UnitCostCents: 1650, Supplier: "康洁滤材有限公司"}}},
	{stock.Item{Name: "铜截止阀", Spec: "DN15", Unit: "个", ReorderLevel: 50, Location: "地下一层物资库A-03"},
		[]stock.Move{{Quantity: 300, UnitCostCents: 2800, Supplier: "永固阀门经营部"}}},
	{stock.Item{Name: "铜截止阀", Spec: "DN20", Unit: "个", ReorderLevel: 50, Location: "地下一层物资库A-03"},
		[]stock.Move{{Quantity: 200, UnitCostCents: 3600, Supplier: "永固阀门经营部"}}},
	{stock.Item{Name: "闸阀", Spec: "DN50", Unit: "个", ReorderLevel: 10, Location: "地下一层物资库A-04"},
		[]stock.Move{{Quantity: 40, UnitCostCents: 18500, Supplier: "永固阀门经营部"}}},
	{stock.Item{Name: "灭火器充装药剂", Spec: "ABC干粉 4kg", Unit: "瓶", ReorderLevel: 30, Location: "地下一层物资库B-01"},
		[]stock.Move{{Quantity: 178, UnitCostCents: 2600, Supplier: "区消防器材服务站"}}},
	{stock.Item{Name: "灭火器压力表", Spec: "0-2.5MPa", Unit: "个", ReorderLevel: 20, Location: "地下一层物资库B-01"},
		[]stock.Move{{Quantity: 60, UnitCostCents: 800, Supplier: "区消防器材服务站"}}},
	{stock.Item{Name: "LED灯管", Spec: "T8 1.2m 18W", Unit: "支", ReorderLevel: 100, Location: "地下一层物资库C-01"},
		[]stock.Move{{Quantity: 600, UnitCostCents: 1200, Supplier: "明亮照明器材"}}},
	{stock.Item{Name: "LED筒灯", Spec: "6寸 12W", Unit: "个", ReorderLevel: 50, Location: "地下一层物资库C-02"},
		[]stock.Move{{Quantity: 200, UnitCostCents: 2300, Supplier: "明亮照明器材"}}},
	{stock.Item{Name: "应急照明灯", Spec: "双头 LED", Unit: "个", ReorderLevel: 10, Location: "地下一层物资库C-03"},
		[]stock.Move{{Quantity: 30, UnitCostCents: 6800, Supplier: "区消防器材服务站"}}},
	{stock.Item{Name: "感应水龙头", Spec: "交直流两用", Unit: "个", ReorderLevel: 10, Location: "地下一层物资库D-01"},
		[]stock.Move{{Quantity: 24, UnitCostCents: 32000, Supplier: "洁雅卫浴"}}},
	{stock.Item{Name: "单冷水龙头", Spec: "DN15", Unit: "个", ReorderLevel: 20, Location: "地下一层物资库D-01"},
		[]stock.Move{{Quantity: 60, UnitCostCents: 4500, Supplier: "洁雅卫浴"}}},
	{stock.Item{Name: "三角阀", Spec: "DN15", Unit: "个", ReorderLevel: 30, Location: "地下一层物资库D-02"},
		[]stock.Move{{Quantity: 8, UnitCostCents: 1800, Supplier: "洁雅卫浴"}}},
}

// seedStock stocks the store through receipts on each item's ledger, its
// stock and value summed from them; an item already low counts as alerted.
func seedStock(tx *store.Tx, users Users) error {
	for _, d := range demoStock {
		it := d.item
		it.Active = true
		for _, r := range d.receipts {
			it.OnHand += r.Quantity
			it.ValueCents += int64(r.Quantity) * r.UnitCostCents
		}
		if it.Low() {
			it.LowNotifiedAt = &tx.Now
		}
		if err := tx.Create(&it).Error; err != nil {
			return err
		}
		onHand := 0
		for _, r := range d.receipts {
			onHand += r.Quantity
			r.ItemID, r.Kind, r.ValueCents, r.ByID, r.OnHand, r.CreatedAt = it.ID, stock.MoveReceipt,
				int64(r.Quantity)*r.UnitCostCents, users["storekeeper"], onHand, tx.Now
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
		}
	}
	return nil
}
