package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/store"
)

func TestMeetingDeskApproves(t *testing.T) {
	env := apitest.New(t)
	desk, staff := env.NewUser(store.RoleMeetingAdmin), env.NewUser(store.RoleStaff)
	roomID := approvalRoom(t, env, desk)
	first, second := bookPending(t, env, staff, roomID, "发改局月度工作例会", 9), bookPending(t, env, staff, roomID, "<b>财政局</b>预算会", 14)

	b := newBrowser(env)
	b.signIn(desk)
	p := b.get("/console/meetings")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "发改局月度工作例会") || !strings.Contains(p.Body, "&lt;b&gt;财政局&lt;/b&gt;预算会") {
		t.Fatalf("approvals queue %d:\n%s", p.Status, p.Body)
	}
	// Each shows the other as what holds the room that day.
	if strings.Count(p.Body, "（待审批）") != 2 {
		t.Errorf("the room's other bookings are not shown:\n%s", p.Body)
	}
	if p := b.post("/console/meetings", apitest.Path("/console/meetings/%d/reject", second), url.Values{"reason": {" "}}); p.Status != http.StatusBadRequest {
		t.Errorf("a rejection without a reason: %d", p.Status)
	}
	if p := b.post("/console/meetings", apitest.Path("/console/meetings/%d/approve", first), url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", p.Status, p.Body)
	}
	if p := b.post("/console/meetings", apitest.Path("/console/meetings/%d/approve", first), url.Values{}); p.Status != http.StatusConflict {
		t.Errorf("approving twice: %d", p.Status)
	}
	var got struct{ Status string }
	env.Get(apitest.Path("/api/v1/bookings/%d", first), staff.Token).JSON(t, &got)
	if got.Status != "approved" {
		t.Errorf("after approval the booking is %q", got.Status)
	}
	// The repair desk's dispatcher may not decide bookings.
	other := newBrowser(env)
	other.signIn(env.NewUser(store.RoleDispatcher))
	if p := other.get("/console/meetings"); p.Status != http.StatusForbidden {
		t.Errorf("dispatcher on the meeting desk: %d", p.Status)
	}
}

// approvalRoom adds a room whose bookings wait for the desk.
func approvalRoom(t *testing.T, env *apitest.Env, desk apitest.User) int64 {
	t.Helper()
	resp := env.Post("/api/v1/rooms", desk.Token, map[string]any{"name": "1号楼三楼第一会议室", "building": "1号楼", "floor": 3,
		"capacity": 20, "requires_approval": true, "open_from": "08:00", "open_to": "21:00"})
	apitest.Expect(t, resp, http.StatusCreated)
	var r struct{ ID int64 }
	resp.JSON(t, &r)
	return r.ID
}

// bookPending books the room for an hour from hour tomorrow and returns the
// pending booking's id.
func bookPending(t *testing.T, env *apitest.Env, staff apitest.User, roomID int64, title string, hour int) int64 {
	t.Helper()
	day := apitest.Epoch.Add(24 * time.Hour).In(env.Store.Location)
	start := time.Date(day.Year(), day.Month(), day.Day(), hour, 0, 0, 0, env.Store.Location)
	resp := env.Post("/api/v1/bookings", staff.Token, map[string]any{"room_id": roomID, "title": title,
		"start_at": start.Format(time.RFC3339), "end_at": start.Add(time.Hour).Format(time.RFC3339), "attendees": 10, "services": []string{"tea"}})
	apitest.Expect(t, resp, http.StatusCreated)
	var b struct{ ID int64 }
	resp.JSON(t, &b)
	return b.ID
}
