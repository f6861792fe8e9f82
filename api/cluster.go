package api

import (
	"strconv"
	"strings"

	"houqin/models/canteen"
	"houqin/models/people"
	"houqin/models/shuttle"
	"houqin/models/store"
	"houqin/push"
)

// invalidations is the cluster channel on which replicas tell each other
// to drop what they cached: "user:ID" (roles, password, activity: the
// sign-in checks), "menus:ID" (the rendered menus; their ETags come from
// the database) and "shuttle:0" (the day's trips and the timetables: a
// timetable edit or a trip's status; drivers' positions, many a second,
// are left to the cache's one-second lifetime).
const invalidations = "invalidate"

// shareInvalidations broadcasts this replica's user and menu changes and
// acts on every replica's, this one's included (a second drop is
// harmless). The change's response waits until every replica has dropped
// its copy (at most push's ackWait), so the next request, on any replica,
// sees the change. After a Redis outage,
// when changes may have been missed, everything is dropped.
func (s *Server) shareInvalidations() {
	send := func(kind string, id int64) {
		_ = s.cluster.Broadcast(invalidations, []byte(kind+":"+strconv.FormatInt(id, 10)))
	}
	store.On(s.Store, func(e people.Changed) { send("user", e.UserID) })
	store.On(s.Store, func(e canteen.MenuChanged) { send("menus", e.CanteenID) })
	store.On(s.Store, func(shuttle.Changed) { send("shuttle", 0) })
	store.On(s.Store, func(shuttle.TripStatusEvent) { send("shuttle", 0) })
	s.cluster.HandleBroadcast(invalidations, func(b []byte) {
		kind, id, _ := strings.Cut(string(b), ":")
		switch kind {
		case "user":
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				s.People.Forget(n)
			}
		case "menus":
			s.menus.ForgetMenus()
		case "shuttle":
			s.shuttle.ForgetShuttle()
		}
	})
	s.cluster.Handle(push.Gap, func([]byte) {
		s.People.ForgetAll()
		s.menus.ForgetMenus()
		s.shuttle.ForgetShuttle()
	})
}
