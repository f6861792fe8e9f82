package maint

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// Check is the outcome of one checklist item; Result is empty until ticked.
type Check struct {
	Item      string      `json:"item"`
	Result    CheckResult `json:"result,omitempty"`
	Note      string      `json:"note,omitempty"`
	CheckedAt *time.Time  `json:"checked_at,omitempty"`
}

// Reading is a measurement taken on the job (an extinguisher's pressure).
type Reading struct {
	Name       string    `json:"name"`
	Value      float64   `json:"value"`
	Unit       string    `json:"unit"`
	RecordedAt time.Time `json:"recorded_at"`
}

// WorkOrder is one visit a plan asks for on one asset. ScheduledOn is the
// plan's date it stands for (one order per plan, asset and date); DueOn
// starts there and moves when the order is postponed.
type WorkOrder struct {
	ID                int64 `gorm:"primaryKey"`
	PlanID            int64
	AssetID           int64
	Title             string `gorm:"size:100"`
	DueOn             store.Date
	ScheduledOn       store.Date
	Status            OrderStatus `gorm:"size:12"`
	Team              string      `gorm:"size:50"`
	TechnicianID      *int64
	Checklist         List[Check]
	Readings          List[Reading]
	Reason            string `gorm:"size:500"`
	StartedAt         *time.Time
	CompletedAt       *time.Time
	OverdueNotifiedAt *time.Time
	PhotoCount        int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// TableName keeps the domain's tables together.
func (WorkOrder) TableName() string { return "maint_work_orders" }

// Overdue reports whether work still to do is past its due date.
func (w *WorkOrder) Overdue(today store.Date) bool {
	return slices.Contains(pending, w.Status) && w.DueOn.Before(today)
}

// visible restricts q to the orders a may see: the desk all, a technician
// theirs and the unassigned ones (a team's, for whoever takes them).
func visible(q *gorm.DB, a store.Actor) *gorm.DB {
	if a.Can(store.RoleDispatcher) {
		return q
	}
	return q.Where("(technician_id = ? OR technician_id IS NULL)", a.ID)
}

func (w *WorkOrder) visibleTo(a store.Actor) bool {
	return a.Can(store.RoleDispatcher) || w.TechnicianID == nil || *w.TechnicianID == a.ID
}

// OrderFilter narrows the work order list; zero fields do not filter.
type OrderFilter struct {
	Statuses []OrderStatus
	AssetID  int64
	Mine     bool // assigned to the caller
	Overdue  bool
	From, To store.Date // due dates, inclusive
}

// ListOrders returns the orders a may see, newest first.
func (s *Service) ListOrders(ctx context.Context, a store.Actor, f OrderFilter, p store.Page) (_ []WorkOrder, _ string, err error) {
	defer store.Wrap(&err, "maint list orders")
	q := visible(s.Read(ctx).Model(&WorkOrder{}), a)
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.AssetID != 0 {
		q = q.Where("asset_id = ?", f.AssetID)
	}
	if f.Mine {
		q = q.Where("technician_id = ?", a.ID)
	}
	if f.Overdue {
		q = q.Where("status IN ? AND due_on < ?", pending, s.Today())
	}
	if !f.From.IsZero() {
		q = q.Where("due_on >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("due_on <= ?", f.To)
	}
	return store.Paginate(q, p, func(w WorkOrder) int64 { return w.ID })
}

// OrderDetail is a work order with its asset, photos and the repairs
// opened from it.
type OrderDetail struct {
	WorkOrder
	Asset   Asset
	Photos  []Photo
	Repairs []RepairLine
}

// GetOrder returns one order a may see; to others it does not exist.
func (s *Service) GetOrder(ctx context.Context, a store.Actor, id int64) (_ *OrderDetail, err error) {
	defer store.Wrap(&err, "maint get order")
	return s.detail(s.Read(ctx), a, id)
}

func (s *Service) detail(db *gorm.DB, a store.Actor, id int64) (*OrderDetail, error) {
	var d OrderDetail
	if err := takeOrder(db, a, id, &d.WorkOrder); err != nil {
		return nil, err
	}
	if err := db.Take(&d.Asset, d.AssetID).Error; err != nil {
		return nil, err
	}
	if err := db.Where("work_order_id = ?", id).Order("id").Find(&d.Photos).Error; err != nil {
		return nil, err
	}
	d.Repairs = []RepairLine{}
	return &d, db.Table("repairs").Select("id, ticket, category, status, description, work_order_id, created_at, resolved_at").
		Where("work_order_id = ?", id).Order("id").Scan(&d.Repairs).Error
}

func takeOrder(db *gorm.DB, a store.Actor, id int64, w *WorkOrder) error {
	if err := db.Take(w, id).Error; err != nil {
		return store.NotFound(err, "work order")
	}
	if !w.visibleTo(a) {
		return store.ErrNotFound("work order")
	}
	return nil
}

// step runs one action on an order a may see, with the row locked, and
// returns the order as it stands after.
func (s *Service) step(ctx context.Context, a store.Actor, id int64, op string, fn func(tx *store.Tx, w *WorkOrder) error) (_ *OrderDetail, err error) {
	defer store.Wrap(&err, op)
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var w WorkOrder
		if err := takeOrder(tx.ForUpdate(), a, id, &w); err != nil {
			return err
		}
		if err := fn(tx, &w); err != nil {
			return err
		}
		w.UpdatedAt = tx.Now
		return tx.Save(&w).Error
	})
	if err != nil {
		return nil, err
	}
	return s.detail(s.Read(ctx), a, id)
}

// worker checks that a works the order: its technician, or any
// technician when it has none (starting it takes it).
func (w *WorkOrder) worker(a store.Actor) error {
	if !a.Can(store.RoleTechnician) || (w.TechnicianID != nil && *w.TechnicianID != a.ID) {
		return store.Errorf(store.CodeForbidden, "only the work order's technician may work it")
	}
	return nil
}

func (w *WorkOrder) inStatus(action string, from ...OrderStatus) error {
	if !slices.Contains(from, w.Status) {
		return store.Errorf(store.CodeInvalidTransition, "cannot %s a work order that is %s", store.Term(action), w.Status)
	}
	return nil
}

// Start begins the work; an unassigned order becomes the caller's.
func (s *Service) Start(ctx context.Context, a store.Actor, id int64) (*OrderDetail, error) {
	return s.step(ctx, a, id, "maint start", func(tx *store.Tx, w *WorkOrder) error {
		if err := w.worker(a); err != nil {
			return err
		}
		if err := w.inStatus("start", OrderOpen, OrderPostponed); err != nil {
			return err
		}
		w.Status, w.StartedAt, w.TechnicianID = OrderInProgress, &tx.Now, &a.ID
		return nil
	})
}

// CheckInput ticks one checklist item (0-based Index).
type CheckInput struct {
	Index  int
	Result CheckResult
	Note   string
}

// CheckItem records one item's outcome; a problem needs a note.
func (s *Service) CheckItem(ctx context.Context, a store.Actor, id int64, in CheckInput) (*OrderDetail, error) {
	return s.step(ctx, a, id, "maint check item", func(tx *store.Tx, w *WorkOrder) error {
		return w.check(tx, a, in)
	})
}

func (w *WorkOrder) check(tx *store.Tx, a store.Actor, in CheckInput) error {
	if err := w.worker(a); err != nil {
		return err
	}
	if err := w.inStatus("check", OrderInProgress); err != nil {
		return err
	}
	if in.Index < 0 || in.Index >= len(w.Checklist) {
		return store.InvalidField("index", "must be from 0 to %d", len(w.Checklist)-1)
	}
	if in.Result == CheckProblem && in.Note == "" {
		return store.InvalidField("note", "say what the problem is")
	}
	c := &w.Checklist[in.Index]
	c.Result, c.Note, c.CheckedAt = in.Result, in.Note, &tx.Now
	return nil
}

// MaxReadings bounds the readings of one order.
const MaxReadings = 50

// AddReadings records measurements taken on the job.
func (s *Service) AddReadings(ctx context.Context, a store.Actor, id int64, rs []Reading) (*OrderDetail, error) {
	return s.step(ctx, a, id, "maint add readings", func(tx *store.Tx, w *WorkOrder) error {
		if err := w.worker(a); err != nil {
			return err
		}
		if err := w.inStatus("record readings on", OrderInProgress); err != nil {
			return err
		}
		if len(w.Readings)+len(rs) > MaxReadings {
			return store.InvalidField("readings", "a work order carries at most %d readings", MaxReadings)
		}
		for _, r := range rs {
			r.RecordedAt = tx.Now
			w.Readings = append(w.Readings, r)
		}
		return nil
	})
}

// Complete finishes the work once every checklist item is ticked.
func (s *Service) Complete(ctx context.Context, a store.Actor, id int64) (*OrderDetail, error) {
	return s.step(ctx, a, id, "maint complete", func(tx *store.Tx, w *WorkOrder) error {
		if err := w.worker(a); err != nil {
			return err
		}
		if err := w.inStatus("complete", OrderInProgress); err != nil {
			return err
		}
		for i, c := range w.Checklist {
			if c.Result == "" {
				return store.Errorf(store.CodeConflict, "checklist item %d (%s) is not checked yet", i, c.Item)
			}
		}
		w.Status, w.CompletedAt = OrderDone, &tx.Now
		return nil
	})
}

// Skip drops an order with a reason (its technician or the desk).
func (s *Service) Skip(ctx context.Context, a store.Actor, id int64, reason string) (*OrderDetail, error) {
	return s.step(ctx, a, id, "maint skip", func(tx *store.Tx, w *WorkOrder) error {
		if err := w.deskOrWorker(a); err != nil {
			return err
		}
		if err := w.inStatus("skip", pending...); err != nil {
			return err
		}
		w.Status, w.Reason = OrderSkipped, reason
		return nil
	})
}

// Postpone moves an order's due date later, with a reason; the overdue
// alert is re-armed for the new date.
func (s *Service) Postpone(ctx context.Context, a store.Actor, id int64, reason string, until store.Date) (*OrderDetail, error) {
	return s.step(ctx, a, id, "maint postpone", func(tx *store.Tx, w *WorkOrder) error {
		if err := w.deskOrWorker(a); err != nil {
			return err
		}
		if err := w.inStatus("postpone", pending...); err != nil {
			return err
		}
		if !w.DueOn.Before(until) || until.Before(tx.Today()) {
			return store.InvalidField("until", "must be after the due date and not in the past")
		}
		w.Status, w.Reason, w.DueOn, w.OverdueNotifiedAt = OrderPostponed, reason, until, nil
		return nil
	})
}

// deskOrWorker lets the desk, or the technician the order is assigned to,
// drop or move it; a team's unassigned order is the desk's to drop.
func (w *WorkOrder) deskOrWorker(a store.Actor) error {
	if a.Can(store.RoleDispatcher) || (w.TechnicianID != nil && *w.TechnicianID == a.ID && a.Can(store.RoleTechnician)) {
		return nil
	}
	return store.Errorf(store.CodeForbidden, "only the work order's technician may work it")
}

// Assign gives an order still to do to a technician (the desk), who is
// pushed.
func (s *Service) Assign(ctx context.Context, a store.Actor, id, technicianID int64) (*OrderDetail, error) {
	return s.step(ctx, a, id, "maint assign", func(tx *store.Tx, w *WorkOrder) error {
		if err := w.inStatus("assign", pending...); err != nil {
			return err
		}
		if err := checkTechnician(tx.DB, technicianID); err != nil {
			return err
		}
		w.TechnicianID = &technicianID
		return notify.Notify(tx, orderNotice(w, "maint.assigned", "新保养工单："+store.Clip(w.Title, 30),
			fmt.Sprintf("请于%s前完成。", w.DueOn)), technicianID)
	})
}

func orderNotice(w *WorkOrder, typ, title, body string) notify.Notice {
	id := strconv.FormatInt(w.ID, 10)
	return notify.Notice{Category: notify.CategoryRepair, Type: typ, Title: title, Body: body, TTL: 72 * time.Hour,
		Data: notify.StringMap{"type": "work_order", "id": id, "status": string(w.Status)}}
}

// ProblemInput is a fault found on the job: which checklist item (or
// none), and what the repair request says.
type ProblemInput struct {
	Index       *int
	Description string
}

// FileRepair files a repair request about asset for a problem found on
// order w, inside tx, and returns its id. The repair domain provides it
// (the handlers wire it), so this package never imports that domain.
type FileRepair func(tx *store.Tx, asset *Asset, w *WorkOrder) (int64, error)

// ReportProblem marks a checklist item as a problem (when Index is given)
// and files a repair request linked to the asset and the order, in one
// transaction.
func (s *Service) ReportProblem(ctx context.Context, a store.Actor, id int64, in ProblemInput, file FileRepair) (repairID int64, _ *OrderDetail, err error) {
	d, err := s.step(ctx, a, id, "maint report problem", func(tx *store.Tx, w *WorkOrder) error {
		if err := w.worker(a); err != nil {
			return err
		}
		if err := w.inStatus("report a problem on", OrderInProgress); err != nil {
			return err
		}
		if in.Index != nil {
			if err := w.check(tx, a, CheckInput{Index: *in.Index, Result: CheckProblem, Note: in.Description}); err != nil {
				return err
			}
		}
		var asset Asset
		if err := tx.Take(&asset, w.AssetID).Error; err != nil {
			return err
		}
		var err error
		repairID, err = file(tx, &asset, w)
		return err
	})
	return repairID, d, err
}

// dispatchers are the desk, told of unassigned and overdue work.
func dispatchers(tx *store.Tx) ([]int64, error) {
	return people.UsersWithRole(tx.DB, store.RoleDispatcher)
}
