// Package team holds the service teams (维修班, 食堂, 会务, 班车, …): their
// members, their lead and the service areas they answer for. Inspections,
// the complaints box and the assessment route work to teams and ask who
// belongs to one, so it sits in the core beside people and notify.
package team

import (
	"errors"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }

// Team is one service team. Its lead is also a member.
type Team struct {
	ID        int64  `gorm:"primaryKey"`
	Name      string `gorm:"size:50"`
	LeadID    *int64
	CreatedAt time.Time
	UpdatedAt time.Time
	Members   []int64 `gorm:"-"`
	Areas     []Area  `gorm:"-"`
}

// Member is one user's place in a team.
type Member struct {
	TeamID    int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
}

// TableName names the membership table.
func (Member) TableName() string { return "team_members" }

// AreaKind is what kind of thing a team answers for.
type AreaKind string

const (
	AreaRepairCategory AreaKind = "repair_category"
	AreaCanteen        AreaKind = "canteen"
	AreaShuttleRoute   AreaKind = "shuttle_route"
	AreaRoom           AreaKind = "room"
	AreaPlace          AreaKind = "area"
)

// AreaKinds lists the kinds in display order.
var AreaKinds = []AreaKind{AreaRepairCategory, AreaCanteen, AreaShuttleRoute, AreaRoom, AreaPlace}

// Enum lists the kinds (store.Enumerated).
func (AreaKind) Enum() []string { return store.Strings(AreaKinds) }

// Area is one thing a team answers for: a repair category ("water"), a
// canteen, route or room by id, or a named place ("1号楼", "广场绿化").
type Area struct {
	TeamID int64    `gorm:"primaryKey;autoIncrement:false" json:"-"`
	Kind   AreaKind `gorm:"primaryKey;size:20" json:"kind"`
	Value  string   `gorm:"primaryKey;size:100" json:"value"`
}

// TableName names the areas table.
func (Area) TableName() string { return "team_areas" }

// IsMember reports whether user belongs to team.
func IsMember(db *gorm.DB, teamID, userID int64) (bool, error) {
	var n int64
	err := db.Model(&Member{}).Where("team_id = ? AND user_id = ?", teamID, userID).Count(&n).Error
	return n > 0, err
}

// Of returns the ids of the teams user belongs to.
func Of(db *gorm.DB, userID int64) ([]int64, error) {
	ids := []int64{}
	err := db.Model(&Member{}).Where("user_id = ?", userID).Order("team_id").Pluck("team_id", &ids).Error
	return ids, err
}

// Members returns the ids of a team's members.
func Members(db *gorm.DB, teamID int64) ([]int64, error) {
	var ids []int64
	err := db.Model(&Member{}).Where("team_id = ?", teamID).Order("user_id").Pluck("user_id", &ids).Error
	return ids, err
}

// Lead returns who answers for a team when its work runs late: the lead, or
// every member of a team that has none.
func Lead(db *gorm.DB, teamID int64) ([]int64, error) {
	var t Team
	if err := db.Select("id", "lead_id").Take(&t, teamID).Error; err != nil {
		return nil, err
	}
	if t.LeadID != nil {
		return []int64{*t.LeadID}, nil
	}
	return Members(db, teamID)
}

// Find returns a team by id, for a field of a request that names it.
func Find(db *gorm.DB, field string, id int64) (*Team, error) {
	var t Team
	err := db.Take(&t, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, store.InvalidField(field, "no such team")
	}
	return &t, err
}

// fill loads the members and areas of teams.
func fill(db *gorm.DB, teams []Team) error {
	if len(teams) == 0 {
		return nil
	}
	ids := make([]int64, len(teams))
	at := make(map[int64]*Team, len(teams))
	for i := range teams {
		ids[i], at[teams[i].ID] = teams[i].ID, &teams[i]
		teams[i].Members, teams[i].Areas = []int64{}, []Area{}
	}
	var ms []Member
	if err := db.Where("team_id IN ?", ids).Order("user_id").Find(&ms).Error; err != nil {
		return err
	}
	for _, m := range ms {
		at[m.TeamID].Members = append(at[m.TeamID].Members, m.UserID)
	}
	var as []Area
	if err := db.Where("team_id IN ?", ids).Order("kind, value").Find(&as).Error; err != nil {
		return err
	}
	for _, a := range as {
		at[a.TeamID].Areas = append(at[a.TeamID].Areas, a)
	}
	return nil
}
