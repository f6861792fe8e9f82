package announce

import (
	"context"
	"strconv"
	"time"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// Announcement is a notice of the centre (信息发布), the kind shown on the
// lobby display, here on everyone's phone. Pinned ones stay on top.
type Announcement struct {
	ID       int64  `gorm:"primaryKey"`
	Title    string `gorm:"size:200"`
	Body     string `gorm:"type:text"`
	Pinned   bool
	AuthorID int64
	// PushedAt is when it went to every staff member's inbox and phone.
	PushedAt  *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AnnouncementInput is what an admin publishes.
type AnnouncementInput struct {
	Title, Body  string
	Pinned, Push bool
}

// Create publishes an announcement; with Push every active user
// gets it in their inbox and, where they allow announcement pushes, on
// their phone.
func (s *Service) Create(ctx context.Context, a store.Actor, in AnnouncementInput) (_ *Announcement, err error) {
	defer store.Wrap(&err, "announce create")
	if err := in.Check(); err != nil {
		return nil, err
	}
	an := &Announcement{Title: in.Title, Body: in.Body, Pinned: in.Pinned, AuthorID: a.ID}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if in.Push {
			an.PushedAt = &tx.Now
		}
		if err := tx.Create(an).Error; err != nil {
			return err
		}
		tx.Publish(Changed{ID: an.ID, Pinned: an.Pinned, Change: "published"})
		if !in.Push {
			return nil
		}
		users, err := people.ActiveUserIDs(tx.DB)
		if err != nil {
			return err
		}
		return notify.Notify(tx, notify.Notice{
			Category: notify.CategoryAnnouncement, Type: "announcement.published",
			Title: "通知公告：" + store.Clip(an.Title, 60), Body: store.Clip(an.Body, 120),
			Data: notify.StringMap{"type": "announcement", "id": strconv.FormatInt(an.ID, 10)},
			TTL:  72 * time.Hour,
		}, users...)
	})
	return an, err
}

// AnnouncementPatch edits an announcement; nil fields stay. Editing never
// pushes again.
type AnnouncementPatch struct {
	Title, Body *string
	Pinned      *bool
}

// Update applies p.
func (s *Service) Update(ctx context.Context, id int64, p AnnouncementPatch) (_ *Announcement, err error) {
	defer store.Wrap(&err, "announce update")
	if err := p.Check(); err != nil {
		return nil, err
	}
	var an Announcement
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&an, id).Error; err != nil {
			return store.NotFound(err, "announcement")
		}
		store.Patch(&an.Title, p.Title)
		store.Patch(&an.Body, p.Body)
		store.Patch(&an.Pinned, p.Pinned)
		tx.Publish(Changed{ID: an.ID, Pinned: an.Pinned, Change: "updated"})
		return tx.Save(&an).Error
	})
	return &an, err
}

// Delete removes an announcement; inbox entries already sent stay.
func (s *Service) Delete(ctx context.Context, id int64) (err error) {
	defer store.Wrap(&err, "announce delete")
	return s.Tx(ctx, func(tx *store.Tx) error {
		res := tx.Delete(&Announcement{}, id)
		if res.Error == nil && res.RowsAffected == 0 {
			return store.ErrNotFound("announcement")
		}
		tx.Publish(Changed{ID: id, Change: "deleted"})
		return res.Error
	})
}

// Get returns one announcement.
func (s *Service) Get(ctx context.Context, id int64) (_ *Announcement, err error) {
	defer store.Wrap(&err, "announce get")
	var an Announcement
	if err := s.Read(ctx).Take(&an, id).Error; err != nil {
		return nil, store.NotFound(err, "announcement")
	}
	return &an, nil
}

// List returns announcements newest first, optionally only the
// pinned (or unpinned) ones.
func (s *Service) List(ctx context.Context, pinned *bool, p store.Page) (_ []Announcement, _ string, err error) {
	defer store.Wrap(&err, "announce list")
	q := s.Read(ctx).Model(&Announcement{})
	if pinned != nil {
		q = q.Where("pinned = ?", *pinned)
	}
	return store.Paginate(q, p, func(a Announcement) int64 { return a.ID })
}
