package complaint

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// MaxComplaintPhotos bounds the photos of one complaint.
const MaxComplaintPhotos = 6

// checkPhoto loads complaint id and refuses a photo of a's to it: only its
// filer adds them, while it is not closed, up to the limits.
func checkPhoto(q, db *gorm.DB, a store.Actor, id int64, now time.Time) (*Complaint, error) {
	var c Complaint
	is, err := take(q, db, a, id, &c)
	if err != nil {
		return nil, err
	}
	if is&byFiler == 0 {
		return nil, store.ErrForbidden
	}
	if !slices.Contains(awaitingReply, c.Status) {
		return nil, store.Errorf(store.CodeInvalidTransition, "cannot add photos to a complaint that is %s", c.Status)
	}
	if c.PhotoCount >= MaxComplaintPhotos {
		return nil, store.Errorf(store.CodeConflict, "at most %d photos may be attached here", MaxComplaintPhotos)
	}
	return &c, store.UploadsAllowed(db, &Photo{}, a.ID, now, store.MaxPhotosPerDay)
}

// CheckPhoto tells whether a may add a photo to complaint id now; the
// upload handler asks before reading any bytes, and AddPhoto checks again.
func (s *Service) CheckPhoto(ctx context.Context, a store.Actor, id int64) (err error) {
	defer store.Wrap(&err, "complaint check photo")
	db := s.Read(ctx)
	_, err = checkPhoto(db, db, a, id, s.Now())
	return err
}

// AddPhoto stores an image the filer attaches to their complaint.
func (s *Service) AddPhoto(ctx context.Context, a store.Actor, id int64, data []byte) (_ *Photo, err error) {
	defer store.Wrap(&err, "complaint add photo")
	var ph Photo
	err = s.StorePhoto(ctx, s.photos, data, func(tx *store.Tx, u store.Upload) error {
		c, err := checkPhoto(tx.ForUpdate(), tx.DB, a, id, tx.Now)
		if err != nil {
			return err
		}
		if err := store.CountPhoto(tx, &Complaint{}, c.ID, MaxComplaintPhotos); err != nil {
			return err
		}
		ph = Photo{ComplaintID: c.ID, UploaderID: a.ID, ContentType: u.ContentType, Size: u.Size, StorageKey: u.Key, CreatedAt: tx.Now}
		return tx.Create(&ph).Error
	})
	if err != nil {
		return nil, err
	}
	return &ph, nil
}

// Photo returns one photo of a complaint the caller may see, with its bytes.
func (s *Service) Photo(ctx context.Context, a store.Actor, complaintID, photoID int64) (_ *Photo, _ []byte, err error) {
	defer store.Wrap(&err, "complaint photo")
	db := s.Read(ctx)
	var c Complaint
	if _, err := take(db, db, a, complaintID, &c); err != nil {
		return nil, nil, err
	}
	var ph Photo
	if err := db.Where("complaint_id = ?", complaintID).Take(&ph, photoID).Error; err != nil {
		return nil, nil, store.NotFound(err, "photo")
	}
	data, err := store.PhotoBytes(ctx, s.photos, ph.StorageKey)
	if err != nil {
		return nil, nil, err
	}
	return &ph, data, nil
}
