// Package handlers holds the HTTP handlers: one handler type per domain, one
// file per area. Every handler reads the same way: caller → parameters →
// decode into a request type → call the domain's service → encode a
// response type.
package handlers

import (
	"time"

	"houqin/models/announce"
	"houqin/models/canteen"
	"houqin/models/maint"
	"houqin/models/meeting"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/stock"
	"houqin/models/store"
	"houqin/push/sse"
)

// People serves sign-in, sessions, the caller's profile and user admin.
type People struct {
	svc     *people.Service
	tokens  *people.Tokens
	devices *notify.Service // signing out forgets the phone's push tokens
}

// NewPeople returns the people handlers; tokens signs access tokens.
func NewPeople(svc *people.Service, tokens *people.Tokens, devices *notify.Service) *People {
	return &People{svc: svc, tokens: tokens, devices: devices}
}

// Notify serves the caller's inbox, devices and push preferences.
type Notify struct {
	svc *notify.Service
	// providers are the push providers this server is configured for: a
	// device may register only with one of them.
	providers []string
	inbox     *inboxCache
}

// NewNotify returns the inbox and device handlers.
func NewNotify(svc *notify.Service, providers []string) *Notify {
	return &Notify{svc: svc, providers: providers, inbox: newInboxCache(svc)}
}

// Events serves the live event stream.
type Events struct {
	svc  *notify.Service
	live sse.Subscriber
	// heartbeat is how often an idle stream sends a comment.
	heartbeat time.Duration
	owners    *sse.Owners // shared with the console's streams
}

// NewEvents returns the event-stream handler; heartbeat 0 means sse.DefaultHeartbeat.
func NewEvents(svc *notify.Service, live sse.Subscriber, heartbeat time.Duration, owners *sse.Owners) *Events {
	return &Events{svc: svc, live: live, heartbeat: heartbeat, owners: owners}
}

// Repairs serves the repair desk: requests, their workflow, photos and
// statistics.
type Repairs struct {
	svc   *repair.Service
	parts *stock.Service // the parts cost in the statistics
	work  *maint.Service // planned against breakdown work in the statistics
}

// NewRepairs returns the repair handlers.
func NewRepairs(svc *repair.Service, parts *stock.Service, work *maint.Service) *Repairs {
	return &Repairs{svc: svc, parts: parts, work: work}
}

// Meetings serves rooms, bookings and calendar feeds.
type Meetings struct {
	svc     *meeting.Service
	baseURL string
}

// NewMeetings returns the meeting-room handlers; the calendar feed's URL
// starts with baseURL (the configured public URL, never a request header).
func NewMeetings(svc *meeting.Service, baseURL string) *Meetings {
	return &Meetings{svc: svc, baseURL: baseURL}
}

// Shuttle serves routes, timetables, trips (the day's trips and a route's
// timetable through an in-process cache), drivers and follows.
type Shuttle struct {
	svc   *shuttle.Service
	cache *shuttleCache
}

// NewShuttle returns the shuttle handlers.
func NewShuttle(svc *shuttle.Service) *Shuttle {
	return &Shuttle{svc: svc, cache: newShuttleCache(svc)}
}

// ForgetShuttle empties the trips and timetable cache: another replica
// changed a timetable or a trip, or changes may have been missed.
func (h *Shuttle) ForgetShuttle() { h.cache.invalidate() }

// Stock serves the parts store.
type Stock struct{ svc *stock.Service }

// NewStock returns the parts store handlers.
func NewStock(svc *stock.Service) *Stock { return &Stock{svc: svc} }

// Announcements serves the centre's notices.
type Announcements struct{ svc *announce.Service }

// NewAnnouncements returns the announcement handlers.
func NewAnnouncements(svc *announce.Service) *Announcements { return &Announcements{svc: svc} }

// Canteen serves the canteen: canteens, dishes, menus (through an
// in-process cache), ratings and meal registrations.
type Canteen struct {
	svc   *canteen.Service
	menus *menuCache
}

// NewCanteen returns the canteen handlers with an empty menu cache, which
// every committed menu change empties.
func NewCanteen(svc *canteen.Service) *Canteen {
	menus := newMenuCache(svc)
	store.On(svc.Store, func(canteen.MenuChanged) { menus.invalidate() })
	return &Canteen{svc: svc, menus: menus}
}

// ForgetMenus empties the menu cache: another replica changed a menu, or
// changes may have been missed.
func (h *Canteen) ForgetMenus() { h.menus.invalidate() }
