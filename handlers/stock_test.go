package handlers_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/store"
)

// stockShop is a repair desk with a storekeeper and a store.
type stockShop struct {
	*repairDesk
	keeper apitest.User
}

func newStockShop(t *testing.T, opts ...apitest.Option) *stockShop {
	t.Helper()
	d := newRepairDesk(t, opts...)
	return &stockShop{repairDesk: d, keeper: d.env.NewUser(store.RoleStorekeeper)}
}

// item adds an item and books a receipt of qty at cost cents each.
func (s *stockShop) item(t *testing.T, name string, reorder, qty int, cost int64) handlers.StockItemOut {
	t.Helper()
	resp := s.env.Post("/api/v1/stock/items", s.keeper.Token, map[string]any{"name": name, "spec": "DN20", "unit": "个",
		"reorder_level": reorder, "location": "地下一层物资库A-01"})
	apitest.Expect(t, resp, http.StatusCreated)
	var it handlers.StockItemOut
	resp.JSON(t, &it)
	if qty > 0 {
		it = s.mustMove(t, s.keeper, it.ID, "receipts", map[string]any{"quantity": qty, "unit_cost_cents": cost, "supplier": "康洁五金"}).Item
	}
	return it
}

func (s *stockShop) move(u apitest.User, itemID int64, kind string, body any) *apitest.Response {
	return s.env.Post(apitest.Path("/api/v1/stock/items/%d/%s", itemID, kind), u.Token, body)
}

func (s *stockShop) mustMove(t *testing.T, u apitest.User, itemID int64, kind string, body any) handlers.StockMovedOut {
	t.Helper()
	resp := s.move(u, itemID, kind, body)
	apitest.Expect(t, resp, http.StatusCreated)
	var out handlers.StockMovedOut
	resp.JSON(t, &out)
	return out
}

func parts(repairID int64, qty int) map[string]any {
	return map[string]any{"repair_id": repairID, "quantity": qty}
}

// ledger reads an item's whole ledger through the API, newest first.
func (s *stockShop) ledger(t *testing.T, itemID int64) []handlers.StockMoveOut {
	t.Helper()
	var all []handlers.StockMoveOut
	for cursor := ""; ; {
		var page handlers.List[handlers.StockMoveOut]
		resp := s.env.Get(apitest.Path("/api/v1/stock/items/%d/moves?limit=100&cursor=%s", itemID, cursor), s.keeper.Token)
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &page)
		all = append(all, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return all
		}
	}
}

func (s *stockShop) getItem(t *testing.T, id int64) handlers.StockItemOut {
	t.Helper()
	resp := s.env.Get(apitest.Path("/api/v1/stock/items/%d", id), s.keeper.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var it handlers.StockItemOut
	resp.JSON(t, &it)
	return it
}

func TestStockRoleBoundaries(t *testing.T) {
	s := newStockShop(t)
	it := s.item(t, "水龙头", 0, 10, 3500)
	mine := s.reach(t, "in_progress") // assigned to tech
	itemPath := apitest.Path("/api/v1/stock/items/%d", it.ID)

	t.Run("staff neither see nor take parts", func(t *testing.T) {
		for _, path := range []string{"/api/v1/stock/items", itemPath, itemPath + "/moves", "/api/v1/stock/costs",
			apitest.Path("/api/v1/repairs/%d/parts", mine)} {
			apitest.Expect(t, s.env.Get(path, s.staff.Token), http.StatusForbidden, "forbidden")
		}
		apitest.Expect(t, s.move(s.staff, it.ID, "issues", parts(mine, 1)), http.StatusForbidden, "forbidden")
	})
	t.Run("technicians see items, not the books, and manage nothing", func(t *testing.T) {
		apitest.Expect(t, s.env.Get("/api/v1/stock/items", s.tech.Token), http.StatusOK)
		apitest.Expect(t, s.env.Get(itemPath+"/moves", s.tech.Token), http.StatusForbidden, "forbidden")
		apitest.Expect(t, s.env.Get("/api/v1/stock/costs", s.tech.Token), http.StatusForbidden, "forbidden")
		apitest.Expect(t, s.env.Post("/api/v1/stock/items", s.tech.Token, map[string]any{"name": "x", "unit": "个"}), http.StatusForbidden, "forbidden")
		apitest.Expect(t, s.env.Patch(itemPath, s.tech.Token, map[string]any{"reorder_level": 1}), http.StatusForbidden, "forbidden")
		apitest.Expect(t, s.move(s.tech, it.ID, "receipts", map[string]any{"quantity": 1, "supplier": "x"}), http.StatusForbidden, "forbidden")
		apitest.Expect(t, s.move(s.tech, it.ID, "counts", map[string]any{"counted": 99, "reason": "x"}), http.StatusForbidden, "forbidden")
	})
	t.Run("a technician issues to their own repair only", func(t *testing.T) {
		out := s.mustMove(t, s.tech, it.ID, "issues", parts(mine, 2))
		if out.Move.Kind != "issue" || out.Move.Quantity != -2 || out.Move.ValueCents != -7000 || out.Item.OnHand != 8 {
			t.Fatalf("%+v", out)
		}
		apitest.Expect(t, s.move(s.tech2, it.ID, "issues", parts(mine, 1)), http.StatusForbidden, "forbidden")
		apitest.Expect(t, s.move(s.tech2, it.ID, "returns", parts(mine, 1)), http.StatusForbidden, "forbidden")
		apitest.Expect(t, s.env.Get(apitest.Path("/api/v1/repairs/%d/parts", mine), s.tech2.Token), http.StatusForbidden, "forbidden")
		unassigned := s.reach(t, "submitted")
		apitest.Expect(t, s.move(s.tech, it.ID, "issues", parts(unassigned, 1)), http.StatusForbidden, "forbidden")
		apitest.Expect(t, s.move(s.tech, it.ID, "issues", parts(999999, 1)), http.StatusNotFound, "not_found")
		apitest.Expect(t, s.move(s.tech, 999999, "issues", parts(mine, 1)), http.StatusNotFound, "not_found")
	})
	t.Run("a finished repair takes no more parts but may give them back", func(t *testing.T) {
		done := s.reach(t, "resolved")
		s.mustMove(t, s.tech, it.ID, "issues", parts(done, 1))
		s.mustAct(t, s.staff, done, "feedback", s.bodyFor("feedback"))
		resp := s.move(s.tech, it.ID, "issues", parts(done, 1))
		apitest.Expect(t, resp, http.StatusConflict, "conflict")
		if !strings.Contains(string(resp.Body), "已关闭") {
			t.Fatalf("%s", resp.Body)
		}
		s.mustMove(t, s.tech, it.ID, "returns", parts(done, 1))
	})
	t.Run("the storekeeper issues to any repair and manages the store", func(t *testing.T) {
		other := s.reach(t, "assigned")
		s.mustMove(t, s.keeper, it.ID, "issues", parts(other, 1))
		s.mustMove(t, s.keeper, it.ID, "counts", map[string]any{"counted": 7, "reason": "盘点相符"})
		apitest.Expect(t, s.env.Patch(itemPath, s.keeper.Token, map[string]any{"location": "B-02"}), http.StatusOK)
		for _, u := range []apitest.User{s.keeper, s.desk, s.admin} {
			apitest.Expect(t, s.env.Get(itemPath+"/moves", u.Token), http.StatusOK)
			apitest.Expect(t, s.env.Get("/api/v1/stock/costs", u.Token), http.StatusOK)
		}
	})
	t.Run("the repair's technician and the desk see its parts", func(t *testing.T) {
		for _, u := range []apitest.User{s.tech, s.desk, s.keeper} {
			var got handlers.RepairPartsOut
			resp := s.env.Get(apitest.Path("/api/v1/repairs/%d/parts", mine), u.Token)
			apitest.Expect(t, resp, http.StatusOK)
			resp.JSON(t, &got)
			if len(got.Parts) != 1 || got.Parts[0].Quantity != 2 || got.TotalCostCents != 7000 || got.Parts[0].Name != "水龙头" {
				t.Fatalf("%+v", got)
			}
		}
		apitest.Expect(t, s.env.Get("/api/v1/repairs/999999/parts", s.desk.Token), http.StatusNotFound, "not_found")
	})
}

// TestStockConcurrentIssuesOfTheLastUnits: two technicians take the last
// units at once; the item row lock lets exactly one through.
func TestStockConcurrentIssuesOfTheLastUnits(t *testing.T) {
	s := newStockShop(t)
	it := s.item(t, "灭火器充装药剂", 0, 3, 2000)
	a := s.reach(t, "assigned")
	b := s.create(t, s.staff, acRepair).ID
	s.mustAct(t, s.desk, b, "assign", map[string]any{"technician_id": s.tech2.ID})

	for round := range 5 {
		if round > 0 {
			s.mustMove(t, s.keeper, it.ID, "receipts", map[string]any{"quantity": 3, "unit_cost_cents": 2000, "supplier": "消防器材站"})
		}
		resps := make([]*apitest.Response, 2)
		var wg sync.WaitGroup
		for i, who := range []struct {
			u  apitest.User
			id int64
		}{{s.tech, a}, {s.tech2, b}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resps[i] = s.move(who.u, it.ID, "issues", parts(who.id, 2))
			}()
		}
		wg.Wait()
		codes := map[string]int{}
		for _, r := range resps {
			codes[fmt.Sprint(r.Status, r.Code())]++
			if r.Status == http.StatusConflict {
				var p struct {
					Detail string `json:"detail"`
					OnHand int    `json:"on_hand"`
				}
				r.JSON(t, &p)
				if p.OnHand != 1 || !strings.Contains(p.Detail, "1") {
					t.Fatalf("round %d: the refused issue says %+v", round, p)
				}
			}
		}
		if codes["201"] != 1 || codes["409conflict"] != 1 {
			t.Fatalf("round %d: outcomes %v, want one 201 and one 409", round, codes)
		}
		if got := s.getItem(t, it.ID); got.OnHand != 1 {
			t.Fatalf("round %d: on hand %d, want 1", round, got.OnHand)
		}
		s.mustMove(t, s.keeper, it.ID, "counts", map[string]any{"counted": 0, "reason": "清空重测"})
	}
}

// TestStockEqualsTheLedger runs a random sequence of receipts, issues,
// returns and counts (refused ones included) and checks after each that
// the item's stock and value are its ledger's sums, the stock never
// negative, and the value zero whenever the stock is.
func TestStockEqualsTheLedger(t *testing.T) {
	s := newStockShop(t)
	it := s.item(t, "LED灯管", 5, 0, 0)
	repairs := []int64{s.reach(t, "assigned"), s.reach(t, "in_progress")}
	rng := rand.New(rand.NewPCG(16, 2026))
	held := map[int64]int{}
	for step := range 60 {
		r := repairs[rng.IntN(len(repairs))]
		q := 1 + rng.IntN(8)
		var resp *apitest.Response
		switch op := rng.IntN(4); op {
		case 0:
			resp = s.move(s.keeper, it.ID, "receipts", map[string]any{"quantity": q, "unit_cost_cents": 1000 + rng.IntN(900), "supplier": "照明器材"})
		case 1:
			resp = s.move(s.tech, it.ID, "issues", parts(r, q))
		case 2:
			resp = s.move(s.tech, it.ID, "returns", parts(r, q))
		case 3:
			resp = s.move(s.keeper, it.ID, "counts", map[string]any{"counted": rng.IntN(20), "reason": "随机盘点"})
		}
		if resp.Status == http.StatusCreated {
			var out handlers.StockMovedOut
			resp.JSON(t, &out)
			if out.Move.RepairID != nil {
				held[*out.Move.RepairID] -= out.Move.Quantity
			}
		} else if resp.Status != http.StatusConflict && resp.Status != http.StatusBadRequest {
			t.Fatalf("step %d: %d %s", step, resp.Status, resp.Body)
		}
		got := s.getItem(t, it.ID)
		var qty int
		var value int64
		for _, m := range s.ledger(t, it.ID) {
			qty += m.Quantity
			value += m.ValueCents
		}
		if got.OnHand != qty || got.ValueCents != value || got.OnHand < 0 || (got.OnHand == 0) != (got.ValueCents == 0) {
			t.Fatalf("step %d: item %d on hand worth %d, ledger %d worth %d", step, got.OnHand, got.ValueCents, qty, value)
		}
	}
	for _, r := range repairs {
		var got handlers.RepairPartsOut
		s.env.Get(apitest.Path("/api/v1/repairs/%d/parts", r), s.desk.Token).JSON(t, &got)
		n := 0
		for _, p := range got.Parts {
			n += p.Quantity
		}
		if n != held[r] {
			t.Fatalf("repair %d holds %d by the API, %d by the moves", r, n, held[r])
		}
	}
}

// TestStockReorderAlert: a drop below the reorder level pushes every
// storekeeper once; further drops do not; a restock re-arms it.
func TestStockReorderAlert(t *testing.T) {
	opt, ph := withPhones(t)
	s := newStockShop(t, opt)
	keeper2 := s.env.NewUser(store.RoleStorekeeper)
	s.env.RegisterDevice(s.keeper, "keeper-phone")
	s.env.RegisterDevice(keeper2, "keeper2-phone")
	s.env.RegisterDevice(s.tech, "tech-phone")
	it := s.item(t, "截止阀", 5, 8, 4200)
	r := s.reach(t, "in_progress")
	ph.deliver(t, s.env) // the repair's own notices

	alert := wantPush{title: []string{"库存不足：截止阀"}, body: []string{"现存4个", "补货线5个"},
		data: map[string]string{"type": "stock_item", "id": fmt.Sprint(it.ID)}, channel: "houqin_repair",
		collapse: fmt.Sprintf("stock-item-%d", it.ID), priority: "normal"}
	s.mustMove(t, s.tech, it.ID, "issues", parts(r, 3)) // 5: at the level, not below
	expectPushes(t, ph.deliver(t, s.env), nil)
	out := s.mustMove(t, s.tech, it.ID, "issues", parts(r, 1)) // 4: below
	if !out.Item.Low {
		t.Fatalf("%+v", out.Item)
	}
	expectPushes(t, ph.deliver(t, s.env), map[string]wantPush{"keeper-phone": alert, "keeper2-phone": alert})
	s.mustMove(t, s.tech, it.ID, "issues", parts(r, 2))
	s.mustMove(t, s.keeper, it.ID, "counts", map[string]any{"counted": 1, "reason": "破损1个"})
	expectPushes(t, ph.deliver(t, s.env), nil)

	s.mustMove(t, s.keeper, it.ID, "receipts", map[string]any{"quantity": 9, "unit_cost_cents": 4200, "supplier": "阀门厂"}) // 10
	expectPushes(t, ph.deliver(t, s.env), nil)
	s.mustMove(t, s.tech, it.ID, "issues", parts(r, 6)) // 4 again: pushed again
	alert.body = []string{"现存4个"}
	expectPushes(t, ph.deliver(t, s.env), map[string]wantPush{"keeper-phone": alert, "keeper2-phone": alert})
	if n := len(s.env.Inbox(keeper2.ID)); n != 2 {
		t.Fatalf("the storekeeper's inbox holds %d alerts, want 2", n)
	}
}

func TestStockBadInput(t *testing.T) {
	s := newStockShop(t)
	it := s.item(t, "水箱浮球阀", 0, 5, 1500)
	r := s.reach(t, "assigned")
	for name, c := range map[string]struct {
		path string
		body any
	}{
		"a count without a reason":      {"counts", map[string]any{"counted": 3}},
		"a count with a blank reason":   {"counts", map[string]any{"counted": 3, "reason": "  "}},
		"a count without a quantity":    {"counts", map[string]any{"reason": "盘点"}},
		"a negative count":              {"counts", map[string]any{"counted": -1, "reason": "盘点"}},
		"a receipt of nothing":          {"receipts", map[string]any{"quantity": 0, "supplier": "x"}},
		"a receipt without a supplier":  {"receipts", map[string]any{"quantity": 1, "unit_cost_cents": 1}},
		"a negative unit cost":          {"receipts", map[string]any{"quantity": 1, "unit_cost_cents": -5, "supplier": "x"}},
		"a fractional quantity":         {"receipts", map[string]any{"quantity": 1.5, "supplier": "x"}},
		"an issue without a repair":     {"issues", map[string]any{"quantity": 1}},
		"an issue of a negative number": {"issues", parts(r, -1)},
		"an unknown field":              {"issues", map[string]any{"repair_id": r, "quantity": 1, "item_id": 2}},
		"a return of more than issued":  {"returns", parts(r, 1)},
	} {
		t.Run(name, func(t *testing.T) {
			apitest.Expect(t, s.move(s.keeper, it.ID, c.path, c.body), http.StatusBadRequest, "validation_failed")
		})
	}
	t.Run("items need a name and a unit, and are unique by name and spec", func(t *testing.T) {
		apitest.Expect(t, s.env.Post("/api/v1/stock/items", s.keeper.Token, map[string]any{"name": " ", "unit": "个"}), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, s.env.Post("/api/v1/stock/items", s.keeper.Token, map[string]any{"name": "阀", "reorder_level": -1, "unit": "个"}), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, s.env.Post("/api/v1/stock/items", s.keeper.Token, map[string]any{"name": "水箱浮球阀", "spec": "DN20", "unit": "个"}), http.StatusConflict, "conflict")
	})
	t.Run("queries", func(t *testing.T) {
		apitest.Expect(t, s.env.Get("/api/v1/stock/items?low=maybe", s.keeper.Token), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, s.env.Get("/api/v1/stock/costs?from=2026-05-01&to=2026-04-01", s.keeper.Token), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, s.env.Get("/api/v1/stock/costs?from=2000-01-01&to=2026-04-01", s.keeper.Token), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, s.env.Get("/api/v1/stock/costs?from=yesterday", s.keeper.Token), http.StatusBadRequest, "validation_failed")
	})
	if got := s.getItem(t, it.ID); got.OnHand != 5 || len(s.ledger(t, it.ID)) != 1 {
		t.Fatalf("refused moves changed the item: %+v", got)
	}
}

// TestStockCosts: a repair's parts at the value they left with (moving
// average), returns credited, and the month's total.
func TestStockCosts(t *testing.T) {
	s := newStockShop(t)
	filter := s.item(t, "空调回风滤网", 0, 10, 1000)
	s.mustMove(t, s.keeper, filter.ID, "receipts", map[string]any{"quantity": 10, "unit_cost_cents": 2000, "supplier": "滤材厂"}) // 20 worth 30000: 1500 each
	tap := s.item(t, "水龙头", 0, 3, 3333)
	r := s.reach(t, "in_progress")
	s.mustMove(t, s.tech, filter.ID, "issues", parts(r, 4))
	s.mustMove(t, s.tech, filter.ID, "returns", parts(r, 1))
	s.mustMove(t, s.tech, tap.ID, "issues", parts(r, 3))

	var got handlers.RepairPartsOut
	s.env.Get(apitest.Path("/api/v1/repairs/%d/parts", r), s.tech.Token).JSON(t, &got)
	if len(got.Parts) != 2 || got.Parts[0].Name != "水龙头" || got.Parts[0].CostCents != 9999 ||
		got.Parts[1].Quantity != 3 || got.Parts[1].CostCents != 4500 || got.TotalCostCents != 14499 {
		t.Fatalf("%+v", got)
	}
	if it := s.getItem(t, tap.ID); it.OnHand != 0 || it.ValueCents != 0 {
		t.Fatalf("the emptied bin: %+v", it)
	}
	today := s.env.Server.Store.Today()
	var costs handlers.StockCostsOut
	resp := s.env.Get("/api/v1/stock/costs?from="+today.AddDays(-40).String()+"&to="+today.String(), s.desk.Token)
	apitest.Expect(t, resp, http.StatusOK)
	resp.JSON(t, &costs)
	last := costs.Months[len(costs.Months)-1]
	if len(costs.Months) < 2 || last.Month != fmt.Sprintf("%04d-%02d", today.Year, today.Month) ||
		last.IssuedCents != 6000+9999 || last.ReturnedCents != 1500 || last.CostCents != 14499 || costs.TotalCostCents != 14499 {
		t.Fatalf("%+v", costs)
	}
	var stats handlers.RepairStatsOut
	s.env.Get("/api/v1/repairs/stats", s.desk.Token).JSON(t, &stats)
	if stats.PartsCostCents != 14499 || len(stats.Technicians) != 1 || stats.Technicians[0].PartsCostCents != 14499 {
		t.Fatalf("repair statistics: %+v", stats)
	}
}
