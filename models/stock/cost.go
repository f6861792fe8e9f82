package stock

import (
	"context"
	"fmt"
	"time"

	"houqin/models/store"
)

// PartLine is one item used on a repair: what is out net of returns, at
// the value it left the store with.
type PartLine struct {
	ItemID    int64
	Name      string
	Spec      string
	Unit      string
	Quantity  int
	CostCents int64
}

// PartsUsed lists the parts a repair or work order used and their cost
// (Quantity is ignored). Its technician, the desk and the storekeepers may
// see them.
func (s *Service) PartsUsed(ctx context.Context, a store.Actor, of RepairInput) (_ []PartLine, err error) {
	defer store.Wrap(&err, "stock parts used")
	db := s.Read(ctx)
	r, err := holderOf(db, of)
	if err != nil {
		return nil, err
	}
	if !a.Can(store.RoleStorekeeper, store.RoleDispatcher) && (r.TechnicianID == nil || *r.TechnicianID != a.ID) {
		return nil, store.ErrForbidden
	}
	col, id, _ := of.target()
	lines := []PartLine{}
	err = db.Table("stock_moves AS m").Joins("JOIN stock_items AS i ON i.id = m.item_id").
		Select("m.item_id, i.name, i.spec, i.unit, -SUM(m.quantity) AS quantity, -SUM(m.value_cents) AS cost_cents").
		Where("m."+col+" = ?", id).Group("m.item_id, i.name, i.spec, i.unit").Order("i.name, m.item_id").
		Scan(&lines).Error
	return lines, err
}

// MonthCost is the value of parts that went into repairs in one month.
type MonthCost struct {
	Month         string // YYYY-MM
	IssuedCents   int64
	ReturnedCents int64
	CostCents     int64 // issued less returned
}

// CostsFrom is where a cost report ending at to starts by default: the
// first of the month eleven months before, so it covers a year.
func CostsFrom(to store.Date) store.Date {
	if to.Month == 12 {
		return store.Date{Year: to.Year, Month: 1, Day: 1}
	}
	return store.Date{Year: to.Year - 1, Month: to.Month + 1, Day: 1}
}

// MaxCostMonths bounds a cost report.
const MaxCostMonths = 120

// Costs reports parts cost by month for from..to (local dates), every
// month of the range listed, empty ones with zeros.
func (s *Service) Costs(ctx context.Context, from, to store.Date) (_ []MonthCost, err error) {
	defer store.Wrap(&err, "stock costs")
	if to.Before(from) {
		return nil, store.InvalidField("to", "must not be before from")
	}
	months := (to.Year-from.Year)*12 + to.Month - from.Month + 1
	if months > MaxCostMonths {
		return nil, store.InvalidField("to", "the range may span at most %d months", MaxCostMonths)
	}
	out := make([]MonthCost, months)
	for i := range out {
		out[i].Month = fmt.Sprintf("%04d-%02d", from.Year+(from.Month-1+i)/12, (from.Month-1+i)%12+1)
	}
	var rows []struct {
		Kind       MoveKind
		ValueCents int64
		CreatedAt  time.Time
	}
	loc := s.Location
	err = s.Read(ctx).Model(&Move{}).Select("kind, value_cents, created_at").
		Where("kind IN ? AND created_at >= ? AND created_at < ?", []MoveKind{MoveIssue, MoveReturn},
			from.At(0, 0, loc), to.AddDays(1).At(0, 0, loc)).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		d := store.DateOf(r.CreatedAt, loc)
		m := &out[(d.Year-from.Year)*12+d.Month-from.Month]
		if r.Kind == MoveIssue {
			m.IssuedCents -= r.ValueCents
		} else {
			m.ReturnedCents += r.ValueCents
		}
		m.CostCents -= r.ValueCents
	}
	return out, nil
}

// RepairsCost is the parts cost of the repairs filed in a period, in all
// and by the technician each is assigned to, for the repair statistics.
type RepairsCost struct {
	TotalCents   int64
	ByTechnician map[int64]int64
}

// CostOfRepairsFiled sums the parts cost of the repairs created on local
// dates from..to (the repair statistics' period).
func (s *Service) CostOfRepairsFiled(ctx context.Context, from, to store.Date) (_ *RepairsCost, err error) {
	defer store.Wrap(&err, "stock cost of repairs")
	var rows []struct {
		TechnicianID *int64
		CostCents    int64
	}
	err = s.Read(ctx).Table("stock_moves AS m").Joins("JOIN repairs AS r ON r.id = m.repair_id").
		Select("r.technician_id, -SUM(m.value_cents) AS cost_cents").
		Where("r.created_at >= ? AND r.created_at < ?", from.At(0, 0, s.Location).UTC(), to.AddDays(1).At(0, 0, s.Location).UTC()).
		Group("r.technician_id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	c := &RepairsCost{ByTechnician: map[int64]int64{}}
	for _, r := range rows {
		c.TotalCents += r.CostCents
		if r.TechnicianID != nil {
			c.ByTechnician[*r.TechnicianID] = r.CostCents
		}
	}
	return c, nil
}
