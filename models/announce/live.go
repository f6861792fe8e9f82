package announce

import "houqin/models/store"

// TopicAnnouncements is the live topic of the centre's notices: the lobby
// screens follow it to show a new notice at once.
const TopicAnnouncements = "announcements"

// Changed is raised when an announcement is published, edited or deleted.
type Changed struct {
	ID     int64  `json:"id"`
	Pinned bool   `json:"pinned"`
	Change string `json:"-"` // published, updated or deleted
}

// Live implements store.Live.
func (e Changed) Live() store.LiveEvent {
	return store.LiveEvent{Topic: TopicAnnouncements, Type: "announcement." + e.Change, Data: e}
}
