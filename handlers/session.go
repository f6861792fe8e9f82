package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/people"
	"houqin/models/store"
)

// UserOut is a user as the API shows it.
type UserOut struct {
	ID         int64        `json:"id"`
	Username   string       `json:"username"`
	Name       string       `json:"name"`
	Phone      string       `json:"phone"`
	Department string       `json:"department"`
	Roles      []store.Role `json:"roles"`
	Active     bool         `json:"active"`
	CreatedAt  time.Time    `json:"created_at"`
}

func userOut(u people.User) UserOut {
	return UserOut{ID: u.ID, Username: u.Username, Name: u.Name, Phone: u.Phone, Department: u.Department,
		Roles: u.Roles, Active: u.Active, CreatedAt: u.CreatedAt}
}

type loginRequest struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=256"`
}

type sessionOut struct {
	AccessToken  string  `json:"access_token"`
	RefreshToken string  `json:"refresh_token"`
	TokenType    string  `json:"token_type"`
	ExpiresIn    int     `json:"expires_in"`
	User         UserOut `json:"user"`
}

func (h *People) session(c *fiber.Ctx, u *people.User, refresh string) error {
	access, err := h.tokens.IssueFor(u)
	if err != nil {
		return err
	}
	return c.JSON(sessionOut{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer",
		ExpiresIn: int(h.tokens.TTL() / time.Second), User: userOut(*u)})
}

// Login exchanges a username and password for a token pair.
func (h *People) Login(c *fiber.Ctx) error {
	var req loginRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	u, err := h.svc.Authenticate(c.UserContext(), req.Username, req.Password)
	if err != nil {
		return err
	}
	refresh, err := h.svc.StartSession(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return h.session(c, u, refresh)
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=128"`
}

// Refresh rotates a refresh token into a new pair.
func (h *People) Refresh(c *fiber.Ctx) error {
	var req refreshRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	u, next, err := h.svc.Refresh(c.UserContext(), req.RefreshToken)
	if err != nil {
		return err
	}
	return h.session(c, u, next)
}

type logoutRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=128"`
	// DeviceTokens are the push tokens of this app install: a signed-out
	// phone must stop getting the user's pushes.
	DeviceTokens []string `json:"device_tokens" validate:"max=20,dive,required,max=255"`
}

// Logout ends the session the refresh token belongs to and forgets the
// named device tokens of its user.
func (h *People) Logout(c *fiber.Ctx) error {
	var req logoutRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	userID, err := h.svc.EndSession(c.UserContext(), req.RefreshToken)
	if err != nil {
		return err
	}
	if userID != 0 {
		if _, err := h.devices.ForgetDeviceTokens(c.UserContext(), userID, req.DeviceTokens); err != nil {
			return err
		}
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// Me returns the caller's profile.
func (h *People) Me(c *fiber.Ctx) error {
	u, err := h.svc.ActiveUser(c.UserContext(), UserFrom(c).ID)
	if err != nil {
		return err
	}
	accounts, err := h.svc.WorkAccounts(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(meOut{UserOut: userOut(u), WorkAccounts: workAccountsOut(accounts)})
}

// meOut is the caller's profile with their work-platform bindings.
type meOut struct {
	UserOut
	WorkAccounts []WorkAccountOut `json:"work_accounts"`
}
