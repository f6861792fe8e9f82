package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/announce"
)

// AnnouncementOut is an announcement as the app shows it.
type AnnouncementOut struct {
	ID        int64      `json:"id"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Pinned    bool       `json:"pinned"`
	PushedAt  *time.Time `json:"pushed_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

func announcementOut(a announce.Announcement) AnnouncementOut {
	return AnnouncementOut{ID: a.ID, Title: a.Title, Body: a.Body, Pinned: a.Pinned, PushedAt: a.PushedAt,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// ListAnnouncements lists announcements newest first (?pinned= filters).
func (h *Announcements) ListAnnouncements(c *fiber.Ctx) error {
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	pinned, err := QueryBool(c, "pinned")
	if err != nil {
		return err
	}
	rows, next, err := h.svc.List(c.UserContext(), pinned, page)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, next, announcementOut))
}

// GetAnnouncement returns one announcement (the target of its push's deep link).
func (h *Announcements) GetAnnouncement(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	an, err := h.svc.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(announcementOut(*an))
}

type createAnnouncementRequest struct {
	Title  string `json:"title"`
	Body   string `json:"body"`
	Pinned bool   `json:"pinned"`
	Push   bool   `json:"push"`
}

// CreateAnnouncement publishes an announcement (admin); push: true sends it
// to every staff member's inbox and phone.
func (h *Announcements) CreateAnnouncement(c *fiber.Ctx) error {
	var req createAnnouncementRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	an, err := h.svc.Create(c.UserContext(), UserFrom(c),
		announce.AnnouncementInput{Title: req.Title, Body: req.Body, Pinned: req.Pinned, Push: req.Push})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(announcementOut(*an))
}

type updateAnnouncementRequest struct {
	Title  *string `json:"title"`
	Body   *string `json:"body"`
	Pinned *bool   `json:"pinned"`
}

// UpdateAnnouncement edits or (un)pins an announcement (admin).
func (h *Announcements) UpdateAnnouncement(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	var req updateAnnouncementRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	an, err := h.svc.Update(c.UserContext(), id,
		announce.AnnouncementPatch{Title: req.Title, Body: req.Body, Pinned: req.Pinned})
	if err != nil {
		return err
	}
	return c.JSON(announcementOut(*an))
}

// DeleteAnnouncement takes an announcement down (admin).
func (h *Announcements) DeleteAnnouncement(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.Delete(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
