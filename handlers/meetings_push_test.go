package handlers_test

import (
	"context"
	"fmt"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
)

// TestBookingPushesReachPhones follows bookings of a room that needs
// approval through the real delivery worker and firebase SDK to a fake FCM:
// the desk hears of requests, organisers of decisions and of their meeting
// starting in 30 minutes, with room, date and title in the text; refused
// actions reach nobody.
func TestBookingPushesReachPhones(t *testing.T) {
	opt, ph := withPhones(t)
	m := newMeetings(t, opt)
	desk2 := m.env.NewUser(store.RoleMeetingAdmin)
	for tok, u := range map[string]apitest.User{"desk-phone": m.desk, "desk2-phone": desk2, "staff-phone": m.staff, "other-phone": m.other} {
		m.env.RegisterDevice(u, tok)
	}
	r := m.room(t, "1号楼三楼第一会议室", map[string]any{"requires_approval": true})
	path := func(id int64, action string) string { return apitest.Path("/api/v1/bookings/%d/%s", id, action) }
	link := func(id int64, status string) map[string]string {
		return map[string]string{"type": "booking", "id": fmt.Sprint(id), "status": status}
	}
	booking := func(title ...string) wantPush {
		return wantPush{title: title, body: []string{"1号楼三楼第一会议室", "发改局月度工作例会"}, channel: "houqin_booking", priority: "normal"}
	}
	with := func(p wantPush, data map[string]string, body ...string) wantPush {
		p.data, p.body = data, append(p.body, body...)
		return p
	}
	nothing := func(t *testing.T) {
		t.Helper()
		expectPushes(t, ph.deliver(t, m.env), nil)
	}

	b := m.mustBook(t, m.staff, r.ID, meetingAt(1, 14, 0), meetingAt(1, 16, 0), nil)
	t.Run("a booking awaiting approval reaches every desk phone", func(t *testing.T) {
		desk := with(booking("待审批"), link(b.ID, "pending"), "12月02日 14:00")
		expectPushes(t, ph.deliver(t, m.env), map[string]wantPush{"desk-phone": desk, "desk2-phone": desk})
	})
	t.Run("refused decisions reach nobody", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(path(b.ID, "approve"), m.staff.Token, nil), 403, "forbidden")
		apitest.Expect(t, m.env.Post(path(b.ID, "reject"), m.desk.Token, map[string]any{}), 400, "validation_failed")
		nothing(t)
	})
	t.Run("approval reaches the organiser", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(path(b.ID, "approve"), m.desk.Token, nil), 200)
		expectPushes(t, ph.deliver(t, m.env), map[string]wantPush{
			"staff-phone": with(booking("已通过"), link(b.ID, "approved"), "12月02日 14:00", "已通过审批")})
		apitest.Expect(t, m.env.Post(path(b.ID, "approve"), m.desk.Token, nil), 409, "invalid_transition")
		nothing(t)
	})
	t.Run("rejection reaches the organiser with the reason", func(t *testing.T) {
		p := m.mustBook(t, m.other, r.ID, meetingAt(2, 9, 0), meetingAt(2, 10, 0), nil)
		desk := with(booking("待审批"), link(p.ID, "pending"), "12月03日 09:00")
		expectPushes(t, ph.deliver(t, m.env), map[string]wantPush{"desk-phone": desk, "desk2-phone": desk})
		apitest.Expect(t, m.env.Post(path(p.ID, "reject"), m.desk.Token, map[string]any{"reason": "当天用于区政府常务会议"}), 200)
		expectPushes(t, ph.deliver(t, m.env), map[string]wantPush{
			"other-phone": with(booking("未通过"), link(p.ID, "rejected"), "12月03日 09:00", "当天用于区政府常务会议")})
	})
	t.Run("the organiser is reminded 30 minutes before, once, until the start", func(t *testing.T) {
		m.at(t, meetingAt(1, 13, 30))
		if n, err := m.env.Server.Meetings.RemindBookings(context.Background()); err != nil || n != 1 {
			t.Fatalf("reminded %d, %v; want 1", n, err)
		}
		remind := with(booking("会议即将开始"), link(b.ID, "approved"), "12月02日 14:00", "30分钟后开始")
		remind.ttl = "1800s" // "starts in 30 minutes" is wrong once it has started
		expectPushes(t, ph.deliver(t, m.env), map[string]wantPush{"staff-phone": remind})
		if n, err := m.env.Server.Meetings.RemindBookings(context.Background()); err != nil || n != 0 {
			t.Fatalf("reminded again: %d, %v", n, err)
		}
		nothing(t)
	})
	t.Run("a reminder still queued at the start is dropped", func(t *testing.T) {
		free := m.room(t, "1号楼一楼西侧会议室", nil)
		m.mustBook(t, m.other, free.ID, meetingAt(1, 15, 0), meetingAt(1, 16, 0), nil) // approved at once: no push
		m.at(t, meetingAt(1, 14, 30))
		if n, err := m.env.Server.Meetings.RemindBookings(context.Background()); err != nil || n != 1 {
			t.Fatalf("reminded %d, %v; want 1", n, err)
		}
		m.at(t, meetingAt(1, 15, 0))
		nothing(t)
		if !inboxHas(m.env, m.other.ID, "booking.reminder") {
			t.Error("the reminder is not in the inbox")
		}
	})
}
