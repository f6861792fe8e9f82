package handlers

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/repair"
	"houqin/models/store"
)

// Person names someone involved in a request.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func personOf(names map[int64]string, id *int64) *Person {
	if id == nil {
		return nil
	}
	return &Person{ID: *id, Name: names[*id]}
}

// FeedbackOut is how a closed request was rated.
type FeedbackOut struct {
	Attitude    int    `json:"attitude"`
	Quality     int    `json:"quality"`
	Cleanliness int    `json:"cleanliness"`
	Comment     string `json:"comment"`
	Source      string `json:"source"`
}

// RepairOut is a request as lists show it.
type RepairOut struct {
	ID              int64               `json:"id"`
	Ticket          string              `json:"ticket"`
	Category        repair.Category     `json:"category"`
	Priority        repair.Priority     `json:"priority"`
	Location        string              `json:"location"`
	Description     string              `json:"description"`
	ContactPhone    string              `json:"contact_phone"`
	Status          repair.RepairStatus `json:"status"`
	Requester       *Person             `json:"requester"`
	EnteredBy       *Person             `json:"entered_by"`
	Technician      *Person             `json:"technician"`
	RespondBy       time.Time           `json:"respond_by"`
	DueAt           time.Time           `json:"due_at"`
	Overdue         bool                `json:"overdue"`
	FirstAssignedAt *time.Time          `json:"first_assigned_at"`
	StartedAt       *time.Time          `json:"started_at"`
	ResolvedAt      *time.Time          `json:"resolved_at"`
	ClosedAt        *time.Time          `json:"closed_at"`
	ResolutionNote  string              `json:"resolution_note"`
	Feedback        *FeedbackOut        `json:"feedback"`
	PhotoCount      int                 `json:"photo_count"`
	AssetID         *int64              `json:"asset_id"`
	WorkOrderID     *int64              `json:"work_order_id"`
	CreatedAt       time.Time           `json:"created_at"`
	UpdatedAt       time.Time           `json:"updated_at"`
}

func repairOut(r *repair.Repair, names map[int64]string, now time.Time) RepairOut {
	out := RepairOut{ID: r.ID, Ticket: r.Ticket, Category: r.Category, Priority: r.Priority, Location: r.Location,
		Description: r.Description, ContactPhone: r.ContactPhone, Status: r.Status,
		Requester: personOf(names, &r.RequesterID), EnteredBy: personOf(names, &r.EnteredByID),
		Technician: personOf(names, r.TechnicianID), RespondBy: r.RespondBy, DueAt: r.DueAt, Overdue: r.Overdue(now),
		FirstAssignedAt: r.FirstAssignedAt, StartedAt: r.StartedAt, ResolvedAt: r.ResolvedAt, ClosedAt: r.ClosedAt,
		ResolutionNote: r.ResolutionNote, PhotoCount: r.PhotoCount, AssetID: r.AssetID, WorkOrderID: r.WorkOrderID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.Attitude > 0 {
		out.Feedback = &FeedbackOut{Attitude: r.Attitude, Quality: r.Quality, Cleanliness: r.Cleanliness,
			Comment: r.FeedbackComment, Source: r.FeedbackSource}
	}
	return out
}

// RepairEventOut is one step of the timeline.
type RepairEventOut struct {
	ID         int64               `json:"id"`
	Action     repair.RepairAction `json:"action"`
	FromStatus repair.RepairStatus `json:"from_status"`
	ToStatus   repair.RepairStatus `json:"to_status"`
	Actor      *Person             `json:"actor"`
	Technician *Person             `json:"technician,omitempty"`
	Note       string              `json:"note"`
	At         time.Time           `json:"at"`
}

// RepairPhotoOut is a photo's metadata; URL serves the bytes.
type RepairPhotoOut struct {
	ID          int64     `json:"id"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

func photoOut(p repair.RepairPhoto) RepairPhotoOut {
	return RepairPhotoOut{ID: p.ID, ContentType: p.ContentType, Size: p.Size, CreatedAt: p.CreatedAt,
		URL: fmt.Sprintf("/api/v1/repairs/%d/photos/%d", p.RepairID, p.ID)}
}

// RepairDetailOut is a request with its timeline and photos.
type RepairDetailOut struct {
	RepairOut
	Events []RepairEventOut `json:"events"`
	Photos []RepairPhotoOut `json:"photos"`
}

// detail reads a request as the caller may see it and renders it.
func (h *Repairs) detail(c *fiber.Ctx, status int, id int64) error {
	d, err := h.svc.Get(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return h.render(c, status, d)
}

// render writes a request with its timeline and photos.
func (h *Repairs) render(c *fiber.Ctx, status int, d *repair.RepairDetail) error {
	out := RepairDetailOut{RepairOut: repairOut(&d.Repair, d.Names, h.svc.Now()),
		Events: make([]RepairEventOut, len(d.Events)), Photos: make([]RepairPhotoOut, len(d.Photos))}
	for i, e := range d.Events {
		out.Events[i] = RepairEventOut{ID: e.ID, Action: e.Action, FromStatus: e.FromStatus, ToStatus: e.ToStatus,
			Actor: personOf(d.Names, &e.ActorID), Technician: personOf(d.Names, e.TechnicianID), Note: e.Note, At: e.CreatedAt}
	}
	for i, p := range d.Photos {
		out.Photos[i] = photoOut(p)
	}
	return c.Status(status).JSON(out)
}

// createRepairRequest is a new request; repair.RepairInput.Check holds the
// rules of its fields, for the API and the console alike.
type createRepairRequest struct {
	Category     repair.Category `json:"category"`
	Location     string          `json:"location"`
	Description  string          `json:"description"`
	ContactPhone string          `json:"contact_phone"`
	Priority     repair.Priority `json:"priority"`
	// RequesterID lets the hotline desk file for a caller.
	RequesterID int64 `json:"requester_id" validate:"omitempty,gt=0"`
	// AssetID names the equipment (scanned from its QR label).
	AssetID *int64 `json:"asset_id" validate:"omitempty,gt=0"`
}

// requireText refuses a text field that is only white space.
func requireText(field string, s *string) error {
	*s = strings.TrimSpace(*s)
	if *s == "" {
		return store.InvalidField(field, "is required")
	}
	return nil
}

// CreateRepair files a repair request (for the caller, or for a caller of
// the hotline when the desk enters it).
func (h *Repairs) CreateRepair(c *fiber.Ctx) error {
	a := UserFrom(c)
	var req createRepairRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("location", &req.Location); err != nil {
		return err
	}
	if err := requireText("description", &req.Description); err != nil {
		return err
	}
	if req.Priority == "" {
		req.Priority = repair.PriorityNormal
	}
	r, err := h.svc.Create(c.UserContext(), a, repair.RepairInput{Category: req.Category, Location: req.Location,
		Description: req.Description, ContactPhone: req.ContactPhone, Priority: req.Priority, RequesterID: req.RequesterID, AssetID: req.AssetID})
	if err != nil {
		return err
	}
	return h.detail(c, fiber.StatusCreated, r.ID)
}

// GetRepair returns one request with its timeline, if the caller may see it.
func (h *Repairs) GetRepair(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	return h.detail(c, fiber.StatusOK, id)
}

// ListRepairs lists the requests the caller may see, newest first.
func (h *Repairs) ListRepairs(c *fiber.Ctx) error {
	a := UserFrom(c)
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	f, err := repairFilterOf(c)
	if err != nil {
		return err
	}
	rows, next, err := h.svc.List(c.UserContext(), a, f, page)
	if err != nil {
		return err
	}
	names, err := h.svc.Names(c.UserContext(), rows)
	if err != nil {
		return err
	}
	now := h.svc.Now()
	return c.JSON(ListOf(rows, next, func(r repair.Repair) RepairOut { return repairOut(&r, names, now) }))
}

func repairFilterOf(c *fiber.Ctx) (repair.RepairFilter, error) {
	var f repair.RepairFilter
	var err error
	if s := strings.Clone(c.Query("status")); s != "" {
		for _, v := range strings.Split(s, ",") {
			st := repair.RepairStatus(strings.TrimSpace(v))
			if !slices.Contains(repair.RepairStatuses, st) {
				return f, store.InvalidField("status", "must be a comma-separated list of repair statuses")
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if f.Category, err = QueryEnum[repair.Category](c, "category"); err != nil {
		return f, err
	}
	tech, err := QueryInt(c, "technician_id", 0)
	if err != nil || tech < 0 {
		return f, store.InvalidField("technician_id", "must be a user id")
	}
	f.TechnicianID = int64(tech)
	if f.From, err = QueryDate(c, "from", store.Date{}); err != nil {
		return f, err
	}
	if f.To, err = QueryDate(c, "to", store.Date{}); err != nil {
		return f, err
	}
	mine, err := QueryBool(c, "mine")
	if err != nil {
		return f, err
	}
	f.Mine = mine != nil && *mine
	f.Overdue, err = QueryBool(c, "overdue")
	return f, err
}

type assignRequest struct {
	TechnicianID int64 `json:"technician_id" validate:"required,gt=0"`
}

type noteRequest struct {
	Note string `json:"note" validate:"required,max=2000"`
}

type reasonRequest struct {
	Reason string `json:"reason" validate:"required,max=500"`
}

// scoresRequest is feedback or a callback; repair.RepairScores.Check holds
// its rules.
type scoresRequest struct {
	Attitude    int    `json:"attitude"`
	Quality     int    `json:"quality"`
	Cleanliness int    `json:"cleanliness"`
	Comment     string `json:"comment"`
}

// RepairStep returns the handler of one workflow action: it decodes the
// action's body, applies it and answers with the updated request.
func (h *Repairs) RepairStep(act repair.RepairAction) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := ParamID(c, "id")
		if err != nil {
			return err
		}
		step, err := decodeStep(c, act)
		if err != nil {
			return err
		}
		d, err := h.svc.Act(c.UserContext(), UserFrom(c), id, step)
		if err != nil {
			return err
		}
		return h.render(c, fiber.StatusOK, d)
	}
}

func decodeStep(c *fiber.Ctx, act repair.RepairAction) (repair.StepInput, error) {
	step := repair.StepInput{Action: act}
	switch act {
	case repair.RepairAssign:
		var req assignRequest
		err := Decode(c, &req)
		step.TechnicianID = req.TechnicianID
		return step, err
	case repair.RepairResolve:
		var req noteRequest
		if err := Decode(c, &req); err != nil {
			return step, err
		}
		step.Note = req.Note
		return step, requireText("note", &step.Note)
	case repair.RepairFeedback, repair.RepairCallback:
		var req scoresRequest
		err := Decode(c, &req)
		step.Scores = repair.RepairScores{Attitude: req.Attitude, Quality: req.Quality, Cleanliness: req.Cleanliness,
			Comment: strings.TrimSpace(req.Comment)}
		return step, err
	case repair.RepairCancel, repair.RepairReject, repair.RepairReopen:
		var req reasonRequest
		if err := Decode(c, &req); err != nil {
			return step, err
		}
		step.Note = req.Reason
		return step, requireText("reason", &step.Note)
	}
	// start takes no body; an empty object is accepted too.
	if len(strings.TrimSpace(string(c.Body()))) > 0 {
		return step, DecodeJSON(c.Body(), &struct{}{})
	}
	return step, nil
}
