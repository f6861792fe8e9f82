package shuttle

import (
	"fmt"
	"time"

	"houqin/models/store"
)

// ShuttleRoute is a bus line (线路) with its stops in order.
type ShuttleRoute struct {
	ID        int64  `gorm:"primaryKey"`
	Name      string `gorm:"size:100"`
	Color     string `gorm:"size:7"`
	Active    bool
	Stops     []ShuttleStop `gorm:"foreignKey:RouteID"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ShuttleStop is one stop of a route; Seq orders the stops from 0.
type ShuttleStop struct {
	ID        int64 `gorm:"primaryKey"`
	RouteID   int64
	Seq       int
	Name      string `gorm:"size:100"`
	Lat       float64
	Lng       float64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Weekdays is a set of ISO weekdays (1 = Monday … 7 = Sunday) kept as a
// bitmask, so "runs on weekday w" is one `weekdays & (1<<w)` test in SQL.
type Weekdays int

// WeekdaysOf builds the set from ISO weekday numbers.
func WeekdaysOf(days ...int) Weekdays {
	var w Weekdays
	for _, d := range days {
		w |= 1 << d
	}
	return w
}

// Has reports whether ISO weekday d is in the set.
func (w Weekdays) Has(d int) bool { return w&(1<<d) != 0 }

// List returns the ISO weekday numbers in order.
func (w Weekdays) List() []int {
	out := []int{}
	for d := 1; d <= 7; d++ {
		if w.Has(d) {
			out = append(out, d)
		}
	}
	return out
}

// ShuttleSchedule is one timetabled run of a route: its departure time,
// the minutes from departure to each stop, the vehicle, the default driver
// and the weekdays it runs (the service calendar may move those).
type ShuttleSchedule struct {
	ID              int64 `gorm:"primaryKey"`
	RouteID         int64
	DepartureMinute int        // minutes after local midnight
	StopMinutes     store.Ints `gorm:"type:text"`
	Weekdays        Weekdays
	VehiclePlate    string `gorm:"size:20"`
	VehicleSeats    int
	DriverID        *int64
	Active          bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Clock returns the departure as "07:20".
func (s ShuttleSchedule) Clock() string { return ClockOf(s.DepartureMinute) }

// ClockOf formats minutes after midnight as "hh:mm".
func ClockOf(minute int) string { return fmt.Sprintf("%02d:%02d", minute/60, minute%60) }

// ParseClock reads "hh:mm" (00:00-23:59) as minutes after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("must be a time hh:mm")
	}
	return t.Hour()*60 + t.Minute(), nil
}

// ParseDeparture reads a schedule's departure as an admin enters it,
// "hh:mm", answering a bad one as the departure field's error.
func ParseDeparture(s string) (int, error) {
	m, err := ParseClock(s)
	if err != nil {
		return 0, store.InvalidField("departure", "must be a time HH:MM, such as 07:30")
	}
	return m, nil
}

// ShuttleCalendarDay is a date exception of the service calendar: a holiday
// with no service, or a moved workday (调休) that runs the timetable of
// weekday RunsAs.
type ShuttleCalendarDay struct {
	Date      store.Date `gorm:"primaryKey"`
	NoService bool
	RunsAs    int    // ISO weekday whose timetable runs; 0 with NoService
	Note      string `gorm:"size:100"`
	UpdatedAt time.Time
}

// TripStatus is where a dated trip stands.
type TripStatus string

// Trip statuses, in the order a trip goes through them.
const (
	TripScheduled TripStatus = "scheduled"
	TripBoarding  TripStatus = "boarding"
	TripDeparted  TripStatus = "departed"
	TripArrived   TripStatus = "arrived"
	TripCancelled TripStatus = "cancelled"
)

// TripStatuses lists the statuses in order.
var TripStatuses = []TripStatus{TripScheduled, TripBoarding, TripDeparted, TripArrived, TripCancelled}

// Enum lists the trip statuses (store.Enumerated).
func (TripStatus) Enum() []string { return store.Strings(TripStatuses) }

// ShuttleTrip is one schedule on one service date (a dated trip). It is
// created from the timetable the first time anyone asks for that date.
type ShuttleTrip struct {
	ID           int64 `gorm:"primaryKey"`
	ScheduleID   int64
	ServiceDate  store.Date
	RouteID      int64
	DepartureAt  time.Time  // timetabled departure from the first stop
	StopMinutes  store.Ints `gorm:"type:text"`
	DriverID     *int64
	VehiclePlate string `gorm:"size:20"`
	VehicleSeats int
	Status       TripStatus `gorm:"size:10"`
	DelayMinutes int
	Reason       string `gorm:"size:200"`
	// AlertedDelay is the delay followers were last told about, so a
	// growing delay is announced again only after 5 more minutes.
	AlertedDelay   int
	DepartedAt     *time.Time
	ArrivedAt      *time.Time
	LastLat        *float64
	LastLng        *float64
	LastSpeed      *float64
	LastHeading    *float64
	LastPositionAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ShuttlePosition is one GPS fix a driver's phone reported for a trip.
type ShuttlePosition struct {
	ID         int64 `gorm:"primaryKey"`
	TripID     int64
	RecordedAt time.Time
	Lat        float64
	Lng        float64
	Speed      *float64
	Heading    *float64
	CreatedAt  time.Time
}

// ShuttleRouteFollow is a user following a route (delays, cancellations, departures).
type ShuttleRouteFollow struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	RouteID   int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
}

// ShuttleStopFollow is a user waiting at a stop who wants a push when the
// next bus is MinutesBefore away.
type ShuttleStopFollow struct {
	UserID        int64 `gorm:"primaryKey;autoIncrement:false"`
	StopID        int64 `gorm:"primaryKey;autoIncrement:false"`
	RouteID       int64
	MinutesBefore int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ShuttleStopAlert records that a stop follower was told about a trip, so
// each trip alerts each follower once (the unique key is the claim).
type ShuttleStopAlert struct {
	TripID    int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	StopID    int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
}

// TopicRoute is the live-stream topic of a route's trips.
func TopicRoute(id int64) string { return fmt.Sprintf("route:%d", id) }
