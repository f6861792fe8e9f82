package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/assess"
)

// Assessment serves the monthly 100-point assessment of the teams.
type Assessment struct{ svc *assess.Service }

// NewAssessment returns the assessment handlers.
func NewAssessment(svc *assess.Service) *Assessment { return &Assessment{svc: svc} }

// IndicatorWeightOut is one configured indicator.
type IndicatorWeightOut struct {
	Indicator assess.Indicator `json:"indicator" validate:"required,enum"`
	Weight    int              `json:"weight" validate:"min=0,max=100"`
	Target    float64          `json:"target" validate:"min=0,max=1000"`
}

// IndicatorWeightsOut is the configuration, in requests and responses.
type IndicatorWeightsOut struct {
	Indicators []IndicatorWeightOut `json:"indicators" validate:"required,min=1,max=20,dive"`
}

func weightsOut(ws []assess.Weight) IndicatorWeightsOut {
	out := IndicatorWeightsOut{Indicators: make([]IndicatorWeightOut, len(ws))}
	for i, w := range ws {
		out.Indicators[i] = IndicatorWeightOut{Indicator: w.Indicator, Weight: w.Weight, Target: w.Target}
	}
	return out
}

// AssessmentWeights returns the configured indicators (admin).
func (h *Assessment) AssessmentWeights(c *fiber.Ctx) error {
	ws, err := h.svc.Weights(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(weightsOut(ws))
}

// SetAssessmentWeights replaces the indicators (admin); weights add up to 100.
func (h *Assessment) SetAssessmentWeights(c *fiber.Ctx) error {
	var req IndicatorWeightsOut
	if err := Decode(c, &req); err != nil {
		return err
	}
	ws := make([]assess.Weight, len(req.Indicators))
	for i, w := range req.Indicators {
		ws[i] = assess.Weight{Indicator: w.Indicator, Weight: w.Weight, Target: w.Target}
	}
	ws, err := h.svc.SetWeights(c.UserContext(), ws)
	if err != nil {
		return err
	}
	return c.JSON(weightsOut(ws))
}

// IndicatorOut is one indicator of a team's month: the raw figure, the
// target and the points, so a team sees why it lost points.
type IndicatorOut struct {
	Indicator  assess.Indicator `json:"indicator"`
	Applicable bool             `json:"applicable"`
	Raw        float64          `json:"raw"`
	Samples    int              `json:"samples"`
	Target     float64          `json:"target"`
	Weight     int              `json:"weight"`
	Points     float64          `json:"points"`
}

// TeamAssessmentOut is a team's score of the month.
type TeamAssessmentOut struct {
	Team       TeamRefOut     `json:"team"`
	Score      float64        `json:"score"`
	Indicators []IndicatorOut `json:"indicators"`
}

// AssessmentOut answers GET /assessment.
type AssessmentOut struct {
	Month  string              `json:"month"`
	Frozen bool                `json:"frozen"`
	Teams  []TeamAssessmentOut `json:"teams"`
}

// GetAssessment returns a month's scores (?month=YYYY-MM, default this
// month): every team's to admins, their own to team leads.
func (h *Assessment) GetAssessment(c *fiber.Ctx) error {
	m := assess.MonthOf(h.svc.Today())
	if s := strings.TrimSpace(c.Query("month")); s != "" {
		var err error
		if m, err = assess.ParseMonth(s); err != nil {
			return err
		}
	}
	a, err := h.svc.Get(c.UserContext(), UserFrom(c), m)
	if err != nil {
		return err
	}
	out := AssessmentOut{Month: a.Month.String(), Frozen: a.Frozen, Teams: make([]TeamAssessmentOut, len(a.Teams))}
	for i, t := range a.Teams {
		tm := TeamAssessmentOut{Team: TeamRefOut{ID: t.Team.ID, Name: t.Team.Name}, Score: t.Score,
			Indicators: make([]IndicatorOut, len(t.Results))}
		for j, r := range t.Results {
			tm.Indicators[j] = IndicatorOut{Indicator: r.Indicator, Applicable: r.Applicable, Raw: r.Raw, Samples: r.Samples,
				Target: r.Target, Weight: r.Weight, Points: r.Points}
		}
		out.Teams[i] = tm
	}
	return c.JSON(out)
}
