// Package s3blobs keeps uploaded files in an S3-compatible object store
// (MinIO, Aliyun OSS, Tencent COS, Huawei OBS, AWS S3), so that a photo
// uploaded through one replica is served by every other.
package s3blobs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"houqin/models/store"
)

// Config names a bucket and how to reach it. The keys stay in here: no
// method prints them.
type Config struct {
	Endpoint  string // http(s)://host[:port]; the scheme decides TLS
	Region    string // empty: asked of the store once
	AccessKey string
	SecretKey string
	Bucket    string
	Prefix    string // prepended to every key, without slashes at either end
	// VirtualHost addresses the bucket as bucket.host, as Tencent COS and
	// Huawei OBS require; otherwise the client chooses (bucket.host for
	// AWS and Aliyun OSS, host/bucket for MinIO and the rest).
	VirtualHost bool
}

// Store is a store.Blobs on one bucket.
type Store struct {
	client *minio.Client
	bucket string
	prefix string
}

// retries is how often a failed call is tried again (after 200 ms, then
// 400 ms): enough for a store that blinks, short enough that a store that
// is down answers 503 within a second rather than at the request deadline.
const retries = 2

// New makes a client; it does not touch the network (see Check).
func New(c Config) (*Store, error) {
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("endpoint %q is not an http(s)://host[:port] URL", c.Endpoint)
	}
	if err := s3utils.CheckValidBucketNameStrict(c.Bucket); err != nil {
		return nil, fmt.Errorf("bucket %q: %v", c.Bucket, err)
	}
	lookup := minio.BucketLookupAuto
	if c.VirtualHost {
		lookup = minio.BucketLookupDNS
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       c.Region,
		BucketLookup: lookup,
		MaxRetries:   retries,
	})
	if err != nil {
		return nil, err
	}
	return &Store{client: client, bucket: c.Bucket, prefix: c.Prefix}, nil
}

func (s *Store) name(key string) (string, error) {
	if err := store.CheckBlobKey(key); err != nil {
		return "", err
	}
	return path.Join(s.prefix, key[:2], key), nil
}

func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	_, err = s.client.PutObject(ctx, s.bucket, name, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{})
	return classify("put", name, err)
}

// Get returns the object's bytes; a missing one is fs.ErrNotExist, as on disk.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	name, err := s.name(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, classify("get", name, err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		return nil, classify("get", name, err)
	}
	return data, nil
}

// Delete removes the object; S3 answers a missing one with success too.
func (s *Store) Delete(ctx context.Context, key string) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	return classify("delete", name, s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}))
}

// Check asks whether the bucket exists, so that serve can stop on a wrong
// bucket or refused keys at start instead of at the first upload. An
// unreachable store gives ErrBlobsUnavailable: that passes, so serve only warns.
func (s *Store) Check(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return classify("check bucket", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("bucket %q does not exist at %s", s.bucket, s.client.EndpointURL().Host)
	}
	return nil
}

// classify turns the client's errors into the store's: a missing object
// into fs.ErrNotExist, a store that cannot be reached, is overloaded or
// fails on its side into store.ErrBlobsUnavailable (503), with the cause
// for the log only. Anything else (refused keys, a missing bucket) is a
// misconfiguration and stays an internal error.
func classify(op, name string, err error) error {
	if err == nil {
		return nil
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == minio.NoSuchKey:
		return fmt.Errorf("s3 %s %s: %w", op, name, fs.ErrNotExist)
	case resp.StatusCode == 0, resp.StatusCode >= http.StatusInternalServerError,
		resp.Code == "SlowDown", resp.Code == "RequestTimeout":
		// No response at all (refused, timed out, cancelled), or the
		// store's own trouble. The cause is formatted, not wrapped, so
		// that the database's unavailable message does not claim it.
		return fmt.Errorf("s3 %s %s: %v: %w", op, name, err, store.ErrBlobsUnavailable)
	}
	return fmt.Errorf("s3 %s %s: %w", op, name, err)
}
