package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"houqin/models/store"
)

// Job is periodic background work (sweeps, reminders, purges). Jobs must be
// safe to run on several replicas at once: they claim work with conditional
// updates, so each item is handled once.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(context.Context) error
}

// ShutdownTimeout bounds how long in-flight requests may take after a
// termination signal.
const ShutdownTimeout = 15 * time.Second

// Run serves on ln and runs the background jobs until ctx is cancelled, then
// stops accepting, lets in-flight requests finish within ShutdownTimeout and
// stops the jobs. The caller closes the store afterwards.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	if err := s.checkBlobs(ctx); err != nil {
		return err
	}
	jobsCtx, stopJobs := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(jobsCtx, j)
		}()
	}
	served := make(chan error, 1)
	go func() { served <- s.App.Listener(ln) }()
	s.Log.Info("listening", "addr", ln.Addr().String(), "db", string(s.Store.Dialect))

	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		s.Log.Info("shutting down")
		err = s.App.ShutdownWithTimeout(ShutdownTimeout)
	}
	stopJobs()
	wg.Wait()
	s.Close()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// checkBlobs stops the service on an object store that answers but
// refuses (a wrong bucket, refused keys), which no retry mends, and only
// warns about one that does not answer: photos answer 503 until it does,
// and everything else works meanwhile.
func (s *Server) checkBlobs(ctx context.Context) error {
	if s.Config.S3 == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := s.Config.S3.Check(ctx)
	if errors.Is(err, store.ErrBlobsUnavailable) {
		s.Log.Warn("the object store does not answer (HOUQIN_S3_ENDPOINT): photos answer 503 until it does", "err", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("HOUQIN_BLOBS: %w", err)
	}
	return nil
}

// loop runs j every j.Every. A failing job waits twice as long after each
// failure (up to jobBackoffMax), so a database that is away is not hammered
// and not flooded into the log, and runs at its pace again once it succeeds.
func (s *Server) loop(ctx context.Context, j Job) {
	wait := j.Every
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := j.Run(ctx); err != nil && ctx.Err() == nil {
			wait = min(max(wait*2, j.Every), max(jobBackoffMax, j.Every))
			s.Log.Error("background job failed", "job", j.Name, "err", err, "retry_in", wait)
		} else {
			wait = j.Every
		}
		t.Reset(wait)
	}
}

// jobBackoffMax bounds how long a failing job waits before it tries again.
const jobBackoffMax = time.Minute

// Close leaves the cluster (Redis), when the server joined one. Run closes
// on its way out; servers that never ran close themselves.
func (s *Server) Close() {
	if s.cluster != nil {
		_ = s.cluster.Close()
	}
}
