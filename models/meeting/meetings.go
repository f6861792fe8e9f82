package meeting

import (
	"database/sql/driver"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// Meeting rooms (会务), in short: the desk (meeting_admin) manages rooms;
// staff search free rooms and book them, singly or as a daily/weekly series
// (all or nothing). A booking is approved at once, or pending until the desk
// approves or rejects it where the room requires approval. Pending and
// approved bookings of one room never overlap: every writer locks the room
// row first, then checks, then inserts. Organisers get a reminder 30 minutes
// before the start; rooms may require a check-in, without which the booking
// is released 15 minutes after the start. Each user can subscribe a phone
// calendar to a secret iCalendar URL of their bookings.

// Room is a bookable meeting room (会议室).
type Room struct {
	ID               int64  `gorm:"primaryKey"`
	Name             string `gorm:"size:100"`
	Building         string `gorm:"size:50"`
	Floor            int
	Capacity         int
	Equipment        NameList `gorm:"type:text"`
	PhotoURL         string   `gorm:"size:500"`
	RequiresApproval bool     // bookings start pending until the desk approves
	RequiresCheckIn  bool     // bookings not checked in 15 minutes after start are released
	OpenFrom         string   `gorm:"size:5"` // local "HH:MM"
	OpenTo           string   `gorm:"size:5"` // local "HH:MM"
	HorizonDays      int      // how many days ahead a booking may start
	Active           bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// BookingStatus is where a booking stands.
type BookingStatus string

const (
	BookingPending   BookingStatus = "pending"
	BookingApproved  BookingStatus = "approved"
	BookingRejected  BookingStatus = "rejected"
	BookingCancelled BookingStatus = "cancelled"
	BookingReleased  BookingStatus = "released"
)

// holdsRoom are the statuses that occupy a room: two such bookings of one
// room never overlap.
var holdsRoom = []BookingStatus{BookingPending, BookingApproved}

// Booking is one reservation of a room for a half-open interval [StartAt, EndAt).
type Booking struct {
	ID              int64 `gorm:"primaryKey"`
	RoomID          int64
	OrganizerID     int64
	SeriesID        *int64
	Title           string `gorm:"size:200"`
	StartAt         time.Time
	EndAt           time.Time
	Attendees       int
	Services        NameList      `gorm:"type:text"`
	Note            string        `gorm:"size:500"`
	Status          BookingStatus `gorm:"size:10"`  // indexed with start_at for the sweeps: few rows are pending
	Reason          string        `gorm:"size:500"` // why it was rejected, cancelled or released
	CheckInRequired bool          // copied from the room when booked or moved
	CheckedInAt     *time.Time
	RemindedAt      *time.Time // set once by whichever replica sends the reminder
	DecidedBy       *int64
	CreatedAt       time.Time
	UpdatedAt       time.Time

	Room      *Room        `gorm:"foreignKey:RoomID"`
	Organizer *people.User `gorm:"foreignKey:OrganizerID"`
}

// BookingSeries groups the occurrences of a recurring meeting.
type BookingSeries struct {
	ID          int64 `gorm:"primaryKey"`
	OrganizerID int64
	RoomID      int64
	Frequency   string     `gorm:"size:10"` // daily or weekly
	LastDate    store.Date // the series ends on or before this local date
	Occurrences int
	CreatedAt   time.Time
}

// CalendarFeed is a user's secret iCalendar subscription token, stored
// hashed. Rotating it replaces the hash, which revokes the old URL.
type CalendarFeed struct {
	UserID    int64  `gorm:"primaryKey;autoIncrement:false"`
	TokenHash string `gorm:"size:64"`
	CreatedAt time.Time
}

// Equipment rooms may have, and services organisers may ask the desk for.
var (
	RoomEquipment   = []string{"projector", "screen", "video_conference", "microphone", "sound_system", "whiteboard", "recording"}
	BookingServices = []string{"tea", "water", "name_plates", "banner", "projector", "video_conference", "microphone", "etiquette", "flowers", "photography"}
)

// serviceNeeds maps services that only work with the room's own equipment.
var serviceNeeds = map[string]string{"projector": "projector", "video_conference": "video_conference", "microphone": "microphone"}

// Booking rules (DESIGN.md, Meeting rooms).
const (
	MinBookingDuration  = 15 * time.Minute
	CheckInOpensBefore  = 10 * time.Minute
	CheckInClosesAfter  = 15 * time.Minute
	ReminderBefore      = 30 * time.Minute
	MaxOccurrences      = 52
	DefaultHorizonDays  = 90
	maxBookingSpan      = 24 * time.Hour // a booking lies within one day's opening hours
	bookingDeepLinkType = "booking"
)

// NameList is a short list of names stored as a JSON array, so that
// `LIKE '%"projector"%'` finds rooms with an item.
type NameList []string

func (l NameList) Value() (driver.Value, error) {
	if l == nil {
		l = NameList{}
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}

func (l *NameList) Scan(src any) error {
	*l = NameList{}
	return store.ScanJSON(src, l)
}

// normalizeNameList sorts and de-duplicates names and checks them against allowed.
func normalizeNameList(field string, names, allowed []string) (NameList, error) {
	out := slices.Clone(names)
	slices.Sort(out)
	out = slices.Compact(out)
	for _, n := range out {
		if !slices.Contains(allowed, n) {
			return nil, store.InvalidField(field, "%q is not one of: %s", n, strings.Join(allowed, ", "))
		}
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// openingMinutes parses a local "HH:MM" into minutes after midnight; "24:00"
// means the end of the day.
func openingMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m > 0) {
		return 0, false
	}
	return h*60 + m, true
}

// localMinutes is t's local wall-clock time in minutes after midnight.
func localMinutes(t time.Time, loc *time.Location) int {
	l := t.In(loc)
	return l.Hour()*60 + l.Minute()
}

func bookingLink(b *Booking) notify.StringMap {
	return notify.StringMap{"type": bookingDeepLinkType, "id": strconv.FormatInt(b.ID, 10), "status": string(b.Status)}
}
