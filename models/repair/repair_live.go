package repair

import "houqin/models/store"

// TopicDesk is the live topic of the repair desk: the console's queue
// refreshes on its events instead of polling.
const TopicDesk = "repairs"

// DeskChanged is raised on every change the desk's queue shows: a new
// request, a step of its workflow (assignment, work, feedback, callback)
// or a missed promise. It carries only what names the change; the queue
// reads the rest itself.
type DeskChanged struct {
	ID     int64        `json:"id"`
	Ticket string       `json:"ticket"`
	Action string       `json:"action"`
	Status RepairStatus `json:"status"`
}

// Live implements store.Live.
func (e DeskChanged) Live() store.LiveEvent {
	return store.LiveEvent{Topic: TopicDesk, Type: "repair.changed", Data: e}
}

func deskChanged(r *Repair, action string) DeskChanged {
	return DeskChanged{ID: r.ID, Ticket: r.Ticket, Action: action, Status: r.Status}
}
