package demo

import (
	"fmt"

	"houqin/models/maint"
	"houqin/models/store"
)

// demoFloors are the centre's floors: building 1 has 12, buildings 2-5 six.
func demoFloors() (floors []struct{ building, floor string }) {
	for b := 1; b <= 5; b++ {
		n := 6
		if b == 1 {
			n = 12
		}
		for f := 1; f <= n; f++ {
			floors = append(floors, struct{ building, floor string }{fmt.Sprintf("%d号楼", b), fmt.Sprintf("%d层", f)})
		}
	}
	return floors
}

// demoPlans are the year's planned work, by asset kind (or one asset code).
var demoPlans = []struct {
	plan      maint.Plan
	assetCode string
}{
	{plan: maint.Plan{Name: "空调回风滤网清洗（夏季前）", AssetKind: "filter_group", Checklist: maint.List[string]{"拆下滤网", "清洗晾干", "检查破损并更换", "复位并试机"},
		CycleUnit: maint.CycleYear, CycleEvery: 1, StartOn: store.Date{Year: 2026, Month: 6, Day: 1}, LeadDays: 45, Team: "空调班"}},
	{plan: maint.Plan{Name: "空调水系统阀门检修（夏季前）", AssetKind: "valve_group", Checklist: maint.List[string]{"开关试验", "检查渗漏", "紧固填料", "除锈刷漆"},
		CycleUnit: maint.CycleYear, CycleEvery: 1, StartOn: store.Date{Year: 2026, Month: 6, Day: 1}, LeadDays: 45, Team: "水电班"}},
	{plan: maint.Plan{Name: "灭火器月度检查", AssetKind: "fire_extinguisher", Checklist: maint.List[string]{"外观及铭牌", "压力表指针在绿区", "铅封完好", "摆放位置及标识"},
		CycleUnit: maint.CycleMonth, CycleEvery: 1, StartOn: store.Date{Year: 2026, Month: 1, Day: 25}, LeadDays: 7, Team: "消防班"}},
	{plan: maint.Plan{Name: "灭火器年度充装", AssetKind: "fire_extinguisher", Checklist: maint.List[string]{"送检充装", "更换压力表（如需）", "贴检验标签"},
		CycleUnit: maint.CycleYear, CycleEvery: 1, StartOn: store.Date{Year: 2026, Month: 3, Day: 15}, LeadDays: 30, Team: "消防班"}},
	{plan: maint.Plan{Name: "生活水箱清洗消毒", Checklist: maint.List[string]{"排空", "清洗", "消毒", "水质送检", "记录余氯"},
		CycleUnit: maint.CycleMonth, CycleEvery: 6, StartOn: store.Date{Year: 2026, Month: 6, Day: 15}, LeadDays: 14, Team: "水电班"}, assetCode: "WT-1-B1"},
	{plan: maint.Plan{Name: "电梯半月维保", AssetKind: "lift", Checklist: maint.List[string]{"曳引机及制动器", "门系统", "安全回路", "轿厢照明及通话"},
		CycleUnit: maint.CycleDay, CycleEvery: 15, StartOn: store.Date{Year: 2026, Month: 11, Day: 20}, LeadDays: 7, Team: "电梯维保单位"}},
	{plan: maint.Plan{Name: "消防系统月度巡查", AssetKind: "fire_system", Checklist: maint.List[string]{"报警主机自检", "喷淋泵手动启动", "消火栓水压", "防火门闭合"},
		CycleUnit: maint.CycleMonth, CycleEvery: 1, StartOn: store.Date{Year: 2026, Month: 1, Day: 10}, LeadDays: 5, Team: "消防班"}},
}

// seedMaint registers the centre's equipment at the work report's scale:
// 2,000+ return-air filters and 1,000+ valves in floor groups, 178
// extinguishers, the water tank, the lifts and the fire systems, with the
// plans that keep them; the technician takes the extinguishers and lifts.
func seedMaint(tx *store.Tx, users Users) error {
	var assets []maint.Asset
	add := func(code, name string, kind maint.AssetKind, building, floor, location string, qty int) {
		assets = append(assets, maint.Asset{Code: code, Name: name, Kind: kind, Building: building, Floor: floor,
			Location: location, Quantity: qty, Active: true, InstalledOn: &store.Date{Year: 2008, Month: 9, Day: 1}})
	}
	floors := demoFloors() // 36
	extinguishers := 178
	for i, f := range floors {
		tag := fmt.Sprintf("%d-%02d", i/12+1, i%12+1)
		add("AF-"+tag, f.building+f.floor+"回风滤网", "filter_group", f.building, f.floor, "吊顶回风口", 57)
		add("VL-"+tag, f.building+f.floor+"空调水阀门", "valve_group", f.building, f.floor, "管井", 28)
		n := min(5, extinguishers-4*(len(floors)-i-1))
		extinguishers -= n
		add("FE-"+tag, f.building+f.floor+"灭火器", "fire_extinguisher", f.building, f.floor, "消防箱", n)
	}
	add("WT-1-B1", "生活水箱", "water_tank", "1号楼", "地下一层", "水泵房", 1)
	for b := 1; b <= 5; b++ {
		lifts := 2
		if b == 1 {
			lifts = 4
		}
		for l := 1; l <= lifts; l++ {
			add(fmt.Sprintf("LF-%d-%d", b, l), fmt.Sprintf("%d号楼%d号电梯", b, l), "lift", fmt.Sprintf("%d号楼", b), "", "电梯厅", 1)
		}
		add(fmt.Sprintf("FS-%d", b), fmt.Sprintf("%d号楼火灾报警及喷淋系统", b), "fire_system", fmt.Sprintf("%d号楼", b), "1层", "消防控制室", 1)
	}
	if err := tx.CreateInBatches(&assets, 50).Error; err != nil {
		return err
	}
	codes := map[string]int64{}
	for _, a := range assets {
		codes[a.Code] = a.ID
	}
	tech := users["technician"]
	for _, d := range demoPlans {
		p := d.plan
		p.Active = true
		if d.assetCode != "" {
			id := codes[d.assetCode]
			p.AssetID = &id
		}
		if p.AssetKind == "fire_extinguisher" || p.AssetKind == "lift" {
			p.TechnicianID = &tech
		}
		p.Schedule(tx.Today())
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
	}
	return nil
}
