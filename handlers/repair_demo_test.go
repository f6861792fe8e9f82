package handlers_test

import (
	"context"
	"testing"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/handlers"
	"houqin/models/people"
	"houqin/models/repair"
)

// TestRepairDemoData loads the demo dataset and checks that the desk sees
// requests in several states, each with a consistent timeline.
func TestRepairDemoData(t *testing.T) {
	env := apitest.New(t)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	var desk people.User
	if err := env.Store.Read(context.Background()).Where("username = ?", "dispatcher").Take(&desk).Error; err != nil {
		t.Fatal(err)
	}
	token, _ := env.Server.Tokens.Issue(desk.ID)
	resp := env.Get("/api/v1/repairs?limit=100", token)
	apitest.Expect(t, resp, 200)
	var page handlers.List[handlers.RepairOut]
	resp.JSON(t, &page)
	states := map[repair.RepairStatus]bool{}
	for _, r := range page.Items {
		states[r.Status] = true
		resp := env.Get(apitest.Path("/api/v1/repairs/%d", r.ID), token)
		apitest.Expect(t, resp, 200)
		var d handlers.RepairDetailOut
		resp.JSON(t, &d)
		if last := d.Events[len(d.Events)-1]; last.ToStatus != d.Status || d.Requester.Name == "" {
			t.Errorf("%s: status %s, last event %+v", d.Ticket, d.Status, last)
		}
	}
	if len(states) < 6 {
		t.Errorf("demo requests cover only %v", states)
	}
}
