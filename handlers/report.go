package handlers

import (
	"math"

	"github.com/gofiber/fiber/v2"

	"houqin/models/announce"
	"houqin/models/assess"
	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/meeting"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// Report serves the yearly report's figures (工作总结), gathered from each
// domain's own read-only figure query: the domains never import each other.
type Report struct {
	Repairs       *repair.Service
	Meetings      *meeting.Service
	Canteen       *canteen.Service
	Shuttle       *shuttle.Service
	Inspections   *inspect.Service
	Complaints    *complaint.Service
	Announcements *announce.Service
	// Term names a word of ours (a repair category) in the workbook's Chinese.
	Term func(string) string
}

// Report bounds: a period of at most a leap year, and the attendee count
// from which a meeting counts as large unless the caller says otherwise.
const (
	MaxReportDays        = 366
	DefaultLargeMeeting  = 50
	maxLargeMeetingLimit = 10000
)

// ReportMeetingsOut are the meetings hosted.
type ReportMeetingsOut struct {
	Hosted    int `json:"hosted"`
	Large     int `json:"large"`
	Attendees int `json:"attendees"`
}

// ReportMonthMealsOut is one month's meal registrations.
type ReportMonthMealsOut struct {
	Month         string  `json:"month"`
	Registrations int     `json:"registrations"`
	WorkingDays   int     `json:"working_days"`
	PerWorkingDay float64 `json:"per_working_day"`
}

// ReportMealsOut are the canteen's figures.
type ReportMealsOut struct {
	Registrations int                   `json:"registrations"`
	WorkingDays   int                   `json:"working_days"`
	PerWorkingDay float64               `json:"per_working_day"`
	Months        []ReportMonthMealsOut `json:"months"`
	Dishes        int                   `json:"dishes"`
	DishServings  int                   `json:"dish_servings"`
}

// ReportRepairCategoryOut are one category's repairs.
type ReportRepairCategoryOut struct {
	Category                repair.Category `json:"category"`
	Total                   int             `json:"total"`
	Resolved                int             `json:"resolved"`
	MedianResponseMinutes   float64         `json:"median_response_minutes"`
	MedianResolutionMinutes float64         `json:"median_resolution_minutes"`
}

// ReportRepairsOut are the repair desk's figures.
type ReportRepairsOut struct {
	Total                   int                       `json:"total"`
	Resolved                int                       `json:"resolved"`
	MedianResponseMinutes   float64                   `json:"median_response_minutes"`
	MedianResolutionMinutes float64                   `json:"median_resolution_minutes"`
	CallbackRate            float64                   `json:"callback_rate"`
	Rated                   int                       `json:"rated"`
	Satisfaction            float64                   `json:"satisfaction"`
	Categories              []ReportRepairCategoryOut `json:"categories"`
}

// ReportInspectionsOut are the inspection group's figures.
type ReportInspectionsOut struct {
	Held          int `json:"held"`
	ProblemsFound int `json:"problems_found"`
	ProblemsFixed int `json:"problems_fixed"`
	Verified      int `json:"problems_verified"`
}

// ReportComplaintsOut are the complaints box's figures.
type ReportComplaintsOut struct {
	Received       int `json:"received"`
	Complaints     int `json:"complaints"`
	Suggestions    int `json:"suggestions"`
	Urgent         int `json:"urgent"`
	Answered       int `json:"answered"`
	AnsweredInTime int `json:"answered_in_time"`
}

// ReportShuttleOut are the shuttle's figures.
type ReportShuttleOut struct {
	TripsRun    int     `json:"trips_run"`
	OnTime      int     `json:"on_time"`
	OnTimeShare float64 `json:"on_time_share"`
	Cancelled   int     `json:"cancelled"`
}

// ReportAnnouncementsOut are the notices published.
type ReportAnnouncementsOut struct {
	Published int `json:"published"`
}

// ReportOut answers GET /reports/summary.
type ReportOut struct {
	From                store.Date             `json:"from"`
	To                  store.Date             `json:"to"`
	LargeMeetingMinimum int                    `json:"large_meeting_attendees"`
	OnTimeDelayMinutes  int                    `json:"on_time_delay_minutes"`
	Meetings            ReportMeetingsOut      `json:"meetings"`
	Meals               ReportMealsOut         `json:"meals"`
	Repairs             ReportRepairsOut       `json:"repairs"`
	Inspections         ReportInspectionsOut   `json:"inspections"`
	Complaints          ReportComplaintsOut    `json:"complaints"`
	Announcements       ReportAnnouncementsOut `json:"announcements"`
	Shuttle             ReportShuttleOut       `json:"shuttle"`
}

// ratio is part/whole to 3 decimals, 0 when there is no whole.
func ratio(part, whole float64, decimals int) float64 {
	if whole == 0 {
		return 0
	}
	p := math.Pow(10, float64(decimals))
	return math.Round(part/whole*p) / p
}

// Summary returns the report's figures for local dates from..to (default:
// this calendar year to date), as JSON or, with ?format=xlsx, a workbook.
func (h *Report) Summary(c *fiber.Ctx) error {
	today := h.Repairs.Today()
	to, err := QueryDate(c, "to", today)
	if err != nil {
		return err
	}
	from, err := QueryDate(c, "from", store.Date{Year: to.Year, Month: 1, Day: 1})
	if err != nil {
		return err
	}
	if err := store.CheckRange(from, to, MaxReportDays, "to"); err != nil {
		return err
	}
	large, err := QueryInt(c, "large_attendees", DefaultLargeMeeting)
	if err != nil {
		return err
	}
	if large < 1 || large > maxLargeMeetingLimit {
		return store.InvalidField("large_attendees", "must be between 1 and %d", maxLargeMeetingLimit)
	}
	format := c.Query("format", "json")
	if format != "json" && format != "xlsx" {
		return store.InvalidField("format", "must be one of: %s", "json, xlsx")
	}
	out, err := h.summary(c, from, to, large)
	if err != nil {
		return err
	}
	if format == "xlsx" {
		return h.sendWorkbook(c, out)
	}
	return c.JSON(out)
}

func (h *Report) summary(c *fiber.Ctx, from, to store.Date, large int) (*ReportOut, error) {
	ctx := c.UserContext()
	out := &ReportOut{From: from, To: to, LargeMeetingMinimum: large, OnTimeDelayMinutes: assess.OnTimeDelay}
	m, err := h.Meetings.Hosted(ctx, from, to, large)
	if err != nil {
		return nil, err
	}
	out.Meetings = ReportMeetingsOut(m)
	served, err := h.Canteen.Served(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out.Meals = ReportMealsOut{Registrations: served.Registrations, WorkingDays: served.Days,
		PerWorkingDay: ratio(float64(served.Registrations), float64(served.Days), 1), Dishes: served.Dishes,
		DishServings: served.Servings, Months: make([]ReportMonthMealsOut, len(served.Months))}
	for i, mm := range served.Months {
		out.Meals.Months[i] = ReportMonthMealsOut{Month: mm.Month, Registrations: mm.Registrations, WorkingDays: mm.Days,
			PerWorkingDay: ratio(float64(mm.Registrations), float64(mm.Days), 1)}
	}
	st, err := h.Repairs.Stats(ctx, from, to)
	if err != nil {
		return nil, err
	}
	sc := st.All.Scores
	out.Repairs = ReportRepairsOut{Total: st.All.Total, Resolved: st.All.Resolved, CallbackRate: st.All.CallbackRate,
		MedianResponseMinutes: st.All.TimeToAssign.Median, MedianResolutionMinutes: st.All.TimeToFinish.Median,
		Rated: sc.Count, Satisfaction: ratio(sc.Attitude+sc.Quality+sc.Cleanliness, 3, 2),
		Categories: make([]ReportRepairCategoryOut, len(st.Categories))}
	for i, cf := range st.Categories {
		out.Repairs.Categories[i] = ReportRepairCategoryOut{Category: cf.Category, Total: cf.Total, Resolved: cf.Resolved,
			MedianResponseMinutes: cf.TimeToAssign.Median, MedianResolutionMinutes: cf.TimeToFinish.Median}
	}
	ins, err := h.Inspections.Held(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out.Inspections = ReportInspectionsOut{Held: ins.Inspections, ProblemsFound: ins.Found, ProblemsFixed: ins.Fixed, Verified: ins.Verified}
	cm, err := h.Complaints.Received(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out.Complaints = ReportComplaintsOut{Received: cm.Received, Complaints: cm.Complaints, Suggestions: cm.Suggestions,
		Urgent: cm.Urgent, Answered: cm.Answered, AnsweredInTime: cm.InTime}
	if out.Announcements.Published, err = h.Announcements.Published(ctx, from, to); err != nil {
		return nil, err
	}
	runs, err := h.Shuttle.Runs(ctx, from, to, assess.OnTimeDelay)
	if err != nil {
		return nil, err
	}
	out.Shuttle = ReportShuttleOut{TripsRun: runs.Run, OnTime: runs.OnTime, Cancelled: runs.Cancelled,
		OnTimeShare: ratio(float64(runs.OnTime), float64(runs.Run), 3)}
	return out, nil
}
