package maint

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"houqin/models/notify"
	"houqin/models/store"
)

// generateBatch is how many plans one transaction of Generate claims.
const generateBatch = 200

// Generate creates the work orders of every active plan whose next due
// date is within its lead time, and moves the plan to its next date. Each
// plan is claimed with a conditional UPDATE on its next_due, so with
// several replicas running the job at once each date is generated once
// (and a unique key on plan, asset and date stands behind it). A plan far
// behind gets one order for its oldest missed date and then continues
// from today. Each technician, or the desk for unassigned orders, is
// pushed once per batch with the count.
func (s *Service) Generate(ctx context.Context) (n int, err error) {
	defer store.Wrap(&err, "maint generate")
	for range 1000 { // each round moves plans on: this only bounds a runaway
		today := s.Today()
		var plans []Plan
		if err := s.Read(ctx).Where("active = ? AND generate_on <= ?", true, today).Order("id").
			Limit(generateBatch).Find(&plans).Error; err != nil {
			return n, err
		}
		if len(plans) == 0 {
			break
		}
		made := 0
		err := s.Tx(ctx, func(tx *store.Tx) error {
			var err error
			made, err = generate(tx, plans)
			return err
		})
		if err != nil {
			return n, err
		}
		n += made
	}
	return n, nil
}

// generate claims plans (read before tx began) and creates their orders.
func generate(tx *store.Tx, plans []Plan) (int, error) {
	today := tx.Today()
	kinds := map[AssetKind][]int64{}
	var orders []WorkOrder
	for _, p := range plans {
		due := p.NextDue
		next := p.Cycle().After(due)
		for next.Before(today) {
			next = p.Cycle().After(next)
		}
		res := tx.Model(&Plan{}).Where("id = ? AND active = ? AND next_due = ?", p.ID, true, due).
			Updates(map[string]any{"next_due": next, "generate_on": next.AddDays(-p.LeadDays), "updated_at": tx.Now})
		if res.Error != nil {
			return 0, res.Error
		}
		if res.RowsAffected == 0 {
			continue // another replica took it, or it changed
		}
		assets, err := planAssets(tx, &p, kinds)
		if err != nil {
			return 0, err
		}
		checks := make(List[Check], len(p.Checklist))
		for i, item := range p.Checklist {
			checks[i] = Check{Item: item}
		}
		for _, id := range assets {
			orders = append(orders, WorkOrder{PlanID: p.ID, AssetID: id, Title: p.Name, DueOn: due, ScheduledOn: due,
				Status: OrderOpen, Team: p.Team, TechnicianID: p.TechnicianID, Checklist: checks, Readings: List[Reading]{},
				CreatedAt: tx.Now, UpdatedAt: tx.Now})
		}
	}
	if len(orders) == 0 {
		return 0, nil
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&orders, 500).Error; err != nil {
		return 0, err
	}
	return len(orders), announceGenerated(tx, orders)
}

// planAssets lists the active assets a plan covers; kinds caches a kind's.
func planAssets(tx *store.Tx, p *Plan, kinds map[AssetKind][]int64) ([]int64, error) {
	var ids []int64
	if p.AssetID != nil {
		return ids, tx.Model(&Asset{}).Where("id = ? AND active = ?", *p.AssetID, true).Pluck("id", &ids).Error
	}
	if ids, ok := kinds[p.AssetKind]; ok {
		return ids, nil
	}
	err := tx.Model(&Asset{}).Where("kind = ? AND active = ?", p.AssetKind, true).Order("id").Pluck("id", &ids).Error
	kinds[p.AssetKind] = ids
	return ids, err
}

// announceGenerated pushes each technician the count of their new orders,
// and the desk the count of unassigned ones.
func announceGenerated(tx *store.Tx, orders []WorkOrder) error {
	counts := map[int64]int{}
	first := map[int64]*WorkOrder{}
	for i := range orders {
		var to int64 // 0: the desk
		if t := orders[i].TechnicianID; t != nil {
			to = *t
		}
		counts[to]++
		if first[to] == nil {
			first[to] = &orders[i]
		}
	}
	for to, n := range counts {
		w := first[to]
		body := fmt.Sprintf("%s等%d项，最早%s到期。", store.Clip(w.Title, 30), n, w.DueOn)
		notice := notify.Notice{Category: notify.CategoryRepair, Type: "maint.generated", TTL: 72 * time.Hour,
			Title: fmt.Sprintf("新保养工单%d项", n), Body: body, Data: notify.StringMap{"type": "work_orders", "status": string(OrderOpen)}}
		recipients := []int64{to}
		if to == 0 {
			notice.Title = fmt.Sprintf("%d项保养工单待派工", n)
			var err error
			if recipients, err = dispatchers(tx); err != nil {
				return err
			}
		}
		if err := notify.Notify(tx, notice, recipients...); err != nil {
			return err
		}
	}
	return nil
}

// FlagOverdue tells the desk, once per order and due date, about work not
// done by its due date: each order is claimed with a conditional UPDATE of
// overdue_notified_at, and one push per sweep names how many.
func (s *Service) FlagOverdue(ctx context.Context) (n int, err error) {
	defer store.Wrap(&err, "maint flag overdue")
	var ids []int64
	err = s.Read(ctx).Model(&WorkOrder{}).Where("status IN ? AND due_on < ? AND overdue_notified_at IS NULL", pending, s.Today()).
		Order("id").Limit(2000).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var first WorkOrder
		for _, id := range ids {
			res := tx.Model(&WorkOrder{}).Where("id = ? AND overdue_notified_at IS NULL AND status IN ? AND due_on < ?", id, pending, tx.Today()).
				Updates(map[string]any{"overdue_notified_at": tx.Now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				if n++; n == 1 {
					if err := tx.Take(&first, id).Error; err != nil {
						return err
					}
				}
			}
		}
		if n == 0 {
			return nil
		}
		desk, err := dispatchers(tx)
		if err != nil {
			return err
		}
		notice := orderNotice(&first, "maint.overdue", fmt.Sprintf("%d项保养工单已逾期", n),
			fmt.Sprintf("%s（%s到期）等%d项未按期完成，请跟进。", store.Clip(first.Title, 30), first.DueOn, n))
		if n > 1 {
			notice.Data = notify.StringMap{"type": "work_orders", "status": "overdue"}
		}
		return notify.Notify(tx, notice, desk...)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
