package models

import (
	"context"
	"strconv"
	"time"
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

// NewAnnouncement is what an admin publishes.
type NewAnnouncement struct {
	Title, Body  string
	Pinned, Push bool
}

// CreateAnnouncement publishes an announcement; with Push every active user
// gets it in their inbox and, where they allow announcement pushes, on
// their phone.
func (s *Store) CreateAnnouncement(ctx context.Context, a Actor, in NewAnnouncement) (*Announcement, error) {
	an := &Announcement{Title: in.Title, Body: in.Body, Pinned: in.Pinned, AuthorID: a.ID}
	err := s.Tx(ctx, func(tx *Tx) error {
		if in.Push {
			an.PushedAt = &tx.Now
		}
		if err := tx.Create(an).Error; err != nil || !in.Push {
			return err
		}
		users, err := ActiveUserIDs(tx.DB)
		if err != nil {
			return err
		}
		return Notify(tx, Notice{
			Category: CategoryAnnouncement, Type: "announcement.published",
			Title: "通知公告：" + Clip(an.Title, 60), Body: Clip(an.Body, 120),
			Data: StringMap{"type": "announcement", "id": strconv.FormatInt(an.ID, 10)},
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

// UpdateAnnouncement applies p.
func (s *Store) UpdateAnnouncement(ctx context.Context, id int64, p AnnouncementPatch) (*Announcement, error) {
	var an Announcement
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := tx.ForUpdate().Take(&an, id).Error; err != nil {
			return NotFound(err, "announcement")
		}
		Patch(&an.Title, p.Title)
		Patch(&an.Body, p.Body)
		Patch(&an.Pinned, p.Pinned)
		return tx.Save(&an).Error
	})
	return &an, err
}

// DeleteAnnouncement removes an announcement; inbox entries already sent stay.
func (s *Store) DeleteAnnouncement(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *Tx) error {
		res := tx.Delete(&Announcement{}, id)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound("announcement")
		}
		return res.Error
	})
}

// Announcement returns one announcement.
func (s *Store) Announcement(ctx context.Context, id int64) (*Announcement, error) {
	var an Announcement
	if err := s.Read(ctx).Take(&an, id).Error; err != nil {
		return nil, NotFound(err, "announcement")
	}
	return &an, nil
}

// ListAnnouncements returns announcements newest first, optionally only the
// pinned (or unpinned) ones.
func (s *Store) ListAnnouncements(ctx context.Context, pinned *bool, p Page) ([]Announcement, string, error) {
	q := s.Read(ctx).Model(&Announcement{})
	if pinned != nil {
		q = q.Where("pinned = ?", *pinned)
	}
	return Paginate(q, p, func(a Announcement) int64 { return a.ID })
}

func init() { demoSeeders = append(demoSeeders, seedAnnouncements) }

func seedAnnouncements(tx *Tx, users DemoUsers) error {
	return tx.Create([]Announcement{
		{Title: "关于机关食堂元旦假期供餐安排的通知", AuthorID: users["admin"],
			Body: "元旦假期（1月1日至1月3日）机关食堂暂停供应早餐和晚餐，午餐照常供应。1月4日（星期日，调休上班）按工作日供餐。"},
		{Title: "行政中心1号楼电梯维保通知", AuthorID: users["admin"],
			Body: "本周六8:00-17:00对1号楼1号、2号电梯进行年度维保，届时请使用3号电梯或步行楼梯。如有急事请拨打报修热线86310037。"},
		{Title: "冬季消防安全提示", Pinned: true, AuthorID: users["admin"],
			Body: "冬季用电量大，请下班前关闭办公室电暖器、空调等电器电源，不在走廊堆放杂物，保持消防通道畅通。"},
	}).Error
}
