package handlers_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/announce"
	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/meeting"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// reportRecords writes, straight into the tables, a year's worth of
// records whose report figures TestReportSummary works out by hand; each
// area has one record just before the period, which must not count.
func reportRecords(t *testing.T, q *quality) {
	t.Helper()
	env := q.env
	loc := env.Store.Location
	// at is a local time, stored in UTC as the service stores every instant.
	at := func(y, m, d, h, min int) time.Time { return time.Date(y, time.Month(m), d, h, min, 0, 0, loc).UTC() }
	day := func(y, m, d int) store.Date { return store.Date{Year: y, Month: m, Day: d} }
	ptr := func(t time.Time) *time.Time { return &t }
	route, schedule := weekdayLine(t, q)
	users := []int64{q.staff.ID, q.desk.ID, q.lead.ID, q.fixer.ID, q.cleaner.ID}

	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		room := meeting.Room{Name: "1号楼三楼第一会议室", Building: "1号楼", Floor: 3, Capacity: 120, OpenFrom: "08:00", OpenTo: "21:00", Active: true}
		if err := tx.Create(&room).Error; err != nil {
			return err
		}
		book := func(start time.Time, attendees int, status meeting.BookingStatus) meeting.Booking {
			return meeting.Booking{RoomID: room.ID, OrganizerID: q.staff.ID, Title: "会议", StartAt: start, EndAt: start.Add(time.Hour),
				Attendees: attendees, Status: status, CreatedAt: start, UpdatedAt: start}
		}
		bookings := []meeting.Booking{
			book(at(2026, 3, 10, 9, 0), 80, meeting.BookingApproved), // large
			book(at(2026, 5, 10, 9, 0), 20, meeting.BookingApproved),
			book(at(2026, 6, 1, 9, 0), 50, meeting.BookingApproved),   // large at the default threshold
			book(at(2026, 4, 1, 9, 0), 100, meeting.BookingCancelled), // not held
			book(at(2026, 4, 2, 9, 0), 100, meeting.BookingReleased),  // nobody came
			book(at(2025, 12, 31, 9, 0), 100, meeting.BookingApproved),
		}
		if err := tx.Create(&bookings).Error; err != nil {
			return err
		}

		hall := canteen.Canteen{Name: "机关食堂", Meals: canteen.DefaultMealSchedules}
		if err := tx.Create(&hall).Error; err != nil {
			return err
		}
		var regs []canteen.MealRegistration
		for _, d := range []struct {
			date store.Date
			n    int
		}{{day(2026, 1, 5), 3}, {day(2026, 1, 6), 2}, {day(2026, 2, 2), 2}, {day(2025, 12, 31), 5}} {
			for _, u := range users[:d.n] {
				regs = append(regs, canteen.MealRegistration{CanteenID: hall.ID, Date: d.date, Meal: canteen.Lunch, UserID: u, UserName: "测试用户"})
			}
		}
		if err := tx.Create(&regs).Error; err != nil {
			return err
		}
		var dishes [3]canteen.Dish
		for i := range dishes {
			dishes[i] = canteen.Dish{Name: fmt.Sprintf("菜%d", i), Category: "meat", PriceCents: 1200, Active: true}
			if err := tx.Create(&dishes[i]).Error; err != nil {
				return err
			}
		}
		for _, m := range []struct {
			date   store.Date
			status string
			dishes []int
		}{{day(2026, 1, 5), canteen.MenuPublished, []int{0, 1}}, {day(2026, 1, 6), canteen.MenuPublished, []int{0}},
			{day(2026, 1, 7), "draft", []int{2}}, {day(2025, 12, 31), canteen.MenuPublished, []int{2}}} {
			menu := canteen.Menu{CanteenID: hall.ID, Date: m.date, Meal: canteen.Lunch, Status: m.status}
			if err := tx.Create(&menu).Error; err != nil {
				return err
			}
			for i, d := range m.dishes {
				if err := tx.Create(&canteen.MenuItem{MenuID: menu.ID, DishID: dishes[d].ID, Position: i}).Error; err != nil {
					return err
				}
			}
		}

		n := 0
		rep := func(cat repair.Category, created time.Time, assignAfter, resolveAfter time.Duration, closed bool, scores ...int) repair.Repair {
			n++
			r := repair.Repair{Ticket: fmt.Sprintf("BX-R-%04d", n), RequesterID: q.staff.ID, EnteredByID: q.staff.ID, Category: cat,
				Priority: "normal", Location: "1号楼", Description: "故障", Status: repair.RepairSubmitted, RespondBy: created.Add(2 * time.Hour),
				DueAt: created.Add(24 * time.Hour), CreatedAt: created, UpdatedAt: created}
			if assignAfter > 0 {
				r.FirstAssignedAt, r.Status = ptr(created.Add(assignAfter)), repair.RepairAssigned
			}
			if resolveAfter > 0 {
				r.ResolvedAt, r.Status = ptr(created.Add(resolveAfter)), repair.RepairResolved
			}
			if closed {
				r.Status, r.FeedbackSource = repair.RepairClosed, "callback"
				r.Attitude, r.Quality, r.Cleanliness = scores[0], scores[1], scores[2]
			}
			return r
		}
		mar := at(2026, 3, 1, 9, 0)
		repairs := []repair.Repair{
			rep("water", mar, 10*time.Minute, time.Hour, true, 5, 5, 5),
			rep("water", mar, 30*time.Minute, 2*time.Hour, false),
			rep("power", mar, 20*time.Minute, 200*time.Minute, true, 3, 4, 5),
			rep("lift", mar, 0, 0, false),
			rep("water", at(2025, 12, 31, 9, 0), time.Minute, time.Minute, true, 1, 1, 1),
		}
		if err := tx.Create(&repairs).Error; err != nil {
			return err
		}

		for _, in := range []struct {
			at       time.Time
			problems []inspect.Status
		}{{at(2026, 4, 1, 10, 0), []inspect.Status{inspect.StatusVerified, inspect.StatusFixed, inspect.StatusOpen}},
			{at(2026, 9, 1, 20, 0), []inspect.Status{inspect.StatusSentBack}},
			{at(2025, 12, 1, 10, 0), []inspect.Status{inspect.StatusVerified}}} {
			ins := inspect.Inspection{InspectorID: q.inspector.ID, At: in.at, Building: "1号楼", Kind: inspect.KindPlanned, CreatedAt: in.at}
			if err := tx.Create(&ins).Error; err != nil {
				return err
			}
			for _, st := range in.problems {
				p := inspect.Problem{InspectionID: ins.ID, Description: "灯不亮", TeamID: q.repairTeam.ID, Deadline: in.at.Add(72 * time.Hour),
					Status: st, CreatedAt: in.at, UpdatedAt: in.at}
				if err := tx.Create(&p).Error; err != nil {
					return err
				}
			}
		}

		filed := at(2026, 5, 1, 9, 0)
		box := func(kind complaint.Kind, urgent bool, created time.Time, replyAfter time.Duration) complaint.Complaint {
			c := complaint.Complaint{FilerID: q.staff.ID, Area: complaint.AreaOther, Kind: kind, Text: "意见", Urgent: urgent,
				Status: complaint.StatusRouted, DueAt: created.Add(48 * time.Hour), CreatedAt: created, UpdatedAt: created}
			if replyAfter > 0 {
				c.RepliedAt, c.Reply, c.Status = ptr(created.Add(replyAfter)), "已处理", complaint.StatusReplied
			}
			return c
		}
		complaints := []complaint.Complaint{
			box(complaint.KindComplaint, false, filed, time.Hour),
			box(complaint.KindComplaint, false, filed, 72*time.Hour), // late
			box(complaint.KindSuggestion, true, filed, 0),
			box(complaint.KindComplaint, false, at(2025, 12, 30, 9, 0), time.Hour),
		}
		if err := tx.Create(&complaints).Error; err != nil {
			return err
		}

		for _, c := range []time.Time{at(2026, 2, 1, 9, 0), at(2026, 11, 30, 23, 0), at(2025, 12, 31, 23, 0)} {
			if err := tx.Create(&announce.Announcement{Title: "通知", Body: "内容", AuthorID: q.admin.ID, CreatedAt: c, UpdatedAt: c}).Error; err != nil {
				return err
			}
		}

		trip := func(d store.Date, status shuttle.TripStatus, delay int) shuttle.ShuttleTrip {
			return shuttle.ShuttleTrip{ScheduleID: schedule.ID, RouteID: route.ID, ServiceDate: d, DepartureAt: d.At(7, 30, loc),
				StopMinutes: store.Ints{0, 20}, Status: status, DelayMinutes: delay, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		}
		trips := []shuttle.ShuttleTrip{
			trip(day(2026, 6, 1), shuttle.TripArrived, 0),
			trip(day(2026, 6, 2), shuttle.TripArrived, 5), // still on time
			trip(day(2026, 6, 3), shuttle.TripDeparted, 9),
			trip(day(2026, 6, 4), shuttle.TripCancelled, 0),
			trip(day(2026, 6, 5), shuttle.TripScheduled, 0),
			trip(day(2025, 12, 31), shuttle.TripArrived, 0),
		}
		return tx.Create(&trips).Error
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReportSummary(t *testing.T) {
	q := newQuality(t)
	env := q.env
	reportRecords(t, q)
	env.Clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, env.Store.Location))
	resp := env.Get("/api/v1/reports/summary?from=2026-01-01&to=2026-11-30", q.admin.Token)
	apitest.Expect(t, resp, http.StatusOK)
	var got handlers.ReportOut
	resp.JSON(t, &got)
	want := handlers.ReportOut{
		From: store.Date{Year: 2026, Month: 1, Day: 1}, To: store.Date{Year: 2026, Month: 11, Day: 30},
		LargeMeetingMinimum: 50, OnTimeDelayMinutes: 5,
		Meetings: handlers.ReportMeetingsOut{Hosted: 3, Large: 2, Attendees: 150},
		Meals: handlers.ReportMealsOut{Registrations: 7, WorkingDays: 3, PerWorkingDay: 2.3, Dishes: 2, DishServings: 3,
			Months: []handlers.ReportMonthMealsOut{{Month: "2026-01", Registrations: 5, WorkingDays: 2, PerWorkingDay: 2.5},
				{Month: "2026-02", Registrations: 2, WorkingDays: 1, PerWorkingDay: 2}}},
		Repairs: handlers.ReportRepairsOut{Total: 4, Resolved: 3, MedianResponseMinutes: 20, MedianResolutionMinutes: 120,
			CallbackRate: 0.667, Rated: 2, Satisfaction: 4.5, Categories: []handlers.ReportRepairCategoryOut{
				{Category: "water", Total: 2, Resolved: 2, MedianResponseMinutes: 20, MedianResolutionMinutes: 90},
				{Category: "power", Total: 1, Resolved: 1, MedianResponseMinutes: 20, MedianResolutionMinutes: 200},
				{Category: "lift", Total: 1}}},
		Inspections:   handlers.ReportInspectionsOut{Held: 2, ProblemsFound: 4, ProblemsFixed: 2, Verified: 1},
		Complaints:    handlers.ReportComplaintsOut{Received: 3, Complaints: 2, Suggestions: 1, Urgent: 1, Answered: 2, AnsweredInTime: 1},
		Announcements: handlers.ReportAnnouncementsOut{Published: 2},
		Shuttle:       handlers.ReportShuttleOut{TripsRun: 3, OnTime: 2, OnTimeShare: 0.667, Cancelled: 1},
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("figures:\n got %+v\nwant %+v", got, want)
	}

	t.Run("the large-meeting threshold is the caller's", func(t *testing.T) {
		resp := env.Get("/api/v1/reports/summary?from=2026-01-01&to=2026-11-30&large_attendees=60", q.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var r handlers.ReportOut
		resp.JSON(t, &r)
		if r.Meetings.Large != 1 || r.LargeMeetingMinimum != 60 {
			t.Errorf("large meetings from 60: %+v", r.Meetings)
		}
	})
	t.Run("the default is this year to date", func(t *testing.T) {
		resp := env.Get("/api/v1/reports/summary", q.admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var r handlers.ReportOut
		resp.JSON(t, &r)
		if r.From.String() != "2026-01-01" || r.To.String() != "2026-12-01" || r.Announcements.Published != 2 {
			t.Errorf("default period %s..%s, announcements %d", r.From, r.To, r.Announcements.Published)
		}
	})
	t.Run("the workbook holds the same figures, a chart on each sheet", func(t *testing.T) {
		checkReportWorkbook(t, env, q.admin.Token, got)
	})
}

// checkReportWorkbook downloads the workbook of the period of want and
// compares each sheet's figures with the JSON's.
func checkReportWorkbook(t *testing.T, env *apitest.Env, token string, want handlers.ReportOut) {
	t.Helper()
	resp := env.Get("/api/v1/reports/summary?from=2026-01-01&to=2026-11-30&format=xlsx", token)
	apitest.Expect(t, resp, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != handlers.XLSXType {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="houqin-report-2026-01-01_2026-11-30.xlsx"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := []string{"会务", "食堂", "报修", "督查", "投诉建议", "信息发布", "班车"}
	if got := f.GetSheetList(); fmt.Sprint(got) != fmt.Sprint(sheets) {
		t.Fatalf("sheets %v, want %v", got, sheets)
	}
	// value finds the number in column col of the row whose first cell is label.
	value := func(sheet, label string, col int) float64 {
		t.Helper()
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if len(r) > col && r[0] == label {
				v, err := strconv.ParseFloat(r[col], 64)
				if err != nil {
					t.Fatalf("%s %s: %v", sheet, label, err)
				}
				return v
			}
		}
		t.Fatalf("sheet %s has no row %s", sheet, label)
		return 0
	}
	m, meals, r, ins, cm, sh := want.Meetings, want.Meals, want.Repairs, want.Inspections, want.Complaints, want.Shuttle
	type cell struct {
		sheet, label string
		col          int
		want         float64
	}
	checks := []cell{
		{"会务", "召开会议", 1, float64(m.Hosted)}, {"会务", "大型会议(50人及以上)", 1, float64(m.Large)}, {"会务", "参会人次", 1, float64(m.Attendees)},
		{"食堂", "合计", 1, float64(meals.Registrations)}, {"食堂", "合计", 2, float64(meals.WorkingDays)}, {"食堂", "合计", 3, meals.PerWorkingDay},
		{"食堂", "供应菜品种数", 1, float64(meals.Dishes)}, {"食堂", "菜品供应次数", 1, float64(meals.DishServings)},
		{"报修", "合计", 1, float64(r.Total)}, {"报修", "合计", 2, float64(r.Resolved)}, {"报修", "合计", 3, r.MedianResponseMinutes},
		{"报修", "合计", 4, r.MedianResolutionMinutes}, {"报修", "回访率", 1, r.CallbackRate}, {"报修", "评价数", 1, float64(r.Rated)},
		{"报修", "平均满意度(1-5)", 1, r.Satisfaction},
		{"督查", "督查次数", 1, float64(ins.Held)}, {"督查", "发现问题", 1, float64(ins.ProblemsFound)},
		{"督查", "已整改", 1, float64(ins.ProblemsFixed)}, {"督查", "已复核", 1, float64(ins.Verified)},
		{"投诉建议", "收到", 1, float64(cm.Received)}, {"投诉建议", "投诉", 1, float64(cm.Complaints)}, {"投诉建议", "建议", 1, float64(cm.Suggestions)},
		{"投诉建议", "加急", 1, float64(cm.Urgent)}, {"投诉建议", "已答复", 1, float64(cm.Answered)}, {"投诉建议", "按时答复", 1, float64(cm.AnsweredInTime)},
		{"信息发布", "发布公告", 1, float64(want.Announcements.Published)},
		{"班车", "运行班次", 1, float64(sh.TripsRun)}, {"班车", "准点班次(晚点不超过5分钟)", 1, float64(sh.OnTime)},
		{"班车", "取消班次", 1, float64(sh.Cancelled)}, {"班车", "准点率", 1, sh.OnTimeShare},
	}
	for _, mm := range meals.Months {
		checks = append(checks, cell{"食堂", mm.Month, 1, float64(mm.Registrations)}, cell{"食堂", mm.Month, 3, mm.PerWorkingDay})
	}
	names := map[string]string{"water": "水", "power": "电", "lift": "电梯"}
	for _, c := range r.Categories {
		for col, v := range []float64{float64(c.Total), float64(c.Resolved), c.MedianResponseMinutes, c.MedianResolutionMinutes} {
			checks = append(checks, cell{"报修", names[string(c.Category)], col + 1, v})
		}
	}
	for _, c := range checks {
		if got := value(c.sheet, c.label, c.col); got != c.want {
			t.Errorf("%s %s column %d = %v, the JSON says %v", c.sheet, c.label, c.col, got, c.want)
		}
	}
	for _, s := range sheets {
		if charts := chartsOn(t, f, s); charts != 1 {
			t.Errorf("sheet %s has %d charts", s, charts)
		}
	}
}

// chartsOn counts the charts drawn on a sheet, following the package's
// relationships: workbook → sheet → drawing → charts.
func chartsOn(t *testing.T, f *excelize.File, sheet string) int {
	t.Helper()
	part := func(name string) []byte {
		v, ok := f.Pkg.Load(name)
		if !ok {
			return nil
		}
		return v.([]byte)
	}
	type rel struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
	}
	rels := func(name string) []rel {
		var doc struct {
			Rels []rel `xml:"Relationship"`
		}
		if err := xml.Unmarshal(part(name), &doc); err != nil && part(name) != nil {
			t.Fatal(err)
		}
		return doc.Rels
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(part("xl/workbook.xml"), &wb); err != nil {
		t.Fatal(err)
	}
	var sheetPath string
	for _, s := range wb.Sheets {
		for _, r := range rels("xl/_rels/workbook.xml.rels") {
			if s.Name == sheet && r.ID == s.RID {
				sheetPath = path.Join("xl", r.Target)
			}
		}
	}
	charts := 0
	for _, d := range rels(path.Join(path.Dir(sheetPath), "_rels", path.Base(sheetPath)+".rels")) {
		drawing := path.Join(path.Dir(sheetPath), d.Target)
		for _, c := range rels(path.Join(path.Dir(drawing), "_rels", path.Base(drawing)+".rels")) {
			if strings.Contains(c.Target, "charts/chart") && part(path.Join(path.Dir(drawing), c.Target)) != nil {
				charts++
			}
		}
	}
	return charts
}

func TestReportSummaryRefusals(t *testing.T) {
	env := apitest.New(t)
	admin, staff := env.NewUser(store.RoleAdmin), env.NewUser(store.RoleDispatcher, store.RoleInspector)
	env.Clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, env.Store.Location))
	for _, tc := range []struct {
		name, query string
		token       string
		status      int
		code        string
	}{
		{"not an admin", "", staff.Token, http.StatusForbidden, "forbidden"},
		{"not an admin, workbook", "?format=xlsx", staff.Token, http.StatusForbidden, "forbidden"},
		{"to before from", "?from=2026-06-01&to=2026-05-31", admin.Token, http.StatusBadRequest, "validation_failed"},
		{"more than 366 days", "?from=2025-01-01&to=2026-01-02", admin.Token, http.StatusBadRequest, "validation_failed"},
		{"not a date", "?from=2026-13-01", admin.Token, http.StatusBadRequest, "validation_failed"},
		{"no threshold", "?large_attendees=0", admin.Token, http.StatusBadRequest, "validation_failed"},
		{"a threshold that is no number", "?large_attendees=many", admin.Token, http.StatusBadRequest, "validation_failed"},
		{"an unknown format", "?format=pdf", admin.Token, http.StatusBadRequest, "validation_failed"},
		{"366 days is a leap year", "?from=2028-01-01&to=2028-12-31", admin.Token, http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := env.Get("/api/v1/reports/summary"+tc.query, tc.token)
			if tc.code == "" {
				apitest.Expect(t, resp, tc.status)
			} else {
				apitest.Expect(t, resp, tc.status, tc.code)
			}
		})
	}
}

// weekdayLine makes the 政法班车 route with one weekday departure at 07:30
// and returns the ids of the route and of its schedule.
func weekdayLine(t testing.TB, q *quality) (route, schedule struct{ ID int64 }) {
	t.Helper()
	resp := q.env.Post("/api/v1/shuttle/routes", q.admin.Token, map[string]any{"name": "政法班车", "stops": []map[string]any{
		{"name": "湖塘", "lat": 31.70, "lng": 119.95}, {"name": "区行政中心", "lat": 31.76, "lng": 119.95}}})
	apitest.Expect(t, resp, http.StatusCreated)
	resp.JSON(t, &route)
	resp = q.env.Post(apitest.Path("/api/v1/shuttle/routes/%d/schedules", route.ID), q.admin.Token, map[string]any{
		"departure": "07:30", "stop_minutes": []int{0, 20}, "weekdays": []int{1, 2, 3, 4, 5}, "vehicle_plate": "苏D·A3721", "vehicle_seats": 33})
	apitest.Expect(t, resp, http.StatusCreated)
	resp.JSON(t, &schedule)
	return route, schedule
}
