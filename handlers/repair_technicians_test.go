package handlers_test

import (
	"testing"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/store"
)

func TestRepairTechnicians(t *testing.T) {
	d := newRepairDesk(t)
	for _, status := range []string{"assigned", "assigned", "in_progress", "resolved", "closed"} {
		d.reach(t, status) // all with d.tech
	}
	other := d.create(t, d.staff, acRepair).ID
	d.mustAct(t, d.desk, other, "assign", map[string]any{"technician_id": d.tech2.ID})
	gone := d.env.NewUser(store.RoleTechnician)
	apitest.Expect(t, d.env.Patch(apitest.Path("/api/v1/users/%d", gone.ID), d.admin.Token, map[string]any{"active": false}), 200)
	d.env.NewUser(store.RoleCanteenAdmin) // not a technician

	t.Run("the desk sees every active technician's open load", func(t *testing.T) {
		resp := d.env.Get("/api/v1/repairs/technicians", d.desk.Token)
		apitest.Expect(t, resp, 200)
		var page handlers.List[handlers.TechnicianOut]
		resp.JSON(t, &page)
		want := map[int64][3]int{d.tech.ID: {2, 1, 3}, d.tech2.ID: {1, 0, 1}}
		if len(page.Items) != len(want) {
			t.Fatalf("%d technicians, want %d: %s", len(page.Items), len(want), resp.Body)
		}
		for _, tech := range page.Items {
			if got := [3]int{tech.Assigned, tech.InProgress, tech.Open}; got != want[tech.ID] || tech.Name == "" {
				t.Errorf("technician %d: assigned, in progress, open = %v, want %v", tech.ID, got, want[tech.ID])
			}
		}
	})
	t.Run("pages", func(t *testing.T) {
		var page handlers.List[handlers.TechnicianOut]
		d.env.Get("/api/v1/repairs/technicians?limit=1", d.desk.Token).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != d.tech2.ID || page.NextCursor == "" {
			t.Fatalf("first page %+v", page)
		}
		d.env.Get("/api/v1/repairs/technicians?limit=1&cursor="+page.NextCursor, d.desk.Token).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != d.tech.ID || page.Items[0].Open != 3 {
			t.Fatalf("second page %+v", page)
		}
	})
	t.Run("only the desk and admins", func(t *testing.T) {
		apitest.Expect(t, d.env.Get("/api/v1/repairs/technicians", d.admin.Token), 200)
		for _, u := range []apitest.User{d.staff, d.tech} {
			apitest.Expect(t, d.env.Get("/api/v1/repairs/technicians", u.Token), 403, "forbidden")
		}
		apitest.Expect(t, d.env.Get("/api/v1/repairs/technicians", ""), 401, "unauthorized")
	})
}
