package objstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// GCS parallel composite upload: an object written through Create is sent
// as component objects, one per chunk, GCSOptions.Parallel at a time in
// the background (a resumable session takes its chunks only in turn); the
// commit composes them into the object in one request, so the object
// appears whole, and deletes them. Components are hidden objects beside
// the object, "<dir>/.<name>.c-<nonce>-<n>", that query engines skip; the
// next commit of the same object deletes those a killed process left, and
// so does the recovery of the output folder (see IsComponent). An object
// of at most one chunk has no component: the chunk stays in memory and
// Commit puts the object in one request.

// componentRE matches the last segment of a component's name.
var componentRE = regexp.MustCompile(`^\..+\.c-[0-9a-z]+-(?:i\d+-)?\d{6}$`)

// IsComponent reports whether key names a component of a GCS composite
// upload: a hidden object that query engines skip, deleted by the commit
// or abort of its upload; one that a killed process left is deleted by the
// next commit of the same object, or by whoever recovers the folder once
// it is old enough to be a dead process's.
func IsComponent(key string) bool {
	return componentRE.MatchString(path.Base(key))
}

// componentSeqRE matches the sequence that ends a component's name.
var componentSeqRE = regexp.MustCompile(`(?:i\d+-)?\d{6}$`)

// ComponentUpload returns the name prefix shared by the components of the
// upload that component key belongs to (its Handle), or "" when key is
// not a component.
func ComponentUpload(key string) string {
	if !IsComponent(key) {
		return ""
	}
	return componentSeqRE.ReplaceAllString(key, "")
}

// gcsMaxCompose is the most sources one compose request takes.
const gcsMaxCompose = 32

// ComponentPrefix is the name prefix of the components of object key.
func ComponentPrefix(key string) string {
	dir, base := path.Split(key)
	return dir + "." + base + ".c-"
}

// gcsComposite is an object uploaded as components, composed at Commit.
type gcsComposite struct {
	s      *GCS
	ctx    context.Context
	cancel context.CancelFunc
	key    string
	prefix string // ComponentPrefix(key) + nonce + "-"
	w      *partWriter
	// first holds what was written while it fits in one chunk: an object
	// of at most one chunk is put whole by Commit, without components.
	// Once more comes, first goes to w and single turns false.
	first  []byte
	single bool
	mu     sync.Mutex
	names  []string // components sent, in no order
	parts  int      // components, once closed
	closed bool
	err    error
}

func (s *GCS) createComposite(ctx context.Context, key string) *gcsComposite {
	ctx, cancel := context.WithCancel(ctx)
	u := &gcsComposite{s: s, ctx: ctx, cancel: cancel, key: key, single: true,
		prefix: ComponentPrefix(key) + strconv.FormatUint(rand.Uint64()&0xffffffffff, 36) + "-"}
	u.w = newPartWriter(s.chunkSize, s.parallel, func() error { return nil }, u.sendComponent)
	return u
}

// component names component num (1, 2, …); the names sort in order.
func (u *gcsComposite) component(num int) string {
	return fmt.Sprintf("%s%06d", u.prefix, num)
}

func (u *gcsComposite) fail(err error) error {
	return fmt.Errorf("GCS upload to %s: %w", u.s.URL(u.key), OneLine("Google Cloud Storage", "upload", err))
}

// sendComponent uploads chunk num as its component object.
func (u *gcsComposite) sendComponent(num int, body []byte) error {
	name := u.component(num)
	if err := u.s.putSmall(u.ctx, name, body); err != nil {
		return u.fail(err)
	}
	u.mu.Lock()
	u.names = append(u.names, name)
	u.mu.Unlock()
	return nil
}

func (u *gcsComposite) Write(p []byte) (int, error) {
	if u.closed {
		return 0, errors.New("write after close")
	}
	if u.single {
		if len(u.first)+len(p) <= u.s.chunkSize {
			u.first = append(u.first, p...)
			return len(p), nil
		}
		// More than one chunk: the object goes as components.
		u.single = false
		first := u.first
		u.first = nil
		if _, err := u.w.write(first); err != nil {
			return 0, err
		}
	}
	return u.w.write(p)
}

// Close sends the last chunk and waits for every component: nothing but
// the chunk of an object of one chunk stays in memory until the commit.
func (u *gcsComposite) Close() error {
	if u.closed {
		return u.err
	}
	u.closed = true
	if u.single {
		return nil
	}
	u.err = u.w.flush()
	u.parts = u.w.n
	return u.err
}

// Commit composes the components into the object (through intermediate
// composites of 32 when there are more than 32), then deletes them.
func (u *gcsComposite) Commit(ctx context.Context) error {
	if !u.closed {
		return errors.New("commit before close")
	}
	if u.err != nil {
		return u.err
	}
	defer u.cancel()
	if u.single {
		err := u.s.putSmall(ctx, u.key, u.first)
		u.first = nil
		if err != nil {
			return u.fail(err)
		}
		return nil
	}
	names := make([]string, u.parts)
	for i := range names {
		names[i] = u.component(i + 1)
	}
	for level := 1; len(names) > gcsMaxCompose; level++ {
		var next []string
		for i := 0; i < len(names); i += gcsMaxCompose {
			name := fmt.Sprintf("%si%d-%06d", u.prefix, level, i/gcsMaxCompose)
			if err := u.s.compose(ctx, names[i:min(i+gcsMaxCompose, len(names))], name); err != nil {
				return u.fail(err)
			}
			next = append(next, name)
		}
		names = next
	}
	if err := u.s.compose(ctx, names, u.key); err != nil {
		return u.fail(err)
	}
	// The object is complete: the components go, with any a killed
	// upload of the same object left.
	_ = u.s.discard(context.WithoutCancel(ctx), u.key, ComponentPrefix(u.key))
	return nil
}

// Abort waits for the components in flight and deletes every component
// sent.
func (u *gcsComposite) Abort(ctx context.Context) error {
	u.w.stop()
	u.cancel()
	u.closed, u.first = true, nil
	if u.err == nil {
		u.err = errStopped
	}
	if u.single {
		return nil
	}
	u.mu.Lock()
	names := slices.Clone(u.names)
	u.names = nil
	u.mu.Unlock()
	// A component whose request was cancelled may have arrived anyway.
	if objs, err := u.s.List(ctx, u.prefix); err == nil {
		for _, o := range objs {
			if !slices.Contains(names, o.Key) {
				names = append(names, o.Key)
			}
		}
	}
	return u.s.deleteAll(ctx, names)
}

// handle is the name prefix of the upload's components: Discard deletes
// them; "" for an object of one chunk, which has none (asked after Close).
func (u *gcsComposite) handle() string {
	if u.single {
		return ""
	}
	return u.prefix
}

// discard deletes the components of key whose names start with prefix
// (the prefix of one upload's, from Handle, or of all).
func (s *GCS) discard(ctx context.Context, key, prefix string) error {
	if !strings.HasPrefix(prefix, ComponentPrefix(key)) {
		return fmt.Errorf("discarding the upload of %s: %q is not its components' prefix", s.URL(key), prefix)
	}
	objs, err := s.List(ctx, prefix)
	if err != nil {
		return err
	}
	names := make([]string, len(objs))
	for i, o := range objs {
		names[i] = o.Key
	}
	return s.deleteAll(ctx, names)
}

// deleteAll deletes objects, a few at a time.
func (s *GCS) deleteAll(ctx context.Context, names []string) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	sem := make(chan struct{}, 8)
	for _, n := range names {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := s.Delete(ctx, n); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// putSmall uploads body as object name in one request (retried after
// transient failures).
func (s *GCS) putSmall(ctx context.Context, name string, body []byte) error {
	return s.post(ctx, "sending data", s.uploadURL+"?uploadType=media&name="+url.QueryEscape(name), "application/octet-stream", body)
}

// post sends body to u in one request (retried on transient failures);
// what names the step in errors.
func (s *GCS) post(ctx context.Context, what, u, contentType string, body []byte) error {
	return s.do(ctx, what, func(auth string) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return false, err
		}
		req.ContentLength = int64(len(body))
		setAuth(req, auth)
		req.Header.Set("Content-Type", contentType)
		resp, err := s.client.Do(req)
		if err != nil {
			return true, err
		}
		defer drain(resp)
		if resp.StatusCode/100 != 2 {
			return retryable(resp.StatusCode), statusError(resp)
		}
		return false, nil
	})
}

// compose composes sources, in order, into object dest.
func (s *GCS) compose(ctx context.Context, sources []string, dest string) error {
	type source struct {
		Name string `json:"name"`
	}
	req := struct {
		SourceObjects []source `json:"sourceObjects"`
		Destination   struct {
			ContentType string `json:"contentType"`
		} `json:"destination"`
	}{}
	for _, n := range sources {
		req.SourceObjects = append(req.SourceObjects, source{n})
	}
	req.Destination.ContentType = "application/octet-stream"
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	return s.post(ctx, "composing", s.objectURL(dest)+"/compose", "application/json; charset=UTF-8", body)
}
