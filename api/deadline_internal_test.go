package api

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

// TestLazyDeadline checks that the request context made on first use acts
// as context.WithDeadline would: contexts made from it end at the deadline
// or when the request ends, and one first asked after the request ended
// has ended too.
func TestLazyDeadline(t *testing.T) {
	t.Run("the deadline ends derived contexts", func(t *testing.T) {
		l := &lazyDeadline{parent: context.Background(), at: time.Now().Add(20 * time.Millisecond)}
		defer l.end()
		child, cancel := context.WithTimeout(l, time.Hour)
		defer cancel()
		if at, ok := child.Deadline(); !ok || !at.Equal(l.at) {
			t.Fatalf("derived deadline %v, %v; want %v", at, ok, l.at)
		}
		select {
		case <-child.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("the derived context outlived the deadline")
		}
		if !errors.Is(child.Err(), context.DeadlineExceeded) || !errors.Is(l.Err(), context.DeadlineExceeded) {
			t.Fatalf("errors %v and %v, want the deadline", child.Err(), l.Err())
		}
	})
	t.Run("the request's end ends derived contexts", func(t *testing.T) {
		l := &lazyDeadline{parent: context.Background(), at: time.Now().Add(time.Hour)}
		child, cancel := context.WithCancel(l)
		defer cancel()
		l.end()
		select {
		case <-child.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("the derived context outlived the request")
		}
	})
	t.Run("derived contexts cost no goroutine", func(t *testing.T) {
		l := &lazyDeadline{parent: context.Background(), at: time.Now().Add(time.Hour)}
		defer l.end()
		before := runtime.NumGoroutine()
		for range 100 {
			_, cancel := context.WithCancel(l)
			defer cancel()
		}
		if n := runtime.NumGoroutine() - before; n >= 50 {
			t.Fatalf("100 derived contexts started %d goroutines", n)
		}
	})
	t.Run("never used, then asked after the end", func(t *testing.T) {
		parent, cancelParent := context.WithCancel(context.Background())
		defer cancelParent()
		l := &lazyDeadline{parent: parent, at: time.Now().Add(time.Hour)}
		l.end()
		if l.Err() == nil {
			t.Fatal("a context first asked after its request ended has not ended")
		}
		<-l.Done()
	})
	t.Run("the parent's end ends it", func(t *testing.T) {
		parent, cancelParent := context.WithCancel(context.Background())
		l := &lazyDeadline{parent: parent, at: time.Now().Add(time.Hour)}
		defer l.end()
		cancelParent()
		<-l.Done()
		if !errors.Is(l.Err(), context.Canceled) {
			t.Fatalf("error %v, want canceled", l.Err())
		}
	})
}
