package demo

import (
	"time"

	"houqin/models/repair"
	"houqin/models/store"
)

// seedRepairs files a few requests and walks them through the workflow at
// past times, so the demo shows every state with a real timeline.
func seedRepairs(tx *store.Tx, users Users) error {
	staff := store.Actor{ID: users["staff"], Roles: store.Roles{store.RoleStaff}}
	desk := store.Actor{ID: users["dispatcher"], Roles: store.Roles{store.RoleStaff, store.RoleDispatcher}}
	tech := store.Actor{ID: users["technician"], Roles: store.Roles{store.RoleStaff, store.RoleTechnician}}
	assign := repair.StepInput{Action: repair.RepairAssign, TechnicianID: tech.ID}
	type step struct {
		by    store.Actor
		after time.Duration
		repair.StepInput
	}
	demos := []struct {
		by                             store.Actor
		forID                          int64
		category, priority, loc, descr string
		ago                            time.Duration
		steps                          []step
	}{
		{staff, 0, "air_conditioning", "normal", "1号楼三楼第一会议室", "空调不制冷，出风口有异响。", 50 * time.Hour, []step{
			{desk, 20 * time.Minute, assign},
			{tech, 60 * time.Minute, repair.StepInput{Action: repair.RepairStart}},
			{tech, 150 * time.Minute, repair.StepInput{Action: repair.RepairResolve, Note: "更换回风滤网，清洗冷凝器，制冷恢复正常。"}},
			{desk, 20 * time.Hour, repair.StepInput{Action: repair.RepairCallback, Scores: repair.RepairScores{Attitude: 5, Quality: 5, Cleanliness: 4, Comment: "电话回访：满意，现场已清理。"}}},
		}},
		{desk, users["staff"], "water", "urgent", "2号楼五楼东侧卫生间", "洗手台下水管漏水，地面有积水。", 26 * time.Hour, []step{
			{desk, 10 * time.Minute, assign},
			{tech, 15 * time.Minute, repair.StepInput{Action: repair.RepairStart}},
			{tech, 70 * time.Minute, repair.StepInput{Action: repair.RepairResolve, Note: "更换下水管密封圈，已试水无渗漏。"}},
		}},
		{staff, 0, "power", "normal", "3号楼二楼207办公室", "两组日光灯不亮，开关无反应。", 5 * time.Hour, []step{
			{desk, 40 * time.Minute, assign},
			{tech, 3 * time.Hour, repair.StepInput{Action: repair.RepairStart}},
		}},
		{staff, 0, "network", "low", "1号楼十二楼1205室", "网口松动，电脑时常断网。", 3 * time.Hour, []step{
			{desk, 30 * time.Minute, assign},
		}},
		{staff, 0, "door_window", "low", "5号楼一楼大厅", "玻璃门闭门器失灵，关门太重。", 90 * time.Minute, nil},
		{staff, 0, "lift", "urgent", "4号楼2号电梯", "电梯门关不上，反复开合。", 80 * time.Hour, []step{
			{desk, 10 * time.Minute, repair.StepInput{Action: repair.RepairReject, Note: "电梯由维保公司负责，已转交维保单位 8631xxxx。"}},
		}},
		{staff, 0, "other", "low", "老干部活动中心棋牌室", "椅子扶手松动。", 30 * time.Hour, []step{
			{staff, 2 * time.Hour, repair.StepInput{Action: repair.RepairCancel, Note: "已自行处理。"}},
		}},
	}
	now := tx.Now
	defer func() { tx.Now = now }()
	for _, d := range demos {
		tx.Now = now.Add(-d.ago)
		r := &repair.Repair{RequesterID: d.by.ID, EnteredByID: d.by.ID, Category: repair.Category(d.category), Priority: repair.Priority(d.priority),
			Location: d.loc, Description: d.descr, Status: repair.RepairSubmitted}
		if d.forID != 0 {
			r.RequesterID = d.forID
		}
		if err := repair.FileTx(tx, d.by, r); err != nil {
			return err
		}
		for _, s := range d.steps {
			tx.Now = tx.Now.Add(s.after)
			if err := repair.ActTx(tx, s.by, r.ID, s.StepInput, r); err != nil {
				return err
			}
		}
	}
	return nil
}
