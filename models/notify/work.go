package notify

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"houqin/models/people"
	"houqin/models/store"
)

// WorkRouting says when a notice goes to a user's work-platform accounts
// (企业微信, 钉钉) beside their app devices.
type WorkRouting string

const (
	// RoutingAlways sends to the work platform as well as to the devices.
	RoutingAlways WorkRouting = "always"
	// RoutingNoAppDevice sends to the work platform only when none of the
	// user's app devices accepted the push (or they have none): the
	// default, so that nobody hears of one change twice.
	RoutingNoAppDevice WorkRouting = "no_app_device"
)

// WorkRoutings lists the routing settings.
var WorkRoutings = []WorkRouting{RoutingAlways, RoutingNoAppDevice}

// Enum lists the routing settings (store.Enumerated).
func (WorkRouting) Enum() []string { return store.Strings(WorkRoutings) }

// Setting is one admin setting changed at run time; work_routing is the
// only one so far.
type Setting struct {
	Name      string `gorm:"primaryKey;size:50"`
	Value     string `gorm:"size:200"`
	UpdatedAt time.Time
}

func (Setting) TableName() string { return "settings" }

const routingSetting = "work_routing"

// workRouting reads the setting inside a transaction (the default when unset).
func workRouting(db *gorm.DB) (WorkRouting, error) {
	var s Setting
	err := db.Where("name = ?", routingSetting).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !slices.Contains(WorkRoutings, WorkRouting(s.Value))) {
		return RoutingNoAppDevice, nil
	}
	return WorkRouting(s.Value), err
}

// WorkRouting returns the routing setting.
func (s *Service) WorkRouting(ctx context.Context) (_ WorkRouting, err error) {
	defer store.Wrap(&err, "notify work routing")
	return workRouting(s.Read(ctx))
}

// SetWorkRouting changes the routing setting for notices from now on.
func (s *Service) SetWorkRouting(ctx context.Context, r WorkRouting) (err error) {
	defer store.Wrap(&err, "notify set work routing")
	if !slices.Contains(WorkRoutings, r) {
		return store.InvalidField("routing", "must be one of always, no_app_device")
	}
	return s.Tx(ctx, func(tx *store.Tx) error {
		row := map[string]any{"name": routingSetting, "value": string(r), "updated_at": tx.Now}
		return tx.Model(&Setting{}).Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"}),
		}).Create(row).Error
	})
}

// Channels lists what an outbox row may be sent through: every device
// provider, then every work platform.
func Channels() []string {
	return append(store.Strings(Providers), store.Strings(people.WorkPlatforms)...)
}

// workJobs are the outbox rows of a notice for the recipients' valid work
// accounts whose category the user has not switched off. With routing
// no_app_device, a user who has app devices among the pushes gets a row
// that waits for them (after_devices).
func workJobs(tx *store.Tx, n Notice, recipients []int64, byUser map[int64]int64, withDevices map[int64]bool) ([]OutboxJob, error) {
	var accounts []people.WorkAccount
	q := tx.Model(&people.WorkAccount{}).Where("user_id IN ? AND status = ?", recipients, people.AccountOK)
	if err := switchedOn(q, "work_accounts", n.Category).Find(&accounts).Error; err != nil || len(accounts) == 0 {
		return nil, err
	}
	routing, err := workRouting(tx.DB)
	if err != nil {
		return nil, err
	}
	jobs := make([]OutboxJob, len(accounts))
	for i, a := range accounts {
		jobs[i] = OutboxJob{NotificationID: byUser[a.UserID], Provider: Provider(a.Platform), Status: OutboxPending,
			NextAttemptAt: tx.Now, High: n.High, CollapseKey: n.CollapseKey, TTLSeconds: int(n.TTL / time.Second),
			AfterDevices: routing == RoutingNoAppDevice && withDevices[a.UserID]}
	}
	return jobs, nil
}
