package demo

import (
	"time"

	"houqin/models/meeting"
	"houqin/models/store"
)

// seedMeetings adds the centre's meeting rooms (DOMAIN.md) and a week of
// bookings, none overlapping.
func seedMeetings(tx *store.Tx, users Users) error {
	rooms := []meeting.Room{
		{Name: "1号楼一楼西侧会议室", Building: "1号楼", Floor: 1, Capacity: 30, Equipment: meeting.NameList{"microphone", "projector", "screen"}},
		{Name: "1号楼三楼第一会议室", Building: "1号楼", Floor: 3, Capacity: 60, Equipment: meeting.NameList{"microphone", "projector", "screen", "sound_system", "video_conference"}, RequiresApproval: true},
		{Name: "1号楼三楼第二会议室", Building: "1号楼", Floor: 3, Capacity: 20, Equipment: meeting.NameList{"projector", "whiteboard"}, RequiresCheckIn: true},
		{Name: "1号楼十二楼常务会议室", Building: "1号楼", Floor: 12, Capacity: 40, Equipment: meeting.NameList{"microphone", "recording", "video_conference"}, RequiresApproval: true},
		{Name: "2号楼一楼多功能厅", Building: "2号楼", Floor: 1, Capacity: 200, Equipment: meeting.NameList{"microphone", "projector", "recording", "screen", "sound_system"}, RequiresApproval: true, RequiresCheckIn: true},
		{Name: "3号楼五楼小会议室", Building: "3号楼", Floor: 5, Capacity: 10, Equipment: meeting.NameList{"whiteboard"}, RequiresCheckIn: true},
	}
	for i := range rooms {
		rooms[i].OpenFrom, rooms[i].OpenTo, rooms[i].HorizonDays, rooms[i].Active = "08:00", "21:00", meeting.DefaultHorizonDays, true
	}
	if err := tx.Create(&rooms).Error; err != nil {
		return err
	}
	loc := tx.Location()
	today := store.DateOf(tx.Now, loc)
	type demo struct {
		room, day, hour, minutes int
		who, title               string
		attendees                int
		services                 meeting.NameList
		status                   meeting.BookingStatus
	}
	plan := []demo{
		{0, 1, 9, 90, "staff", "发改局月度工作例会", 18, meeting.NameList{"tea", "projector"}, meeting.BookingApproved},
		{1, 1, 14, 120, "staff", "全区优化营商环境推进会", 55, meeting.NameList{"banner", "name_plates", "tea", "video_conference"}, meeting.BookingApproved},
		{2, 2, 10, 60, "dispatcher", "报修服务季度分析会", 8, meeting.NameList{"water"}, meeting.BookingApproved},
		{4, 3, 9, 180, "admin", "区机关事务管理工作会议", 150, meeting.NameList{"banner", "etiquette", "flowers", "microphone", "name_plates", "tea"}, meeting.BookingPending},
		{3, 4, 15, 60, "meeting_admin", "会务服务保障协调会", 12, meeting.NameList{"tea"}, meeting.BookingApproved},
		{5, 5, 16, 45, "staff", "项目申报材料讨论", 5, meeting.NameList{}, meeting.BookingApproved},
		{0, 5, 9, 60, "canteen_admin", "机关食堂菜品征求意见座谈会", 25, meeting.NameList{"tea"}, meeting.BookingApproved},
	}
	bookings := make([]meeting.Booking, len(plan))
	for i, p := range plan {
		start := today.AddDays(p.day).At(p.hour, 0, loc).UTC()
		r := rooms[p.room]
		bookings[i] = meeting.Booking{RoomID: r.ID, OrganizerID: users[p.who], Title: p.title, StartAt: start,
			EndAt: start.Add(time.Duration(p.minutes) * time.Minute), Attendees: p.attendees, Services: p.services, Status: p.status,
			CheckInRequired: r.RequiresCheckIn}
	}
	return tx.Create(&bookings).Error
}
