package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/maint"
	"houqin/models/store"
)

// Maint serves planned maintenance: assets, plans, the calendar and work
// orders.
type Maint struct{ svc *maint.Service }

// NewMaint returns the maintenance handlers.
func NewMaint(svc *maint.Service) *Maint { return &Maint{svc: svc} }

// AssetOut is one asset.
type AssetOut struct {
	ID          int64           `json:"id"`
	Code        string          `json:"code"`
	Name        string          `json:"name"`
	Kind        maint.AssetKind `json:"kind"`
	Building    string          `json:"building"`
	Floor       string          `json:"floor"`
	Location    string          `json:"location"`
	Quantity    int             `json:"quantity"`
	InstalledOn *store.Date     `json:"installed_on"`
	Notes       string          `json:"notes"`
	Active      bool            `json:"active"`
	PhotoCount  int             `json:"photo_count"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func assetOut(a maint.Asset) AssetOut {
	return AssetOut{ID: a.ID, Code: a.Code, Name: a.Name, Kind: a.Kind, Building: a.Building, Floor: a.Floor, Location: a.Location,
		Quantity: a.Quantity, InstalledOn: a.InstalledOn, Notes: a.Notes, Active: a.Active, PhotoCount: a.PhotoCount,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// AssetRepairOut is one repair in an asset's history.
type AssetRepairOut struct {
	ID          int64      `json:"id"`
	Ticket      string     `json:"ticket"`
	Category    string     `json:"category"`
	Status      string     `json:"status"`
	Description string     `json:"description"`
	WorkOrderID *int64     `json:"work_order_id"`
	CreatedAt   time.Time  `json:"created_at"`
	ResolvedAt  *time.Time `json:"resolved_at"`
}

// AssetDetailOut is an asset with its repair history and photos.
type AssetDetailOut struct {
	AssetOut
	Repairs []AssetRepairOut `json:"repairs"`
	Photos  []RepairPhotoOut `json:"photos"`
}

func maintPhotoOut(p maint.Photo) RepairPhotoOut {
	url := fmt.Sprintf("/api/v1/work-orders/%d/photos/%d", deref(p.WorkOrderID), p.ID)
	if p.AssetID != nil {
		url = fmt.Sprintf("/api/v1/assets/%d/photos/%d", *p.AssetID, p.ID)
	}
	return RepairPhotoOut{ID: p.ID, ContentType: p.ContentType, Size: p.Size, CreatedAt: p.CreatedAt, URL: url}
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func mapOf[M, T any](rows []M, f func(M) T) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

type assetRequest struct {
	Code        string          `json:"code" validate:"required,max=40"`
	Name        string          `json:"name" validate:"required,max=100"`
	Kind        maint.AssetKind `json:"kind" validate:"required,enum"`
	Building    string          `json:"building" validate:"max=50"`
	Floor       string          `json:"floor" validate:"max=20"`
	Location    string          `json:"location" validate:"max=100"`
	Quantity    int             `json:"quantity" validate:"min=0,max=100000"`
	InstalledOn *store.Date     `json:"installed_on"`
	Notes       string          `json:"notes" validate:"max=1000"`
}

// CreateAsset registers an asset (desk).
func (h *Maint) CreateAsset(c *fiber.Ctx) error {
	var req assetRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("name", &req.Name); err != nil {
		return err
	}
	if !maint.ValidCode(req.Code) {
		return store.InvalidField("code", "may hold only letters, digits, '-', '_' and '.'")
	}
	a, err := h.svc.CreateAsset(c.UserContext(), maint.AssetInput{Code: req.Code, Name: req.Name, Kind: req.Kind,
		Building: strings.TrimSpace(req.Building), Floor: strings.TrimSpace(req.Floor), Location: strings.TrimSpace(req.Location),
		Quantity: req.Quantity, InstalledOn: req.InstalledOn, Notes: strings.TrimSpace(req.Notes)})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(assetOut(*a))
}

type assetPatchRequest struct {
	Name        *string          `json:"name" validate:"omitempty,min=1,max=100"`
	Kind        *maint.AssetKind `json:"kind" validate:"omitempty,enum"`
	Building    *string          `json:"building" validate:"omitempty,max=50"`
	Floor       *string          `json:"floor" validate:"omitempty,max=20"`
	Location    *string          `json:"location" validate:"omitempty,max=100"`
	Quantity    *int             `json:"quantity" validate:"omitempty,min=1,max=100000"`
	InstalledOn *store.Date      `json:"installed_on"`
	Notes       *string          `json:"notes" validate:"omitempty,max=1000"`
	Active      *bool            `json:"active"`
}

// UpdateAsset edits an asset or retires it (desk).
func (h *Maint) UpdateAsset(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req assetPatchRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if req.Name != nil {
		if err := requireText("name", req.Name); err != nil {
			return err
		}
	}
	a, err := h.svc.UpdateAsset(c.UserContext(), id, maint.AssetPatch{Name: req.Name, Kind: req.Kind, Building: req.Building,
		Floor: req.Floor, Location: req.Location, Quantity: req.Quantity, InstalledOn: req.InstalledOn, Notes: req.Notes, Active: req.Active})
	if err != nil {
		return err
	}
	return c.JSON(assetOut(*a))
}

// GetAsset returns an asset with its repair history and photos.
func (h *Maint) GetAsset(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.svc.GetAsset(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(AssetDetailOut{AssetOut: assetOut(d.Asset), Repairs: mapOf(d.Repairs, assetRepairOut),
		Photos: mapOf(d.Photos, maintPhotoOut)})
}

func assetRepairOut(r maint.RepairLine) AssetRepairOut { return AssetRepairOut(r) }

// ListAssets lists assets newest first (?kind=, ?building=, ?q=, ?active=).
func (h *Maint) ListAssets(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	f := maint.AssetFilter{Building: strings.Clone(c.Query("building")), Q: strings.TrimSpace(strings.Clone(c.Query("q")))}
	if f.Kind, err = QueryEnum[maint.AssetKind](c, "kind"); err != nil {
		return err
	}
	if f.Active, err = QueryBool(c, "active"); err != nil {
		return err
	}
	rows, next, err := h.svc.ListAssets(c.UserContext(), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, assetOut))
}

// ImportOut answers an import.
type ImportOut struct {
	Imported int `json:"imported"`
}

// ImportAssets registers the assets of a CSV body (text/csv), all or none.
func (h *Maint) ImportAssets(c *fiber.Ctx) error {
	n, err := h.svc.ImportAssets(c.UserContext(), c.Body())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ImportOut{Imported: n})
}

// PlanOut is one maintenance plan.
type PlanOut struct {
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	AssetID      *int64          `json:"asset_id"`
	AssetKind    maint.AssetKind `json:"asset_kind,omitempty"`
	Checklist    []string        `json:"checklist"`
	CycleUnit    maint.CycleUnit `json:"cycle_unit"`
	CycleEvery   int             `json:"cycle_every"`
	StartOn      store.Date      `json:"start_on"`
	LeadDays     int             `json:"lead_days"`
	Team         string          `json:"team"`
	TechnicianID *int64          `json:"technician_id"`
	NextDue      store.Date      `json:"next_due"`
	GenerateOn   store.Date      `json:"generate_on"`
	Active       bool            `json:"active"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

func planOut(p maint.Plan) PlanOut {
	return PlanOut{ID: p.ID, Name: p.Name, AssetID: p.AssetID, AssetKind: p.AssetKind, Checklist: p.Checklist,
		CycleUnit: p.CycleUnit, CycleEvery: p.CycleEvery, StartOn: p.StartOn, LeadDays: p.LeadDays, Team: p.Team,
		TechnicianID: p.TechnicianID, NextDue: p.NextDue, GenerateOn: p.GenerateOn, Active: p.Active,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

type planRequest struct {
	Name         string          `json:"name" validate:"required,max=100"`
	AssetID      *int64          `json:"asset_id" validate:"omitempty,min=1"`
	AssetKind    maint.AssetKind `json:"asset_kind" validate:"omitempty,enum"`
	Checklist    []string        `json:"checklist" validate:"required,min=1,max=30,dive,required,max=100"`
	CycleUnit    maint.CycleUnit `json:"cycle_unit" validate:"required,enum"`
	CycleEvery   int             `json:"cycle_every" validate:"required,min=1,max=366"`
	StartOn      store.Date      `json:"start_on" validate:"required"`
	LeadDays     int             `json:"lead_days" validate:"min=0,max=90"`
	Team         string          `json:"team" validate:"max=50"`
	TechnicianID *int64          `json:"technician_id" validate:"omitempty,min=1"`
}

// CreatePlan adds a plan (desk).
func (h *Maint) CreatePlan(c *fiber.Ctx) error {
	var req planRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("name", &req.Name); err != nil {
		return err
	}
	p, err := h.svc.CreatePlan(c.UserContext(), maint.PlanInput{Name: req.Name, AssetID: req.AssetID, AssetKind: req.AssetKind,
		Checklist: req.Checklist, CycleUnit: req.CycleUnit, CycleEvery: req.CycleEvery, StartOn: req.StartOn, LeadDays: req.LeadDays,
		Team: strings.TrimSpace(req.Team), TechnicianID: req.TechnicianID})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(planOut(*p))
}

type planPatchRequest struct {
	Name         *string          `json:"name" validate:"omitempty,min=1,max=100"`
	Checklist    []string         `json:"checklist" validate:"omitempty,min=1,max=30,dive,required,max=100"`
	CycleUnit    *maint.CycleUnit `json:"cycle_unit" validate:"omitempty,enum"`
	CycleEvery   *int             `json:"cycle_every" validate:"omitempty,min=1,max=366"`
	StartOn      *store.Date      `json:"start_on"`
	LeadDays     *int             `json:"lead_days" validate:"omitempty,min=0,max=90"`
	Team         *string          `json:"team" validate:"omitempty,max=50"`
	TechnicianID *int64           `json:"technician_id" validate:"omitempty,min=1"`
	Active       *bool            `json:"active"`
}

// UpdatePlan edits a plan or stops it (desk).
func (h *Maint) UpdatePlan(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req planPatchRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	p, err := h.svc.UpdatePlan(c.UserContext(), id, maint.PlanPatch{Name: req.Name, Checklist: req.Checklist, CycleUnit: req.CycleUnit,
		CycleEvery: req.CycleEvery, StartOn: req.StartOn, LeadDays: req.LeadDays, Team: req.Team, TechnicianID: req.TechnicianID,
		Active: req.Active})
	if err != nil {
		return err
	}
	return c.JSON(planOut(*p))
}

// GetPlan returns one plan.
func (h *Maint) GetPlan(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.svc.GetPlan(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(planOut(*p))
}

// ListPlans lists plans newest first (?asset_id=, ?asset_kind=, ?active=).
func (h *Maint) ListPlans(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	var f maint.PlanFilter
	asset, err := QueryInt(c, "asset_id", 0)
	if err != nil {
		return err
	}
	f.AssetID = int64(asset)
	if f.AssetKind, err = QueryEnum[maint.AssetKind](c, "asset_kind"); err != nil {
		return err
	}
	if f.Active, err = QueryBool(c, "active"); err != nil {
		return err
	}
	rows, next, err := h.svc.ListPlans(c.UserContext(), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, planOut))
}

// WeekOut is what falls due in one ISO week.
type WeekOut struct {
	Year    int                       `json:"year"`
	Week    int                       `json:"week"`
	Monday  store.Date                `json:"monday"`
	Orders  map[maint.OrderStatus]int `json:"orders"`
	Planned int                       `json:"planned"`
	PlanIDs []int64                   `json:"plan_ids"`
}

// CalendarOut answers GET /maintenance/calendar.
type CalendarOut struct {
	From  store.Date `json:"from"`
	To    store.Date `json:"to"`
	Weeks []WeekOut  `json:"weeks"`
}

// Calendar reports what is due per ISO week from..to (default: the next
// eight weeks).
func (h *Maint) Calendar(c *fiber.Ctx) error {
	from, err := QueryDate(c, "from", h.svc.Today())
	if err != nil {
		return err
	}
	to, err := QueryDate(c, "to", from.AddDays(55))
	if err != nil {
		return err
	}
	weeks, err := h.svc.Calendar(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(CalendarOut{From: from, To: to, Weeks: mapOf(weeks, func(w maint.Week) WeekOut {
		return WeekOut{Year: w.Year, Week: w.Week, Monday: w.Monday, Orders: w.Orders, Planned: w.Planned, PlanIDs: w.Plans}
	})})
}
