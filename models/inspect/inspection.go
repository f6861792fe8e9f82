package inspect

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
	"houqin/models/team"
)

// ProblemInput is one problem an inspection found.
type ProblemInput struct {
	Description string
	TeamID      int64
	Deadline    time.Time
}

// InspectionInput records an inspection and what it found.
type InspectionInput struct {
	At                    time.Time
	Building, Floor, Area string
	Kind                  Kind
	OffHours              bool
	Note                  string
	Problems              []ProblemInput
}

// MaxAhead is how far ahead of now an inspection may be dated: a clock a
// few minutes fast, not a plan.
const MaxAhead = 10 * time.Minute

// MaxSpan bounds how long ago an inspection may be recorded and how far
// ahead a deadline may be set: a year.
const MaxSpan = 366 * 24 * time.Hour

// Create records an inspection by inspector a with its problems, each
// assigned to its team, whose members are pushed.
func (s *Service) Create(ctx context.Context, a store.Actor, in InspectionInput) (_ *Detail, err error) {
	defer store.Wrap(&err, "inspection create")
	ins := &Inspection{InspectorID: a.ID, At: in.At.UTC(), Building: in.Building, Floor: in.Floor, Area: in.Area,
		Kind: in.Kind, OffHours: in.OffHours, Note: in.Note}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if ins.At.After(tx.Now.Add(MaxAhead)) {
			return store.InvalidField("at", "must not be in the future")
		}
		if ins.At.Before(tx.Now.Add(-MaxSpan)) {
			return store.InvalidField("at", "must be within the last year")
		}
		teams := map[int64]*team.Team{}
		for i, p := range in.Problems {
			if !p.Deadline.After(tx.Now) {
				return store.InvalidField(fmt.Sprintf("problems[%d].deadline", i), "must be in the future")
			}
			if p.Deadline.After(tx.Now.Add(MaxSpan)) {
				return store.InvalidField(fmt.Sprintf("problems[%d].deadline", i), "must be within the next year")
			}
			if teams[p.TeamID] == nil {
				t, err := team.Find(tx.DB, fmt.Sprintf("problems[%d].team_id", i), p.TeamID)
				if err != nil {
					return err
				}
				teams[p.TeamID] = t
			}
		}
		if err := tx.Create(ins).Error; err != nil {
			return err
		}
		for _, in := range in.Problems {
			p := Problem{InspectionID: ins.ID, Description: in.Description, TeamID: in.TeamID, Deadline: in.Deadline.UTC(), Status: StatusOpen}
			if err := tx.Create(&p).Error; err != nil {
				return err
			}
			if err := notifyTeam(tx, a.ID, ins, &p, noticeAssigned); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, ins.ID)
}

// Counts are how an inspection's problems stand.
type Counts struct {
	Problems, Open, Fixed, Verified, SentBack, Overdue int
}

// Summary is an inspection with its counts.
type Summary struct {
	Inspection
	Counts Counts
}

// Filter narrows the inspection list: local dates of At, and the inspector.
type Filter struct {
	From, To    store.Date
	InspectorID int64
}

// MaxListDays bounds a date range of the lists (a year).
const MaxListDays = 366

// List returns inspections newest first, with counts (inspectors).
func (s *Service) List(ctx context.Context, f Filter, p store.Page) (_ []Summary, _ string, err error) {
	defer store.Wrap(&err, "inspection list")
	db := s.Read(ctx)
	q := db.Model(&Inspection{})
	if !f.From.IsZero() {
		from, to := store.Span(f.From, f.To, s.Location)
		q = q.Where("at >= ? AND at < ?", from, to)
	}
	if f.InspectorID != 0 {
		q = q.Where("inspector_id = ?", f.InspectorID)
	}
	rows, next, err := store.Paginate(q, p, func(i Inspection) int64 { return i.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]Summary, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		out[i].Inspection, ids[i] = r, r.ID
	}
	counts, err := countProblems(db, ids, s.Now())
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		out[i].Counts = counts[out[i].ID]
	}
	return out, next, nil
}

// countProblems counts the problems of inspections ids by status.
func countProblems(db *gorm.DB, ids []int64, now time.Time) (map[int64]Counts, error) {
	out := map[int64]Counts{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		InspectionID int64
		Status       Status
		Late         bool
		N            int
	}
	err := db.Model(&Problem{}).Select("inspection_id, status, deadline < ? AS late, COUNT(*) AS n", now).
		Where("inspection_id IN ?", ids).Group("inspection_id, status, late").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		c := out[r.InspectionID]
		c.Problems += r.N
		switch r.Status {
		case StatusOpen:
			c.Open += r.N
		case StatusFixed:
			c.Fixed += r.N
		case StatusVerified:
			c.Verified += r.N
		case StatusSentBack:
			c.SentBack += r.N
		}
		if r.Late && (r.Status == StatusOpen || r.Status == StatusSentBack) {
			c.Overdue += r.N
		}
		out[r.InspectionID] = c
	}
	return out, nil
}

// Detail is an inspection with its problems.
type Detail struct {
	Summary
	Problems []View
}

// Get returns one inspection with its problems (inspectors).
func (s *Service) Get(ctx context.Context, a store.Actor, id int64) (_ *Detail, err error) {
	defer store.Wrap(&err, "inspection get")
	db := s.Read(ctx)
	var d Detail
	if err := db.Take(&d.Inspection, id).Error; err != nil {
		return nil, store.NotFound(err, "inspection")
	}
	counts, err := countProblems(db, []int64{id}, s.Now())
	if err != nil {
		return nil, err
	}
	d.Counts = counts[id]
	var ps []Problem
	if err := db.Where("inspection_id = ?", id).Order("id").Find(&ps).Error; err != nil {
		return nil, err
	}
	d.Problems, err = views(db, ps)
	return &d, err
}
