package push

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// Cluster joins the replicas of one deployment through Redis pub/sub: live
// events, cache invalidations and the limiters' shared counters go through
// it.
//
// Pub/sub rather than streams: what crosses it is either kept in the
// database (inbox entries, which a stream resumes with Last-Event-ID) or
// worth having only while fresh (bus positions, trip status, cache
// invalidations), so Redis need store nothing, there is no stream to trim
// and no consumer position to keep per replica, and one PUBLISH reaches
// every replica in the order Redis received it. What pub/sub loses, the
// messages sent while a replica is cut off, is made good by the gap
// message: when an outage ends, every replica drops its caches and ends its
// live streams, whose clients resume from the inbox.
//
// Redis trouble never fails a request: while it is away Up is false, Send
// returns at once, and callers fall back to this process (its own
// subscribers, its own counters).
type Cluster struct {
	rdb    *redis.Client
	prefix string
	log    *slog.Logger

	up     atomic.Bool // subscribed and answering
	outage atomic.Bool // an outage was logged and has not ended

	mu       sync.RWMutex
	handlers map[string][]func([]byte)

	// id names this replica's broadcasts; waiting holds, per broadcast
	// awaiting acknowledgements, the channel they arrive on.
	id      string
	sent    atomic.Uint64
	waiting sync.Map

	stop context.CancelFunc
	done chan struct{}
}

// Gap is the message every replica receives when an outage of Redis ends,
// anywhere: what was sent meanwhile did not reach every replica.
const Gap = "gap"

// ackChannel carries the acknowledgements of broadcasts.
const ackChannel = "ack"

// ackWait bounds how long a broadcast waits for the replicas' answers: a
// replica that is slow to act costs a change this much, once.
const ackWait = 100 * time.Millisecond

// Redis client bounds: a Redis that hangs costs a request at most this,
// once; after that the cluster is down and nothing waits for it.
const (
	redisDialTimeout = time.Second
	redisIOTimeout   = 500 * time.Millisecond
	// redisRetry is how soon a lost subscription is tried again.
	redisRetry = 500 * time.Millisecond
	// redisCheck is how often a quiet subscription is pinged.
	redisCheck = time.Second
)

var errRedisDown = errors.New("redis is unreachable")

// NewCluster returns a cluster on the Redis of opts whose channels and keys
// start with prefix, registering the houqin_redis_degraded gauge in reg.
// Start it with Start.
func NewCluster(opts *redis.Options, prefix string, reg prometheus.Registerer, log *slog.Logger) *Cluster {
	o := *opts
	if o.DialTimeout == 0 {
		o.DialTimeout = redisDialTimeout
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = redisIOTimeout
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = redisIOTimeout
	}
	o.MaxRetries = -1 // a failure is an outage: fall back, do not wait
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	c := &Cluster{rdb: redis.NewClient(&o), prefix: prefix + ":", log: log, handlers: map[string][]func([]byte){},
		id: hex.EncodeToString(id)}
	c.Handle(ackChannel, func(b []byte) {
		if ch, ok := c.waiting.Load(string(b)); ok {
			select {
			case ch.(chan struct{}) <- struct{}{}:
			default: // more replicas than room: the sender has waited enough
			}
		}
	})
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "houqin_redis_degraded",
		Help: "1 while Redis is unreachable and this replica works alone (own limits, own live subscribers), else 0.",
	}, func() float64 {
		if c.up.Load() {
			return 0
		}
		return 1
	}))
	return c
}

// Handle registers fn for the messages sent to channel name. All handlers
// are registered before Start; fn runs on the receiving goroutine, in the
// order messages arrive, and must be quick.
func (c *Cluster) Handle(name string, fn func(payload []byte)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handlers[name] = append(c.handlers[name], fn)
}

// HandleBroadcast registers fn for the broadcasts to channel name (see
// Broadcast), acknowledging each once fn has run.
func (c *Cluster) HandleBroadcast(name string, fn func(payload []byte)) {
	c.Handle(name, func(b []byte) {
		id, payload, _ := bytes.Cut(b, []byte{'\n'})
		fn(payload)
		_ = c.Send(ackChannel, id)
	})
}

// Broadcast is Send for changes the next request must see on every
// replica: it returns once every replica subscribed has handled payload
// (or after ackWait).
func (c *Cluster) Broadcast(name string, payload []byte) error {
	if !c.up.Load() {
		return errRedisDown
	}
	id := c.id + "." + strconv.FormatUint(c.sent.Add(1), 10)
	acks := make(chan struct{}, 16)
	c.waiting.Store(id, acks)
	defer c.waiting.Delete(id)
	ctx, cancel := context.WithTimeout(context.Background(), redisIOTimeout)
	defer cancel()
	n, err := c.rdb.Publish(ctx, c.prefix+name, append([]byte(id+"\n"), payload...)).Result()
	if err != nil {
		c.Fail(err)
		return err
	}
	wait := time.NewTimer(ackWait)
	defer wait.Stop()
	for ; n > 0; n-- {
		select {
		case <-acks:
		case <-wait.C:
			return nil
		}
	}
	return nil
}

// Up reports whether Redis is reachable and this replica subscribed.
func (c *Cluster) Up() bool { return c.up.Load() }

// Key is the Redis key name of this deployment.
func (c *Cluster) Key(name string) string { return c.prefix + name }

// Client is the Redis client, for callers with commands of their own
// (the limiters); they report failures with Fail.
func (c *Cluster) Client() *redis.Client { return c.rdb }

// Send publishes payload to channel name on every replica, this one
// included. It fails at once while Redis is down; the caller then acts on
// this replica alone.
func (c *Cluster) Send(name string, payload []byte) error {
	if !c.up.Load() {
		return errRedisDown
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisIOTimeout)
	defer cancel()
	if err := c.rdb.Publish(ctx, c.prefix+name, payload).Err(); err != nil {
		c.Fail(err)
		return err
	}
	return nil
}

// Fail marks Redis down after err; the first failure of an outage is
// logged, once.
func (c *Cluster) Fail(err error) {
	c.up.Store(false)
	if c.outage.CompareAndSwap(false, true) {
		c.log.Warn("degraded: redis unreachable; this replica serves on alone (own limits and live subscribers) until it returns", "err", err)
	}
}

// recovered marks Redis up; after an outage it tells every replica of the gap.
func (c *Cluster) recovered() {
	if c.up.Swap(true) {
		return
	}
	if c.outage.CompareAndSwap(true, false) {
		c.log.Info("redis reachable again: replicas share live events, limits and invalidations")
		_ = c.Send(Gap, nil)
	}
}

// Start subscribes and keeps the subscription until Close, reconnecting by
// itself.
func (c *Cluster) Start() {
	ctx, stop := context.WithCancel(context.Background())
	c.stop, c.done = stop, make(chan struct{})
	go func() {
		defer close(c.done)
		for ctx.Err() == nil {
			c.listen(ctx)
			select {
			case <-ctx.Done():
			case <-time.After(redisRetry):
			}
		}
	}()
}

// Close ends the subscription and the client.
func (c *Cluster) Close() error {
	if c.stop != nil {
		c.stop()
		<-c.done
	}
	return c.rdb.Close()
}

// listen holds one subscription to every handled channel until it fails.
func (c *Cluster) listen(ctx context.Context) {
	c.mu.RLock()
	channels := make([]string, 0, len(c.handlers))
	for name := range c.handlers {
		channels = append(channels, c.prefix+name)
	}
	c.mu.RUnlock()
	ps := c.rdb.Subscribe(ctx, channels...)
	defer ps.Close()
	for {
		msg, err := ps.ReceiveTimeout(ctx, redisCheck)
		if ctx.Err() != nil {
			return
		}
		var nerr net.Error
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Count == len(channels) {
				c.recovered()
			}
		case *redis.Message:
			if !c.up.Load() && c.rdb.Ping(ctx).Err() == nil {
				c.recovered() // a busy subscription never goes quiet
			}
			c.dispatch(m)
		case nil:
			if !errors.As(err, &nerr) || !nerr.Timeout() {
				c.Fail(err)
				return
			}
			// Quiet: check the connection, and come back up after a
			// failed send once Redis answers again.
			if err := ps.Ping(ctx); err != nil {
				c.Fail(err)
				return
			}
			if !c.up.Load() && c.rdb.Ping(ctx).Err() == nil {
				c.recovered()
			}
		}
	}
}

func (c *Cluster) dispatch(m *redis.Message) {
	c.mu.RLock()
	fns := c.handlers[m.Channel[len(c.prefix):]]
	c.mu.RUnlock()
	for _, fn := range fns {
		fn([]byte(m.Payload))
	}
}
