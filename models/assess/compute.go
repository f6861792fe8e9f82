package assess

import (
	"context"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"houqin/models/store"
	"houqin/models/team"
)

// scope is what a team answers for, from its areas.
type scope struct {
	categories []string
	canteen    bool
	routes     []int64
}

func scopeOf(db *gorm.DB, teamID int64) (scope, error) {
	var areas []team.Area
	if err := db.Where("team_id = ?", teamID).Find(&areas).Error; err != nil {
		return scope{}, err
	}
	var sc scope
	for _, a := range areas {
		switch a.Kind {
		case team.AreaRepairCategory:
			sc.categories = append(sc.categories, a.Value)
		case team.AreaCanteen:
			sc.canteen = true
		case team.AreaShuttleRoute:
			if id, err := strconv.ParseInt(a.Value, 10, 64); err == nil {
				sc.routes = append(sc.routes, id)
			}
		}
	}
	return sc, nil
}

// figure is an indicator's raw value and how many records it rests on.
type figure struct {
	raw        float64
	samples    int
	applicable bool
}

func share(part, whole int) figure {
	if whole == 0 {
		return figure{}
	}
	return figure{raw: round(float64(part) * 100 / float64(whole)), samples: whole, applicable: true}
}

func mean(sum float64, n int) figure {
	if n == 0 {
		return figure{}
	}
	return figure{raw: round(sum / float64(n)), samples: n, applicable: true}
}

// figures computes every indicator of a team for [from, to) local time;
// the records read are the other domains' tables, not their packages.
func figures(db *gorm.DB, teamID int64, sc scope, from, to time.Time, now time.Time, loc *time.Location) (map[Indicator]figure, error) {
	out := map[Indicator]figure{}
	if len(sc.categories) > 0 {
		var r struct{ Total, OnTime, Resolved, Closed, Scored, ScoreSum int }
		err := db.Table("repairs").Select(`COUNT(*) AS total,
			COALESCE(SUM(CASE WHEN first_assigned_at <= respond_by AND resolved_at <= due_at THEN 1 ELSE 0 END), 0) AS on_time,
			COALESCE(SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS resolved,
			COALESCE(SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END), 0) AS closed,
			COALESCE(SUM(CASE WHEN attitude > 0 THEN 1 ELSE 0 END), 0) AS scored,
			COALESCE(SUM(CASE WHEN attitude > 0 THEN attitude + quality + cleanliness ELSE 0 END), 0) AS score_sum`).
			Where("category IN ? AND created_at >= ? AND created_at < ? AND status NOT IN ?", sc.categories, from, to,
				[]string{"cancelled", "rejected"}).Scan(&r).Error
		if err != nil {
			return nil, err
		}
		out[RepairsOnTime] = share(r.OnTime, r.Total)
		out[CallbackRate] = share(r.Closed, r.Resolved)
		out[Satisfaction] = mean(float64(r.ScoreSum)/3, r.Scored)
	}
	fromDay, toDay := store.DateOf(from, loc), store.DateOf(to, loc)
	if sc.canteen {
		var r struct{ N, Sum int }
		err := db.Table("dish_ratings").Select("COUNT(*) AS n, COALESCE(SUM(score), 0) AS sum").
			Where("served_on >= ? AND served_on < ?", fromDay, toDay).Scan(&r).Error
		if err != nil {
			return nil, err
		}
		out[DishRating] = mean(float64(r.Sum), r.N)
	}
	if len(sc.routes) > 0 {
		var r struct{ N, OnTime int }
		err := db.Table("shuttle_trips").Select("COUNT(*) AS n, COALESCE(SUM(CASE WHEN delay_minutes <= ? THEN 1 ELSE 0 END), 0) AS on_time", OnTimeDelay).
			Where("route_id IN ? AND service_date >= ? AND service_date < ? AND status IN ?", sc.routes, fromDay, toDay,
				[]string{"departed", "arrived"}).Scan(&r).Error
		if err != nil {
			return nil, err
		}
		out[ShuttleOnTime] = share(r.OnTime, r.N)
	}
	var p struct{ N, OnTime int }
	err := db.Table("inspection_problems").Select(`COUNT(*) AS n,
		COALESCE(SUM(CASE WHEN status IN ('fixed', 'verified') AND fixed_at <= deadline THEN 1 ELSE 0 END), 0) AS on_time`).
		Where("team_id = ? AND deadline >= ? AND deadline < ? AND deadline < ?", teamID, from, to, now).Scan(&p).Error
	if err != nil {
		return nil, err
	}
	out[InspectionOnTime] = share(p.OnTime, p.N)
	var complaints int64
	err = db.Table("complaints").Where("team_id = ? AND kind = 'complaint' AND created_at >= ? AND created_at < ?", teamID, from, to).
		Count(&complaints).Error
	if err != nil {
		return nil, err
	}
	out[Complaints] = figure{raw: float64(complaints), samples: int(complaints), applicable: true}
	return out, nil
}

// compute scores a team's month under the weights.
func compute(db *gorm.DB, teamID int64, m Month, ws []Weight, now time.Time, loc *time.Location) ([]Result, error) {
	sc, err := scopeOf(db, teamID)
	if err != nil {
		return nil, err
	}
	from, to := m.First().At(0, 0, loc), m.Next().First().At(0, 0, loc)
	figs, err := figures(db, teamID, sc, from, to, now, loc)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(ws))
	for i, w := range ws {
		f := figs[w.Indicator]
		out[i] = Result{TeamID: teamID, Month: m.String(), Indicator: w.Indicator, Applicable: f.applicable, Raw: f.raw,
			Samples: f.samples, Target: w.Target, Weight: w.Weight, ComputedAt: now}
		if f.applicable {
			out[i].Points = points(w.Indicator, f.raw, w)
		}
	}
	return out, nil
}

// TeamMonth is one team's assessment of one month.
type TeamMonth struct {
	Team    team.Team
	Results []Result
	Score   float64
}

// Assessment is a month's assessment of the teams the caller may see.
type Assessment struct {
	Month  Month
	Frozen bool // a closed month, stored when first asked for
	Teams  []TeamMonth
}

// Get assesses month m: every team for admins, the teams they lead for
// team leads; anyone else is refused. The current month is live; a
// closed one is computed once and kept.
func (s *Service) Get(ctx context.Context, a store.Actor, m Month) (_ *Assessment, err error) {
	defer store.Wrap(&err, "assess get")
	db := s.Read(ctx)
	now := s.Now()
	current := MonthOf(store.DateOf(now, s.Location))
	if m.First().Compare(current.First()) > 0 {
		return nil, store.InvalidField("month", "is still to come")
	}
	q := db.Order("name")
	if !a.Can(store.RoleAdmin) {
		q = q.Where("lead_id = ?", a.ID)
	}
	var teams []team.Team
	if err := q.Find(&teams).Error; err != nil {
		return nil, err
	}
	if len(teams) == 0 && !a.Can(store.RoleAdmin) {
		return nil, store.ErrForbidden
	}
	out := &Assessment{Month: m, Frozen: m != current, Teams: make([]TeamMonth, len(teams))}
	ws, err := s.Weights(ctx)
	if err != nil {
		return nil, err
	}
	for i, t := range teams {
		var rs []Result
		if out.Frozen {
			rs, err = s.frozen(ctx, t.ID, m, ws)
		} else {
			rs, err = compute(db, t.ID, m, ws, now, s.Location)
		}
		if err != nil {
			return nil, err
		}
		out.Teams[i] = TeamMonth{Team: t, Results: rs, Score: Score(rs)}
	}
	return out, nil
}

// frozen returns the stored results of a closed month, computing and
// storing them the first time; replicas racing to do so keep the first.
func (s *Service) frozen(ctx context.Context, teamID int64, m Month, ws []Weight) ([]Result, error) {
	var rs []Result
	load := func(db *gorm.DB) error {
		rs = rs[:0]
		if err := db.Where("team_id = ? AND month = ?", teamID, m.String()).Find(&rs).Error; err != nil {
			return err
		}
		slices.SortFunc(rs, func(a, b Result) int {
			return slices.Index(Indicators, a.Indicator) - slices.Index(Indicators, b.Indicator)
		})
		return nil
	}
	if err := load(s.Read(ctx)); err != nil || len(rs) > 0 {
		return rs, err
	}
	err := s.Tx(ctx, func(tx *store.Tx) error {
		computed, err := compute(tx.DB, teamID, m, ws, tx.Now, tx.Location())
		if err != nil || len(computed) == 0 {
			return err
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&computed).Error; err != nil {
			return err
		}
		return load(tx.DB)
	})
	return rs, err
}
