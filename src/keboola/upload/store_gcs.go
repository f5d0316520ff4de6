package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"datagen/src/keboola/storage"
)

// gcsDefaultRoot is where the GCS JSON API lives.
const gcsDefaultRoot = "https://storage.googleapis.com"

// gcsChunkQuantum is the granularity of resumable-upload chunks: every chunk
// but the last must be a multiple of it.
const gcsChunkQuantum = 256 << 10

// gcsStore uploads to Google Cloud Storage through the JSON API's resumable
// upload protocol, authenticated only with the OAuth2 access token of the
// prepared file (refreshed through Storage before it expires). It speaks
// the protocol directly over net/http: one initiation request, then the
// data in chunks, each retried after transient failures from the offset
// the service confirms.
type gcsStore struct {
	params    *storage.GCSUploadParams
	tokens    *gcsTokenSource
	client    *http.Client
	uploadURL string // .../upload/storage/v1/b/{bucket}/o
	chunkSize int
	retry     gcsRetry
}

// gcsRetry is how often and how patiently a failed request is retried.
type gcsRetry struct {
	attempts int
	base     time.Duration
	max      time.Duration
}

// defaultGCSRetry tries a request up to 8 times with backoff from 1 s to
// 30 s: about 90 s of waiting, more patient than the official Go client's
// 32 s per chunk.
var defaultGCSRetry = gcsRetry{attempts: 8, base: time.Second, max: 30 * time.Second}

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

// authorization returns the Authorization header value, refreshing the
// token when it is close to expiry.
func (s *gcsTokenSource) authorization(ctx context.Context) (string, error) {
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
	root := gcsDefaultRoot
	if cfg.endpoints.GCS != "" {
		// The override is the JSON API base, ".../storage/v1/"; uploads
		// go to ".../upload/storage/v1/".
		root = strings.TrimSuffix(strings.TrimSuffix(cfg.endpoints.GCS, "/"), "/storage/v1")
	}
	client := &http.Client{}
	if cfg.endpoints.HTTPClient != nil {
		*client = *cfg.endpoints.HTTPClient
	}
	// 308 is the protocol's "resume incomplete", not a redirect to follow.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	chunk := int(max(cfg.partSize, gcsChunkQuantum))
	chunk -= chunk % gcsChunkQuantum
	return &gcsStore{
		params:    f.GCS,
		tokens:    &gcsTokenSource{token: newGCSToken(f, time.Now()), refresh: cfg.refresh, now: time.Now},
		client:    client,
		uploadURL: root + "/upload/storage/v1/b/" + url.PathEscape(f.GCS.Bucket) + "/o",
		chunkSize: chunk,
		retry:     defaultGCSRetry,
	}, nil
}

// put streams r into key+suffix with a resumable upload.
func (s *gcsStore) put(ctx context.Context, suffix string, r io.Reader) error {
	name := s.params.Key + suffix
	if err := s.upload(ctx, name, r); err != nil {
		return fmt.Errorf("GCS upload to gs://%s/%s: %w", s.params.Bucket, name, oneLine("Google Cloud Storage", err))
	}
	return nil
}

// upload starts a session and sends r in chunks. A chunk is known to be the
// last one when the reader is exhausted, so one byte is read ahead.
func (s *gcsStore) upload(ctx context.Context, name string, r io.Reader) error {
	session, err := s.start(ctx, name)
	if err != nil {
		return err
	}
	buf := make([]byte, s.chunkSize+1)
	var offset int64 // bytes the service has
	n := 0           // bytes in buf (the carried look-ahead byte included)
	for {
		m, rerr := io.ReadFull(r, buf[n:])
		n += m
		last := false
		switch {
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			last = true
		case rerr != nil:
			return fmt.Errorf("reading the data: %w", rerr)
		}
		size := n
		if !last {
			size = s.chunkSize // keep buf[chunkSize] for the next chunk
		}
		done, err := s.sendChunk(ctx, session, buf[:size], offset, last)
		if err != nil {
			return err
		}
		offset += int64(size)
		if last {
			if !done {
				return fmt.Errorf("the service did not confirm the complete object of %d bytes", offset)
			}
			return nil
		}
		buf[0] = buf[s.chunkSize]
		n = 1
	}
}

// start opens a resumable upload session and returns its URL.
func (s *gcsStore) start(ctx context.Context, name string) (string, error) {
	u := s.uploadURL + "?uploadType=resumable&name=" + url.QueryEscape(name)
	meta := []byte(`{"contentType":"application/octet-stream"}`)
	var session string
	err := s.do(ctx, "starting the upload", func(auth string) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(meta))
		if err != nil {
			return false, err
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
		req.Header.Set("X-Upload-Content-Type", "application/octet-stream")
		resp, err := s.client.Do(req)
		if err != nil {
			return true, err
		}
		defer drain(resp)
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
			return retryable(resp.StatusCode), statusError(resp)
		}
		session = resp.Header.Get("Location")
		if session == "" {
			return false, errors.New("the answer has no session Location")
		}
		return false, nil
	})
	return session, err
}

// sendChunk sends chunk, which starts at offset of the object, and reports
// whether the object is complete. After a transient failure it asks the
// service how much it has and resends the rest of the chunk.
func (s *gcsStore) sendChunk(ctx context.Context, session string, chunk []byte, offset int64, last bool) (bool, error) {
	total := "*"
	if last {
		total = strconv.FormatInt(offset+int64(len(chunk)), 10)
	}
	sent := 0 // bytes of chunk the service has confirmed
	done := false
	err := s.do(ctx, "sending data", func(auth string) (bool, error) {
		rest := chunk[sent:]
		start := offset + int64(sent)
		cr := "bytes */" + total // an empty last chunk
		if len(rest) > 0 {
			cr = fmt.Sprintf("bytes %d-%d/%s", start, start+int64(len(rest))-1, total)
		}
		code, have, err := s.put1(ctx, session, auth, rest, cr)
		if err == nil {
			done = code == http.StatusOK || code == http.StatusCreated
			if !done && have < offset+int64(len(chunk)) {
				// The service kept less than it was sent: send the rest.
				if have < offset {
					return false, fmt.Errorf("the service has %d bytes, fewer than the %d it confirmed before", have, offset)
				}
				sent = int(have - offset)
				return true, fmt.Errorf("the service kept %d of %d bytes", have, offset+int64(len(chunk)))
			}
			return false, nil
		}
		if code != 0 && !retryable(code) {
			return false, err
		}
		// Ask where the upload stands before resending.
		code, have, qerr := s.put1(ctx, session, auth, nil, "bytes */"+total)
		switch {
		case qerr == nil && (code == http.StatusOK || code == http.StatusCreated):
			done, sent = true, len(chunk)
			return false, nil
		case qerr == nil && have >= offset && have <= offset+int64(len(chunk)):
			sent = int(have - offset)
		}
		return true, err
	})
	return done, err
}

// put1 sends one PUT to the session: it returns the status code, how many
// bytes of the object the service has (from its Range header), and an
// error unless the status is 200, 201 or 308.
func (s *gcsStore) put1(ctx context.Context, session, auth string, body []byte, contentRange string) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, session, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Range", contentRange)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer drain(resp)
	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated:
		return resp.StatusCode, 0, nil
	case http.StatusPermanentRedirect:
		have, err := rangeEnd(resp.Header.Get("Range"))
		return resp.StatusCode, have, err
	}
	return resp.StatusCode, 0, statusError(resp)
}

// do runs attempt until it succeeds, fails for good or runs out of
// retries; attempt reports whether its error is worth retrying.
func (s *gcsStore) do(ctx context.Context, what string, attempt func(auth string) (retry bool, err error)) error {
	wait := s.retry.base
	var err error
	for i := 0; ; i++ {
		auth, aerr := s.tokens.authorization(ctx)
		if aerr != nil {
			return aerr
		}
		var again bool
		again, err = attempt(auth)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !again || i+1 >= s.retry.attempts {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, s.retry.max)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// rangeEnd reads "bytes=0-N" and returns N+1, the bytes the service has
// (0 when the header is absent).
func rangeEnd(h string) (int64, error) {
	if h == "" {
		return 0, nil
	}
	_, last, ok := strings.Cut(strings.TrimPrefix(h, "bytes="), "-")
	n, err := strconv.ParseInt(last, 10, 64)
	if !ok || err != nil {
		return 0, fmt.Errorf("unreadable Range header %q", h)
	}
	return n + 1, nil
}

// retryable reports whether an HTTP status is transient.
func retryable(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

// statusError describes a failed answer with the service's message.
func statusError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	msg := strings.TrimSpace(string(body))
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		msg = e.Error.Message
	}
	if msg == "" {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return fmt.Errorf("HTTP %d: %s", resp.StatusCode, msg)
}

// drain reads the rest of a response so that its connection is reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// url is the slice-manifest URL of key+suffix.
func (s *gcsStore) url(suffix string) string {
	return "gs://" + s.params.Bucket + "/" + s.params.Key + suffix
}

// close releases idle connections.
func (s *gcsStore) close() error {
	s.client.CloseIdleConnections()
	return nil
}
