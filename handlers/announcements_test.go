package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
)

type announcement struct {
	ID       int64   `json:"id"`
	Title    string  `json:"title"`
	Body     string  `json:"body"`
	Pinned   bool    `json:"pinned"`
	PushedAt *string `json:"pushed_at"`
}

func TestAnnouncements(t *testing.T) {
	opt, ph := withPhones(t)
	env := apitest.New(t, opt)
	admin := env.NewUser(store.RoleAdmin)
	staff := env.NewUser()
	quiet := env.NewUser()
	apitest.Expect(t, env.Put("/api/v1/me/preferences", quiet.Token, map[string]any{"push": map[string]bool{
		"repair": true, "booking": true, "menu": true, "shuttle": true, "announcement": false}}), http.StatusOK)
	env.RegisterDevice(staff, "staff-phone")
	env.RegisterDevice(quiet, "quiet-phone")
	gone := env.NewUser()
	apitest.Expect(t, env.Patch(apitest.Path("/api/v1/users/%d", gone.ID), admin.Token, map[string]any{"active": false}), http.StatusOK)

	notice := map[string]any{"title": "行政中心1号楼电梯维保通知", "body": "本周六对1号楼电梯进行年度维保。", "push": true}
	apitest.Expect(t, env.Post("/api/v1/announcements", staff.Token, notice), http.StatusForbidden, "forbidden")
	resp := env.Post("/api/v1/announcements", admin.Token, notice)
	apitest.Expect(t, resp, http.StatusCreated)
	var pushed announcement
	resp.JSON(t, &pushed)
	if pushed.PushedAt == nil || pushed.Pinned {
		t.Fatalf("created %+v", pushed)
	}

	t.Run("pushed to every active user's inbox", func(t *testing.T) {
		for _, u := range []apitest.User{admin, staff, quiet} {
			inbox := env.Inbox(u.ID)
			if len(inbox) != 1 || inbox[0].Category != notify.CategoryAnnouncement || inbox[0].Data["id"] == "" ||
				inbox[0].Title != "通知公告：行政中心1号楼电梯维保通知" {
				t.Fatalf("user %d inbox: %+v", u.ID, inbox)
			}
		}
		if n := len(env.Inbox(gone.ID)); n != 0 {
			t.Fatalf("a deactivated user got %d notices", n)
		}
	})

	t.Run("pushed to phones unless the user turned announcements off", func(t *testing.T) {
		expectPushes(t, ph.deliver(t, env), map[string]wantPush{"staff-phone": {
			title: []string{"通知公告：行政中心1号楼电梯维保通知"}, body: []string{"年度维保"},
			data: map[string]string{"type": "announcement", "id": fmt.Sprint(pushed.ID)}, channel: "houqin_announcement",
			priority: "normal"}})
	})

	t.Run("without push nobody is notified", func(t *testing.T) {
		resp := env.Post("/api/v1/announcements", admin.Token, map[string]any{"title": "冬季消防安全提示", "body": "请下班前关闭电器电源。", "pinned": true})
		apitest.Expect(t, resp, http.StatusCreated)
		var a announcement
		resp.JSON(t, &a)
		if a.PushedAt != nil || !a.Pinned || len(env.Inbox(staff.ID)) != 1 {
			t.Fatalf("%+v", a)
		}
	})

	t.Run("everyone reads, pinned filter", func(t *testing.T) {
		var list struct{ Items []announcement }
		env.Get("/api/v1/announcements", staff.Token).JSON(t, &list)
		if len(list.Items) != 2 || list.Items[0].Title != "冬季消防安全提示" {
			t.Fatalf("%+v", list.Items)
		}
		env.Get("/api/v1/announcements?pinned=true", staff.Token).JSON(t, &list)
		if len(list.Items) != 1 || !list.Items[0].Pinned {
			t.Fatalf("%+v", list.Items)
		}
		resp := env.Get(apitest.Path("/api/v1/announcements/%d", pushed.ID), staff.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var one announcement
		resp.JSON(t, &one)
		if one.ID != pushed.ID || one.Title != pushed.Title || one.Body != pushed.Body || one.PushedAt == nil {
			t.Fatalf("got %+v, want %+v", one, pushed)
		}
	})

	t.Run("admins edit and delete; staff may not", func(t *testing.T) {
		path := apitest.Path("/api/v1/announcements/%d", pushed.ID)
		apitest.Expect(t, env.Patch(path, staff.Token, map[string]any{"pinned": true}), http.StatusForbidden, "forbidden")
		apitest.Expect(t, env.Delete(path, staff.Token), http.StatusForbidden, "forbidden")
		resp := env.Patch(path, admin.Token, map[string]any{"pinned": true, "title": "电梯维保通知（更新）"})
		apitest.Expect(t, resp, http.StatusOK)
		var a announcement
		resp.JSON(t, &a)
		if !a.Pinned || a.Title != "电梯维保通知（更新）" || len(env.Inbox(staff.ID)) != 1 {
			t.Fatalf("%+v", a)
		}
		apitest.Expect(t, env.Delete(path, admin.Token), http.StatusNoContent)
		apitest.Expect(t, env.Get(path, staff.Token), http.StatusNotFound, "not_found")
		apitest.Expect(t, env.Delete(path, admin.Token), http.StatusNotFound, "not_found")
	})

	t.Run("bad input", func(t *testing.T) {
		for name, body := range map[string]any{
			"no title":      map[string]any{"body": "x"},
			"unknown field": map[string]any{"title": "x", "body": "x", "author_id": 1},
			"empty title":   map[string]any{"title": "", "body": "x"},
			"blank title":   map[string]any{"title": "  ", "body": "x"},
			"blank body":    map[string]any{"title": "x", "body": "\n\t "},
		} {
			t.Run(name, func(t *testing.T) {
				apitest.Expect(t, env.Post("/api/v1/announcements", admin.Token, body), http.StatusBadRequest, "validation_failed")
			})
		}
		apitest.Expect(t, env.Patch("/api/v1/announcements/999", admin.Token, map[string]any{"pinned": true}), http.StatusNotFound, "not_found")
		if len(env.Inbox(staff.ID)) != 1 {
			t.Fatal("a refused announcement notified staff")
		}
		resp := env.Post("/api/v1/announcements", admin.Token, map[string]any{"title": "会议室启用通知", "body": "3楼会议室已启用。"})
		apitest.Expect(t, resp, http.StatusCreated)
		var kept announcement
		resp.JSON(t, &kept)
		path := apitest.Path("/api/v1/announcements/%d", kept.ID)
		apitest.Expect(t, env.Patch(path, admin.Token, map[string]any{"title": " "}), http.StatusBadRequest, "validation_failed")
		env.Get(path, staff.Token).JSON(t, &kept)
		if kept.Title != "会议室启用通知" {
			t.Fatalf("a refused edit changed the title to %q", kept.Title)
		}
		apitest.Expect(t, env.Get("/api/v1/announcements?pinned=maybe", staff.Token), http.StatusBadRequest, "validation_failed")
	})
}
