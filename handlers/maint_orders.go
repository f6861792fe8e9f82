package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/maint"
	"houqin/models/repair"
	"houqin/models/store"
)

// WorkOrderOut is one work order.
type WorkOrderOut struct {
	ID           int64             `json:"id"`
	PlanID       int64             `json:"plan_id"`
	AssetID      int64             `json:"asset_id"`
	Title        string            `json:"title"`
	DueOn        store.Date        `json:"due_on"`
	ScheduledOn  store.Date        `json:"scheduled_on"`
	Status       maint.OrderStatus `json:"status"`
	Overdue      bool              `json:"overdue"`
	Team         string            `json:"team"`
	TechnicianID *int64            `json:"technician_id"`
	Checklist    []maint.Check     `json:"checklist"`
	Readings     []maint.Reading   `json:"readings"`
	Reason       string            `json:"reason"`
	StartedAt    *time.Time        `json:"started_at"`
	CompletedAt  *time.Time        `json:"completed_at"`
	PhotoCount   int               `json:"photo_count"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

func (h *Maint) orderOut(w maint.WorkOrder) WorkOrderOut {
	return WorkOrderOut{ID: w.ID, PlanID: w.PlanID, AssetID: w.AssetID, Title: w.Title, DueOn: w.DueOn, ScheduledOn: w.ScheduledOn,
		Status: w.Status, Overdue: w.Overdue(h.svc.Today()), Team: w.Team, TechnicianID: w.TechnicianID, Checklist: w.Checklist,
		Readings: w.Readings, Reason: w.Reason, StartedAt: w.StartedAt, CompletedAt: w.CompletedAt, PhotoCount: w.PhotoCount,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

// WorkOrderDetailOut is a work order with its asset, photos and the
// repairs opened from it.
type WorkOrderDetailOut struct {
	WorkOrderOut
	Asset   AssetOut         `json:"asset"`
	Photos  []RepairPhotoOut `json:"photos"`
	Repairs []AssetRepairOut `json:"repairs"`
}

func (h *Maint) detailOut(d *maint.OrderDetail) WorkOrderDetailOut {
	return WorkOrderDetailOut{WorkOrderOut: h.orderOut(d.WorkOrder), Asset: assetOut(d.Asset),
		Photos: mapOf(d.Photos, maintPhotoOut), Repairs: mapOf(d.Repairs, assetRepairOut)}
}

// answer renders the order after an action.
func (h *Maint) answer(c *fiber.Ctx, d *maint.OrderDetail, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(h.detailOut(d))
}

// ListWorkOrders lists the orders the caller may see, newest first
// (?status=, ?mine=, ?overdue=, ?asset_id=, ?from=, ?to= on due dates).
func (h *Maint) ListWorkOrders(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	var f maint.OrderFilter
	status, err := QueryEnum[maint.OrderStatus](c, "status")
	if err != nil {
		return err
	}
	if status != "" {
		f.Statuses = []maint.OrderStatus{status}
	}
	for name, dst := range map[string]*bool{"mine": &f.Mine, "overdue": &f.Overdue} {
		b, err := QueryBool(c, name)
		if err != nil {
			return err
		}
		*dst = b != nil && *b
	}
	asset, err := QueryInt(c, "asset_id", 0)
	if err != nil {
		return err
	}
	f.AssetID = int64(asset)
	if f.From, err = QueryDate(c, "from", store.Date{}); err != nil {
		return err
	}
	if f.To, err = QueryDate(c, "to", store.Date{}); err != nil {
		return err
	}
	rows, next, err := h.svc.ListOrders(c.UserContext(), UserFrom(c), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, h.orderOut))
}

// GetWorkOrder returns one order the caller may see.
func (h *Maint) GetWorkOrder(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.svc.GetOrder(c.UserContext(), UserFrom(c), id)
	return h.answer(c, d, err)
}

// orderStep adapts an action that needs no body.
func (h *Maint) orderStep(op func(context.Context, store.Actor, int64) (*maint.OrderDetail, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := ParamID(c, "id")
		if err != nil {
			return err
		}
		d, err := op(c.UserContext(), UserFrom(c), id)
		return h.answer(c, d, err)
	}
}

// StartWorkOrder begins the work (its technician; an unassigned order
// becomes the caller's).
func (h *Maint) StartWorkOrder(c *fiber.Ctx) error { return h.orderStep(h.svc.Start)(c) }

// CompleteWorkOrder finishes the work once every item is checked.
func (h *Maint) CompleteWorkOrder(c *fiber.Ctx) error { return h.orderStep(h.svc.Complete)(c) }

type checkRequest struct {
	Index  *int              `json:"index" validate:"required,min=0,max=29"`
	Result maint.CheckResult `json:"result" validate:"required,enum"`
	Note   string            `json:"note" validate:"max=500"`
}

// CheckWorkOrderItem records one checklist item's outcome.
func (h *Maint) CheckWorkOrderItem(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req checkRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	d, err := h.svc.CheckItem(c.UserContext(), UserFrom(c), id, maint.CheckInput{Index: *req.Index, Result: req.Result, Note: strings.TrimSpace(req.Note)})
	return h.answer(c, d, err)
}

type readingRequest struct {
	Name  string   `json:"name" validate:"required,max=50"`
	Value *float64 `json:"value" validate:"required"`
	Unit  string   `json:"unit" validate:"max=20"`
}

type readingsRequest struct {
	Readings []readingRequest `json:"readings" validate:"required,min=1,max=50,dive"`
}

// AddWorkOrderReadings records measurements taken on the job.
func (h *Maint) AddWorkOrderReadings(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req readingsRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	rs := make([]maint.Reading, len(req.Readings))
	for i, r := range req.Readings {
		rs[i] = maint.Reading{Name: strings.TrimSpace(r.Name), Value: *r.Value, Unit: strings.TrimSpace(r.Unit)}
	}
	d, err := h.svc.AddReadings(c.UserContext(), UserFrom(c), id, rs)
	return h.answer(c, d, err)
}

type orderReasonRequest struct {
	Reason string      `json:"reason" validate:"required,max=500"`
	Until  *store.Date `json:"until"`
}

// SkipWorkOrder drops an order, with a reason.
func (h *Maint) SkipWorkOrder(c *fiber.Ctx) error {
	return h.withReason(c, false, func(id int64, req orderReasonRequest) (*maint.OrderDetail, error) {
		return h.svc.Skip(c.UserContext(), UserFrom(c), id, req.Reason)
	})
}

// PostponeWorkOrder moves an order's due date (until), with a reason.
func (h *Maint) PostponeWorkOrder(c *fiber.Ctx) error {
	return h.withReason(c, true, func(id int64, req orderReasonRequest) (*maint.OrderDetail, error) {
		return h.svc.Postpone(c.UserContext(), UserFrom(c), id, req.Reason, *req.Until)
	})
}

func (h *Maint) withReason(c *fiber.Ctx, needUntil bool, op func(int64, orderReasonRequest) (*maint.OrderDetail, error)) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req orderReasonRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("reason", &req.Reason); err != nil {
		return err
	}
	if needUntil != (req.Until != nil) {
		if needUntil {
			return store.InvalidField("until", "is required")
		}
		return store.InvalidField("until", "must be left out here")
	}
	d, err := op(id, req)
	return h.answer(c, d, err)
}

type assignOrderRequest struct {
	TechnicianID int64 `json:"technician_id" validate:"required,min=1"`
}

// AssignWorkOrder gives an order to a technician (desk).
func (h *Maint) AssignWorkOrder(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req assignOrderRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	d, err := h.svc.Assign(c.UserContext(), UserFrom(c), id, req.TechnicianID)
	return h.answer(c, d, err)
}

type problemRequest struct {
	Index       *int            `json:"index" validate:"omitempty,min=0,max=29"`
	Category    repair.Category `json:"category" validate:"required,enum"`
	Priority    repair.Priority `json:"priority" validate:"required,enum"`
	Description string          `json:"description" validate:"required,max=2000"`
}

// ProblemOut answers a problem report: the repair filed and the order.
type ProblemOut struct {
	RepairID  int64              `json:"repair_id"`
	WorkOrder WorkOrderDetailOut `json:"work_order"`
}

// ReportWorkOrderProblem files a repair request about the order's asset
// for a fault found on the job, in the same transaction that marks the
// checklist item: the repair is filed through the repair domain's FileTx,
// handed to the maintenance domain, which never imports it.
func (h *Maint) ReportWorkOrderProblem(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req problemRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("description", &req.Description); err != nil {
		return err
	}
	a := UserFrom(c)
	file := func(tx *store.Tx, asset *maint.Asset, w *maint.WorkOrder) (int64, error) {
		r := &repair.Repair{RequesterID: a.ID, EnteredByID: a.ID, Category: req.Category, Priority: req.Priority,
			Location: store.Clip(asset.Place(), 200), Description: req.Description, Status: repair.RepairSubmitted,
			AssetID: &asset.ID, WorkOrderID: &w.ID}
		if err := repair.FileTx(tx, a, r); err != nil {
			return 0, err
		}
		return r.ID, nil
	}
	repairID, d, err := h.svc.ReportProblem(c.UserContext(), a, id, maint.ProblemInput{Index: req.Index, Description: req.Description}, file)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ProblemOut{RepairID: repairID, WorkOrder: h.detailOut(d)})
}

// photoOf reads which asset or work order a photo route names.
func photoOf(c *fiber.Ctx, ofAsset bool) (maint.PhotoOf, error) {
	id, err := ParamID(c, "id")
	if ofAsset {
		return maint.PhotoOf{AssetID: id}, err
	}
	return maint.PhotoOf{WorkOrderID: id}, err
}

// UploadPhoto adds a photo (multipart field "photo") to an asset or a
// work order.
func (h *Maint) UploadPhoto(ofAsset bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		o, err := photoOf(c, ofAsset)
		if err != nil {
			return err
		}
		ctx, a := c.UserContext(), UserFrom(c)
		if err := h.svc.CheckPhoto(ctx, a, o); err != nil {
			return err
		}
		data, err := FormPhoto(c)
		if err != nil {
			return err
		}
		p, err := h.svc.AddPhoto(ctx, a, o, data)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(maintPhotoOut(*p))
	}
}

// Photo serves the bytes of an asset's or a work order's photo.
func (h *Maint) Photo(ofAsset bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		o, err := photoOf(c, ofAsset)
		if err != nil {
			return err
		}
		photoID, err := ParamID(c, "photo_id")
		if err != nil {
			return err
		}
		p, data, err := h.svc.GetPhoto(c.UserContext(), UserFrom(c), o, photoID)
		if err != nil {
			return err
		}
		return sendPhoto(c, p.ContentType, data)
	}
}
