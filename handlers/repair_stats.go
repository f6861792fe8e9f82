package handlers

import (
	"github.com/gofiber/fiber/v2"

	"houqin/models/repair"
	"houqin/models/store"
)

// DurationsOut summarises durations in minutes.
type DurationsOut struct {
	Count         int     `json:"count"`
	MedianMinutes float64 `json:"median_minutes"`
	P90Minutes    float64 `json:"p90_minutes"`
}

// ScoresOut are mean ratings.
type ScoresOut struct {
	Count       int     `json:"count"`
	Attitude    float64 `json:"attitude"`
	Quality     float64 `json:"quality"`
	Cleanliness float64 `json:"cleanliness"`
}

// FiguresOut are the desk's measures over a set of requests.
type FiguresOut struct {
	Total            int          `json:"total"`
	Resolved         int          `json:"resolved"`
	Closed           int          `json:"closed"`
	ClosedByFeedback int          `json:"closed_by_feedback"`
	ClosedByCallback int          `json:"closed_by_callback"`
	CallbackRate     float64      `json:"callback_rate"`
	Overdue          int          `json:"overdue"`
	TimeToAssign     DurationsOut `json:"time_to_assign"`
	TimeToResolve    DurationsOut `json:"time_to_resolve"`
	Scores           ScoresOut    `json:"scores"`
	PartsCostCents   int64        `json:"parts_cost_cents"`
}

func figuresOut(f repair.RepairFigures) FiguresOut {
	d := func(v repair.Durations) DurationsOut {
		return DurationsOut{Count: v.Count, MedianMinutes: v.Median, P90Minutes: v.P90}
	}
	s := f.Scores
	return FiguresOut{Total: f.Total, Resolved: f.Resolved, Closed: f.Closed, ClosedByFeedback: f.ClosedByFeedback,
		ClosedByCallback: f.ClosedByCallback, CallbackRate: f.CallbackRate, Overdue: f.Overdue,
		TimeToAssign: d(f.TimeToAssign), TimeToResolve: d(f.TimeToFinish),
		Scores: ScoresOut{Count: s.Count, Attitude: s.Attitude, Quality: s.Quality, Cleanliness: s.Cleanliness}}
}

// TechnicianFiguresOut are one technician's figures.
type TechnicianFiguresOut struct {
	Technician Person `json:"technician"`
	FiguresOut
}

// RepairStatsOut is the answer of GET /repairs/stats.
type RepairStatsOut struct {
	From       store.Date                  `json:"from"`
	To         store.Date                  `json:"to"`
	ByStatus   map[repair.RepairStatus]int `json:"by_status"`
	ByCategory map[repair.Category]int     `json:"by_category"`
	FiguresOut
	Technicians []TechnicianFiguresOut `json:"technicians"`
	Work        WorkMixOut             `json:"work"`
}

// WorkMixOut compares planned maintenance with breakdown repairs finished
// in the period.
type WorkMixOut struct {
	PlannedOrders      int     `json:"planned_orders"`
	BreakdownOrders    int     `json:"breakdown_orders"`
	PlannedHours       float64 `json:"planned_hours"`
	BreakdownHours     float64 `json:"breakdown_hours"`
	PlannedShareOrders float64 `json:"planned_share_orders"`
	PlannedShareHours  float64 `json:"planned_share_hours"`
}

// RepairStats reports the desk's figures for requests filed from..to
// (default: the last 30 days).
func (h *Repairs) RepairStats(c *fiber.Ctx) error {
	to, err := QueryDate(c, "to", h.svc.Today())
	if err != nil {
		return err
	}
	from, err := QueryDate(c, "from", to.AddDays(-29))
	if err != nil {
		return err
	}
	st, err := h.svc.Stats(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	cost, err := h.parts.CostOfRepairsFiled(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	mix, err := h.work.Mix(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	out := RepairStatsOut{Work: WorkMixOut(*mix), From: st.From, To: st.To, ByStatus: st.ByStatus, ByCategory: st.ByCategory,
		FiguresOut: figuresOut(st.All), Technicians: make([]TechnicianFiguresOut, len(st.Technicians))}
	out.PartsCostCents = cost.TotalCents
	for i, t := range st.Technicians {
		out.Technicians[i] = TechnicianFiguresOut{Technician: Person{ID: t.TechnicianID, Name: t.Name}, FiguresOut: figuresOut(t.RepairFigures)}
		out.Technicians[i].PartsCostCents = cost.ByTechnician[t.TechnicianID]
	}
	return c.JSON(out)
}

// RepairTargetOut is the time promise of one priority.
type RepairTargetOut struct {
	Priority          repair.Priority `json:"priority" validate:"required,enum"`
	ResponseMinutes   int             `json:"response_minutes" validate:"required,min=1,max=10080"`
	ResolutionMinutes int             `json:"resolution_minutes" validate:"required,min=1,max=43200"`
}

type repairTargetsBody struct {
	Targets []RepairTargetOut `json:"targets" validate:"required,min=1,max=3,unique=Priority,dive"`
}

func targetsOut(ts []repair.RepairTarget) repairTargetsBody {
	out := repairTargetsBody{Targets: make([]RepairTargetOut, len(ts))}
	for i, t := range ts {
		out.Targets[i] = RepairTargetOut{Priority: t.Priority, ResponseMinutes: t.ResponseMinutes, ResolutionMinutes: t.ResolutionMinutes}
	}
	return out
}

// RepairTargets lists the response and resolution promise of each priority.
func (h *Repairs) RepairTargets(c *fiber.Ctx) error {
	ts, err := h.svc.Targets(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(targetsOut(ts))
}

// SetRepairTargets changes promises for requests filed from now on (admin).
func (h *Repairs) SetRepairTargets(c *fiber.Ctx) error {
	var req repairTargetsBody
	if err := Decode(c, &req); err != nil {
		return err
	}
	in := make([]repair.RepairTarget, len(req.Targets))
	for i, t := range req.Targets {
		in[i] = repair.RepairTarget{Priority: t.Priority, ResponseMinutes: t.ResponseMinutes, ResolutionMinutes: t.ResolutionMinutes}
	}
	ts, err := h.svc.SetTargets(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.JSON(targetsOut(ts))
}
