package repair

import (
	"context"
	"math"
	"slices"
	"time"

	"houqin/models/store"
)

// Durations summarises how long something took, in minutes.
type Durations struct {
	Count  int
	Median float64
	P90    float64
}

func summarise(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	return Durations{Count: len(ds), Median: quantile(ds, 0.5), P90: quantile(ds, 0.9)}
}

// quantile interpolates linearly between the closest ranks of sorted ds.
func quantile(ds []time.Duration, q float64) float64 {
	pos := q * float64(len(ds)-1)
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	v := ds[lo].Minutes() + (ds[hi].Minutes()-ds[lo].Minutes())*(pos-float64(lo))
	return math.Round(v*10) / 10
}

// Scores are mean ratings over the requests that have them.
type Scores struct {
	Count                          int
	Attitude, Quality, Cleanliness float64
}

type scoreSum struct {
	n       int
	a, q, c int
}

func (s *scoreSum) add(r *Repair) {
	if r.Attitude > 0 {
		s.n++
		s.a += r.Attitude
		s.q += r.Quality
		s.c += r.Cleanliness
	}
}

func (s scoreSum) mean() Scores {
	if s.n == 0 {
		return Scores{}
	}
	m := func(v int) float64 { return math.Round(float64(v)/float64(s.n)*100) / 100 }
	return Scores{Count: s.n, Attitude: m(s.a), Quality: m(s.q), Cleanliness: m(s.c)}
}

// RepairFigures are the desk's measures over a set of requests.
type RepairFigures struct {
	Total            int
	Resolved         int // resolved or closed
	Closed           int
	ClosedByFeedback int
	ClosedByCallback int
	// CallbackRate is closed-with-scores over resolved (the 100% 回访 target).
	CallbackRate float64
	Overdue      int // missed a promise at some point, or overdue now
	TimeToAssign Durations
	TimeToFinish Durations // creation to resolution
	Scores       Scores
}

// RepairStats are the figures of the requests filed in a period, overall
// and per technician.
type RepairStats struct {
	From, To   store.Date
	ByStatus   map[RepairStatus]int
	ByCategory map[Category]int
	// Daily counts the requests filed on each date from From to To.
	Daily []int
	All   RepairFigures
	// Categories are the figures of each category that had requests, in
	// the order of Categories (the yearly report's table).
	Categories []CategoryFigures

	Technicians []TechnicianFigures
}

// CategoryFigures are the figures of one category's requests.
type CategoryFigures struct {
	Category Category
	RepairFigures
}

// TechnicianFigures are one technician's figures over the requests
// currently assigned to them.
type TechnicianFigures struct {
	TechnicianID int64
	Name         string
	RepairFigures
}

type figuresAcc struct {
	f              RepairFigures
	assign, finish []time.Duration
	scores         scoreSum
}

func (acc *figuresAcc) add(r *Repair, now time.Time) {
	f := &acc.f
	f.Total++
	if r.FirstAssignedAt != nil {
		acc.assign = append(acc.assign, r.FirstAssignedAt.Sub(r.CreatedAt))
	}
	if r.ResolvedAt != nil {
		f.Resolved++
		acc.finish = append(acc.finish, r.ResolvedAt.Sub(r.CreatedAt))
	}
	if r.Status == RepairClosed {
		f.Closed++
		if r.FeedbackSource == "callback" {
			f.ClosedByCallback++
		} else {
			f.ClosedByFeedback++
		}
	}
	if r.MissedDeadlines > 0 || r.Overdue(now) {
		f.Overdue++
	}
	acc.scores.add(r)
}

func (acc *figuresAcc) figures() RepairFigures {
	f := acc.f
	f.TimeToAssign, f.TimeToFinish, f.Scores = summarise(acc.assign), summarise(acc.finish), acc.scores.mean()
	if f.Resolved > 0 {
		f.CallbackRate = math.Round(float64(f.Closed)/float64(f.Resolved)*1000) / 1000
	}
	return f
}

// MaxStatsRange bounds a statistics period: a year and a day.
const MaxStatsRange = 367

// Stats computes the figures of requests created on local dates
// from..to (inclusive).
func (s *Service) Stats(ctx context.Context, from, to store.Date) (_ *RepairStats, err error) {
	defer store.Wrap(&err, "repair stats")
	if err := store.CheckRange(from, to, MaxStatsRange, "to"); err != nil {
		return nil, err
	}
	var rows []Repair
	err = s.Read(ctx).Select("id", "category", "status", "technician_id", "created_at", "first_assigned_at",
		"resolved_at", "deadline_at", "missed_deadlines", "attitude", "quality", "cleanliness", "feedback_source").
		Where("created_at >= ? AND created_at < ?", from.At(0, 0, s.Location).UTC(), to.AddDays(1).At(0, 0, s.Location).UTC()).
		Find(&rows).Error
	if err != nil {
		return nil, err
	}
	now := s.Now()
	st := &RepairStats{From: from, To: to, ByStatus: map[RepairStatus]int{}, ByCategory: map[Category]int{},
		Daily: make([]int, from.DaysUntil(to)+1)}
	for _, v := range RepairStatuses {
		st.ByStatus[v] = 0
	}
	for _, c := range Categories {
		st.ByCategory[c] = 0
	}
	var all figuresAcc
	techs, cats := map[int64]*figuresAcc{}, map[Category]*figuresAcc{}
	for i := range rows {
		r := &rows[i]
		st.ByStatus[r.Status]++
		st.ByCategory[r.Category]++
		st.Daily[from.DaysUntil(store.DateOf(r.CreatedAt, s.Location))]++
		all.add(r, now)
		if cats[r.Category] == nil {
			cats[r.Category] = &figuresAcc{}
		}
		cats[r.Category].add(r, now)
		if r.TechnicianID != nil {
			if techs[*r.TechnicianID] == nil {
				techs[*r.TechnicianID] = &figuresAcc{}
			}
			techs[*r.TechnicianID].add(r, now)
		}
	}
	st.All = all.figures()
	for _, c := range Categories {
		if acc := cats[c]; acc != nil {
			st.Categories = append(st.Categories, CategoryFigures{Category: c, RepairFigures: acc.figures()})
		}
	}
	ids := make([]int64, 0, len(techs))
	for id := range techs {
		ids = append(ids, id)
	}
	names, err := userNames(s.Read(ctx), ids)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	for _, id := range ids {
		st.Technicians = append(st.Technicians, TechnicianFigures{TechnicianID: id, Name: names[id], RepairFigures: techs[id].figures()})
	}
	return st, nil
}
