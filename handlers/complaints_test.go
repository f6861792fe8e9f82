package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/people"
	"houqin/models/store"
)

// filer is a staff member with a name of their own, so a test can look for
// it anywhere the team could read.
func (q *quality) filer(t *testing.T) apitest.User {
	t.Helper()
	u := q.env.NewUser()
	u.Name = "欧阳明远"
	err := q.env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.Model(&people.User{}).Where("id = ?", u.ID).Update("name", u.Name).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (q *quality) file(t *testing.T, u apitest.User, body map[string]any) handlers.ComplaintDetailOut {
	t.Helper()
	resp := q.env.Post("/api/v1/complaints", u.Token, body)
	apitest.Expect(t, resp, http.StatusCreated)
	var out handlers.ComplaintDetailOut
	resp.JSON(t, &out)
	return out
}

func (q *quality) act(u apitest.User, id int64, act string, body any) *apitest.Response {
	return q.env.Post(apitest.Path("/api/v1/complaints/%d/%s", id, act), u.Token, body)
}

func (q *quality) mustAct(t *testing.T, u apitest.User, id int64, act string, body any) handlers.ComplaintDetailOut {
	t.Helper()
	resp := q.act(u, id, act, body)
	apitest.Expect(t, resp, http.StatusOK)
	var out handlers.ComplaintDetailOut
	resp.JSON(t, &out)
	return out
}

func (q *quality) complaints(t *testing.T, u apitest.User, query string) []handlers.ComplaintOut {
	t.Helper()
	resp := q.env.Get("/api/v1/complaints?limit=100&"+query, u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var page handlers.List[handlers.ComplaintOut]
	resp.JSON(t, &page)
	return page.Items
}

// TestComplaintWorkflow follows an anonymous urgent complaint from the box
// to its acceptance: who may do each step, the pushes at a fake FCM, and
// that its team never learns who filed it.
func TestComplaintWorkflow(t *testing.T) {
	opt, ph := withPhones(t)
	q := newQuality(t, opt)
	env := q.env
	filer := q.filer(t)
	desk2 := env.NewUser(store.RoleDispatcher)
	for tok, u := range map[string]apitest.User{"filer-phone": filer, "desk-phone": q.desk, "desk2-phone": desk2,
		"cleaner-phone": q.cleaner, "lead-phone": q.lead, "staff-phone": q.staff} {
		env.RegisterDevice(u, tok)
	}
	resp := env.Post("/api/v1/repairs", filer.Token, acRepair)
	apitest.Expect(t, resp, http.StatusCreated)
	var rep handlers.RepairDetailOut
	resp.JSON(t, &rep)
	ph.deliver(t, env)

	c := q.file(t, filer, map[string]any{"area": "environment", "kind": "complaint", "text": "三楼卫生间地面长期湿滑，无人清理。",
		"anonymous": true, "urgent": true, "link": map[string]any{"kind": "repair", "id": rep.ID}})
	link := func(status string) map[string]string {
		return map[string]string{"type": "complaint", "id": fmt.Sprint(c.ID), "status": status}
	}
	path := apitest.Path("/api/v1/complaints/%d", c.ID)
	var teamSaw []string // every text the team was given

	t.Run("filed, the desk is pushed on the green channel", func(t *testing.T) {
		if c.Status != "submitted" || c.Filer == nil || c.Filer.ID != filer.ID || c.Link == nil || !c.DueAt.Equal(env.Clock.Now().Add(2*time.Hour)) {
			t.Fatalf("%+v", c)
		}
		desk := wantPush{title: []string{"绿色通道", "投诉", "环境卫生"}, body: []string{"地面长期湿滑"}, data: link("submitted"),
			channel: "houqin_quality", priority: "high"}
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"desk-phone": desk, "desk2-phone": desk})
	})
	t.Run("no team sees it before it is assigned, nor a stranger ever", func(t *testing.T) {
		for _, u := range []apitest.User{q.cleaner, q.lead, q.staff} {
			apitest.Expect(t, env.Get(path, u.Token), http.StatusNotFound, "not_found")
			apitest.Expect(t, q.act(u, c.ID, "reply", map[string]any{"text": "x"}), http.StatusNotFound, "not_found")
		}
		apitest.Expect(t, q.act(filer, c.ID, "assign", map[string]any{"team_id": q.cleaningTeam.ID}), http.StatusForbidden, "forbidden")
		apitest.Expect(t, q.act(filer, c.ID, "accept", nil), http.StatusConflict, "invalid_transition")
		apitest.Expect(t, q.act(q.desk, c.ID, "assign", map[string]any{"team_id": 999999}), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, q.act(q.desk, c.ID, "assign", map[string]any{}), http.StatusBadRequest, "validation_failed")
	})
	t.Run("assigned, the team is pushed and sees no filer", func(t *testing.T) {
		q.mustAct(t, q.desk, c.ID, "assign", map[string]any{"team_id": q.cleaningTeam.ID})
		got := ph.deliver(t, env)
		expectPushes(t, got, map[string]wantPush{"cleaner-phone": {title: []string{"待答复"}, body: []string{"地面长期湿滑"},
			data: link("routed"), channel: "houqin_quality", priority: "high"}})
		for _, m := range got["cleaner-phone"] {
			teamSaw = append(teamSaw, m.Notification.Title, m.Notification.Body, fmt.Sprint(m.Data))
		}
		resp := env.Get(path, q.cleaner.Token)
		apitest.Expect(t, resp, http.StatusOK)
		teamSaw = append(teamSaw, string(resp.Body))
		var seen handlers.ComplaintDetailOut
		resp.JSON(t, &seen)
		if seen.Filer != nil || seen.Link != nil || seen.Team == nil || seen.Team.Name != "保洁绿化" {
			t.Errorf("the team sees %+v", seen)
		}
		list := q.complaints(t, q.cleaner, "")
		if len(list) != 1 || list[0].Filer != nil || list[0].Link != nil {
			t.Errorf("the team's list: %+v", list)
		}
		teamSaw = append(teamSaw, fmt.Sprint(list))
		if d := q.mustGet(t, q.desk, c.ID); d.Filer == nil || d.Filer.Name != "欧阳明远" || d.Link == nil {
			t.Errorf("the desk sees %+v", d)
		}
		if d := q.mustGet(t, q.admin, c.ID); d.Filer == nil {
			t.Errorf("an admin sees %+v", d)
		}
	})
	t.Run("only the team replies, and the filer is pushed the reply", func(t *testing.T) {
		apitest.Expect(t, q.act(q.desk, c.ID, "reply", map[string]any{"text": "x"}), http.StatusForbidden, "forbidden")
		apitest.Expect(t, q.act(q.cleaner, c.ID, "reply", map[string]any{"text": " "}), http.StatusBadRequest, "validation_failed")
		apitest.Expect(t, q.act(q.cleaner, c.ID, "accept", nil), http.StatusForbidden, "forbidden")
		out := q.mustAct(t, q.cleaner, c.ID, "reply", map[string]any{"text": "已安排每小时巡查拖地，并放置防滑垫。"})
		if out.Status != "replied" || out.Filer != nil || out.RepliedAt == nil {
			t.Fatalf("%+v", out)
		}
		teamSaw = append(teamSaw, fmt.Sprint(out))
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"filer-phone": {title: []string{"您的投诉已答复"},
			body: []string{"防滑垫"}, data: link("replied"), channel: "houqin_quality", priority: "normal"}})
	})
	t.Run("the filer reopens once and the team is pushed", func(t *testing.T) {
		apitest.Expect(t, q.act(q.cleaner, c.ID, "reopen", map[string]any{"text": "x"}), http.StatusForbidden, "forbidden")
		apitest.Expect(t, q.act(filer, c.ID, "reopen", map[string]any{}), http.StatusBadRequest, "validation_failed")
		out := q.mustAct(t, filer, c.ID, "reopen", map[string]any{"text": "今天地面仍然湿滑。"})
		if out.Status != "reopened" || !out.Reopened || out.Overdue {
			t.Fatalf("%+v", out)
		}
		got := ph.deliver(t, env)
		expectPushes(t, got, map[string]wantPush{"cleaner-phone": {title: []string{"重新打开"}, body: []string{"仍然湿滑"},
			data: link("reopened"), channel: "houqin_quality", priority: "high"}})
		for _, m := range got["cleaner-phone"] {
			teamSaw = append(teamSaw, m.Notification.Title, m.Notification.Body, fmt.Sprint(m.Data))
		}
		q.mustAct(t, q.cleaner, c.ID, "reply", map[string]any{"text": "已更换地面排水地漏。"})
		ph.deliver(t, env)
		apitest.Expect(t, q.act(filer, c.ID, "reopen", map[string]any{"text": "还是不行"}), http.StatusConflict, "invalid_transition")
	})
	t.Run("accepted, it is closed", func(t *testing.T) {
		out := q.mustAct(t, filer, c.ID, "accept", nil)
		if out.Status != "accepted" || out.ClosedAt == nil {
			t.Fatalf("%+v", out)
		}
		for _, act := range []string{"accept", "reply", "assign"} {
			u := map[string]apitest.User{"accept": filer, "reply": q.cleaner, "assign": q.desk}[act]
			apitest.Expect(t, q.act(u, c.ID, act, map[string]any{"text": "x", "team_id": q.repairTeam.ID}), http.StatusConflict, "invalid_transition")
		}
		expectPushes(t, ph.deliver(t, env), nil)
	})
	t.Run("nothing the team received names the filer", func(t *testing.T) {
		for _, n := range env.Inbox(q.cleaner.ID) {
			teamSaw = append(teamSaw, n.Title, n.Body, fmt.Sprint(n.Data))
		}
		for _, text := range teamSaw {
			for _, secret := range []string{"欧阳明远", filer.Username, rep.Ticket} {
				if strings.Contains(text, secret) {
					t.Errorf("the team read %q in %s", secret, text)
				}
			}
		}
	})
	t.Run("the filer sees only their own", func(t *testing.T) {
		if got := q.complaints(t, filer, "mine=true"); len(got) != 1 || got[0].Filer == nil {
			t.Errorf("%+v", got)
		}
		if got := q.complaints(t, q.staff, ""); len(got) != 0 {
			t.Errorf("a stranger sees %+v", got)
		}
		if got := q.complaints(t, q.lead, ""); len(got) != 0 {
			t.Errorf("another team sees %+v", got)
		}
	})
}

func (q *quality) mustGet(t *testing.T, u apitest.User, id int64) handlers.ComplaintDetailOut {
	t.Helper()
	resp := q.env.Get(apitest.Path("/api/v1/complaints/%d", id), u.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var out handlers.ComplaintDetailOut
	resp.JSON(t, &out)
	return out
}

func TestComplaintNamedFilerIsShownToTheTeam(t *testing.T) {
	q := newQuality(t)
	filer := q.filer(t)
	c := q.file(t, filer, map[string]any{"area": "canteen", "kind": "suggestion", "text": "希望增加素食窗口。"})
	q.mustAct(t, q.desk, c.ID, "assign", map[string]any{"team_id": q.cleaningTeam.ID})
	if got := q.mustGet(t, q.cleaner, c.ID); got.Filer == nil || got.Filer.Name != "欧阳明远" {
		t.Fatalf("%+v", got)
	}
}

func TestComplaintLinksAndPhotos(t *testing.T) {
	q := newQuality(t)
	env := q.env
	filer := q.filer(t)
	resp := env.Post("/api/v1/repairs", q.staff.Token, acRepair)
	apitest.Expect(t, resp, http.StatusCreated)
	var theirs handlers.RepairDetailOut
	resp.JSON(t, &theirs)
	for name, l := range map[string]map[string]any{
		"someone else's repair": {"kind": "repair", "id": theirs.ID},
		"a missing dish":        {"kind": "dish", "id": 999999},
		"a missing booking":     {"kind": "booking", "id": 999999},
		"an unknown kind":       {"kind": "room", "id": 1},
	} {
		t.Run(name, func(t *testing.T) {
			apitest.Expect(t, env.Post("/api/v1/complaints", filer.Token, map[string]any{"area": "repairs", "kind": "complaint",
				"text": "x", "link": l}), http.StatusBadRequest, "validation_failed")
		})
	}
	t.Run("the filer alone adds photos, the team sees them", func(t *testing.T) {
		c := q.file(t, filer, map[string]any{"area": "repairs", "kind": "complaint", "text": "维修后天花板未复原。", "anonymous": true})
		photos := apitest.Path("/api/v1/complaints/%d/photos", c.ID)
		apitest.Expect(t, postPhoto(env, filer, photos, jpegBytes), http.StatusCreated)
		apitest.Expect(t, postPhoto(env, q.cleaner, photos, jpegBytes), http.StatusNotFound, "not_found")
		q.mustAct(t, q.desk, c.ID, "assign", map[string]any{"team_id": q.cleaningTeam.ID})
		apitest.Expect(t, postPhoto(env, q.cleaner, photos, jpegBytes), http.StatusForbidden, "forbidden")
		apitest.Expect(t, postPhoto(env, q.desk, photos, jpegBytes), http.StatusForbidden, "forbidden")
		d := q.mustGet(t, q.cleaner, c.ID)
		if len(d.Photos) != 1 || d.PhotoCount != 1 {
			t.Fatalf("%+v", d)
		}
		got := env.Get(d.Photos[0].URL, q.cleaner.Token)
		apitest.Expect(t, got, http.StatusOK)
		if string(got.Body) != string(jpegBytes) {
			t.Error("wrong bytes")
		}
		apitest.Expect(t, env.Get(d.Photos[0].URL, q.staff.Token), http.StatusNotFound, "not_found")
	})
}

// TestComplaintReplyPromises: 2 hours on the green channel, else two
// working days of the service calendar.
func TestComplaintReplyPromises(t *testing.T) {
	q := newQuality(t)
	env := q.env
	loc := env.Store.Location
	at := func(day string, hour int) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, day, loc)
		return d.Add(time.Duration(hour) * time.Hour)
	}
	for _, cal := range []struct{ date, kind string }{{"2026-12-10", "holiday"}, {"2026-12-12", "workday"}} {
		body := map[string]any{"kind": cal.kind}
		if cal.kind == "workday" {
			body["runs_as"] = 1
		}
		apitest.Expect(t, env.Put("/api/v1/shuttle/calendar/"+cal.date, q.admin.Token, body), http.StatusOK)
	}
	for _, c := range []struct {
		name   string
		filed  time.Time
		urgent bool
		due    time.Time
	}{
		{"urgent: two hours", at("2026-12-01", 9), true, at("2026-12-01", 11)},
		{"Tuesday: Thursday", at("2026-12-01", 9), false, at("2026-12-03", 9)},
		{"Friday: Tuesday", at("2026-12-04", 16), false, at("2026-12-08", 16)},
		{"Saturday: Tuesday", at("2026-12-05", 10), false, at("2026-12-08", 10)},
		{"over a holiday and a moved workday", at("2026-12-09", 9), false, at("2026-12-12", 9)},
	} {
		t.Run(c.name, func(t *testing.T) {
			env.Clock.Set(c.filed)
			q.advance(t, 0)
			got := q.file(t, q.staff, map[string]any{"area": "other", "kind": "complaint", "text": "x", "urgent": c.urgent})
			if !got.DueAt.Equal(c.due) {
				t.Errorf("due %s, want %s", got.DueAt.In(loc), c.due)
			}
		})
	}
}

// TestComplaintOverdueOnce: a late reply alerts the desk once, whichever
// replica sweeps; reopening promises anew.
func TestComplaintOverdueOnce(t *testing.T) {
	opt, ph := withPhones(t)
	q := newQuality(t, opt)
	env := q.env
	env.RegisterDevice(q.desk, "desk-phone")
	other := env.Replica(opt)
	c := q.file(t, q.staff, map[string]any{"area": "shuttle", "kind": "complaint", "text": "班车今早晚点二十分钟。", "urgent": true})
	ph.deliver(t, env)
	sweep := func(want int) {
		t.Helper()
		total := 0
		for _, e := range []*apitest.Env{env, other, env} {
			n, err := e.Server.Complaints.FlagOverdue(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			total += n
		}
		if total != want {
			t.Fatalf("flagged %d, want %d", total, want)
		}
	}
	q.advance(t, 119*time.Minute)
	sweep(0)
	q.advance(t, 2*time.Minute)
	if got := q.mustGet(t, q.desk, c.ID); !got.Overdue {
		t.Errorf("not overdue: %+v", got)
	}
	sweep(1)
	expectPushes(t, ph.deliver(t, env), map[string]wantPush{"desk-phone": {title: []string{"答复超时"}, body: []string{"晚点二十分钟"},
		data: map[string]string{"type": "complaint", "id": fmt.Sprint(c.ID), "status": "submitted"}, channel: "houqin_quality", priority: "high"}})
	if got := q.complaints(t, q.desk, "overdue=true"); len(got) != 1 {
		t.Errorf("overdue list: %+v", got)
	}

	q.mustAct(t, q.desk, c.ID, "assign", map[string]any{"team_id": q.repairTeam.ID})
	q.mustAct(t, q.lead, c.ID, "reply", map[string]any{"text": "已提醒驾驶员提前发车。"})
	sweep(0)
	q.mustAct(t, q.staff, c.ID, "reopen", map[string]any{"text": "今天又晚了。"})
	q.advance(t, 121*time.Minute)
	sweep(1)
}
