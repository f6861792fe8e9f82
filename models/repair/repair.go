package repair

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"houqin/models/people"
	"houqin/models/store"
)

// RepairStatus is where a repair request stands (DESIGN.md, Repairs).
type RepairStatus string

const (
	RepairSubmitted  RepairStatus = "submitted"
	RepairAssigned   RepairStatus = "assigned"
	RepairInProgress RepairStatus = "in_progress"
	RepairResolved   RepairStatus = "resolved"
	RepairClosed     RepairStatus = "closed"
	RepairCancelled  RepairStatus = "cancelled"
	RepairRejected   RepairStatus = "rejected"
)

// RepairStatuses lists every status in workflow order.
var RepairStatuses = []RepairStatus{RepairSubmitted, RepairAssigned, RepairInProgress, RepairResolved,
	RepairClosed, RepairCancelled, RepairRejected}

// Enum lists the statuses (store.Enumerated).
func (RepairStatus) Enum() []string { return store.Strings(RepairStatuses) }

// Category is the trade the desk dispatches a request to.
type Category string

// Categories is the fixed list of trades, in the order the app offers them.
var Categories = []Category{"water", "power", "air_conditioning", "lift", "fire_safety", "telecom",
	"network", "door_window", "other"}

// Enum lists the categories (store.Enumerated).
func (Category) Enum() []string { return store.Strings(Categories) }

// categoryNames are the Chinese names used in notifications.
var categoryNames = map[Category]string{
	"water": "水路", "power": "电路", "air_conditioning": "空调", "lift": "电梯", "fire_safety": "消防",
	"telecom": "通信", "network": "网络", "door_window": "门窗", "other": "其他",
}

// Priority is a request's urgency; each has its own time promises.
type Priority string

const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityUrgent Priority = "urgent"
)

// Priorities lists the urgency levels, least urgent first.
var Priorities = []Priority{PriorityLow, PriorityNormal, PriorityUrgent}

// Enum lists the priorities (store.Enumerated).
func (Priority) Enum() []string { return store.Strings(Priorities) }

// MaxRepairPhotos is how many photos one request may carry.
const MaxRepairPhotos = 6

// Repair is one repair request (报修单).
type Repair struct {
	ID     int64  `gorm:"primaryKey"`
	Ticket string `gorm:"size:20"`
	// RequesterID is who has the fault; EnteredByID who typed it in (the
	// hotline desk when it files a request for a caller).
	RequesterID  int64
	EnteredByID  int64
	Category     Category     `gorm:"size:20"`
	Priority     Priority     `gorm:"size:10"`
	Location     string       `gorm:"size:200"`
	Description  string       `gorm:"size:2000"`
	ContactPhone string       `gorm:"size:32"`
	Status       RepairStatus `gorm:"size:20"`
	TechnicianID *int64
	// RespondBy and DueAt are the response (assignment) and resolution
	// promises. DeadlineAt is whichever of them the current status is
	// racing against (NULL once resolved or finished), so "overdue" is one
	// indexed comparison.
	RespondBy         time.Time
	DueAt             time.Time
	DeadlineAt        *time.Time
	OverdueNotifiedAt *time.Time
	// MissedDeadlines counts promises missed, for the statistics.
	MissedDeadlines int
	FirstAssignedAt *time.Time
	StartedAt       *time.Time
	ResolvedAt      *time.Time
	ClosedAt        *time.Time
	ResolutionNote  string `gorm:"size:2000"`
	// Scores are 1-5, 0 until feedback or a callback closes the request.
	Attitude, Quality, Cleanliness int
	FeedbackComment                string `gorm:"size:1000"`
	// FeedbackSource is "requester" (feedback) or "callback" (the desk's 回访).
	FeedbackSource string `gorm:"size:10"`
	PhotoCount     int
	// AssetID is the equipment the fault is on, and WorkOrderID the planned
	// maintenance visit that found it, when known.
	AssetID     *int64
	WorkOrderID *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RepairEvent is one step of a request's timeline.
type RepairEvent struct {
	ID         int64 `gorm:"primaryKey"`
	RepairID   int64
	ActorID    int64
	Action     RepairAction `gorm:"size:20"`
	FromStatus RepairStatus `gorm:"size:20"`
	ToStatus   RepairStatus `gorm:"size:20"`
	// TechnicianID is who an assign step gave the job to.
	TechnicianID *int64
	Note         string `gorm:"size:2000"`
	CreatedAt    time.Time
}

// RepairPhoto is one picture of the fault; the bytes live in blob storage
// under StorageKey.
type RepairPhoto struct {
	ID          int64 `gorm:"primaryKey"`
	RepairID    int64
	UploaderID  int64
	ContentType string `gorm:"size:50"`
	Size        int64
	StorageKey  string `gorm:"size:100"`
	CreatedAt   time.Time
}

// RepairTarget is the time promise for one priority. The table is the
// configuration: admins change it through the API, every replica sees it.
type RepairTarget struct {
	Priority          Priority `gorm:"primaryKey;size:10"`
	ResponseMinutes   int
	ResolutionMinutes int
	UpdatedAt         time.Time
}

// RepairCounter hands out the daily ticket sequence.
type RepairCounter struct {
	Day store.Date `gorm:"primaryKey"`
	Seq int
}

// RepairInput is the input of Create.
type RepairInput struct {
	Category                            Category
	Priority                            Priority
	Location, Description, ContactPhone string
	// RequesterID files the request for someone else (dispatchers only);
	// 0 means the caller.
	RequesterID int64
	// AssetID names the equipment at fault (from its QR label), if known.
	AssetID *int64
}

// Create files a request, gives it a ticket number and its time
// promises, and tells the desk.
func (s *Service) Create(ctx context.Context, a store.Actor, in RepairInput) (_ *Repair, err error) {
	defer store.Wrap(&err, "repair create")
	if err := in.Check(); err != nil {
		return nil, err
	}
	r := &Repair{RequesterID: a.ID, EnteredByID: a.ID, Category: in.Category, Location: in.Location,
		Description: in.Description, ContactPhone: in.ContactPhone, Priority: in.Priority, Status: RepairSubmitted,
		AssetID: in.AssetID}
	if in.RequesterID != 0 && in.RequesterID != a.ID {
		if !a.Can(store.RoleDispatcher) {
			return nil, store.ErrForbidden
		}
		r.RequesterID = in.RequesterID
	}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if r.AssetID != nil {
			// The registry is planned maintenance's table, read here, not its package.
			var n int64
			if err := tx.Table("maint_assets").Where("id = ?", *r.AssetID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return store.InvalidField("asset_id", "is not a registered asset")
			}
		}
		return FileTx(tx, a, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// FileTx files r inside tx, for callers composing a larger transaction
// (the demo seeds back-dated requests this way).
func FileTx(tx *store.Tx, a store.Actor, r *Repair) error {
	var requester people.User
	err := tx.Take(&requester, r.RequesterID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !requester.Active) {
		return store.InvalidField("requester_id", "is not an active user")
	}
	if err != nil {
		return err
	}
	if r.ContactPhone == "" {
		r.ContactPhone = requester.Phone
	}
	target, err := repairTarget(tx, r.Priority)
	if err != nil {
		return err
	}
	if r.Ticket, err = nextTicket(tx); err != nil {
		return err
	}
	r.CreatedAt = tx.Now
	r.RespondBy = tx.Now.Add(target.Response())
	r.DueAt = tx.Now.Add(target.Resolution())
	r.DeadlineAt = &r.RespondBy
	if err := tx.Create(r).Error; err != nil {
		return err
	}
	if err := tx.Create(&RepairEvent{RepairID: r.ID, ActorID: a.ID, Action: RepairCreate,
		ToStatus: RepairSubmitted, CreatedAt: tx.Now}).Error; err != nil {
		return err
	}
	tx.Publish(deskChanged(r, string(RepairCreate)))
	return notifyRepair(tx, a, r, StepInput{Action: RepairCreate}, nil)
}

// Response is the time within which a request should be assigned.
func (t RepairTarget) Response() time.Duration { return time.Duration(t.ResponseMinutes) * time.Minute }

// Resolution is the time within which a request should be resolved.
func (t RepairTarget) Resolution() time.Duration {
	return time.Duration(t.ResolutionMinutes) * time.Minute
}

func repairTarget(tx *store.Tx, priority Priority) (RepairTarget, error) {
	var t RepairTarget
	err := tx.Take(&t, "priority = ?", priority).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, store.InvalidField("priority", "has no time target configured")
	}
	return t, err
}

// Targets lists the time promise of each priority.
func (s *Service) Targets(ctx context.Context) (_ []RepairTarget, err error) {
	defer store.Wrap(&err, "repair targets")
	var ts []RepairTarget
	if err := s.Read(ctx).Find(&ts).Error; err != nil {
		return nil, err
	}
	slices.SortFunc(ts, func(a, b RepairTarget) int {
		return slices.Index(Priorities, a.Priority) - slices.Index(Priorities, b.Priority)
	})
	return ts, nil
}

// SetTargets replaces the time promises of the given priorities. They
// apply to requests filed from now on.
func (s *Service) SetTargets(ctx context.Context, ts []RepairTarget) (_ []RepairTarget, err error) {
	defer store.Wrap(&err, "repair set targets")
	err = s.Tx(ctx, func(tx *store.Tx) error {
		for _, t := range ts {
			if t.ResolutionMinutes < t.ResponseMinutes {
				return store.InvalidField("resolution_minutes", "must not be shorter than the response time of %s", t.Priority)
			}
			t.UpdatedAt = tx.Now
			if err := tx.Save(&t).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Targets(ctx)
}

// nextTicket returns today's next ticket number, BX-YYYYMMDD-NNNN. The
// counter row is locked by the upsert, so concurrent requests never share
// a number.
func nextTicket(tx *store.Tx) (string, error) {
	day := tx.Today()
	c := RepairCounter{Day: day, Seq: 1}
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "day"}},
		DoUpdates: clause.Assignments(map[string]any{"seq": gorm.Expr("seq + 1")})}).Create(&c).Error
	if err != nil {
		return "", err
	}
	if err := tx.Take(&c, "day = ?", day).Error; err != nil {
		return "", err
	}
	return ticketOf(day, c.Seq), nil
}

func ticketOf(day store.Date, n int) string {
	return fmt.Sprintf("BX-%04d%02d%02d-%04d", day.Year, day.Month, day.Day, n)
}

// Overdue reports whether the request has missed the promise it is racing.
func (r *Repair) Overdue(now time.Time) bool { return r.DeadlineAt != nil && now.After(*r.DeadlineAt) }

// repairVisible restricts q to the requests a may see: dispatchers and
// admins see all, technicians their own and those assigned to them, staff
// their own.
func repairVisible(q *gorm.DB, a store.Actor) *gorm.DB {
	switch {
	case a.Can(store.RoleDispatcher):
		return q
	case a.Is(store.RoleTechnician):
		return q.Where("(repairs.requester_id = ? OR repairs.technician_id = ?)", a.ID, a.ID)
	}
	return q.Where("repairs.requester_id = ?", a.ID)
}

func (r *Repair) visibleTo(a store.Actor) bool {
	return a.Can(store.RoleDispatcher) || r.RequesterID == a.ID || (r.TechnicianID != nil && *r.TechnicianID == a.ID)
}

// takeVisible loads request id into r if a may see it; to anyone else it
// does not exist.
func takeVisible(db *gorm.DB, a store.Actor, id int64, r *Repair) error {
	err := db.Take(r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !r.visibleTo(a)) {
		return store.ErrNotFound("repair")
	}
	return err
}

// RepairDetail is a request with its timeline and photos.
type RepairDetail struct {
	Repair
	Events []RepairEvent
	Photos []RepairPhoto
	// Names of the people involved, by user id.
	Names map[int64]string
}

// Get returns one request the caller may see; others are "not found".
func (s *Service) Get(ctx context.Context, a store.Actor, id int64) (_ *RepairDetail, err error) {
	defer store.Wrap(&err, "repair get")
	db := s.Read(ctx)
	var d RepairDetail
	if err := takeVisible(db, a, id, &d.Repair); err != nil {
		return nil, err
	}
	return &d, loadRepairDetail(db, &d)
}

// loadRepairDetail fills in the timeline, photos and names of d.Repair.
func loadRepairDetail(db *gorm.DB, d *RepairDetail) error {
	id := d.ID
	if err := db.Where("repair_id = ?", id).Order("id").Find(&d.Events).Error; err != nil {
		return err
	}
	if err := db.Where("repair_id = ?", id).Order("id").Find(&d.Photos).Error; err != nil {
		return err
	}
	ids := []int64{d.RequesterID, d.EnteredByID}
	if d.TechnicianID != nil {
		ids = append(ids, *d.TechnicianID)
	}
	for _, e := range d.Events {
		ids = append(ids, e.ActorID)
		if e.TechnicianID != nil {
			// Earlier assignees are named in the timeline too.
			ids = append(ids, *e.TechnicianID)
		}
	}
	var err error
	d.Names, err = userNames(db, ids)
	return err
}

// Names returns the names of the people on rows (for lists).
func (s *Service) Names(ctx context.Context, rows []Repair) (_ map[int64]string, err error) {
	defer store.Wrap(&err, "repair names")
	ids := make([]int64, 0, 3*len(rows))
	for _, r := range rows {
		ids = append(ids, r.RequesterID, r.EnteredByID)
		if r.TechnicianID != nil {
			ids = append(ids, *r.TechnicianID)
		}
	}
	return userNames(s.Read(ctx), ids)
}

func userNames(db *gorm.DB, ids []int64) (map[int64]string, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	names := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	var users []people.User
	if err := db.Select("id", "name").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	return names, nil
}

// RepairFilter narrows List. Zero fields do not filter.
type RepairFilter struct {
	Statuses     []RepairStatus
	Category     Category
	TechnicianID int64
	From, To     store.Date // local creation dates, inclusive
	Mine         bool       // requested by or assigned to the caller
	Overdue      *bool
}

// List returns the requests the caller may see, newest first.
func (s *Service) List(ctx context.Context, a store.Actor, f RepairFilter, p store.Page) (_ []Repair, _ string, err error) {
	defer store.Wrap(&err, "repair list")
	now := s.Now()
	q := repairVisible(s.Read(ctx).Model(&Repair{}), a)
	if len(f.Statuses) == 1 {
		q = q.Where("repairs.status = ?", f.Statuses[0])
	} else if len(f.Statuses) > 1 {
		q = q.Where("repairs.status IN ?", f.Statuses)
	}
	if f.Category != "" {
		q = q.Where("repairs.category = ?", f.Category)
	}
	if f.TechnicianID != 0 {
		q = q.Where("repairs.technician_id = ?", f.TechnicianID)
	}
	if !f.From.IsZero() {
		q = q.Where("repairs.created_at >= ?", f.From.At(0, 0, s.Location).UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("repairs.created_at < ?", f.To.AddDays(1).At(0, 0, s.Location).UTC())
	}
	if f.Mine {
		q = q.Where("(repairs.requester_id = ? OR repairs.technician_id = ?)", a.ID, a.ID)
	}
	if f.Overdue != nil {
		if *f.Overdue {
			overdue := "repairs.deadline_at < ?"
			if s.Dialect == store.SQLite {
				// Without statistics SQLite would walk the whole table in id
				// order looking for the few overdue rows; saying they are rare
				// makes it search idx_repairs_deadline and sort what it finds.
				overdue = "likelihood(" + overdue + ", 0.01)"
			}
			q = q.Where(overdue, now)
		} else {
			q = q.Where("(repairs.deadline_at IS NULL OR repairs.deadline_at >= ?)", now)
		}
	}
	return store.Paginate[Repair](q, p, func(r Repair) int64 { return r.ID })
}
