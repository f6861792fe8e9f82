package maint

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
)

// Photo is a picture of an asset or of a work order's job; the bytes live
// in blob storage under StorageKey.
type Photo struct {
	ID          int64 `gorm:"primaryKey"`
	AssetID     *int64
	WorkOrderID *int64
	UploaderID  int64
	ContentType string `gorm:"size:50"`
	Size        int64
	StorageKey  string `gorm:"size:100"`
	CreatedAt   time.Time
}

// TableName keeps the domain's tables together.
func (Photo) TableName() string { return "maint_photos" }

// MaxPhotos is how many photos one asset or one work order carries.
const MaxPhotos = 10

// MaxPhotosPerDay bounds one person's uploads over 24 hours.
const MaxPhotosPerDay = 100

// PhotoOf names what a photo is of: an asset or a work order.
type PhotoOf struct {
	AssetID, WorkOrderID int64
}

// mayAdd checks that a may add a photo to what o names, and that it has
// room, returning the table and id whose photo_count counts it.
func (o PhotoOf) mayAdd(db *gorm.DB, a store.Actor) (any, int64, error) {
	if o.AssetID != 0 {
		var as Asset
		if err := db.Take(&as, o.AssetID).Error; err != nil {
			return nil, 0, store.NotFound(err, "asset")
		}
		return &Asset{}, as.ID, roomFor(as.PhotoCount)
	}
	var w WorkOrder
	if err := takeOrder(db, a, o.WorkOrderID, &w); err != nil {
		return nil, 0, err
	}
	if err := w.worker(a); err != nil {
		return nil, 0, err
	}
	if err := w.inStatus("add photos to", OrderOpen, OrderInProgress, OrderPostponed); err != nil {
		return nil, 0, err
	}
	return &WorkOrder{}, w.ID, roomFor(w.PhotoCount)
}

func roomFor(count int) error {
	if count >= MaxPhotos {
		return store.Errorf(store.CodeConflict, "at most %d photos may be added here", MaxPhotos)
	}
	return nil
}

func uploadAllowed(db *gorm.DB, uploaderID int64, now time.Time) error {
	return store.UploadsAllowed(db, &Photo{}, uploaderID, now, MaxPhotosPerDay)
}

// CheckPhoto tells, before any bytes are stored, whether a may add a photo.
func (s *Service) CheckPhoto(ctx context.Context, a store.Actor, o PhotoOf) (err error) {
	defer store.Wrap(&err, "maint check photo")
	if _, _, err := o.mayAdd(s.Read(ctx), a); err != nil {
		return err
	}
	return uploadAllowed(s.Read(ctx), a.ID, s.Now())
}

// AddPhoto stores an image: bytes first, then the row, raising the count
// with a conditional update so concurrent uploads never pass MaxPhotos.
func (s *Service) AddPhoto(ctx context.Context, a store.Actor, o PhotoOf, data []byte) (_ *Photo, err error) {
	defer store.Wrap(&err, "maint add photo")
	ct, ext, err := store.CheckPhoto(data)
	if err != nil {
		return nil, err
	}
	p := &Photo{ContentType: ct, Size: int64(len(data)), StorageKey: store.NewBlobKey(ext)}
	if err := s.photos.Put(ctx, p.StorageKey, data); err != nil {
		return nil, err
	}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		model, id, err := o.mayAdd(tx.DB, a)
		if err != nil {
			return err
		}
		if err := uploadAllowed(tx.DB, a.ID, tx.Now); err != nil {
			return err
		}
		res := tx.Model(model).Where("id = ? AND photo_count < ?", id, MaxPhotos).Update("photo_count", gorm.Expr("photo_count + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return roomFor(MaxPhotos)
		}
		if o.AssetID != 0 {
			p.AssetID = &o.AssetID
		} else {
			p.WorkOrderID = &o.WorkOrderID
		}
		p.UploaderID, p.CreatedAt = a.ID, tx.Now
		return tx.Create(p).Error
	})
	if err != nil {
		_ = s.photos.Delete(context.WithoutCancel(ctx), p.StorageKey)
		return nil, err
	}
	return p, nil
}

// GetPhoto returns a photo of what o names, with its bytes, to those who
// may see it.
func (s *Service) GetPhoto(ctx context.Context, a store.Actor, o PhotoOf, photoID int64) (_ *Photo, _ []byte, err error) {
	defer store.Wrap(&err, "maint photo")
	db := s.Read(ctx)
	q := db.Where("asset_id = ?", o.AssetID)
	if o.AssetID == 0 {
		var w WorkOrder
		if err := takeOrder(db, a, o.WorkOrderID, &w); err != nil {
			return nil, nil, err
		}
		q = db.Where("work_order_id = ?", o.WorkOrderID)
	}
	var p Photo
	if err := q.Take(&p, photoID).Error; err != nil {
		return nil, nil, store.NotFound(err, "photo")
	}
	data, err := s.photos.Get(ctx, p.StorageKey)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, store.ErrNotFound("photo")
	}
	if err != nil {
		return nil, nil, err
	}
	return &p, data, nil
}
