package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// Blobs keeps uploaded files (repair photos) by key, beside the database
// that records them. Local disk is the default; an S3-compatible object
// store (package s3blobs) stands in behind the same three methods when
// several replicas must see the same files. Get of a missing key returns an
// error matching fs.ErrNotExist; a store that cannot be reached returns
// ErrBlobsUnavailable.
type Blobs interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, key string) error
}

// NewBlobKey returns a random key with the given extension (".jpg").
func NewBlobKey(ext string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b) + ext
}

// ErrBlobsUnavailable means the blob store could not be reached or did not
// answer in time: a condition that passes, answered 503 like a database
// outage. Stores wrap it beside the cause, which only the log sees.
var ErrBlobsUnavailable = Errorf(CodeUnavailable, "the file store is not answering; try again in a few seconds")

// blobKey is what NewBlobKey makes; anything else is refused, so a key can
// never name a path outside the store.
var blobKey = regexp.MustCompile(`^[0-9a-f]{32}\.[a-z]{3,4}$`)

// CheckBlobKey refuses a key NewBlobKey could not have made.
func CheckBlobKey(key string) error {
	if !blobKey.MatchString(key) {
		return fmt.Errorf("bad blob key %q", key)
	}
	return nil
}

// DiskBlobs stores blobs as files in Dir, fanned out by key prefix.
type DiskBlobs struct{ Dir string }

func (d DiskBlobs) path(key string) (string, error) {
	if err := CheckBlobKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.Dir, key[:2], key), nil
}

// Put writes data atomically: readers see the whole file or none.
func (d DiskBlobs) Put(_ context.Context, key string, data []byte) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

func (d DiskBlobs) Get(_ context.Context, key string) ([]byte, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

func (d DiskBlobs) Delete(_ context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
