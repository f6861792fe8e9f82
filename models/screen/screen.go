// Package screen holds the lobby screens (大屏): the displays in the
// centre's halls that show notices, the day's menu and the next buses
// without anyone signed in. Each reads its page with a token an admin
// issued; only the token's hash is stored, and a revoked token reads
// nothing.
package screen

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"houqin/models/store"
)

// Screen is one lobby display.
type Screen struct {
	ID         int64  `gorm:"primaryKey"`
	Name       string `gorm:"size:100"`
	TokenHash  string `gorm:"size:64"`
	CreatedBy  int64
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastSeenAt *time.Time
}

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }

// seenEvery bounds how often a screen's last_seen_at is written: a page
// and its stream read the token every few minutes, not a write each time.
const seenEvery = time.Minute

// MaxName bounds a screen's name.
const MaxName = 100

// errUnknown answers an unknown or revoked token, alike, so a token's
// former validity is not told.
var errUnknown = store.ErrNotFound("lobby screen")

func hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Issue creates a screen named name and returns it with its token, which
// is shown this once.
func (s *Service) Issue(ctx context.Context, a store.Actor, name string) (_ *Screen, token string, err error) {
	defer store.Wrap(&err, "screen issue")
	if !a.Is(store.RoleAdmin) {
		return nil, "", store.ErrForbidden
	}
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return nil, "", store.InvalidField("name", "is required")
	case n > MaxName:
		return nil, "", store.InvalidField("name", "must be at most %d characters", MaxName)
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	sc := &Screen{Name: name, TokenHash: hash(token), CreatedBy: a.ID}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		sc.CreatedAt = tx.Now
		return tx.Create(sc).Error
	})
	if err != nil {
		return nil, "", err
	}
	return sc, token, nil
}

// Revoked is raised when a screen's token is revoked: its open streams end.
type Revoked struct{ ID int64 }

// Topic is the live topic a screen's streams listen on to learn that its
// token was revoked; no client subscribes to it.
func Topic(id int64) string { return "screen:" + strconv.FormatInt(id, 10) }

// Live implements store.Live.
func (e Revoked) Live() store.LiveEvent {
	return store.LiveEvent{Topic: Topic(e.ID), Type: "screen.revoked"}
}

// Revoke ends a screen's token; revoking it again changes nothing.
func (s *Service) Revoke(ctx context.Context, a store.Actor, id int64) (err error) {
	defer store.Wrap(&err, "screen revoke")
	if !a.Is(store.RoleAdmin) {
		return store.ErrForbidden
	}
	return s.Tx(ctx, func(tx *store.Tx) error {
		var sc Screen
		if err := tx.ForUpdate().Take(&sc, id).Error; err != nil {
			return store.NotFound(err, "screen")
		}
		if sc.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&sc).Update("revoked_at", tx.Now).Error; err != nil {
			return err
		}
		tx.Publish(Revoked{ID: sc.ID})
		return nil
	})
}

// List returns every screen, newest first.
func (s *Service) List(ctx context.Context, a store.Actor) (_ []Screen, err error) {
	defer store.Wrap(&err, "screen list")
	if !a.Is(store.RoleAdmin) {
		return nil, store.ErrForbidden
	}
	var out []Screen
	return out, s.Read(ctx).Order("id DESC").Limit(store.MaxPageLimit).Find(&out).Error
}

// ByToken returns the screen whose live token is token and notes that it
// was seen; an unknown or revoked token is not found.
func (s *Service) ByToken(ctx context.Context, token string) (_ *Screen, err error) {
	defer store.Wrap(&err, "screen by token")
	if token == "" || len(token) > 100 {
		return nil, errUnknown
	}
	var sc Screen
	err = s.Read(ctx).Where("token_hash = ? AND revoked_at IS NULL", hash(token)).Take(&sc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errUnknown
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if sc.LastSeenAt == nil || now.Sub(*sc.LastSeenAt) >= seenEvery {
		err = s.Tx(ctx, func(tx *store.Tx) error {
			return tx.Model(&Screen{}).Where("id = ?", sc.ID).Update("last_seen_at", tx.Now).Error
		})
		if err != nil {
			return nil, err
		}
		sc.LastSeenAt = &now
	}
	return &sc, nil
}

// Live checks that the screen is still live (its token not revoked), for
// streams that outlive the request.
func (s *Service) Live(ctx context.Context, id int64) (err error) {
	defer store.Wrap(&err, "screen live")
	var n int64
	if err := s.Read(ctx).Model(&Screen{}).Where("id = ? AND revoked_at IS NULL", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return errUnknown
	}
	return nil
}
