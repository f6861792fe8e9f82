package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/team"
)

// Teams serves the service teams (admin) and each user's own.
type Teams struct{ svc *team.Service }

// NewTeams returns the team handlers.
func NewTeams(svc *team.Service) *Teams { return &Teams{svc: svc} }

// TeamOut is a team with its members and areas.
type TeamOut struct {
	ID        int64       `json:"id"`
	Name      string      `json:"name"`
	LeadID    *int64      `json:"lead_id"`
	MemberIDs []int64     `json:"member_ids"`
	Areas     []team.Area `json:"areas"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

func teamOut(t team.Team) TeamOut {
	return TeamOut{ID: t.ID, Name: t.Name, LeadID: t.LeadID, MemberIDs: t.Members, Areas: t.Areas,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

type teamAreaRequest struct {
	Kind  team.AreaKind `json:"kind" validate:"required,enum"`
	Value string        `json:"value" validate:"required,max=100"`
}

func teamAreas(in []teamAreaRequest) []team.Area {
	out := make([]team.Area, len(in))
	for i, a := range in {
		out[i] = team.Area{Kind: a.Kind, Value: a.Value}
	}
	return out
}

type createTeamRequest struct {
	Name      string            `json:"name" validate:"required,max=50"`
	LeadID    *int64            `json:"lead_id" validate:"omitempty,min=1"`
	MemberIDs []int64           `json:"member_ids" validate:"max=200,dive,min=1"`
	Areas     []teamAreaRequest `json:"areas" validate:"max=100,dive"`
}

// CreateTeam adds a team (admin).
func (h *Teams) CreateTeam(c *fiber.Ctx) error {
	var req createTeamRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := requireText("name", &req.Name); err != nil {
		return err
	}
	t, err := h.svc.Create(c.UserContext(), team.Input{Name: req.Name, LeadID: req.LeadID, Members: req.MemberIDs,
		Areas: teamAreas(req.Areas)})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(teamOut(*t))
}

type updateTeamRequest struct {
	Name      *string            `json:"name" validate:"omitempty,min=1,max=50"`
	LeadID    *int64             `json:"lead_id" validate:"omitempty,min=0"`
	MemberIDs *[]int64           `json:"member_ids" validate:"omitempty,max=200,dive,min=1"`
	Areas     *[]teamAreaRequest `json:"areas" validate:"omitempty,max=100,dive"`
}

// UpdateTeam renames a team, changes its lead or replaces its members or
// areas (admin).
func (h *Teams) UpdateTeam(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req updateTeamRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if req.Name != nil {
		if err := requireText("name", req.Name); err != nil {
			return err
		}
	}
	p := team.Patch{Name: req.Name, LeadID: req.LeadID, Members: req.MemberIDs}
	if req.Areas != nil {
		areas := teamAreas(*req.Areas)
		p.Areas = &areas
	}
	t, err := h.svc.Update(c.UserContext(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(teamOut(*t))
}

// ListTeams returns every team to admins, inspectors and the desk, and the
// caller's own teams to anyone else.
func (h *Teams) ListTeams(c *fiber.Ctx) error {
	teams, err := h.svc.List(c.UserContext(), UserFrom(c))
	if err != nil {
		return err
	}
	return c.JSON(ListOf(teams, "", teamOut))
}

// GetTeam returns one team to those who may see it.
func (h *Teams) GetTeam(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.svc.Get(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return c.JSON(teamOut(*t))
}
