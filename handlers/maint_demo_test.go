package handlers_test

import (
	"context"
	"net/http"
	"testing"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/handlers"
	"houqin/models/people"
)

// TestMaintDemoData loads the demo dataset: the work report's equipment is
// registered at its scale with plans, and the job generates the orders
// due within their lead times (lifts, fire systems, extinguishers).
func TestMaintDemoData(t *testing.T) {
	env := apitest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	var sums []struct {
		Kind string
		N    int
	}
	if err := env.Store.Read(ctx).Table("maint_assets").Select("kind, SUM(quantity) AS n").Group("kind").Scan(&sums).Error; err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range sums {
		got[s.Kind] = s.N
	}
	if got["filter_group"] < 2000 || got["valve_group"] < 1000 || got["fire_extinguisher"] != 178 ||
		got["water_tank"] != 1 || got["lift"] == 0 || got["fire_system"] == 0 {
		t.Errorf("demo equipment %v", got)
	}
	n, err := env.Server.Maint.Generate(ctx)
	if err != nil || n == 0 {
		t.Fatalf("generated %d orders (%v)", n, err)
	}
	var tech people.User
	if err := env.Store.Read(ctx).Where("username = ?", "technician").Take(&tech).Error; err != nil {
		t.Fatal(err)
	}
	token, _ := env.Server.Tokens.Issue(tech.ID)
	resp := env.Get("/api/v1/work-orders?mine=true&limit=100", token)
	apitest.Expect(t, resp, http.StatusOK)
	var page handlers.List[handlers.WorkOrderOut]
	resp.JSON(t, &page)
	if len(page.Items) == 0 {
		t.Error("the demo technician has no work orders")
	}
	resp = env.Get("/api/v1/maintenance/calendar?from=2027-04-01&to=2027-06-30", token)
	apitest.Expect(t, resp, http.StatusOK)
	var cal handlers.CalendarOut
	resp.JSON(t, &cal)
	summer := 0
	for _, w := range cal.Weeks {
		if w.Monday.String() == "2027-05-31" {
			summer = w.Planned
		}
	}
	if summer < 72 { // 36 filter groups and 36 valve groups due 1 June
		t.Errorf("the week of 1 June 2027 plans %d assets, want the filters and valves", summer)
	}
}
