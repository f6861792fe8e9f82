package repair

import (
	"context"
	"slices"

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
	return r.photoAllowed()
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

// AddPhoto records a stored photo on a request the caller may see.
// The count is raised with a conditional update, so concurrent uploads
// never exceed MaxRepairPhotos.
func (s *Service) AddPhoto(ctx context.Context, a store.Actor, p *RepairPhoto) (err error) {
	defer store.Wrap(&err, "repair add photo")
	return s.Tx(ctx, func(tx *store.Tx) error {
		var r Repair
		if err := takeVisible(tx.DB, a, p.RepairID, &r); err != nil {
			return err
		}
		if err := r.photoAllowed(); err != nil {
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
}

// Photo returns one photo of a request the caller may see.
func (s *Service) Photo(ctx context.Context, a store.Actor, repairID, photoID int64) (_ *RepairPhoto, err error) {
	defer store.Wrap(&err, "repair photo")
	db := s.Read(ctx)
	var r Repair
	if err := takeVisible(db.Select("id", "requester_id", "technician_id"), a, repairID, &r); err != nil {
		return nil, err
	}
	var p RepairPhoto
	if err := db.Where("repair_id = ?", repairID).Take(&p, photoID).Error; err != nil {
		return nil, store.NotFound(err, "photo")
	}
	return &p, nil
}
