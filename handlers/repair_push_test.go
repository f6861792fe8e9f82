package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
)

// TestRepairPushesReachPhones follows one urgent request through the real
// delivery worker and firebase SDK to a fake FCM: each step reaches the
// phones of the people concerned, with the ticket in the text and the deep
// link the app opens; refused steps reach nobody.
func TestRepairPushesReachPhones(t *testing.T) {
	opt, ph := withPhones(t)
	d := newRepairDesk(t, opt)
	env := d.env
	desk2 := env.NewUser(store.RoleDispatcher)
	for tok, u := range map[string]apitest.User{"staff-phone": d.staff, "desk-phone": d.desk, "desk-pad": d.desk,
		"desk2-phone": desk2, "tech-phone": d.tech, "tech2-phone": d.tech2, "other-phone": d.other, "admin-phone": d.admin} {
		env.RegisterDevice(u, tok)
	}
	urgent := map[string]any{"category": "water", "location": "3号楼五楼东侧卫生间",
		"description": "水管爆裂，地面大量积水。", "priority": "urgent"}
	r := d.create(t, d.staff, urgent)
	id := fmt.Sprint(r.ID)
	link := func(status string) map[string]string {
		return map[string]string{"type": "repair", "id": id, "status": status, "ticket": r.Ticket}
	}
	collapse := "repair-" + id
	refused := func(t *testing.T, u apitest.User, action string, body any, status int, code string) {
		t.Helper()
		apitest.Expect(t, d.act(u, r.ID, action, body), status, code)
		expectPushes(t, ph.deliver(t, env), nil)
	}

	t.Run("a new request reaches every dispatcher's devices, urgently", func(t *testing.T) {
		desk := wantPush{title: []string{"新报修", r.Ticket}, body: []string{"紧急", "3号楼五楼东侧卫生间", "水管爆裂"},
			data: link("submitted"), channel: "houqin_repair", priority: "high"}
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"desk-phone": desk, "desk-pad": desk, "desk2-phone": desk})
	})
	t.Run("refused steps reach nobody", func(t *testing.T) {
		refused(t, d.staff, "assign", d.bodyFor("assign"), 403, "forbidden")
		refused(t, d.tech, "start", nil, 404, "not_found")
		refused(t, d.staff, "feedback", d.bodyFor("feedback"), 409, "invalid_transition")
		refused(t, d.desk, "assign", map[string]any{"technician_id": d.other.ID}, 400, "validation_failed")
	})
	t.Run("assigning reaches the technician and the requester", func(t *testing.T) {
		d.mustAct(t, d.desk, r.ID, "assign", d.bodyFor("assign"))
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{
			"tech-phone": {title: []string{"新派工单", r.Ticket}, body: []string{"紧急", "3号楼五楼东侧卫生间"},
				data: link("assigned"), channel: "houqin_repair", priority: "high"},
			"staff-phone": {title: []string{"报修已派工"}, body: []string{r.Ticket, "3号楼五楼东侧卫生间"},
				data: link("assigned"), channel: "houqin_repair", collapse: collapse, priority: "normal"},
		})
	})
	t.Run("reassigning reaches both technicians and the requester", func(t *testing.T) {
		d.mustAct(t, d.desk, r.ID, "assign", map[string]any{"technician_id": d.tech2.ID})
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{
			"tech2-phone": {title: []string{"新派工单", r.Ticket}, body: []string{"紧急", "3号楼五楼东侧卫生间"},
				data: link("assigned"), channel: "houqin_repair", priority: "high"},
			"tech-phone": {title: []string{"改派", r.Ticket}, body: []string{r.Ticket, "无需再处理"},
				data: link("assigned"), channel: "houqin_repair", priority: "normal"},
			"staff-phone": {title: []string{"报修已派工"}, body: []string{r.Ticket},
				data: link("assigned"), channel: "houqin_repair", collapse: collapse, priority: "normal"},
		})
	})
	t.Run("starting and resolving reach the requester", func(t *testing.T) {
		d.mustAct(t, d.tech2, r.ID, "start", nil)
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"staff-phone": {title: []string{"维修已开始"}, body: []string{r.Ticket},
			data: link("in_progress"), channel: "houqin_repair", collapse: collapse, priority: "normal"}})
		d.mustAct(t, d.tech2, r.ID, "resolve", map[string]any{"note": "更换三通阀门，已清理积水。"})
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"staff-phone": {title: []string{"维修已完成"},
			body: []string{r.Ticket, "更换三通阀门，已清理积水。请对本次服务进行评价"}, data: link("resolved"), channel: "houqin_repair", collapse: collapse, priority: "normal"}})
	})
	t.Run("a low score alerts every dispatcher", func(t *testing.T) {
		d.mustAct(t, d.staff, r.ID, "feedback", map[string]any{"attitude": 4, "quality": 2, "cleanliness": 3, "comment": "地面仍有积水"})
		desk := wantPush{title: []string{"差评提醒", r.Ticket}, body: []string{"质量2分", "留言：地面仍有积水。请优先回访"},
			data: link("closed"), channel: "houqin_repair", priority: "high"}
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"desk-phone": desk, "desk-pad": desk, "desk2-phone": desk})
	})
	t.Run("a closed request refuses more steps and sends nothing", func(t *testing.T) {
		refused(t, d.staff, "feedback", d.bodyFor("feedback"), 409, "invalid_transition")
		refused(t, d.desk, "assign", d.bodyFor("assign"), 409, "invalid_transition")
	})
}

// TestRepairPriorityLabels: the desk tells priorities apart at a glance,
// so the three labels a new request's notice starts with form a scale
// rather than two synonyms and an alarm.
func TestRepairPriorityLabels(t *testing.T) {
	d := newRepairDesk(t)
	for priority, label := range map[string]string{"low": "不急", "normal": "一般", "urgent": "紧急"} {
		body := map[string]any{"category": "water", "location": "2号楼一楼茶水间", "description": "水龙头滴水。", "priority": priority}
		r := d.create(t, d.staff, body)
		var found bool
		for _, n := range d.env.Inbox(d.desk.ID) {
			if n.Data["id"] == fmt.Sprint(r.ID) {
				found = true
				if !strings.HasPrefix(n.Body, label+"【") {
					t.Errorf("%s: the desk reads %q, want it to start with %q", priority, n.Body, label)
				}
			}
		}
		if !found {
			t.Fatalf("%s: no notice reached the desk", priority)
		}
	}
}
