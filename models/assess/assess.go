// Package assess is the monthly 100-point assessment of each team (数字化
// 考核): weighted indicators computed from what Houqin already records,
// never typed in. A closed month is computed once and kept, so later
// changes to old records do not move a published score.
package assess

import (
	"context"
	"fmt"
	"math"
	"time"

	"houqin/models/store"
)

// Service is the package's operations on the store.
type Service struct{ *store.Store }

// New returns the service on s.
func New(s *store.Store) *Service { return &Service{s} }

// Indicator names a figure the assessment weighs.
type Indicator string

const (
	// RepairsOnTime is the share (%) of the month's repairs in the team's
	// categories answered and resolved within their promises.
	RepairsOnTime Indicator = "repairs_on_time"
	// CallbackRate is the share (%) of those resolved that were closed by
	// feedback or the desk's call (回访).
	CallbackRate Indicator = "callback_rate"
	// Satisfaction is the mean of their scores (1-5).
	Satisfaction Indicator = "satisfaction"
	// DishRating is the mean dish rating (1-5) of the month, for a team
	// that answers for a canteen.
	DishRating Indicator = "dish_rating"
	// ShuttleOnTime is the share (%) of the team's routes' trips that ran
	// no more than OnTimeDelay late.
	ShuttleOnTime Indicator = "shuttle_on_time"
	// InspectionOnTime is the share (%) of the team's inspection problems
	// due in the month that were fixed by their deadline.
	InspectionOnTime Indicator = "inspection_on_time"
	// Complaints deducts target points per complaint routed to the team.
	Complaints Indicator = "complaints"
)

// Indicators lists the indicators in display order.
var Indicators = []Indicator{RepairsOnTime, CallbackRate, Satisfaction, DishRating, ShuttleOnTime, InspectionOnTime, Complaints}

// Enum lists the indicators (store.Enumerated).
func (Indicator) Enum() []string { return store.Strings(Indicators) }

// OnTimeDelay is the most a trip may run late and count as on time.
const OnTimeDelay = 5

// Weight is an indicator's place in the score: Weight points of 100 and
// the Target that earns them all (a share, a mean, or for Complaints the
// points each one costs).
type Weight struct {
	Indicator Indicator `gorm:"primaryKey;size:30"`
	Weight    int
	Target    float64
	UpdatedAt time.Time
}

// TableName names the configuration table.
func (Weight) TableName() string { return "assessment_indicators" }

// Result is one indicator of one team's month: its raw figure (and how
// many records it rests on), target, weight and the points it earned.
// Applicable is false when the team has nothing the indicator measures;
// such an indicator is left out of the score.
type Result struct {
	TeamID     int64     `gorm:"primaryKey;autoIncrement:false"`
	Month      string    `gorm:"primaryKey;size:7"`
	Indicator  Indicator `gorm:"primaryKey;size:30"`
	Applicable bool
	Raw        float64
	Samples    int
	Target     float64
	Weight     int
	Points     float64
	ComputedAt time.Time
}

// TableName names the results table.
func (Result) TableName() string { return "assessment_results" }

// points scores raw against the weight: a share or mean earns the weight
// in proportion to the target (no more); complaints cost target each.
func points(ind Indicator, raw float64, w Weight) float64 {
	var p float64
	switch {
	case ind == Complaints:
		p = math.Max(0, float64(w.Weight)-raw*w.Target)
	case w.Target <= 0:
		p = float64(w.Weight)
	default:
		p = float64(w.Weight) * math.Min(1, raw/w.Target)
	}
	return round(p)
}

func round(f float64) float64 { return math.Round(f*100) / 100 }

// Score is the points earned over the weight of the indicators that
// apply, out of 100.
func Score(rs []Result) float64 {
	var got, of float64
	for _, r := range rs {
		if r.Applicable {
			got += r.Points
			of += float64(r.Weight)
		}
	}
	if of == 0 {
		return 0
	}
	return math.Round(got/of*1000) / 10
}

// Month is a calendar month of the site.
type Month struct{ Year, Month int }

// ParseMonth reads "2026-11".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < store.MinYear || t.Year() > store.MaxYear {
		return Month{}, store.InvalidField("month", "must be a month as YYYY-MM")
	}
	return Month{t.Year(), int(t.Month())}, nil
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// First is the month's first day; Next the month after.
func (m Month) First() store.Date { return store.Date{Year: m.Year, Month: m.Month, Day: 1} }

// Next is the month after m.
func (m Month) Next() Month {
	if m.Month == 12 {
		return Month{m.Year + 1, 1}
	}
	return Month{m.Year, m.Month + 1}
}

// MonthOf is the month of date d.
func MonthOf(d store.Date) Month { return Month{d.Year, d.Month} }

// Weights returns the configured indicators in display order.
func (s *Service) Weights(ctx context.Context) (_ []Weight, err error) {
	defer store.Wrap(&err, "assess weights")
	var ws []Weight
	if err := s.Read(ctx).Find(&ws).Error; err != nil {
		return nil, err
	}
	return ordered(ws), nil
}

func ordered(ws []Weight) []Weight {
	out := make([]Weight, 0, len(ws))
	for _, ind := range Indicators {
		for _, w := range ws {
			if w.Indicator == ind {
				out = append(out, w)
			}
		}
	}
	return out
}

// SetWeights replaces the configuration (admin): each indicator at most
// once, weights summing to 100. Frozen months keep the weights they had.
func (s *Service) SetWeights(ctx context.Context, ws []Weight) (_ []Weight, err error) {
	defer store.Wrap(&err, "assess set weights")
	sum, seen := 0, map[Indicator]bool{}
	for i, w := range ws {
		if seen[w.Indicator] {
			return nil, store.InvalidField(fmt.Sprintf("indicators[%d].indicator", i), "is listed twice")
		}
		seen[w.Indicator] = true
		sum += w.Weight
	}
	if sum != 100 {
		return nil, store.InvalidField("indicators", "the weights must add up to 100, not %d", sum)
	}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.Where("1 = 1").Delete(&Weight{}).Error; err != nil {
			return err
		}
		for i := range ws {
			ws[i].UpdatedAt = tx.Now
		}
		return tx.Create(&ws).Error
	})
	return ordered(ws), err
}
