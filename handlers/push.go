package handlers

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/notify"
	"houqin/models/store"
)

type deviceRequest struct {
	Token      string          `json:"token" validate:"required,max=255"`
	Platform   string          `json:"platform" validate:"required,oneof=android ios web"`
	Provider   notify.Provider `json:"provider" validate:"omitempty,enum"`
	AppVersion string          `json:"app_version" validate:"max=32"`
	Locale     string          `json:"locale" validate:"max=16"`
}

type deviceOut struct {
	ID         int64     `json:"id"`
	Token      string    `json:"token"`
	Platform   string    `json:"platform"`
	Provider   string    `json:"provider"`
	AppVersion string    `json:"app_version"`
	Locale     string    `json:"locale"`
	LastSeenAt time.Time `json:"last_seen_at"`
	CreatedAt  time.Time `json:"created_at"`
}

func deviceOf(d notify.Device) deviceOut {
	return deviceOut{ID: d.ID, Token: d.Token, Platform: d.Platform, Provider: string(d.Provider), AppVersion: d.AppVersion,
		Locale: d.Locale, LastSeenAt: d.LastSeenAt, CreatedAt: d.CreatedAt}
}

// RegisterDevice records the caller's push token (201) or refreshes it (200).
func (h *Notify) RegisterDevice(c *fiber.Ctx) error {
	u := UserFrom(c)
	var req deviceRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if req.Provider == "" {
		req.Provider = notify.ProviderFCM
	}
	// With push off altogether any provider is kept, for when it is
	// switched on; otherwise the app learns at once that its channel
	// will not work here.
	if len(h.providers) > 0 && !slices.Contains(h.providers, string(req.Provider)) {
		return store.InvalidField("provider", "is not configured on this server; configured: %s", strings.Join(h.providers, ", "))
	}
	d, created, err := h.svc.RegisterDevice(c.UserContext(), u.ID, notify.DeviceInput{
		Token: req.Token, Platform: req.Platform, Provider: req.Provider, AppVersion: req.AppVersion, Locale: req.Locale})
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(deviceOf(d))
}

// ListDevices lists the caller's devices.
func (h *Notify) ListDevices(c *fiber.Ctx) error {
	rows, err := h.svc.ListDevices(c.UserContext(), UserFrom(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(ListOf(rows, "", deviceOf))
}

// DeleteDevice forgets one of the caller's devices.
func (h *Notify) DeleteDevice(c *fiber.Ctx) error {
	u := UserFrom(c)
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteDevice(c.UserContext(), u.ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type inboxOut struct {
	List[notify.Entry]
	UnreadCount int64 `json:"unread_count"`
}

// ListNotifications pages the caller's inbox, newest first.
func (h *Notify) ListNotifications(c *fiber.Ctx) error {
	u := UserFrom(c)
	page, err := PageOf(c)
	if err != nil {
		return err
	}
	cat, err := QueryEnum[notify.Category](c, "category")
	if err != nil {
		return err
	}
	unread, err := QueryBool(c, "unread")
	if err != nil {
		return err
	}
	f := notify.InboxFilter{Category: cat, Unread: unread != nil && *unread}
	read := func(ctx context.Context) (any, error) {
		rows, next, count, err := h.svc.Inbox(ctx, u.ID, f, page)
		if err != nil {
			return nil, err
		}
		return inboxOut{List: ListOf(rows, next, notify.Notification.Entry), UnreadCount: count}, nil
	}
	if page.Cursor != "" {
		out, err := read(c.UserContext())
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
	e, err := h.inbox.firstPage(c.UserContext(), u.ID, inboxKey{f, page.Limit}, read)
	if err != nil {
		return err
	}
	return e.send(c)
}

// ReadNotification marks one of the caller's notifications read.
func (h *Notify) ReadNotification(c *fiber.Ctx) error {
	u := UserFrom(c)
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	n, err := h.svc.MarkRead(c.UserContext(), u.ID, id)
	if err != nil {
		return err
	}
	return c.JSON(n.Entry())
}

// ReadAllNotifications marks all the caller's notifications read (of one
// ?category= when given).
func (h *Notify) ReadAllNotifications(c *fiber.Ctx) error {
	u := UserFrom(c)
	cat, err := QueryEnum[notify.Category](c, "category")
	if err != nil {
		return err
	}
	n, err := h.svc.MarkAllRead(c.UserContext(), u.ID, cat)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"marked": n})
}

type pushSwitches struct {
	Repair       bool `json:"repair"`
	Booking      bool `json:"booking"`
	Menu         bool `json:"menu"`
	Shuttle      bool `json:"shuttle"`
	Announcement bool `json:"announcement"`
}

type preferencesOut struct {
	Push pushSwitches `json:"push"`
}

func preferencesOf(p notify.Preferences) preferencesOut {
	return preferencesOut{Push: pushSwitches{Repair: p.Repair, Booking: p.Booking, Menu: p.Menu, Shuttle: p.Shuttle,
		Announcement: p.Announcement}}
}

// preferencesRequest changes the switches it names and keeps the others.
type preferencesRequest struct {
	Push *struct {
		Repair       *bool `json:"repair"`
		Booking      *bool `json:"booking"`
		Menu         *bool `json:"menu"`
		Shuttle      *bool `json:"shuttle"`
		Announcement *bool `json:"announcement"`
	} `json:"push" validate:"required"`
}

// GetPreferences returns the caller's push switches.
func (h *Notify) GetPreferences(c *fiber.Ctx) error {
	p, err := h.svc.Preferences(c.UserContext(), UserFrom(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(preferencesOf(p))
}

// UpdatePreferences changes the caller's push switches.
func (h *Notify) UpdatePreferences(c *fiber.Ctx) error {
	u := UserFrom(c)
	var req preferencesRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	in := req.Push
	p, err := h.svc.UpdatePreferences(c.UserContext(), u.ID, func(p *notify.Preferences) {
		set(&p.Repair, in.Repair)
		set(&p.Booking, in.Booking)
		set(&p.Menu, in.Menu)
		set(&p.Shuttle, in.Shuttle)
		set(&p.Announcement, in.Announcement)
	})
	if err != nil {
		return err
	}
	return c.JSON(preferencesOf(p))
}

type testPushRequest struct {
	UserID int64 `json:"user_id" validate:"required,gt=0"`
}

// TestPush sends a test notification to a user (admin).
func (h *Notify) TestPush(c *fiber.Ctx) error {
	var req testPushRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	n, devices, err := h.svc.SendTestNotice(c.UserContext(), req.UserID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"notification_id": n.ID, "devices": devices})
}
