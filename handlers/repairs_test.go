package handlers_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/notify"
	"houqin/models/repair"
	"houqin/models/store"
)

// repairDesk is a running service with the people of one repair.
type repairDesk struct {
	env                *apitest.Env
	staff, other, desk apitest.User
	tech, tech2, admin apitest.User
}

func newRepairDesk(t *testing.T, opts ...apitest.Option) *repairDesk {
	t.Helper()
	env := apitest.New(t, opts...)
	return &repairDesk{env: env,
		staff: env.NewUser(), other: env.NewUser(), desk: env.NewUser(store.RoleDispatcher),
		tech: env.NewUser(store.RoleTechnician), tech2: env.NewUser(store.RoleTechnician),
		admin: env.NewUser(store.RoleAdmin)}
}

var acRepair = map[string]any{"category": "air_conditioning", "location": "1号楼三楼第一会议室",
	"description": "空调不制冷，出风口有异响。", "priority": "normal"}

func (d *repairDesk) create(t *testing.T, u apitest.User, body map[string]any) handlers.RepairDetailOut {
	t.Helper()
	resp := d.env.Post("/api/v1/repairs", u.Token, body)
	apitest.Expect(t, resp, 201)
	var out handlers.RepairDetailOut
	resp.JSON(t, &out)
	return out
}

func (d *repairDesk) act(u apitest.User, id int64, action string, body any) *apitest.Response {
	return d.env.Post(apitest.Path("/api/v1/repairs/%d/%s", id, action), u.Token, body)
}

func (d *repairDesk) mustAct(t *testing.T, u apitest.User, id int64, action string, body any) handlers.RepairDetailOut {
	t.Helper()
	resp := d.act(u, id, action, body)
	apitest.Expect(t, resp, 200)
	var out handlers.RepairDetailOut
	resp.JSON(t, &out)
	return out
}

func (d *repairDesk) get(t *testing.T, u apitest.User, id int64) handlers.RepairDetailOut {
	t.Helper()
	resp := d.env.Get(apitest.Path("/api/v1/repairs/%d", id), u.Token)
	apitest.Expect(t, resp, 200)
	var out handlers.RepairDetailOut
	resp.JSON(t, &out)
	return out
}

// bodyFor is a valid body for each action.
func (d *repairDesk) bodyFor(action string) any {
	switch action {
	case "assign":
		return map[string]any{"technician_id": d.tech.ID}
	case "resolve":
		return map[string]any{"note": "更换回风滤网，制冷恢复正常。"}
	case "feedback", "callback":
		return map[string]any{"attitude": 5, "quality": 4, "cleanliness": 5}
	case "cancel", "reject", "reopen":
		return map[string]any{"reason": "测试原因"}
	}
	return nil
}

// reach files a request as staff and walks it to status.
func (d *repairDesk) reach(t *testing.T, status string) int64 {
	t.Helper()
	id := d.create(t, d.staff, acRepair).ID
	path := map[string][]struct {
		u      apitest.User
		action string
	}{
		"submitted":   nil,
		"assigned":    {{d.desk, "assign"}},
		"in_progress": {{d.desk, "assign"}, {d.tech, "start"}},
		"resolved":    {{d.desk, "assign"}, {d.tech, "start"}, {d.tech, "resolve"}},
		"closed":      {{d.desk, "assign"}, {d.tech, "start"}, {d.tech, "resolve"}, {d.staff, "feedback"}},
		"cancelled":   {{d.desk, "assign"}, {d.staff, "cancel"}},
		"rejected":    {{d.desk, "assign"}, {d.desk, "reject"}},
	}[status]
	for _, s := range path {
		d.mustAct(t, s.u, id, s.action, d.bodyFor(s.action))
	}
	return id
}

// advance moves the clock and signs everyone in again (tokens live 15 minutes).
func (d *repairDesk) advance(dur time.Duration) {
	d.env.Clock.Advance(dur)
	for _, u := range []*apitest.User{&d.staff, &d.other, &d.desk, &d.tech, &d.tech2, &d.admin} {
		token, err := d.env.Server.Tokens.Issue(u.ID)
		if err != nil {
			d.env.T.Fatal(err)
		}
		u.Token = token
	}
}

func inboxTypes(env *apitest.Env, userID int64) []string {
	var types []string
	for _, n := range env.Inbox(userID) {
		types = append(types, n.Type)
	}
	return types
}

func TestRepairLifecycle(t *testing.T) {
	d := newRepairDesk(t)
	env := d.env
	// A phone for the requester, so pushes are queued in the outbox.
	if err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.Create(&notify.Device{UserID: d.staff.ID, Token: "fcm-token-staff", Platform: "android", LastSeenAt: tx.Now}).Error
	}); err != nil {
		t.Fatal(err)
	}

	r := d.create(t, d.staff, acRepair)
	if !regexp.MustCompile(`^BX-20261201-\d{4}$`).MatchString(r.Ticket) {
		t.Errorf("ticket %q is not BX-YYYYMMDD-NNNN", r.Ticket)
	}
	if r.Status != repair.RepairSubmitted || r.Requester.ID != d.staff.ID || r.EnteredBy.ID != d.staff.ID || r.Technician != nil {
		t.Errorf("new repair: %+v", r.RepairOut)
	}
	if !r.RespondBy.Equal(apitest.Epoch.Add(2*time.Hour)) || !r.DueAt.Equal(apitest.Epoch.Add(24*time.Hour)) {
		t.Errorf("promises respond_by %v due_at %v, want +2h and +24h", r.RespondBy, r.DueAt)
	}
	if got := inboxTypes(env, d.desk.ID); len(got) != 1 || got[0] != "repair.created" {
		t.Errorf("desk inbox %v, want one repair.created", got)
	}
	if n := env.Inbox(d.desk.ID)[0]; !strings.Contains(n.Title, r.Ticket) || n.Data["id"] != fmt.Sprint(r.ID) || n.Data["type"] != "repair" {
		t.Errorf("desk notice %+v lacks the ticket or deep link", n)
	}
	if len(env.Inbox(d.staff.ID)) != 0 {
		t.Error("the requester was told about their own report")
	}

	steps := []struct {
		name   string
		u      apitest.User
		action string
		want   repair.RepairStatus
		tech   []string // new notices of the technician
	}{
		{"dispatcher assigns", d.desk, "assign", repair.RepairAssigned, []string{"repair.assigned"}},
		{"technician starts", d.tech, "start", repair.RepairInProgress, nil},
		{"technician resolves", d.tech, "resolve", repair.RepairResolved, nil},
		{"requester reopens", d.staff, "reopen", repair.RepairAssigned, []string{"repair.reopened"}},
		{"technician starts again", d.tech, "start", repair.RepairInProgress, nil},
		{"technician resolves again", d.tech, "resolve", repair.RepairResolved, nil},
		{"requester rates", d.staff, "feedback", repair.RepairClosed, nil},
	}
	requesterNotices := 0
	for _, s := range steps {
		techBefore := len(env.Inbox(d.tech.ID))
		out := d.mustAct(t, s.u, r.ID, s.action, d.bodyFor(s.action))
		if out.Status != s.want {
			t.Fatalf("%s: status %s, want %s", s.name, out.Status, s.want)
		}
		if s.u.ID != d.staff.ID {
			requesterNotices++
		}
		inbox := env.Inbox(d.staff.ID)
		if len(inbox) != requesterNotices {
			t.Fatalf("%s: requester has %d notices, want %d", s.name, len(inbox), requesterNotices)
		}
		if s.u.ID != d.staff.ID && (inbox[0].Data["status"] != string(s.want) || !strings.Contains(inbox[0].Body, r.Ticket)) {
			t.Errorf("%s: requester notice %+v", s.name, inbox[0])
		}
		techInbox := inboxTypes(env, d.tech.ID)
		if got := techInbox[:len(techInbox)-techBefore]; strings.Join(got, ",") != strings.Join(s.tech, ",") {
			t.Errorf("%s: technician got %v, want %v", s.name, got, s.tech)
		}
	}

	final := d.get(t, d.staff, r.ID)
	if final.Feedback == nil || final.Feedback.Attitude != 5 || final.Feedback.Source != "requester" || final.ClosedAt == nil {
		t.Errorf("closed repair: %+v", final.RepairOut)
	}
	if final.Technician == nil || final.Technician.ID != d.tech.ID || final.ResolutionNote == "" {
		t.Errorf("technician or note missing: %+v", final.RepairOut)
	}
	wantActions := "create,assign,start,resolve,reopen,start,resolve,feedback"
	var actions []string
	prev := repair.RepairStatus("")
	for _, e := range final.Events {
		actions = append(actions, string(e.Action))
		if e.FromStatus != prev {
			t.Errorf("event %d goes from %s, but the one before ended in %s", e.ID, e.FromStatus, prev)
		}
		prev = e.ToStatus
	}
	if strings.Join(actions, ",") != wantActions {
		t.Errorf("timeline %v, want %s", actions, wantActions)
	}
	if final.Events[1].Technician == nil || final.Events[1].Technician.ID != d.tech.ID || final.Events[1].Actor.ID != d.desk.ID {
		t.Errorf("assign event: %+v", final.Events[1])
	}

	// Every notice of the requester was queued for their phone, in the same
	// transaction as the change.
	var jobs []notify.OutboxJob
	env.Store.Read(context.Background()).Where("notification_id IN (SELECT id FROM notifications WHERE user_id = ?)", d.staff.ID).Find(&jobs)
	if len(jobs) != requesterNotices {
		t.Errorf("%d outbox jobs for the requester, want %d", len(jobs), requesterNotices)
	}
	for _, j := range jobs {
		if j.Status != notify.OutboxPending || j.CollapseKey != fmt.Sprintf("repair-%d", r.ID) || j.TTLSeconds <= 0 {
			t.Errorf("outbox job %+v", j)
		}
	}
}

func TestRepairEnteredByTheDesk(t *testing.T) {
	d := newRepairDesk(t)
	body := map[string]any{"category": "water", "location": "2号楼五楼东侧卫生间", "description": "下水管漏水",
		"priority": "urgent", "requester_id": d.staff.ID}
	r := d.create(t, d.desk, body)
	if r.Requester.ID != d.staff.ID || r.EnteredBy.ID != d.desk.ID || r.ContactPhone != d.staff.Phone {
		t.Errorf("hotline entry: requester %+v entered_by %+v phone %q", r.Requester, r.EnteredBy, r.ContactPhone)
	}
	if !r.RespondBy.Equal(apitest.Epoch.Add(30*time.Minute)) || !r.DueAt.Equal(apitest.Epoch.Add(4*time.Hour)) {
		t.Errorf("urgent promises %v / %v, want +30m / +4h", r.RespondBy, r.DueAt)
	}
	if got := inboxTypes(d.env, d.staff.ID); len(got) != 1 || got[0] != "repair.created" {
		t.Errorf("the caller was not told their report was taken: %v", got)
	}
	d.get(t, d.staff, r.ID) // the caller sees it as theirs
	var page handlers.List[handlers.RepairOut]
	d.env.Get("/api/v1/repairs", d.staff.Token).JSON(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("the caller lists %d requests, want 1", len(page.Items))
	}
	if e := page.Items[0].EnteredBy; e.ID != d.desk.ID || e.Name != d.desk.Name {
		t.Errorf("the list names entered_by %+v, want %d %q", *e, d.desk.ID, d.desk.Name)
	}
	d.mustAct(t, d.staff, r.ID, "cancel", map[string]any{"reason": "已自行处理"})

	t.Run("staff cannot file for someone else", func(t *testing.T) {
		body["requester_id"] = d.other.ID
		apitest.Expect(t, d.env.Post("/api/v1/repairs", d.staff.Token, body), 403, "forbidden")
	})
	t.Run("the requester must be an active user", func(t *testing.T) {
		body["requester_id"] = 999999
		apitest.Expect(t, d.env.Post("/api/v1/repairs", d.desk.Token, body), 400, "validation_failed")
	})
	t.Run("tickets count up per day and restart the next day", func(t *testing.T) {
		a := d.create(t, d.staff, acRepair)
		b := d.create(t, d.staff, acRepair)
		if a.Ticket != "BX-20261201-0002" || b.Ticket != "BX-20261201-0003" {
			t.Errorf("tickets %s, %s", a.Ticket, b.Ticket)
		}
		d.advance(24 * time.Hour)
		if c := d.create(t, d.staff, acRepair); c.Ticket != "BX-20261202-0001" {
			t.Errorf("next day's first ticket %s", c.Ticket)
		}
	})
}

// TestRepairTransitions tries every action from every state, done by
// someone allowed to do it: only the workflow table's pairs succeed.
func TestRepairTransitions(t *testing.T) {
	d := newRepairDesk(t)
	allowed := map[string]map[string]repair.RepairStatus{
		"submitted":   {"assign": "assigned", "cancel": "cancelled", "reject": "rejected"},
		"assigned":    {"assign": "assigned", "start": "in_progress", "cancel": "cancelled", "reject": "rejected"},
		"in_progress": {"assign": "assigned", "resolve": "resolved"},
		"resolved":    {"feedback": "closed", "callback": "closed", "reopen": "assigned"},
	}
	by := map[string]apitest.User{"assign": d.desk, "start": d.tech, "resolve": d.tech, "feedback": d.staff,
		"callback": d.desk, "cancel": d.staff, "reject": d.desk, "reopen": d.desk}
	for _, from := range []string{"submitted", "assigned", "in_progress", "resolved", "closed", "cancelled", "rejected"} {
		for _, action := range []string{"assign", "start", "resolve", "feedback", "callback", "cancel", "reject", "reopen"} {
			t.Run(from+" "+action, func(t *testing.T) {
				id := d.reach(t, from)
				body := d.bodyFor(action)
				if action == "assign" {
					body = map[string]any{"technician_id": d.tech2.ID} // a reassignment where there is a technician
				}
				resp := d.act(by[action], id, action, body)
				want, ok := allowed[from][action]
				if from == "submitted" && by[action].ID == d.tech.ID {
					// No technician yet: to every technician it does not exist.
					apitest.Expect(t, resp, 404, "not_found")
					return
				}
				if !ok {
					apitest.Expect(t, resp, 409, "invalid_transition")
					if got := d.get(t, d.desk, id); string(got.Status) != from {
						t.Errorf("a refused %s moved the repair to %s", action, got.Status)
					}
					return
				}
				apitest.Expect(t, resp, 200)
				var out handlers.RepairDetailOut
				resp.JSON(t, &out)
				if out.Status != want {
					t.Errorf("status %s, want %s", out.Status, want)
				}
			})
		}
	}
	t.Run("the requester may reopen too", func(t *testing.T) {
		id := d.reach(t, "resolved")
		if out := d.mustAct(t, d.staff, id, "reopen", d.bodyFor("reopen")); out.Status != "assigned" {
			t.Errorf("status %s", out.Status)
		}
	})
	t.Run("reassigning to the same technician is a conflict", func(t *testing.T) {
		id := d.reach(t, "assigned")
		apitest.Expect(t, d.act(d.desk, id, "assign", d.bodyFor("assign")), 409, "conflict")
	})
}

func TestRepairRoleBoundaries(t *testing.T) {
	d := newRepairDesk(t)
	mine := d.reach(t, "assigned") // staff's, assigned to tech
	cases := []struct {
		name   string
		u      func() apitest.User
		action string
		status int
		code   string
	}{
		{"another staff member cannot cancel it", func() apitest.User { return d.other }, "cancel", 404, "not_found"},
		{"another staff member cannot assign", func() apitest.User { return d.other }, "assign", 404, "not_found"},
		{"the requester cannot assign", func() apitest.User { return d.staff }, "assign", 403, "forbidden"},
		{"the requester cannot start", func() apitest.User { return d.staff }, "start", 403, "forbidden"},
		{"another technician cannot start it", func() apitest.User { return d.tech2 }, "start", 404, "not_found"},
		{"the dispatcher cannot start for the technician", func() apitest.User { return d.desk }, "start", 403, "forbidden"},
		{"the dispatcher cannot cancel for the requester", func() apitest.User { return d.desk }, "cancel", 403, "forbidden"},
		{"the technician cannot reject", func() apitest.User { return d.tech }, "reject", 403, "forbidden"},
		{"the technician cannot rate", func() apitest.User { return d.tech }, "feedback", 403, "forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			apitest.Expect(t, d.act(c.u(), mine, c.action, d.bodyFor(c.action)), c.status, c.code)
		})
	}
	t.Run("another staff member cannot read it", func(t *testing.T) {
		resp := d.env.Get(apitest.Path("/api/v1/repairs/%d", mine), d.other.Token)
		apitest.Expect(t, resp, 404, "not_found")
		if strings.Contains(string(resp.Body), "空调") {
			t.Error("the refusal leaks the request")
		}
	})
	t.Run("lists show only what each may see", func(t *testing.T) {
		othersID := d.create(t, d.other, acRepair).ID
		want := map[string]struct {
			u   apitest.User
			ids []int64
		}{
			"staff":       {d.staff, []int64{mine}},
			"other":       {d.other, []int64{othersID}},
			"technician":  {d.tech, []int64{mine}},
			"technician2": {d.tech2, nil},
			"dispatcher":  {d.desk, []int64{othersID, mine}},
			"admin":       {d.admin, []int64{othersID, mine}},
		}
		for who, w := range want {
			var page handlers.List[handlers.RepairOut]
			resp := d.env.Get("/api/v1/repairs", w.u.Token)
			apitest.Expect(t, resp, 200)
			resp.JSON(t, &page)
			var got []int64
			for _, r := range page.Items {
				got = append(got, r.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(w.ids) && !(len(got) == 0 && len(w.ids) == 0) {
				t.Errorf("%s sees %v, want %v", who, got, w.ids)
			}
		}
	})
	t.Run("a reassigned technician loses the job", func(t *testing.T) {
		out := d.mustAct(t, d.desk, mine, "assign", map[string]any{"technician_id": d.tech2.ID})
		// The timeline still names the first technician it was given to.
		for _, e := range out.Events {
			if e.Action == repair.RepairAssign && (e.Technician == nil || e.Technician.Name == "") {
				t.Errorf("assign step %d names technician %+v", e.ID, e.Technician)
			}
		}
		apitest.Expect(t, d.env.Get(apitest.Path("/api/v1/repairs/%d", mine), d.tech.Token), 404, "not_found")
		if got := inboxTypes(d.env, d.tech.ID); got[0] != "repair.unassigned" {
			t.Errorf("the old technician was not told: %v", got)
		}
		d.mustAct(t, d.tech2, mine, "start", nil)
	})
	t.Run("statistics are for the desk", func(t *testing.T) {
		for _, u := range []apitest.User{d.staff, d.tech} {
			apitest.Expect(t, d.env.Get("/api/v1/repairs/stats", u.Token), 403, "forbidden")
		}
		apitest.Expect(t, d.env.Get("/api/v1/repairs/stats", d.admin.Token), 200)
	})
	t.Run("only admins change the time promises", func(t *testing.T) {
		body := map[string]any{"targets": []map[string]any{{"priority": "urgent", "response_minutes": 15, "resolution_minutes": 120}}}
		apitest.Expect(t, d.env.Put("/api/v1/repairs/targets", d.desk.Token, body), 403, "forbidden")
		apitest.Expect(t, d.env.Put("/api/v1/repairs/targets", d.admin.Token, body), 200)
		urgent := map[string]any{"category": "lift", "location": "4号楼2号电梯", "description": "困人", "priority": "urgent"}
		if r := d.create(t, d.staff, urgent); !r.RespondBy.Equal(r.CreatedAt.Add(15 * time.Minute)) {
			t.Errorf("new target not applied: %v", r.RespondBy.Sub(r.CreatedAt))
		}
	})
	t.Run("no token, no access", func(t *testing.T) {
		apitest.Expect(t, d.env.Get("/api/v1/repairs", ""), 401, "unauthorized")
	})
}

func TestRepairValidation(t *testing.T) {
	d := newRepairDesk(t)
	id := d.reach(t, "submitted")
	cases := []struct {
		name, path string
		u          apitest.User
		body       any
		field      string
	}{
		{"unknown category", "/api/v1/repairs", d.staff, map[string]any{"category": "plumbing", "location": "x", "description": "y"}, "category"},
		{"blank location", "/api/v1/repairs", d.staff, map[string]any{"category": "water", "location": "  ", "description": "y"}, "location"},
		{"status cannot be set", "/api/v1/repairs", d.staff, map[string]any{"category": "water", "location": "x", "description": "y", "status": "closed"}, "status"},
		{"bad priority", "/api/v1/repairs", d.staff, map[string]any{"category": "water", "location": "x", "description": "y", "priority": "asap"}, "priority"},
		{"a phone of letters", "/api/v1/repairs", d.staff, map[string]any{"category": "water", "location": "x", "description": "y", "contact_phone": "8631abc"}, "contact_phone"},
		{"a description too long", "/api/v1/repairs", d.staff, map[string]any{"category": "water", "location": "x", "description": strings.Repeat("漏", 2001)}, "description"},
		{"assign to a non-technician", apitest.Path("/api/v1/repairs/%d/assign", id), d.desk, map[string]any{"technician_id": d.other.ID}, "technician_id"},
		{"reject without a reason", apitest.Path("/api/v1/repairs/%d/reject", id), d.desk, map[string]any{"reason": ""}, "reason"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := d.env.Post(c.path, c.u.Token, c.body)
			apitest.Expect(t, resp, 400, "validation_failed")
			if !strings.Contains(string(resp.Body), `"field":"`+c.field+`"`) {
				t.Errorf("error does not name %s: %s", c.field, resp.Body)
			}
		})
	}
	t.Run("scores are 1 to 5", func(t *testing.T) {
		rid := d.reach(t, "resolved")
		resp := d.act(d.staff, rid, "feedback", map[string]any{"attitude": 6, "quality": 0, "cleanliness": 3})
		apitest.Expect(t, resp, 400, "validation_failed")
		for _, f := range []string{"attitude", "quality"} {
			if !strings.Contains(string(resp.Body), `"field":"`+f+`"`) {
				t.Errorf("error does not name %s: %s", f, resp.Body)
			}
		}
		if strings.Contains(string(resp.Body), `"field":"cleanliness"`) {
			t.Errorf("a good score is named: %s", resp.Body)
		}
	})
	t.Run("unknown list filters values are refused", func(t *testing.T) {
		apitest.Expect(t, d.env.Get("/api/v1/repairs?status=done", d.desk.Token), 400, "validation_failed")
		apitest.Expect(t, d.env.Get("/api/v1/repairs?overdue=maybe", d.desk.Token), 400, "validation_failed")
	})
}

func TestRepairOverdue(t *testing.T) {
	d := newRepairDesk(t)
	env := d.env
	urgent := map[string]any{"category": "lift", "location": "4号楼2号电梯", "description": "电梯门关不上", "priority": "urgent"}
	r := d.create(t, d.staff, urgent)
	calm := d.create(t, d.staff, acRepair) // normal: 2 h to respond
	overdueNotices := func() int {
		n := 0
		for _, typ := range inboxTypes(env, d.desk.ID) {
			if typ == "repair.overdue" {
				n++
			}
		}
		return n
	}
	flag := func(want int) {
		t.Helper()
		n, err := env.Server.Repairs.FlagOverdue(context.Background())
		if err != nil || n != want {
			t.Fatalf("flagged %d (%v), want %d", n, err, want)
		}
	}

	flag(0)
	d.advance(31 * time.Minute)
	if got := d.get(t, d.desk, r.ID); !got.Overdue {
		t.Error("an urgent request unassigned after 31 minutes is not overdue")
	}
	if got := d.get(t, d.desk, calm.ID); got.Overdue {
		t.Error("a normal request is overdue after 31 minutes")
	}
	var page handlers.List[handlers.RepairOut]
	resp := env.Get("/api/v1/repairs?overdue=true", d.desk.Token)
	apitest.Expect(t, resp, 200)
	resp.JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != r.ID {
		t.Errorf("overdue list %+v", page.Items)
	}

	flag(1)
	flag(0) // told once
	if n := overdueNotices(); n != 1 {
		t.Fatalf("%d overdue notices, want 1", n)
	}
	if n := env.Inbox(d.desk.ID)[0]; !strings.Contains(n.Body, r.Ticket) || n.Data["id"] != fmt.Sprint(r.ID) {
		t.Errorf("overdue notice %+v", n)
	}

	// Assigning sets the next promise (resolution, 4 h from filing).
	if got := d.mustAct(t, d.desk, r.ID, "assign", d.bodyFor("assign")); got.Overdue {
		t.Error("still overdue after assignment within the resolution time")
	}
	d.advance(4 * time.Hour)
	flag(2) // the urgent one missed its resolution; the normal one its response
	if n := overdueNotices(); n != 3 {
		t.Errorf("%d overdue notices, want 3", n)
	}
	d.mustAct(t, d.tech, r.ID, "start", nil)
	if got := d.mustAct(t, d.tech, r.ID, "resolve", d.bodyFor("resolve")); got.Overdue {
		t.Error("a resolved request is still overdue")
	}
}

func TestRepairLowScoreAlertsTheDesk(t *testing.T) {
	d := newRepairDesk(t)
	for _, c := range []struct {
		name   string
		scores map[string]any
		alert  bool
	}{
		{"happy requester", map[string]any{"attitude": 5, "quality": 4, "cleanliness": 3}, false},
		{"one score of 2", map[string]any{"attitude": 5, "quality": 2, "cleanliness": 5, "comment": "还是有点漏"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := d.reach(t, "resolved")
			before := len(d.env.Inbox(d.desk.ID))
			d.mustAct(t, d.staff, id, "feedback", c.scores)
			inbox := d.env.Inbox(d.desk.ID)
			alerted := len(inbox) > before && inbox[0].Type == "repair.low_score"
			if alerted != c.alert {
				t.Errorf("desk alerted %v, want %v (%v)", alerted, c.alert, inboxTypes(d.env, d.desk.ID))
			}
		})
	}
}

func TestRepairListFilters(t *testing.T) {
	d := newRepairDesk(t)
	assigned := d.reach(t, "assigned")
	submitted := d.reach(t, "submitted")
	water := d.create(t, d.other, map[string]any{"category": "water", "location": "2号楼", "description": "漏水"}).ID
	d.advance(48 * time.Hour)
	later := d.create(t, d.desk, acRepair).ID

	cases := []struct {
		query string
		u     apitest.User
		want  []int64
	}{
		{"status=submitted", d.desk, []int64{later, water, submitted}},
		{"status=assigned,in_progress", d.desk, []int64{assigned}},
		{"category=water", d.desk, []int64{water}},
		{apitest.Path("technician_id=%d", d.tech.ID), d.desk, []int64{assigned}},
		{"mine=true", d.desk, []int64{later}},
		{"mine=true", d.tech, []int64{assigned}},
		{"from=2026-12-03", d.desk, []int64{later}},
		{"to=2026-12-01", d.desk, []int64{water, submitted, assigned}},
		{"status=submitted&overdue=true", d.desk, []int64{water, submitted}},
		{"overdue=false", d.desk, []int64{later}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			resp := d.env.Get("/api/v1/repairs?"+c.query, c.u.Token)
			apitest.Expect(t, resp, 200)
			var page handlers.List[handlers.RepairOut]
			resp.JSON(t, &page)
			var got []int64
			for _, r := range page.Items {
				got = append(got, r.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	t.Run("cursor pages through everything once", func(t *testing.T) {
		var seen []int64
		cursor := ""
		for range 10 {
			resp := d.env.Get("/api/v1/repairs?limit=3&cursor="+cursor, d.desk.Token)
			apitest.Expect(t, resp, 200)
			var page handlers.List[handlers.RepairOut]
			resp.JSON(t, &page)
			for _, r := range page.Items {
				seen = append(seen, r.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if fmt.Sprint(seen) != fmt.Sprint([]int64{later, water, submitted, assigned}) {
			t.Errorf("paged %v", seen)
		}
	})
}
