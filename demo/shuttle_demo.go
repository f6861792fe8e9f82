package demo

import (
	"houqin/models/people"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// seedShuttle adds the 政法班车 line and the line to 科创中心 with a
// working-day timetable, a holiday and a moved workday (调休), and a
// second demo driver (same password as the others) for the second line.
func seedShuttle(tx *store.Tx, users Users) error {
	var hash string
	if err := tx.Model(&people.User{}).Where("id = ?", users["driver"]).Pluck("password_hash", &hash).Error; err != nil {
		return err
	}
	driver2 := people.User{Username: "driver2", Name: "王卫东", Department: "后勤服务中心车队", Phone: "86310208",
		Roles: store.Roles{store.RoleStaff, store.RoleDriver}, Active: true, PasswordHash: hash}
	if err := tx.Create(&driver2).Error; err != nil {
		return err
	}
	workdays := shuttle.WeekdaysOf(1, 2, 3, 4, 5)
	lines := []struct {
		route  shuttle.ShuttleRoute
		runs   []shuttle.ScheduleInput
		driver int64
	}{
		{shuttle.ShuttleRoute{Name: "政法班车", Color: "#c8102e", Active: true, Stops: []shuttle.ShuttleStop{
			{Name: "湖塘公交枢纽", Lat: 31.7312, Lng: 119.9489},
			{Name: "武进区人民法院", Lat: 31.7186, Lng: 119.9420},
			{Name: "武进区人民检察院", Lat: 31.7125, Lng: 119.9467},
			{Name: "武进公安分局", Lat: 31.7079, Lng: 119.9512},
			{Name: "区行政中心", Lat: 31.7022, Lng: 119.9583},
		}}, []shuttle.ScheduleInput{
			{DepartureMinute: 7*60 + 20, StopMinutes: store.Ints{0, 8, 13, 18, 25}, VehiclePlate: "苏D·A3721", VehicleSeats: 33},
			{DepartureMinute: 7*60 + 50, StopMinutes: store.Ints{0, 8, 13, 18, 25}, VehiclePlate: "苏D·A3721", VehicleSeats: 33},
		}, users["driver"]},
		{shuttle.ShuttleRoute{Name: "科创中心专线", Color: "#1677ff", Active: true, Stops: []shuttle.ShuttleStop{
			{Name: "区行政中心", Lat: 31.7022, Lng: 119.9583},
			{Name: "武进高新区管委会", Lat: 31.6838, Lng: 119.9641},
			{Name: "常州科教城", Lat: 31.6790, Lng: 119.9560},
			{Name: "科创中心", Lat: 31.6702, Lng: 119.9620},
		}}, []shuttle.ScheduleInput{
			{DepartureMinute: 8*60 + 30, StopMinutes: store.Ints{0, 12, 18, 25}, VehiclePlate: "苏D·B6058", VehicleSeats: 19},
			{DepartureMinute: 13*60 + 30, StopMinutes: store.Ints{0, 12, 18, 25}, VehiclePlate: "苏D·B6058", VehicleSeats: 19},
		}, driver2.ID},
	}
	for _, l := range lines {
		r := l.route
		for i := range r.Stops {
			r.Stops[i].Seq = i
		}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		for _, in := range l.runs {
			sc := shuttle.ShuttleSchedule{RouteID: r.ID, DepartureMinute: in.DepartureMinute, StopMinutes: in.StopMinutes,
				Weekdays: workdays, VehiclePlate: in.VehiclePlate, VehicleSeats: in.VehicleSeats, DriverID: &l.driver, Active: true}
			if err := tx.Create(&sc).Error; err != nil {
				return err
			}
		}
	}
	days := []shuttle.ShuttleCalendarDay{
		{Date: store.Date{Year: 2027, Month: 1, Day: 1}, NoService: true, Note: "元旦"},
		{Date: store.Date{Year: 2027, Month: 2, Day: 20}, RunsAs: 5, Note: "春节调休上班（按周五班次）"},
	}
	return tx.Create(&days).Error
}
