package handlers_test

import (
	"sync"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/repair"
)

func TestRepairStats(t *testing.T) {
	d := newRepairDesk(t)
	// Four requests filed at 09:00, worked through the morning.
	ids := make([]int64, 4)
	for i := range ids {
		ids[i] = d.create(t, d.staff, acRepair).ID
	}
	d.advance(10 * time.Minute)
	d.mustAct(t, d.desk, ids[0], "assign", map[string]any{"technician_id": d.tech.ID})
	d.advance(20 * time.Minute)
	d.mustAct(t, d.desk, ids[1], "assign", map[string]any{"technician_id": d.tech.ID})
	d.advance(20 * time.Minute)
	d.mustAct(t, d.desk, ids[2], "assign", map[string]any{"technician_id": d.tech2.ID})
	d.mustAct(t, d.staff, ids[3], "cancel", map[string]any{"reason": "不需要了"})
	d.mustAct(t, d.tech, ids[0], "start", nil)
	d.mustAct(t, d.tech, ids[1], "start", nil)
	d.advance(10 * time.Minute) // 10:00
	d.mustAct(t, d.tech, ids[0], "resolve", d.bodyFor("resolve"))
	d.advance(60 * time.Minute) // 11:00
	d.mustAct(t, d.tech, ids[1], "resolve", d.bodyFor("resolve"))
	d.mustAct(t, d.desk, ids[0], "callback", map[string]any{"attitude": 5, "quality": 4, "cleanliness": 3})
	d.mustAct(t, d.staff, ids[1], "feedback", map[string]any{"attitude": 2, "quality": 2, "cleanliness": 2})

	resp := d.env.Get("/api/v1/repairs/stats?from=2026-12-01&to=2026-12-01", d.desk.Token)
	apitest.Expect(t, resp, 200)
	var st handlers.RepairStatsOut
	resp.JSON(t, &st)

	want := handlers.FiguresOut{Total: 4, Resolved: 2, Closed: 2, ClosedByFeedback: 1, ClosedByCallback: 1, CallbackRate: 1,
		TimeToAssign:  handlers.DurationsOut{Count: 3, MedianMinutes: 30},
		TimeToResolve: handlers.DurationsOut{Count: 2, MedianMinutes: 90, P90Minutes: 114},
		Scores:        handlers.ScoresOut{Count: 2, Attitude: 3.5, Quality: 3, Cleanliness: 2.5}}
	want.TimeToAssign.P90Minutes = 46 // 30 + (50-30)·0.8
	if st.FiguresOut != want {
		t.Errorf("figures\n got %+v\nwant %+v", st.FiguresOut, want)
	}
	if st.ByStatus[repair.RepairClosed] != 2 || st.ByStatus[repair.RepairAssigned] != 1 || st.ByStatus[repair.RepairCancelled] != 1 ||
		st.ByStatus[repair.RepairSubmitted] != 0 || st.ByCategory["air_conditioning"] != 4 || st.ByCategory["water"] != 0 {
		t.Errorf("counts by status %v, by category %v", st.ByStatus, st.ByCategory)
	}
	if len(st.Technicians) != 2 {
		t.Fatalf("technicians %+v", st.Technicians)
	}
	tech := st.Technicians[0]
	if tech.Technician.ID != d.tech.ID || tech.Total != 2 || tech.Resolved != 2 || tech.TimeToResolve.MedianMinutes != 90 || tech.Scores.Attitude != 3.5 {
		t.Errorf("technician figures %+v", tech)
	}
	if t2 := st.Technicians[1]; t2.Technician.ID != d.tech2.ID || t2.Total != 1 || t2.Resolved != 0 || t2.CallbackRate != 0 {
		t.Errorf("second technician %+v", t2)
	}

	t.Run("other periods are empty", func(t *testing.T) {
		resp := d.env.Get("/api/v1/repairs/stats?from=2026-11-01&to=2026-11-30", d.desk.Token)
		apitest.Expect(t, resp, 200)
		var st handlers.RepairStatsOut
		resp.JSON(t, &st)
		if st.Total != 0 || len(st.Technicians) != 0 {
			t.Errorf("November: %+v", st)
		}
	})
	t.Run("overdue requests are counted", func(t *testing.T) {
		d.advance(25 * time.Hour) // ids[2] missed its resolution promise
		resp := d.env.Get("/api/v1/repairs/stats?from=2026-12-01&to=2026-12-02", d.desk.Token)
		apitest.Expect(t, resp, 200)
		var st handlers.RepairStatsOut
		resp.JSON(t, &st)
		if st.Overdue != 1 || st.Technicians[1].Overdue != 1 {
			t.Errorf("overdue %d, technician 2 overdue %d", st.Overdue, st.Technicians[1].Overdue)
		}
	})
	t.Run("a period must run forwards", func(t *testing.T) {
		apitest.Expect(t, d.env.Get("/api/v1/repairs/stats?from=2026-12-02&to=2026-12-01", d.desk.Token), 400, "validation_failed")
	})
}

// TestRepairRace fires 20 conflicting actions at one request at once: it
// must end in one valid state whose timeline follows the workflow, one
// successful step per event.
func TestRepairRace(t *testing.T) {
	d := newRepairDesk(t)
	for round := range 3 {
		id := d.create(t, d.staff, acRepair).ID
		type call struct {
			u      apitest.User
			action string
			body   any
		}
		calls := make([]call, 20)
		for i := range calls {
			switch i % 4 {
			case 0:
				calls[i] = call{d.desk, "assign", map[string]any{"technician_id": d.tech.ID}}
			case 1:
				calls[i] = call{d.desk, "assign", map[string]any{"technician_id": d.tech2.ID}}
			case 2:
				calls[i] = call{d.staff, "cancel", map[string]any{"reason": "不需要了"}}
			case 3:
				calls[i] = call{[]apitest.User{d.tech, d.tech2}[i%8/4], "start", nil}
			}
		}
		var wg sync.WaitGroup
		statuses := make([]int, len(calls))
		for i, c := range calls {
			wg.Go(func() { statuses[i] = d.act(c.u, id, c.action, c.body).Status })
		}
		wg.Wait()
		ok := 0
		for i, s := range statuses {
			switch s {
			case 200:
				ok++
			case 404, 409: // not (or no longer) visible to that technician; lost the race
			default:
				t.Errorf("round %d: %s answered %d", round, calls[i].action, s)
			}
		}
		r := d.get(t, d.desk, id)
		if len(r.Events) != ok+1 {
			t.Errorf("round %d: %d events for %d successful calls", round, len(r.Events), ok)
		}
		prev := repair.RepairStatus("")
		for _, e := range r.Events {
			if e.FromStatus != prev {
				t.Errorf("round %d: event %s from %s follows one ending in %s", round, e.Action, e.FromStatus, prev)
			}
			prev = e.ToStatus
		}
		if prev != r.Status {
			t.Errorf("round %d: status %s, timeline ends in %s", round, r.Status, prev)
		}
		switch r.Status {
		case repair.RepairAssigned, repair.RepairInProgress, repair.RepairCancelled:
		default:
			t.Errorf("round %d: ended %s", round, r.Status)
		}
		if r.Status != repair.RepairCancelled && (r.Technician == nil || r.FirstAssignedAt == nil) {
			t.Errorf("round %d: %s without a technician", round, r.Status)
		}
	}
}
