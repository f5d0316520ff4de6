package upload

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"datagen/src/keboola/storage"
	"datagen/src/objstore"
)

// gcsChunkQuantum is the granularity of resumable-upload chunks.
const gcsChunkQuantum = objstore.GCSChunkQuantum

// gcsStore uploads to Google Cloud Storage through the JSON API's resumable
// upload protocol (objstore.GCS), authenticated only with the OAuth2 access
// token of the prepared file (refreshed through Storage before it expires).
type gcsStore struct {
	params *storage.GCSUploadParams
	gcs    *objstore.GCS
}

// gcsToken is a bearer token and when it expires.
type gcsToken struct {
	value  string // "Bearer ya29...."
	expiry time.Time
}

// gcsTokenSource hands out the prepared file's access token and asks the
// Storage API for a fresh one shortly before it expires.
type gcsTokenSource struct {
	mu      sync.Mutex
	token   gcsToken
	refresh func(ctx context.Context) (*storage.File, error)
	now     func() time.Time
}

// refreshMargin is how long before expiry a GCS token is renewed.
const refreshMargin = 5 * time.Minute

// Authorization returns the Authorization header value, refreshing the
// token when it is close to expiry.
func (s *gcsTokenSource) Authorization(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.token.expiry.IsZero() || now.Add(refreshMargin).Before(s.token.expiry) || s.refresh == nil {
		return s.token.value, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	f, err := s.refresh(ctx)
	if err != nil {
		return "", fmt.Errorf("refreshing the GCS upload token: %w", err)
	}
	if f.GCS == nil || f.GCS.AccessToken == "" {
		return "", fmt.Errorf("refreshing the GCS upload token: the answer has no gcsUploadParams")
	}
	s.token = newGCSToken(f, now)
	return s.token.value, nil
}

// newGCSToken reads the token of a prepare answer.
func newGCSToken(f *storage.File, now time.Time) gcsToken {
	typ := f.GCS.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	return gcsToken{value: typ + " " + f.GCS.AccessToken, expiry: f.GCSExpiry(now)}
}

// newGCSStore prepares uploads that authenticate only with the file's token.
func newGCSStore(_ context.Context, f *storage.File, cfg storeConfig) (*gcsStore, error) {
	tokens := &gcsTokenSource{token: newGCSToken(f, time.Now()), refresh: cfg.refresh, now: time.Now}
	return &gcsStore{params: f.GCS, gcs: objstore.NewGCS(objstore.GCSOptions{Bucket: f.GCS.Bucket, Root: cfg.endpoints.GCS,
		Auth: tokens, HTTPClient: cfg.endpoints.HTTPClient, ChunkSize: cfg.partSize})}, nil
}

// put streams r into key+suffix with a resumable upload.
func (s *gcsStore) put(ctx context.Context, suffix string, r io.Reader) error {
	return credentialsHint(s.gcs.Put(ctx, s.params.Key+suffix, r))
}

// url is the slice-manifest URL of key+suffix.
func (s *gcsStore) url(suffix string) string { return s.gcs.URL(s.params.Key + suffix) }

// close releases idle connections.
func (s *gcsStore) close() error {
	s.gcs.CloseIdleConnections()
	return nil
}
