package handlers

import (
	"sync"
	"sync/atomic"
)

// views holds a cache's rendered responses under a generation: forget
// bumps it and empties the map, and an entry made from a read that began
// before carries the old generation and is never served, so a change is
// seen by the next request even while a slow read is still filling.
type views[K comparable, E any] struct {
	gen atomic.Uint64
	max int // entries kept at most; past it the map starts over

	mu      sync.RWMutex
	entries map[K]view[E]
}

type view[E any] struct {
	gen uint64
	e   *E
}

func newViews[K comparable, E any](max int) *views[K, E] {
	return &views[K, E]{max: max, entries: map[K]view[E]{}}
}

// current is the generation a read starting now fills under.
func (v *views[K, E]) current() uint64 { return v.gen.Load() }

// get returns k's entry of the current generation, or nil.
func (v *views[K, E]) get(k K) *E {
	gen := v.gen.Load()
	v.mu.RLock()
	x, ok := v.entries[k]
	v.mu.RUnlock()
	if !ok || x.gen != gen {
		return nil
	}
	return x.e
}

// put keeps e for k, made by a read that began under gen.
func (v *views[K, E]) put(k K, gen uint64, e *E) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.entries) >= v.max {
		clear(v.entries)
	}
	v.entries[k] = view[E]{gen, e}
}

// forget drops every entry: called on every committed change.
func (v *views[K, E]) forget() {
	v.gen.Add(1)
	v.mu.Lock()
	clear(v.entries)
	v.mu.Unlock()
}
