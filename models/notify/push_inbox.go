package notify

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"houqin/models/people"
	"houqin/models/store"
)

// InboxFilter narrows a user's inbox.
type InboxFilter struct {
	Category Category // "" for all
	Unread   bool
}

// Categories lists the categories a client may filter by.
var Categories = []Category{CategoryRepair, CategoryBooking, CategoryMenu, CategoryShuttle, CategoryAnnouncement, CategoryQuality, CategorySystem}

// Enum lists the categories (store.Enumerated).
func (Category) Enum() []string { return store.Strings(Categories) }

// Inbox returns a page of a user's notifications, newest first, and how many
// of those matching the category are unread (the badge count).
func (s *Service) Inbox(ctx context.Context, userID int64, f InboxFilter, p store.Page) (_ []Notification, _ string, _ int64, err error) {
	defer store.Wrap(&err, "notify inbox")
	scope := func(db *gorm.DB) *gorm.DB {
		db = db.Where("user_id = ?", userID)
		if f.Category != "" {
			db = db.Where("category = ?", f.Category)
		}
		return db
	}
	q := s.Read(ctx).Model(&Notification{}).Scopes(scope)
	if f.Unread {
		q = q.Where("read_at IS NULL")
	}
	rows, next, err := store.Paginate(q, p, func(n Notification) int64 { return n.ID })
	if err != nil {
		return nil, "", 0, err
	}
	var unread int64
	err = s.Read(ctx).Model(&Notification{}).Scopes(scope).Where("read_at IS NULL").Count(&unread).Error
	return rows, next, unread, err
}

// ResumeLookBack is how far before the last entry a stream sent a resume
// also looks: a transaction holds its inbox ids from insert to commit (at
// most a request deadline, 10 s by default), so an entry that committed
// after a newer one was streamed was created at most this long before it.
const ResumeLookBack = time.Minute

// Missed returns, by id, the user's entries that a stream which last sent
// entry lastID may not have sent: every later id, and the lower ids created
// up to ResumeLookBack before lastID (MySQL hands ids out at insert, so a
// late commit can hold a lower id than one already streamed). Entries
// already sent come again; clients drop ids they have.
func (s *Service) Missed(ctx context.Context, userID, lastID int64, limit int) (_ []Notification, err error) {
	defer store.Wrap(&err, "notify missed")
	db := s.Read(ctx)
	var last Notification
	since := s.Now() // an unknown lastID: later ids only
	err = db.Select("created_at").Where("user_id = ? AND id = ?", userID, lastID).Limit(1).Find(&last).Error
	if err != nil {
		return nil, err
	}
	if !last.CreatedAt.IsZero() {
		since = last.CreatedAt.Add(-ResumeLookBack)
	}
	var rows []Notification
	err = db.Where("user_id = ? AND (id > ? OR (id < ? AND created_at >= ?))", userID, lastID, lastID, since).
		Order("id").Limit(limit).Find(&rows).Error
	return rows, err
}

// MarkRead marks one of the user's notifications read; reading it again
// keeps the first time. Another user's notification is not found.
func (s *Service) MarkRead(ctx context.Context, userID, id int64) (_ *Notification, err error) {
	defer store.Wrap(&err, "notify mark read")
	var n Notification
	err = s.Tx(ctx, func(tx *store.Tx) error {
		err := tx.Where("user_id = ?", userID).Take(&n, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return store.ErrNotFound("notification")
		}
		if err != nil || n.ReadAt != nil {
			return err
		}
		n.ReadAt = &tx.Now
		tx.Publish(Read{userID})
		return tx.Model(&n).Update("read_at", tx.Now).Error
	})
	return &n, err
}

// MarkAllRead marks every unread notification of the user read (of one
// category when given) and returns how many it changed.
func (s *Service) MarkAllRead(ctx context.Context, userID int64, c Category) (_ int64, err error) {
	defer store.Wrap(&err, "notify mark all read")
	var n int64
	err = s.Tx(ctx, func(tx *store.Tx) error {
		q := tx.Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
		if c != "" {
			q = q.Where("category = ?", c)
		}
		res := q.Update("read_at", tx.Now)
		if n = res.RowsAffected; n > 0 {
			tx.Publish(Read{userID})
		}
		return res.Error
	})
	return n, err
}

// SendTestNotice sends a test notification to a user (an operator checking
// the push path) and returns it with the number of devices it will reach.
func (s *Service) SendTestNotice(ctx context.Context, userID int64) (_ Notification, _ int64, err error) {
	defer store.Wrap(&err, "notify send test notice")
	var (
		n       Notification
		devices int64
	)
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.Take(&people.User{}, userID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return store.ErrNotFound("user")
		} else if err != nil {
			return err
		}
		err := Notify(tx, Notice{Category: CategorySystem, Type: "system.test", Title: "测试通知",
			Body: "这是一条测试推送，收到即说明推送通道正常。", Data: StringMap{"type": "system", "id": "0", "status": "test"},
			TTL: time.Hour}, userID)
		if err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Order("id DESC").Take(&n).Error; err != nil {
			return err
		}
		return tx.Model(&OutboxJob{}).Where("notification_id = ?", n.ID).Count(&devices).Error
	})
	return n, devices, err
}
