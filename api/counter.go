package api

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/redis/go-redis/v9"

	"houqin/push"
)

// counter counts events per key in fixed windows: a key's window starts
// with its first count and lasts the counter's window.
type counter interface {
	// add adds delta to key's count and returns the count and the time
	// left in its window.
	add(key string, delta int64) (n int64, left time.Duration)
}

// localCounter counts in this process, for at most size keys (the least
// recently used are forgotten).
type localCounter struct {
	mu     sync.Mutex
	window time.Duration
	lru    *expirable.LRU[string, *fixedWindow]
}

type fixedWindow struct {
	n   int64
	end time.Time
}

func newLocalCounter(size int, window time.Duration) *localCounter {
	return &localCounter{window: window, lru: expirable.NewLRU[string, *fixedWindow](size, nil, window)}
}

func (l *localCounter) add(key string, delta int64) (int64, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	w, ok := l.lru.Get(key)
	if !ok || !now.Before(w.end) {
		if delta <= 0 {
			return 0, 0
		}
		w = &fixedWindow{end: now.Add(l.window)}
		l.lru.Add(strings.Clone(key), w)
	}
	w.n += delta
	return w.n, w.end.Sub(now)
}

func (l *localCounter) len() int { return l.lru.Len() }

// redisCounter counts in Redis, so that every replica sees one count; while
// Redis is away it counts in fallback, this process's own.
type redisCounter struct {
	cluster  *push.Cluster
	prefix   string
	window   time.Duration
	fallback *localCounter
}

// addScript adds ARGV[1] to a count that expires ARGV[2] ms after its first
// count; a count taken back to nothing is deleted.
var addScript = redis.NewScript(`
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n <= 0 then
  redis.call('DEL', KEYS[1])
  return {0, 0}
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {n, ttl}`)

func (r *redisCounter) add(key string, delta int64) (int64, time.Duration) {
	if r.cluster.Up() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		res, err := addScript.Run(ctx, r.cluster.Client(), []string{r.prefix + key}, delta, r.window.Milliseconds()).Int64Slice()
		if err == nil && len(res) == 2 {
			return res[0], time.Duration(res[1]) * time.Millisecond
		}
		r.cluster.Fail(err)
	}
	return r.fallback.add(key, delta)
}
