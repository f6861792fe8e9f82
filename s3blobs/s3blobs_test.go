package s3blobs_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
	"houqin/s3blobs"
)

// The store keeps, returns and removes bytes by key through the real
// client against an S3 server; a missing key reads as on disk.
func TestStore(t *testing.T) {
	ctx := context.Background()
	fake := apitest.NewS3(t)
	s := fake.Client(t)
	if err := s.Check(ctx); err != nil {
		t.Fatalf("check an existing bucket: %v", err)
	}
	key, data := store.NewBlobKey(".jpg"), []byte("\xff\xd8\xff photo bytes")
	if err := s.Put(ctx, key, data); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, key)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("get: %q, %v", got, err)
	}
	// Another client (another replica) sees the same object.
	if got, err := fake.Client(t).Get(ctx, key); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("get through a second client: %q, %v", got, err)
	}
	// The prefix keeps the service's objects apart from others in the bucket.
	other := fake.Config
	other.Prefix = "elsewhere"
	if _, err := mustNew(t, other).Get(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("get under another prefix: %v, want fs.ErrNotExist", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("get after delete: %v, want fs.ErrNotExist", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	if err := s.Put(ctx, "../../etc/passwd", data); err == nil {
		t.Fatal("a key NewBlobKey cannot make was accepted")
	}
}

// A bucket that does not exist is a misconfiguration (not a passing
// outage); a store that does not answer is unavailable, for every call.
func TestStoreFailures(t *testing.T) {
	ctx := context.Background()
	fake := apitest.NewS3(t)
	missing := fake.Config
	missing.Bucket = "no-such-bucket"
	err := mustNew(t, missing).Check(ctx)
	if err == nil || errors.Is(err, store.ErrBlobsUnavailable) {
		t.Fatalf("check a missing bucket: %v, want a configuration error", err)
	}
	if err := mustNew(t, missing).Put(ctx, store.NewBlobKey(".png"), []byte("x")); err == nil || errors.Is(err, store.ErrBlobsUnavailable) {
		t.Fatalf("put into a missing bucket: %v, want a configuration error", err)
	}

	s := fake.Client(t)
	key := store.NewBlobKey(".png")
	if err := s.Put(ctx, key, []byte("x")); err != nil {
		t.Fatal(err)
	}
	fake.Stop()
	for name, call := range map[string]func() error{
		"check":  func() error { return s.Check(ctx) },
		"put":    func() error { return s.Put(ctx, store.NewBlobKey(".png"), []byte("x")) },
		"get":    func() error { _, err := s.Get(ctx, key); return err },
		"delete": func() error { return s.Delete(ctx, key) },
	} {
		err := call()
		if !errors.Is(err, store.ErrBlobsUnavailable) || store.Unavailable(err) {
			t.Errorf("%s with the store down: %v, want ErrBlobsUnavailable (and not the database's outage)", name, err)
		}
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	good := s3blobs.Config{Endpoint: "https://oss-cn-hangzhou.aliyuncs.com", AccessKey: "a", SecretKey: "s", Bucket: "houqin"}
	for name, change := range map[string]func(*s3blobs.Config){
		"no scheme":       func(c *s3blobs.Config) { c.Endpoint = "minio:9000" },
		"another scheme":  func(c *s3blobs.Config) { c.Endpoint = "ftp://minio:9000" },
		"a path":          func(c *s3blobs.Config) { c.Endpoint = "http://minio:9000/houqin" },
		"keys in the URL": func(c *s3blobs.Config) { c.Endpoint = "http://key:secret@minio:9000" },
		"a bad bucket":    func(c *s3blobs.Config) { c.Bucket = "Houqin_Photos" },
	} {
		c := good
		change(&c)
		if _, err := s3blobs.New(c); err == nil {
			t.Errorf("%s: %+v accepted", name, c.Endpoint)
		}
	}
	if _, err := s3blobs.New(good); err != nil {
		t.Fatal(err)
	}
}

func mustNew(t *testing.T, c s3blobs.Config) *s3blobs.Store {
	t.Helper()
	s, err := s3blobs.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
