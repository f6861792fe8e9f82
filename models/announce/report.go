package announce

import (
	"context"

	"houqin/models/store"
)

// Published counts the announcements published on local dates from..to.
func (s *Service) Published(ctx context.Context, from, to store.Date) (_ int, err error) {
	defer store.Wrap(&err, "announce published")
	lo, hi := store.Span(from, to, s.Location)
	var n int64
	err = s.Read(ctx).Model(&Announcement{}).Where("created_at >= ? AND created_at < ?", lo, hi).Count(&n).Error
	return int(n), err
}
