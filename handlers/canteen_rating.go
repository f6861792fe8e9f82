package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/canteen"
	"houqin/models/store"
)

type rateDishRequest struct {
	Score    int         `json:"score" validate:"required,gte=1,lte=5"`
	Comment  string      `json:"comment" validate:"max=500"`
	ServedOn *store.Date `json:"served_on"`
}

type dishRatingOut struct {
	ID          int64      `json:"id"`
	DishID      int64      `json:"dish_id"`
	ServedOn    store.Date `json:"served_on"`
	Score       int        `json:"score"`
	Comment     string     `json:"comment"`
	RatingAvg   float64    `json:"rating_avg"`
	RatingCount int        `json:"rating_count"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// RateDish records the caller's 1-5 score of a dish they could have eaten
// (201), or replaces their score of the same dish and day (200).
func (h *Canteen) RateDish(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req rateDishRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	in := canteen.DishRatingInput{Score: req.Score, Comment: req.Comment}
	if req.ServedOn != nil {
		in.ServedOn = *req.ServedOn
	}
	r, d, replaced, err := h.svc.RateDish(c.UserContext(), UserFrom(c), id, in)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if replaced {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(dishRatingOut{ID: r.ID, DishID: r.DishID, ServedOn: r.ServedOn, Score: r.Score,
		Comment: r.Comment, RatingAvg: d.RatingAverage(), RatingCount: d.RatingCount, UpdatedAt: r.UpdatedAt})
}

type dishRatingRowOut struct {
	ID        int64      `json:"id"`
	DishID    int64      `json:"dish_id"`
	DishName  string     `json:"dish_name"`
	ServedOn  store.Date `json:"served_on"`
	Score     int        `json:"score"`
	Comment   string     `json:"comment"`
	CreatedAt time.Time  `json:"created_at"`
}

// ListRatings lists ratings with their comments, newest first, by
// ?dish_id=, ?from= and ?to= (canteen_admin). Raters stay anonymous.
func (h *Canteen) ListRatings(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	dishID, err := QueryInt(c, "dish_id", 0)
	if err != nil {
		return err
	}
	f := canteen.DishRatingFilter{DishID: int64(dishID)}
	if f.From, err = QueryDate(c, "from", store.Date{}); err != nil {
		return err
	}
	if f.To, err = QueryDate(c, "to", store.Date{}); err != nil {
		return err
	}
	rows, next, err := h.svc.ListRatings(c.UserContext(), f, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, func(r canteen.DishRatingRow) dishRatingRowOut {
		return dishRatingRowOut{ID: r.ID, DishID: r.DishID, DishName: r.DishName, ServedOn: r.ServedOn, Score: r.Score,
			Comment: r.Comment, CreatedAt: r.CreatedAt}
	}))
}

type dishScoreOut struct {
	DishID    int64                `json:"dish_id"`
	Name      string               `json:"name"`
	Category  canteen.DishCategory `json:"category"`
	Count     int                  `json:"count"`
	Average   float64              `json:"average"`
	LowScores int                  `json:"low_scores"`
}

type dishRatingSummaryOut struct {
	From    store.Date     `json:"from"`
	To      store.Date     `json:"to"`
	Count   int            `json:"count"`
	Average float64        `json:"average"`
	Dishes  []dishScoreOut `json:"dishes"`
}

// DishRatingSummary summarizes the ratings of the week (Monday-Sunday) that
// contains ?week= (default this week), best dishes first (canteen_admin).
func (h *Canteen) DishRatingSummary(c *fiber.Ctx) error {
	day, err := QueryDate(c, "week", h.svc.Today())
	if err != nil {
		return err
	}
	s, err := h.svc.WeeklyRatings(c.UserContext(), day)
	if err != nil {
		return err
	}
	out := dishRatingSummaryOut{From: s.From, To: s.To, Count: s.Count, Average: s.Average, Dishes: make([]dishScoreOut, len(s.Dishes))}
	for i, d := range s.Dishes {
		out.Dishes[i] = dishScoreOut{DishID: d.DishID, Name: d.Name, Category: d.Category, Count: d.Count,
			Average: d.Average, LowScores: d.Low}
	}
	return c.JSON(out)
}
