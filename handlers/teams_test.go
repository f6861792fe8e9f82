package handlers_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/store"
)

// quality is a centre with an admin, the desk, two inspectors and two
// teams: 维修班 (lead and a member) and 保洁绿化 (one member).
type quality struct {
	env                      *apitest.Env
	admin, desk, staff       apitest.User
	inspector, inspector2    apitest.User
	lead, fixer, cleaner     apitest.User
	repairTeam, cleaningTeam handlers.TeamOut
}

func newQuality(t *testing.T, opts ...apitest.Option) *quality {
	t.Helper()
	env := apitest.New(t, opts...)
	q := &quality{env: env, admin: env.NewUser(store.RoleAdmin), desk: env.NewUser(store.RoleDispatcher), staff: env.NewUser(),
		inspector: env.NewUser(store.RoleInspector), inspector2: env.NewUser(store.RoleInspector),
		lead: env.NewUser(store.RoleTechnician), fixer: env.NewUser(store.RoleTechnician), cleaner: env.NewUser()}
	q.repairTeam = q.mustTeam(t, map[string]any{"name": "维修班", "lead_id": q.lead.ID, "member_ids": []int64{q.fixer.ID},
		"areas": []map[string]any{{"kind": "repair_category", "value": "water"}, {"kind": "area", "value": "1号楼"}}})
	q.cleaningTeam = q.mustTeam(t, map[string]any{"name": "保洁绿化", "member_ids": []int64{q.cleaner.ID}})
	return q
}

// advance moves the clock and signs everyone in again, their tokens having
// expired meanwhile.
func (q *quality) advance(t *testing.T, d time.Duration) {
	t.Helper()
	q.env.Clock.Advance(d)
	for _, u := range []*apitest.User{&q.admin, &q.desk, &q.staff, &q.inspector, &q.inspector2, &q.lead, &q.fixer, &q.cleaner} {
		token, err := q.env.Server.Tokens.Issue(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		u.Token = token
	}
}

func (q *quality) mustTeam(t *testing.T, body map[string]any) handlers.TeamOut {
	t.Helper()
	resp := q.env.Post("/api/v1/teams", q.admin.Token, body)
	apitest.Expect(t, resp, http.StatusCreated)
	var out handlers.TeamOut
	resp.JSON(t, &out)
	return out
}

func teamNames(t *testing.T, env *apitest.Env, u apitest.User) []string {
	t.Helper()
	resp := env.Get("/api/v1/teams", u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var page handlers.List[handlers.TeamOut]
	resp.JSON(t, &page)
	var names []string
	for _, tm := range page.Items {
		names = append(names, tm.Name)
	}
	return names
}

func TestTeams(t *testing.T) {
	q := newQuality(t)
	env := q.env
	teamPath := apitest.Path("/api/v1/teams/%d", q.repairTeam.ID)

	t.Run("the lead is a member and areas are kept", func(t *testing.T) {
		tm := q.repairTeam
		if *tm.LeadID != q.lead.ID || !slices.Equal(tm.MemberIDs, []int64{q.lead.ID, q.fixer.ID}) || len(tm.Areas) != 2 {
			t.Fatalf("%+v", tm)
		}
	})
	t.Run("only admins manage teams", func(t *testing.T) {
		for _, u := range []apitest.User{q.staff, q.desk, q.inspector, q.lead} {
			apitest.Expect(t, env.Post("/api/v1/teams", u.Token, map[string]any{"name": "安保"}), http.StatusForbidden, "forbidden")
			apitest.Expect(t, env.Patch(teamPath, u.Token, map[string]any{"name": "x"}), http.StatusForbidden, "forbidden")
		}
	})
	t.Run("bad input is refused", func(t *testing.T) {
		for name, body := range map[string]map[string]any{
			"duplicate name": {"name": "维修班"},
			"unknown member": {"name": "安保", "member_ids": []int64{999999}},
			"unknown kind":   {"name": "安保", "areas": []map[string]any{{"kind": "floor", "value": "3"}}},
			"blank name":     {"name": "  "},
			"set an id":      {"name": "安保", "id": 5},
		} {
			resp := env.Post("/api/v1/teams", q.admin.Token, body)
			if name == "duplicate name" {
				apitest.Expect(t, resp, http.StatusConflict, "conflict")
			} else {
				apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
			}
		}
	})
	t.Run("members see their own teams, overseers every team", func(t *testing.T) {
		if got := teamNames(t, env, q.cleaner); !slices.Equal(got, []string{"保洁绿化"}) {
			t.Errorf("cleaner sees %v", got)
		}
		if got := teamNames(t, env, q.staff); len(got) != 0 {
			t.Errorf("staff sees %v", got)
		}
		for _, u := range []apitest.User{q.admin, q.desk, q.inspector} {
			if got := teamNames(t, env, u); len(got) != 2 {
				t.Errorf("%v sees %v", u.Roles, got)
			}
		}
		apitest.Expect(t, env.Get(teamPath, q.fixer.Token), http.StatusOK)
		apitest.Expect(t, env.Get(teamPath, q.cleaner.Token), http.StatusNotFound, "not_found")
	})
	t.Run("patching replaces members and keeps the lead", func(t *testing.T) {
		resp := env.Patch(teamPath, q.admin.Token, map[string]any{"member_ids": []int64{q.cleaner.ID}})
		apitest.Expect(t, resp, http.StatusOK)
		var tm handlers.TeamOut
		resp.JSON(t, &tm)
		if !slices.Equal(tm.MemberIDs, []int64{q.lead.ID, q.cleaner.ID}) || len(tm.Areas) != 2 {
			t.Fatalf("%+v", tm)
		}
		resp = env.Patch(teamPath, q.admin.Token, map[string]any{"lead_id": 0, "member_ids": []int64{q.fixer.ID}, "areas": []any{}})
		apitest.Expect(t, resp, http.StatusOK)
		resp.JSON(t, &tm)
		if tm.LeadID != nil || !slices.Equal(tm.MemberIDs, []int64{q.fixer.ID}) || len(tm.Areas) != 0 {
			t.Fatalf("%+v", tm)
		}
		apitest.Expect(t, env.Patch("/api/v1/teams/999999", q.admin.Token, map[string]any{"name": "x"}), http.StatusNotFound, "not_found")
	})
}
