package repair

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// repairOpen reports whether a request still takes photos.
func (r *Repair) repairOpen() bool {
	return !slices.Contains([]RepairStatus{RepairClosed, RepairCancelled, RepairRejected}, r.Status)
}

// CheckPhoto tells whether a may add a photo to request id now. The
// upload handler asks before storing any bytes, so strangers and full or
// finished requests cost no disk writes; AddPhoto checks again.
func (s *Service) CheckPhoto(ctx context.Context, a store.Actor, id int64) (err error) {
	defer store.Wrap(&err, "repair check photo")
	var r Repair
	if err := takeVisible(s.Read(ctx), a, id, &r); err != nil {
		return err
	}
	if err := r.photoAllowed(); err != nil {
		return err
	}
	return uploadAllowed(s.Read(ctx), a.ID, s.Now())
}

// MaxPhotosPerDay bounds one person's uploads over 24 hours: enough to
// document several faults, not enough to fill the disk with one account.
const MaxPhotosPerDay = 30

func uploadAllowed(db *gorm.DB, uploaderID int64, now time.Time) error {
	return store.UploadsAllowed(db, &RepairPhoto{}, uploaderID, now, MaxPhotosPerDay)
}

func (r *Repair) photoAllowed() error {
	if !r.repairOpen() {
		return store.Errorf(store.CodeInvalidTransition, "cannot add photos to a repair that is %s", r.Status)
	}
	if r.PhotoCount >= MaxRepairPhotos {
		return store.Errorf(store.CodeConflict, "a repair carries at most %d photos", MaxRepairPhotos)
	}
	return nil
}

// AddPhoto stores an image on a request the caller may see: the bytes go
// to the blob store first and the row is recorded after, so a row never
// names missing bytes; if recording fails the bytes are removed again. The
// count is raised with a conditional update, so concurrent uploads never
// exceed MaxRepairPhotos.
func (s *Service) AddPhoto(ctx context.Context, a store.Actor, repairID int64, data []byte) (_ *RepairPhoto, err error) {
	defer store.Wrap(&err, "repair add photo")
	ct, ext, err := store.CheckPhoto(data)
	if err != nil {
		return nil, err
	}
	p := &RepairPhoto{RepairID: repairID, ContentType: ct, Size: int64(len(data)), StorageKey: store.NewBlobKey(ext)}
	if err := s.photos.Put(ctx, p.StorageKey, data); err != nil {
		return nil, err
	}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var r Repair
		if err := takeVisible(tx.DB, a, p.RepairID, &r); err != nil {
			return err
		}
		if err := r.photoAllowed(); err != nil {
			return err
		}
		if err := uploadAllowed(tx.DB, a.ID, tx.Now); err != nil {
			return err
		}
		res := tx.Model(&Repair{}).Where("id = ? AND photo_count < ?", r.ID, MaxRepairPhotos).
			Update("photo_count", gorm.Expr("photo_count + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.Errorf(store.CodeConflict, "a repair carries at most %d photos", MaxRepairPhotos)
		}
		p.UploaderID, p.CreatedAt = a.ID, tx.Now
		return tx.Create(p).Error
	})
	if err != nil {
		// Best effort: an orphaned file costs disk, never correctness.
		_ = s.photos.Delete(context.WithoutCancel(ctx), p.StorageKey)
		return nil, err
	}
	return p, nil
}

// Photo returns one photo of a request the caller may see, with its bytes.
func (s *Service) Photo(ctx context.Context, a store.Actor, repairID, photoID int64) (_ *RepairPhoto, _ []byte, err error) {
	defer store.Wrap(&err, "repair photo")
	db := s.Read(ctx)
	var r Repair
	if err := takeVisible(db.Select("id", "requester_id", "technician_id"), a, repairID, &r); err != nil {
		return nil, nil, err
	}
	var p RepairPhoto
	if err := db.Where("repair_id = ?", repairID).Take(&p, photoID).Error; err != nil {
		return nil, nil, store.NotFound(err, "photo")
	}
	data, err := s.photos.Get(ctx, p.StorageKey)
	if errors.Is(err, fs.ErrNotExist) {
		// Bytes this replica's store does not hold (another replica's disk,
		// or lost): the photo cannot be served, which is not our failure.
		return nil, nil, store.ErrNotFound("photo")
	}
	if err != nil {
		return nil, nil, err
	}
	return &p, data, nil
}
