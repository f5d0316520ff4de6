package upload

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"datagen/src/keboola/storage"
)

// Endpoints override the cloud storage endpoints that a prepared file would
// normally use. They exist for emulators and tests; leave them empty in
// production. Azure needs no override: its endpoint comes from the SAS
// connection string.
type Endpoints struct {
	// S3 is a base URL such as "http://127.0.0.1:9000"; requests then use
	// path-style addressing.
	S3 string
	// GCS is the JSON API base, such as "http://127.0.0.1:4443/storage/v1/".
	GCS string
	// HTTPClient, when set, is used for S3, Azure and GCS uploads.
	HTTPClient *http.Client
}

// objectStore writes the objects of one prepared file: the file itself
// (suffix ""), its slices (suffix = slice name) and the slice manifest
// (suffix "manifest").
type objectStore interface {
	// put streams r into the object whose name is the prepared key + suffix.
	put(ctx context.Context, suffix string, r io.Reader) error
	// url returns the slice-manifest URL of the object key + suffix.
	url(suffix string) string
	// close releases the client.
	close() error
}

// storeConfig tunes the provider uploaders.
type storeConfig struct {
	endpoints Endpoints
	// partSize is the multipart part / block / chunk size in bytes.
	partSize int64
	// concurrency is the parts uploaded at once within one object.
	concurrency int
	// refresh renews the file's credentials (GCS tokens expire after 1 h).
	refresh func(ctx context.Context) (*storage.File, error)
}

// newStore returns the uploader for the file's provider.
func newStore(ctx context.Context, f *storage.File, cfg storeConfig) (objectStore, error) {
	switch f.Provider {
	case storage.ProviderAWS:
		return newS3Store(f, cfg)
	case storage.ProviderAzure:
		return newABSStore(f, cfg)
	case storage.ProviderGCP:
		return newGCSStore(ctx, f, cfg)
	}
	return nil, fmt.Errorf("file %d: unsupported file storage provider %q", f.ID, f.Provider)
}
