package demo

import (
	"time"

	"houqin/models/inspect"
	"houqin/models/store"
	"houqin/models/team"
)

// demoTeams are the centre's service teams, each led by the demo account
// that works in it (admin stands in where the demo has no such role).
var demoTeams = []struct {
	name  string
	lead  string
	areas []team.Area
}{
	{"维修班", "technician", []team.Area{{Kind: team.AreaRepairCategory, Value: "water"}, {Kind: team.AreaRepairCategory, Value: "power"},
		{Kind: team.AreaRepairCategory, Value: "air_conditioning"}, {Kind: team.AreaPlace, Value: "地下车库"}}},
	{"食堂", "canteen_admin", []team.Area{{Kind: team.AreaPlace, Value: "机关食堂"}}},
	{"会务", "meeting_admin", []team.Area{{Kind: team.AreaPlace, Value: "1号楼会议室"}}},
	{"班车", "driver", []team.Area{{Kind: team.AreaPlace, Value: "班车"}}},
	{"保洁绿化", "storekeeper", []team.Area{{Kind: team.AreaPlace, Value: "行政中心广场"}, {Kind: team.AreaPlace, Value: "1号楼"}}},
	{"安保", "admin", []team.Area{{Kind: team.AreaPlace, Value: "行政中心大门"}}},
}

// seedTeams creates the teams; it returns their ids by name through Users
// keys "team:<name>" for the seeders that run after it.
func seedTeams(tx *store.Tx, users Users) error {
	for _, d := range demoTeams {
		lead := users[d.lead]
		t := team.Team{Name: d.name, LeadID: &lead}
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		if err := tx.Create(&team.Member{TeamID: t.ID, UserID: lead, CreatedAt: tx.Now}).Error; err != nil {
			return err
		}
		for _, a := range d.areas {
			a.TeamID = t.ID
			if err := tx.Create(&a).Error; err != nil {
				return err
			}
		}
		users["team:"+d.name] = t.ID
	}
	return nil
}

// demoFindings are what the inspection group writes down, with the team
// each goes to.
var demoFindings = []struct{ team, what string }{
	{"维修班", "卫生间洗手台水龙头滴水"},
	{"保洁绿化", "楼梯间堆放杂物，影响疏散"},
	{"维修班", "走廊两盏吸顶灯不亮"},
	{"安保", "消防通道门常闭装置损坏，门无法自动关闭"},
	{"食堂", "餐厅取餐区地面湿滑，未放置警示牌"},
	{"会务", "会议室投影仪遥控器缺失"},
	{"保洁绿化", "广场东侧草坪有枯黄斑块，需补种"},
	{"维修班", "空调回风口滤网积灰严重"},
	{"安保", "地下车库监控探头角度偏移"},
	{"班车", "政法班车车厢座椅套破损"},
}

var demoPlaces = []struct{ building, floor, area string }{
	{"1号楼", "3层", "东侧卫生间"}, {"2号楼", "1层", "大厅"}, {"机关食堂", "1层", "餐厅"}, {"1号楼", "12层", "走廊"},
	{"地下车库", "B1", "东区"}, {"3号楼", "5层", "会议室"}, {"行政中心广场", "", "东侧草坪"},
}

// seedInspections records a month of inspections, two a week, some off
// hours, each with its findings in every state: the old ones checked, the
// last week's still with the teams, one of them late.
func seedInspections(tx *store.Tx, users Users) error {
	inspector := users["inspector"]
	k := 0
	for i := range 8 {
		daysAgo := 30 - 4*i
		at := tx.Now.AddDate(0, 0, -daysAgo).Truncate(time.Hour)
		kind, offHours := inspect.KindPlanned, i%3 == 2
		if i%2 == 1 {
			kind = inspect.KindSpot
		}
		if offHours {
			at = at.Add(-3 * time.Hour)
		}
		place := demoPlaces[i%len(demoPlaces)]
		ins := inspect.Inspection{InspectorID: inspector, At: at, Building: place.building, Floor: place.floor, Area: place.area,
			Kind: kind, OffHours: offHours, CreatedAt: at}
		if err := tx.Create(&ins).Error; err != nil {
			return err
		}
		for j := range 3 + i%3 {
			f := demoFindings[k%len(demoFindings)]
			k++
			teamID := users["team:"+f.team]
			p := inspect.Problem{InspectionID: ins.ID, Description: f.what, TeamID: teamID, Deadline: at.Add(72 * time.Hour),
				Status: inspect.StatusOpen, CreatedAt: at, UpdatedAt: at}
			fixedAt, checkedAt := at.Add(time.Duration(20+10*j)*time.Hour), at.Add(time.Duration(30+10*j)*time.Hour)
			fixer := users[demoTeamLead(f.team)]
			switch {
			case daysAgo > 8:
				p.Status, p.FixNote, p.FixedByID, p.FixedAt = inspect.StatusVerified, "已整改完毕，见照片。", &fixer, &fixedAt
				p.VerifiedByID, p.VerifiedAt, p.UpdatedAt = &inspector, &checkedAt, checkedAt
			case j == 0:
				p.Status, p.FixNote, p.FixedByID, p.FixedAt, p.UpdatedAt = inspect.StatusFixed, "已处理，请复查。", &fixer, &fixedAt, fixedAt
			case daysAgo > 3:
				p.OverdueNotifiedAt = &p.Deadline // late, and its lead already told
			}
			if err := tx.Create(&p).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// demoTeamLead names the demo account leading a team.
func demoTeamLead(name string) string {
	for _, d := range demoTeams {
		if d.name == name {
			return d.lead
		}
	}
	return "admin"
}
