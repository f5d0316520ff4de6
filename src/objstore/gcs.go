package objstore

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
	"time"

	"datagen/src/civil"
)

// GCSDefaultRoot is where the GCS JSON API lives.
const GCSDefaultRoot = "https://storage.googleapis.com"

// GCSChunkQuantum is the granularity of resumable-upload chunks: every
// chunk but the last must be a multiple of it.
const GCSChunkQuantum = 256 << 10

// Authorizer gives the Authorization header of a request ("Bearer …"),
// renewing the token when it expires; "" sends none (an emulator).
type Authorizer interface {
	Authorization(ctx context.Context) (string, error)
}

// GCSOptions configure a GCS store.
type GCSOptions struct {
	Bucket string
	// Root is the service's base URL (default GCSDefaultRoot); an
	// emulator's, such as "http://127.0.0.1:4443".
	Root string
	// Auth authorizes the requests.
	Auth Authorizer
	// HTTPClient, when set, is copied for the requests.
	HTTPClient *http.Client
	// ChunkSize is the resumable-upload chunk size, rounded down to a
	// multiple of GCSChunkQuantum (at least one quantum), and the
	// component size of a parallel composite upload.
	ChunkSize int64
	// Parallel, above 1, makes Create upload objects as components sent
	// that many at a time and composed at Commit (see gcscompose.go);
	// otherwise Create sends the chunks of a resumable upload in turn.
	Parallel int
}

// GCS is a bucket of Google Cloud Storage, reached through the JSON API
// directly over net/http: uploads use the resumable protocol (one
// initiation request, then the data in chunks, each retried after
// transient failures from the offset the service confirms).
type GCS struct {
	bucket    string
	root      string
	authz     Authorizer
	client    *http.Client
	uploadURL string // .../upload/storage/v1/b/{bucket}/o
	chunkSize int
	parallel  int
	// Retry is how often and how patiently a failed request is retried.
	Retry Retry
}

// NewGCS returns the store of bucket o.Bucket.
func NewGCS(o GCSOptions) *GCS {
	root := strings.TrimSuffix(strings.TrimSuffix(o.Root, "/"), "/storage/v1")
	if root == "" {
		root = GCSDefaultRoot
	}
	client := &http.Client{}
	if o.HTTPClient != nil {
		*client = *o.HTTPClient
	}
	// 308 is the protocol's "resume incomplete", not a redirect to follow.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	chunk := int(max(o.ChunkSize, GCSChunkQuantum))
	chunk -= chunk % GCSChunkQuantum
	return &GCS{
		bucket:    o.Bucket,
		root:      root,
		authz:     o.Auth,
		client:    client,
		uploadURL: root + "/upload/storage/v1/b/" + url.PathEscape(o.Bucket) + "/o",
		chunkSize: chunk,
		parallel:  o.Parallel,
		Retry:     DefaultGCSRetry,
	}
}

// auth returns the Authorization header value.
func (s *GCS) auth(ctx context.Context) (string, error) {
	if s.authz == nil {
		return "", nil
	}
	return s.authz.Authorization(ctx)
}

// URL is gs://bucket/key.
func (s *GCS) URL(key string) string { return "gs://" + s.bucket + "/" + key }

// Put streams r into key with a resumable upload.
func (s *GCS) Put(ctx context.Context, key string, r io.Reader) error {
	if err := s.upload(ctx, key, r); err != nil {
		return fmt.Errorf("GCS upload to %s: %w", s.URL(key), OneLine("Google Cloud Storage", "upload", err))
	}
	return nil
}

// CloseIdleConnections releases idle connections.
func (s *GCS) CloseIdleConnections() { s.client.CloseIdleConnections() }

// Retry is how often and how patiently a failed request is retried.
type Retry struct {
	// Attempts is the number of tries; Base the first wait, doubled after
	// every failure up to Max.
	Attempts  int
	Base, Max time.Duration
}

// DefaultGCSRetry tries a request up to 8 times with backoff from 1 s to
// 30 s: about 90 s of waiting, more patient than the official Go client's
// 32 s per chunk.
var DefaultGCSRetry = Retry{Attempts: 8, Base: time.Second, Max: 30 * time.Second}

// upload starts a session and sends r in chunks. A chunk is known to be the
// last one when the reader is exhausted, so one byte is read ahead.
func (s *GCS) upload(ctx context.Context, name string, r io.Reader) error {
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
func (s *GCS) start(ctx context.Context, name string) (string, error) {
	u := s.uploadURL + "?uploadType=resumable&name=" + url.QueryEscape(name)
	meta := []byte(`{"contentType":"application/octet-stream"}`)
	var session string
	err := s.do(ctx, "starting the upload", func(auth string) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(meta))
		if err != nil {
			return false, err
		}
		setAuth(req, auth)
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
func (s *GCS) sendChunk(ctx context.Context, session string, chunk []byte, offset int64, last bool) (bool, error) {
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
func (s *GCS) put1(ctx context.Context, session, auth string, body []byte, contentRange string) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, session, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.ContentLength = int64(len(body))
	setAuth(req, auth)
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
func (s *GCS) do(ctx context.Context, what string, attempt func(auth string) (retry bool, err error)) error {
	wait := s.Retry.Base
	var err error
	for i := 0; ; i++ {
		auth, aerr := s.auth(ctx)
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
		if !again || i+1 >= s.Retry.Attempts {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, s.Retry.Max)
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

// setAuth sets the Authorization header, unless auth is empty.
func setAuth(req *http.Request, auth string) {
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
}

// Create starts an upload. With GCSOptions.Parallel above 1 it is a
// parallel composite upload (see gcscompose.go); otherwise a resumable
// upload whose full chunks are sent as they fill, and whose last request,
// which completes the object, is sent only by Commit.
func (s *GCS) Create(ctx context.Context, key string) (Upload, error) {
	if s.parallel > 1 {
		return s.createComposite(ctx, key), nil
	}
	return &gcsUpload{s: s, ctx: ctx, key: key, buf: make([]byte, 0, s.chunkSize)}, nil
}

// gcsUpload is a resumable upload whose last chunk waits for Commit.
type gcsUpload struct {
	s       *GCS
	ctx     context.Context
	key     string
	session string
	buf     []byte
	offset  int64 // bytes the service has
	closed  bool
	err     error
}

func (u *gcsUpload) fail(err error) error {
	u.err = fmt.Errorf("GCS upload to %s: %w", u.s.URL(u.key), OneLine("Google Cloud Storage", "upload", err))
	return u.err
}

func (u *gcsUpload) Write(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if u.closed {
		return 0, errors.New("write after close")
	}
	n := 0
	for len(p) > 0 {
		k := copy(u.buf[len(u.buf):cap(u.buf)], p)
		u.buf = u.buf[:len(u.buf)+k]
		p, n = p[k:], n+k
		if len(u.buf) == cap(u.buf) {
			if err := u.send(len(u.buf), false); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// send sends the first n bytes of the buffer as a chunk.
func (u *gcsUpload) send(n int, last bool) error {
	if u.session == "" {
		session, err := u.s.start(u.ctx, u.key)
		if err != nil {
			return u.fail(err)
		}
		u.session = session
	}
	done, err := u.s.sendChunk(u.ctx, u.session, u.buf[:n], u.offset, last)
	if err != nil {
		return u.fail(err)
	}
	if last && !done {
		return u.fail(fmt.Errorf("the service did not confirm the complete object of %d bytes", u.offset+int64(n)))
	}
	u.offset += int64(n)
	u.buf = u.buf[:copy(u.buf, u.buf[n:])]
	return nil
}

// Close sends the whole chunks of what is buffered; the tail (under
// GCSChunkQuantum) waits for Commit.
func (u *gcsUpload) Close() error {
	if u.err != nil || u.closed {
		return u.err
	}
	u.closed = true
	if n := len(u.buf) - len(u.buf)%GCSChunkQuantum; n > 0 {
		if err := u.send(n, false); err != nil {
			return err
		}
	}
	tail := make([]byte, len(u.buf))
	copy(tail, u.buf)
	u.buf = tail
	return nil
}

// Commit sends the last chunk, which completes the object.
func (u *gcsUpload) Commit(ctx context.Context) error {
	if u.err != nil {
		return u.err
	}
	if !u.closed {
		return errors.New("commit before close")
	}
	u.ctx = ctx
	if err := u.send(len(u.buf), true); err != nil {
		return err
	}
	u.session = ""
	return nil
}

// Abort cancels the resumable upload session.
func (u *gcsUpload) Abort(ctx context.Context) error {
	u.buf = nil
	u.closed = true
	if u.err == nil {
		u.err = errors.New("upload aborted")
	}
	if u.session == "" {
		return nil
	}
	session := u.session
	u.session = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, session, nil)
	if err != nil {
		return err
	}
	auth, err := u.s.auth(ctx)
	if err != nil {
		return err
	}
	setAuth(req, auth)
	resp, err := u.s.client.Do(req)
	if err != nil {
		return err
	}
	drain(resp)
	return nil
}

// objectURL is the JSON API URL of object key.
func (s *GCS) objectURL(key string) string {
	return s.root + "/storage/v1/b/" + url.PathEscape(s.bucket) + "/o/" + url.PathEscape(key)
}

// get sends one GET (or DELETE) with retries of transient failures.
func (s *GCS) call(ctx context.Context, method, u, what string) (*http.Response, error) {
	var out *http.Response
	err := s.do(ctx, what, func(auth string) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, method, u, nil)
		if err != nil {
			return false, err
		}
		setAuth(req, auth)
		resp, err := s.client.Do(req)
		if err != nil {
			return true, err
		}
		if resp.StatusCode == http.StatusNotFound {
			drain(resp)
			return false, ErrNotFound
		}
		if resp.StatusCode/100 != 2 {
			defer drain(resp)
			return retryable(resp.StatusCode), statusError(resp)
		}
		out = resp
		return false, nil
	})
	return out, err
}

// List lists the objects under prefix.
func (s *GCS) List(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	token := ""
	for {
		u := s.root + "/storage/v1/b/" + url.PathEscape(s.bucket) + "/o?fields=items(name,size,updated),nextPageToken&prefix=" + url.QueryEscape(prefix)
		if token != "" {
			u += "&pageToken=" + url.QueryEscape(token)
		}
		resp, err := s.call(ctx, http.MethodGet, u, "listing")
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", s.URL(prefix), OneLine("Google Cloud Storage", "listing", err))
		}
		var page struct {
			Items []struct {
				Name    string `json:"name"`
				Size    string `json:"size"`
				Updated string `json:"updated"`
			} `json:"items"`
			NextPageToken string `json:"nextPageToken"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		drain(resp)
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", s.URL(prefix), err)
		}
		for _, it := range page.Items {
			size, _ := strconv.ParseInt(it.Size, 10, 64)
			modified, _ := civil.ParseTimestamp(it.Updated)
			out = append(out, Object{Key: it.Name, Size: size, Modified: modified})
		}
		if page.NextPageToken == "" {
			return out, nil
		}
		token = page.NextPageToken
	}
}

// Open reads object key.
func (s *GCS) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	resp, err := s.call(ctx, http.MethodGet, s.objectURL(key)+"?alt=media", "reading")
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", s.URL(key), ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.URL(key), OneLine("Google Cloud Storage", "read", err))
	}
	return resp.Body, nil
}

// Delete removes object key.
func (s *GCS) Delete(ctx context.Context, key string) error {
	resp, err := s.call(ctx, http.MethodDelete, s.objectURL(key), "deleting")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting %s: %w", s.URL(key), OneLine("Google Cloud Storage", "delete", err))
	}
	drain(resp)
	return nil
}
