package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"houqin/models/people"
	"houqin/models/store"
)

// Delivery is one claimed outbox row with everything sending it needs.
type Delivery struct {
	JobID          int64
	Attempts       int // including this one
	NotificationID int64
	UserID         int64
	DeviceID       int64
	Token          string // "" when the device is gone or now belongs to someone else
	Platform       string
	Provider       Provider // recorded on the row when it was queued
	Category       Category
	Type           string
	Title, Body    string
	Data           StringMap
	High           bool
	CollapseKey    string
	TTLSeconds     int
	CreatedAt      time.Time // of the notification: TTLs count from here
	PushOff        bool      // the user switched this category off after the notice
	// AccountRow is the work account a work-platform row goes to (its
	// Token is the account id), 0 for a device's row.
	AccountRow int64
	// AppAccepted: the row waited for the user's app pushes of the same
	// notification, and one of them was accepted.
	AppAccepted bool
}

// Claim is a worker's hold on a set of outbox rows until its lease ends.
type Claim struct {
	Token      string
	Deliveries []Delivery
}

// ClaimOutbox leases up to limit due outbox rows to the caller. A claimed
// row is not due again until the lease ends, so a worker that dies
// mid-send loses nothing: its rows come back when the lease expires. On
// MySQL, SKIP LOCKED lets replicas claim side by side without waiting for
// or taking each other's rows; SQLite's immediate transactions serialize
// claims anyway.
func (s *Service) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) (_ Claim, err error) {
	defer store.Wrap(&err, "notify claim outbox")
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	c := Claim{Token: hex.EncodeToString(b)}
	if err := ctx.Err(); err != nil {
		return c, err
	}
	// Once begun, a claim runs to its end and the rows are read whole even
	// if the caller stops meanwhile, so that it can give them back at once:
	// a claim that committed just after its caller had gone would leave its
	// rows leased until the lease ran out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var ids []int64
	err = s.ClaimTx(ctx, func(tx *store.Tx) error {
		q := tx.Model(&OutboxJob{}).Where("status = ? AND next_attempt_at <= ?", OutboxPending, tx.Now).
			// A work-platform row waiting for app pushes is due once none of
			// them is still on its first try or being sent: a phone push that
			// failed and waits to be retried does not hold it back for hours.
			// A scalar subquery, not NOT EXISTS, which MariaDB turns into a
			// scan of the whole queue on every claim: this one runs only for
			// the rows that wait, through the notification's index.
			Where("(after_devices = ? OR (SELECT 1 FROM outbox_jobs s WHERE s.notification_id = outbox_jobs.notification_id"+
				" AND s.device_id <> 0 AND s.status = ? AND (s.attempts = 0 OR s.lease_until IS NOT NULL) LIMIT 1) IS NULL)",
				false, OutboxPending).
			Order("next_attempt_at, id").Limit(limit)
		if s.Dialect == store.MySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
			return err
		}
		// UpdateColumns leaves updated_at, which dates a row's end for the
		// purge: moving it would rewrite one more index entry per row on
		// every claim.
		until := tx.Now.Add(lease)
		return tx.Model(&OutboxJob{}).Where("id IN ?", ids).UpdateColumns(map[string]any{
			"claim_token": c.Token, "lease_until": until, "next_attempt_at": until,
			"attempts": gorm.Expr("attempts + 1"),
		}).Error
	})
	if err != nil || len(ids) == 0 {
		return c, err
	}
	err = s.Read(ctx).Table("outbox_jobs o").
		Select(`o.id AS job_id, o.attempts, o.notification_id, n.user_id, o.device_id,
			CASE WHEN o.device_id = 0 THEN COALESCE(w.account_id, '') WHEN d.user_id = n.user_id THEN d.token ELSE '' END AS token,
			COALESCE(d.platform, '') AS platform, o.provider,
			n.category, n.type, n.title, n.body, n.data, o.high, o.collapse_key, o.ttl_seconds, n.created_at,
			CASE `+prefOffCases+` ELSE FALSE END AS push_off, COALESCE(w.id, 0) AS account_row,
			CASE WHEN o.after_devices THEN EXISTS (SELECT 1 FROM outbox_jobs s WHERE s.notification_id = o.notification_id
				AND s.device_id <> 0 AND s.status = ?) ELSE FALSE END AS app_accepted`, OutboxSent).
		Joins("JOIN notifications n ON n.id = o.notification_id").
		Joins("LEFT JOIN devices d ON d.id = o.device_id").
		Joins("LEFT JOIN work_accounts w ON o.device_id = 0 AND w.user_id = n.user_id AND w.platform = o.provider AND w.status = ?",
			people.AccountOK).
		Joins("LEFT JOIN preferences p ON p.user_id = n.user_id").
		Where("o.claim_token = ?", c.Token).Scan(&c.Deliveries).Error
	return c, err
}

// prefOffCases is the SQL that says whether a notification's category is
// switched off in the recipient's preferences (no row: everything on).
var prefOffCases = func() string {
	s := ""
	for c, col := range preferenceColumn {
		s += "WHEN n.category = '" + string(c) + "' THEN COALESCE(p." + col + " = FALSE, FALSE) "
	}
	return s
}()

// Result is what became of one delivery.
type Result struct {
	JobID int64
	// Claim is the token of the claim that held the row: a result from a
	// claim that has since lost the row (its lease passed to another
	// worker) is ignored.
	Claim  string
	Status string // OutboxSent, OutboxFailed, OutboxSkipped, or OutboxPending to retry at RetryAt
	// RetryAt is when a pending row is due again.
	RetryAt time.Time
	// Unsent gives back a pending row's attempt: the worker claimed it but
	// stopped before sending it.
	Unsent bool
	Error  string
	// ForgetDevice deletes the device: its token is dead.
	ForgetDevice int64
	// InvalidAccount marks the work account (its row) invalid: the
	// platform called it so, and nothing more is sent to it until it is
	// bound again. Only while it still names InvalidAccountID: an admin
	// may have bound another account meanwhile.
	InvalidAccount   int64
	InvalidAccountID string
}

// Finish records results, from any number of claims, in one transaction.
// Rows whose lease has passed to another worker (a different claim token)
// are left to that worker. It returns how many devices it forgot.
func (s *Service) Finish(ctx context.Context, results []Result) (_ int64, err error) {
	defer store.Wrap(&err, "notify finish")
	var forgot int64
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var gone []int64
		type account struct{ id, err string }
		invalid := map[account][]int64{}
		// Rows that end alike (sent, or skipped/failed with the same reason:
		// a whole batch when push is off) are closed in one statement each,
		// whichever of the worker's claims held them; only retries, each
		// with its own jittered time, go row by row.
		type ending struct{ status, err string }
		alike := map[ending][]int64{}
		claims := map[ending][]string{}
		for _, r := range results {
			if r.ForgetDevice != 0 {
				gone = append(gone, r.ForgetDevice)
			}
			if r.InvalidAccount != 0 {
				a := account{r.InvalidAccountID, store.Clip(r.Error, 200)}
				invalid[a] = append(invalid[a], r.InvalidAccount)
			}
			if r.Status != OutboxPending {
				e := ending{r.Status, store.Clip(r.Error, 500)}
				alike[e] = append(alike[e], r.JobID)
				if !slices.Contains(claims[e], r.Claim) {
					claims[e] = append(claims[e], r.Claim)
				}
				continue
			}
			set := map[string]any{"status": r.Status, "last_error": store.Clip(r.Error, 500), "lease_until": nil,
				"next_attempt_at": r.RetryAt, "updated_at": tx.Now}
			if r.Unsent {
				set["attempts"] = gorm.Expr("attempts - 1")
			}
			err := tx.Model(&OutboxJob{}).Where("id = ? AND claim_token = ?", r.JobID, r.Claim).Updates(set).Error
			if err != nil {
				return err
			}
		}
		for e, ids := range alike {
			set := map[string]any{"status": e.status, "last_error": e.err, "lease_until": nil, "updated_at": tx.Now}
			if e.status == OutboxSent {
				set["sent_at"], set["last_error"] = tx.Now, ""
			}
			for chunk := range slices.Chunk(ids, 500) {
				// A row another worker has claimed since carries its token,
				// not one of these: its result is not ours to record.
				err := tx.Model(&OutboxJob{}).Where("id IN ? AND claim_token IN ?", chunk, claims[e]).Updates(set).Error
				if err != nil {
					return err
				}
			}
		}
		for a, ids := range invalid {
			if err := people.MarkInvalid(tx, ids, a.id, a.err); err != nil {
				return err
			}
		}
		if len(gone) > 0 {
			res := tx.Delete(&Device{}, gone)
			forgot = res.RowsAffected
			return res.Error
		}
		return nil
	})
	return forgot, err
}

// Renew extends the leases of the unfinished rows of claims that a live
// worker still holds, so that a slow send is not taken for a dead worker's
// and sent twice; a dead worker renews nothing and its rows come back
// within one lease.
func (s *Service) Renew(ctx context.Context, claims []string, lease time.Duration) (err error) {
	defer store.Wrap(&err, "notify renew claims")
	if len(claims) == 0 {
		return nil
	}
	return s.Tx(ctx, func(tx *store.Tx) error {
		until := tx.Now.Add(lease)
		return tx.Model(&OutboxJob{}).Where("claim_token IN ? AND status = ?", claims, OutboxPending).
			UpdateColumns(map[string]any{"lease_until": until, "next_attempt_at": until}).Error
	})
}

// PurgeOutbox deletes finished rows last touched before maxAge ago.
func (s *Service) PurgeOutbox(ctx context.Context, maxAge time.Duration) (_ int64, err error) {
	defer store.Wrap(&err, "notify purge outbox")
	var n int64
	err = s.Tx(ctx, func(tx *store.Tx) error {
		res := tx.Where("status IN ? AND updated_at < ?", []string{OutboxSent, OutboxFailed, OutboxSkipped}, tx.Now.Add(-maxAge)).
			Delete(&OutboxJob{})
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// OutboxStats are the delivery queue's health figures.
type OutboxStats struct {
	Pending int64 // rows not yet finished, due or waiting for a retry
	// OldestDue is how long the oldest due row has waited since it was
	// created; 0 when nothing is due.
	OldestDue time.Duration
}

// OutboxStats measures the queue.
func (s *Service) OutboxStats(ctx context.Context) (_ OutboxStats, err error) {
	defer store.Wrap(&err, "notify outbox stats")
	var st OutboxStats
	db := s.Read(ctx)
	if err := db.Model(&OutboxJob{}).Where("status = ?", OutboxPending).Count(&st.Pending).Error; err != nil {
		return st, err
	}
	now := s.Now()
	var oldest OutboxJob
	err = db.Select("created_at").Where("status = ? AND next_attempt_at <= ?", OutboxPending, now).
		Order("next_attempt_at, id").Limit(1).Find(&oldest).Error
	if err == nil && !oldest.CreatedAt.IsZero() {
		st.OldestDue = now.Sub(oldest.CreatedAt)
	}
	return st, err
}
