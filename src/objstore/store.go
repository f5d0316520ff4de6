// Package objstore writes and reads objects in Amazon S3, Google Cloud
// Storage and Azure Blob Storage: the clients behind `datagen generate -o
// s3://…` and behind the Keboola uploader, which gives them the temporary
// credentials of a prepared file instead of the provider's standard chain.
//
// Objects are written by streaming: an Upload sends what is written to it
// in parts of a bounded size (an S3 multipart upload, a GCS parallel
// composite or resumable upload, Azure staged blocks), so neither memory
// nor disk holds a whole file. The object appears under its key only on
// Commit (the multipart upload is completed, the GCS components composed
// or the last chunk sent, the Azure block list committed); Abort, or a
// process that dies first, leaves no object under the key.
package objstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"
)

// Store is one bucket (S3, GCS) or container (Azure).
type Store interface {
	// Create starts writing object key. Nothing is visible under key
	// before the Upload's Commit.
	Create(ctx context.Context, key string) (Upload, error)
	// Put streams r into object key.
	Put(ctx context.Context, key string, r io.Reader) error
	// List returns the objects whose keys start with prefix.
	List(ctx context.Context, prefix string) ([]Object, error)
	// Open reads object key; a missing object is an error satisfying
	// errors.Is(err, ErrNotFound).
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes object key (a missing object is not an error).
	Delete(ctx context.Context, key string) error
	// URL names object key: s3://bucket/key, gs://bucket/key or
	// az://container/key.
	URL(key string) string
}

// Upload is an object being written.
type Upload interface {
	// Write appends to the object, sending every full part.
	Write(p []byte) (int, error)
	// Close sends what can be sent before the commit; nothing may be
	// written after it. What stays in memory until Commit is at most one
	// small tail (a GCS resumable upload: under 256 KiB), or the one chunk
	// of an object of one chunk (a GCS composite upload: put whole by
	// Commit).
	Close() error
	// Commit makes the object visible under its key (after Close).
	Commit(ctx context.Context) error
	// Abort discards the object; nothing appears under its key.
	Abort(ctx context.Context) error
}

// Object is a listed object.
type Object struct {
	Key  string
	Size int64
	// Modified is when the object was last written, by the store's clock
	// (zero when the listing does not say).
	Modified time.Time
}

// ErrNotFound is the error of Open for a missing object.
var ErrNotFound = errors.New("object not found")

// Location is a parsed object storage URL.
type Location struct {
	// Scheme is "s3", "gs" or "az".
	Scheme string
	// Bucket is the bucket, or the Azure container.
	Bucket string
	// Prefix is the key prefix, without a leading slash; empty or ending
	// in "/".
	Prefix string
}

// Schemes are the URL schemes of object storage.
var Schemes = []string{"s3", "gs", "az"}

// IsURL reports whether s is an object storage URL (s3://, gs:// or az://).
func IsURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	for _, sc := range Schemes {
		if scheme == sc {
			return true
		}
	}
	return false
}

// ParseURL reads s3://bucket/prefix, gs://bucket/prefix or
// az://container/prefix.
func ParseURL(s string) (Location, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || !IsURL(s) {
		return Location{}, fmt.Errorf("%q is not an object storage URL (s3://bucket/prefix, gs://bucket/prefix or az://container/prefix)", s)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Location{}, fmt.Errorf("%q names no bucket", s)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	for _, seg := range strings.Split(strings.TrimSuffix(prefix, "/"), "/") {
		if seg == "." || seg == ".." {
			return Location{}, fmt.Errorf("%q: the prefix must not contain %q", s, seg)
		}
	}
	return Location{Scheme: scheme, Bucket: bucket, Prefix: prefix}, nil
}

// String is the URL of the location.
func (l Location) String() string {
	return l.Scheme + "://" + l.Bucket + "/" + l.Prefix
}

// Hashed counts and hashes the bytes written to an Upload.
type Hashed struct {
	Upload
	h hash.Hash
	n int64
}

// NewHashed wraps u.
func NewHashed(u Upload) *Hashed { return &Hashed{Upload: u, h: sha256.New()} }

// Write writes to the upload and hashes what it took.
func (h *Hashed) Write(p []byte) (int, error) {
	n, err := h.Upload.Write(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// Size is the number of bytes written.
func (h *Hashed) Size() int64 { return h.n }

// SHA256 is the hex SHA-256 of the bytes written.
func (h *Hashed) SHA256() string { return hex.EncodeToString(h.h.Sum(nil)) }
