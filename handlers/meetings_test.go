package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"houqin/api/apitest"
	"houqin/demo"
	"houqin/models/meeting"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

var meetingZone, _ = time.LoadLocation("Asia/Shanghai")

// meetingAt is hh:mm on the day `days` after apitest.Epoch (Tue 1 Dec 2026, 09:00 local).
func meetingAt(days, hh, mm int) time.Time {
	return time.Date(2026, 12, 1+days, hh, mm, 0, 0, meetingZone)
}

func meetingTS(t time.Time) string { return t.Format(time.RFC3339) }

type roomJSON struct {
	ID               int64    `json:"id"`
	Name             string   `json:"name"`
	Capacity         int      `json:"capacity"`
	Equipment        []string `json:"equipment"`
	RequiresApproval bool     `json:"requires_approval"`
	RequiresCheckIn  bool     `json:"requires_check_in"`
	Active           bool     `json:"active"`
	HorizonDays      int      `json:"horizon_days"`
}

type bookingJSON struct {
	ID          int64      `json:"id"`
	RoomID      int64      `json:"room_id"`
	RoomName    string     `json:"room_name"`
	OrganizerID int64      `json:"organizer_id"`
	SeriesID    *int64     `json:"series_id"`
	Title       string     `json:"title"`
	StartAt     time.Time  `json:"start_at"`
	EndAt       time.Time  `json:"end_at"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason"`
	Services    []string   `json:"services"`
	CheckedInAt *time.Time `json:"checked_in_at"`
	Occurrences []struct {
		ID      int64     `json:"id"`
		StartAt time.Time `json:"start_at"`
	} `json:"occurrences"`
}

type conflictProblem struct {
	Code      string `json:"code"`
	Conflicts []struct {
		Date    string    `json:"date"`
		StartAt time.Time `json:"start_at"`
		EndAt   time.Time `json:"end_at"`
	} `json:"conflicts"`
}

// meetings is a running service with the desk, two staff members and rooms.
type meetings struct {
	env          *apitest.Env
	desk         apitest.User
	staff, other apitest.User
}

func newMeetings(t testing.TB, opts ...apitest.Option) *meetings {
	t.Helper()
	env := apitest.New(t, opts...)
	return &meetings{env: env, desk: env.NewUser(store.RoleMeetingAdmin),
		staff: env.NewUser(store.RoleStaff), other: env.NewUser(store.RoleStaff)}
}

// room creates a room: 20 seats, projector and whiteboard, 08:00-21:00,
// then applies extra fields.
func (m *meetings) room(t testing.TB, name string, extra map[string]any) roomJSON {
	t.Helper()
	body := map[string]any{"name": name, "building": "1号楼", "floor": 3, "capacity": 20,
		"equipment": []string{"projector", "whiteboard"}, "requires_approval": false, "requires_check_in": false,
		"open_from": "08:00", "open_to": "21:00"}
	for k, v := range extra {
		body[k] = v
	}
	resp := m.env.Post("/api/v1/rooms", m.desk.Token, body)
	apitest.Expect(t, resp, 201)
	var r roomJSON
	resp.JSON(t, &r)
	return r
}

// at moves the clock to now and re-issues the users' access tokens, which
// would otherwise expire with the jump.
func (m *meetings) at(t testing.TB, now time.Time) {
	t.Helper()
	m.env.Clock.Set(now)
	for _, u := range []*apitest.User{&m.desk, &m.staff, &m.other} {
		token, err := m.env.Server.Tokens.Issue(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		u.Token = token
	}
}

func (m *meetings) book(t testing.TB, u apitest.User, roomID int64, start, end time.Time, extra map[string]any) *apitest.Response {
	t.Helper()
	body := map[string]any{"room_id": roomID, "title": "发改局月度工作例会", "start_at": meetingTS(start), "end_at": meetingTS(end),
		"attendees": 10, "services": []string{"tea"}}
	for k, v := range extra {
		body[k] = v
	}
	return m.env.Post("/api/v1/bookings", u.Token, body)
}

func (m *meetings) mustBook(t testing.TB, u apitest.User, roomID int64, start, end time.Time, extra map[string]any) bookingJSON {
	t.Helper()
	resp := m.book(t, u, roomID, start, end, extra)
	apitest.Expect(t, resp, 201)
	var b bookingJSON
	resp.JSON(t, &b)
	return b
}

func inboxTypesOf(env *apitest.Env, userID int64) []string {
	var types []string
	for _, n := range env.Inbox(userID) {
		types = append(types, n.Type)
	}
	return types
}

func inboxHas(env *apitest.Env, userID int64, typ string) bool {
	for _, x := range inboxTypesOf(env, userID) {
		if x == typ {
			return true
		}
	}
	return false
}

func TestRoomAdministration(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "1号楼三楼第一会议室", map[string]any{"requires_approval": true})
	if r.HorizonDays != 90 || !r.Active || !r.RequiresApproval {
		t.Fatalf("room defaults: %+v", r)
	}
	t.Run("staff cannot add rooms", func(t *testing.T) {
		resp := m.env.Post("/api/v1/rooms", m.staff.Token, map[string]any{"name": "x", "building": "1号楼", "capacity": 5, "open_from": "08:00", "open_to": "21:00"})
		apitest.Expect(t, resp, 403, "forbidden")
	})
	t.Run("names are unique", func(t *testing.T) {
		resp := m.env.Post("/api/v1/rooms", m.desk.Token, map[string]any{"name": "1号楼三楼第一会议室", "building": "1号楼", "capacity": 5, "open_from": "08:00", "open_to": "21:00"})
		apitest.Expect(t, resp, 409, "conflict")
	})
	for name, body := range map[string]map[string]any{
		"closing before opening": {"open_from": "21:00", "open_to": "08:00"},
		"unknown equipment":      {"equipment": []string{"espresso_machine"}},
		"bad clock time":         {"open_from": "8h00"},
		"no capacity":            {"capacity": 0},
	} {
		t.Run("rejects "+name, func(t *testing.T) {
			req := map[string]any{"name": "测试会议室 " + name, "building": "2号楼", "capacity": 5, "open_from": "08:00", "open_to": "21:00"}
			for k, v := range body {
				req[k] = v
			}
			apitest.Expect(t, m.env.Post("/api/v1/rooms", m.desk.Token, req), 400, "validation_failed")
		})
	}
	t.Run("out of service rooms are hidden from staff", func(t *testing.T) {
		resp := m.env.Patch(apitest.Path("/api/v1/rooms/%d", r.ID), m.desk.Token, map[string]any{"active": false, "capacity": 80})
		apitest.Expect(t, resp, 200)
		var got roomJSON
		resp.JSON(t, &got)
		if got.Active || got.Capacity != 80 {
			t.Fatalf("patched room: %+v", got)
		}
		apitest.Expect(t, m.env.Get(apitest.Path("/api/v1/rooms/%d", r.ID), m.staff.Token), 404, "not_found")
		apitest.Expect(t, m.env.Get(apitest.Path("/api/v1/rooms/%d", r.ID), m.desk.Token), 200)
		apitest.Expect(t, m.env.Patch(apitest.Path("/api/v1/rooms/%d", r.ID), m.staff.Token, map[string]any{"active": true}), 403, "forbidden")
		apitest.Expect(t, m.book(t, m.staff, r.ID, meetingAt(1, 9, 0), meetingAt(1, 10, 0), nil), 400, "validation_failed")
	})
}

func TestRoomSearch(t *testing.T) {
	m := newMeetings(t)
	small := m.room(t, "3号楼五楼小会议室", map[string]any{"capacity": 10, "equipment": []string{"whiteboard"}})
	big := m.room(t, "1号楼三楼第一会议室", map[string]any{"capacity": 60, "equipment": []string{"projector", "video_conference"}})
	early := m.room(t, "1号楼一楼西侧会议室", map[string]any{"capacity": 30, "open_to": "17:00"})
	m.mustBook(t, m.staff, big.ID, meetingAt(1, 9, 0), meetingAt(1, 10, 0), nil)

	search := func(t *testing.T, query string) []int64 {
		t.Helper()
		resp := m.env.Get("/api/v1/rooms?"+query, m.staff.Token)
		apitest.Expect(t, resp, 200)
		var page struct{ Items []roomJSON }
		resp.JSON(t, &page)
		var ids []int64
		for _, r := range page.Items {
			ids = append(ids, r.ID)
		}
		return ids
	}
	interval := func(from, to time.Time) string {
		return "from=" + url.QueryEscape(meetingTS(from)) + "&to=" + url.QueryEscape(meetingTS(to))
	}
	cases := []struct {
		name, query string
		want        []int64
	}{
		{"all rooms newest first", "", []int64{early.ID, big.ID, small.ID}},
		{"by capacity", "capacity=25", []int64{early.ID, big.ID}},
		{"by all of the equipment", "equipment=projector,video_conference", []int64{big.ID}},
		{"free for the whole interval", interval(meetingAt(1, 9, 30), meetingAt(1, 11, 0)), []int64{early.ID, small.ID}},
		{"a touching booking does not block", interval(meetingAt(1, 10, 0), meetingAt(1, 11, 0)), []int64{early.ID, big.ID, small.ID}},
		{"open for the whole interval", interval(meetingAt(1, 16, 0), meetingAt(1, 18, 0)), []int64{big.ID, small.ID}},
		{"combined", "capacity=20&" + interval(meetingAt(1, 8, 0), meetingAt(1, 9, 15)), []int64{early.ID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := search(t, c.query); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("got rooms %v, want %v", got, c.want)
			}
		})
	}
	for name, q := range map[string]string{
		"from without to":   "from=" + url.QueryEscape(meetingTS(meetingAt(1, 9, 0))),
		"to before from":    interval(meetingAt(1, 10, 0), meetingAt(1, 9, 0)),
		"not a time":        "from=tomorrow&to=later",
		"unknown equipment": "equipment=teleporter",
		"across days":       interval(meetingAt(1, 20, 0), meetingAt(2, 9, 0)),
	} {
		t.Run("rejects "+name, func(t *testing.T) {
			apitest.Expect(t, m.env.Get("/api/v1/rooms?"+q, m.staff.Token), 400, "validation_failed")
		})
	}
}

func TestBookingRules(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "1号楼一楼西侧会议室", map[string]any{"horizon_days": 30})
	b := m.mustBook(t, m.staff, r.ID, meetingAt(1, 9, 0), meetingAt(1, 10, 30), map[string]any{"services": []string{"projector", "tea", "tea"}})
	if b.Status != "approved" || b.RoomName != r.Name || b.OrganizerID != m.staff.ID || fmt.Sprint(b.Services) != "[projector tea]" {
		t.Fatalf("booking: %+v", b)
	}
	if _, off := b.StartAt.Zone(); off != 8*3600 {
		t.Fatalf("start_at should be in the site zone: %v", b.StartAt)
	}
	cases := []struct {
		name       string
		start, end time.Time
		extra      map[string]any
		field      string
	}{
		{"in the past", meetingAt(0, 8, 0), meetingAt(0, 8, 30), nil, "start_at"},
		{"beyond the room's horizon", meetingAt(31, 9, 0), meetingAt(31, 10, 0), nil, "start_at"},
		{"shorter than 15 minutes", meetingAt(2, 9, 0), meetingAt(2, 9, 14), nil, "end_at"},
		{"ending before it starts", meetingAt(2, 10, 0), meetingAt(2, 9, 0), nil, "end_at"},
		{"before opening", meetingAt(2, 7, 30), meetingAt(2, 9, 0), nil, "start_at"},
		{"after closing", meetingAt(2, 20, 0), meetingAt(2, 21, 30), nil, "start_at"},
		{"across midnight", meetingAt(2, 20, 0), meetingAt(3, 9, 0), nil, "start_at"},
		{"not whole minutes", meetingAt(2, 9, 0).Add(30 * time.Second), meetingAt(2, 10, 0), nil, "start_at"},
		{"more attendees than seats", meetingAt(2, 9, 0), meetingAt(2, 10, 0), map[string]any{"attendees": 21}, "attendees"},
		{"an unknown service", meetingAt(2, 9, 0), meetingAt(2, 10, 0), map[string]any{"services": []string{"massage"}}, "services"},
		{"a service the room lacks", meetingAt(2, 9, 0), meetingAt(2, 10, 0), map[string]any{"services": []string{"video_conference"}}, "services"},
		{"no title", meetingAt(2, 9, 0), meetingAt(2, 10, 0), map[string]any{"title": ""}, "title"},
		{"a field nobody may set", meetingAt(2, 9, 0), meetingAt(2, 10, 0), map[string]any{"status": "approved"}, "status"},
	}
	for _, c := range cases {
		t.Run("rejects "+c.name, func(t *testing.T) {
			resp := m.book(t, m.staff, r.ID, c.start, c.end, c.extra)
			apitest.Expect(t, resp, 400, "validation_failed")
			if !strings.Contains(string(resp.Body), `"field":"`+c.field+`"`) {
				t.Fatalf("want an error on %s: %s", c.field, resp.Body)
			}
		})
	}
	t.Run("accepts the edges of the rules", func(t *testing.T) {
		m.mustBook(t, m.staff, r.ID, meetingAt(2, 8, 0), meetingAt(2, 8, 15), nil)
		m.mustBook(t, m.staff, r.ID, meetingAt(2, 20, 0), meetingAt(2, 21, 0), map[string]any{"attendees": 20})
		m.mustBook(t, m.staff, r.ID, meetingAt(30, 9, 0), meetingAt(30, 10, 0), nil)
	})
	t.Run("unknown room", func(t *testing.T) {
		apitest.Expect(t, m.book(t, m.staff, 9999, meetingAt(2, 9, 0), meetingAt(2, 10, 0), nil), 404, "not_found")
	})
	t.Run("overlap is a booking_conflict naming the slot", func(t *testing.T) {
		resp := m.book(t, m.other, r.ID, meetingAt(1, 10, 0), meetingAt(1, 11, 0), nil)
		apitest.Expect(t, resp, 409, "booking_conflict")
		var p conflictProblem
		resp.JSON(t, &p)
		if len(p.Conflicts) != 1 || !p.Conflicts[0].StartAt.Equal(meetingAt(1, 9, 0)) || !p.Conflicts[0].EndAt.Equal(meetingAt(1, 10, 30)) || p.Conflicts[0].Date != "2026-12-02" {
			t.Fatalf("conflicts: %s", resp.Body)
		}
	})
	t.Run("half-open intervals touch without conflict", func(t *testing.T) {
		m.mustBook(t, m.other, r.ID, meetingAt(1, 10, 30), meetingAt(1, 11, 0), nil)
		m.mustBook(t, m.other, r.ID, meetingAt(1, 8, 30), meetingAt(1, 9, 0), nil)
	})
	t.Run("a cancelled booking frees its slot", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/cancel", b.ID), m.staff.Token, nil), 200)
		m.mustBook(t, m.other, r.ID, meetingAt(1, 9, 0), meetingAt(1, 10, 0), nil)
	})
}

func TestApprovalFlow(t *testing.T) {
	m := newMeetings(t)
	desk2 := m.env.NewUser(store.RoleMeetingAdmin)
	r := m.room(t, "1号楼三楼第一会议室", map[string]any{"requires_approval": true})
	other := m.room(t, "1号楼三楼第二会议室", map[string]any{"capacity": 30})
	b := m.mustBook(t, m.staff, r.ID, meetingAt(1, 14, 0), meetingAt(1, 16, 0), map[string]any{"services": []string{"tea", "name_plates", "banner"}, "note": "主席台8人"})
	if b.Status != "pending" {
		t.Fatalf("status %s, want pending", b.Status)
	}
	for _, d := range []apitest.User{m.desk, desk2} {
		if !inboxHas(m.env, d.ID, "booking.pending") {
			t.Fatalf("desk user %d was not told of the pending booking: %v", d.ID, inboxTypesOf(m.env, d.ID))
		}
	}
	path := func(id int64, action string) string { return apitest.Path("/api/v1/bookings/%d/%s", id, action) }

	t.Run("a pending booking holds the slot", func(t *testing.T) {
		apitest.Expect(t, m.book(t, m.other, r.ID, meetingAt(1, 15, 0), meetingAt(1, 17, 0), nil), 409, "booking_conflict")
	})
	t.Run("only the desk approves", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(path(b.ID, "approve"), m.staff.Token, nil), 403, "forbidden")
	})
	t.Run("staff see only their own bookings", func(t *testing.T) {
		apitest.Expect(t, m.env.Get(apitest.Path("/api/v1/bookings/%d", b.ID), m.other.Token), 403, "forbidden")
		apitest.Expect(t, m.env.Post(path(b.ID, "cancel"), m.other.Token, nil), 403, "forbidden")
		resp := m.env.Get("/api/v1/bookings", m.other.Token)
		apitest.Expect(t, resp, 200)
		var page struct{ Items []bookingJSON }
		resp.JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("other staff see %d bookings", len(page.Items))
		}
	})
	t.Run("the desk approves and the organiser hears", func(t *testing.T) {
		resp := m.env.Post(path(b.ID, "approve"), m.desk.Token, nil)
		apitest.Expect(t, resp, 200)
		var got bookingJSON
		resp.JSON(t, &got)
		if got.Status != "approved" || !inboxHas(m.env, m.staff.ID, "booking.approved") {
			t.Fatalf("approved: %+v, inbox %v", got, inboxTypesOf(m.env, m.staff.ID))
		}
		apitest.Expect(t, m.env.Post(path(b.ID, "approve"), m.desk.Token, nil), 409, "invalid_transition")
		apitest.Expect(t, m.env.Post(path(b.ID, "reject"), m.desk.Token, map[string]any{"reason": "x"}), 409, "invalid_transition")
	})
	t.Run("the desk rejects with a reason", func(t *testing.T) {
		p := m.mustBook(t, m.other, r.ID, meetingAt(2, 9, 0), meetingAt(2, 10, 0), nil)
		apitest.Expect(t, m.env.Post(path(p.ID, "reject"), m.desk.Token, map[string]any{}), 400, "validation_failed")
		resp := m.env.Post(path(p.ID, "reject"), m.desk.Token, map[string]any{"reason": "当天用于区政府常务会议"})
		apitest.Expect(t, resp, 200)
		var got bookingJSON
		resp.JSON(t, &got)
		inbox := m.env.Inbox(m.other.ID)
		if got.Status != "rejected" || got.Reason != "当天用于区政府常务会议" || inbox[0].Type != "booking.rejected" || !strings.Contains(inbox[0].Body, "常务会议") {
			t.Fatalf("rejected: %+v, inbox %+v", got, inbox[0])
		}
		m.mustBook(t, m.staff, r.ID, meetingAt(2, 9, 0), meetingAt(2, 10, 0), nil) // the slot is free again
	})
	t.Run("the desk moves a booking and the organiser hears", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(path(b.ID, "move"), m.staff.Token, map[string]any{"room_id": other.ID}), 403, "forbidden")
		blocker := m.mustBook(t, m.other, other.ID, meetingAt(1, 15, 30), meetingAt(1, 16, 30), nil)
		apitest.Expect(t, m.env.Post(path(b.ID, "move"), m.desk.Token, map[string]any{"room_id": other.ID}), 409, "booking_conflict")
		apitest.Expect(t, m.env.Post(path(blocker.ID, "cancel"), m.other.Token, nil), 200)
		resp := m.env.Post(path(b.ID, "move"), m.desk.Token, map[string]any{"room_id": other.ID})
		apitest.Expect(t, resp, 200)
		var got bookingJSON
		resp.JSON(t, &got)
		if got.RoomID != other.ID || m.env.Inbox(m.staff.ID)[0].Type != "booking.moved" {
			t.Fatalf("moved: %+v, inbox %v", got, inboxTypesOf(m.env, m.staff.ID))
		}
		m.mustBook(t, m.other, r.ID, meetingAt(1, 14, 0), meetingAt(1, 16, 0), nil) // the old room is free
	})
	t.Run("the services sheet lists the day room by room", func(t *testing.T) {
		apitest.Expect(t, m.env.Get("/api/v1/bookings/services?date=2026-12-02", m.staff.Token), 403, "forbidden")
		resp := m.env.Get("/api/v1/bookings/services?date=2026-12-02", m.desk.Token)
		apitest.Expect(t, resp, 200)
		var sheet struct {
			Rooms []struct {
				RoomID   int64 `json:"room_id"`
				Bookings []struct {
					Services []string `json:"services"`
					Note     string   `json:"note"`
				} `json:"bookings"`
			} `json:"rooms"`
		}
		resp.JSON(t, &sheet)
		if len(sheet.Rooms) != 2 || sheet.Rooms[1].RoomID != other.ID || sheet.Rooms[1].Bookings[0].Note != "主席台8人" ||
			fmt.Sprint(sheet.Rooms[1].Bookings[0].Services) != "[banner name_plates tea]" {
			t.Fatalf("sheet: %s", resp.Body)
		}
	})
	t.Run("cancelling: the desk tells the organiser, the organiser tells nobody", func(t *testing.T) {
		before := len(m.env.Inbox(m.staff.ID))
		resp := m.env.Post(path(b.ID, "cancel"), m.desk.Token, map[string]any{"reason": "会场临时征用"})
		apitest.Expect(t, resp, 200)
		inbox := m.env.Inbox(m.staff.ID)
		if len(inbox) != before+1 || inbox[0].Type != "booking.cancelled" {
			t.Fatalf("inbox after desk cancel: %v", inboxTypesOf(m.env, m.staff.ID))
		}
		apitest.Expect(t, m.env.Post(path(b.ID, "cancel"), m.staff.Token, nil), 409, "invalid_transition")
		own := m.mustBook(t, m.staff, other.ID, meetingAt(3, 9, 0), meetingAt(3, 10, 0), nil)
		apitest.Expect(t, m.env.Post(path(own.ID, "cancel"), m.staff.Token, nil), 200)
		if len(m.env.Inbox(m.staff.ID)) != before+1 {
			t.Fatalf("organiser was told of their own cancel: %v", inboxTypesOf(m.env, m.staff.ID))
		}
	})
	t.Run("lists filter by mine, status and date", func(t *testing.T) {
		list := func(u apitest.User, q string) []bookingJSON {
			resp := m.env.Get("/api/v1/bookings?"+q, u.Token)
			apitest.Expect(t, resp, 200)
			var page struct{ Items []bookingJSON }
			resp.JSON(t, &page)
			return page.Items
		}
		if got := list(m.staff, "status=cancelled"); len(got) != 2 {
			t.Fatalf("staff cancelled: %d", len(got))
		}
		if got := list(m.desk, "date=2026-12-02&status=pending"); len(got) != 1 || got[0].OrganizerID != m.other.ID {
			t.Fatalf("desk's pending on 12-02: %+v", got)
		}
		if got := list(m.desk, "mine=true"); len(got) != 0 {
			t.Fatalf("desk's own: %d", len(got))
		}
		if got := list(m.desk, ""); len(got) != 6 {
			t.Fatalf("desk sees %d bookings, want 6", len(got))
		}
		apitest.Expect(t, m.env.Get("/api/v1/bookings?status=lost", m.desk.Token), 400, "validation_failed")
	})
}

func TestRoomSchedule(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "1号楼一楼西侧会议室", nil)
	m.mustBook(t, m.staff, r.ID, meetingAt(1, 9, 0), meetingAt(1, 10, 0), map[string]any{"title": "预算编制讨论会"})
	m.mustBook(t, m.other, r.ID, meetingAt(1, 14, 0), meetingAt(1, 15, 0), map[string]any{"title": "人事工作会"})
	m.mustBook(t, m.other, r.ID, meetingAt(2, 14, 0), meetingAt(2, 15, 0), nil)
	titles := func(u apitest.User) string {
		resp := m.env.Get(apitest.Path("/api/v1/rooms/%d/schedule?date=2026-12-02", r.ID), u.Token)
		apitest.Expect(t, resp, 200)
		var s struct {
			Slots []struct {
				Title string `json:"title"`
				Mine  bool   `json:"mine"`
			} `json:"slots"`
		}
		resp.JSON(t, &s)
		var out []string
		for _, sl := range s.Slots {
			out = append(out, fmt.Sprintf("%s/%v", sl.Title, sl.Mine))
		}
		return strings.Join(out, ",")
	}
	if got := titles(m.staff); got != "预算编制讨论会/true,busy/false" {
		t.Fatalf("staff see %s", got)
	}
	if got := titles(m.desk); got != "预算编制讨论会/false,人事工作会/false" {
		t.Fatalf("desk sees %s", got)
	}
	apitest.Expect(t, m.env.Get(apitest.Path("/api/v1/rooms/%d/schedule?date=tomorrow", r.ID), m.staff.Token), 400, "validation_failed")
	apitest.Expect(t, m.env.Get("/api/v1/rooms/999/schedule", m.staff.Token), 404, "not_found")
}

func TestRecurringBookings(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "1号楼三楼第一会议室", map[string]any{"requires_approval": true})
	// Mondays 7 Dec to 28 Dec 2026, 09:00-10:00.
	weekly := map[string]any{"repeat": map[string]any{"frequency": "weekly", "until": "2026-12-28"}}
	blocker := m.mustBook(t, m.other, r.ID, meetingAt(13, 9, 30), meetingAt(13, 11, 0), nil) // Mon 14 Dec
	m.mustBook(t, m.other, r.ID, meetingAt(27, 8, 0), meetingAt(27, 9, 15), nil)             // Mon 28 Dec

	t.Run("conflicts list every colliding date and nothing is booked", func(t *testing.T) {
		resp := m.book(t, m.staff, r.ID, meetingAt(6, 9, 0), meetingAt(6, 10, 0), weekly)
		apitest.Expect(t, resp, 409, "booking_conflict")
		var p conflictProblem
		resp.JSON(t, &p)
		if len(p.Conflicts) != 2 || p.Conflicts[0].Date != "2026-12-14" || p.Conflicts[1].Date != "2026-12-28" {
			t.Fatalf("conflicts: %s", resp.Body)
		}
		if n := len(m.env.Inbox(m.desk.ID)); n != 2 {
			t.Fatalf("desk inbox has %d entries, want only the two single bookings", n)
		}
	})
	t.Run("rejects series that are too long or backwards", func(t *testing.T) {
		apitest.Expect(t, m.book(t, m.staff, r.ID, meetingAt(1, 9, 0), meetingAt(1, 10, 0),
			map[string]any{"repeat": map[string]any{"frequency": "daily", "until": "2027-02-01"}}), 400, "validation_failed")
		apitest.Expect(t, m.book(t, m.staff, r.ID, meetingAt(6, 9, 0), meetingAt(6, 10, 0),
			map[string]any{"repeat": map[string]any{"frequency": "weekly", "until": "2026-12-01"}}), 400, "validation_failed")
		apitest.Expect(t, m.book(t, m.staff, r.ID, meetingAt(6, 9, 0), meetingAt(6, 10, 0),
			map[string]any{"repeat": map[string]any{"frequency": "monthly", "until": "2026-12-30"}}), 400, "validation_failed")
	})
	apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/cancel", blocker.ID), m.other.Token, nil), 200)
	var series bookingJSON
	t.Run("books every occurrence at the same meetingAt time", func(t *testing.T) {
		resp := m.book(t, m.staff, r.ID, meetingAt(6, 9, 0), meetingAt(6, 10, 0), map[string]any{"repeat": map[string]any{"frequency": "weekly", "until": "2026-12-27"}})
		apitest.Expect(t, resp, 201)
		resp.JSON(t, &series)
		if series.SeriesID == nil || len(series.Occurrences) != 3 || !series.Occurrences[2].StartAt.Equal(meetingAt(20, 9, 0)) {
			t.Fatalf("series: %s", resp.Body)
		}
		inbox := m.env.Inbox(m.desk.ID)
		if inbox[0].Type != "booking.pending" || !strings.Contains(inbox[0].Body, "共3次") {
			t.Fatalf("desk told: %+v", inbox[0])
		}
	})
	t.Run("the desk approves the rest of the series at once", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/approve", series.ID), m.desk.Token, map[string]any{"scope": "following"}), 200)
		for _, o := range series.Occurrences {
			resp := m.env.Get(apitest.Path("/api/v1/bookings/%d", o.ID), m.staff.Token)
			var b bookingJSON
			resp.JSON(t, &b)
			if b.Status != "approved" {
				t.Fatalf("occurrence %d is %s", o.ID, b.Status)
			}
		}
	})
	status := func(id int64) string {
		var b bookingJSON
		m.env.Get(apitest.Path("/api/v1/bookings/%d", id), m.staff.Token).JSON(t, &b)
		return b.Status
	}
	t.Run("cancel one occurrence", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/cancel", series.Occurrences[0].ID), m.staff.Token, map[string]any{"scope": "this"}), 200)
		if got := status(series.Occurrences[0].ID) + status(series.Occurrences[1].ID); got != "cancelledapproved" {
			t.Fatalf("statuses %s", got)
		}
	})
	t.Run("cancel the rest of the series", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/cancel", series.Occurrences[1].ID), m.staff.Token, map[string]any{"scope": "following"}), 200)
		if got := status(series.Occurrences[1].ID) + status(series.Occurrences[2].ID); got != "cancelledcancelled" {
			t.Fatalf("statuses %s", got)
		}
		apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/cancel", series.Occurrences[1].ID), m.staff.Token, map[string]any{"scope": "sideways"}), 400, "validation_failed")
	})
}

// addMeetingDevice gives a user a phone, so that notifications also queue pushes.
func addMeetingDevice(t *testing.T, env *apitest.Env, userID int64) {
	t.Helper()
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.Create(&notify.Device{UserID: userID, Token: fmt.Sprintf("fcm-token-%d", userID), Platform: "android", LastSeenAt: tx.Now}).Error
	})
	if err != nil {
		t.Fatal(err)
	}
}

func outboxJobsOf(t *testing.T, env *apitest.Env, userID int64) int64 {
	t.Helper()
	var n int64
	err := env.Store.Read(context.Background()).Model(&notify.OutboxJob{}).
		Joins("JOIN notifications n ON n.id = outbox_jobs.notification_id").Where("n.user_id = ?", userID).Count(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckInAndRelease(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "3号楼五楼小会议室", map[string]any{"requires_check_in": true})
	kept := m.mustBook(t, m.staff, r.ID, meetingAt(0, 10, 0), meetingAt(0, 11, 0), nil)
	lost := m.mustBook(t, m.other, r.ID, meetingAt(0, 14, 0), meetingAt(0, 16, 0), nil)
	checkIn := func(u apitest.User, id int64) *apitest.Response {
		return m.env.Post(apitest.Path("/api/v1/bookings/%d/check-in", id), u.Token, nil)
	}
	t.Run("check-in opens 10 minutes before the start", func(t *testing.T) {
		m.at(t, meetingAt(0, 9, 49))
		apitest.Expect(t, checkIn(m.staff, kept.ID), 409, "invalid_transition")
		m.at(t, meetingAt(0, 9, 50))
		apitest.Expect(t, checkIn(m.other, kept.ID), 403, "forbidden")
		resp := checkIn(m.staff, kept.ID)
		apitest.Expect(t, resp, 200)
		var b bookingJSON
		resp.JSON(t, &b)
		if b.CheckedInAt == nil || !b.CheckedInAt.Equal(meetingAt(0, 9, 50)) {
			t.Fatalf("checked in: %+v", b)
		}
		apitest.Expect(t, checkIn(m.staff, kept.ID), 200)
	})
	t.Run("a checked-in booking is kept", func(t *testing.T) {
		m.at(t, meetingAt(0, 10, 30))
		if n, err := m.env.Server.Meetings.ReleaseNoShows(context.Background()); err != nil || n != 0 {
			t.Fatalf("released %d, %v", n, err)
		}
	})
	t.Run("check-in closes 15 minutes after the start", func(t *testing.T) {
		m.at(t, meetingAt(0, 14, 16))
		apitest.Expect(t, checkIn(m.other, lost.ID), 409, "invalid_transition")
	})
	t.Run("a no-show is released and both sides are told", func(t *testing.T) {
		m.at(t, meetingAt(0, 14, 15))
		if n, _ := m.env.Server.Meetings.ReleaseNoShows(context.Background()); n != 0 {
			t.Fatalf("released %d at exactly 15 minutes", n)
		}
		m.at(t, meetingAt(0, 14, 16))
		if n, err := m.env.Server.Meetings.ReleaseNoShows(context.Background()); err != nil || n != 1 {
			t.Fatalf("released %d, %v", n, err)
		}
		if n, _ := m.env.Server.Meetings.ReleaseNoShows(context.Background()); n != 0 {
			t.Fatalf("released again: %d", n)
		}
		var b bookingJSON
		m.env.Get(apitest.Path("/api/v1/bookings/%d", lost.ID), m.other.Token).JSON(t, &b)
		if b.Status != "released" || !inboxHas(m.env, m.other.ID, "booking.released") || !inboxHas(m.env, m.desk.ID, "booking.released") {
			t.Fatalf("booking %s; organiser %v; desk %v", b.Status, inboxTypesOf(m.env, m.other.ID), inboxTypesOf(m.env, m.desk.ID))
		}
	})
	t.Run("the rest of a released slot can be booked", func(t *testing.T) {
		m.mustBook(t, m.staff, r.ID, meetingAt(0, 14, 30), meetingAt(0, 16, 0), nil)
	})
	t.Run("rooms without check-in never release", func(t *testing.T) {
		free := m.room(t, "1号楼一楼西侧会议室", nil)
		m.at(t, meetingAt(0, 16, 30))
		m.mustBook(t, m.staff, free.ID, meetingAt(0, 17, 0), meetingAt(0, 18, 0), nil)
		m.at(t, meetingAt(0, 17, 30))
		if n, _ := m.env.Server.Meetings.ReleaseNoShows(context.Background()); n != 0 {
			t.Fatalf("released %d", n)
		}
	})
}

func TestReminderIsSentOnce(t *testing.T) {
	m := newMeetings(t)
	addMeetingDevice(t, m.env, m.staff.ID)
	r := m.room(t, "1号楼一楼西侧会议室", nil)
	m.mustBook(t, m.staff, r.ID, meetingAt(0, 10, 0), meetingAt(0, 11, 0), nil)
	m.mustBook(t, m.staff, r.ID, meetingAt(0, 9, 15), meetingAt(0, 9, 45), nil)
	if n, _ := m.env.Server.Meetings.RemindBookings(context.Background()); n != 0 {
		t.Fatalf("reminded %d of a meeting booked 15 minutes ahead", n)
	}
	m.at(t, meetingAt(0, 9, 29))
	if n, _ := m.env.Server.Meetings.RemindBookings(context.Background()); n != 0 {
		t.Fatalf("reminded %d at 31 minutes before", n)
	}
	m.at(t, meetingAt(0, 9, 30))
	// Several replicas sweep at the same moment: one reminder in all.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := m.env.Server.Meetings.RemindBookings(context.Background())
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 1 {
		t.Fatalf("reminders sent: %d, want 1", total)
	}
	inbox := m.env.Inbox(m.staff.ID)
	if len(inbox) != 1 || inbox[0].Type != "booking.reminder" || !strings.Contains(inbox[0].Body, "30分钟后") || inbox[0].Data["type"] != "booking" {
		t.Fatalf("inbox: %+v", inbox)
	}
	if n := outboxJobsOf(t, m.env, m.staff.ID); n != 1 {
		t.Fatalf("outbox jobs for the organiser: %d, want 1", n)
	}
	m.at(t, meetingAt(0, 9, 45))
	if n, _ := m.env.Server.Meetings.RemindBookings(context.Background()); n != 0 {
		t.Fatalf("reminded again: %d", n)
	}
}

func TestUnapprovedBookingExpiresAtItsStart(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "1号楼三楼第一会议室", map[string]any{"requires_approval": true})
	b := m.mustBook(t, m.staff, r.ID, meetingAt(0, 10, 0), meetingAt(0, 11, 0), nil)
	later := m.mustBook(t, m.staff, r.ID, meetingAt(1, 10, 0), meetingAt(1, 11, 0), nil)
	before := len(m.env.Inbox(m.staff.ID))
	m.at(t, meetingAt(0, 9, 59))
	if n, err := m.env.Server.Meetings.ExpireUnapproved(context.Background()); err != nil || n != 0 {
		t.Fatalf("expired %d before the start (%v)", n, err)
	}
	m.at(t, meetingAt(0, 10, 0))
	if n, err := m.env.Server.Meetings.ExpireUnapproved(context.Background()); err != nil || n != 1 {
		t.Fatalf("expired %d at the start, want 1 (%v)", n, err)
	}
	var got struct {
		Status, Reason string
	}
	m.env.Get(apitest.Path("/api/v1/bookings/%d", b.ID), m.staff.Token).JSON(t, &got)
	if got.Status != "rejected" || got.Reason == "" {
		t.Fatalf("booking after its start: %+v", got)
	}
	m.env.Get(apitest.Path("/api/v1/bookings/%d", later.ID), m.staff.Token).JSON(t, &got)
	if got.Status != "pending" {
		t.Fatalf("tomorrow's booking: %+v", got)
	}
	inbox := m.env.Inbox(m.staff.ID)
	if len(inbox) != before+1 || inbox[0].Type != "booking.expired" || inbox[0].Data["status"] != "rejected" {
		t.Fatalf("inbox: %+v", inbox[0])
	}
	apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/approve", b.ID), m.desk.Token, nil), 409, "invalid_transition")
	if n, _ := m.env.Server.Meetings.ExpireUnapproved(context.Background()); n != 0 {
		t.Fatalf("expired again: %d", n)
	}
}

func TestCalendarFeed(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "1号楼三楼第一会议室", map[string]any{"requires_approval": true})
	approved := m.mustBook(t, m.staff, r.ID, meetingAt(1, 9, 0), meetingAt(1, 10, 30), map[string]any{"title": "全区优化营商环境推进会，第一次", "note": "主席台8人; 请准备横幅"})
	apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/approve", approved.ID), m.desk.Token, nil), 200)
	pending := m.mustBook(t, m.staff, r.ID, meetingAt(2, 14, 0), meetingAt(2, 15, 0), nil)
	m.mustBook(t, m.other, r.ID, meetingAt(3, 14, 0), meetingAt(3, 15, 0), nil) // not the staff member's

	feedURL := func() string {
		resp := m.env.Post("/api/v1/me/calendar-feed", m.staff.Token, nil)
		apitest.Expect(t, resp, 201)
		var f struct{ URL string }
		resp.JSON(t, &f)
		u, err := url.Parse(f.URL)
		if err != nil {
			t.Fatal(err)
		}
		return u.Path
	}
	fetch := func(path string) *ics.Calendar {
		resp := m.env.Get(path, "")
		apitest.Expect(t, resp, 200)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("content type %q", ct)
		}
		if !strings.Contains(string(resp.Body), "\r\n") {
			t.Fatal("lines must end in CRLF")
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(resp.Body)))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, resp.Body)
		}
		return cal
	}
	path := feedURL()
	cal := fetch(path)
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	ev := events[0]
	start, err := ev.GetStartAt()
	if err != nil || !start.Equal(meetingAt(1, 9, 0)) {
		t.Fatalf("start %v, %v", start, err)
	}
	if p := ev.GetProperty(ics.ComponentPropertyDtStart); p.ICalParameters["TZID"][0] != "Asia/Shanghai" {
		t.Fatalf("DTSTART parameters %v", p.ICalParameters)
	}
	if len(cal.Timezones()) != 1 {
		t.Fatal("want a VTIMEZONE for Asia/Shanghai")
	}
	for prop, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertySummary:  "全区优化营商环境推进会，第一次",
		ics.ComponentPropertyLocation: "1号楼三楼第一会议室",
		ics.ComponentPropertyStatus:   "CONFIRMED",
		ics.ComponentPropertyUniqueId: fmt.Sprintf("booking-%d@houqin", approved.ID),
	} {
		if got := ev.GetProperty(prop).Value; got != want {
			t.Errorf("%s = %q, want %q", prop, got, want)
		}
	}
	if got := events[1].GetProperty(ics.ComponentPropertyStatus).Value; got != "TENTATIVE" {
		t.Errorf("pending booking status %q", got)
	}

	t.Run("UIDs are stable and cancelled bookings drop out", func(t *testing.T) {
		apitest.Expect(t, m.env.Post(apitest.Path("/api/v1/bookings/%d/cancel", pending.ID), m.staff.Token, nil), 200)
		again := fetch(path).Events()
		if len(again) != 1 || again[0].Id() != ev.Id() {
			t.Fatalf("events after cancel: %d", len(again))
		}
	})
	t.Run("rotating revokes the old URL", func(t *testing.T) {
		fresh := feedURL()
		apitest.Expect(t, m.env.Get(path, ""), 404, "not_found")
		fetch(fresh)
		apitest.Expect(t, m.env.Delete("/api/v1/me/calendar-feed", m.staff.Token), 204)
		apitest.Expect(t, m.env.Get(fresh, ""), 404, "not_found")
	})
	t.Run("managing the feed needs a session", func(t *testing.T) {
		apitest.Expect(t, m.env.Post("/api/v1/me/calendar-feed", "", nil), 401, "unauthorized")
	})
}

// TestConcurrentBookingsNeverOverlap races 50 requests for overlapping
// slots of one room: exactly one wins, the rest get booking_conflict.
func TestConcurrentBookingsNeverOverlap(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "1号楼三楼第一会议室", map[string]any{"capacity": 60})
	users := make([]apitest.User, 50)
	for i := range users {
		users[i] = m.env.NewUser(store.RoleStaff)
	}
	codes := make([]string, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every slot overlaps 10:00-10:15 and starts somewhere in 09:00-10:00.
			start := meetingAt(1, 9, i%4*15)
			resp := m.book(t, u, r.ID, start, meetingAt(1, 10, 15+i%3*15), nil)
			codes[i] = fmt.Sprint(resp.Status, resp.Code())
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count["201"] != 1 || count["409booking_conflict"] != len(users)-1 {
		t.Fatalf("outcomes: %v", count)
	}
	var n int64
	m.env.Store.Read(context.Background()).Model(&meeting.Booking{}).Where("room_id = ?", r.ID).Count(&n)
	if n != 1 {
		t.Fatalf("%d bookings stored, want 1", n)
	}
}

func TestMeetingDemoData(t *testing.T) {
	env := apitest.New(t)
	if _, err := demo.Load(context.Background(), env.Store, "houqin-demo"); err != nil {
		t.Fatal(err)
	}
	var desk people.User
	if err := env.Store.Read(context.Background()).Where("username = ?", "meeting_admin").Take(&desk).Error; err != nil {
		t.Fatal(err)
	}
	token, _ := env.Server.Tokens.Issue(desk.ID)
	resp := env.Get("/api/v1/rooms", token)
	apitest.Expect(t, resp, 200)
	var rooms struct{ Items []roomJSON }
	resp.JSON(t, &rooms)
	if len(rooms.Items) < 5 || !strings.Contains(string(resp.Body), "1号楼一楼西侧会议室") {
		t.Fatalf("demo rooms: %s", resp.Body)
	}
	resp = env.Get("/api/v1/bookings?limit=100", token)
	apitest.Expect(t, resp, 200)
	var bookings struct{ Items []bookingJSON }
	resp.JSON(t, &bookings)
	if len(bookings.Items) < 5 {
		t.Fatalf("demo bookings: %d", len(bookings.Items))
	}
	for _, b := range bookings.Items {
		if !b.StartAt.After(apitest.Epoch) || b.StartAt.After(apitest.Epoch.AddDate(0, 0, 8)) {
			t.Errorf("booking %q starts %v, outside the coming week", b.Title, b.StartAt)
		}
	}
}

// TestConcurrentMoveAndBookings races a desk move into a room against
// bookings of the same slot there: one of them wins, the room never holds
// two meetings at once.
func TestConcurrentMoveAndBookings(t *testing.T) {
	m := newMeetings(t)
	from := m.room(t, "1号楼一楼西侧会议室", nil)
	to := m.room(t, "1号楼三楼第二会议室", nil)
	moved := m.mustBook(t, m.staff, from.ID, meetingAt(1, 10, 0), meetingAt(1, 11, 0), nil)
	users := make([]apitest.User, 20)
	for i := range users {
		users[i] = m.env.NewUser(store.RoleStaff)
	}
	outcomes := make([]string, len(users)+1)
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := m.book(t, u, to.ID, meetingAt(1, 10, 30), meetingAt(1, 11, 30), nil)
			outcomes[i] = fmt.Sprint(resp.Status, resp.Code())
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp := m.env.Post(apitest.Path("/api/v1/bookings/%d/move", moved.ID), m.desk.Token, map[string]any{"room_id": to.ID})
		outcomes[len(users)] = fmt.Sprint(resp.Status, resp.Code())
	}()
	wg.Wait()
	count := map[string]int{}
	for _, o := range outcomes {
		count[o]++
	}
	if count["201"]+count["200"] != 1 || count["409booking_conflict"] != len(users) {
		t.Fatalf("outcomes: %v", count)
	}
	var n int64
	m.env.Store.Read(context.Background()).Model(&meeting.Booking{}).Where("room_id = ? AND status IN ?", to.ID, []string{"pending", "approved"}).Count(&n)
	if n != 1 {
		t.Fatalf("room holds %d meetings, want 1", n)
	}
}

// TestMeetingBadInputIsRefused sends malformed requests to every meeting
// endpoint: each is a 4xx problem with a code, never a 500.
func TestMeetingBadInputIsRefused(t *testing.T) {
	m := newMeetings(t)
	r := m.room(t, "1号楼一楼西侧会议室", nil)
	b := m.mustBook(t, m.staff, r.ID, meetingAt(1, 9, 0), meetingAt(1, 10, 0), nil)
	good := map[string]any{"room_id": r.ID, "title": "例会", "start_at": meetingTS(meetingAt(2, 9, 0)), "end_at": meetingTS(meetingAt(2, 10, 0)), "attendees": 5}
	with := func(k string, v any) map[string]any {
		out := map[string]any{}
		for key, val := range good {
			out[key] = val
		}
		out[k] = v
		return out
	}
	cases := []struct {
		name, method, path string
		token              string
		body               any
		status             int
		code               string
	}{
		{"booking without a session", "POST", "/api/v1/bookings", "", good, 401, "unauthorized"},
		{"rooms without a session", "GET", "/api/v1/rooms", "", nil, 401, "unauthorized"},
		{"start_at not a time", "POST", "/api/v1/bookings", m.staff.Token, with("start_at", "tomorrow 9am"), 400, "validation_failed"},
		{"start_at a number", "POST", "/api/v1/bookings", m.staff.Token, with("start_at", 1234), 400, "validation_failed"},
		{"negative attendees", "POST", "/api/v1/bookings", m.staff.Token, with("attendees", -3), 400, "validation_failed"},
		{"services not a list", "POST", "/api/v1/bookings", m.staff.Token, with("services", "tea"), 400, "validation_failed"},
		{"empty repeat", "POST", "/api/v1/bookings", m.staff.Token, with("repeat", map[string]any{}), 400, "validation_failed"},
		{"repeat until not a date", "POST", "/api/v1/bookings", m.staff.Token, with("repeat", map[string]any{"frequency": "weekly", "until": "soon"}), 400, "validation_failed"},
		{"huge room id", "POST", "/api/v1/bookings", m.staff.Token, with("room_id", int64(1)<<62), 404, "not_found"},
		{"not JSON", "POST", "/api/v1/bookings", m.staff.Token, "{title:", 400, "validation_failed"},
		{"room id not a number", "GET", "/api/v1/rooms/abc", m.staff.Token, nil, 404, "not_found"},
		{"capacity not a number", "GET", "/api/v1/rooms?capacity=many", m.staff.Token, nil, 400, "validation_failed"},
		{"limit out of range", "GET", "/api/v1/bookings?limit=0", m.staff.Token, nil, 400, "validation_failed"},
		{"bad cursor", "GET", "/api/v1/bookings?cursor=%%%", m.staff.Token, nil, 400, "validation_failed"},
		{"impossible date", "GET", "/api/v1/bookings?date=2026-13-01", m.staff.Token, nil, 400, "validation_failed"},
		{"mine not a boolean", "GET", "/api/v1/bookings?mine=perhaps", m.staff.Token, nil, 400, "validation_failed"},
		{"empty room patch body", "PATCH", apitest.Path("/api/v1/rooms/%d", r.ID), m.desk.Token, "", 400, "validation_failed"},
		{"approve body not an object", "POST", apitest.Path("/api/v1/bookings/%d/approve", b.ID), m.desk.Token, "[]", 400, "validation_failed"},
		{"move to a missing room", "POST", apitest.Path("/api/v1/bookings/%d/move", b.ID), m.desk.Token, map[string]any{"room_id": 4242}, 400, "validation_failed"},
		{"move without a room", "POST", apitest.Path("/api/v1/bookings/%d/move", b.ID), m.desk.Token, map[string]any{}, 400, "validation_failed"},
		{"check-in to a missing booking", "POST", "/api/v1/bookings/4242/check-in", m.staff.Token, nil, 404, "not_found"},
		{"unknown calendar token", "GET", "/api/v1/calendar/not-a-token", "", nil, 404, "not_found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := m.env.Do(apitest.Request{Method: c.method, Path: c.path, Token: c.token, Body: c.body})
			apitest.Expect(t, resp, c.status, c.code)
		})
	}
}
