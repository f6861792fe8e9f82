package handlers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
)

type deviceJSON struct {
	ID         int64     `json:"id"`
	Token      string    `json:"token"`
	Platform   string    `json:"platform"`
	LastSeenAt time.Time `json:"last_seen_at"`
}

type inboxJSON struct {
	Items []struct {
		ID       int64             `json:"id"`
		Category string            `json:"category"`
		Title    string            `json:"title"`
		Data     map[string]string `json:"data"`
		Read     bool              `json:"read"`
	} `json:"items"`
	NextCursor  string `json:"next_cursor"`
	UnreadCount int64  `json:"unread_count"`
}

func devicesOf(t *testing.T, env *apitest.Env, u apitest.User) []deviceJSON {
	t.Helper()
	resp := env.Get("/api/v1/me/devices", u.Token)
	apitest.Expect(t, resp, 200)
	var out struct{ Items []deviceJSON }
	resp.JSON(t, &out)
	return out.Items
}

func notifyUsers(t *testing.T, env *apitest.Env, n notify.Notice, users ...int64) {
	t.Helper()
	if err := env.Store.Tx(context.Background(), func(tx *store.Tx) error { return notify.Notify(tx, n, users...) }); err != nil {
		t.Fatal(err)
	}
}

func TestDevices(t *testing.T) {
	env := apitest.New(t)
	a, b := env.NewUser(store.RoleStaff), env.NewUser(store.RoleStaff)
	body := map[string]string{"token": "fcm-token-1", "platform": "android", "app_version": "1.4.2", "locale": "zh-CN"}

	t.Run("first registration creates the device", func(t *testing.T) {
		resp := env.Post("/api/v1/me/devices", a.Token, body)
		apitest.Expect(t, resp, 201)
		var d deviceJSON
		resp.JSON(t, &d)
		if d.Token != "fcm-token-1" || d.Platform != "android" {
			t.Fatalf("device %+v", d)
		}
	})
	t.Run("re-registering refreshes last_seen_at", func(t *testing.T) {
		env.Clock.Advance(time.Minute)
		resp := env.Post("/api/v1/me/devices", a.Token, body)
		apitest.Expect(t, resp, 200)
		ds := devicesOf(t, env, a)
		if len(ds) != 1 || !ds[0].LastSeenAt.Equal(env.Clock.Now()) {
			t.Fatalf("devices %+v, want one seen now", ds)
		}
	})
	t.Run("registering another user's token takes nothing from them and tells nothing", func(t *testing.T) {
		// Answered exactly as a token nobody holds.
		apitest.Expect(t, env.Post("/api/v1/me/devices", b.Token, body), 201)
		apitest.Expect(t, env.Post("/api/v1/me/devices", b.Token, map[string]string{"token": "fcm-token-unheld", "platform": "android"}), 201)
		if ds := devicesOf(t, env, a); len(ds) != 1 || ds[0].Token != "fcm-token-1" {
			t.Fatalf("a's devices %+v: a must keep its token", ds)
		}
		if len(devicesOf(t, env, b)) != 2 {
			t.Fatal("b's registrations are missing")
		}
		// a notice for a still goes to a's device.
		notifyUsers(t, env, notify.Notice{Category: notify.CategoryRepair, Type: "repair.assigned", Title: "派单"}, a.ID)
		var jobs []notify.OutboxJob
		if err := env.Store.Read(context.Background()).Find(&jobs).Error; err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 || jobs[0].DeviceID != devicesOf(t, env, a)[0].ID {
			t.Fatalf("outbox %+v, want one push to a's device", jobs)
		}
		// The previous user signs out of the shared phone with its token.
		s := env.Post("/api/v1/auth/login", "", map[string]string{"username": a.Username, "password": apitest.Password})
		apitest.Expect(t, s, 200)
		var session struct {
			RefreshToken string `json:"refresh_token"`
		}
		s.JSON(t, &session)
		apitest.Expect(t, env.Post("/api/v1/auth/logout", "", map[string]any{"refresh_token": session.RefreshToken, "device_tokens": []string{"fcm-token-1"}}), 204)
		if len(devicesOf(t, env, a)) != 0 || len(devicesOf(t, env, b)) != 2 {
			t.Fatal("signing a out of the phone must forget a's token only")
		}
		apitest.Expect(t, env.Delete(apitest.Path("/api/v1/me/devices/%d", devicesOf(t, env, b)[0].ID), b.Token), 204)
	})
	t.Run("nobody deletes another user's device", func(t *testing.T) {
		id := devicesOf(t, env, b)[0].ID
		apitest.Expect(t, env.Delete(apitest.Path("/api/v1/me/devices/%d", id), a.Token), 404, "not_found")
		apitest.Expect(t, env.Delete(apitest.Path("/api/v1/me/devices/%d", id), b.Token), 204)
		if len(devicesOf(t, env, b)) != 0 {
			t.Fatal("the device is still there")
		}
	})
	t.Run("bad input is refused", func(t *testing.T) {
		for name, req := range map[string]any{
			"unknown platform": map[string]string{"token": "x", "platform": "symbian"},
			"missing token":    map[string]string{"platform": "ios"},
			"unknown field":    map[string]string{"token": "x", "platform": "ios", "user_id": "1"},
		} {
			if resp := env.Post("/api/v1/me/devices", a.Token, req); resp.Status != 400 || resp.Code() != "validation_failed" {
				t.Errorf("%s: %d %s", name, resp.Status, resp.Code())
			}
		}
	})
	t.Run("a user keeps at most 20 devices", func(t *testing.T) {
		for i := range notify.MaxDevicesPerUser + 2 {
			env.Clock.Advance(time.Second)
			apitest.Expect(t, env.Post("/api/v1/me/devices", a.Token, map[string]string{"token": fmt.Sprint("many-", i), "platform": "ios"}), 201)
		}
		ds := devicesOf(t, env, a)
		if len(ds) != notify.MaxDevicesPerUser || ds[len(ds)-1].Token != "many-2" {
			t.Fatalf("%d devices, oldest %q; want 20, the two least recently seen forgotten", len(ds), ds[len(ds)-1].Token)
		}
	})
	t.Run("logout forgets the tokens the client names", func(t *testing.T) {
		login := env.Post("/api/v1/auth/login", "", map[string]string{"username": a.Username, "password": apitest.Password})
		apitest.Expect(t, login, 200)
		var s struct {
			RefreshToken string `json:"refresh_token"`
		}
		login.JSON(t, &s)
		resp := env.Post("/api/v1/auth/logout", "", map[string]any{"refresh_token": s.RefreshToken, "device_tokens": []string{"many-5", "many-6"}})
		apitest.Expect(t, resp, 204)
		if n := len(devicesOf(t, env, a)); n != notify.MaxDevicesPerUser-2 {
			t.Fatalf("%d devices after logout, want %d", n, notify.MaxDevicesPerUser-2)
		}
	})
	t.Run("devices need a signed-in user", func(t *testing.T) {
		apitest.Expect(t, env.Get("/api/v1/me/devices", ""), 401, "unauthorized")
	})
}

func TestInbox(t *testing.T) {
	env := apitest.New(t)
	u, other := env.NewUser(store.RoleStaff), env.NewUser(store.RoleStaff)
	for i := range 3 {
		notifyUsers(t, env, notify.Notice{Category: notify.CategoryRepair, Type: "repair.assigned", Title: fmt.Sprint("报修", i),
			Data: notify.StringMap{"type": "repair", "id": fmt.Sprint(i), "status": "assigned"}}, u.ID)
	}
	notifyUsers(t, env, notify.Notice{Category: notify.CategoryShuttle, Type: "trip.delayed", Title: "班车延误"}, u.ID, other.ID)

	list := func(query string) inboxJSON {
		t.Helper()
		resp := env.Get("/api/v1/me/notifications"+query, u.Token)
		apitest.Expect(t, resp, 200)
		var in inboxJSON
		resp.JSON(t, &in)
		return in
	}
	t.Run("newest first with the unread count", func(t *testing.T) {
		in := list("")
		if len(in.Items) != 4 || in.Items[0].Title != "班车延误" || in.UnreadCount != 4 || in.Items[1].Data["id"] != "2" {
			t.Fatalf("inbox %+v", in)
		}
	})
	t.Run("pages follow the cursor", func(t *testing.T) {
		first := list("?limit=3")
		second := list("?limit=3&cursor=" + first.NextCursor)
		if len(first.Items) != 3 || first.NextCursor == "" || len(second.Items) != 1 || second.NextCursor != "" || second.Items[0].Title != "报修0" {
			t.Fatalf("pages %+v then %+v", first, second)
		}
	})
	t.Run("filter by category", func(t *testing.T) {
		in := list("?category=shuttle")
		if len(in.Items) != 1 || in.UnreadCount != 1 {
			t.Fatalf("shuttle inbox %+v", in)
		}
		apitest.Expect(t, env.Get("/api/v1/me/notifications?category=weather", u.Token), 400, "validation_failed")
	})
	t.Run("read one, then only unread", func(t *testing.T) {
		id := list("").Items[0].ID
		read := func() (out struct {
			ID     int64     `json:"id"`
			Read   bool      `json:"read"`
			ReadAt time.Time `json:"read_at"`
		}) {
			t.Helper()
			resp := env.Post(apitest.Path("/api/v1/me/notifications/%d/read", id), u.Token, nil)
			apitest.Expect(t, resp, 200)
			resp.JSON(t, &out)
			return out
		}
		first := read()
		env.Clock.Advance(time.Minute)
		again := read()
		if first.ID != id || !first.Read || !first.ReadAt.Equal(again.ReadAt) {
			t.Fatalf("read %+v, then %+v: want it read, the first time kept", first, again)
		}
		in := list("?unread=true")
		if len(in.Items) != 3 || in.UnreadCount != 3 {
			t.Fatalf("unread inbox %+v", in)
		}
	})
	t.Run("another user's entry is not found", func(t *testing.T) {
		theirs := env.Inbox(other.ID)[0].ID
		apitest.Expect(t, env.Post(apitest.Path("/api/v1/me/notifications/%d/read", theirs), u.Token, nil), 404, "not_found")
	})
	t.Run("read all", func(t *testing.T) {
		resp := env.Post("/api/v1/me/notifications/read-all", u.Token, nil)
		apitest.Expect(t, resp, 200)
		var out struct{ Marked int64 }
		resp.JSON(t, &out)
		if out.Marked != 3 || list("").UnreadCount != 0 {
			t.Fatalf("marked %d, unread left %d", out.Marked, list("").UnreadCount)
		}
		if env.Inbox(other.ID)[0].ReadAt != nil {
			t.Fatal("read-all touched another user's inbox")
		}
	})
}

func TestPreferencesAPI(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser(store.RoleStaff)
	type prefs struct {
		Push map[string]bool `json:"push"`
	}
	get := func() prefs {
		resp := env.Get("/api/v1/me/preferences", u.Token)
		apitest.Expect(t, resp, 200)
		var p prefs
		resp.JSON(t, &p)
		return p
	}
	for k, v := range get().Push {
		if !v {
			t.Errorf("default %s is off, want on", k)
		}
	}
	put := env.Put("/api/v1/me/preferences", u.Token, map[string]any{"push": map[string]bool{"menu": false}})
	apitest.Expect(t, put, 200)
	var changed prefs
	put.JSON(t, &changed)
	if changed.Push["menu"] || !changed.Push["booking"] {
		t.Fatalf("answer %v, want menu off and the rest kept", changed.Push)
	}
	apitest.Expect(t, env.Put("/api/v1/me/preferences", u.Token, map[string]any{"push": map[string]bool{"booking": false}}), 200)
	p := get().Push
	if p["menu"] || p["booking"] || !p["repair"] || !p["shuttle"] || !p["announcement"] {
		t.Fatalf("preferences %v, want menu and booking off, the rest on", p)
	}
	for name, body := range map[string]any{
		"unknown category": map[string]any{"push": map[string]bool{"weather": false}},
		"no push object":   map[string]any{"repair": false},
		"not a boolean":    map[string]any{"push": map[string]string{"menu": "no"}},
	} {
		if resp := env.Put("/api/v1/me/preferences", u.Token, body); resp.Status != 400 {
			t.Errorf("%s: %d, want 400", name, resp.Status)
		}
	}
}

func TestAdminPushTest(t *testing.T) {
	env := apitest.New(t)
	admin, staff := env.NewUser(store.RoleAdmin), env.NewUser(store.RoleStaff)
	apitest.Expect(t, env.Post("/api/v1/me/devices", staff.Token, map[string]string{"token": "t1", "platform": "ios"}), 201)

	apitest.Expect(t, env.Post("/api/v1/admin/push/test", staff.Token, map[string]int64{"user_id": staff.ID}), 403, "forbidden")
	apitest.Expect(t, env.Post("/api/v1/admin/push/test", admin.Token, map[string]int64{"user_id": 999999}), 404, "not_found")
	resp := env.Post("/api/v1/admin/push/test", admin.Token, map[string]int64{"user_id": staff.ID})
	apitest.Expect(t, resp, 202)
	var out struct {
		NotificationID int64 `json:"notification_id"`
		Devices        int64 `json:"devices"`
	}
	resp.JSON(t, &out)
	inbox := env.Inbox(staff.ID)
	if out.Devices != 1 || len(inbox) != 1 || inbox[0].ID != out.NotificationID || inbox[0].Title != "测试通知" {
		t.Fatalf("answer %+v, inbox %+v", out, inbox)
	}
}
