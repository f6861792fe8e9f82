package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/store"
)

// The repair desk (报修台): the live queue, hotline entry, assignment,
// callbacks and request details.
func (c *Console) mountRepairs(d fiber.Router) {
	g := d.Group("/repairs", require(store.RoleDispatcher))
	g.Get("", c.repairDesk)
	g.Get("/queue", c.repairQueue)
	g.Get("/stats", c.repairStats)
	g.Get(LiveSuffix, c.repairLive)
	g.Get("/new", c.hotline)
	g.Get("/callers", c.callers)
	g.Post("", c.sameOrigin, c.csrf, c.createRepair)
	g.Get("/:id<int>", c.repairPage)
	g.Post("/:id<int>/assign", c.sameOrigin, c.csrf, c.assignRepair)
	g.Post("/:id<int>/callback", c.sameOrigin, c.csrf, c.callbackRepair)
	g.Get("/:id<int>/photos/:photo<int>", c.repairPhoto)
}

// QueueLimit bounds the open requests the queue shows.
const QueueLimit = 2000

// openStatuses are the statuses still needing the desk or a technician.
var openStatuses = []repair.RepairStatus{repair.RepairSubmitted, repair.RepairAssigned, repair.RepairInProgress, repair.RepairResolved}

// queueRow is one request in the queue, with what makes it stand out.
type queueRow struct {
	repair.Repair
	Requester, Technician string
	New, Overdue, Low     bool
}

type queueData struct {
	Rows                                   []queueRow
	Low                                    []queueRow
	Waiting, Overdue, Callbacks, Truncated int
	At                                     time.Time
}

// queue loads the open requests (overdue first, then new ones, newest
// first within each) and the last week's low-scored ones.
func (c *Console) queue(ctx *fiber.Ctx) (*queueData, error) {
	a, uctx := actor(ctx), ctx.UserContext()
	var open []repair.Repair
	p := store.Page{Limit: store.MaxPageLimit}
	for len(open) < QueueLimit {
		rows, next, err := c.Repairs.List(uctx, a, repair.RepairFilter{Statuses: openStatuses}, p)
		if err != nil {
			return nil, err
		}
		open = append(open, rows...)
		if next == "" {
			break
		}
		p.Cursor = next
	}
	now := c.Repairs.Now()
	weekAgo := store.DateOf(now, c.Repairs.Location).AddDays(-7)
	closed, _, err := c.Repairs.List(uctx, a, repair.RepairFilter{Statuses: []repair.RepairStatus{repair.RepairClosed}, From: weekAgo},
		store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return nil, err
	}
	closed = slices.DeleteFunc(closed, func(r repair.Repair) bool { return !r.LowScore() })
	names, err := c.Repairs.Names(uctx, slices.Concat(open, closed))
	if err != nil {
		return nil, err
	}
	row := func(r repair.Repair) queueRow {
		q := queueRow{Repair: r, Requester: names[r.RequesterID], New: r.Status == repair.RepairSubmitted,
			Overdue: r.Overdue(now), Low: r.LowScore()}
		if r.TechnicianID != nil {
			q.Technician = names[*r.TechnicianID]
		}
		return q
	}
	d := &queueData{At: now}
	for _, r := range open {
		q := row(r)
		d.Rows = append(d.Rows, q)
		if q.New {
			d.Waiting++
		}
		if q.Overdue {
			d.Overdue++
		}
		if r.Status == repair.RepairResolved {
			d.Callbacks++
		}
	}
	if len(open) >= QueueLimit {
		d.Truncated = QueueLimit
	}
	rank := func(q queueRow) int {
		switch {
		case q.Overdue:
			return 0
		case q.New:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(d.Rows, func(x, y queueRow) int { return cmp.Compare(rank(x), rank(y)) })
	for _, r := range closed {
		d.Low = append(d.Low, row(r))
	}
	return d, nil
}

func (c *Console) repairDesk(ctx *fiber.Ctx) error {
	d, err := c.queue(ctx)
	if err != nil {
		return err
	}
	return c.render(ctx, "repairs.html", view{Title: "报修台", Data: d})
}

// repairQueue is the queue alone, which the desk page fetches when the
// desk's stream tells of a change (web/assets/live.js), and slowly on its
// own as a safety net.
func (c *Console) repairQueue(ctx *fiber.Ctx) error {
	d, err := c.queue(ctx)
	if err != nil {
		return err
	}
	return c.render(ctx, "queue", view{Data: d})
}

type hotlineData struct {
	Query      string
	Callers    []people.User
	Caller     *people.User
	Categories []repair.Category
	Priorities []repair.Priority
	Input      repair.RepairInput
	Errors     map[string]string
}

func (c *Console) findCallers(ctx *fiber.Ctx, q string) ([]people.User, error) {
	if q = strings.TrimSpace(q); q == "" {
		return nil, nil
	}
	active := true
	users, _, err := c.People.ListUsers(ctx.UserContext(), people.UserFilter{Query: q, Active: &active}, store.Page{Limit: 20})
	return users, err
}

// hotline is the form for a call to the hotline: find the caller by name,
// phone or department, then type the fault in.
func (c *Console) hotline(ctx *fiber.Ctx) error {
	d := hotlineData{Query: ctx.Query("q"), Categories: repair.Categories, Priorities: repair.Priorities,
		Input: repair.RepairInput{Priority: repair.PriorityNormal}}
	if id, err := strconv.ParseInt(ctx.Query("caller"), 10, 64); err == nil {
		u, err := c.People.ActiveUser(ctx.UserContext(), id)
		if err != nil {
			return store.InvalidField("requester_id", "is not an active user")
		}
		d.Caller, d.Input.ContactPhone, d.Input.RequesterID = &u, u.Phone, u.ID
	}
	var err error
	if d.Callers, err = c.findCallers(ctx, d.Query); err != nil {
		return err
	}
	return c.render(ctx, "hotline.html", view{Title: "热线登记", Data: d})
}

// callers is the search result alone, refreshed as the desk types.
func (c *Console) callers(ctx *fiber.Ctx) error {
	users, err := c.findCallers(ctx, ctx.Query("q"))
	if err != nil {
		return err
	}
	return c.render(ctx, "callers", view{Data: hotlineData{Query: ctx.Query("q"), Callers: users}})
}

func (c *Console) createRepair(ctx *fiber.Ctx) error {
	in := repair.RepairInput{Category: repair.Category(ctx.FormValue("category")), Priority: repair.Priority(ctx.FormValue("priority")),
		Location: ctx.FormValue("location"), Description: ctx.FormValue("description"), ContactPhone: ctx.FormValue("contact_phone")}
	in.RequesterID, _ = strconv.ParseInt(ctx.FormValue("requester_id"), 10, 64)
	r, err := c.Repairs.Create(ctx.UserContext(), actor(ctx), in)
	if store.ErrorCode(err) == store.CodeValidation && in.RequesterID != 0 {
		d := hotlineData{Categories: repair.Categories, Priorities: repair.Priorities, Input: in, Errors: c.Explain(err).Fields}
		if u, uerr := c.People.ActiveUser(ctx.UserContext(), in.RequesterID); uerr == nil {
			d.Caller = &u
		}
		return c.render(ctx.Status(http.StatusBadRequest), "hotline.html", view{Title: "热线登记", Data: d})
	}
	if err != nil {
		return err
	}
	return ctx.Redirect(Prefix+"/repairs/"+strconv.FormatInt(r.ID, 10), http.StatusSeeOther)
}

type repairData struct {
	*repair.RepairDetail
	Technicians []repair.TechnicianLoad
	Overdue     bool
	Errors      map[string]string
}

func (c *Console) repairPage(ctx *fiber.Ctx) error {
	return c.showRepair(ctx, http.StatusOK, nil)
}

func (c *Console) showRepair(ctx *fiber.Ctx, status int, errs map[string]string) error {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	d, err := c.Repairs.Get(ctx.UserContext(), actor(ctx), id)
	if err != nil {
		return err
	}
	techs, _, err := c.Repairs.Technicians(ctx.UserContext(), store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return err
	}
	slices.SortStableFunc(techs, func(x, y repair.TechnicianLoad) int {
		return cmp.Compare(x.Assigned+x.InProgress, y.Assigned+y.InProgress)
	})
	data := repairData{RepairDetail: d, Technicians: techs, Overdue: d.Overdue(c.Repairs.Now()), Errors: errs}
	return c.render(ctx.Status(status), "repair.html", view{Title: "报修 " + d.Ticket, Data: data})
}

// act applies one workflow step from a form and shows the request again:
// a refused step with its reason, a done one after a redirect.
func (c *Console) act(ctx *fiber.Ctx, step repair.StepInput) error {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	_, err := c.Repairs.Act(ctx.UserContext(), actor(ctx), id, step)
	switch store.ErrorCode(err) {
	case "":
		return ctx.Redirect(Prefix+"/repairs/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case store.CodeValidation, store.CodeConflict, store.CodeInvalidTransition:
		e := c.Explain(err)
		e.Fields[""] = e.Message
		return c.showRepair(ctx, e.Status, e.Fields)
	}
	return err
}

func (c *Console) assignRepair(ctx *fiber.Ctx) error {
	tech, _ := strconv.ParseInt(ctx.FormValue("technician_id"), 10, 64)
	return c.act(ctx, repair.StepInput{Action: repair.RepairAssign, TechnicianID: tech})
}

func (c *Console) callbackRepair(ctx *fiber.Ctx) error {
	score := func(name string) int { n, _ := strconv.Atoi(ctx.FormValue(name)); return n }
	return c.act(ctx, repair.StepInput{Action: repair.RepairCallback, Scores: repair.RepairScores{
		Attitude: score("attitude"), Quality: score("quality"), Cleanliness: score("cleanliness"), Comment: ctx.FormValue("comment")}})
}

func (c *Console) repairPhoto(ctx *fiber.Ctx) error {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	pid, _ := strconv.ParseInt(ctx.Params("photo"), 10, 64)
	p, data, err := c.Repairs.Photo(ctx.UserContext(), actor(ctx), id, pid)
	if err != nil {
		return err
	}
	ctx.Set(fiber.HeaderContentType, p.ContentType)
	ctx.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return ctx.Send(data)
}

type scoreField struct{ Name, Label string }

// ScoreFields are the three scores of a callback, as the form asks them.
func (repairData) ScoreFields() []scoreField {
	return []scoreField{{"attitude", "服务态度"}, {"quality", "维修质量"}, {"cleanliness", "现场整洁"}}
}

// Scores are the choices of each score.
func (repairData) Scores() []int { return []int{1, 2, 3, 4, 5} }
