package maint

import (
	"context"
	"time"

	"houqin/models/store"
)

// WorkMix compares planned work (maintenance orders completed) with
// breakdown work (repairs resolved) over the same days: counts, hours
// from start to finish, and the planned share of each.
type WorkMix struct {
	PlannedOrders, BreakdownOrders int
	PlannedHours, BreakdownHours   float64
	PlannedShareOrders             float64 // 0..1; 0 when there was no work
	PlannedShareHours              float64
}

// Mix reports the work finished on local dates from..to. Repairs are read
// from their table (the repair domain owns it).
func (s *Service) Mix(ctx context.Context, from, to store.Date) (_ *WorkMix, err error) {
	defer store.Wrap(&err, "maint mix")
	lo, hi := from.At(0, 0, s.Location).UTC(), to.AddDays(1).At(0, 0, s.Location).UTC()
	type span struct {
		StartedAt *time.Time
		EndedAt   time.Time
	}
	hours := func(rows []span) (h float64) {
		for _, r := range rows {
			if r.StartedAt != nil {
				h += r.EndedAt.Sub(*r.StartedAt).Hours()
			}
		}
		return h
	}
	db := s.Read(ctx)
	var planned, breakdown []span
	if err := db.Model(&WorkOrder{}).Select("started_at, completed_at AS ended_at").
		Where("status = ? AND completed_at >= ? AND completed_at < ?", OrderDone, lo, hi).Scan(&planned).Error; err != nil {
		return nil, err
	}
	if err := db.Table("repairs").Select("started_at, resolved_at AS ended_at").
		Where("resolved_at >= ? AND resolved_at < ?", lo, hi).Scan(&breakdown).Error; err != nil {
		return nil, err
	}
	m := &WorkMix{PlannedOrders: len(planned), BreakdownOrders: len(breakdown), PlannedHours: hours(planned), BreakdownHours: hours(breakdown)}
	if total := m.PlannedOrders + m.BreakdownOrders; total > 0 {
		m.PlannedShareOrders = float64(m.PlannedOrders) / float64(total)
	}
	if total := m.PlannedHours + m.BreakdownHours; total > 0 {
		m.PlannedShareHours = m.PlannedHours / total
	}
	return m, nil
}
