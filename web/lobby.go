package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/announce"
	"houqin/models/canteen"
	"houqin/models/screen"
	"houqin/models/shuttle"
	"houqin/models/store"
	"houqin/push/sse"
)

// ScreenPrefix is where the lobby screens read their page: /screen/TOKEN.
// A token reads its screen's page, board and stream, and nothing else.
const ScreenPrefix = "/screen"

const (
	// noticesShown bounds the pinned and the latest notices a screen rotates.
	noticesShown = 8
	// tripsShown is how many next departures a screen lists per route.
	tripsShown = 3
	// freshNotice is how long a new notice is shown first.
	freshNotice = 10 * time.Minute
)

// mountLobby serves the screens outside the console: no sign-in, only the
// token in the address.
func (c *Console) mountLobby(app fiber.Router) {
	r := app.Group(ScreenPrefix+"/:token", headers, c.lobbyErrors, c.screenFromToken)
	r.Get("", c.lobbyPage)
	r.Get("/board", c.lobbyBoard)
	r.Get(LiveSuffix, c.lobbyLive)
}

type screenKey struct{}

// screenFromToken admits a live screen token; an unknown or revoked one is
// not found, alike.
func (c *Console) screenFromToken(ctx *fiber.Ctx) error {
	sc, err := c.Screens.ByToken(ctx.UserContext(), ctx.Params("token"))
	if err != nil {
		return err
	}
	ctx.Locals(screenKey{}, sc)
	return ctx.Next()
}

func screenOf(ctx *fiber.Ctx) *screen.Screen { return ctx.Locals(screenKey{}).(*screen.Screen) }

// lobbyErrors shows a screen that cannot be read as a neutral notice: a
// revoked or unknown token as "disabled" (404), anything else as "not
// available now", which the page's script retries.
func (c *Console) lobbyErrors(ctx *fiber.Ctx) error {
	err := ctx.Next()
	if err == nil {
		return nil
	}
	var fe *fiber.Error
	status := c.Explain(err).Status
	if errors.As(err, &fe) && fe.Code == http.StatusNotFound {
		status = http.StatusNotFound
	}
	return c.renderLobby(ctx.Status(status), c.pages["screen.html"], "screen", lobbyView{Status: status})
}

// lobbyView is the screen page: its board, or why there is none.
type lobbyView struct {
	Board  *lobbyBoard
	Status int
}

// lobbyBoard is what a screen shows.
type lobbyBoard struct {
	Base string // the screen's own address, /screen/TOKEN
	Name string
	Day  string
	// Now is the server's wall-clock time in the site's zone, in ms as if
	// it were UTC: the page's clock follows it, not the screen's own clock
	// or zone.
	Now     int64
	Notices []announce.Announcement
	First   int // the notice shown first
	Canteen *canteen.Canteen
	Meals   []canteen.MealMenu
	Routes  []lobbyRoute
}

// lobbySources are what the board shows beside the notices: the canteen
// (the first set up, the oldest: most centres have one) and the active
// routes, and the live topics that tell of their changes.
type lobbySources struct {
	canteen *canteen.Canteen
	routes  []shuttle.ShuttleRoute
	topics  map[string]string
}

func (c *Console) lobbySources(uctx context.Context) (*lobbySources, error) {
	src := &lobbySources{topics: map[string]string{announce.TopicAnnouncements: announce.TopicAnnouncements}}
	canteens, _, err := c.Canteen.ListCanteens(uctx, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return nil, err
	}
	if len(canteens) > 0 {
		src.canteen = &canteens[len(canteens)-1]
		src.topics[canteen.TopicCanteen(src.canteen.ID)] = "canteen"
	}
	if src.routes, err = c.Shuttle.ListRoutes(uctx, false); err != nil {
		return nil, err
	}
	for _, r := range src.routes {
		src.topics[shuttle.TopicRoute(r.ID)] = "route"
	}
	return src, nil
}

// lobbyRoute is a route's next departures.
type lobbyRoute struct {
	Name  string
	Trips []lobbyTrip
}

// lobbyTrip is a departure with its expected time, the delay applied.
type lobbyTrip struct {
	shuttle.TripView
	Expected time.Time
}

// weekdays name the days of the week as the pages print them.
var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// board reads what the screen shows, through the same service calls as the
// API's announcements, menus and trips.
func (c *Console) board(ctx *fiber.Ctx) (*lobbyBoard, error) {
	uctx, sc := ctx.UserContext(), screenOf(ctx)
	now := c.Shuttle.Now()
	loc := c.Shuttle.Location
	today := store.DateOf(now, loc)
	b := &lobbyBoard{Base: ScreenPrefix + "/" + ctx.Params("token"), Name: sc.Name,
		Day: now.In(loc).Format("1月2日 ") + weekdays[now.In(loc).Weekday()], Now: wallMillis(now.In(loc))}

	pinned, latest := true, false
	for _, which := range []*bool{&pinned, &latest} {
		rows, _, err := c.Announcements.List(uctx, which, store.Page{Limit: noticesShown})
		if err != nil {
			return nil, err
		}
		b.Notices = append(b.Notices, rows...)
	}
	b.Notices = b.Notices[:min(len(b.Notices), noticesShown)]
	// A notice just published shows first; the rotation goes on from it.
	for i, a := range b.Notices {
		if now.Sub(a.CreatedAt) < freshNotice && a.ID > b.Notices[b.First].ID {
			b.First = i
		}
	}

	src, err := c.lobbySources(uctx)
	if err != nil {
		return nil, err
	}
	if b.Canteen = src.canteen; b.Canteen != nil {
		days, _, err := c.Canteen.Menus(uctx, b.Canteen.ID, today, today, false)
		if err != nil {
			return nil, err
		}
		for _, d := range days {
			b.Meals = append(b.Meals, d.Meals...)
		}
	}

	trips, err := c.Shuttle.ListTrips(uctx, today, 0)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(trips, func(x, y shuttle.TripView) int { return cmp.Compare(x.DepartureAt.Unix(), y.DepartureAt.Unix()) })
	for _, r := range src.routes {
		lr := lobbyRoute{Name: r.Name}
		for _, t := range trips {
			if t.RouteID != r.ID || len(lr.Trips) == tripsShown {
				continue
			}
			expected := t.DepartureAt.Add(time.Duration(t.DelayMinutes) * time.Minute)
			switch t.Status {
			case shuttle.TripScheduled, shuttle.TripBoarding:
				if expected.Before(now.Add(-time.Minute)) && t.Status != shuttle.TripBoarding {
					continue
				}
			case shuttle.TripCancelled:
				if t.DepartureAt.Before(now) {
					continue
				}
			default:
				continue // gone already
			}
			lr.Trips = append(lr.Trips, lobbyTrip{TripView: t, Expected: expected})
		}
		b.Routes = append(b.Routes, lr)
	}
	return b, nil
}

func (c *Console) lobbyPage(ctx *fiber.Ctx) error {
	b, err := c.board(ctx)
	if err != nil {
		return err
	}
	return c.renderLobby(ctx, c.pages["screen.html"], "screen", lobbyView{Board: b, Status: http.StatusOK})
}

// lobbyBoard is the board alone, which the page fetches on each live event.
func (c *Console) lobbyBoard(ctx *fiber.Ctx) error {
	b, err := c.board(ctx)
	if err != nil {
		return err
	}
	return c.renderLobby(ctx, c.base, "board", b)
}

// lobbyLive streams the events of what the board shows: notices, the
// canteen's menus and the routes' trips (it reads only what names their
// topics, not the board). Revoking the screen ends it at once (and on
// another replica by the next heartbeat).
func (c *Console) lobbyLive(ctx *fiber.Ctx) error {
	src, err := c.lobbySources(ctx.UserContext())
	if err != nil {
		return err
	}
	id := screenOf(ctx).ID
	return sse.Serve(ctx, c.Live, sse.Stream{
		Topics: src.topics, Ends: []string{screen.Topic(id)}, Heartbeat: c.Heartbeat,
		Owner: screen.Topic(id), Owners: c.Streams,
		StillValid: func(uctx context.Context) error { return c.Screens.Live(uctx, id) },
	})
}

// renderLobby renders the screen's page or its board, outside the
// console's layout (no user, no forms).
func (c *Console) renderLobby(ctx *fiber.Ctx, t *template.Template, entry string, data any) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, entry, data); err != nil {
		return err
	}
	ctx.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return ctx.Send(buf.Bytes())
}

// Delayed tells whether the trip runs late.
func (t lobbyTrip) Delayed() bool { return t.DelayMinutes > 0 && t.Status != shuttle.TripCancelled }

// wallMillis is t's wall-clock reading in its zone, in ms since the epoch
// as if that reading were UTC.
func wallMillis(t time.Time) int64 {
	_, offset := t.Zone()
	return t.UnixMilli() + int64(offset)*1000
}
