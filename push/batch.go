package push

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"time"

	"houqin/models/notify"
)

// batch is one request's worth of pushes for a BatchSender: the same
// notice to many devices of one provider.
type batch struct {
	sender BatchSender
	key    string
	ds     []notify.Delivery
	ms     []Message
}

// batches groups the pushes of one claim by notice, in claim order.
type batches []*batch

// add puts one push into the open group of its notice, or opens one. A
// notice reaches each recipient as an inbox entry of their own, so the
// pushes of a group are made alike: notification_id is dropped (the app
// finds the entry by type and id) and push_id names the notice, not the
// device; it is the same when a crash makes the group go out again, so a
// phone still drops the second copy.
func (bs *batches) add(s BatchSender, d notify.Delivery, m Message) {
	key := noticeKey(m, d.CreatedAt)
	m.Data = maps.Clone(m.Data)
	delete(m.Data, "notification_id")
	m.Data["push_id"] = "n-" + key
	for _, b := range *bs {
		if b.key == key && len(b.ms) < s.MaxBatch() {
			b.ds, b.ms = append(b.ds, d), append(b.ms, m)
			return
		}
	}
	*bs = append(*bs, &batch{sender: s, key: key, ds: []notify.Delivery{d}, ms: []Message{m}})
}

// noticeKey names what the pushes of one notice share: everything but the
// device and the recipient's own inbox entry, and the time the notice was
// written (the same for all its recipients), so that a later notice with
// the same words is not taken for a duplicate.
func noticeKey(m Message, written time.Time) string {
	h := sha256.New()
	put := func(s string) { h.Write([]byte(strconv.Itoa(len(s)) + ":" + s)) }
	put(m.Provider)
	put(m.Platform)
	put(m.Title)
	put(m.Body)
	put(m.Channel)
	put(m.CollapseKey)
	put(strconv.FormatBool(m.High))
	put(strconv.FormatInt(m.Expires.UnixNano(), 10))
	put(strconv.FormatInt(written.UnixNano(), 10))
	for _, k := range slices.Sorted(maps.Keys(m.Data)) {
		if k != "notification_id" && k != "push_id" {
			put(k)
			put(m.Data[k])
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
