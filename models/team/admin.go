package team

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"houqin/models/store"
)

// Input describes a new team; the lead, when given, becomes a member.
type Input struct {
	Name    string
	LeadID  *int64
	Members []int64
	Areas   []Area
}

// Create adds a team (admin).
func (s *Service) Create(ctx context.Context, in Input) (_ *Team, err error) {
	defer store.Wrap(&err, "team create")
	t := &Team{Name: in.Name, LeadID: in.LeadID}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.Create(t).Error; err != nil {
			return err
		}
		return setMembersAndAreas(tx, t, in.Members, in.Areas)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, store.Actor{Roles: store.Roles{store.RoleAdmin}}, t.ID)
}

// Patch edits a team; nil fields stay, and Members or Areas, when given,
// replace the whole set.
type Patch struct {
	Name    *string
	LeadID  *int64 // 0 removes the lead
	Members *[]int64
	Areas   *[]Area
}

// Update applies p (admin).
func (s *Service) Update(ctx context.Context, id int64, p Patch) (_ *Team, err error) {
	defer store.Wrap(&err, "team update")
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var t Team
		if err := tx.ForUpdate().Take(&t, id).Error; err != nil {
			return store.NotFound(err, "team")
		}
		store.Patch(&t.Name, p.Name)
		if p.LeadID != nil {
			t.LeadID = p.LeadID
			if *p.LeadID == 0 {
				t.LeadID = nil
			}
		}
		if err := tx.DB.Select("name", "lead_id", "updated_at").Save(&t).Error; err != nil {
			return err
		}
		members, areas := p.Members, p.Areas
		if members == nil {
			current, err := Members(tx.DB, id)
			if err != nil {
				return err
			}
			members = &current
		}
		if areas == nil {
			var current []Area
			if err := tx.DB.Where("team_id = ?", id).Find(&current).Error; err != nil {
				return err
			}
			areas = &current
		}
		return setMembersAndAreas(tx, &t, *members, *areas)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, store.Actor{Roles: store.Roles{store.RoleAdmin}}, id)
}

// setMembersAndAreas replaces t's members (its lead among them) and areas.
func setMembersAndAreas(tx *store.Tx, t *Team, members []int64, areas []Area) error {
	members = slices.Clone(members)
	if t.LeadID != nil {
		members = append(members, *t.LeadID)
	}
	slices.Sort(members)
	members = slices.Compact(members)
	if err := usersExist(tx.DB, members); err != nil {
		return err
	}
	if err := tx.Where("team_id = ?", t.ID).Delete(&Member{}).Error; err != nil {
		return err
	}
	if err := tx.Where("team_id = ?", t.ID).Delete(&Area{}).Error; err != nil {
		return err
	}
	if len(members) > 0 {
		rows := make([]Member, len(members))
		for i, u := range members {
			rows[i] = Member{TeamID: t.ID, UserID: u, CreatedAt: tx.Now}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
	}
	if len(areas) == 0 {
		return nil
	}
	rows := make([]Area, 0, len(areas))
	for _, a := range areas {
		a.TeamID = t.ID
		if !slices.Contains(rows, a) {
			rows = append(rows, a)
		}
	}
	return tx.Create(&rows).Error
}

// usersExist refuses ids of users that do not exist or are inactive.
func usersExist(db *gorm.DB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var n int64
	if err := db.Table("users").Where("id IN ? AND active = ?", ids, true).Count(&n).Error; err != nil {
		return err
	}
	if int(n) != len(ids) {
		return store.InvalidField("members", "names a user who does not exist or is inactive")
	}
	return nil
}

// Overseers see every team: they route work to any of them.
var Overseers = []store.Role{store.RoleInspector, store.RoleDispatcher}

// List returns every team to admins and overseers, and their own teams to
// anyone else.
func (s *Service) List(ctx context.Context, a store.Actor) (_ []Team, err error) {
	defer store.Wrap(&err, "team list")
	db := s.Read(ctx)
	q := db.Order("name")
	if !a.Can(Overseers...) {
		q = q.Where("id IN (?)", db.Model(&Member{}).Select("team_id").Where("user_id = ?", a.ID))
	}
	teams := []Team{}
	if err := q.Find(&teams).Error; err != nil {
		return nil, err
	}
	return teams, fill(db, teams)
}

// Get returns one team to admins, overseers and its members.
func (s *Service) Get(ctx context.Context, a store.Actor, id int64) (_ *Team, err error) {
	defer store.Wrap(&err, "team get")
	db := s.Read(ctx)
	if !a.Can(Overseers...) {
		ok, err := IsMember(db, id, a.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, store.ErrNotFound("team")
		}
	}
	teams := make([]Team, 1)
	if err := db.Take(&teams[0], id).Error; err != nil {
		return nil, store.NotFound(err, "team")
	}
	return &teams[0], fill(db, teams)
}
