package inspect

import (
	"context"

	"gorm.io/gorm"

	"houqin/models/store"
)

// HeldFigures count a period's inspections for the yearly report.
type HeldFigures struct {
	Inspections int
	Found       int // problems recorded at those inspections
	Fixed       int // of those, fixed (verified or awaiting verification)
	Verified    int
}

// Held counts the inspections made on local dates from..to and their problems.
func (s *Service) Held(ctx context.Context, from, to store.Date) (_ HeldFigures, err error) {
	defer store.Wrap(&err, "inspect held")
	lo, hi := store.Span(from, to, s.Location)
	db := s.Read(ctx)
	var f HeldFigures
	held := func() *gorm.DB { return db.Model(&Inspection{}).Where("at >= ? AND at < ?", lo, hi) }
	err = db.Model(&Problem{}).Select(`COUNT(*) AS found,
		COALESCE(SUM(CASE WHEN status IN ? THEN 1 ELSE 0 END), 0) AS fixed,
		COALESCE(SUM(CASE WHEN status = ? THEN 1 ELSE 0 END), 0) AS verified`,
		[]Status{StatusFixed, StatusVerified}, StatusVerified).
		Where("inspection_id IN (?)", held().Select("id")).Scan(&f).Error
	if err != nil {
		return f, err
	}
	var n int64
	err = held().Count(&n).Error
	f.Inspections = int(n)
	return f, err
}
