package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/store"
)

func importCSV(env *apitest.Env, u apitest.User, csv string) *apitest.Response {
	return env.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/assets/import", Token: u.Token, Body: []byte(csv),
		Headers: map[string]string{"Content-Type": "text/csv"}})
}

func countAssets(t *testing.T, env *apitest.Env) int64 {
	t.Helper()
	var n int64
	if err := env.Store.Read(context.Background()).Table("maint_assets").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// An import registers every row or none: bad rows and duplicate codes are
// named by their line.
func TestAssetImport(t *testing.T) {
	d := newRepairDesk(t)
	env := d.env
	good := "\ufeffcode,name,kind,building,floor,location,quantity,installed_on\n" +
		"AF-1-03,1号楼3层回风滤网,filter_group,1号楼,3层,吊顶,48,2020-05-01\n" +
		"FE-1-03-01,干粉灭火器,fire_extinguisher,1号楼,3层,东侧消防箱,2,\n"
	resp := importCSV(env, d.desk, good)
	apitest.Expect(t, resp, http.StatusCreated)
	if n := countAssets(t, env); n != 2 {
		t.Fatalf("%d assets after a good import, want 2", n)
	}
	for name, c := range map[string]struct {
		csv    string
		fields []string
	}{
		"bad rows": {"code,name,kind,quantity\nV-1,阀门,valve_group,3\nV-2,阀门,pipe,3\nV-3,,valve_group,zero\n",
			[]string{"line 3: kind", "line 4: name", "line 4: quantity"}},
		"codes twice in the file":  {"code,name,kind\nV-1,阀门,valve_group\nV-1,阀门,valve_group\n", []string{"line 3: code"}},
		"codes already registered": {"code,name,kind\nV-9,阀门,valve_group\nAF-1-03,滤网,filter_group\n", []string{"line 3: code"}},
		"no required column":       {"code,name\nV-1,阀门\n", []string{"file"}},
	} {
		t.Run(name, func(t *testing.T) {
			resp := importCSV(env, d.desk, c.csv)
			apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
			var p struct {
				Errors []struct{ Field string } `json:"errors"`
			}
			resp.JSON(t, &p)
			var got []string
			for _, e := range p.Errors {
				got = append(got, e.Field)
			}
			if strings.Join(got, "|") != strings.Join(c.fields, "|") {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
			if n := countAssets(t, env); n != 2 {
				t.Errorf("%d assets after a refused import, want still 2", n)
			}
		})
	}
	apitest.Expect(t, importCSV(env, d.tech, good), http.StatusForbidden, "forbidden")
	apitest.Expect(t, env.Post("/api/v1/assets", d.desk.Token, map[string]any{"code": "AF-1-03", "name": "滤网", "kind": "filter_group"}),
		http.StatusConflict, "conflict")
}

// maintShop is a desk with an asset, a plan on it and the job run.
type maintShop struct {
	*repairDesk
	asset handlers.AssetOut
	plan  handlers.PlanOut
}

func newMaintShop(t *testing.T, opts ...apitest.Option) *maintShop {
	t.Helper()
	d := newRepairDesk(t, opts...)
	s := &maintShop{repairDesk: d}
	resp := d.env.Post("/api/v1/assets", d.desk.Token, map[string]any{"code": "FE-1-03-01", "name": "干粉灭火器",
		"kind": "fire_extinguisher", "building": "1号楼", "floor": "3层", "location": "东侧消防箱", "quantity": 2})
	apitest.Expect(t, resp, http.StatusCreated)
	resp.JSON(t, &s.asset)
	// Epoch is 2026-12-01: due on 31 December, generated 30 days ahead.
	resp = d.env.Post("/api/v1/maintenance/plans", d.desk.Token, map[string]any{"name": "灭火器月检", "asset_id": s.asset.ID,
		"checklist": []string{"外观检查", "压力检查"}, "cycle_unit": "month", "cycle_every": 1, "start_on": "2026-12-31",
		"lead_days": 30, "team": "消防班", "technician_id": d.tech.ID})
	apitest.Expect(t, resp, http.StatusCreated)
	resp.JSON(t, &s.plan)
	return s
}

func (s *maintShop) generate(t *testing.T, env *apitest.Env) int {
	t.Helper()
	n, err := env.Server.Maint.Generate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (s *maintShop) orders(t *testing.T, u apitest.User, query string) []handlers.WorkOrderOut {
	t.Helper()
	resp := s.env.Get("/api/v1/work-orders?limit=100"+query, u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var page handlers.List[handlers.WorkOrderOut]
	resp.JSON(t, &page)
	return page.Items
}

func (s *maintShop) act(t *testing.T, u apitest.User, id int64, action string, body any, status int, code ...string) handlers.WorkOrderDetailOut {
	t.Helper()
	resp := s.env.Post(apitest.Path("/api/v1/work-orders/%d/%s", id, action), u.Token, body)
	apitest.Expect(t, resp, status, code...)
	var out handlers.WorkOrderDetailOut
	if status < 300 {
		resp.JSON(t, &out)
	}
	return out
}

// A technician works an order from the phone: start, tick items, record
// readings, report a problem that opens a repair on the asset, complete.
func TestWorkOrderChecklistFlow(t *testing.T) {
	opt, ph := withPhones(t)
	s := newMaintShop(t, opt)
	env := s.env
	env.RegisterDevice(s.tech, "tech-phone")
	if s.plan.NextDue.String() != "2026-12-31" || s.plan.GenerateOn.String() != "2026-12-01" {
		t.Fatalf("plan due %s, generated %s", s.plan.NextDue, s.plan.GenerateOn)
	}
	if n := s.generate(t, env); n != 1 {
		t.Fatalf("generated %d orders, want 1", n)
	}
	expectPushes(t, ph.deliver(t, env), map[string]wantPush{"tech-phone": {title: []string{"新保养工单1项"},
		body: []string{"灭火器月检", "2026-12-31"}, data: map[string]string{"type": "work_orders"}, channel: "houqin_repair", priority: "normal"}})
	mine := s.orders(t, s.tech, "&mine=true")
	if len(mine) != 1 || mine[0].Status != "open" || len(mine[0].Checklist) != 2 {
		t.Fatalf("technician's orders %+v", mine)
	}
	id := mine[0].ID

	t.Run("role boundaries", func(t *testing.T) {
		apitest.Expect(t, env.Get("/api/v1/work-orders", s.staff.Token), http.StatusForbidden, "forbidden")
		apitest.Expect(t, env.Get("/api/v1/assets", s.staff.Token), http.StatusForbidden, "forbidden")
		apitest.Expect(t, env.Post("/api/v1/assets", s.tech.Token, map[string]any{"code": "X-1", "name": "x", "kind": "pump"}),
			http.StatusForbidden, "forbidden")
		apitest.Expect(t, env.Get(apitest.Path("/api/v1/work-orders/%d", id), s.tech2.Token), http.StatusNotFound, "not_found")
		s.act(t, s.tech2, id, "start", nil, http.StatusNotFound, "not_found")
		s.act(t, s.desk, id, "start", nil, http.StatusForbidden, "forbidden")
		if got := s.orders(t, s.tech2, ""); len(got) != 0 {
			t.Errorf("another technician sees %d orders", len(got))
		}
	})
	t.Run("items cannot be ticked before the work starts", func(t *testing.T) {
		s.act(t, s.tech, id, "checks", map[string]any{"index": 0, "result": "ok"}, http.StatusConflict, "invalid_transition")
	})
	s.act(t, s.tech, id, "start", nil, http.StatusOK)
	s.act(t, s.tech, id, "checks", map[string]any{"index": 0, "result": "ok"}, http.StatusOK)
	s.act(t, s.tech, id, "checks", map[string]any{"index": 5, "result": "ok"}, http.StatusBadRequest, "validation_failed")
	s.act(t, s.tech, id, "checks", map[string]any{"index": 1, "result": "problem"}, http.StatusBadRequest, "validation_failed")
	s.act(t, s.tech, id, "complete", nil, http.StatusConflict, "conflict")
	w := s.act(t, s.tech, id, "readings", map[string]any{"readings": []map[string]any{{"name": "压力", "value": 0.6, "unit": "MPa"}}}, http.StatusOK)
	if len(w.Readings) != 1 || w.Readings[0].Value != 0.6 {
		t.Fatalf("readings %+v", w.Readings)
	}

	t.Run("a problem opens a repair on the asset in one step", func(t *testing.T) {
		resp := env.Post(apitest.Path("/api/v1/work-orders/%d/problems", id), s.tech.Token, map[string]any{"index": 1,
			"category": "fire_safety", "priority": "normal", "description": "压力不足，需充装"})
		apitest.Expect(t, resp, http.StatusCreated)
		var out handlers.ProblemOut
		resp.JSON(t, &out)
		if c := out.WorkOrder.Checklist[1]; c.Result != "problem" || c.Note != "压力不足，需充装" {
			t.Errorf("checklist item after the problem: %+v", c)
		}
		if len(out.WorkOrder.Repairs) != 1 || out.WorkOrder.Repairs[0].ID != out.RepairID {
			t.Errorf("order's repairs %+v, want repair %d", out.WorkOrder.Repairs, out.RepairID)
		}
		r := s.get(t, s.desk, out.RepairID)
		if r.AssetID == nil || *r.AssetID != s.asset.ID || r.WorkOrderID == nil || *r.WorkOrderID != id ||
			!strings.Contains(r.Location, "FE-1-03-01") {
			t.Errorf("repair %+v is not linked to asset %d and order %d", r.RepairOut, s.asset.ID, id)
		}
		resp = env.Get(apitest.Path("/api/v1/assets/%d", s.asset.ID), s.tech.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var a handlers.AssetDetailOut
		resp.JSON(t, &a)
		if len(a.Repairs) != 1 || a.Repairs[0].ID != out.RepairID {
			t.Errorf("asset's repair history %+v", a.Repairs)
		}
		if len(env.Inbox(s.desk.ID)) == 0 {
			t.Error("the desk was not told of the new repair")
		}
		// Anyone may report a fault on an asset by its label; a wrong id is refused.
		staffs := s.create(t, s.staff, map[string]any{"category": "fire_safety", "location": "1号楼3层东侧消防箱",
			"description": "灭火器被挪走", "asset_id": s.asset.ID})
		apitest.Expect(t, env.Post("/api/v1/repairs", s.staff.Token, map[string]any{"category": "fire_safety", "location": "x",
			"description": "x", "asset_id": s.asset.ID + 100}), http.StatusBadRequest, "validation_failed")
		resp = env.Get(apitest.Path("/api/v1/assets/%d", s.asset.ID), s.desk.Token)
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &a)
		if len(a.Repairs) != 2 || a.Repairs[0].ID != staffs.ID || a.Repairs[0].WorkOrderID != nil {
			t.Errorf("asset's repair history %+v, want the staff member's request first", a.Repairs)
		}
	})
	t.Run("photos of the job", func(t *testing.T) {
		resp := postPhoto(env, s.tech, apitest.Path("/api/v1/work-orders/%d/photos", id), jpegBytes)
		apitest.Expect(t, resp, http.StatusCreated)
		apitest.Expect(t, postPhoto(env, s.tech2, apitest.Path("/api/v1/work-orders/%d/photos", id), jpegBytes), http.StatusNotFound, "not_found")
		var p handlers.RepairPhotoOut
		resp.JSON(t, &p)
		got := env.Get(p.URL, s.desk.Token)
		apitest.Expect(t, got, http.StatusOK)
	})
	env.Clock.Advance(12 * time.Minute) // within the access tokens' 15 minutes
	done := s.act(t, s.tech, id, "complete", nil, http.StatusOK)
	if done.Status != "done" || done.CompletedAt == nil || done.PhotoCount != 1 {
		t.Fatalf("completed order %+v", done.WorkOrderOut)
	}
	t.Run("the repair statistics weigh planned against breakdown work", func(t *testing.T) {
		resp := env.Get("/api/v1/repairs/stats?from=2026-12-01&to=2026-12-01", s.desk.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var st handlers.RepairStatsOut
		resp.JSON(t, &st)
		if w := st.Work; w.PlannedOrders != 1 || w.BreakdownOrders != 0 || w.PlannedHours != 0.2 || w.PlannedShareOrders != 1 {
			t.Errorf("work mix %+v, want one planned order of 12 minutes", w)
		}
	})
	s.act(t, s.tech, id, "skip", map[string]any{"reason": "x"}, http.StatusConflict, "invalid_transition")
}

// Skipping and postponing need a reason; an order overdue is told to the
// desk once, and again only for a new due date.
func TestWorkOrderSkipPostponeOverdue(t *testing.T) {
	s := newMaintShop(t)
	env := s.env
	s.generate(t, env)
	id := s.orders(t, s.desk, "")[0].ID
	s.act(t, s.tech, id, "skip", map[string]any{}, http.StatusBadRequest, "validation_failed")
	s.act(t, s.tech, id, "postpone", map[string]any{"reason": "会议占用"}, http.StatusBadRequest, "validation_failed")
	s.act(t, s.tech, id, "postpone", map[string]any{"reason": "会议占用", "until": "2026-12-30"}, http.StatusBadRequest, "validation_failed")

	overdue := func() int {
		n, err := env.Server.Maint.FlagOverdue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	env.Clock.Set(time.Date(2027, 1, 2, 1, 0, 0, 0, time.UTC))
	desk := env.NewUser(store.RoleDispatcher) // signed in after the clock moved
	if n, again := overdue(), overdue(); n != 1 || again != 0 {
		t.Fatalf("flagged %d then %d, want 1 then 0", n, again)
	}
	if got := s.orders(t, desk, "&overdue=true"); len(got) != 1 || !got[0].Overdue {
		t.Fatalf("overdue list %+v", got)
	}
	inbox := env.Inbox(s.desk.ID)
	if len(inbox) == 0 || inbox[0].Type != "maint.overdue" {
		t.Fatalf("desk inbox %+v", inbox)
	}
	w := s.act(t, desk, id, "postpone", map[string]any{"reason": "会议占用", "until": "2027-01-08"}, http.StatusOK)
	if w.Status != "postponed" || w.DueOn.String() != "2027-01-08" || w.Reason != "会议占用" || w.Overdue {
		t.Fatalf("postponed order %+v", w.WorkOrderOut)
	}
	env.Clock.Set(time.Date(2027, 1, 9, 1, 0, 0, 0, time.UTC))
	if n := overdue(); n != 1 {
		t.Fatalf("flagged %d after the new due date, want 1", n)
	}
	desk = env.NewUser(store.RoleDispatcher)
	w = s.act(t, desk, id, "skip", map[string]any{"reason": "设备已停用"}, http.StatusOK)
	if w.Status != "skipped" {
		t.Fatalf("skipped order %+v", w.WorkOrderOut)
	}
}

// Two replicas running the job at once generate each date's orders once,
// for plans on one asset and on a whole kind.
func TestWorkOrdersGeneratedOnceAcrossWorkers(t *testing.T) {
	s := newMaintShop(t)
	env := s.env
	apitest.Expect(t, importCSV(env, s.desk, "code,name,kind\nAF-1,滤网1,filter_group\nAF-2,滤网2,filter_group\nAF-3,滤网3,filter_group\n"),
		http.StatusCreated)
	resp := env.Post("/api/v1/maintenance/plans", s.desk.Token, map[string]any{"name": "回风滤网清洗", "asset_kind": "filter_group",
		"checklist": []string{"清洗"}, "cycle_unit": "week", "cycle_every": 1, "start_on": "2026-12-01", "lead_days": 0, "team": "空调班"})
	apitest.Expect(t, resp, http.StatusCreated)
	other := env.Replica()
	for day := range 3 {
		env.Clock.Set(apitest.Epoch.Add(time.Duration(day*7) * 24 * time.Hour))
		var wg sync.WaitGroup
		counts := make([]int, 4)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := env
				if i%2 == 1 {
					e = other
				}
				n, err := e.Server.Maint.Generate(context.Background())
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		want := 3 // the filters each week
		if day == 0 {
			want = 4 // and the extinguisher's order, due 31 December
		}
		if got := counts[0] + counts[1] + counts[2] + counts[3]; got != want {
			t.Errorf("week %d: workers generated %v orders, want %d in all", day, counts, want)
		}
	}
	var n int64
	env.Store.Read(context.Background()).Table("maint_work_orders").Count(&n)
	if n != 10 {
		t.Errorf("%d orders in the table, want 10", n)
	}
	if unassigned := env.Inbox(s.desk.ID); len(unassigned) == 0 || unassigned[len(unassigned)-1].Type != "maint.generated" {
		t.Errorf("the desk was not told of unassigned orders: %+v", unassigned)
	}
}

// Parts can be issued to a work order by its technician.
func TestStockIssuedToWorkOrder(t *testing.T) {
	s := newMaintShop(t)
	shop := &stockShop{repairDesk: s.repairDesk, keeper: s.env.NewUser(store.RoleStorekeeper)}
	s.generate(t, s.env)
	id := s.orders(t, s.tech, "")[0].ID
	it := shop.item(t, "干粉", 0, 10, 500)
	body := map[string]any{"work_order_id": id, "quantity": 2}
	apitest.Expect(t, shop.move(s.tech2, it.ID, "issues", body), http.StatusForbidden, "forbidden")
	out := shop.mustMove(t, s.tech, it.ID, "issues", body)
	if out.Move.WorkOrderID == nil || *out.Move.WorkOrderID != id || out.Item.OnHand != 8 {
		t.Fatalf("issue %+v", out)
	}
	apitest.Expect(t, shop.move(s.tech, it.ID, "issues", map[string]any{"work_order_id": id, "repair_id": 1, "quantity": 1}),
		http.StatusBadRequest, "validation_failed")
	shop.mustMove(t, s.tech, it.ID, "returns", map[string]any{"work_order_id": id, "quantity": 1})
	resp := s.env.Get(apitest.Path("/api/v1/work-orders/%d/parts", id), s.desk.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var used handlers.RepairPartsOut
	resp.JSON(t, &used)
	if used.WorkOrderID != id || len(used.Parts) != 1 || used.Parts[0].Quantity != 1 || used.TotalCostCents != 500 {
		t.Errorf("parts used %+v", used)
	}
	apitest.Expect(t, s.env.Get(apitest.Path("/api/v1/work-orders/%d/parts", id), s.tech2.Token), http.StatusForbidden, "forbidden")
}

// A team's orders reach the desk's phones unassigned; assigning one
// reaches the technician's.
func TestWorkOrderAssignPushes(t *testing.T) {
	opt, ph := withPhones(t)
	s := newMaintShop(t, opt)
	env := s.env
	env.RegisterDevice(s.desk, "desk-phone")
	env.RegisterDevice(s.tech2, "tech2-phone")
	apitest.Expect(t, env.Post("/api/v1/maintenance/plans", s.tech.Token, map[string]any{"name": "x", "asset_kind": "lift",
		"checklist": []string{"x"}, "cycle_unit": "day", "cycle_every": 1, "start_on": "2026-12-01"}), http.StatusForbidden, "forbidden")
	apitest.Expect(t, env.Post("/api/v1/maintenance/plans", s.desk.Token, map[string]any{"name": "x", "asset_kind": "lift",
		"asset_id": s.asset.ID, "checklist": []string{"x"}, "cycle_unit": "day", "cycle_every": 1, "start_on": "2026-12-01"}),
		http.StatusBadRequest, "validation_failed")
	resp := env.Patch(apitest.Path("/api/v1/maintenance/plans/%d", s.plan.ID), s.desk.Token, map[string]any{"technician_id": s.staff.ID})
	apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
	// A team's plan, with no technician.
	resp = env.Post("/api/v1/maintenance/plans", s.desk.Token, map[string]any{"name": "灭火器周检", "asset_id": s.asset.ID,
		"checklist": []string{"外观检查"}, "cycle_unit": "week", "cycle_every": 1, "start_on": "2026-12-03", "lead_days": 2, "team": "消防班"})
	apitest.Expect(t, resp, http.StatusCreated)
	if n := s.generate(t, env); n != 2 {
		t.Fatalf("generated %d orders, want the monthly and the weekly one", n)
	}
	expectPushes(t, ph.deliver(t, env), map[string]wantPush{"desk-phone": {title: []string{"1项保养工单待派工"},
		body: []string{"灭火器周检", "2026-12-03"}, data: map[string]string{"type": "work_orders"}, channel: "houqin_repair", priority: "normal"}})
	var weekly handlers.WorkOrderOut
	for _, w := range s.orders(t, s.desk, "") {
		if w.TechnicianID == nil {
			weekly = w
		}
	}
	if weekly.ID == 0 {
		t.Fatal("no unassigned order")
	}
	s.act(t, s.tech2, weekly.ID, "skip", map[string]any{"reason": "不想做"}, http.StatusForbidden, "forbidden")
	s.act(t, s.tech2, weekly.ID, "assign", map[string]any{"technician_id": s.tech2.ID}, http.StatusForbidden, "forbidden")
	w := s.act(t, s.desk, weekly.ID, "assign", map[string]any{"technician_id": s.tech2.ID}, http.StatusOK)
	if w.TechnicianID == nil || *w.TechnicianID != s.tech2.ID {
		t.Fatalf("assigned order %+v", w.WorkOrderOut)
	}
	expectPushes(t, ph.deliver(t, env), map[string]wantPush{"tech2-phone": {title: []string{"新保养工单", "灭火器周检"},
		body: []string{"2026-12-03"}, data: map[string]string{"type": "work_order", "status": "open"}, channel: "houqin_repair", priority: "normal"}})
}
