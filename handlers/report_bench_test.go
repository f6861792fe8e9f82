package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/announce"
	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/meeting"
	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// BenchmarkReportSummary computes the yearly report over 2026 at the
// centre's scale, written in bulk: about 325,000 meal registrations (1,300
// a working day), 750 published menus of 8 dishes, 460 meetings, 3,000
// repairs, 82 inspections with 442 problems, 240 complaints, 525
// announcements and 730 shuttle trips; as JSON and as a workbook.
//
//	go test ./handlers/ -run '^$' -bench ReportSummary -benchtime 10x
//	HOUQIN_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' go test ./handlers/ -run '^$' -bench ReportSummary -benchtime 10x
func BenchmarkReportSummary(b *testing.B) {
	quiet(b)
	env := apitest.New(b)
	admin := env.NewUser(store.RoleAdmin)
	loc := env.Store.Location
	var workdays []store.Date
	for d := (store.Date{Year: 2026, Month: 1, Day: 1}); d.Year == 2026; d = d.AddDays(1) {
		if d.ISOWeekday() <= 5 {
			workdays = append(workdays, d)
		}
	}
	at := func(i int) time.Time { return workdays[i%len(workdays)].At(9, 0, loc).UTC() }
	q := &quality{env: env, admin: admin}
	route, schedule := weekdayLine(b, q)
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		staff := make([]people.User, 1300)
		for i := range staff {
			staff[i] = people.User{Username: fmt.Sprintf("bench%04d", i), Name: "职工", Roles: store.Roles{store.RoleStaff}, Active: true}
		}
		if err := tx.CreateInBatches(&staff, 500).Error; err != nil {
			return err
		}
		hall := canteen.Canteen{Name: "机关食堂", Meals: canteen.DefaultMealSchedules}
		if err := tx.Create(&hall).Error; err != nil {
			return err
		}
		regs := make([]canteen.MealRegistration, 0, len(workdays)*len(staff))
		for _, d := range workdays {
			for _, u := range staff {
				regs = append(regs, canteen.MealRegistration{CanteenID: hall.ID, Date: d, Meal: canteen.Lunch, UserID: u.ID,
					UserName: u.Name, CreatedAt: tx.Now})
			}
		}
		if err := tx.CreateInBatches(&regs, 2000).Error; err != nil {
			return err
		}
		dishes := make([]canteen.Dish, 40)
		for i := range dishes {
			dishes[i] = canteen.Dish{Name: fmt.Sprintf("菜%d", i), Category: "meat", PriceCents: 1200, Active: true}
		}
		if err := tx.Create(&dishes).Error; err != nil {
			return err
		}
		var items []canteen.MenuItem
		for i, d := range workdays {
			for j, meal := range []canteen.Meal{canteen.Breakfast, canteen.Lunch, canteen.Dinner} {
				menu := canteen.Menu{CanteenID: hall.ID, Date: d, Meal: meal, Status: canteen.MenuPublished}
				if err := tx.Create(&menu).Error; err != nil {
					return err
				}
				for k := range 8 {
					items = append(items, canteen.MenuItem{MenuID: menu.ID, DishID: dishes[(i*3+j+k*5)%len(dishes)].ID, Position: k})
				}
			}
		}
		if err := tx.CreateInBatches(&items, 1000).Error; err != nil {
			return err
		}
		room := meeting.Room{Name: "1号楼三楼第一会议室", Building: "1号楼", Floor: 3, Capacity: 200, OpenFrom: "08:00", OpenTo: "21:00", Active: true}
		if err := tx.Create(&room).Error; err != nil {
			return err
		}
		bookings := make([]meeting.Booking, 460)
		for i := range bookings {
			s := at(i).Add(time.Duration(i%4) * 2 * time.Hour)
			bookings[i] = meeting.Booking{RoomID: room.ID, OrganizerID: admin.ID, Title: "会议", StartAt: s, EndAt: s.Add(time.Hour),
				Attendees: 10 + i%100, Status: meeting.BookingApproved, CreatedAt: s, UpdatedAt: s}
		}
		if err := tx.CreateInBatches(&bookings, 500).Error; err != nil {
			return err
		}
		cats := []repair.Category{"water", "power", "air_conditioning", "network", "telecom", "lift"}
		repairs := make([]repair.Repair, 3000)
		for i := range repairs {
			c := at(i * len(workdays) / len(repairs))
			assigned, resolved := c.Add(time.Duration(10+i%150)*time.Minute), c.Add(time.Duration(2+i%30)*time.Hour)
			repairs[i] = repair.Repair{Ticket: fmt.Sprintf("BX-%08d", i), RequesterID: admin.ID, EnteredByID: admin.ID, Category: cats[i%len(cats)],
				Priority: "normal", Location: "1号楼", Description: "x", Status: repair.RepairClosed, RespondBy: c.Add(2 * time.Hour),
				DueAt: c.Add(24 * time.Hour), FirstAssignedAt: &assigned, ResolvedAt: &resolved, Attitude: 3 + i%3, Quality: 4, Cleanliness: 5,
				FeedbackSource: "callback", CreatedAt: c, UpdatedAt: c}
		}
		if err := tx.CreateInBatches(&repairs, 500).Error; err != nil {
			return err
		}
		if err := tx.Exec("INSERT INTO teams (name, created_at, updated_at) VALUES ('维修班', ?, ?)", tx.Now, tx.Now).Error; err != nil {
			return err
		}
		var teamID int64
		if err := tx.Raw("SELECT MAX(id) FROM teams").Scan(&teamID).Error; err != nil {
			return err
		}
		for i := range 82 {
			ins := inspect.Inspection{InspectorID: admin.ID, At: at(i * 3), Building: "1号楼", Kind: inspect.KindPlanned, CreatedAt: at(i * 3)}
			if err := tx.Create(&ins).Error; err != nil {
				return err
			}
			problems := make([]inspect.Problem, 442/82+i%2)
			for j := range problems {
				problems[j] = inspect.Problem{InspectionID: ins.ID, Description: "x", TeamID: teamID, Deadline: ins.At.Add(72 * time.Hour),
					Status: inspect.StatusVerified, CreatedAt: ins.At, UpdatedAt: ins.At}
			}
			if err := tx.Create(&problems).Error; err != nil {
				return err
			}
		}
		complaints := make([]complaint.Complaint, 240)
		for i := range complaints {
			c := at(i)
			complaints[i] = complaint.Complaint{FilerID: admin.ID, Area: complaint.AreaOther, Kind: complaint.KindComplaint, Text: "x",
				TeamID: &teamID, Status: complaint.StatusAccepted, DueAt: c.Add(48 * time.Hour), CreatedAt: c, UpdatedAt: c}
		}
		if err := tx.CreateInBatches(&complaints, 500).Error; err != nil {
			return err
		}
		notices := make([]announce.Announcement, 525)
		for i := range notices {
			notices[i] = announce.Announcement{Title: "通知", Body: "内容", AuthorID: admin.ID, CreatedAt: at(i), UpdatedAt: at(i)}
		}
		if err := tx.CreateInBatches(&notices, 500).Error; err != nil {
			return err
		}
		trips := make([]shuttle.ShuttleTrip, 0, len(workdays))
		for i, d := range workdays {
			trips = append(trips, shuttle.ShuttleTrip{ScheduleID: schedule.ID, RouteID: route.ID, ServiceDate: d, DepartureAt: d.At(7, 30, loc),
				StopMinutes: store.Ints{0, 20}, Status: shuttle.TripArrived, DelayMinutes: i % 9, CreatedAt: tx.Now, UpdatedAt: tx.Now})
		}
		return tx.CreateInBatches(&trips, 500).Error
	})
	if err != nil {
		b.Fatal(err)
	}
	env.Clock.Set(time.Date(2026, 12, 31, 22, 0, 0, 0, loc))
	token, err := env.Server.Tokens.Issue(admin.ID) // the one NewUser gave has expired by now
	if err != nil {
		b.Fatal(err)
	}
	var got handlers.ReportOut
	resp := env.Get("/api/v1/reports/summary?from=2026-01-01&to=2026-12-31", token)
	apitest.Expect(b, resp, http.StatusOK)
	resp.JSON(b, &got)
	if got.Meals.Registrations != 1300*len(workdays) || got.Meetings.Hosted != 460 || got.Repairs.Total != 3000 ||
		got.Inspections.ProblemsFound != 82*(442/82)+41 || got.Announcements.Published != 525 {
		b.Fatalf("the report does not count what was written: %+v", got)
	}
	for _, format := range []string{"json", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			for range b.N {
				if s := benchDo(b, env, "GET", "/api/v1/reports/summary?from=2026-01-01&to=2026-12-31&format="+format, token, nil); s != http.StatusOK {
					b.Fatal(s)
				}
			}
		})
	}
}
