package handlers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// WorkAccounts serves users' bindings to work-platform accounts (企业微信,
// 钉钉) and the admin's routing setting.
type WorkAccounts struct {
	people *people.Service
	notify *notify.Service
	dirs   map[people.WorkPlatform]people.Directory // configured platforms
}

// NewWorkAccounts returns the handlers; dirs are the configured platforms'
// look-ups by mobile.
func NewWorkAccounts(p *people.Service, n *notify.Service, dirs map[people.WorkPlatform]people.Directory) *WorkAccounts {
	return &WorkAccounts{people: p, notify: n, dirs: dirs}
}

// WorkAccountOut is a binding as the API shows it.
type WorkAccountOut struct {
	Platform  people.WorkPlatform `json:"platform"`
	AccountID string              `json:"account_id"`
	Status    string              `json:"status"`
	Source    string              `json:"source"`
	LastError string              `json:"last_error"`
	UpdatedAt time.Time           `json:"updated_at"`
}

func workAccountOut(a people.WorkAccount) WorkAccountOut {
	return WorkAccountOut{Platform: a.Platform, AccountID: a.AccountID, Status: a.Status, Source: a.Source,
		LastError: a.LastError, UpdatedAt: a.UpdatedAt}
}

func workAccountsOut(rows []people.WorkAccount) []WorkAccountOut {
	out := make([]WorkAccountOut, len(rows))
	for i, a := range rows {
		out[i] = workAccountOut(a)
	}
	return out
}

// List shows a user's bindings to the user and to admins.
func (h *WorkAccounts) List(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	rows, err := h.people.WorkAccountsOf(c.UserContext(), UserFrom(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": workAccountsOut(rows)})
}

type bindRequest struct {
	AccountID string `json:"account_id" validate:"required,max=64,excludesall= 0x7C0x2C"`
}

// Bind sets a user's account on a platform (admin).
func (h *WorkAccounts) Bind(c *fiber.Ctx) error {
	id, p, err := userPlatform(c)
	if err != nil {
		return err
	}
	var req bindRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	a, err := h.people.BindWorkAccount(c.UserContext(), id, p, req.AccountID, people.SourceAdmin)
	if err != nil {
		return err
	}
	return c.JSON(workAccountOut(a))
}

// userPlatform reads the user id and platform of a binding's path.
func userPlatform(c *fiber.Ctx) (int64, people.WorkPlatform, error) {
	id, err := ParamID(c, "id")
	if err != nil {
		return 0, "", err
	}
	p, err := people.ParseWorkPlatform("platform", c.Params("platform"))
	return id, p, err
}

// Unbind removes a user's account on a platform (admin).
func (h *WorkAccounts) Unbind(c *fiber.Ctx) error {
	id, p, err := userPlatform(c)
	if err != nil {
		return err
	}
	if err := h.people.UnbindWorkAccount(c.UserContext(), id, p); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// maxImportLines bounds one import: the centre has ~3,800 people, on two
// platforms.
const maxImportLines = 10000

// Import binds the accounts of a CSV file (username,platform,account_id;
// a header line may come first), all or none (admin).
func (h *WorkAccounts) Import(c *fiber.Ctx) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, "text/csv") {
		return store.InvalidField("file", "send the file as text/csv")
	}
	r := csv.NewReader(bytes.NewReader(c.Body()))
	r.FieldsPerRecord, r.TrimLeadingSpace = 3, true
	var rows []people.WorkAccountRow
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return store.InvalidField("file", "line %d: not three comma-separated fields", line)
		}
		if line == 1 && strings.EqualFold(rec[0], "username") {
			continue
		}
		p, err := people.ParseWorkPlatform("file", strings.TrimSpace(rec[1]))
		acct := strings.TrimSpace(rec[2])
		if err != nil || acct == "" || len(acct) > 64 || strings.ContainsAny(acct, " |,") {
			return store.InvalidField("file", "line %d: the platform must be wecom or dingtalk, the account id 1 to 64 characters", line)
		}
		if rows = append(rows, people.WorkAccountRow{Line: line, Username: strings.TrimSpace(rec[0]), Platform: p, AccountID: acct}); len(rows) > maxImportLines {
			return store.InvalidField("file", "more than %d lines", maxImportLines)
		}
	}
	if len(rows) == 0 {
		return store.InvalidField("file", "no lines to import")
	}
	if err := h.people.ImportWorkAccounts(c.UserContext(), rows); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"imported": len(rows)})
}

// Sync looks up by mobile number, on each configured platform, the
// active users without a valid binding, and binds those found (admin).
func (h *WorkAccounts) Sync(c *fiber.Ctx) error {
	out := []people.SyncReport{}
	for _, p := range people.WorkPlatforms {
		if dir := h.dirs[p]; dir != nil {
			rep, err := h.people.SyncWorkAccounts(c.UserContext(), p, dir)
			if err != nil {
				return err
			}
			out = append(out, rep)
		}
	}
	return c.JSON(fiber.Map{"items": out})
}

type workPlatformOut struct {
	Platform   people.WorkPlatform `json:"platform"`
	Configured bool                `json:"configured"`
}

// Settings shows the routing setting and which platforms are configured (admin).
func (h *WorkAccounts) Settings(c *fiber.Ctx) error {
	r, err := h.notify.WorkRouting(c.UserContext())
	if err != nil {
		return err
	}
	return h.settingsOut(c, r)
}

func (h *WorkAccounts) settingsOut(c *fiber.Ctx, r notify.WorkRouting) error {
	platforms := make([]workPlatformOut, len(people.WorkPlatforms))
	for i, p := range people.WorkPlatforms {
		platforms[i] = workPlatformOut{Platform: p, Configured: h.dirs[p] != nil}
	}
	return c.JSON(fiber.Map{"routing": r, "platforms": platforms})
}

type routingRequest struct {
	Routing notify.WorkRouting `json:"routing" validate:"required,enum"`
}

// UpdateSettings changes the routing setting (admin).
func (h *WorkAccounts) UpdateSettings(c *fiber.Ctx) error {
	var req routingRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	if err := h.notify.SetWorkRouting(c.UserContext(), req.Routing); err != nil {
		return err
	}
	return h.settingsOut(c, req.Routing)
}
