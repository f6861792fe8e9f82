package demo

import (
	"time"

	"houqin/models/complaint"
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
		kind, offHours := inspect.KindPlanned, i%3 == 2
		if i%2 == 1 {
			kind = inspect.KindSpot
		}
		at := tx.Today().AddDays(-daysAgo).At(10, 0, tx.Location())
		if offHours {
			at = at.Add(9*time.Hour + 30*time.Minute) // 19:30, after the offices close
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

// demoComplaints are a month of the box: who files (a demo account),
// about what, which team answers, and how far it has got.
var demoComplaints = []struct {
	daysAgo           int
	area              complaint.Area
	kind              complaint.Kind
	text, team, reply string
	anonymous, urgent bool
	status            complaint.Status
}{
	{28, complaint.AreaCanteen, complaint.KindComplaint, "午餐红烧肉偏咸，已连续两天。", "食堂", "已与厨师沟通，调整用盐量，欢迎继续监督。", true, false, complaint.StatusAccepted},
	{25, complaint.AreaShuttle, complaint.KindComplaint, "政法班车早班晚点二十分钟，未提前通知。", "班车", "车辆临时故障，已更换备用车，今后晚点将在App推送。", false, false, complaint.StatusAccepted},
	{21, complaint.AreaCanteen, complaint.KindSuggestion, "希望早餐增加杂粮粥。", "食堂", "下周起每周二、四供应杂粮粥。", false, false, complaint.StatusAccepted},
	{18, complaint.AreaEnvironment, complaint.KindComplaint, "3号楼五楼卫生间异味较重。", "保洁绿化", "已增加保洁频次并检修排风扇。", true, false, complaint.StatusReplied},
	{14, complaint.AreaMeetings, complaint.KindComplaint, "第一会议室投影仪开会前未调试好，耽误十分钟。", "会务", "已要求会前30分钟完成设备调试并签字确认。", false, false, complaint.StatusAccepted},
	{10, complaint.AreaRepairs, complaint.KindComplaint, "报修空调三天未处理。", "维修班", "配件到货延迟，已于今日修复，致歉。", false, true, complaint.StatusAccepted},
	{7, complaint.AreaEnvironment, complaint.KindSuggestion, "广场东侧路灯偏暗，夜间加班出行不便。", "维修班", "", false, false, complaint.StatusRouted},
	{4, complaint.AreaOther, complaint.KindComplaint, "地下车库出口道闸经常抬杆缓慢。", "安保", "", true, false, complaint.StatusRouted},
	{1, complaint.AreaCanteen, complaint.KindComplaint, "晚餐菜品售罄过早，18点已无热菜。", "", "", false, false, complaint.StatusSubmitted},
}

// seedComplaints files the demo month of complaints by the staff account,
// each answered as far as its status says; the late ones count as alerted.
func seedComplaints(tx *store.Tx, users Users) error {
	for _, d := range demoComplaints {
		at := tx.Now.AddDate(0, 0, -d.daysAgo)
		due := at.Add(48 * time.Hour)
		if d.urgent {
			due = at.Add(2 * time.Hour)
		}
		c := complaint.Complaint{FilerID: users["staff"], Area: d.area, Kind: d.kind, Text: d.text, Anonymous: d.anonymous,
			Urgent: d.urgent, Status: d.status, DueAt: due, CreatedAt: at, UpdatedAt: at}
		if d.team != "" {
			id := users["team:"+d.team]
			c.TeamID = &id
		}
		if d.reply != "" {
			replied := due.Add(-time.Hour)
			c.Reply, c.RepliedAt, c.UpdatedAt = d.reply, &replied, replied
		}
		if d.status == complaint.StatusAccepted {
			c.ClosedAt = c.RepliedAt
		}
		if due.Before(tx.Now) && c.RepliedAt == nil {
			c.OverdueNotifiedAt = &due
		}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
	}
	return nil
}
