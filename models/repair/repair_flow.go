package repair

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"houqin/models/people"
	"houqin/models/store"
)

// RepairAction is something done to a repair request.
type RepairAction string

const (
	RepairCreate   RepairAction = "create"
	RepairAssign   RepairAction = "assign" // also reassign
	RepairStart    RepairAction = "start"
	RepairResolve  RepairAction = "resolve"
	RepairFeedback RepairAction = "feedback"
	RepairCallback RepairAction = "callback"
	RepairCancel   RepairAction = "cancel"
	RepairReject   RepairAction = "reject"
	RepairReopen   RepairAction = "reopen"
)

// repairParty is a caller's relation to one request.
type repairParty uint8

const (
	byRequester  repairParty = 1 << iota // filed for them
	byDispatcher                         // the repair desk (and admins)
	byTechnician                         // the technician it is assigned to
)

type repairRule struct {
	to RepairStatus
	by repairParty
}

// repairFlow is the whole workflow: from-state × action → to-state and who
// may do it. Anything not listed is an invalid transition.
var repairFlow = map[RepairStatus]map[RepairAction]repairRule{
	RepairSubmitted: {
		RepairAssign: {RepairAssigned, byDispatcher},
		RepairCancel: {RepairCancelled, byRequester},
		RepairReject: {RepairRejected, byDispatcher},
	},
	RepairAssigned: {
		RepairAssign: {RepairAssigned, byDispatcher},
		RepairStart:  {RepairInProgress, byTechnician},
		RepairCancel: {RepairCancelled, byRequester},
		RepairReject: {RepairRejected, byDispatcher},
	},
	RepairInProgress: {
		RepairAssign:  {RepairAssigned, byDispatcher},
		RepairResolve: {RepairResolved, byTechnician},
	},
	RepairResolved: {
		RepairFeedback: {RepairClosed, byRequester},
		RepairCallback: {RepairClosed, byDispatcher},
		RepairReopen:   {RepairAssigned, byRequester | byDispatcher},
	},
}

// whoMay is, per action, every party that may do it from some state: it
// tells "not yours to do" (403) from "not now" (409).
var whoMay = func() map[RepairAction]repairParty {
	m := map[RepairAction]repairParty{}
	for _, actions := range repairFlow {
		for act, rule := range actions {
			m[act] |= rule.by
		}
	}
	return m
}()

func (r *Repair) partiesOf(a store.Actor) repairParty {
	var p repairParty
	if r.RequesterID == a.ID {
		p |= byRequester
	}
	if a.Can(store.RoleDispatcher) {
		p |= byDispatcher
	}
	if r.TechnicianID != nil && *r.TechnicianID == a.ID {
		p |= byTechnician
	}
	return p
}

// RepairScores are the three 1-5 ratings of a finished job.
type RepairScores struct {
	Attitude, Quality, Cleanliness int
	Comment                        string
}

func (sc RepairScores) low() bool { return min(sc.Attitude, sc.Quality, sc.Cleanliness) <= 2 }

// LowScore tells whether the request was closed with a low score, which the
// desk follows up.
func (r *Repair) LowScore() bool {
	return r.FeedbackSource != "" && RepairScores{Attitude: r.Attitude, Quality: r.Quality, Cleanliness: r.Cleanliness}.low()
}

// StepInput is one action with its input: TechnicianID for assign, Note
// for resolve and the reason of cancel, reject and reopen, Scores for
// feedback and callback.
type StepInput struct {
	Action       RepairAction
	TechnicianID int64
	Note         string
	Scores       RepairScores
}

// Act applies one workflow step under a row lock, records it in the
// timeline and tells the people concerned, all in one transaction. The
// detail returned is read in that transaction too: read afterwards, a
// concurrent reassignment could already hide the request from the caller
// whose step succeeded.
func (s *Service) Act(ctx context.Context, a store.Actor, id int64, step StepInput) (_ *RepairDetail, err error) {
	defer store.Wrap(&err, "repair act")
	if step.Action == RepairFeedback || step.Action == RepairCallback {
		if err := step.Scores.Check(); err != nil {
			return nil, err
		}
	}
	var d RepairDetail
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := ActTx(tx, a, id, step, &d.Repair); err != nil {
			return err
		}
		return loadRepairDetail(tx.DB, &d)
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// ActTx applies step to repair id inside tx and leaves the result in r.
func ActTx(tx *store.Tx, a store.Actor, id int64, step StepInput, r *Repair) error {
	if err := takeVisible(tx.ForUpdate(), a, id, r); err != nil {
		return err
	}
	from, prevTech := r.Status, r.TechnicianID
	parties := r.partiesOf(a)
	rule, ok := repairFlow[from][step.Action]
	switch {
	case whoMay[step.Action]&parties == 0, ok && rule.by&parties == 0:
		return store.ErrForbidden
	case !ok:
		return store.Errorf(store.CodeInvalidTransition, "cannot %s a repair that is %s", step.Action, from)
	}
	if err := applyRepairStep(tx, r, step); err != nil {
		return err
	}
	r.Status, r.UpdatedAt = rule.to, tx.Now
	res := tx.Model(r).Where("status = ?", from).Select("*").UpdateColumns(r)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return store.Errorf(store.CodeInvalidTransition, "the repair changed meanwhile; reload it")
	}
	ev := RepairEvent{RepairID: r.ID, ActorID: a.ID, Action: step.Action, FromStatus: from, ToStatus: r.Status,
		Note: step.Note, CreatedAt: tx.Now}
	switch step.Action {
	case RepairAssign:
		ev.TechnicianID = r.TechnicianID
	case RepairFeedback, RepairCallback:
		ev.Note = step.Scores.Comment
	}
	if err := tx.Create(&ev).Error; err != nil {
		return err
	}
	tx.Publish(deskChanged(r, string(step.Action)))
	return notifyRepair(tx, a, r, step, prevTech)
}

// applyRepairStep sets what an allowed action changes besides the status.
func applyRepairStep(tx *store.Tx, r *Repair, step StepInput) error {
	now := tx.Now
	switch step.Action {
	case RepairAssign:
		if r.TechnicianID != nil && *r.TechnicianID == step.TechnicianID && r.Status == RepairAssigned {
			return store.Errorf(store.CodeConflict, "the repair is already assigned to this technician")
		}
		if err := checkTechnician(tx, step.TechnicianID); err != nil {
			return err
		}
		r.TechnicianID = &step.TechnicianID
		r.StartedAt = nil
		if r.FirstAssignedAt == nil {
			r.FirstAssignedAt = &now
		}
		r.setDeadline(&r.DueAt)
	case RepairStart:
		r.StartedAt = &now
	case RepairResolve:
		r.ResolvedAt, r.ResolutionNote = &now, step.Note
		r.setDeadline(nil)
	case RepairFeedback, RepairCallback:
		sc := step.Scores
		r.Attitude, r.Quality, r.Cleanliness, r.FeedbackComment = sc.Attitude, sc.Quality, sc.Cleanliness, sc.Comment
		r.FeedbackSource = map[RepairAction]string{RepairFeedback: "requester", RepairCallback: "callback"}[step.Action]
		r.ClosedAt = &now
	case RepairCancel, RepairReject:
		r.setDeadline(nil)
	case RepairReopen:
		// A reopened job gets a fresh resolution promise from now.
		target, err := repairTarget(tx, r.Priority)
		if err != nil {
			return err
		}
		r.DueAt = now.Add(target.Resolution())
		r.ResolvedAt, r.StartedAt = nil, nil
		r.setDeadline(&r.DueAt)
	}
	return nil
}

// setDeadline moves the promise being raced; a new promise may be missed
// (and announced) anew.
func (r *Repair) setDeadline(t *time.Time) {
	if t == nil || r.DeadlineAt == nil || !t.Equal(*r.DeadlineAt) {
		r.OverdueNotifiedAt = nil
	}
	r.DeadlineAt = t
}

func checkTechnician(tx *store.Tx, id int64) error {
	var u people.User
	err := tx.Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (!u.Active || !u.Actor().Is(store.RoleTechnician))) {
		return store.InvalidField("technician_id", "is not an active technician")
	}
	return err
}

// FlagOverdue tells the desk, once per missed promise, about requests
// that are past their deadline. Each request is claimed with a conditional
// update, so replicas running this together never announce one twice.
func (s *Service) FlagOverdue(ctx context.Context) (_ int, err error) {
	defer store.Wrap(&err, "repair flag overdue")
	now := s.Now()
	var ids []int64
	err = s.Read(ctx).Model(&Repair{}).Where("deadline_at < ? AND overdue_notified_at IS NULL", now).
		Order("deadline_at").Limit(500).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	// One desk for the whole sweep, not a lookup per late request.
	desk, err := people.UsersWithRole(s.Read(ctx), store.RoleDispatcher)
	if err != nil {
		return 0, err
	}
	flagged := 0
	for _, id := range ids {
		err := s.Tx(ctx, func(tx *store.Tx) error {
			res := tx.Model(&Repair{}).Where("id = ? AND overdue_notified_at IS NULL AND deadline_at < ?", id, tx.Now).
				Updates(map[string]any{"overdue_notified_at": tx.Now, "missed_deadlines": gorm.Expr("missed_deadlines + 1")})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			var r Repair
			if err := tx.Take(&r, id).Error; err != nil {
				return err
			}
			flagged++
			tx.Publish(deskChanged(&r, "overdue"))
			return notifyOverdue(tx, &r, desk)
		})
		if err != nil {
			return flagged, err
		}
	}
	return flagged, nil
}
