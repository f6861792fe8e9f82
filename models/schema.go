package models

// Tables lists every GORM model stored by the migrations; the schema test
// checks each column of each against the migrated database of both
// dialects. A domain adds its models here.
func Tables() []any {
	return []any{
		&User{}, &RefreshToken{}, &IdempotencyKey{},
		&Notification{}, &Device{}, &Preferences{}, &OutboxJob{},
		&Repair{}, &RepairEvent{}, &RepairPhoto{}, &RepairTarget{}, &RepairCounter{},
		&ShuttleRoute{}, &ShuttleStop{}, &ShuttleSchedule{}, &ShuttleCalendarDay{}, &ShuttleTrip{}, &ShuttlePosition{}, &ShuttleRouteFollow{}, &ShuttleStopFollow{}, &ShuttleStopAlert{},
		&Room{}, &Booking{}, &BookingSeries{}, &CalendarFeed{},
		&Canteen{}, &Dish{}, &Menu{}, &MenuItem{}, &MenuAnnouncement{}, &DishRating{}, &MealRegistration{},
		&Announcement{},
	}
}
