package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// IdempotencyKey remembers the response to a create request so that a
// client retrying with the same Idempotency-Key gets it again instead of a
// second repair or booking.
type IdempotencyKey struct {
	ID          int64 `gorm:"primaryKey"`
	UserID      int64
	Key         string `gorm:"size:200"`
	RequestHash string `gorm:"size:64"`
	// Status is 0 while the first request is still being handled.
	Status      int
	ContentType string `gorm:"size:100"`
	Body        []byte
	CreatedAt   time.Time
}

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

// ClaimIdempotencyKey reserves key for a request whose method, path and body
// hash to reqHash. It returns the stored response when the same request was
// already answered (replay), or a fresh claim to Finish.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, userID int64, key, reqHash string) (k *IdempotencyKey, replay bool, err error) {
	defer Wrap(&err, "claim idempotency key")
	k = &IdempotencyKey{UserID: userID, Key: key, RequestHash: reqHash}
	err = s.Tx(ctx, func(tx *Tx) error {
		var old IdempotencyKey
		err := tx.Where("user_id = ? AND `key` = ?", userID, key).Take(&old).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			return tx.Create(k).Error
		case err != nil:
			return err
		case tx.Now.Sub(old.CreatedAt) > IdempotencyTTL:
			// Expired and not yet purged: start over with this request.
			old.RequestHash, old.Status, old.Body, old.ContentType, old.CreatedAt = reqHash, 0, nil, "", tx.Now
			*k = old
			return tx.Save(k).Error
		case old.RequestHash != reqHash:
			return Errorf(CodeIdempotencyMismatch, "this Idempotency-Key was used for a different request")
		case old.Status == 0:
			return Errorf(CodeConflict, "a request with this Idempotency-Key is still being processed")
		}
		*k, replay = old, true
		return nil
	})
	if ErrorCode(err) == CodeConflict && !replay && k.ID == 0 {
		// Lost a race to insert the same key: the other request is in flight.
		return nil, false, Errorf(CodeConflict, "a request with this Idempotency-Key is still being processed")
	}
	return k, replay, err
}

// FinishIdempotencyKey stores the response for replay. Server errors are
// not remembered: the client should be able to retry them.
func (s *Store) FinishIdempotencyKey(ctx context.Context, k *IdempotencyKey, status int, contentType string, body []byte) (err error) {
	if status >= 500 {
		return s.ForgetIdempotencyKey(ctx, k)
	}
	defer Wrap(&err, "finish idempotency key")
	return s.Tx(ctx, func(tx *Tx) error {
		return tx.Model(k).Updates(map[string]any{"status": status, "content_type": contentType, "body": body}).Error
	})
}

// ForgetIdempotencyKey drops a claim without storing the response: a retry
// runs the request again. It is the end of requests that failed on our side
// and of those whose response carries a secret, which must never lie in a
// replay record.
func (s *Store) ForgetIdempotencyKey(ctx context.Context, k *IdempotencyKey) (err error) {
	defer Wrap(&err, "forget idempotency key")
	return s.Tx(ctx, func(tx *Tx) error { return tx.Delete(k).Error })
}

// PurgeIdempotencyKeys deletes keys past their TTL.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context) (err error) {
	defer Wrap(&err, "purge idempotency keys")
	return s.Tx(ctx, func(tx *Tx) error {
		return tx.Where("created_at < ?", tx.Now.Add(-IdempotencyTTL)).Delete(&IdempotencyKey{}).Error
	})
}
