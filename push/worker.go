package push

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"houqin/models/notify"
)

// Options tune the delivery worker; zero values take the defaults.
type Options struct {
	// InFlight is how many pushes are being sent at once (default
	// DefaultInFlight). It bounds the duplicates a crash can cause: a
	// worker killed mid-send re-sends at most the requests it had in flight.
	InFlight int
	// Claim is how many rows one claim takes at most (default 200): small
	// portions, so that replicas share a large fan-out and a dead worker
	// strands few.
	Claim int
	// Lease is how long a claim holds its rows without renewal. A live
	// worker renews its leases every Lease/4; a dead one loses its rows to
	// the other workers within one Lease.
	Lease time.Duration
	// Drain bounds how long stopping waits for pushes already sent, so
	// their results are recorded and not sent again after a restart.
	Drain time.Duration
	// MaxAttempts bounds tries of a transiently failing push.
	MaxAttempts int
	// Backoff is the first retry's delay, doubled each attempt up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// Poll is how often Run looks for due rows without being woken (retries,
	// rows other replicas wrote or a dead worker left).
	Poll time.Duration
}

// DefaultInFlight is the worker's bound on pushes sent and not yet
// recorded. At FCM's usual 50-100 ms per request, 500 in flight carry
// 5,000-10,000 messages/s, within its default quota of 600,000 a minute;
// fewer would slow a large fan-out, more would widen what a crash re-sends.
const DefaultInFlight = 500

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
	def(&o.InFlight, DefaultInFlight)
	def(&o.Claim, 200)
	def(&o.MaxAttempts, 8)
	defDur(&o.Lease, 8*time.Second)
	defDur(&o.Drain, 10*time.Second)
	defDur(&o.Backoff, 10*time.Second)
	defDur(&o.MaxBackoff, time.Hour)
	defDur(&o.Poll, 2*time.Second)
	return o
}

// Worker delivers outbox rows: it claims due rows in small portions with a
// lease, keeping up to InFlight claimed ahead of the senders, sends each
// as soon as a send slot is free, and records each result as it comes back
// (in small groups). Stopping sends nothing more and gives back at once
// what was claimed and not sent. Several workers (replicas) may share
// one database. Each row goes to the sender of its provider; rows of a
// provider that is not configured (none is: push off) are closed as skipped
// so that they never pile up.
type Worker struct {
	svc     *notify.Service
	senders Senders
	opt     Options
	m       *metrics
	log     *slog.Logger
	wake    chan struct{}
}

// NewWorker returns a worker; reg may be nil (no metrics exported).
func NewWorker(svc *notify.Service, senders Senders, opt Options, reg prometheus.Registerer, log *slog.Logger) *Worker {
	return &Worker{svc: svc, senders: senders, opt: opt.withDefaults(), m: newMetrics(reg), log: log,
		wake: make(chan struct{}, 1)}
}

// Wake tells the worker that new rows were committed.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends: whenever woken, whenever a send slot frees
// up while rows are due, and every Poll. When ctx ends it claims nothing
// more, lets the pushes already sent finish (for at most Drain) and records
// them, so a deploy neither loses nor repeats a push.
func (w *Worker) Run(ctx context.Context) error {
	r := w.start(ctx)
	t := time.NewTicker(w.opt.Poll)
	defer t.Stop()
	for ctx.Err() == nil {
		if err := r.drain(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("push delivery", "err", err)
		}
		w.observeQueue(ctx)
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-t.C:
		}
	}
	return errors.Join(ctx.Err(), r.stop())
}

// RunOnce delivers every row due now and returns, once their results are
// recorded, how many rows it finished or rescheduled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	r := w.start(ctx)
	err := errors.Join(r.drain(ctx), r.stop())
	w.observeQueue(ctx)
	return int(r.finished.Load()), err
}

// run is one stretch of delivery: the claimers, the dispatcher that hands
// claimed pushes to senders as send slots free up, the senders, and the
// recorder of results.
type run struct {
	w   *Worker
	ctx context.Context // ends claiming and sending (not recording)
	// slots holds one token per push sent and not yet recorded: a crash
	// re-sends at most that many.
	slots chan struct{}
	// ahead holds one token per claimed push not yet handed to a sender:
	// the claimers keep that many ready, so a freed slot is used at once
	// rather than after a claim's round trip, and a dead worker strands
	// no more than that (they come back when their lease ends).
	ahead      chan struct{}
	queue      chan dispatch
	dispatched chan struct{} // closed when the dispatcher has handed out the queue
	sends      sync.WaitGroup
	idle       chan func() // senders waiting for their next push
	quit       chan struct{}
	results    chan outcome
	recorded   chan error // the recorder's last error, when it ends
	stopLease  chan struct{}
	leases     sync.WaitGroup
	finished   atomic.Int64

	mu   sync.Mutex
	held map[string]int // claim token → rows not yet recorded
}

// outcome is a result on its way to the database; sent results hold a
// send slot until they are recorded.
type outcome struct {
	notify.Result
	sent bool
}

// dispatch is a claimed request waiting for its send slots: n pushes in
// one request to the provider (one, or a vendor's batch).
type dispatch struct {
	n    int
	send func()
	// unsent gives the rows back when the run stops before sending them.
	unsent func()
}

func (w *Worker) start(ctx context.Context) *run {
	n := w.opt.InFlight
	r := &run{w: w, ctx: ctx, slots: make(chan struct{}, n), ahead: make(chan struct{}, n), queue: make(chan dispatch, n),
		dispatched: make(chan struct{}), results: make(chan outcome, n), recorded: make(chan error, 1), stopLease: make(chan struct{}),
		held: map[string]int{}, idle: make(chan func()), quit: make(chan struct{})}
	go r.record()
	go r.dispatch()
	r.leases.Go(r.renew)
	return r
}

// claimers is how many claims run side by side: a claim is a database
// round trip or two, and one at a time could not keep 400 slots busy.
const claimers = 4

// drain claims and starts sending until nothing more is due (or ctx ends).
func (r *run) drain(ctx context.Context) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range claimers {
		wg.Go(func() {
			for {
				more, err := r.fill(ctx)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
				if !more || err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// fill claims due rows while fewer than ahead wait for a sender, and queues
// them for the dispatcher. It waits for a quarter of a claim's worth of room
// (a claim per freed push would queue on the database's writer), takes
// more while there is room, and returns false only when nothing was due.
func (r *run) fill(ctx context.Context) (bool, error) {
	// At most cap(ahead)/claimers each, so that claimers waiting side by
	// side can never hold all the room between them.
	size := min(r.w.opt.Claim, cap(r.ahead))
	least := max(min(size/4, cap(r.ahead)/claimers), 1)
	room := 0
	for room < least {
		select {
		case r.ahead <- struct{}{}:
			room++
		case <-ctx.Done():
			for range room {
				<-r.ahead
			}
			return false, nil
		}
	}
	for room < size {
		select {
		case r.ahead <- struct{}{}:
			room++
			continue
		default:
		}
		break
	}
	claim, err := r.w.svc.ClaimOutbox(ctx, room, r.w.opt.Lease)
	n := len(claim.Deliveries)
	for range room - n {
		<-r.ahead
	}
	if err != nil || n == 0 {
		return false, err
	}
	r.hold(claim.Token, n)
	now := r.w.svc.Now()
	var groups batches
	for _, d := range claim.Deliveries {
		res, msg, send := r.w.prepare(d, claim.Token, now)
		if !send {
			<-r.ahead
			r.results <- outcome{Result: res}
			continue
		}
		if b, ok := r.w.senders[msg.Provider].(BatchSender); ok {
			groups.add(b, d, msg)
			continue
		}
		r.queue <- dispatch{n: 1,
			send:   func() { r.results <- outcome{r.w.send(ctx, d, claim.Token, msg, now), true} },
			unsent: func() { r.results <- outcome{Result: unsent(d, claim.Token, now)} }}
	}
	for _, g := range groups {
		r.queue <- dispatch{n: len(g.ds),
			send: func() {
				for i, res := range r.w.sendBatch(ctx, g, now) {
					r.results <- outcome{r.w.result(g.ds[i], claim.Token, res, now), true}
				}
			},
			unsent: func() {
				for _, d := range g.ds {
					r.results <- outcome{Result: unsent(d, claim.Token, now)}
				}
			}}
	}
	return n == room, nil
}

// dispatch hands each queued request to a sender once it holds a send slot
// per push, until the queue closes. Once the run is stopping it sends
// nothing more: what it had not sent goes back to the queue at once.
func (r *run) dispatch() {
	defer close(r.dispatched)
	for d := range r.queue {
		held := 0
		for held < d.n && r.ctx.Err() == nil {
			select {
			case r.slots <- struct{}{}:
				held++
			case <-r.ctx.Done():
			}
		}
		for range d.n {
			<-r.ahead
		}
		if held < d.n {
			for range held {
				<-r.slots
			}
			d.unsent()
			continue
		}
		r.goSend(d.send)
	}
}

// unsent is the result of a claimed row that was not sent: due again at
// once, and the claim's attempt not counted.
func unsent(d notify.Delivery, claim string, now time.Time) notify.Result {
	return notify.Result{JobID: d.JobID, Claim: claim, Status: notify.OutboxPending, RetryAt: now, Unsent: true,
		Error: "not sent: the worker stopped"}
}

// goSend runs send on a sender that is waiting for work, or on a new one.
// A sender stays for the next push until it has idled for senderIdle: a
// new goroutine per push would grow its stack anew down the HTTP client's
// calls, every time (a tenth of a fan-out's CPU).
func (r *run) goSend(send func()) {
	select {
	case r.idle <- send:
		return
	default:
	}
	r.sends.Go(func() {
		t := time.NewTimer(senderIdle)
		defer t.Stop()
		for {
			send()
			t.Reset(senderIdle)
			select {
			case send = <-r.idle:
			case <-t.C:
				return
			case <-r.quit:
				return
			}
		}
	})
}

const senderIdle = time.Second

func (r *run) hold(token string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.held[token] += n
}

// stop waits for the sends in flight, flushes their results and ends the
// lease renewal.
func (r *run) stop() error {
	close(r.queue)
	<-r.dispatched
	close(r.quit)
	r.sends.Wait()
	close(r.results)
	err := <-r.recorded
	close(r.stopLease)
	r.leases.Wait()
	return err
}

// resultGroup bounds how many results one transaction records.
const resultGroup = 500

// record writes results as they come back, until the results channel
// closes: it takes every result already waiting (up to resultGroup) into
// one transaction, so under load the groups grow while a write is under
// way and an idle worker records a lone result at once. Writes outlive a
// cancelled run: what went out must not go out again.
func (r *run) record() {
	var errs []error
	batch := make([]notify.Result, 0, resultGroup)
	for res := range r.results {
		batch = append(batch[:0], res.Result)
		sent := count(res.sent)
	more:
		for len(batch) < resultGroup {
			select {
			case res, ok := <-r.results:
				if !ok {
					break more
				}
				batch = append(batch, res.Result)
				sent += count(res.sent)
			default:
				break more
			}
		}
		if err := r.flush(batch, sent); err != nil {
			errs = append(errs, err)
		}
	}
	r.recorded <- errors.Join(errs...)
}

// flush records one group of results and gives back the send slots of the
// sent among them.
func (r *run) flush(batch []notify.Result, sent int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	forgot, err := r.w.svc.Finish(ctx, batch)
	cancel()
	for range sent {
		<-r.slots
	}
	r.w.m.pruned.WithLabelValues("rejected by provider").Add(float64(forgot))
	r.finished.Add(int64(len(batch)))
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, res := range batch {
		if r.held[res.Claim]--; r.held[res.Claim] <= 0 {
			delete(r.held, res.Claim)
		}
	}
	return err
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}

// renew extends the leases of the claims with unrecorded rows.
func (r *run) renew() {
	t := time.NewTicker(r.w.opt.Lease / 4)
	defer t.Stop()
	for {
		select {
		case <-r.stopLease:
			return
		case <-t.C:
		}
		r.mu.Lock()
		tokens := make([]string, 0, len(r.held))
		for tok := range r.held {
			tokens = append(tokens, tok)
		}
		r.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), r.w.opt.Lease/4)
		if err := r.w.svc.Renew(ctx, tokens, r.w.opt.Lease); err != nil {
			r.w.log.Error("push lease renewal", "err", err)
		}
		cancel()
	}
}

// prepare decides what to do with a claimed row: send msg, or close it
// at once with res (skipped).
func (w *Worker) prepare(d notify.Delivery, claim string, now time.Time) (res notify.Result, msg Message, send bool) {
	res = notify.Result{JobID: d.JobID, Claim: claim, Status: notify.OutboxSkipped}
	expires := d.CreatedAt.Add(time.Duration(d.TTLSeconds) * time.Second)
	switch {
	case len(w.senders) == 0:
		res.Error = "push is not configured"
	case w.senders[string(d.Provider)] == nil:
		res.Error = "push provider " + string(d.Provider) + " is not configured"
	case d.Token == "" && d.DeviceID == 0:
		res.Error = "the work account is unbound or invalid"
	case d.Token == "":
		res.Error = "the device is gone"
	case d.PushOff:
		res.Error = "the user switched this category off"
	case d.AppAccepted:
		res.Error = "an app device of the user accepted it"
	case d.TTLSeconds > 0 && !now.Before(expires):
		res.Error = "expired before it could be delivered"
	default:
		return res, message(d, now, expires), true
	}
	return res, Message{}, false
}

// send sends one push.
func (w *Worker) send(ctx context.Context, d notify.Delivery, claim string, msg Message, now time.Time) notify.Result {
	sctx, done := w.sendContext(ctx, msg.Provider, 1)
	defer done()
	return w.result(d, claim, w.senders.Send(sctx, msg), now)
}

// sendBatch sends one group of pushes in as few requests as its provider
// allows, and returns one result per push.
func (w *Worker) sendBatch(ctx context.Context, g *batch, now time.Time) []Result {
	sctx, done := w.sendContext(ctx, g.ms[0].Provider, len(g.ms))
	defer done()
	return g.sender.SendBatch(sctx, g.ms)
}

// sendContext is the context of one request to a provider. A stopping
// worker lets it finish, for at most Drain: the provider may already have
// it, so cancelling would send it twice.
func (w *Worker) sendContext(ctx context.Context, provider string, pushes int) (context.Context, func()) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.opt.Lease)
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(w.opt.Drain, cancel)
		context.AfterFunc(sctx, func() { t.Stop() })
	})
	w.m.requests.WithLabelValues(provider).Inc()
	w.m.count(provider, func(s *notify.ProviderStats) { s.Requests++ })
	g := w.m.inFlight.WithLabelValues(provider)
	g.Add(float64(pushes))
	return sctx, func() {
		g.Sub(float64(pushes))
		stop()
		cancel()
	}
}

func message(d notify.Delivery, now, expires time.Time) Message {
	data := make(map[string]string, len(d.Data)+2)
	for k, v := range d.Data {
		data[k] = v
	}
	data["notification_id"] = strconv.FormatInt(d.NotificationID, 10)
	// push_id names this push to this device: a phone that sees it twice
	// (a crash re-sent what the provider had accepted) drops the second.
	data["push_id"] = strconv.FormatInt(d.NotificationID, 10) + "-" + strconv.FormatInt(d.DeviceID, 10)
	data["category"] = string(d.Category)
	m := Message{Provider: string(d.Provider), Token: d.Token, Platform: d.Platform, Title: d.Title, Body: d.Body, Data: data,
		Channel: "houqin_" + string(d.Category), High: d.High, CollapseKey: d.CollapseKey, At: d.CreatedAt}
	if d.TTLSeconds > 0 {
		m.TTL, m.Expires = expires.Sub(now), expires
	}
	return m
}

// result maps a provider result onto the outbox row.
func (w *Worker) result(d notify.Delivery, claim string, r Result, now time.Time) notify.Result {
	out := notify.Result{JobID: d.JobID, Claim: claim, Status: notify.OutboxFailed}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	p := string(d.Provider)
	failed := func(reason string) {
		w.m.failed.WithLabelValues(p, reason).Inc()
		w.m.count(p, func(s *notify.ProviderStats) {
			s.Failed++
			if r.Outcome == DeadToken {
				s.Pruned++
			}
		})
	}
	switch r.Outcome {
	case Sent:
		out.Status = notify.OutboxSent
		w.m.sent.WithLabelValues(p).Inc()
		w.m.count(p, func(s *notify.ProviderStats) { s.Sent++ })
	case DeadToken:
		if d.DeviceID == 0 {
			out.InvalidAccount, out.InvalidAccountID = d.AccountRow, d.Token
		} else {
			out.ForgetDevice = d.DeviceID
		}
		failed("dead token")
	case Rejected:
		failed("rejected")
	case Retry:
		if d.Attempts >= w.opt.MaxAttempts {
			out.Error = "gave up after " + strconv.Itoa(d.Attempts) + " attempts: " + out.Error
			failed("too many attempts")
			break
		}
		out.Status, out.RetryAt = notify.OutboxPending, now.Add(w.backoff(d.Attempts, r.RetryAfter))
		w.m.retried.WithLabelValues(p).Inc()
		w.m.count(p, func(s *notify.ProviderStats) { s.Retried++ })
	}
	if r.Outcome != Sent && r.Outcome != DeadToken {
		w.m.count(p, func(s *notify.ProviderStats) { s.LastError, s.LastErrAt = out.Error, now })
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
