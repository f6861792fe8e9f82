package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
)

// inspect records an inspection by q.inspector at the clock's now with one
// problem per team, due in a day.
func (q *quality) inspect(t *testing.T, teams ...handlers.TeamOut) handlers.InspectionDetailOut {
	t.Helper()
	now := q.env.Clock.Now()
	var problems []map[string]any
	for i, tm := range teams {
		problems = append(problems, map[string]any{"description": fmt.Sprintf("问题%d：洗手台水龙头滴水", i+1), "team_id": tm.ID,
			"deadline": now.Add(24 * time.Hour)})
	}
	resp := q.env.Post("/api/v1/inspections", q.inspector.Token, map[string]any{"at": now, "building": "1号楼", "floor": "3层",
		"area": "东侧卫生间", "kind": "spot", "off_hours": true, "problems": problems})
	apitest.Expect(t, resp, http.StatusCreated)
	var out handlers.InspectionDetailOut
	resp.JSON(t, &out)
	return out
}

func (q *quality) step(u apitest.User, id int64, act string, note string) *apitest.Response {
	var body any
	if note != "" {
		body = map[string]any{"note": note}
	}
	return q.env.Post(apitest.Path("/api/v1/inspection-problems/%d/%s", id, act), u.Token, body)
}

func (q *quality) mustStep(t *testing.T, u apitest.User, id int64, act, note string) handlers.InspectionProblemDetailOut {
	t.Helper()
	resp := q.step(u, id, act, note)
	apitest.Expect(t, resp, http.StatusOK)
	var out handlers.InspectionProblemDetailOut
	resp.JSON(t, &out)
	return out
}

func (q *quality) problemPhoto(u apitest.User, id int64) *apitest.Response {
	return postPhoto(q.env, u, apitest.Path("/api/v1/inspection-problems/%d/photos", id), jpegBytes)
}

func (q *quality) problems(t *testing.T, u apitest.User, query string) []handlers.InspectionProblemOut {
	t.Helper()
	resp := q.env.Get("/api/v1/inspection-problems?limit=100&"+query, u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var page handlers.List[handlers.InspectionProblemOut]
	resp.JSON(t, &page)
	return page.Items
}

// TestInspectionWorkflow follows a problem from the inspection to its
// verification, with every refusal on the way and the pushes at a fake FCM.
func TestInspectionWorkflow(t *testing.T) {
	opt, ph := withPhones(t)
	q := newQuality(t, opt)
	env := q.env
	for tok, u := range map[string]apitest.User{"inspector-phone": q.inspector, "inspector2-phone": q.inspector2, "lead-phone": q.lead,
		"fixer-phone": q.fixer, "cleaner-phone": q.cleaner, "staff-phone": q.staff, "desk-phone": q.desk} {
		env.RegisterDevice(u, tok)
	}
	ins := q.inspect(t, q.repairTeam, q.cleaningTeam)
	p := ins.Problems[0]
	link := func(status string) map[string]string {
		return map[string]string{"type": "inspection_problem", "id": fmt.Sprint(p.ID), "status": status}
	}
	path := apitest.Path("/api/v1/inspection-problems/%d", p.ID)

	t.Run("each team is pushed its problem", func(t *testing.T) {
		if p.Status != "open" || p.Team.Name != "维修班" || p.Place.Building != "1号楼" || ins.Counts.Problems != 2 || ins.Counts.Open != 2 {
			t.Fatalf("%+v", ins)
		}
		team := wantPush{title: []string{"督查问题待整改"}, body: []string{"1号楼3层东侧卫生间", "问题1"}, data: link("open"),
			channel: "houqin_quality", priority: "normal"}
		got := ph.deliver(t, env)
		if len(got["cleaner-phone"]) != 1 {
			t.Fatalf("cleaner got %v", got["cleaner-phone"])
		}
		delete(got, "cleaner-phone")
		expectPushes(t, got, map[string]wantPush{"lead-phone": team, "fixer-phone": team})
	})
	t.Run("strangers and other teams do not see it", func(t *testing.T) {
		for _, u := range []apitest.User{q.staff, q.cleaner, q.desk} {
			apitest.Expect(t, env.Get(path, u.Token), http.StatusNotFound, "not_found")
			apitest.Expect(t, q.step(u, p.ID, "fix", "已修好"), http.StatusNotFound, "not_found")
			apitest.Expect(t, q.problemPhoto(u, p.ID), http.StatusNotFound, "not_found")
		}
		apitest.Expect(t, env.Get(apitest.Path("/api/v1/inspections/%d", ins.ID), q.fixer.Token), http.StatusForbidden, "forbidden")
		apitest.Expect(t, env.Post("/api/v1/inspections", q.fixer.Token, map[string]any{}), http.StatusForbidden, "forbidden")
	})
	t.Run("the inspector adds what was found but does not fix", func(t *testing.T) {
		resp := q.problemPhoto(q.inspector, p.ID)
		apitest.Expect(t, resp, http.StatusCreated)
		var photo handlers.InspectionProblemPhotoOut
		resp.JSON(t, &photo)
		if photo.Stage != "found" {
			t.Fatalf("%+v", photo)
		}
		apitest.Expect(t, q.step(q.inspector, p.ID, "fix", "已修好"), http.StatusForbidden, "forbidden")
		apitest.Expect(t, q.step(q.inspector, p.ID, "verify", ""), http.StatusConflict, "invalid_transition")
	})
	t.Run("a fix needs a note and a photo of it", func(t *testing.T) {
		apitest.Expect(t, q.step(q.fixer, p.ID, "fix", ""), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, q.step(q.fixer, p.ID, "fix", "已更换阀芯"), http.StatusConflict, "conflict")
		expectPushes(t, ph.deliver(t, env), nil)
	})
	t.Run("the team fixes it and the inspector is pushed", func(t *testing.T) {
		resp := q.problemPhoto(q.fixer, p.ID)
		apitest.Expect(t, resp, http.StatusCreated)
		out := q.mustStep(t, q.fixer, p.ID, "fix", "已更换阀芯")
		if out.Status != "fixed" || *out.FixedByID != q.fixer.ID || len(out.Photos) != 2 || out.Photos[1].Stage != "fixed" {
			t.Fatalf("%+v", out)
		}
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"inspector-phone": {title: []string{"已整改"},
			body: []string{"问题1", "已更换阀芯"}, data: link("fixed"), channel: "houqin_quality", priority: "normal"}})
		apitest.Expect(t, q.step(q.lead, p.ID, "verify", ""), http.StatusForbidden, "forbidden")
		apitest.Expect(t, q.step(q.lead, p.ID, "fix", "再修"), http.StatusConflict, "invalid_transition")
		apitest.Expect(t, q.problemPhoto(q.lead, p.ID), http.StatusConflict, "invalid_transition")
	})
	t.Run("sent back, the team is pushed and needs a new photo", func(t *testing.T) {
		apitest.Expect(t, q.step(q.inspector2, p.ID, "send-back", ""), http.StatusBadRequest, "validation_failed")
		out := q.mustStep(t, q.inspector2, p.ID, "send-back", "台面仍有积水")
		if out.Status != "sent_back" || out.SendBackReason != "台面仍有积水" {
			t.Fatalf("%+v", out)
		}
		team := wantPush{title: []string{"被退回"}, body: []string{"台面仍有积水"}, data: link("sent_back"), channel: "houqin_quality", priority: "normal"}
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"lead-phone": team, "fixer-phone": team})
		q.advance(t, time.Minute)
		apitest.Expect(t, q.step(q.lead, p.ID, "fix", "已擦干台面"), http.StatusConflict, "conflict")
		apitest.Expect(t, q.problemPhoto(q.lead, p.ID), http.StatusCreated)
		q.mustStep(t, q.lead, p.ID, "fix", "已擦干台面")
		ph.deliver(t, env)
	})
	t.Run("verified, it is done", func(t *testing.T) {
		out := q.mustStep(t, q.inspector, p.ID, "verify", "")
		if out.Status != "verified" || *out.VerifiedByID != q.inspector.ID || out.Overdue {
			t.Fatalf("%+v", out)
		}
		for _, act := range []string{"verify", "send-back"} {
			apitest.Expect(t, q.step(q.inspector, p.ID, act, "x"), http.StatusConflict, "invalid_transition")
		}
		apitest.Expect(t, q.step(q.fixer, p.ID, "fix", "x"), http.StatusConflict, "invalid_transition")
		apitest.Expect(t, q.problemPhoto(q.inspector, p.ID), http.StatusConflict, "invalid_transition")
		expectPushes(t, ph.deliver(t, env), nil)
	})
	t.Run("photos are served to those who see the problem", func(t *testing.T) {
		d := q.mustGetProblem(t, q.fixer, p.ID)
		resp := env.Get(d.Photos[0].URL, q.fixer.Token)
		apitest.Expect(t, resp, http.StatusOK)
		if string(resp.Body) != string(jpegBytes) {
			t.Fatal("wrong bytes")
		}
		apitest.Expect(t, env.Get(d.Photos[0].URL, q.cleaner.Token), http.StatusNotFound, "not_found")
	})
}

func (q *quality) mustGetProblem(t *testing.T, u apitest.User, id int64) handlers.InspectionProblemDetailOut {
	t.Helper()
	resp := q.env.Get(apitest.Path("/api/v1/inspection-problems/%d", id), u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var out handlers.InspectionProblemDetailOut
	resp.JSON(t, &out)
	return out
}

func TestInspectionInputIsChecked(t *testing.T) {
	q := newQuality(t)
	now := q.env.Clock.Now()
	base := func(problem map[string]any) map[string]any {
		return map[string]any{"at": now, "building": "2号楼", "kind": "planned", "problems": []any{problem}}
	}
	for name, body := range map[string]map[string]any{
		"a past deadline":  base(map[string]any{"description": "x", "team_id": q.repairTeam.ID, "deadline": now.Add(-time.Hour)}),
		"an unknown team":  base(map[string]any{"description": "x", "team_id": 999999, "deadline": now.Add(time.Hour)}),
		"no description":   base(map[string]any{"description": " ", "team_id": q.repairTeam.ID, "deadline": now.Add(time.Hour)}),
		"a future date":    {"at": now.Add(2 * time.Hour), "building": "2号楼", "kind": "planned"},
		"an old date":      {"at": now.AddDate(-2, 0, 0), "building": "2号楼", "kind": "planned"},
		"a far deadline":   base(map[string]any{"description": "x", "team_id": q.repairTeam.ID, "deadline": now.AddDate(2, 0, 0)}),
		"an unknown kind":  {"at": now, "building": "2号楼", "kind": "night"},
		"a problem status": base(map[string]any{"description": "x", "team_id": q.repairTeam.ID, "deadline": now.Add(time.Hour), "status": "verified"}),
	} {
		t.Run(name, func(t *testing.T) {
			apitest.Expect(t, q.env.Post("/api/v1/inspections", q.inspector.Token, body), http.StatusBadRequest, "validation_failed")
		})
	}
	resp := q.env.Post("/api/v1/inspections", q.inspector.Token, map[string]any{"at": now, "building": "2号楼", "kind": "planned"})
	apitest.Expect(t, resp, http.StatusCreated)
}

// TestInspectionOverdueOnce: a problem past its deadline pushes its team's
// lead once, whichever replica sweeps, and a fixed one nobody.
func TestInspectionOverdueOnce(t *testing.T) {
	opt, ph := withPhones(t)
	q := newQuality(t, opt)
	env := q.env
	env.RegisterDevice(q.lead, "lead-phone")
	env.RegisterDevice(q.fixer, "fixer-phone")
	env.RegisterDevice(q.cleaner, "cleaner-phone")
	ins := q.inspect(t, q.repairTeam, q.cleaningTeam)
	done := ins.Problems[1] // the cleaning team fixes theirs in time
	apitest.Expect(t, q.problemPhoto(q.cleaner, done.ID), http.StatusCreated)
	q.mustStep(t, q.cleaner, done.ID, "fix", "已清理")
	ph.deliver(t, env)
	other := env.Replica(opt)

	q.advance(t, 23*time.Hour)
	if n, err := env.Server.Inspections.FlagOverdue(context.Background()); err != nil || n != 0 {
		t.Fatalf("before the deadline: %d, %v", n, err)
	}
	q.advance(t, 2*time.Hour)
	total := 0
	for _, e := range []*apitest.Env{env, other, env} {
		n, err := e.Server.Inspections.FlagOverdue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != 1 {
		t.Fatalf("flagged %d times, want once", total)
	}
	expectPushes(t, ph.deliver(t, env), map[string]wantPush{"lead-phone": {title: []string{"逾期未整改"}, body: []string{"问题1"},
		data:    map[string]string{"type": "inspection_problem", "id": fmt.Sprint(ins.Problems[0].ID), "status": "open"},
		channel: "houqin_quality", priority: "high"}})
	if got := q.problems(t, q.inspector, "overdue=true"); len(got) != 1 || got[0].ID != ins.Problems[0].ID || !got[0].Overdue {
		t.Fatalf("overdue list: %+v", got)
	}
}

func TestInspectionLists(t *testing.T) {
	q := newQuality(t)
	env := q.env
	first := q.inspect(t, q.repairTeam, q.cleaningTeam)
	q.advance(t, 48*time.Hour)
	second := q.inspect(t, q.repairTeam)
	apitest.Expect(t, q.problemPhoto(q.fixer, second.Problems[0].ID), http.StatusCreated)
	q.mustStep(t, q.fixer, second.Problems[0].ID, "fix", "已修")

	ids := func(ps []handlers.InspectionProblemOut) []int64 {
		var out []int64
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	day := func(d time.Time) string { return d.In(env.Store.Location).Format(time.DateOnly) }
	for name, c := range map[string]struct {
		u     apitest.User
		query string
		want  []int64
	}{
		"inspectors see all":       {q.inspector, "", []int64{second.Problems[0].ID, first.Problems[1].ID, first.Problems[0].ID}},
		"members see their team's": {q.cleaner, "", []int64{first.Problems[1].ID}},
		"another team's is empty":  {q.cleaner, apitest.Path("team_id=%d", q.repairTeam.ID), nil},
		"staff see none":           {q.staff, "", nil},
		"by team":                  {q.inspector, apitest.Path("team_id=%d", q.repairTeam.ID), []int64{second.Problems[0].ID, first.Problems[0].ID}},
		"by status":                {q.lead, "status=fixed", []int64{second.Problems[0].ID}},
		"overdue":                  {q.inspector, "overdue=true", []int64{first.Problems[1].ID, first.Problems[0].ID}},
		"not overdue":              {q.inspector, "overdue=false", []int64{second.Problems[0].ID}},
		"by the inspection's date": {q.inspector, "from=" + day(apitest.Epoch) + "&to=" + day(apitest.Epoch), []int64{first.Problems[1].ID, first.Problems[0].ID}},
	} {
		t.Run(name, func(t *testing.T) {
			if got := ids(q.problems(t, c.u, c.query)); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	t.Run("inspections carry their counts", func(t *testing.T) {
		resp := env.Get("/api/v1/inspections", q.inspector.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var page handlers.List[handlers.InspectionOut]
		resp.JSON(t, &page)
		if len(page.Items) != 2 {
			t.Fatalf("%+v", page)
		}
		want := []handlers.InspectionCountsOut{{Problems: 1, Fixed: 1}, {Problems: 2, Open: 2, Overdue: 2}}
		for i, w := range want {
			if page.Items[i].Counts != w {
				t.Errorf("inspection %d: %+v, want %+v", page.Items[i].ID, page.Items[i].Counts, w)
			}
		}
	})
	t.Run("bad filters are refused", func(t *testing.T) {
		for _, query := range []string{"status=done", "overdue=maybe", "to=2026-12-01", "from=2026-01-01&to=2027-12-01"} {
			apitest.Expect(t, env.Get("/api/v1/inspection-problems?"+query, q.inspector.Token), http.StatusBadRequest, "validation_failed")
		}
	})
	t.Run("dates are the centre's days, not UTC's", func(t *testing.T) {
		early := time.Date(2026, 12, 1, 7, 0, 0, 0, env.Store.Location) // 30 November in UTC
		resp := env.Post("/api/v1/inspections", q.inspector.Token, map[string]any{"at": early, "building": "2号楼", "floor": "1层",
			"area": "大厅", "kind": "planned", "off_hours": true, "problems": []map[string]any{
				{"description": "门禁失灵", "team_id": q.repairTeam.ID, "deadline": env.Store.Now().Add(24 * time.Hour)}}})
		apitest.Expect(t, resp, http.StatusCreated)
		var out handlers.InspectionDetailOut
		resp.JSON(t, &out)
		id := out.Problems[0].ID
		if got := ids(q.problems(t, q.inspector, "from=2026-12-01&to=2026-12-01")); !slices.Contains(got, id) {
			t.Errorf("1 December at 07:00 is not listed on 1 December: %v", got)
		}
		if got := ids(q.problems(t, q.inspector, "from=2026-11-30&to=2026-11-30")); slices.Contains(got, id) {
			t.Errorf("1 December at 07:00 is listed on 30 November: %v", got)
		}
	})
}
