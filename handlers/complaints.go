package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/complaint"
	"houqin/models/store"
)

// Complaints serves the complaints and suggestions box.
type Complaints struct{ svc *complaint.Service }

// NewComplaints returns the complaint handlers.
func NewComplaints(svc *complaint.Service) *Complaints { return &Complaints{svc: svc} }

// PersonOut names a person.
type PersonOut struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ComplaintLinkOut is what a complaint points at.
type ComplaintLinkOut struct {
	Kind complaint.LinkKind `json:"kind"`
	ID   int64              `json:"id"`
}

// ComplaintOut is a complaint as the caller may see it: filer and link
// are null for a team member reading an anonymous one.
type ComplaintOut struct {
	ID           int64             `json:"id"`
	Area         complaint.Area    `json:"area"`
	Kind         complaint.Kind    `json:"kind"`
	Text         string            `json:"text"`
	Anonymous    bool              `json:"anonymous"`
	Urgent       bool              `json:"urgent"`
	Filer        *PersonOut        `json:"filer"`
	Link         *ComplaintLinkOut `json:"link"`
	Team         *TeamRefOut       `json:"team"`
	Status       complaint.Status  `json:"status"`
	DueAt        time.Time         `json:"due_at"`
	Overdue      bool              `json:"overdue"`
	Reply        string            `json:"reply"`
	RepliedAt    *time.Time        `json:"replied_at"`
	Reopened     bool              `json:"reopened"`
	ReopenReason string            `json:"reopen_reason"`
	ClosedAt     *time.Time        `json:"closed_at"`
	PhotoCount   int               `json:"photo_count"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

func complaintOut(v complaint.View) ComplaintOut {
	c := v.Complaint
	out := ComplaintOut{ID: c.ID, Area: c.Area, Kind: c.Kind, Text: c.Text, Anonymous: c.Anonymous, Urgent: c.Urgent,
		Status: c.Status, DueAt: c.DueAt, Overdue: v.Overdue, Reply: c.Reply, RepliedAt: c.RepliedAt, Reopened: c.Reopened,
		ReopenReason: c.ReopenReason, ClosedAt: c.ClosedAt, PhotoCount: c.PhotoCount, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if c.FilerID != 0 {
		out.Filer = &PersonOut{ID: c.FilerID, Name: v.FilerName}
	}
	if c.LinkID != nil {
		out.Link = &ComplaintLinkOut{Kind: c.LinkKind, ID: *c.LinkID}
	}
	if c.TeamID != nil {
		out.Team = &TeamRefOut{ID: *c.TeamID, Name: v.TeamName}
	}
	return out
}

// ComplaintDetailOut is a complaint with its photos.
type ComplaintDetailOut struct {
	ComplaintOut
	Photos []PhotoOut `json:"photos"`
}

func complaintPhotoOut(p complaint.Photo) PhotoOut {
	return PhotoOut{ID: p.ID, ContentType: p.ContentType, Size: p.Size, CreatedAt: p.CreatedAt,
		URL: fmt.Sprintf("/api/v1/complaints/%d/photos/%d", p.ComplaintID, p.ID)}
}

func complaintDetailOut(v complaint.View) ComplaintDetailOut {
	out := ComplaintDetailOut{ComplaintOut: complaintOut(v), Photos: make([]PhotoOut, len(v.Photos))}
	for i, p := range v.Photos {
		out.Photos[i] = complaintPhotoOut(p)
	}
	return out
}

type complaintLinkRequest struct {
	Kind complaint.LinkKind `json:"kind" validate:"required,enum"`
	ID   int64              `json:"id" validate:"required,min=1"`
}

type fileComplaintRequest struct {
	Area      complaint.Area        `json:"area" validate:"required,enum"`
	Kind      complaint.Kind        `json:"kind" validate:"required,enum"`
	Text      string                `json:"text" validate:"required,max=2000"`
	Anonymous bool                  `json:"anonymous"`
	Urgent    bool                  `json:"urgent"`
	Link      *complaintLinkRequest `json:"link"`
}

// FileComplaint files a complaint or suggestion for the caller; the desk is
// pushed (urgently on the green channel).
func (h *Complaints) FileComplaint(c *fiber.Ctx) error {
	var req fileComplaintRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("text", &req.Text); err != nil {
		return err
	}
	in := complaint.Input{Area: req.Area, Kind: req.Kind, Text: req.Text, Anonymous: req.Anonymous, Urgent: req.Urgent}
	if req.Link != nil {
		in.LinkKind, in.LinkID = req.Link.Kind, req.Link.ID
	}
	v, err := h.svc.File(c.UserContext(), UserFrom(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(complaintDetailOut(*v))
}

// ListComplaints lists complaints newest first: all to the desk, one's own
// and one's teams' to anyone else (?status=&area=&team_id=&mine=&overdue=).
func (h *Complaints) ListComplaints(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	status, err := QueryEnum[complaint.Status](c, "status")
	if err != nil {
		return err
	}
	area, err := QueryEnum[complaint.Area](c, "area")
	if err != nil {
		return err
	}
	teamID, err := QueryInt(c, "team_id", 0)
	if err != nil {
		return err
	}
	mine, err := QueryBool(c, "mine")
	if err != nil {
		return err
	}
	overdue, err := QueryBool(c, "overdue")
	if err != nil {
		return err
	}
	f := complaint.Filter{Status: status, Area: area, TeamID: int64(teamID), Mine: mine != nil && *mine, Overdue: overdue}
	rows, next, err := h.svc.List(c.UserContext(), UserFrom(c), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, complaintOut))
}

// GetComplaint returns one complaint to the desk, its filer or its team.
func (h *Complaints) GetComplaint(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.svc.Get(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return c.JSON(complaintDetailOut(*v))
}

type complaintStepRequest struct {
	TeamID int64  `json:"team_id" validate:"omitempty,min=1"`
	Text   string `json:"text" validate:"max=2000"`
}

// ComplaintStep returns the handler of one workflow step: assign {team_id}
// (the desk), reply {text} (the team), accept (the filer), reopen {text:
// the reason} (the filer, once).
func (h *Complaints) ComplaintStep(act complaint.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := ParamID(c, "id")
		if err != nil {
			return err
		}
		var req complaintStepRequest
		if err := decodeOptional(c, &req, act == complaint.ActAccept); err != nil {
			return err
		}
		switch act {
		case complaint.ActRoute:
			if req.TeamID == 0 {
				return store.InvalidField("team_id", "is required")
			}
		case complaint.ActReply, complaint.ActReopen:
			if err := requireText("text", &req.Text); err != nil {
				return err
			}
		}
		v, err := h.svc.Act(c.UserContext(), UserFrom(c), id, complaint.StepInput{Action: act, TeamID: req.TeamID, Text: strings.TrimSpace(req.Text)})
		if err != nil {
			return err
		}
		return c.JSON(complaintDetailOut(*v))
	}
}

// UploadComplaintPhoto adds a photo (multipart field "photo") to the
// caller's own complaint.
func (h *Complaints) UploadComplaintPhoto(c *fiber.Ctx) error {
	return addPhoto(c, h.svc.CheckPhoto, h.svc.AddPhoto, complaintPhotoOut)
}

// ComplaintPhoto serves a photo's bytes to those who may see the complaint.
func (h *Complaints) ComplaintPhoto(c *fiber.Ctx) error {
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
