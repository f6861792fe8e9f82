package apitest

import (
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"houqin/api"
	"houqin/s3blobs"
)

// S3 is an in-process S3 server (gofakes3, in memory) with one bucket,
// reached through the real client as HOUQIN_BLOBS=s3://houqin/photos would.
type S3 struct {
	t      testing.TB
	server *httptest.Server
	// Config is what a replica needs to reach the bucket.
	Config s3blobs.Config
}

// NewS3 starts an S3 server with an empty bucket and stops it when the test ends.
func NewS3(t testing.TB) *S3 {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("houqin"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return &S3{t: t, server: srv, Config: s3blobs.Config{Endpoint: srv.URL, Region: "us-east-1",
		AccessKey: "test-access", SecretKey: "test-secret-key", Bucket: "houqin", Prefix: "photos"}}
}

// Client returns a new client of the bucket, as each replica has its own.
func (f *S3) Client(t testing.TB) *s3blobs.Store {
	t.Helper()
	st, err := s3blobs.New(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Stop takes the server away: connections are refused from now on.
func (f *S3) Stop() { f.server.Close() }

// WithS3 keeps the service's uploads in f instead of on its disk.
func WithS3(f *S3) Option {
	return func(c *api.Config) { c.S3 = f.Client(f.t) }
}
