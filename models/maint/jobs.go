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
const generateBatch = 1000

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
// The plans still due are locked (MySQL; SQLite's write transaction holds
// the database) and moved on by a conditional UPDATE per group of plans
// sharing their dates, which keeps round trips few with thousands of plans.
func generate(tx *store.Tx, plans []Plan) (int, error) {
	today := tx.Today()
	ids := make([]int64, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	var current []Plan
	if err := tx.ForUpdate().Select("id", "next_due").Where("id IN ? AND active = ? AND generate_on <= ?", ids, true, today).
		Order("id").Find(&current).Error; err != nil {
		return 0, err
	}
	still := map[int64]store.Date{}
	for _, p := range current {
		still[p.ID] = p.NextDue
	}
	type move struct{ due, next, generateOn store.Date }
	groups := map[move][]int64{}
	var claimed []Plan
	for _, p := range plans {
		if due, ok := still[p.ID]; !ok || due != p.NextDue {
			continue // another replica took it, or it changed
		}
		next := p.Cycle().After(p.NextDue)
		for next.Before(today) {
			next = p.Cycle().After(next)
		}
		m := move{p.NextDue, next, next.AddDays(-p.LeadDays)}
		groups[m] = append(groups[m], p.ID)
		claimed = append(claimed, p)
	}
	for m, ids := range groups {
		res := tx.Model(&Plan{}).Where("id IN ? AND next_due = ?", ids, m.due).
			Updates(map[string]any{"next_due": m.next, "generate_on": m.generateOn, "updated_at": tx.Now})
		if res.Error != nil {
			return 0, res.Error
		}
		if res.RowsAffected != int64(len(ids)) {
			return 0, fmt.Errorf("claimed %d of %d locked plans", res.RowsAffected, len(ids))
		}
	}
	covered, err := coveredAssets(tx, claimed)
	if err != nil {
		return 0, err
	}
	var orders []WorkOrder
	for _, p := range claimed {
		checks := make(List[Check], len(p.Checklist))
		for i, item := range p.Checklist {
			checks[i] = Check{Item: item}
		}
		for _, id := range covered(&p) {
			orders = append(orders, WorkOrder{PlanID: p.ID, AssetID: id, Title: p.Name, DueOn: p.NextDue, ScheduledOn: p.NextDue,
				Status: OrderOpen, Team: p.Team, TechnicianID: p.TechnicianID, Checklist: checks, Readings: List[Reading]{},
				CreatedAt: tx.Now, UpdatedAt: tx.Now})
		}
	}
	if len(orders) == 0 {
		return 0, nil
	}
	// Small batches: the SQLite driver binds a statement's arguments in
	// time that grows with the square of their number.
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&orders, 25).Error; err != nil {
		return 0, err
	}
	return len(orders), announceGenerated(tx, orders)
}

// coveredAssets loads, in a query per kind and one for single assets, the
// active assets the plans cover, and returns the lookup of a plan's.
func coveredAssets(tx *store.Tx, plans []Plan) (func(*Plan) []int64, error) {
	kinds := map[AssetKind][]int64{}
	var single []int64
	for _, p := range plans {
		if p.AssetID != nil {
			single = append(single, *p.AssetID)
		} else {
			kinds[p.AssetKind] = nil
		}
	}
	for k := range kinds {
		var ids []int64
		if err := tx.Model(&Asset{}).Where("kind = ? AND active = ?", k, true).Order("id").Pluck("id", &ids).Error; err != nil {
			return nil, err
		}
		kinds[k] = ids
	}
	active := map[int64]bool{}
	if len(single) > 0 {
		var ids []int64
		if err := tx.Model(&Asset{}).Where("id IN ? AND active = ?", single, true).Pluck("id", &ids).Error; err != nil {
			return nil, err
		}
		for _, id := range ids {
			active[id] = true
		}
	}
	return func(p *Plan) []int64 {
		if p.AssetID == nil {
			return kinds[p.AssetKind]
		}
		if active[*p.AssetID] {
			return []int64{*p.AssetID}
		}
		return nil
	}, nil
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
