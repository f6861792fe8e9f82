package people

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"houqin/models/store"
)

// User is a staff member with a login.
type User struct {
	ID           int64       `gorm:"primaryKey"`
	Username     string      `gorm:"size:64"`
	Name         string      `gorm:"size:100"`
	Phone        string      `gorm:"size:32"`
	Department   string      `gorm:"size:100"`
	Roles        store.Roles `gorm:"size:200"`
	Active       bool
	PasswordHash string `gorm:"size:200"`
	// TokenGen retires access tokens: it is raised when the password is
	// reset or the user deactivated, and a token of an older generation is
	// refused.
	TokenGen  int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Actor returns the user as a caller.
func (u *User) Actor() store.Actor {
	return store.Actor{ID: u.ID, Username: u.Username, Name: u.Name, Department: u.Department, Roles: u.Roles}
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// HashPassword returns the argon2id PHC string for password.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", store.InvalidField("password", "must be at least %d characters", MinPasswordLength)
	}
	if len(password) > 256 {
		return "", store.InvalidField("password", "must be at most 256 characters")
	}
	return argon(func() (string, error) { return argon2id.CreateHash(password, PasswordParams) })
}

// ErrBadCredentials is the single answer to a failed login.
var ErrBadCredentials = &store.Error{Code: store.CodeUnauthorized, Message: "wrong username or password"}

// Authenticate checks a username and password and returns the active user.
func (s *Service) Authenticate(ctx context.Context, username, password string) (_ *User, err error) {
	defer store.Wrap(&err, "people authenticate")
	var u User
	err = s.Read(ctx).Where("username = ?", username).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		_, _ = argon(func() (bool, error) { return argon2id.ComparePasswordAndHash(password, dummyHash) })
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := argon(func() (bool, error) { return argon2id.ComparePasswordAndHash(password, u.PasswordHash) })
	if err != nil || !ok || !u.Active {
		return nil, ErrBadCredentials
	}
	return &u, nil
}

// UserInput is the input for creating a user.
type UserInput struct {
	Username, Name, Phone, Department, Password string
	Roles                                       store.Roles
}

// CreateUser adds an active user.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (_ *User, err error) {
	defer store.Wrap(&err, "people create user")
	if err := in.Check(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Username: in.Username, Name: in.Name, Phone: in.Phone, Department: in.Department,
		Roles: in.Roles, Active: true, PasswordHash: hash}
	if len(u.Roles) == 0 {
		u.Roles = store.Roles{store.RoleStaff}
	}
	err = s.Tx(ctx, func(tx *store.Tx) error { return tx.Create(u).Error })
	if store.ErrorCode(err) == store.CodeConflict {
		return nil, store.Errorf(store.CodeConflict, "username %q is taken", in.Username)
	}
	return u, err
}

// UserPatch changes a user; nil fields stay as they are.
type UserPatch struct {
	Name, Phone, Department, Password *string
	Roles                             *store.Roles
	Active                            *bool
}

// UpdateUser applies p. Deactivating a user or setting their password
// ends their sessions at once: refresh tokens are revoked and the token
// generation moves on, so access tokens already handed out stop working.
func (s *Service) UpdateUser(ctx context.Context, id int64, p UserPatch) (_ *User, err error) {
	defer store.Wrap(&err, "people update user")
	if err := p.Check(); err != nil {
		return nil, err
	}
	var u User
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&u, id).Error; err != nil {
			return store.NotFound(err, "user")
		}
		store.Patch(&u.Name, p.Name)
		store.Patch(&u.Phone, p.Phone)
		store.Patch(&u.Department, p.Department)
		store.Patch(&u.Roles, p.Roles)
		if p.Password != nil {
			hash, err := HashPassword(*p.Password)
			if err != nil {
				return err
			}
			u.PasswordHash = hash
		}
		store.Patch(&u.Active, p.Active)
		signOut := !u.Active || p.Password != nil
		if signOut {
			u.TokenGen++
		}
		if err := tx.Save(&u).Error; err != nil {
			return err
		}
		tx.Publish(Changed{UserID: u.ID})
		if !u.Active {
			// Work notifications stop with the sign-ins: the bindings go.
			if err := tx.Where("user_id = ?", u.ID).Delete(&WorkAccount{}).Error; err != nil {
				return err
			}
		}
		if signOut {
			tx.Publish(SignedOut{UserID: u.ID})
			return revokeUserTokens(tx, u.ID)
		}
		return nil
	})
	s.users.forget(id)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// Changed is raised when a user's roles, password, activity or details
// change: caches of the user elsewhere must drop it.
type Changed struct{ UserID int64 }

// SignedOut is raised when a user's sign-ins end (deactivated, or the
// password set): their open live streams close at once.
type SignedOut struct{ UserID int64 }

// TopicSignedOut is the live topic a user's streams listen on to learn
// that the user's sign-ins ended; clients cannot subscribe to it.
func TopicSignedOut(userID int64) string { return "signed-out:" + strconv.FormatInt(userID, 10) }

// Live implements store.Live.
func (e SignedOut) Live() store.LiveEvent {
	return store.LiveEvent{Topic: TopicSignedOut(e.UserID), Type: "signed_out"}
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Role   store.Role
	Query  string // matches username, name, phone or department
	Active *bool
}

// ListUsers returns users by id, newest first.
func (s *Service) ListUsers(ctx context.Context, f UserFilter, p store.Page) (_ []User, _ string, err error) {
	defer store.Wrap(&err, "people list users")
	q := s.Read(ctx).Model(&User{})
	if f.Role != "" {
		q = q.Where(hasRole(f.Role))
	}
	if f.Query != "" {
		like := "%" + f.Query + "%"
		q = q.Where("(username LIKE ? OR name LIKE ? OR phone LIKE ? OR department LIKE ?)", like, like, like, like)
	}
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	return store.Paginate[User](q, p, func(u User) int64 { return u.ID })
}

// ActiveUser returns the user behind a verified token, or unauthorized if
// the user is gone or deactivated. It is on every request's path, so it is
// served from a short-lived cache (without the password hash).
func (s *Service) ActiveUser(ctx context.Context, id int64) (_ User, err error) {
	defer store.Wrap(&err, "people active user")
	if u, ok := s.users.get(id); ok {
		return u, nil
	}
	version := s.users.version()
	var u User
	err = s.Read(ctx).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !u.Active) {
		return User{}, store.Errorf(store.CodeUnauthorized, "this account is not active")
	}
	if err != nil {
		return User{}, err
	}
	u.PasswordHash = ""
	s.users.put(id, u, version)
	return u, nil
}

// User returns one user, active or not, without the password hash (the
// admins' user page).
func (s *Service) User(ctx context.Context, id int64) (_ User, err error) {
	defer store.Wrap(&err, "people user")
	var u User
	if err := s.Read(ctx).Take(&u, id).Error; err != nil {
		return User{}, store.NotFound(err, "user")
	}
	u.PasswordHash = ""
	return u, nil
}

// ActiveUserIDs returns every active user's id (recipients of notices to
// all staff).
func ActiveUserIDs(tx *gorm.DB) ([]int64, error) {
	var ids []int64
	return ids, tx.Model(&User{}).Where("active = ?", true).Pluck("id", &ids).Error
}

// UsersWithRole returns the ids of active users holding role (recipients of
// desk notifications).
func UsersWithRole(tx *gorm.DB, role store.Role) ([]int64, error) {
	var ids []int64
	return ids, ActiveWithRole(tx, role).Pluck("id", &ids).Error
}

// ActiveWithRole narrows a query to the active users holding role.
func ActiveWithRole(tx *gorm.DB, role store.Role) *gorm.DB {
	return tx.Model(&User{}).Where("active = ?", true).Where(hasRole(role))
}

// hasRole matches users whose comma-separated roles column holds role as a
// whole item: a bare LIKE '%admin%' would also match canteen_admin.
func hasRole(role store.Role) clause.Expr {
	r := string(role)
	return gorm.Expr("(roles = ? OR roles LIKE ? OR roles LIKE ? OR roles LIKE ?)", r, r+",%", "%,"+r, "%,"+r+",%")
}
