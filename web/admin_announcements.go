package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"houqin/models/announce"
	"houqin/models/store"
)

func (c *Console) mountAnnouncements(g fiber.Router) {
	g.Get("/announcements", c.announcementsPage)
	g.Post("/announcements", c.sameOrigin, c.csrf, c.createAnnouncement)
	g.Get("/announcements/:id<int>", c.announcementPage)
	g.Post("/announcements/:id<int>", c.sameOrigin, c.csrf, c.updateAnnouncement)
	g.Post("/announcements/:id<int>/delete", c.sameOrigin, c.csrf, c.deleteAnnouncement)
}

type announcementsData struct {
	Items        []announce.Announcement
	Cursor, Next string
	Input        announce.AnnouncementInput
	formState
}

func (c *Console) announcementsPage(ctx *fiber.Ctx) error {
	return c.showAnnouncements(ctx, fiber.StatusOK, announcementsData{Input: announce.AnnouncementInput{Push: true}})
}

func (c *Console) showAnnouncements(ctx *fiber.Ctx, status int, d announcementsData) error {
	d.Cursor = strings.Clone(ctx.Query("cursor"))
	var err error
	d.Items, d.Next, err = c.Announcements.List(ctx.UserContext(), nil, store.Page{Cursor: d.Cursor})
	if err != nil {
		return err
	}
	return c.render(ctx.Status(status), "admin_announcements.html", view{Title: "通知公告", Data: d})
}

// createAnnouncement publishes as POST /api/v1/announcements does: with
// push, every active user's inbox and phone get it.
func (c *Console) createAnnouncement(ctx *fiber.Ctx) error {
	in := announce.AnnouncementInput{Title: ctx.FormValue("title"), Body: ctx.FormValue("body"),
		Pinned: ctx.FormValue("pinned") == "true", Push: ctx.FormValue("push") == "true"}
	_, err := c.Announcements.Create(ctx.UserContext(), actor(ctx), in)
	if st, status, ok := c.refusal(err); ok {
		return c.showAnnouncements(ctx, status, announcementsData{Input: in, formState: st})
	}
	if err != nil {
		return err
	}
	return done(ctx, "/admin/announcements")
}

type announcementData struct {
	announce.Announcement
	formState
}

func (c *Console) announcementPage(ctx *fiber.Ctx) error {
	an, err := c.Announcements.Get(ctx.UserContext(), paramID(ctx, "id"))
	if err != nil {
		return err
	}
	return c.render(ctx, "admin_announcement.html", view{Title: "编辑公告", Data: announcementData{Announcement: *an}})
}

// updateAnnouncement edits as PATCH /api/v1/announcements/{id}: it never
// pushes again.
func (c *Console) updateAnnouncement(ctx *fiber.Ctx) error {
	id := paramID(ctx, "id")
	title, body, pinned := ctx.FormValue("title"), ctx.FormValue("body"), ctx.FormValue("pinned") == "true"
	_, err := c.Announcements.Update(ctx.UserContext(), id, announce.AnnouncementPatch{Title: &title, Body: &body, Pinned: &pinned})
	if st, status, ok := c.refusal(err); ok {
		d := announcementData{Announcement: announce.Announcement{ID: id, Title: title, Body: body, Pinned: pinned}, formState: st}
		return c.render(ctx.Status(status), "admin_announcement.html", view{Title: "编辑公告", Data: d})
	}
	if err != nil {
		return err
	}
	return done(ctx, "/admin/announcements/"+strconv.FormatInt(id, 10))
}

func (c *Console) deleteAnnouncement(ctx *fiber.Ctx) error {
	if err := c.Announcements.Delete(ctx.UserContext(), paramID(ctx, "id")); err != nil {
		return err
	}
	return done(ctx, "/admin/announcements")
}
