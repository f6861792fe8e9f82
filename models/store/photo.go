package store

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"time"

	"gorm.io/gorm"
)

// MaxPhotoBytes is the largest photo accepted anywhere (repairs,
// inspections, work orders): a phone's full-size JPEG or HEIC fits.
const MaxPhotoBytes = 8 << 20

// CheckPhoto refuses what is too large or not an image, naming the format
// by its leading bytes (the declared content type is not trusted), and
// returns the content type and file extension to store it under.
func CheckPhoto(data []byte) (contentType, ext string, err error) {
	if len(data) > MaxPhotoBytes {
		return "", "", Errorf(CodePayloadTooLarge, "a photo may be at most %d MiB", MaxPhotoBytes>>20)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", ".jpg", nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", ".png", nil
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		// ISO-BMFF: HEIC/HEIF photos name their brand after "ftyp".
		switch string(data[8:12]) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return "image/heic", ".heic", nil
		}
	}
	return "", "", InvalidField("photo", "must be a JPEG, PNG or HEIC image")
}

// Upload is a checked photo about to be stored.
type Upload struct {
	ContentType string
	Size        int64
	Key         string
}

// StorePhoto checks data, puts it in blobs under a new key and then runs
// record, in one transaction, to write the row that names it: a row never
// names missing bytes, and if recording fails the bytes are removed again.
func (s *Store) StorePhoto(ctx context.Context, blobs Blobs, data []byte, record func(tx *Tx, u Upload) error) error {
	ct, ext, err := CheckPhoto(data)
	if err != nil {
		return err
	}
	u := Upload{ContentType: ct, Size: int64(len(data)), Key: NewBlobKey(ext)}
	if err := blobs.Put(ctx, u.Key, data); err != nil {
		return err
	}
	err = s.Tx(ctx, func(tx *Tx) error { return record(tx, u) })
	if err != nil {
		// Best effort: an orphaned file costs disk, never correctness.
		_ = blobs.Delete(context.WithoutCancel(ctx), u.Key)
	}
	return err
}

// PhotoBytes reads a stored photo's bytes; bytes this replica's store does
// not hold (another replica's disk, or lost) are "photo not found", which
// is not our failure.
func PhotoBytes(ctx context.Context, blobs Blobs, key string) ([]byte, error) {
	data, err := blobs.Get(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound("photo")
	}
	return data, err
}

// MaxPhotosPerDay bounds one person's uploads of one kind over 24 hours
// where a domain has no reason for another figure.
const MaxPhotosPerDay = 30

// UploadsAllowed refuses one more photo from uploaderID once the photo
// table of model holds most of theirs from the 24 hours before now: enough
// to document the work, not enough to fill the disk with one account.
func UploadsAllowed(db *gorm.DB, model any, uploaderID int64, now time.Time, most int64) error {
	var n int64
	err := db.Model(model).Where("uploader_id = ? AND created_at > ?", uploaderID, now.Add(-24*time.Hour)).Count(&n).Error
	if err != nil {
		return err
	}
	if n >= most {
		return Errorf(CodeRateLimited, "you uploaded %d photos in the last 24 hours, the most one person may; try again later", n)
	}
	return nil
}

// CountPhoto raises a photo_count column of row id of model, unless it
// holds max already: a conditional update, so concurrent uploads never
// pass the limit.
func CountPhoto(tx *Tx, model any, id int64, max int) error {
	res := tx.Model(model).Where("id = ? AND photo_count < ?", id, max).Update("photo_count", gorm.Expr("photo_count + 1"))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return Errorf(CodeConflict, "at most %d photos may be attached here", max)
	}
	return nil
}
