package store

import (
	"bytes"
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
