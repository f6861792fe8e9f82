package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
	"houqin/push/sse"
)

const (
	maxTopics = 10
	// maxResume bounds how many missed inbox entries a reconnect replays.
	maxResume = 500
)

// topicKinds are the subscribable kinds besides "me"; any signed-in user
// may follow them.
var topicKinds = map[string]bool{"route": true, "canteen": true}

// parseTopics turns ?topics= into broker topics, mapped back to the names
// the client used. "me" is the caller's own inbox and nobody else's.
func parseTopics(raw string, userID int64) (map[string]string, error) {
	out := map[string]string{}
	for t := range strings.SplitSeq(raw, ",") {
		t = strings.TrimSpace(t)
		if t == "me" {
			out[notify.TopicUser(userID)] = "me"
			continue
		}
		kind, id, ok := strings.Cut(t, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || !topicKinds[kind] || err != nil || n <= 0 {
			return nil, store.InvalidField("topics", "%q is not a topic: use me, route:ID or canteen:ID", t)
		}
		name := kind + ":" + strconv.FormatInt(n, 10)
		out[name] = name
	}
	if len(out) > maxTopics {
		return nil, store.InvalidField("topics", "at most %d topics", maxTopics)
	}
	return out, nil
}

// Stream streams live events as Server-Sent Events: the caller's new inbox
// entries (topic me, with ids; a reconnect with Last-Event-ID first replays
// what it missed) and domain events of the other topics.
func (h *Events) Stream(c *fiber.Ctx) error {
	u := UserFrom(c)
	topics, err := parseTopics(c.Query("topics", "me"), u.ID)
	if err != nil {
		return err
	}
	var lastID int64
	if h := c.Get("Last-Event-ID"); h != "" {
		if lastID, err = strconv.ParseInt(h, 10, 64); err != nil || lastID < 0 {
			return store.InvalidField("Last-Event-ID", "must be an event id this stream sent")
		}
	}
	me := notify.TopicUser(u.ID)
	// The stream also hears of the caller's sign-ins ending, and ends.
	return sse.Serve(c, h.live, sse.Stream{Topics: topics, IDTopic: me, Ends: []string{people.TopicSignedOut(u.ID)},
		Replay: func() ([]store.LiveEvent, error) {
			if _, follows := topics[me]; !follows || lastID == 0 {
				return nil, nil
			}
			missed, err := h.svc.Missed(c.UserContext(), u.ID, lastID, maxResume)
			out := make([]store.LiveEvent, len(missed))
			for i, n := range missed {
				out[i] = notify.Inboxed{Notification: n}.Live()
			}
			return out, err
		},
		StillValid: StillSignedIn(c), Heartbeat: h.heartbeat, Owner: sse.UserOwner(u.ID), Owners: h.owners})
}
