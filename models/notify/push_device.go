package notify

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"houqin/models/store"
)

// MaxDevicesPerUser bounds one user's devices, so that a buggy or hostile
// client cannot make every notification fan out to thousands of tokens.
// Registering one more forgets the one seen least recently.
const MaxDevicesPerUser = 20

// DeviceInput is what an app reports about itself at every start.
type DeviceInput struct {
	Token, Platform, AppVersion, Locale string
	Provider                            Provider // "" is fcm
}

// RegisterDevice records the device for the user, or refreshes it when the
// user already registered the token. A token is registered per user: one
// that another user holds stays theirs too, so nobody can take another
// user's pushes away (or learn that the token is in use) by registering
// it. A shared phone's previous user is signed out of it by logging out
// with its tokens, which only the holder of that session can do.
func (s *Service) RegisterDevice(ctx context.Context, userID int64, in DeviceInput) (d Device, created bool, err error) {
	defer store.Wrap(&err, "notify register device")
	err = s.Tx(ctx, func(tx *store.Tx) error {
		mine := func() *gorm.DB { return tx.Where("user_id = ? AND token = ?", userID, in.Token) }
		err := mine().Take(&Device{}).Error
		created = errors.Is(err, gorm.ErrRecordNotFound)
		if err != nil && !created {
			return err
		}
		if in.Provider == "" {
			in.Provider = ProviderFCM
		}
		row := Device{UserID: userID, Token: in.Token, Platform: in.Platform, Provider: in.Provider, AppVersion: in.AppVersion,
			Locale: in.Locale, LastSeenAt: tx.Now, CreatedAt: tx.Now}
		err = tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}, {Name: "token"}},
			DoUpdates: clause.AssignmentColumns([]string{"platform", "provider", "app_version", "locale", "last_seen_at"}),
		}).Create(&row).Error
		if err != nil {
			return err
		}
		if err := mine().Take(&d).Error; err != nil {
			return err
		}
		return trimDevices(tx, userID)
	})
	return d, created, err
}

// trimDevices forgets a user's least recently seen devices beyond the cap.
func trimDevices(tx *store.Tx, userID int64) error {
	var stale []int64
	err := tx.Model(&Device{}).Where("user_id = ?", userID).Order("last_seen_at DESC, id DESC").
		Offset(MaxDevicesPerUser).Limit(1000).Pluck("id", &stale).Error
	if err != nil || len(stale) == 0 {
		return err
	}
	return tx.Delete(&Device{}, stale).Error
}

// ListDevices lists the user's devices, most recently seen first.
func (s *Service) ListDevices(ctx context.Context, userID int64) (_ []Device, err error) {
	defer store.Wrap(&err, "notify list devices")
	var rows []Device
	err = s.Read(ctx).Where("user_id = ?", userID).Order("last_seen_at DESC, id DESC").Find(&rows).Error
	return rows, err
}

// DeleteDevice forgets one of the user's devices; another user's device is
// not found.
func (s *Service) DeleteDevice(ctx context.Context, userID, id int64) (err error) {
	defer store.Wrap(&err, "notify delete device")
	return s.Tx(ctx, func(tx *store.Tx) error {
		res := tx.Where("user_id = ?", userID).Delete(&Device{}, id)
		if res.Error == nil && res.RowsAffected == 0 {
			return store.ErrNotFound("device")
		}
		return res.Error
	})
}

// ForgetDeviceTokens removes the user's devices with these tokens (on
// logout); tokens of other users are left alone.
func (s *Service) ForgetDeviceTokens(ctx context.Context, userID int64, tokens []string) (_ int64, err error) {
	defer store.Wrap(&err, "notify forget device tokens")
	if len(tokens) == 0 {
		return 0, nil
	}
	var n int64
	err = s.Tx(ctx, func(tx *store.Tx) error {
		res := tx.Where("user_id = ? AND token IN ?", userID, tokens).Delete(&Device{})
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// PruneDevices forgets devices not seen for maxAge: their apps were removed
// or never started again, and their tokens have most likely expired.
func (s *Service) PruneDevices(ctx context.Context, maxAge time.Duration) (_ int64, err error) {
	defer store.Wrap(&err, "notify prune devices")
	var n int64
	err = s.Tx(ctx, func(tx *store.Tx) error {
		res := tx.Where("last_seen_at < ?", tx.Now.Add(-maxAge)).Delete(&Device{})
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// DefaultPreferences are what a user who never chose gets: everything on.
func DefaultPreferences(userID int64) Preferences {
	return Preferences{UserID: userID, Repair: true, Booking: true, Menu: true, Shuttle: true, Announcement: true}
}

// Preferences returns the user's push switches.
func (s *Service) Preferences(ctx context.Context, userID int64) (_ Preferences, err error) {
	defer store.Wrap(&err, "notify preferences")
	p := DefaultPreferences(userID)
	err = s.Read(ctx).Take(&p, userID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultPreferences(userID), nil
	}
	return p, err
}

// UpdatePreferences applies change to the user's push switches and stores them.
func (s *Service) UpdatePreferences(ctx context.Context, userID int64, change func(*Preferences)) (_ Preferences, err error) {
	defer store.Wrap(&err, "notify update preferences")
	p := DefaultPreferences(userID)
	err = s.Tx(ctx, func(tx *store.Tx) error {
		err := tx.ForUpdate().Take(&p, userID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			p = DefaultPreferences(userID)
		} else if err != nil {
			return err
		}
		change(&p)
		p.UserID, p.UpdatedAt = userID, tx.Now
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&p).Error
	})
	return p, err
}
