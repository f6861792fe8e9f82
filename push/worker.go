package push

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"houqin/models/notify"
)

// Options tune the delivery worker; zero values take the defaults.
type Options struct {
	// Batch is how many rows one claim takes and one SendEach call sends
	// (FCM's limit is 500).
	Batch int
	// Lanes is how many batches are in flight at once. SendEach sends over
	// 50 goroutines, one request each, so at ~20 ms per request one lane
	// tops out near 2,500 messages/s and idles while it claims and records;
	// 8 lanes (400 requests in flight) keep the sender busy while other
	// lanes are in the database, stay under FCM's default quota of 10,000
	// messages/s, and hold at most 4,000 rows at a time.
	Lanes int
	// Lease is how long a claim holds its rows; a worker that dies loses
	// them for this long, then another worker takes them.
	Lease time.Duration
	// MaxAttempts bounds tries of a transiently failing push.
	MaxAttempts int
	// Backoff is the first retry's delay, doubled each attempt up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// Poll is how often Run looks for due rows without being woken (retries,
	// rows other replicas wrote).
	Poll time.Duration
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Batch, 500)
	o.Batch = min(o.Batch, 500)
	def(&o.Lanes, 8)
	def(&o.MaxAttempts, 8)
	defDur(&o.Lease, 2*time.Minute)
	defDur(&o.Backoff, 10*time.Second)
	defDur(&o.MaxBackoff, time.Hour)
	defDur(&o.Poll, 5*time.Second)
	return o
}

// Worker delivers outbox rows: it claims due rows with a lease, sends them
// through the Sender and records each result. Several workers (replicas) may
// share one database. With no Sender (push not configured) rows are closed
// as skipped so that they never pile up.
type Worker struct {
	svc    *notify.Service
	sender Sender
	opt    Options
	m      *metrics
	log    *slog.Logger
	wake   chan struct{}
}

// NewWorker returns a worker; reg may be nil (no metrics exported).
func NewWorker(svc *notify.Service, sender Sender, opt Options, reg prometheus.Registerer, log *slog.Logger) *Worker {
	return &Worker{svc: svc, sender: sender, opt: opt.withDefaults(), m: newMetrics(reg), log: log,
		wake: make(chan struct{}, 1)}
}

// Wake tells the worker that new rows were committed.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends: whenever woken, and every Poll.
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTicker(w.opt.Poll)
	defer t.Stop()
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Error("push delivery", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-w.wake:
		case <-t.C:
		}
	}
}

// RunOnce delivers every row due now, Lanes batches at a time, and returns
// how many rows it finished or rescheduled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	var (
		mu    sync.Mutex
		total int
		errs  []error
		wg    sync.WaitGroup
	)
	for range w.opt.Lanes {
		wg.Go(func() {
			for ctx.Err() == nil {
				n, err := w.deliverBatch(ctx)
				mu.Lock()
				total += n
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if err != nil || n < w.opt.Batch {
					return
				}
			}
		})
	}
	wg.Wait()
	w.observeQueue(ctx)
	return total, errors.Join(errs...)
}

// deliverBatch claims one batch, sends it and records the results.
func (w *Worker) deliverBatch(ctx context.Context) (int, error) {
	claim, err := w.svc.ClaimOutbox(ctx, w.opt.Batch, w.opt.Lease)
	if err != nil || len(claim.Deliveries) == 0 {
		return 0, err
	}
	now := w.svc.Now()
	results := make([]notify.Result, len(claim.Deliveries))
	var msgs []Message
	var sendIdx []int
	for i, d := range claim.Deliveries {
		results[i] = notify.Result{JobID: d.JobID, Status: notify.OutboxSkipped}
		expires := d.CreatedAt.Add(time.Duration(d.TTLSeconds) * time.Second)
		switch {
		case w.sender == nil:
			results[i].Error = "push is not configured"
		case d.Token == "":
			results[i].Error = "the device is gone"
		case d.PushOff:
			results[i].Error = "the user switched this category off"
		case d.TTLSeconds > 0 && !now.Before(expires):
			results[i].Error = "expired before it could be delivered"
		default:
			msgs = append(msgs, message(d, now, expires))
			sendIdx = append(sendIdx, i)
			continue
		}
		w.m.skipped.WithLabelValues(results[i].Error).Inc()
	}
	if len(msgs) > 0 {
		// Finish well within the lease, or another worker would take the
		// rows and send them again (the SDK may sleep on a 503's Retry-After).
		sctx, cancel := context.WithTimeout(ctx, w.opt.Lease/2)
		w.m.batchesInFlight.Inc()
		sent := w.sender.Send(sctx, msgs)
		w.m.batchesInFlight.Dec()
		cancel()
		for j, r := range sent {
			i := sendIdx[j]
			results[i] = w.result(claim.Deliveries[i], r, now)
		}
	}
	// Record results even when ctx ended mid-send: what went out must not
	// go out again.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	forgot, err := w.svc.FinishClaim(fctx, claim.Token, results)
	w.m.pruned.WithLabelValues("rejected by provider").Add(float64(forgot))
	return len(results), err
}

func message(d notify.Delivery, now, expires time.Time) Message {
	data := make(map[string]string, len(d.Data)+2)
	for k, v := range d.Data {
		data[k] = v
	}
	data["notification_id"] = strconv.FormatInt(d.NotificationID, 10)
	data["category"] = string(d.Category)
	m := Message{Token: d.Token, Platform: d.Platform, Title: d.Title, Body: d.Body, Data: data,
		Channel: "houqin_" + string(d.Category), High: d.High, CollapseKey: d.CollapseKey}
	if d.TTLSeconds > 0 {
		m.TTL, m.Expires = expires.Sub(now), expires
	}
	return m
}

// result maps a provider result onto the outbox row.
func (w *Worker) result(d notify.Delivery, r Result, now time.Time) notify.Result {
	out := notify.Result{JobID: d.JobID, Status: notify.OutboxFailed}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	switch r.Outcome {
	case Sent:
		out.Status = notify.OutboxSent
		w.m.sent.Inc()
	case DeadToken:
		out.ForgetDevice = d.DeviceID
		w.m.failed.WithLabelValues("dead token").Inc()
	case Rejected:
		w.m.failed.WithLabelValues("rejected").Inc()
	case Retry:
		if d.Attempts >= w.opt.MaxAttempts {
			out.Error = "gave up after " + strconv.Itoa(d.Attempts) + " attempts: " + out.Error
			w.m.failed.WithLabelValues("too many attempts").Inc()
			break
		}
		out.Status, out.RetryAt = notify.OutboxPending, now.Add(w.backoff(d.Attempts, r.RetryAfter))
		w.m.retried.Inc()
	}
	return out
}

// backoff is the delay before attempt n+1: exponential with jitter (half
// fixed, half random, so that a burst of failures does not retry in step),
// and never sooner than the provider's Retry-After.
func (w *Worker) backoff(attempts int, retryAfter time.Duration) time.Duration {
	d := w.opt.MaxBackoff
	if attempts < 30 {
		d = min(w.opt.Backoff<<(attempts-1), w.opt.MaxBackoff)
	}
	d = d/2 + rand.N(d/2+1)
	return max(d, retryAfter)
}

func (w *Worker) observeQueue(ctx context.Context) {
	st, err := w.svc.OutboxStats(ctx)
	if err != nil {
		return
	}
	w.m.depth.Set(float64(st.Pending))
	w.m.ageDue.Set(st.OldestDue.Seconds())
}

// PruneDevices forgets devices not seen for maxAge (a daily job).
func (w *Worker) PruneDevices(ctx context.Context, maxAge time.Duration) error {
	n, err := w.svc.PruneDevices(ctx, maxAge)
	w.m.pruned.WithLabelValues("not seen").Add(float64(n))
	return err
}
