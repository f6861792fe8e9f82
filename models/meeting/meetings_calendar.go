package meeting

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"houqin/models/store"
)

// calendarPast is how far back the feed reaches; calendars keep what they
// already fetched.
const calendarPast = 30 * 24 * time.Hour

func hashFeedToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RotateCalendarFeed gives the user a new secret feed token (returned once;
// only its hash is kept), which revokes any previous feed URL.
func (s *Service) RotateCalendarFeed(ctx context.Context, userID int64) (_ string, err error) {
	defer store.Wrap(&err, "meeting rotate calendar feed")
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.Where("user_id = ?", userID).Delete(&CalendarFeed{}).Error; err != nil {
			return err
		}
		return tx.Create(&CalendarFeed{UserID: userID, TokenHash: hashFeedToken(token)}).Error
	})
	return token, err
}

// RevokeCalendarFeed turns the user's feed URL off.
func (s *Service) RevokeCalendarFeed(ctx context.Context, userID int64) (err error) {
	defer store.Wrap(&err, "meeting revoke calendar feed")
	return s.Tx(ctx, func(tx *store.Tx) error { return tx.Where("user_id = ?", userID).Delete(&CalendarFeed{}).Error })
}

// FeedBookings returns the bookings behind a feed token: the owner's
// recent and future bookings that hold a room (cancelled ones drop out).
func (s *Service) FeedBookings(ctx context.Context, token string) (_ []Booking, err error) {
	defer store.Wrap(&err, "meeting feed bookings")
	db := s.Read(ctx)
	var feed CalendarFeed
	if err := db.Where("token_hash = ?", hashFeedToken(token)).Take(&feed).Error; err != nil {
		return nil, store.NotFound(err, "calendar")
	}
	var rows []Booking
	err = db.Preload("Room").Where("organizer_id = ? AND status IN ? AND start_at > ?", feed.UserID, holdsRoom, s.Now().Add(-calendarPast)).
		Order("start_at").Limit(2000).Find(&rows).Error
	return rows, err
}
