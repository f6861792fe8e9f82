package maint

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"

	"houqin/models/people"
	"houqin/models/store"
)

// List is a short list kept as one JSON text column: a plan's checklist, a
// work order's results and readings, which are read and written whole.
type List[T any] []T

func (l List[T]) Value() (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]T(l))
	return string(b), err
}

func (l *List[T]) Scan(src any) error { return store.ScanJSON(src, (*[]T)(l)) }

// Plan is a maintenance plan: a checklist done on a cycle for one asset or
// for every active asset of a kind, by a team or a technician. The job
// generates its work orders LeadDays before each due date; NextDue is the
// next date not yet generated and GenerateOn when that happens.
type Plan struct {
	ID           int64     `gorm:"primaryKey"`
	Name         string    `gorm:"size:100"`
	AssetID      *int64    // this asset, or
	AssetKind    AssetKind `gorm:"size:30"` // every asset of this kind
	Checklist    List[string]
	CycleUnit    CycleUnit `gorm:"size:10"`
	CycleEvery   int
	StartOn      store.Date
	LeadDays     int
	Team         string `gorm:"size:50"`
	TechnicianID *int64
	NextDue      store.Date
	GenerateOn   store.Date
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName keeps the domain's tables together.
func (Plan) TableName() string { return "maint_plans" }

// Cycle is the plan's schedule.
func (p *Plan) Cycle() Cycle { return Cycle{Unit: p.CycleUnit, Every: p.CycleEvery, Start: p.StartOn} }

// Schedule sets the next due date to the cycle's first on or after from.
func (p *Plan) Schedule(from store.Date) {
	p.NextDue = p.Cycle().From(from)
	p.GenerateOn = p.NextDue.AddDays(-p.LeadDays)
}

// PlanInput describes a new plan.
type PlanInput struct {
	Name         string
	AssetID      *int64
	AssetKind    AssetKind
	Checklist    []string
	CycleUnit    CycleUnit
	CycleEvery   int
	StartOn      store.Date
	LeadDays     int
	Team         string
	TechnicianID *int64
}

// CreatePlan adds a plan, due first on its cycle's first date from today.
func (s *Service) CreatePlan(ctx context.Context, in PlanInput) (_ *Plan, err error) {
	defer store.Wrap(&err, "maint create plan")
	p := &Plan{Name: in.Name, AssetID: in.AssetID, AssetKind: in.AssetKind, Checklist: in.Checklist, CycleUnit: in.CycleUnit,
		CycleEvery: in.CycleEvery, StartOn: in.StartOn, LeadDays: in.LeadDays, Team: in.Team, TechnicianID: in.TechnicianID, Active: true}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := checkPlan(tx, p); err != nil {
			return err
		}
		p.Schedule(tx.Today())
		return tx.Create(p).Error
	})
	return p, err
}

// checkPlan checks what the plan names: one asset or one kind, and an
// active technician.
func checkPlan(tx *store.Tx, p *Plan) error {
	if (p.AssetID == nil) == (p.AssetKind == "") {
		return store.InvalidField("asset_id", "give either asset_id or asset_kind")
	}
	if p.AssetID != nil {
		var n int64
		if err := tx.Model(&Asset{}).Where("id = ?", *p.AssetID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return store.InvalidField("asset_id", "is not a registered asset")
		}
	}
	if p.TechnicianID != nil {
		return checkTechnician(tx.DB, *p.TechnicianID)
	}
	return nil
}

func checkTechnician(db *gorm.DB, id int64) error {
	var u people.User
	err := db.Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (!u.Active || !u.Actor().Is(store.RoleTechnician))) {
		return store.InvalidField("technician_id", "is not an active technician")
	}
	return err
}

// PlanPatch edits a plan; nil fields stay. Changing the cycle or the lead
// time reschedules the plan from today; orders already generated stay.
type PlanPatch struct {
	Name         *string
	Checklist    []string
	CycleUnit    *CycleUnit
	CycleEvery   *int
	StartOn      *store.Date
	LeadDays     *int
	Team         *string
	TechnicianID *int64
	Active       *bool
}

// UpdatePlan applies p.
func (s *Service) UpdatePlan(ctx context.Context, id int64, patch PlanPatch) (_ *Plan, err error) {
	defer store.Wrap(&err, "maint update plan")
	var p Plan
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&p, id).Error; err != nil {
			return store.NotFound(err, "plan")
		}
		before := p.Cycle()
		lead := p.LeadDays
		store.Patch(&p.Name, patch.Name)
		store.Patch(&p.CycleUnit, patch.CycleUnit)
		store.Patch(&p.CycleEvery, patch.CycleEvery)
		store.Patch(&p.StartOn, patch.StartOn)
		store.Patch(&p.LeadDays, patch.LeadDays)
		store.Patch(&p.Team, patch.Team)
		store.Patch(&p.Active, patch.Active)
		if patch.Checklist != nil {
			p.Checklist = patch.Checklist
		}
		if patch.TechnicianID != nil {
			p.TechnicianID = patch.TechnicianID
			if err := checkTechnician(tx.DB, *p.TechnicianID); err != nil {
				return err
			}
		}
		if p.Cycle() != before || p.LeadDays != lead {
			p.Schedule(tx.Today())
		}
		return tx.Save(&p).Error
	})
	return &p, err
}

// GetPlan returns one plan.
func (s *Service) GetPlan(ctx context.Context, id int64) (_ *Plan, err error) {
	defer store.Wrap(&err, "maint get plan")
	var p Plan
	if err := s.Read(ctx).Take(&p, id).Error; err != nil {
		return nil, store.NotFound(err, "plan")
	}
	return &p, nil
}

// PlanFilter narrows the plan list.
type PlanFilter struct {
	AssetID   int64
	AssetKind AssetKind
	Active    *bool
}

// ListPlans returns plans newest first.
func (s *Service) ListPlans(ctx context.Context, f PlanFilter, pg store.Page) (_ []Plan, _ string, err error) {
	defer store.Wrap(&err, "maint list plans")
	q := s.Read(ctx).Model(&Plan{})
	if f.AssetID != 0 {
		q = q.Where("asset_id = ?", f.AssetID)
	}
	if f.AssetKind != "" {
		q = q.Where("asset_kind = ?", f.AssetKind)
	}
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	return store.Paginate(q, pg, func(p Plan) int64 { return p.ID })
}

// Week is what falls due in one ISO week: generated orders by status and
// the plans' dates not generated yet.
type Week struct {
	Year, Week int
	Monday     store.Date
	Orders     map[OrderStatus]int
	// Planned counts the assets whose plans fall due that week and have no
	// order yet.
	Planned int
	Plans   []int64
}

// MaxCalendarDays bounds a calendar request.
const MaxCalendarDays = 370

// Calendar reports per ISO week from..to what is due: the work orders
// already generated, and the plans' later dates on their cycles.
func (s *Service) Calendar(ctx context.Context, from, to store.Date) (_ []Week, err error) {
	defer store.Wrap(&err, "maint calendar")
	if err := store.CheckRange(from, to, MaxCalendarDays, "to"); err != nil {
		return nil, err
	}
	first := from.AddDays(1 - from.ISOWeekday())
	weeks := make([]Week, 0, first.DaysUntil(to)/7+1)
	for m := first; !to.Before(m); m = m.AddDays(7) {
		y, w := m.At(12, 0, time.UTC).ISOWeek()
		weeks = append(weeks, Week{Year: y, Week: w, Monday: m, Orders: map[OrderStatus]int{}, Plans: []int64{}})
	}
	weekOf := func(d store.Date) *Week { return &weeks[first.DaysUntil(d)/7] }
	db := s.Read(ctx)
	var orders []struct {
		DueOn  store.Date
		Status OrderStatus
		N      int
	}
	if err := db.Model(&WorkOrder{}).Select("due_on, status, COUNT(*) AS n").Where("due_on >= ? AND due_on <= ?", from, to).
		Group("due_on, status").Scan(&orders).Error; err != nil {
		return nil, err
	}
	for _, o := range orders {
		weekOf(o.DueOn).Orders[o.Status] += o.N
	}
	var plans []Plan
	if err := db.Where("active = ? AND next_due <= ?", true, to).Find(&plans).Error; err != nil {
		return nil, err
	}
	sizes, err := kindSizes(db)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		n := 1
		if p.AssetID == nil {
			n = sizes[p.AssetKind]
		}
		start := p.NextDue
		if start.Before(from) {
			start = from
		}
		for d := p.Cycle().From(start); !to.Before(d); d = p.Cycle().After(d) {
			w := weekOf(d)
			w.Planned += n
			if !slices.Contains(w.Plans, p.ID) {
				w.Plans = append(w.Plans, p.ID)
			}
		}
	}
	return weeks, nil
}

func kindSizes(db *gorm.DB) (map[AssetKind]int, error) {
	var rows []struct {
		Kind AssetKind
		N    int
	}
	err := db.Model(&Asset{}).Select("kind, COUNT(*) AS n").Where("active = ?", true).Group("kind").Scan(&rows).Error
	sizes := map[AssetKind]int{}
	for _, r := range rows {
		sizes[r.Kind] = r.N
	}
	return sizes, err
}
