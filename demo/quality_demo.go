package demo

import (
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
