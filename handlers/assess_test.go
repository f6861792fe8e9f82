package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// novemberRecords writes, straight into the tables, a month of records the
// assessment reads for q's repair team, which answers for water repairs,
// canteen 1 and the route made here; each figure is worked out by hand in
// TestAssessmentIndicators.
func novemberRecords(t *testing.T, q *quality) {
	t.Helper()
	env := q.env
	loc := env.Store.Location
	nov := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, loc) }
	ptr := func(t time.Time) *time.Time { return &t }
	route, schedule := weekdayLine(t, q)
	apitest.Expect(t, env.Patch(apitest.Path("/api/v1/teams/%d", q.repairTeam.ID), q.admin.Token, map[string]any{"areas": []map[string]any{
		{"kind": "repair_category", "value": "water"}, {"kind": "canteen", "value": "1"}, {"kind": "shuttle_route", "value": fmt.Sprint(route.ID)}}}),
		http.StatusOK)

	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		n := 0
		rep := func(cat repair.Category, status repair.RepairStatus, assigned, resolved *time.Time, score int) repair.Repair {
			n++
			created := nov(10, 9)
			r := repair.Repair{Ticket: fmt.Sprintf("BX-20261110-%04d", n), RequesterID: q.staff.ID, EnteredByID: q.staff.ID, Category: cat,
				Priority: "normal", Location: "1号楼", Description: "漏水", Status: status, RespondBy: created.Add(2 * time.Hour),
				DueAt: created.Add(24 * time.Hour), FirstAssignedAt: assigned, ResolvedAt: resolved, Attitude: score, Quality: score,
				Cleanliness: score, CreatedAt: created, UpdatedAt: created}
			if status == repair.RepairClosed {
				r.FeedbackSource = "callback"
			}
			return r
		}
		repairs := []repair.Repair{
			rep("water", repair.RepairClosed, ptr(nov(10, 10)), ptr(nov(10, 15)), 5),  // on time, closed, 5
			rep("water", repair.RepairClosed, ptr(nov(10, 12)), ptr(nov(10, 15)), 4),  // answered late, closed, 4
			rep("water", repair.RepairResolved, ptr(nov(10, 10)), ptr(nov(11, 8)), 0), // on time, not called back
			rep("water", repair.RepairSubmitted, nil, nil, 0),                         // waiting
			rep("power", repair.RepairClosed, ptr(nov(10, 10)), ptr(nov(10, 15)), 1),  // another team's
			rep("water", repair.RepairCancelled, nil, nil, 0),                         // not counted
		}
		if err := tx.Create(&repairs).Error; err != nil {
			return err
		}
		dish := canteen.Dish{Name: "红烧肉", Category: "meat", PriceCents: 1200, Active: true}
		if err := tx.Create(&dish).Error; err != nil {
			return err
		}
		for i, r := range []struct {
			day   store.Date
			score int
		}{{store.Date{Year: 2026, Month: 11, Day: 3}, 5}, {store.Date{Year: 2026, Month: 11, Day: 4}, 4},
			{store.Date{Year: 2026, Month: 11, Day: 30}, 3}, {store.Date{Year: 2026, Month: 10, Day: 31}, 1}} {
			rating := canteen.DishRating{DishID: dish.ID, UserID: q.staff.ID, ServedOn: r.day, Score: r.score,
				CreatedAt: nov(20, 12).Add(time.Duration(i) * time.Minute), UpdatedAt: nov(20, 12)}
			if err := tx.Create(&rating).Error; err != nil {
				return err
			}
		}
		for day, trip := range map[int]struct {
			status shuttle.TripStatus
			delay  int
		}{2: {"arrived", 0}, 3: {"arrived", 3}, 4: {"arrived", 10}, 5: {"departed", 5}, 6: {"cancelled", 0}, 9: {"scheduled", 0}} {
			tr := shuttle.ShuttleTrip{ScheduleID: schedule.ID, RouteID: route.ID, ServiceDate: store.Date{Year: 2026, Month: 11, Day: day},
				DepartureAt: nov(day, 7), StopMinutes: store.Ints{0, 20}, Status: trip.status, DelayMinutes: trip.delay,
				CreatedAt: nov(day, 6), UpdatedAt: nov(day, 6)}
			if err := tx.Create(&tr).Error; err != nil {
				return err
			}
		}
		ins := inspect.Inspection{InspectorID: q.inspector.ID, At: nov(5, 10), Building: "1号楼", Kind: inspect.KindPlanned, CreatedAt: nov(5, 10)}
		if err := tx.Create(&ins).Error; err != nil {
			return err
		}
		deadline := nov(8, 17)
		for _, p := range []inspect.Problem{
			{Status: inspect.StatusVerified, FixedAt: ptr(nov(7, 10))}, // in time
			{Status: inspect.StatusVerified, FixedAt: ptr(nov(9, 10))}, // late
			{Status: inspect.StatusSentBack, FixedAt: ptr(nov(7, 10))}, // its fix did not hold
			{Status: inspect.StatusOpen},
		} {
			p.InspectionID, p.Description, p.TeamID, p.Deadline, p.CreatedAt, p.UpdatedAt = ins.ID, "x", q.repairTeam.ID, deadline, nov(5, 10), nov(5, 10)
			if err := tx.Create(&p).Error; err != nil {
				return err
			}
		}
		for _, kind := range []complaint.Kind{complaint.KindComplaint, complaint.KindComplaint, complaint.KindSuggestion} {
			if err := tx.Create(novemberComplaint(q, kind, nov(15, 9))).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func novemberComplaint(q *quality, kind complaint.Kind, at time.Time) *complaint.Complaint {
	return &complaint.Complaint{FilerID: q.staff.ID, Area: complaint.AreaRepairs, Kind: kind, Text: "x", TeamID: &q.repairTeam.ID,
		Status: complaint.StatusRouted, DueAt: at.Add(48 * time.Hour), CreatedAt: at, UpdatedAt: at}
}

func (q *quality) assessment(t *testing.T, u apitest.User, month string) handlers.AssessmentOut {
	t.Helper()
	path := "/api/v1/assessment"
	if month != "" {
		path += "?month=" + month
	}
	resp := q.env.Get(path, u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var out handlers.AssessmentOut
	resp.JSON(t, &out)
	return out
}

// TestAssessmentIndicators computes November for a team on hand-made
// records and checks every indicator's figure, points and the score; the
// month is frozen once computed, the current one live.
func TestAssessmentIndicators(t *testing.T) {
	q := newQuality(t)
	novemberRecords(t, q)
	got := q.assessment(t, q.admin, "2026-11")
	if got.Month != "2026-11" || !got.Frozen || len(got.Teams) != 2 || got.Teams[1].Team.Name != "维修班" {
		t.Fatalf("%+v", got)
	}
	repairs := got.Teams[1]
	want := []handlers.IndicatorOut{
		{Indicator: "repairs_on_time", Applicable: true, Raw: 50, Samples: 4, Target: 95, Weight: 25, Points: 13.16},
		{Indicator: "callback_rate", Applicable: true, Raw: 66.67, Samples: 3, Target: 100, Weight: 15, Points: 10},
		{Indicator: "satisfaction", Applicable: true, Raw: 4.5, Samples: 2, Target: 4.5, Weight: 15, Points: 15},
		{Indicator: "dish_rating", Applicable: true, Raw: 4, Samples: 3, Target: 4.5, Weight: 10, Points: 8.89},
		{Indicator: "shuttle_on_time", Applicable: true, Raw: 75, Samples: 4, Target: 95, Weight: 10, Points: 7.89},
		{Indicator: "inspection_on_time", Applicable: true, Raw: 25, Samples: 4, Target: 100, Weight: 15, Points: 3.75},
		{Indicator: "complaints", Applicable: true, Raw: 2, Samples: 2, Target: 2, Weight: 10, Points: 6},
	}
	for i, w := range want {
		if i >= len(repairs.Indicators) || repairs.Indicators[i] != w {
			t.Errorf("indicator %d: got %+v, want %+v", i, repairs.Indicators, w)
		}
	}
	if repairs.Score != 64.7 {
		t.Errorf("score %v, want 64.7", repairs.Score)
	}
	t.Run("a team with nothing to measure is scored on what applies", func(t *testing.T) {
		cleaning := got.Teams[0]
		if cleaning.Score != 100 || cleaning.Indicators[0].Applicable || !cleaning.Indicators[6].Applicable {
			t.Errorf("%+v", cleaning)
		}
	})
	t.Run("a closed month does not move when old records change", func(t *testing.T) {
		err := q.env.Store.Tx(context.Background(), func(tx *store.Tx) error {
			return tx.Create(novemberComplaint(q, complaint.KindComplaint, time.Date(2026, 11, 20, 9, 0, 0, 0, q.env.Store.Location))).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		again := q.assessment(t, q.admin, "2026-11")
		if again.Teams[1].Score != 64.7 || again.Teams[1].Indicators[6].Raw != 2 {
			t.Errorf("frozen month moved: %+v", again.Teams[1])
		}
	})
	t.Run("the current month is live", func(t *testing.T) {
		live := q.assessment(t, q.admin, "")
		if live.Month != "2026-12" || live.Frozen || live.Teams[1].Score != 100 {
			t.Fatalf("%+v", live)
		}
		err := q.env.Store.Tx(context.Background(), func(tx *store.Tx) error {
			return tx.Create(novemberComplaint(q, complaint.KindComplaint, q.env.Clock.Now())).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		if live = q.assessment(t, q.admin, "2026-12"); live.Teams[1].Indicators[6].Points != 8 {
			t.Errorf("%+v", live.Teams[1])
		}
	})
}

func TestAssessmentAccessAndConfiguration(t *testing.T) {
	q := newQuality(t)
	env := q.env
	t.Run("team leads see their own team only, others nothing", func(t *testing.T) {
		got := q.assessment(t, q.lead, "2026-11")
		if len(got.Teams) != 1 || got.Teams[0].Team.ID != q.repairTeam.ID {
			t.Errorf("%+v", got)
		}
		for _, u := range []apitest.User{q.fixer, q.staff, q.desk} {
			apitest.Expect(t, env.Get("/api/v1/assessment", u.Token), http.StatusForbidden, "forbidden")
		}
		for _, month := range []string{"2027-01", "2026-13", "nov"} {
			apitest.Expect(t, env.Get("/api/v1/assessment?month="+month, q.admin.Token), http.StatusBadRequest, "validation_failed")
		}
	})
	t.Run("admins configure the weights, which add up to 100", func(t *testing.T) {
		apitest.Expect(t, env.Get("/api/v1/assessment/indicators", q.lead.Token), http.StatusForbidden, "forbidden")
		for name, body := range map[string][]map[string]any{
			"a sum of 90":     {{"indicator": "complaints", "weight": 90, "target": 2}},
			"twice the same":  {{"indicator": "complaints", "weight": 50, "target": 2}, {"indicator": "complaints", "weight": 50, "target": 1}},
			"an unknown name": {{"indicator": "smiles", "weight": 100, "target": 2}},
		} {
			t.Run(name, func(t *testing.T) {
				apitest.Expect(t, env.Put("/api/v1/assessment/indicators", q.admin.Token, map[string]any{"indicators": body}),
					http.StatusBadRequest, "validation_failed")
			})
		}
		resp := env.Put("/api/v1/assessment/indicators", q.admin.Token, map[string]any{"indicators": []map[string]any{
			{"indicator": "complaints", "weight": 40, "target": 5}, {"indicator": "repairs_on_time", "weight": 60, "target": 90}}})
		apitest.Expect(t, resp, http.StatusOK)
		var ws handlers.IndicatorWeightsOut
		resp.JSON(t, &ws)
		if len(ws.Indicators) != 2 || ws.Indicators[0].Indicator != "repairs_on_time" {
			t.Fatalf("%+v", ws)
		}
		got := q.assessment(t, q.admin, "")
		if len(got.Teams[0].Indicators) != 2 || got.Teams[0].Score != 100 {
			t.Errorf("%+v", got.Teams[0])
		}
	})
}
