package people

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"houqin/models/store"
)

// WorkPlatform is a work platform whose application can send "work
// notifications" to a staff member's account there, with no app to install:
// 企业微信 (and its government edition 政务微信) and 钉钉 (and 政务钉钉).
type WorkPlatform string

const (
	WeCom    WorkPlatform = "wecom"
	DingTalk WorkPlatform = "dingtalk"
)

// WorkPlatforms lists the work platforms.
var WorkPlatforms = []WorkPlatform{WeCom, DingTalk}

// Enum lists the work platforms (store.Enumerated).
func (WorkPlatform) Enum() []string { return store.Strings(WorkPlatforms) }

// ParseWorkPlatform checks a platform named by a client.
func ParseWorkPlatform(field, s string) (WorkPlatform, error) {
	if p := WorkPlatform(s); slices.Contains(WorkPlatforms, p) {
		return p, nil
	}
	return "", store.InvalidField(field, "must be one of wecom, dingtalk")
}

// Work account states: the platform reported the account invalid (left
// the organisation, outside the application's visible range), so nothing
// more is sent to it until an admin or the sync binds it again.
const (
	AccountOK      = "ok"
	AccountInvalid = "invalid"
)

// How a binding was made.
const (
	SourceAdmin  = "admin"
	SourceImport = "import"
	SourceSync   = "sync"
)

// WorkAccount binds a user to their account (the platform's userid) on a
// work platform: at most one per user and platform, and an account to at
// most one user.
type WorkAccount struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	Platform  WorkPlatform `gorm:"size:10"`
	AccountID string       `gorm:"size:64"`
	Status    string       `gorm:"size:10"`
	Source    string       `gorm:"size:10"`
	LastError string       `gorm:"size:200"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// WorkAccounts lists a user's bindings in the order of WorkPlatforms. They
// are cached as the user is (/me shows them): the slice is shared, read it
// only.
func (s *Service) WorkAccounts(ctx context.Context, userID int64) (_ []WorkAccount, err error) {
	defer store.Wrap(&err, "people work accounts")
	if rows, ok := s.work.get(userID); ok {
		return rows, nil
	}
	version := s.work.version()
	var rows []WorkAccount
	if err := s.Read(ctx).Where("user_id = ?", userID).Find(&rows).Error; err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b WorkAccount) int {
		return slices.Index(WorkPlatforms, a.Platform) - slices.Index(WorkPlatforms, b.Platform)
	})
	s.work.put(userID, rows, version)
	return rows, nil
}

// WorkAccountsOf lists a user's bindings for a caller: the user themself
// or an admin; anyone else is forbidden.
func (s *Service) WorkAccountsOf(ctx context.Context, by store.Actor, userID int64) ([]WorkAccount, error) {
	if by.ID != userID && !by.Can(store.RoleAdmin) {
		return nil, store.ErrForbidden
	}
	if err := s.Read(ctx).Take(&User{}, userID).Error; err != nil {
		return nil, store.NotFound(err, "user")
	}
	return s.WorkAccounts(ctx, userID)
}

// BindWorkAccount sets the user's account on a platform (replacing an
// earlier one, and making an invalid one valid again).
func (s *Service) BindWorkAccount(ctx context.Context, userID int64, p WorkPlatform, accountID, source string) (a WorkAccount, err error) {
	defer store.Wrap(&err, "people bind work account")
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.Take(&User{}, userID).Error; err != nil {
			return store.NotFound(err, "user")
		}
		a, err = bind(tx, userID, p, accountID, source)
		tx.Publish(Changed{UserID: userID}) // every replica drops its copy
		return err
	})
	return a, err
}

// bind upserts one binding; an account bound to another user is a conflict.
func bind(tx *store.Tx, userID int64, p WorkPlatform, accountID, source string) (WorkAccount, error) {
	var other WorkAccount
	err := tx.Where("platform = ? AND account_id = ? AND user_id <> ?", p, accountID, userID).Take(&other).Error
	if err == nil {
		return other, store.Errorf(store.CodeConflict, "the %s account %q is bound to another user", p, accountID)
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return other, err
	}
	row := WorkAccount{UserID: userID, Platform: p, AccountID: accountID, Status: AccountOK, Source: source,
		CreatedAt: tx.Now, UpdatedAt: tx.Now}
	err = tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "platform"}},
		DoUpdates: clause.AssignmentColumns([]string{"account_id", "status", "source", "last_error", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return row, err
	}
	return row, tx.DB.Where("user_id = ? AND platform = ?", userID, p).Take(&row).Error
}

// UnbindWorkAccount removes the user's binding on a platform.
func (s *Service) UnbindWorkAccount(ctx context.Context, userID int64, p WorkPlatform) (err error) {
	defer store.Wrap(&err, "people unbind work account")
	return s.Tx(ctx, func(tx *store.Tx) error {
		res := tx.Where("user_id = ? AND platform = ?", userID, p).Delete(&WorkAccount{})
		if res.Error == nil && res.RowsAffected == 0 {
			return store.ErrNotFound("work account")
		}
		tx.Publish(Changed{UserID: userID}) // every replica drops its copy
		return res.Error
	})
}

// MarkInvalid marks the bindings ids invalid while they still name account
// (an admin may have rebound them since the platform answered), with the
// platform's reason.
func MarkInvalid(tx *store.Tx, ids []int64, account, reason string) error {
	q := func() *gorm.DB { return tx.Model(&WorkAccount{}).Where("id IN ? AND account_id = ?", ids, account) }
	var users []int64
	if err := q().Pluck("user_id", &users).Error; err != nil || len(users) == 0 {
		return err
	}
	for _, u := range users {
		tx.Publish(Changed{UserID: u}) // /me shows the status
	}
	return q().Updates(map[string]any{"status": AccountInvalid, "last_error": reason, "updated_at": tx.Now}).Error
}

// WorkAccountRow is one line of an import: a username, a platform and
// the account there, with its line number for the error.
type WorkAccountRow struct {
	Line      int
	Username  string
	Platform  WorkPlatform
	AccountID string
}

// ImportWorkAccounts binds every row in one transaction: a row naming an
// unknown user or an account bound to someone else fails the whole
// import, naming its line, and nothing is bound.
func (s *Service) ImportWorkAccounts(ctx context.Context, rows []WorkAccountRow) (err error) {
	defer store.Wrap(&err, "people import work accounts")
	defer s.work.purge() // other replicas see the bindings within userCacheTTL
	return s.Tx(ctx, func(tx *store.Tx) error {
		for _, r := range rows {
			var u User
			err := tx.DB.Where("username = ?", r.Username).Take(&u).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return store.InvalidField("file", "line %d: no user named %q", r.Line, r.Username)
			} else if err != nil {
				return err
			}
			if _, err := bind(tx, u.ID, r.Platform, r.AccountID, SourceImport); err != nil {
				if store.ErrorCode(err) == store.CodeConflict {
					return store.InvalidField("file", "line %d: the %s account %q is bound to another user", r.Line, r.Platform, r.AccountID)
				}
				return err
			}
		}
		return nil
	})
}

// Directory finds a staff member's account on a work platform by their
// mobile number, through the platform's look-up API.
type Directory interface {
	AccountByMobile(ctx context.Context, mobile string) (accountID string, found bool, err error)
}

// SyncReport is what a sync did on one platform.
type SyncReport struct {
	Platform WorkPlatform `json:"platform"`
	Checked  int          `json:"checked"`   // active users with a mobile number and no valid binding
	Bound    int          `json:"bound"`     // found on the platform and bound
	NotFound int          `json:"not_found"` // the platform knows no such mobile
	Failed   int          `json:"failed"`    // the look-up failed (retried next sync) or the account is someone else's
}

// mobile is a mainland mobile number: only these are looked up, since
// 企业微信 stops answering the look-up for a day after too many wrong
// numbers (an office line in a user's phone would be one every night).
var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// SyncWorkAccounts looks up, by mobile number, every active user with a
// mobile number and no valid binding on the platform, and binds those it
// finds.
func (s *Service) SyncWorkAccounts(ctx context.Context, p WorkPlatform, dir Directory) (rep SyncReport, err error) {
	defer store.Wrap(&err, "people sync work accounts")
	rep.Platform = p
	var users []User
	err = s.Read(ctx).Where("active = ? AND phone <> ''", true).
		Where("NOT EXISTS (SELECT 1 FROM work_accounts w WHERE w.user_id = users.id AND w.platform = ? AND w.status = ?)", p, AccountOK).
		Order("id").Find(&users).Error
	if err != nil {
		return rep, err
	}
	for _, u := range users {
		if !mobile.MatchString(u.Phone) {
			continue
		}
		rep.Checked++
		id, found, err := dir.AccountByMobile(ctx, u.Phone)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			rep.Failed++
		case !found:
			rep.NotFound++
		default:
			if _, err := s.BindWorkAccount(ctx, u.ID, p, id, SourceSync); err != nil {
				if store.ErrorCode(err) != store.CodeConflict {
					return rep, err
				}
				rep.Failed++
				continue
			}
			rep.Bound++
		}
	}
	return rep, nil
}
