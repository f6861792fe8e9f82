package inspect

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"houqin/models/store"
	"houqin/models/team"
)

// View is a problem with where it was found and which team has it.
type View struct {
	Problem
	Inspection Inspection
	TeamName   string
	Overdue    bool
	Photos     []Photo // in Problem (one problem), not in lists
}

// views completes problems with their inspections and team names.
func views(db *gorm.DB, ps []Problem) ([]View, error) {
	out := make([]View, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	var insIDs, teamIDs []int64
	for _, p := range ps {
		insIDs, teamIDs = append(insIDs, p.InspectionID), append(teamIDs, p.TeamID)
	}
	var inss []Inspection
	if err := db.Where("id IN ?", insIDs).Find(&inss).Error; err != nil {
		return nil, err
	}
	var teams []team.Team
	if err := db.Select("id", "name").Where("id IN ?", teamIDs).Find(&teams).Error; err != nil {
		return nil, err
	}
	now := db.NowFunc()
	for i, p := range ps {
		out[i] = View{Problem: p, Overdue: p.Overdue(now)}
		for _, ins := range inss {
			if ins.ID == p.InspectionID {
				out[i].Inspection = ins
			}
		}
		for _, t := range teams {
			if t.ID == p.TeamID {
				out[i].TeamName = t.Name
			}
		}
	}
	return out, nil
}

// seesAll tells inspectors (and admins), who see every problem, from team
// members, who see their teams' problems.
func seesAll(a store.Actor) bool { return a.Can(store.RoleInspector) }

// visible fails with "not found" unless a may see p.
func visible(db *gorm.DB, a store.Actor, p *Problem) error {
	if seesAll(a) {
		return nil
	}
	ok, err := team.IsMember(db, p.TeamID, a.ID)
	if err != nil {
		return err
	}
	if !ok {
		return store.ErrNotFound("problem")
	}
	return nil
}

// take loads problem id through q (which may lock it) if a may see it.
func take(q, db *gorm.DB, a store.Actor, id int64, p *Problem) error {
	if err := q.Take(p, id).Error; err != nil {
		return store.NotFound(err, "problem")
	}
	return visible(db, a, p)
}

// Problem returns one problem with its photos to those who may see it.
func (s *Service) Problem(ctx context.Context, a store.Actor, id int64) (_ *View, err error) {
	defer store.Wrap(&err, "inspection problem")
	db := s.Read(ctx)
	var p Problem
	if err := take(db, db, a, id, &p); err != nil {
		return nil, err
	}
	vs, err := views(db, []Problem{p})
	if err != nil {
		return nil, err
	}
	v := &vs[0]
	return v, db.Where("problem_id = ?", id).Order("id").Find(&v.Photos).Error
}

// ProblemFilter narrows the problem list. From and To are local dates of
// the inspection.
type ProblemFilter struct {
	TeamID   int64
	Status   Status
	Overdue  *bool
	From, To store.Date
}

// ListProblems returns problems newest first: every team's to inspectors,
// their own teams' to members (another team asked for is an empty list).
func (s *Service) ListProblems(ctx context.Context, a store.Actor, f ProblemFilter, p store.Page) (_ []View, _ string, err error) {
	defer store.Wrap(&err, "inspection list problems")
	db := s.Read(ctx)
	q := db.Model(&Problem{})
	if !seesAll(a) {
		mine, err := team.Of(db, a.ID)
		if err != nil {
			return nil, "", err
		}
		if f.TeamID != 0 && !slices.Contains(mine, f.TeamID) {
			return []View{}, "", nil
		}
		q = q.Where("team_id IN ?", append(mine, 0))
	}
	if f.TeamID != 0 {
		q = q.Where("team_id = ?", f.TeamID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Overdue != nil {
		late := "status IN ? AND deadline < ?"
		if !*f.Overdue {
			late = "NOT (" + late + ")"
		}
		q = q.Where(late, pending, s.Now())
	}
	if !f.From.IsZero() {
		from, to := store.Span(f.From, f.To, s.Location)
		q = q.Where("inspection_id IN (?)", db.Model(&Inspection{}).Select("id").Where("at >= ? AND at < ?", from, to))
	}
	rows, next, err := store.Paginate(q, p, func(p Problem) int64 { return p.ID })
	if err != nil {
		return nil, "", err
	}
	vs, err := views(db, rows)
	return vs, next, err
}

// Action is a step of a problem's workflow.
type Action string

const (
	ActFix      Action = "fix"       // the team: fixed, with a note and photo evidence
	ActVerify   Action = "verify"    // an inspector: the fix holds
	ActSendBack Action = "send-back" // an inspector: not fixed, do it again
)

// Actions lists the steps.
var Actions = []Action{ActFix, ActVerify, ActSendBack}

type party uint8

const (
	byTeam party = 1 << iota
	byInspector
)

type rule struct {
	to Status
	by party
}

// flow is the whole workflow: from-state × action → to-state and who may
// do it. Anything not listed is an invalid transition.
var flow = map[Status]map[Action]rule{
	StatusOpen:     {ActFix: {StatusFixed, byTeam}},
	StatusSentBack: {ActFix: {StatusFixed, byTeam}},
	StatusFixed:    {ActVerify: {StatusVerified, byInspector}, ActSendBack: {StatusSentBack, byInspector}},
}

// whoMay is, per action, the party that may do it from some state: it
// tells "not yours to do" (403) from "not now" (409).
var whoMay = map[Action]party{ActFix: byTeam, ActVerify: byInspector, ActSendBack: byInspector}

// StepInput is one step; Note is the fix note or the reason for sending
// back.
type StepInput struct {
	Action Action
	Note   string
}

// Act applies a step to problem id for a: members of its team fix,
// inspectors verify or send back. A fix needs a photo of it first.
func (s *Service) Act(ctx context.Context, a store.Actor, id int64, in StepInput) (_ *View, err error) {
	defer store.Wrap(&err, "inspection act")
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var p Problem
		if err := take(tx.ForUpdate(), tx.DB, a, id, &p); err != nil {
			return err
		}
		member, err := team.IsMember(tx.DB, p.TeamID, a.ID)
		if err != nil {
			return err
		}
		var is party
		if member {
			is |= byTeam
		}
		if a.Can(store.RoleInspector) {
			is |= byInspector
		}
		if whoMay[in.Action]&is == 0 {
			return store.ErrForbidden
		}
		r, ok := flow[p.Status][in.Action]
		if !ok {
			return store.Errorf(store.CodeInvalidTransition, "cannot %s a problem that is %s", store.Term(in.Action), p.Status)
		}
		from := p.Status
		updates := map[string]any{"status": r.to, "updated_at": tx.Now}
		switch in.Action {
		case ActFix:
			if err := hasFixPhoto(tx.DB, &p); err != nil {
				return err
			}
			updates["fix_note"], updates["fixed_by_id"], updates["fixed_at"] = in.Note, a.ID, tx.Now
		case ActVerify:
			updates["verified_by_id"], updates["verified_at"] = a.ID, tx.Now
		case ActSendBack:
			updates["send_back_reason"] = in.Note
		}
		res := tx.Model(&Problem{}).Where("id = ? AND status = ?", p.ID, from).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.Errorf(store.CodeConflict, "the problem changed meanwhile; reload it and try again")
		}
		if err := tx.Take(&p, p.ID).Error; err != nil {
			return err
		}
		var ins Inspection
		if err := tx.Take(&ins, p.InspectionID).Error; err != nil {
			return err
		}
		switch in.Action {
		case ActFix:
			return notifyInspector(tx, a.ID, &ins, &p)
		case ActSendBack:
			return notifyTeam(tx, a.ID, &ins, &p, noticeSentBack)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Problem(ctx, a, id)
}

// hasFixPhoto refuses a fix with no photo of it: after a send-back, one
// taken since the fix that was sent back.
func hasFixPhoto(db *gorm.DB, p *Problem) error {
	q := db.Model(&Photo{}).Where("problem_id = ? AND stage = ?", p.ID, StageFixed)
	if p.FixedAt != nil {
		q = q.Where("created_at > ?", *p.FixedAt)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return store.Errorf(store.CodeConflict, "add a photo of the fix before reporting the problem fixed")
	}
	return nil
}

// FlagOverdue pushes the lead of each team whose problem passed its
// deadline unfixed, once: the claim is a conditional update, so with
// several replicas sweeping, one of them pushes.
func (s *Service) FlagOverdue(ctx context.Context) (_ int, err error) {
	defer store.Wrap(&err, "inspection flag overdue")
	var ids []int64
	err = s.Read(ctx).Model(&Problem{}).Where("status IN ? AND deadline < ? AND overdue_notified_at IS NULL", pending, s.Now()).
		Order("deadline").Limit(500).Pluck("id", &ids).Error
	if err != nil {
		return 0, err
	}
	flagged := 0
	for _, id := range ids {
		err := s.Tx(ctx, func(tx *store.Tx) error {
			res := tx.Model(&Problem{}).Where("id = ? AND status IN ? AND deadline < ? AND overdue_notified_at IS NULL", id, pending, tx.Now).
				Update("overdue_notified_at", tx.Now)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			var p Problem
			if err := tx.Take(&p, id).Error; err != nil {
				return err
			}
			var ins Inspection
			if err := tx.Take(&ins, p.InspectionID).Error; err != nil {
				return err
			}
			flagged++
			return notifyOverdue(tx, &ins, &p)
		})
		if err != nil {
			return flagged, err
		}
	}
	return flagged, nil
}
