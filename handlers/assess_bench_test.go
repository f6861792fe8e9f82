package handlers_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// BenchmarkAssessmentMonth computes a live month for six teams over a year
// of records at the centre's scale: 3,000 repairs, 37,500 dish ratings
// (150 a working day), 730 shuttle trips (a daily one on each of two routes), 442 inspection
// problems and 240 complaints.
//
//	go test ./handlers/ -run '^$' -bench AssessmentMonth -benchtime 20x
//	HOUQIN_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' go test ./handlers/ -run '^$' -bench AssessmentMonth -benchtime 20x
func BenchmarkAssessmentMonth(b *testing.B) {
	quiet(b)
	env := apitest.New(b)
	admin := env.NewUser(store.RoleAdmin)
	staff := env.NewUser()
	loc := env.Store.Location
	day := func(i int) time.Time { return time.Date(2026, 1, 1, 9, 0, 0, 0, loc).AddDate(0, 0, i%365) }
	raters := make([]int64, 150)
	for i := range raters {
		raters[i] = env.NewUser().ID
	}
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		var route, sched [2]int64
		for i := range route {
			if err := tx.Exec("INSERT INTO shuttle_routes (name, color, active, created_at, updated_at) VALUES (?, '', ?, ?, ?)",
				fmt.Sprintf("线路%d", i), true, tx.Now, tx.Now).Error; err != nil {
				return err
			}
			if err := tx.Raw("SELECT MAX(id) FROM shuttle_routes").Scan(&route[i]).Error; err != nil {
				return err
			}
			if err := tx.Exec(`INSERT INTO shuttle_schedules (route_id, departure_minute, stop_minutes, weekdays, vehicle_plate, vehicle_seats, active, created_at, updated_at)
				VALUES (?, 450, '0,20', 31, '', 30, ?, ?, ?)`, route[i], true, tx.Now, tx.Now).Error; err != nil {
				return err
			}
			if err := tx.Raw("SELECT MAX(id) FROM shuttle_schedules").Scan(&sched[i]).Error; err != nil {
				return err
			}
		}
		teams := []struct {
			name  string
			areas [][2]string
		}{
			{"维修班", [][2]string{{"repair_category", "water"}, {"repair_category", "power"}, {"repair_category", "air_conditioning"}}},
			{"弱电班", [][2]string{{"repair_category", "network"}, {"repair_category", "telecom"}}},
			{"食堂", [][2]string{{"canteen", "1"}}},
			{"班车", [][2]string{{"shuttle_route", fmt.Sprint(route[0])}, {"shuttle_route", fmt.Sprint(route[1])}}},
			{"保洁绿化", nil}, {"安保", nil},
		}
		var teamIDs []int64
		for _, t := range teams {
			if err := tx.Exec("INSERT INTO teams (name, created_at, updated_at) VALUES (?, ?, ?)", t.name, tx.Now, tx.Now).Error; err != nil {
				return err
			}
			var id int64
			if err := tx.Raw("SELECT MAX(id) FROM teams").Scan(&id).Error; err != nil {
				return err
			}
			teamIDs = append(teamIDs, id)
			for _, a := range t.areas {
				if err := tx.Exec("INSERT INTO team_areas (team_id, kind, value) VALUES (?, ?, ?)", id, a[0], a[1]).Error; err != nil {
					return err
				}
			}
		}
		cats := []repair.Category{"water", "power", "air_conditioning", "network", "telecom", "lift"}
		repairs := make([]repair.Repair, 3000)
		for i := range repairs {
			c := day(i * 365 / len(repairs))
			resolved, assigned := c.Add(time.Duration(2+i%30)*time.Hour), c.Add(time.Duration(10+i%150)*time.Minute)
			repairs[i] = repair.Repair{Ticket: fmt.Sprintf("BX-%08d", i), RequesterID: staff.ID, EnteredByID: staff.ID, Category: cats[i%len(cats)],
				Priority: "normal", Location: "1号楼", Description: "x", Status: repair.RepairClosed, RespondBy: c.Add(2 * time.Hour),
				DueAt: c.Add(24 * time.Hour), FirstAssignedAt: &assigned, ResolvedAt: &resolved, Attitude: 3 + i%3, Quality: 4, Cleanliness: 5,
				FeedbackSource: "callback", CreatedAt: c, UpdatedAt: c}
		}
		if err := tx.CreateInBatches(&repairs, 500).Error; err != nil {
			return err
		}
		dish := canteen.Dish{Name: "红烧肉", Category: "meat", PriceCents: 1200, Active: true}
		if err := tx.Create(&dish).Error; err != nil {
			return err
		}
		ratings := make([]canteen.DishRating, 0, 37500)
		for d := 0; len(ratings) < cap(ratings); d++ {
			served := store.DateOf(day(d), loc)
			if served.ISOWeekday() > 5 {
				continue
			}
			for _, u := range raters {
				ratings = append(ratings, canteen.DishRating{DishID: dish.ID, UserID: u, ServedOn: served, Score: 1 + len(ratings)%5,
					CreatedAt: day(d), UpdatedAt: day(d)})
			}
		}
		if err := tx.CreateInBatches(&ratings, 1000).Error; err != nil {
			return err
		}
		trips := make([]shuttle.ShuttleTrip, 0, 730)
		for i := range cap(trips) {
			r := i % 2
			trips = append(trips, shuttle.ShuttleTrip{ScheduleID: sched[r], RouteID: route[r], ServiceDate: store.DateOf(day(i/2), loc),
				DepartureAt: day(i / 2), StopMinutes: store.Ints{0, 20}, Status: "arrived", DelayMinutes: i % 9, CreatedAt: tx.Now, UpdatedAt: tx.Now})
		}
		if err := tx.CreateInBatches(&trips, 500).Error; err != nil {
			return err
		}
		for i := range 82 {
			ins := inspect.Inspection{InspectorID: admin.ID, At: day(i * 4), Building: "1号楼", Kind: inspect.KindPlanned, CreatedAt: day(i * 4)}
			if err := tx.Create(&ins).Error; err != nil {
				return err
			}
			for j := range 442/82 + 1 {
				fixed := ins.At.Add(time.Duration(24+j*12) * time.Hour)
				p := inspect.Problem{InspectionID: ins.ID, Description: "x", TeamID: teamIDs[j%len(teamIDs)], Deadline: ins.At.Add(72 * time.Hour),
					Status: inspect.StatusVerified, FixedAt: &fixed, CreatedAt: ins.At, UpdatedAt: ins.At}
				if err := tx.Create(&p).Error; err != nil {
					return err
				}
			}
		}
		complaints := make([]complaint.Complaint, 240)
		for i := range complaints {
			complaints[i] = complaint.Complaint{FilerID: staff.ID, Area: complaint.AreaOther, Kind: complaint.KindComplaint, Text: "x",
				TeamID: &teamIDs[i%len(teamIDs)], Status: complaint.StatusAccepted, DueAt: day(i), CreatedAt: day(i * 3 / 2), UpdatedAt: day(i)}
		}
		return tx.CreateInBatches(&complaints, 500).Error
	})
	if err != nil {
		b.Fatal(err)
	}
	env.Clock.Set(time.Date(2026, 11, 28, 9, 0, 0, 0, loc)) // November is the live month: computed on every call
	token, _ := env.Server.Tokens.Issue(admin.ID)
	b.ResetTimer()
	for range b.N {
		req := httptest.NewRequest("GET", "/api/v1/assessment?month=2026-11", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := env.Server.App.Test(req, -1)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err, resp.StatusCode)
		}
		resp.Body.Close()
	}
}
