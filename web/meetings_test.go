package web_test

import (
	"net/http"
	"net/url"
	"strconv"
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

// TestMeetingDayGridMovesAndPrints: the desk's day grid shows each
// booking across its half-hours, a booking moves to a free room (not to a
// busy one), and the day's services sheet lists what to prepare.
func TestMeetingDayGridMovesAndPrints(t *testing.T) {
	env := apitest.New(t)
	desk, staff := env.NewUser(store.RoleMeetingAdmin), env.NewUser(store.RoleStaff)
	first := approvalRoom(t, env, desk)
	resp := env.Post("/api/v1/rooms", desk.Token, map[string]any{"name": "2号楼小会议室", "building": "2号楼", "floor": 2,
		"capacity": 12, "requires_approval": true, "open_from": "08:00", "open_to": "21:00"})
	apitest.Expect(t, resp, http.StatusCreated)
	var second struct{ ID int64 }
	resp.JSON(t, &second)
	budget := bookPending(t, env, staff, first, "<i>财政局</i>预算会", 9)
	party := bookPending(t, env, staff, second.ID, "党组会", 14)
	day := store.DateOf(apitest.Epoch.Add(24*time.Hour), env.Store.Location)

	b := newBrowser(env)
	b.signIn(desk)
	p := b.get("/console/meetings/day?date=" + day.String())
	if p.Status != http.StatusOK {
		t.Fatalf("day grid %d:\n%s", p.Status, p.Body)
	}
	// 08:00–21:00 is 26 half-hours; each one-hour booking spans two of them.
	if n := strings.Count(p.Body, `colspan="2" class="busy pending"`); n != 2 {
		t.Errorf("%d bookings laid across two half-hours, want 2:\n%s", n, p.Body)
	}
	if !strings.Contains(p.Body, "&lt;i&gt;财政局&lt;/i&gt;预算会") || strings.Contains(p.Body, "<i>财政局") {
		t.Errorf("a title's markup is not escaped")
	}
	if p := b.get("/console/meetings/day?date=2026-13-01"); p.Status != http.StatusBadRequest {
		t.Errorf("a date that does not exist: %d", p.Status)
	}

	move := func(id, room int64) page {
		return b.post("/console/meetings/day", apitest.Path("/console/meetings/%d/move", id), url.Values{"room_id": {strconv.FormatInt(room, 10)}})
	}
	if p := move(budget, second.ID); p.Status != http.StatusSeeOther || !strings.Contains(p.Header.Get("Location"), "/console/meetings/day?date="+day.String()) {
		t.Fatalf("move: %d %s %s", p.Status, p.Header.Get("Location"), p.Body)
	}
	var got struct {
		RoomID int64 `json:"room_id"`
	}
	env.Get(apitest.Path("/api/v1/bookings/%d", budget), staff.Token).JSON(t, &got)
	if got.RoomID != second.ID {
		t.Errorf("after the move the booking is in room %d, want %d", got.RoomID, second.ID)
	}
	// The party committee holds the small room at 14:00; a booking at the
	// same hour cannot join it.
	clash := bookPending(t, env, staff, first, "区委办协调会", 14)
	if p := move(clash, second.ID); p.Status != http.StatusConflict || !strings.Contains(p.Body, `role="alert"`) {
		t.Errorf("a move into a busy room: %d\n%s", p.Status, p.Body)
	}
	if p := move(party, second.ID); p.Status != http.StatusBadRequest {
		t.Errorf("a move into its own room: %d", p.Status)
	}

	sheet := b.get("/console/meetings/sheet?date=" + day.String())
	if sheet.Status != http.StatusOK || !strings.Contains(sheet.Body, "会议服务单") || strings.Count(sheet.Body, `class="tick"`) != 3 {
		t.Fatalf("services sheet %d:\n%s", sheet.Status, sheet.Body)
	}
	if i, j := strings.Index(sheet.Body, "预算会"), strings.Index(sheet.Body, "党组会"); i < 0 || j < i {
		t.Errorf("the sheet is not in the order of rooms and hours")
	}

	other := newBrowser(env)
	other.signIn(env.NewUser(store.RoleDispatcher))
	for _, path := range []string{"/console/meetings/day", "/console/meetings/sheet"} {
		if p := other.get(path); p.Status != http.StatusForbidden {
			t.Errorf("dispatcher at %s: %d", path, p.Status)
		}
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
