package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/inspect"
	"houqin/models/store"
)

// Inspections serves the inspection group's records and the teams' work on
// the problems they find.
type Inspections struct{ svc *inspect.Service }

// NewInspections returns the inspection handlers.
func NewInspections(svc *inspect.Service) *Inspections { return &Inspections{svc: svc} }

// InspectionCountsOut are how an inspection's problems stand.
type InspectionCountsOut struct {
	Problems int `json:"problems"`
	Open     int `json:"open"`
	Fixed    int `json:"fixed"`
	Verified int `json:"verified"`
	SentBack int `json:"sent_back"`
	Overdue  int `json:"overdue"`
}

// InspectionOut is an inspection with its counts.
type InspectionOut struct {
	ID          int64               `json:"id"`
	InspectorID int64               `json:"inspector_id"`
	At          time.Time           `json:"at"`
	Building    string              `json:"building"`
	Floor       string              `json:"floor"`
	Area        string              `json:"area"`
	Kind        inspect.Kind        `json:"kind"`
	OffHours    bool                `json:"off_hours"`
	Note        string              `json:"note"`
	Counts      InspectionCountsOut `json:"counts"`
	CreatedAt   time.Time           `json:"created_at"`
}

func inspectionOut(s inspect.Summary) InspectionOut {
	i := s.Inspection
	return InspectionOut{ID: i.ID, InspectorID: i.InspectorID, At: i.At, Building: i.Building, Floor: i.Floor, Area: i.Area,
		Kind: i.Kind, OffHours: i.OffHours, Note: i.Note, Counts: InspectionCountsOut(s.Counts), CreatedAt: i.CreatedAt}
}

// InspectionDetailOut is an inspection with its problems.
type InspectionDetailOut struct {
	InspectionOut
	Problems []InspectionProblemOut `json:"problems"`
}

// PlaceOut is where an inspection was.
type PlaceOut struct {
	Building string `json:"building"`
	Floor    string `json:"floor"`
	Area     string `json:"area"`
}

// TeamRefOut names a team.
type TeamRefOut struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// InspectionProblemOut is one problem, with its place and team.
type InspectionProblemOut struct {
	ID             int64          `json:"id"`
	InspectionID   int64          `json:"inspection_id"`
	Place          PlaceOut       `json:"place"`
	Description    string         `json:"description"`
	Team           TeamRefOut     `json:"team"`
	Deadline       time.Time      `json:"deadline"`
	Status         inspect.Status `json:"status"`
	Overdue        bool           `json:"overdue"`
	FixNote        string         `json:"fix_note"`
	FixedByID      *int64         `json:"fixed_by_id"`
	FixedAt        *time.Time     `json:"fixed_at"`
	VerifiedByID   *int64         `json:"verified_by_id"`
	VerifiedAt     *time.Time     `json:"verified_at"`
	SendBackReason string         `json:"send_back_reason"`
	PhotoCount     int            `json:"photo_count"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

func inspectionProblemOut(v inspect.View) InspectionProblemOut {
	p, i := v.Problem, v.Inspection
	return InspectionProblemOut{ID: p.ID, InspectionID: p.InspectionID, Place: PlaceOut{Building: i.Building, Floor: i.Floor, Area: i.Area},
		Description: p.Description, Team: TeamRefOut{ID: p.TeamID, Name: v.TeamName}, Deadline: p.Deadline, Status: p.Status,
		Overdue: v.Overdue, FixNote: p.FixNote, FixedByID: p.FixedByID, FixedAt: p.FixedAt, VerifiedByID: p.VerifiedByID,
		VerifiedAt: p.VerifiedAt, SendBackReason: p.SendBackReason, PhotoCount: p.PhotoCount, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// InspectionProblemPhotoOut is a photo of a problem: what was found, or the fix.
type InspectionProblemPhotoOut struct {
	PhotoOut
	Stage inspect.Stage `json:"stage"`
}

func inspectionProblemPhotoOut(p inspect.Photo) InspectionProblemPhotoOut {
	return InspectionProblemPhotoOut{Stage: p.Stage, PhotoOut: PhotoOut{ID: p.ID, ContentType: p.ContentType, Size: p.Size, CreatedAt: p.CreatedAt,
		URL: fmt.Sprintf("/api/v1/inspection-problems/%d/photos/%d", p.ProblemID, p.ID)}}
}

// InspectionProblemDetailOut is a problem with its photos.
type InspectionProblemDetailOut struct {
	InspectionProblemOut
	Photos []InspectionProblemPhotoOut `json:"photos"`
}

func inspectionProblemDetailOut(v inspect.View) InspectionProblemDetailOut {
	out := InspectionProblemDetailOut{InspectionProblemOut: inspectionProblemOut(v), Photos: make([]InspectionProblemPhotoOut, len(v.Photos))}
	for i, p := range v.Photos {
		out.Photos[i] = inspectionProblemPhotoOut(p)
	}
	return out
}

type inspectionProblemRequest struct {
	Description string    `json:"description" validate:"required,max=1000"`
	TeamID      int64     `json:"team_id" validate:"required,min=1"`
	Deadline    time.Time `json:"deadline" validate:"required"`
}

type createInspectionRequest struct {
	At       time.Time                  `json:"at" validate:"required"`
	Building string                     `json:"building" validate:"required,max=50"`
	Floor    string                     `json:"floor" validate:"max=20"`
	Area     string                     `json:"area" validate:"max=100"`
	Kind     inspect.Kind               `json:"kind" validate:"required,enum"`
	OffHours bool                       `json:"off_hours"`
	Note     string                     `json:"note" validate:"max=1000"`
	Problems []inspectionProblemRequest `json:"problems" validate:"max=50,dive"`
}

// CreateInspection records an inspection and the problems it found
// (inspector); each problem's team is pushed.
func (h *Inspections) CreateInspection(c *fiber.Ctx) error {
	var req createInspectionRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("building", &req.Building); err != nil {
		return err
	}
	in := inspect.InspectionInput{At: req.At, Building: req.Building, Floor: strings.TrimSpace(req.Floor),
		Area: strings.TrimSpace(req.Area), Kind: req.Kind, OffHours: req.OffHours, Note: strings.TrimSpace(req.Note)}
	for i, p := range req.Problems {
		if err := requireText(fmt.Sprintf("problems[%d].description", i), &p.Description); err != nil {
			return err
		}
		in.Problems = append(in.Problems, inspect.ProblemInput{Description: p.Description, TeamID: p.TeamID, Deadline: p.Deadline})
	}
	d, err := h.svc.Create(c.UserContext(), UserFrom(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(inspectionDetailOut(d))
}

func inspectionDetailOut(d *inspect.Detail) InspectionDetailOut {
	out := InspectionDetailOut{InspectionOut: inspectionOut(d.Summary), Problems: make([]InspectionProblemOut, len(d.Problems))}
	for i, p := range d.Problems {
		out.Problems[i] = inspectionProblemOut(p)
	}
	return out
}

// dateRange reads ?from=&to= (both or neither), at most max days apart.
func dateRange(c *fiber.Ctx, max int) (from, to store.Date, err error) {
	if from, err = QueryDate(c, "from", store.Date{}); err != nil {
		return
	}
	if to, err = QueryDate(c, "to", from); err != nil {
		return
	}
	if from.IsZero() != to.IsZero() {
		return from, to, store.InvalidField("from", "give both from and to, or neither")
	}
	if !from.IsZero() {
		err = store.CheckRange(from, to, max, "to")
	}
	return
}

// ListInspections lists inspections newest first with their counts
// (inspector; ?from=&to= local dates, ?inspector_id=).
func (h *Inspections) ListInspections(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	from, to, err := dateRange(c, inspect.MaxListDays)
	if err != nil {
		return err
	}
	inspector, err := QueryInt(c, "inspector_id", 0)
	if err != nil {
		return err
	}
	rows, next, err := h.svc.List(c.UserContext(), inspect.Filter{From: from, To: to, InspectorID: int64(inspector)}, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, inspectionOut))
}

// GetInspection returns one inspection with its problems (inspector).
func (h *Inspections) GetInspection(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.svc.Get(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return c.JSON(inspectionDetailOut(d))
}

// ListProblems lists problems newest first: every team's to inspectors,
// the caller's teams' to their members (?team_id=&status=&overdue=&from=&to=).
func (h *Inspections) ListProblems(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	status, err := QueryEnum[inspect.Status](c, "status")
	if err != nil {
		return err
	}
	overdue, err := QueryBool(c, "overdue")
	if err != nil {
		return err
	}
	teamID, err := QueryInt(c, "team_id", 0)
	if err != nil {
		return err
	}
	from, to, err := dateRange(c, inspect.MaxListDays)
	if err != nil {
		return err
	}
	f := inspect.ProblemFilter{TeamID: int64(teamID), Status: status, Overdue: overdue, From: from, To: to}
	rows, next, err := h.svc.ListProblems(c.UserContext(), UserFrom(c), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, inspectionProblemOut))
}

// GetProblem returns one problem with its photos.
func (h *Inspections) GetProblem(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.svc.Problem(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return c.JSON(inspectionProblemDetailOut(*v))
}

type inspectionStepRequest struct {
	Note string `json:"note" validate:"max=1000"`
}

// ProblemStep returns the handler of one workflow step: fix {note} (the
// team), verify (an inspector), send-back {note: the reason} (an inspector).
func (h *Inspections) ProblemStep(act inspect.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := ParamID(c, "id")
		if err != nil {
			return err
		}
		var req inspectionStepRequest
		if err := decodeOptional(c, &req, act == inspect.ActVerify); err != nil {
			return err
		}
		if act != inspect.ActVerify {
			if err := requireText("note", &req.Note); err != nil {
				return err
			}
		}
		v, err := h.svc.Act(c.UserContext(), UserFrom(c), id, inspect.StepInput{Action: act, Note: strings.TrimSpace(req.Note)})
		if err != nil {
			return err
		}
		return c.JSON(inspectionProblemDetailOut(*v))
	}
}

// UploadProblemPhoto adds a photo (multipart field "photo"): an inspector's
// of what was found, or the team's evidence of the fix.
func (h *Inspections) UploadProblemPhoto(c *fiber.Ctx) error {
	return addPhoto(c, h.svc.CheckPhoto, h.svc.AddPhoto, inspectionProblemPhotoOut)
}

// ProblemPhoto serves a photo's bytes to those who may see the problem.
func (h *Inspections) ProblemPhoto(c *fiber.Ctx) error {
	id, photoID, err := photoParams(c)
	if err != nil {
		return err
	}
	p, data, err := h.svc.Photo(c.UserContext(), UserFrom(c), id, photoID)
	if err != nil {
		return err
	}
	return sendPhoto(c, p.ContentType, data)
}
