package inspect

import (
	"context"
	"time"

	"gorm.io/gorm"

	"houqin/models/store"
	"houqin/models/team"
)

// MaxProblemPhotos bounds the photos of one problem: what the inspector
// found and the team's evidence, a send-back or two included.
const MaxProblemPhotos = 9

// photoStage tells what a's photo of p would show: members of its team
// add evidence of the fix while it waits for them, inspectors what they
// found while it is open. Anyone else may not add one.
func photoStage(db *gorm.DB, a store.Actor, p *Problem) (Stage, error) {
	member, err := team.IsMember(db, p.TeamID, a.ID)
	if err != nil {
		return "", err
	}
	waiting := p.Status == StatusOpen || p.Status == StatusSentBack
	switch {
	case member && waiting:
		return StageFixed, nil
	case a.Can(store.RoleInspector) && p.Status == StatusOpen:
		return StageFound, nil
	case !member && !a.Can(store.RoleInspector):
		return "", store.ErrForbidden
	}
	return "", store.Errorf(store.CodeInvalidTransition, "cannot add photos to a problem that is %s", p.Status)
}

// checkPhoto loads problem id and tells the stage of a's photo of it,
// refusing a full problem or a full day of uploads.
func checkPhoto(q, db *gorm.DB, a store.Actor, id int64, now time.Time) (*Problem, Stage, error) {
	var p Problem
	if err := take(q, db, a, id, &p); err != nil {
		return nil, "", err
	}
	stage, err := photoStage(db, a, &p)
	if err != nil {
		return nil, "", err
	}
	if p.PhotoCount >= MaxProblemPhotos {
		return nil, "", store.Errorf(store.CodeConflict, "at most %d photos may be attached here", MaxProblemPhotos)
	}
	return &p, stage, store.UploadsAllowed(db, &Photo{}, a.ID, now, store.MaxPhotosPerDay)
}

// CheckPhoto tells whether a may add a photo to problem id now; the upload
// handler asks before reading any bytes, and AddPhoto checks again.
func (s *Service) CheckPhoto(ctx context.Context, a store.Actor, id int64) (err error) {
	defer store.Wrap(&err, "inspection check photo")
	db := s.Read(ctx)
	_, _, err = checkPhoto(db, db, a, id, s.Now())
	return err
}

// AddPhoto stores an image of problem id: what an inspector found, or a
// team's evidence of the fix.
func (s *Service) AddPhoto(ctx context.Context, a store.Actor, id int64, data []byte) (_ *Photo, err error) {
	defer store.Wrap(&err, "inspection add photo")
	var ph Photo
	err = s.StorePhoto(ctx, s.photos, data, func(tx *store.Tx, u store.Upload) error {
		p, stage, err := checkPhoto(tx.ForUpdate(), tx.DB, a, id, tx.Now)
		if err != nil {
			return err
		}
		if err := store.CountPhoto(tx, &Problem{}, p.ID, MaxProblemPhotos); err != nil {
			return err
		}
		ph = Photo{ProblemID: p.ID, UploaderID: a.ID, Stage: stage, ContentType: u.ContentType, Size: u.Size,
			StorageKey: u.Key, CreatedAt: tx.Now}
		return tx.Create(&ph).Error
	})
	if err != nil {
		return nil, err
	}
	return &ph, nil
}

// Photo returns one photo of a problem the caller may see, with its bytes.
func (s *Service) Photo(ctx context.Context, a store.Actor, problemID, photoID int64) (_ *Photo, _ []byte, err error) {
	defer store.Wrap(&err, "inspection photo")
	db := s.Read(ctx)
	var p Problem
	if err := take(db, db, a, problemID, &p); err != nil {
		return nil, nil, err
	}
	var ph Photo
	if err := db.Where("problem_id = ?", problemID).Take(&ph, photoID).Error; err != nil {
		return nil, nil, store.NotFound(err, "photo")
	}
	data, err := store.PhotoBytes(ctx, s.photos, ph.StorageKey)
	if err != nil {
		return nil, nil, err
	}
	return &ph, data, nil
}
