package push

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// What the vendor senders (APNs aside) share to shape a message: text cut
// to a vendor's limits, the deep link in each vendor's form, notification
// and de-duplication ids, and the classification of quota answers. Their
// HTTP calls and access tokens are in vendorcall.go.

// cut shortens s to at most n bytes (or n runes when runes is true: the
// vendors count either), on a character boundary, with an ellipsis when
// anything was dropped. Chinese text is three bytes a character in UTF-8.
func cut(s string, n int, runes bool) string {
	size := len(s)
	if runes {
		size = utf8.RuneCountInString(s)
	}
	if size <= n {
		return s
	}
	const ell = "…"
	budget := n - 1
	if !runes {
		budget = n - len(ell)
	}
	if budget <= 0 {
		return ""
	}
	used := 0
	for i, r := range s {
		w := 1
		if !runes {
			w = utf8.RuneLen(r)
		}
		if used+w > budget {
			return s[:i] + ell
		}
		used += w
	}
	return s
}

// linkData is the deep link the app needs, as JSON, for the vendors that
// carry it in one string (Huawei's and Honor's data, Xiaomi's payload,
// OPPO's action_parameters, vivo's skipContent).
func linkData(data map[string]string) string {
	b, _ := json.Marshal(data)
	return string(b)
}

// deepLink is the intent URI an Android vendor's notification opens when
// tapped, carrying the deep-link data as extras (S.key=value): Huawei and
// Honor hand a tapped notification's data to the app this way.
func deepLink(data map[string]string) string {
	var b strings.Builder
	b.WriteString("intent://houqin/notification#Intent;scheme=houqin;launchFlags=0x04000000;")
	for _, k := range slices.Sorted(maps.Keys(data)) {
		b.WriteString("S." + url.QueryEscape(k) + "=" + url.QueryEscape(data[k]) + ";")
	}
	b.WriteString("end")
	return b.String()
}

// notifyID is a notification id for vendors that show only the latest
// message of one id (Xiaomi's notify_id, Huawei's and Honor's notifyId,
// HarmonyOS's notifyId): the collapse key when there is one, otherwise
// the push_id, which names the notice (the worker sends one notice's
// pushes as a group with one push_id), so that two notices never fold into
// one and a re-send after a crash replaces the first copy.
func notifyID(m Message) int32 {
	key := m.CollapseKey
	if key == "" {
		key = "push:" + m.Data["push_id"]
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int32(h.Sum32()&0x7fffffff) | 1
}

// deviceMessageID is a vendor's de-duplication id for one device (OPPO's
// app_message_id, vivo's requestId): a group of pushes shares one push_id,
// so the device's token is folded in. A re-send of the same push to the
// same device has the same id, which the vendor drops; other devices have
// other ids.
func deviceMessageID(m Message) string {
	sum := sha256.Sum256([]byte(m.Token))
	return m.Data["push_id"] + "-" + hex.EncodeToString(sum[:6])
}

// ttlSeconds is a TTL as the vendors' "3600s" form ("" for the default).
func ttlSeconds(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.Itoa(max(int(d/time.Second), 1)) + "s"
}

// each is r for every one of n messages.
func each(n int, r Result) []Result {
	out := make([]Result, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// codeErr is a vendor's refusal, with its code, for the outbox row.
func codeErr(vendor string, code int, msg string) error {
	return fmt.Errorf("%s: code %d: %s", vendor, code, msg)
}

// china is the vendors' clock: daily quotas start again at midnight here.
var china = time.FixedZone("CST", 8*3600)

// untilTomorrow is how long until a daily quota is renewed. A vendor that
// says "too many today" means it: asking again before is pointless, and
// vivo lowers the quota of an app that keeps asking.
func untilTomorrow(now time.Time) time.Duration {
	t := now.In(china)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, china).Sub(t)
}

// dailyQuota is the wait after a daily-quota answer: the vendor's
// Retry-After when it gave one, else until tomorrow.
func dailyQuota(ok Result) time.Duration {
	if ok.RetryAfter > 0 {
		return ok.RetryAfter
	}
	return untilTomorrow(time.Now())
}
