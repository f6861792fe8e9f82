package complaint

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
	"houqin/models/team"
)

// Input is a new complaint or suggestion.
type Input struct {
	Area      Area
	Kind      Kind
	Text      string
	Anonymous bool
	Urgent    bool
	LinkKind  LinkKind // "" for none
	LinkID    int64
}

// linkTables says where a linked object lives and, for what belongs to
// someone, which column names them: a filer may link only their own
// repairs and bookings, and any trip or dish.
var linkTables = map[LinkKind]struct{ table, owner string }{
	LinkRepair:  {"repairs", "requester_id"},
	LinkBooking: {"bookings", "organizer_id"},
	LinkTrip:    {"shuttle_trips", ""},
	LinkDish:    {"dishes", ""},
}

// checkLink refuses a link to something that does not exist or that the
// filer may not see.
func checkLink(db *gorm.DB, a store.Actor, kind LinkKind, id int64) error {
	lt := linkTables[kind]
	q := db.Table(lt.table).Where("id = ?", id)
	if lt.owner != "" {
		q = q.Where(lt.owner+" = ?", a.ID)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return store.InvalidField("link.id", "no such %s of yours", store.Term(kind))
	}
	return nil
}

// File records a complaint of a's and pushes the desk, urgently on the
// green channel.
func (s *Service) File(ctx context.Context, a store.Actor, in Input) (_ *View, err error) {
	defer store.Wrap(&err, "complaint file")
	c := &Complaint{FilerID: a.ID, Area: in.Area, Kind: in.Kind, Text: in.Text, Anonymous: in.Anonymous, Urgent: in.Urgent,
		LinkKind: in.LinkKind, Status: StatusSubmitted}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if in.LinkKind != "" {
			if err := checkLink(tx.DB, a, in.LinkKind, in.LinkID); err != nil {
				return err
			}
			c.LinkID = &in.LinkID
		}
		due, err := dueAt(tx.DB, tx.Now, c.Urgent, tx.Location())
		if err != nil {
			return err
		}
		c.DueAt = due
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		return notifyDesk(tx, c, noticeFiled)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, c.ID)
}

// Action is a step of a complaint's workflow.
type Action string

const (
	ActRoute  Action = "assign" // the desk: to a team (again)
	ActReply  Action = "reply"  // the team
	ActAccept Action = "accept" // the filer: satisfied, closed
	ActReopen Action = "reopen" // the filer, once: not satisfied
)

// Actions lists the steps.
var Actions = []Action{ActRoute, ActReply, ActAccept, ActReopen}

type party uint8

const (
	byDesk party = 1 << iota
	byTeam
	byFiler
)

type rule struct {
	to Status // "" keeps the status
	by party
}

// flow is the whole workflow: from-state × action → to-state and who may
// do it. Anything not listed is an invalid transition.
var flow = map[Status]map[Action]rule{
	StatusSubmitted: {ActRoute: {StatusRouted, byDesk}},
	StatusRouted:    {ActRoute: {"", byDesk}, ActReply: {StatusReplied, byTeam}},
	StatusReopened:  {ActRoute: {"", byDesk}, ActReply: {StatusReplied, byTeam}},
	StatusReplied:   {ActAccept: {StatusAccepted, byFiler}, ActReopen: {StatusReopened, byFiler}},
}

var whoMay = map[Action]party{ActRoute: byDesk, ActReply: byTeam, ActAccept: byFiler, ActReopen: byFiler}

// StepInput is one step: the team for route, the reply, or the reason to
// reopen.
type StepInput struct {
	Action Action
	TeamID int64
	Text   string
}

// partiesOf tells a's relations to c.
func partiesOf(db *gorm.DB, a store.Actor, c *Complaint) (party, error) {
	var p party
	if a.Can(store.RoleDispatcher) {
		p |= byDesk
	}
	if a.ID == c.FilerID {
		p |= byFiler
	}
	if c.TeamID != nil {
		ok, err := team.IsMember(db, *c.TeamID, a.ID)
		if err != nil {
			return 0, err
		}
		if ok {
			p |= byTeam
		}
	}
	return p, nil
}

// take loads complaint id through q (which may lock it) with a's relations
// to it; someone with none is told it does not exist.
func take(q, db *gorm.DB, a store.Actor, id int64, c *Complaint) (party, error) {
	if err := q.Take(c, id).Error; err != nil {
		return 0, store.NotFound(err, "complaint")
	}
	p, err := partiesOf(db, a, c)
	if err == nil && p == 0 {
		err = store.ErrNotFound("complaint")
	}
	return p, err
}

// Act applies a step to complaint id for a and pushes whom it concerns:
// the team when it is routed or reopened, the filer when it is replied.
func (s *Service) Act(ctx context.Context, a store.Actor, id int64, in StepInput) (_ *View, err error) {
	defer store.Wrap(&err, "complaint act")
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var c Complaint
		is, err := take(tx.ForUpdate(), tx.DB, a, id, &c)
		if err != nil {
			return err
		}
		if whoMay[in.Action]&is == 0 {
			return store.ErrForbidden
		}
		r, ok := flow[c.Status][in.Action]
		if !ok || r.by&is == 0 {
			return store.Errorf(store.CodeInvalidTransition, "cannot %s a complaint that is %s", store.Term(in.Action), c.Status)
		}
		from := c.Status
		updates := map[string]any{"updated_at": tx.Now}
		if r.to != "" {
			updates["status"] = r.to
		}
		switch in.Action {
		case ActRoute:
			if _, err := team.Find(tx.DB, "team_id", in.TeamID); err != nil {
				return err
			}
			updates["team_id"] = in.TeamID
		case ActReply:
			updates["reply"], updates["replied_at"] = in.Text, tx.Now
		case ActAccept:
			updates["closed_at"] = tx.Now
		case ActReopen:
			if c.Reopened {
				return store.Errorf(store.CodeInvalidTransition, "a complaint may be reopened only once")
			}
			due, err := dueAt(tx.DB, tx.Now, c.Urgent, tx.Location())
			if err != nil {
				return err
			}
			updates["reopened"], updates["reopen_reason"], updates["due_at"], updates["overdue_notified_at"] = true, in.Text, due, nil
		}
		res := tx.Model(&Complaint{}).Where("id = ? AND status = ?", c.ID, from).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.Errorf(store.CodeConflict, "the complaint changed meanwhile; reload it and try again")
		}
		if err := tx.Take(&c, c.ID).Error; err != nil {
			return err
		}
		switch in.Action {
		case ActRoute, ActReopen:
			return notifyTeam(tx, a.ID, &c, in.Action)
		case ActReply:
			return notifyFiler(tx, a.ID, &c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, id)
}

// FlagOverdue alerts the desk once about each complaint whose promised
// reply is late; the claim is a conditional update, so with several
// replicas sweeping one of them pushes. Reopening promises anew.
func (s *Service) FlagOverdue(ctx context.Context) (_ int, err error) {
	defer store.Wrap(&err, "complaint flag overdue")
	var ids []int64
	err = s.Read(ctx).Model(&Complaint{}).Where("status IN ? AND due_at < ? AND overdue_notified_at IS NULL", awaitingReply, s.Now()).
		Order("due_at").Limit(500).Pluck("id", &ids).Error
	if err != nil {
		return 0, err
	}
	flagged := 0
	for _, id := range ids {
		err := s.Tx(ctx, func(tx *store.Tx) error {
			res := tx.Model(&Complaint{}).Where("id = ? AND status IN ? AND due_at < ? AND overdue_notified_at IS NULL", id, awaitingReply, tx.Now).
				Update("overdue_notified_at", tx.Now)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			var c Complaint
			if err := tx.Take(&c, id).Error; err != nil {
				return err
			}
			flagged++
			return notifyDesk(tx, &c, noticeOverdue)
		})
		if err != nil {
			return flagged, err
		}
	}
	return flagged, nil
}

// overdue reports whether c's promised reply is late.
func (c *Complaint) overdue(now time.Time) bool {
	return slices.Contains(awaitingReply, c.Status) && now.After(c.DueAt)
}
