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
// that records them. Local disk is the default; an object store can stand
// in behind the same three methods.
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

// blobKey is what NewBlobKey makes; anything else is refused, so a key can
// never name a path outside the store.
var blobKey = regexp.MustCompile(`^[0-9a-f]{32}\.[a-z]{3,4}$`)

// DiskBlobs stores blobs as files in Dir, fanned out by key prefix.
type DiskBlobs struct{ Dir string }

func (d DiskBlobs) path(key string) (string, error) {
	if !blobKey.MatchString(key) {
		return "", fmt.Errorf("bad blob key %q", key)
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
