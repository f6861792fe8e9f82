package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
)

// TestInboxCache: the inbox's first page comes from the cache, yet every
// change made on this replica (a new entry, a read mark, read-all) shows at
// once, a change made on another replica within a second, and pages past
// the first are read afresh.
func TestInboxCache(t *testing.T) {
	env := apitest.New(t)
	u, other := env.NewUser(store.RoleStaff), env.NewUser(store.RoleStaff)
	notice := func(title string) notify.Notice {
		return notify.Notice{Category: notify.CategoryShuttle, Type: "trip.delayed", Title: title}
	}
	notifyUsers(t, env, notice("一"), u.ID, other.ID)
	list := func(e *apitest.Env, query string) inboxJSON {
		t.Helper()
		resp := e.Get("/api/v1/me/notifications"+query, u.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var in inboxJSON
		resp.JSON(t, &in)
		return in
	}
	expect := func(what string, in inboxJSON, items, unread int) {
		t.Helper()
		if len(in.Items) != items || in.UnreadCount != int64(unread) {
			t.Fatalf("%s: %d entries, %d unread; want %d and %d", what, len(in.Items), in.UnreadCount, items, unread)
		}
	}
	expect("first read", list(env, ""), 1, 1)

	notifyUsers(t, env, notice("二"), u.ID)
	expect("after a new entry", list(env, ""), 2, 2)
	notifyUsers(t, env, notice("别人的"), other.ID)
	in := list(env, "")
	expect("after another user's entry", in, 2, 2)
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/me/notifications/%d/read", in.Items[0].ID), u.Token, nil), http.StatusOK)
	expect("after a read mark", list(env, ""), 2, 1)
	expect("unread only", list(env, "?unread=true"), 1, 1)
	apitest.Expect(t, env.Post("/api/v1/me/notifications/read-all", u.Token, nil), http.StatusOK)
	expect("after read-all", list(env, ""), 2, 0)
	expect("unread only after read-all", list(env, "?unread=true"), 0, 0)

	// Another replica files an entry: this one answers from its cache until
	// the page's second is up; a later page is read afresh at once.
	second := "?limit=1&cursor=" + list(env, "?limit=1").NextCursor
	expect("a second page before", list(env, second), 1, 0)
	notifyUsers(t, env.Replica(), notice("三"), u.ID)
	expect("at once after the other replica's entry (cached)", list(env, ""), 2, 0)
	expect("the same second page, at once", list(env, second), 1, 1)
	env.Clock.Advance(1100 * time.Millisecond)
	expect("a second after the other replica's entry", list(env, ""), 3, 1)

	// Compressed from the same entry: a gzipped answer holds the same page.
	var page inboxJSON
	getGzipped(t, env, "/api/v1/me/notifications", u.Token, &page)
	expect("gunzipped", page, 3, 1)
}
