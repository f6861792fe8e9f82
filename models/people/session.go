package people

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// RefreshTTL is how long a refresh token lives.
const RefreshTTL = 30 * 24 * time.Hour

// RefreshToken is one link in a login's rotation chain (its family). Only
// the hash is stored; each token works once.
type RefreshToken struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	FamilyID  string `gorm:"size:32"`
	TokenHash string `gorm:"size:64"`
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

var errBadRefresh = &store.Error{Code: store.CodeUnauthorized, Message: "the refresh token is not valid"}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// StartSession opens a new refresh-token family for a user who just logged in
// and returns its first token.
func (s *Service) StartSession(ctx context.Context, userID int64) (_ string, err error) {
	defer store.Wrap(&err, "people start session")
	var token string
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var err error
		token, err = issueRefresh(tx, userID, randomToken()[:32])
		return err
	})
	return token, err
}

func issueRefresh(tx *store.Tx, userID int64, family string) (string, error) {
	token := randomToken()
	rt := RefreshToken{UserID: userID, FamilyID: family, TokenHash: hashToken(token), ExpiresAt: tx.Now.Add(RefreshTTL)}
	return token, tx.Create(&rt).Error
}

// Refresh spends a refresh token and returns the user and the next token of
// its family. A token presented twice means it leaked: the whole family is
// revoked and both holders must log in again.
func (s *Service) Refresh(ctx context.Context, token string) (_ *User, _ string, err error) {
	defer store.Wrap(&err, "people refresh")
	var (
		u      User
		next   string
		reused bool
	)
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var rt RefreshToken
		err := tx.ForUpdate().Where("token_hash = ?", hashToken(token)).Take(&rt).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errBadRefresh
		}
		if err != nil {
			return err
		}
		if rt.RevokedAt != nil || tx.Now.After(rt.ExpiresAt) {
			return errBadRefresh
		}
		if rt.UsedAt != nil {
			reused = true
			return revokeFamily(tx, rt.FamilyID)
		}
		if err := tx.Take(&u, rt.UserID).Error; err != nil {
			return err
		}
		if !u.Active {
			return errBadRefresh
		}
		if err := tx.Model(&rt).Update("used_at", tx.Now).Error; err != nil {
			return err
		}
		next, err = issueRefresh(tx, u.ID, rt.FamilyID)
		return err
	})
	if err == nil && reused {
		err = errBadRefresh
	}
	if err != nil {
		return nil, "", err
	}
	return &u, next, nil
}

// EndSession revokes the family of token (logout). It returns the owner's id,
// or 0 when the token is unknown: logging out twice is not an error.
func (s *Service) EndSession(ctx context.Context, token string) (_ int64, err error) {
	defer store.Wrap(&err, "people end session")
	var rt RefreshToken
	err = s.Tx(ctx, func(tx *store.Tx) error {
		err := tx.Where("token_hash = ?", hashToken(token)).Take(&rt).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return revokeFamily(tx, rt.FamilyID)
	})
	return rt.UserID, err
}

// SessionUser returns the active user whose unspent, unrevoked refresh
// token is token, without spending it. The desk console keeps such a token
// in its cookie for at most maxAge: it ends, like the app's sign-ins, by
// EndSession, deactivation or a password reset.
func (s *Service) SessionUser(ctx context.Context, token string, maxAge time.Duration) (_ User, err error) {
	defer store.Wrap(&err, "people session user")
	var rt RefreshToken
	err = s.Read(ctx).Where("token_hash = ?", hashToken(token)).Take(&rt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, errBadRefresh
	}
	if err != nil {
		return User{}, err
	}
	now := s.Now()
	if rt.RevokedAt != nil || rt.UsedAt != nil || now.After(rt.ExpiresAt) || now.After(rt.CreatedAt.Add(maxAge)) {
		return User{}, errBadRefresh
	}
	return s.ActiveUser(ctx, rt.UserID)
}

func revokeFamily(tx *store.Tx, family string) error {
	return tx.Model(&RefreshToken{}).Where("family_id = ? AND revoked_at IS NULL", family).Update("revoked_at", tx.Now).Error
}

func revokeUserTokens(tx *store.Tx, userID int64) error {
	return tx.Model(&RefreshToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", tx.Now).Error
}
