package complaint

import (
	"context"

	"houqin/models/store"
)

// ReceivedFigures count a period's complaints and suggestions for the
// yearly report.
type ReceivedFigures struct {
	Received    int
	Complaints  int
	Suggestions int
	Urgent      int
	Answered    int // replied to
	InTime      int // replied to by the promise
}

// Received counts what was filed on local dates from..to.
func (s *Service) Received(ctx context.Context, from, to store.Date) (_ ReceivedFigures, err error) {
	defer store.Wrap(&err, "complaint received")
	lo, hi := store.Span(from, to, s.Location)
	var f ReceivedFigures
	err = s.Read(ctx).Model(&Complaint{}).Select(`COUNT(*) AS received,
		COALESCE(SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END), 0) AS complaints,
		COALESCE(SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END), 0) AS suggestions,
		COALESCE(SUM(CASE WHEN urgent THEN 1 ELSE 0 END), 0) AS urgent,
		COALESCE(SUM(CASE WHEN replied_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS answered,
		COALESCE(SUM(CASE WHEN replied_at <= due_at THEN 1 ELSE 0 END), 0) AS in_time`, KindComplaint, KindSuggestion).
		Where("created_at >= ? AND created_at < ?", lo, hi).Scan(&f).Error
	return f, err
}
