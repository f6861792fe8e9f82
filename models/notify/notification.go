package notify

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// Category groups notifications for the inbox filter and push preferences.
type Category string

const (
	CategoryRepair       Category = "repair"
	CategoryBooking      Category = "booking"
	CategoryMenu         Category = "menu"
	CategoryShuttle      Category = "shuttle"
	CategoryAnnouncement Category = "announcement"
	CategoryQuality      Category = "quality" // inspections and complaints
	CategorySystem       Category = "system"
)

// StringMap is a small string map stored as JSON text (deep-link data).
type StringMap map[string]string

func (m StringMap) Value() (driver.Value, error) {
	b, err := json.Marshal(map[string]string(m))
	return string(b), err
}

func (m *StringMap) Scan(src any) error {
	*m = nil
	return store.ScanJSON(src, m)
}

// Notification is one inbox entry of one user.
type Notification struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	Category  Category  `gorm:"size:20"`
	Type      string    `gorm:"size:50"`
	Title     string    `gorm:"size:200"`
	Body      string    `gorm:"size:1000"`
	Data      StringMap `gorm:"type:text"`
	ReadAt    *time.Time
	CreatedAt time.Time
}

// Device is a phone (or browser) that receives pushes for its user.
type Device struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	Token      string   `gorm:"size:255"`
	Platform   string   `gorm:"size:10"`
	Provider   Provider `gorm:"size:10;default:fcm"`
	AppVersion string   `gorm:"size:32"`
	Locale     string   `gorm:"size:16"`
	LastSeenAt time.Time
	CreatedAt  time.Time
}

// Outbox job states.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
	OutboxSkipped = "skipped"
)

// OutboxJob is one push of one notification to one device (or, with
// DeviceID 0, to the user's account on the work platform named by
// Provider), written in the
// same transaction as the change it announces and delivered after commit.
type OutboxJob struct {
	ID             int64 `gorm:"primaryKey"`
	NotificationID int64
	DeviceID       int64
	Provider       Provider `gorm:"size:10;default:fcm"` // the device's when queued
	Status         string   `gorm:"size:10"`
	NextAttemptAt  time.Time
	LeaseUntil     *time.Time
	Attempts       int
	LastError      string `gorm:"size:500"`
	ClaimToken     string `gorm:"size:32"`
	High           bool
	CollapseKey    string `gorm:"size:100"`
	TTLSeconds     int
	// AfterDevices holds a work-platform row (DeviceID 0) until the same
	// notification's device rows are finished or failed once, and closes
	// it unsent when one of them was accepted.
	AfterDevices bool
	SentAt       *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Notice is what a domain change tells people: one inbox entry per
// recipient and one push per allowed device.
type Notice struct {
	Category    Category
	Type        string    // e.g. "repair.assigned"
	Title, Body string    // Chinese, shown on the phone
	Data        StringMap // deep link: type, id, status
	High        bool      // high priority (shuttle alerts)
	CollapseKey string    // only the latest with this key matters
	TTL         time.Duration
	// By is who acted (0: the system). People are not told what they have
	// just done themselves: Notify leaves them out, for every domain.
	By int64
}

// TopicUser is the live-stream topic of one user's inbox.
func TopicUser(id int64) string { return fmt.Sprintf("user:%d", id) }

// Inboxed is raised for each new inbox entry; the live stream sends it to
// the recipient's topic.
type Inboxed struct{ Notification }

// Live implements store.Live.
func (e Inboxed) Live() store.LiveEvent {
	return store.LiveEvent{Topic: TopicUser(e.UserID), ID: e.ID, Type: "notification", Data: e.Entry()}
}

// Read is raised when a transaction marks some of a user's inbox read:
// what caches the inbox forgets that user's pages.
type Read struct{ UserID int64 }

// Queued is raised when a transaction adds pushes to the outbox; the
// delivery worker wakes up for it instead of waiting for its next poll.
type Queued struct{}

// Entry is an inbox entry as clients see it, in responses and on the live
// stream.
type Entry struct {
	ID        int64             `json:"id"`
	Category  Category          `json:"category"`
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Body      string            `json:"body"`
	Data      map[string]string `json:"data"`
	Read      bool              `json:"read"`
	ReadAt    *time.Time        `json:"read_at"`
	CreatedAt time.Time         `json:"created_at"`
}

// Entry returns n as clients see it.
func (n Notification) Entry() Entry {
	data := n.Data
	if data == nil {
		data = StringMap{}
	}
	return Entry{ID: n.ID, Category: n.Category, Type: n.Type, Title: n.Title, Body: n.Body,
		Data: data, Read: n.ReadAt != nil, ReadAt: n.ReadAt, CreatedAt: n.CreatedAt}
}

// Notify records n for each recipient inside the caller's transaction: the
// inbox entries always, and an outbox row for each device of a recipient who
// wants pushes of this category. Nothing leaves the process before commit.
// The actor (n.By) and ids 0 (nobody, such as an unassigned technician) are
// left out.
func Notify(tx *store.Tx, n Notice, recipients ...int64) error {
	recipients = slices.DeleteFunc(slices.Clone(recipients), func(id int64) bool { return id == 0 || id == n.By })
	slices.Sort(recipients)
	recipients = slices.Compact(recipients)
	if len(recipients) == 0 {
		return nil
	}
	rows := make([]Notification, len(recipients))
	for i, uid := range recipients {
		rows[i] = Notification{UserID: uid, Category: n.Category, Type: n.Type, Title: n.Title, Body: n.Body, Data: n.Data}
	}
	if err := tx.CreateInBatches(&rows, notifyBatch).Error; err != nil {
		return err
	}
	byUser := make(map[int64]int64, len(rows))
	for _, r := range rows {
		byUser[r.UserID] = r.ID
		tx.Publish(Inboxed{r})
	}
	queued := false
	for chunk := range slices.Chunk(recipients, notifyBatch) {
		devices, err := pushDevices(tx, n.Category, chunk)
		if err != nil {
			return err
		}
		jobs := make([]OutboxJob, len(devices))
		withDevices := make(map[int64]bool, len(devices))
		for i, d := range devices {
			jobs[i] = OutboxJob{NotificationID: byUser[d.UserID], DeviceID: d.ID, Provider: d.Provider, Status: OutboxPending,
				NextAttemptAt: tx.Now, High: n.High, CollapseKey: n.CollapseKey, TTLSeconds: int(n.TTL / time.Second)}
			withDevices[d.UserID] = true
		}
		work, err := workJobs(tx, n, chunk, byUser, withDevices)
		if err != nil {
			return err
		}
		if jobs = append(jobs, work...); len(jobs) == 0 {
			continue
		}
		if err := tx.CreateInBatches(&jobs, notifyBatch).Error; err != nil {
			return err
		}
		queued = true
	}
	if queued {
		tx.Publish(Queued{})
	}
	return nil
}

// notifyBatch bounds the rows (and SQL variables) of one statement, so a
// notice to thousands of people stays within SQLite's and MySQL's limits.
const notifyBatch = 100

// pushDevices returns the devices of recipients whose preferences allow
// pushes of category c (no preferences row means everything is on).
func pushDevices(tx *store.Tx, c Category, recipients []int64) ([]Device, error) {
	var devices []Device
	return devices, switchedOn(tx.Model(&Device{}).Where("user_id IN ?", recipients), "devices", c).Find(&devices).Error
}

// switchedOn narrows q, over a table with a user_id column, to the rows of
// users whose preferences allow pushes of category c on every channel (no
// preferences row means everything is on).
func switchedOn(q *gorm.DB, table string, c Category) *gorm.DB {
	if col, ok := preferenceColumn[c]; ok {
		q = q.Where("NOT EXISTS (SELECT 1 FROM preferences p WHERE p.user_id = "+table+".user_id AND p."+col+" = ?)", false)
	}
	return q
}

// Preferences are a user's push switches per category; the inbox is
// written regardless.
type Preferences struct {
	UserID       int64 `gorm:"primaryKey;autoIncrement:false"`
	Repair       bool
	Booking      bool
	Menu         bool
	Shuttle      bool
	Announcement bool
	UpdatedAt    time.Time
}

var preferenceColumn = map[Category]string{
	CategoryRepair: "repair", CategoryBooking: "booking", CategoryMenu: "menu",
	CategoryShuttle: "shuttle", CategoryAnnouncement: "announcement",
}
