package upload

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	gcs "cloud.google.com/go/storage"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"

	"datagen/src/keboola/storage"
)

// gcsStore uploads to Google Cloud Storage with the OAuth2 access token of a
// prepared file, refreshing it through Storage before it expires.
type gcsStore struct {
	params    *storage.GCSUploadParams
	client    *gcs.Client
	chunkSize int
}

// gcsTokenSource hands out the prepared file's access token and asks the
// Storage API for a fresh one shortly before it expires.
type gcsTokenSource struct {
	mu      sync.Mutex
	token   *oauth2.Token
	refresh func(ctx context.Context) (*storage.File, error)
	now     func() time.Time
}

// refreshMargin is how long before expiry a GCS token is renewed.
const refreshMargin = 5 * time.Minute

// Token returns a valid token, refreshing it when close to expiry.
func (s *gcsTokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.token.Expiry.IsZero() || now.Add(refreshMargin).Before(s.token.Expiry) || s.refresh == nil {
		return s.token, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	f, err := s.refresh(ctx)
	if err != nil {
		return nil, fmt.Errorf("refreshing the GCS upload token: %w", err)
	}
	if f.GCS == nil || f.GCS.AccessToken == "" {
		return nil, fmt.Errorf("refreshing the GCS upload token: the answer has no gcsUploadParams")
	}
	s.token = gcsToken(f, now)
	return s.token, nil
}

// gcsToken converts the prepare answer into an oauth2 token.
func gcsToken(f *storage.File, now time.Time) *oauth2.Token {
	typ := f.GCS.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	return &oauth2.Token{AccessToken: f.GCS.AccessToken, TokenType: typ, Expiry: f.GCSExpiry(now)}
}

// newGCSStore builds a GCS client that authenticates only with the file's token.
func newGCSStore(ctx context.Context, f *storage.File, cfg storeConfig) (*gcsStore, error) {
	ts := &gcsTokenSource{token: gcsToken(f, time.Now()), refresh: cfg.refresh, now: time.Now}
	opts := []option.ClientOption{option.WithTokenSource(ts)}
	if cfg.endpoints.GCS != "" {
		opts = append(opts, option.WithEndpoint(cfg.endpoints.GCS))
	}
	client, err := gcs.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("file %d: opening GCS client: %w", f.ID, err)
	}
	chunk := int(max(cfg.partSize, 256<<10))
	chunk -= chunk % (256 << 10) // GCS chunks are multiples of 256 KiB
	return &gcsStore{params: f.GCS, client: client, chunkSize: chunk}, nil
}

// put streams r into key+suffix with a resumable upload.
func (s *gcsStore) put(ctx context.Context, suffix string, r io.Reader) error {
	name := s.params.Key + suffix
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := s.client.Bucket(s.params.Bucket).Object(name).NewWriter(ctx)
	w.ChunkSize = s.chunkSize
	w.ContentType = "application/octet-stream"
	if _, err := io.Copy(w, r); err != nil {
		cancel()
		_ = w.Close()
		return fmt.Errorf("GCS upload to gs://%s/%s: %w", s.params.Bucket, name, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("GCS upload to gs://%s/%s: %w", s.params.Bucket, name, err)
	}
	return nil
}

// url is the slice-manifest URL of key+suffix.
func (s *gcsStore) url(suffix string) string {
	return "gs://" + s.params.Bucket + "/" + s.params.Key + suffix
}

// close releases the GCS client.
func (s *gcsStore) close() error { return s.client.Close() }
