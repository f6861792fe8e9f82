package complaint

import (
	"context"

	"gorm.io/gorm"

	"houqin/models/people"
	"houqin/models/store"
	"houqin/models/team"
)

// View is a complaint as one caller may see it. For a team member who is
// neither the desk nor the filer, an anonymous complaint carries no trace
// of its filer: FilerID 0, no name, and no link (a repair or booking would
// name them).
type View struct {
	Complaint
	FilerName string
	TeamName  string
	Overdue   bool
	Photos    []Photo // in Get, not in lists
}

// hidesFiler reports whether a may not know who filed c.
func hidesFiler(a store.Actor, c *Complaint) bool {
	return c.Anonymous && a.ID != c.FilerID && !a.Can(store.RoleDispatcher)
}

// viewsFor completes complaints for a, redacting the anonymous ones.
func viewsFor(db *gorm.DB, a store.Actor, cs []Complaint) ([]View, error) {
	out := make([]View, len(cs))
	userIDs, teamIDs := []int64{}, []int64{}
	for _, c := range cs {
		if !hidesFiler(a, &c) {
			userIDs = append(userIDs, c.FilerID)
		}
		if c.TeamID != nil {
			teamIDs = append(teamIDs, *c.TeamID)
		}
	}
	names := map[int64]string{}
	if len(userIDs) > 0 {
		var us []people.User
		if err := db.Select("id", "name").Where("id IN ?", userIDs).Find(&us).Error; err != nil {
			return nil, err
		}
		for _, u := range us {
			names[u.ID] = u.Name
		}
	}
	teams := map[int64]string{}
	if len(teamIDs) > 0 {
		var ts []team.Team
		if err := db.Select("id", "name").Where("id IN ?", teamIDs).Find(&ts).Error; err != nil {
			return nil, err
		}
		for _, t := range ts {
			teams[t.ID] = t.Name
		}
	}
	now := db.NowFunc()
	for i, c := range cs {
		v := View{Complaint: c, Overdue: c.overdue(now)}
		if c.TeamID != nil {
			v.TeamName = teams[*c.TeamID]
		}
		if hidesFiler(a, &c) {
			v.FilerID, v.LinkKind, v.LinkID = 0, "", nil
		} else {
			v.FilerName = names[c.FilerID]
		}
		out[i] = v
	}
	return out, nil
}

// Get returns one complaint with its photos to the desk, its filer and its
// team; anyone else is told it does not exist.
func (s *Service) Get(ctx context.Context, a store.Actor, id int64) (_ *View, err error) {
	defer store.Wrap(&err, "complaint get")
	db := s.Read(ctx)
	var c Complaint
	if _, err := take(db, db, a, id, &c); err != nil {
		return nil, err
	}
	vs, err := viewsFor(db, a, []Complaint{c})
	if err != nil {
		return nil, err
	}
	v := &vs[0]
	return v, db.Where("complaint_id = ?", id).Order("id").Find(&v.Photos).Error
}

// Filter narrows the list.
type Filter struct {
	Status  Status
	Area    Area
	TeamID  int64
	Mine    bool // only the caller's own
	Overdue *bool
}

// List returns complaints newest first: every one to the desk, and to
// anyone else their own and their teams'.
func (s *Service) List(ctx context.Context, a store.Actor, f Filter, p store.Page) (_ []View, _ string, err error) {
	defer store.Wrap(&err, "complaint list")
	db := s.Read(ctx)
	q := db.Model(&Complaint{})
	switch {
	case f.Mine:
		q = q.Where("filer_id = ?", a.ID)
	case !a.Can(store.RoleDispatcher):
		mine, err := team.Of(db, a.ID)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("filer_id = ? OR team_id IN ?", a.ID, append(mine, 0))
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Area != "" {
		q = q.Where("area = ?", f.Area)
	}
	if f.TeamID != 0 {
		q = q.Where("team_id = ?", f.TeamID)
	}
	if f.Overdue != nil {
		late := "status IN ? AND due_at < ?"
		if !*f.Overdue {
			late = "NOT (" + late + ")"
		}
		q = q.Where(late, awaitingReply, s.Now())
	}
	rows, next, err := store.Paginate(q, p, func(c Complaint) int64 { return c.ID })
	if err != nil {
		return nil, "", err
	}
	vs, err := viewsFor(db, a, rows)
	return vs, next, err
}
