package outdir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"datagen/src/objstore"
)

// remote is the object storage side of a transaction (BeginRemote).
type remote struct {
	ctx    context.Context // of the uploads' requests
	store  objstore.Store
	prefix string
	mu     sync.Mutex
	files  map[string]*objstore.Hashed // table files being streamed, by rel
	order  []string
}

// abortTimeout bounds the requests that discard uploads after a failure.
const abortTimeout = time.Minute

// BeginRemote starts a transaction whose output folder is a prefix in
// object storage: table files (Create) stream straight to their objects,
// which appear only when Commit completes them; the run's small files
// (WriteFile, Path: metadata, manifests) are staged in a local scratch
// folder and uploaded by Commit after the tables, a part's manifest
// last. A failed or cancelled run aborts its uploads and leaves no object
// under a final name. ctx bounds the uploads' requests.
func BeginRemote(ctx context.Context, store objstore.Store, prefix string, opts Options) (*Tx, error) {
	scratch := opts.Scratch
	if scratch == "" {
		scratch = os.TempDir()
	}
	run, err := os.MkdirTemp(scratch, "datagen-remote-")
	if err != nil {
		return nil, fmt.Errorf("creating the scratch folder: %w", err)
	}
	t := &Tx{dir: store.URL(prefix), run: run, opts: opts,
		remote: &remote{ctx: ctx, store: store, prefix: prefix, files: map[string]*objstore.Hashed{}}}
	if err := os.Mkdir(t.stage(), 0o755); err != nil {
		t.cleanup()
		return nil, fmt.Errorf("creating the scratch folder: %w", err)
	}
	return t, nil
}

// Remote reports whether the transaction writes to object storage.
func (t *Tx) Remote() bool { return t.remote != nil }

// RemoteFile is a table file streamed to its object (a sink.Destination).
type RemoteFile struct {
	t   *Tx
	rel string
	up  *objstore.Hashed
}

// Write streams p to the object.
func (f *RemoteFile) Write(p []byte) (int, error) { return f.up.Write(p) }

// Close sends what can be sent before the commit.
func (f *RemoteFile) Close() error { return f.up.Close() }

// Abort discards the upload; the transaction forgets the file.
func (f *RemoteFile) Abort() {
	r := f.t.remote
	r.mu.Lock()
	if r.files[f.rel] == f.up {
		delete(r.files, f.rel)
		r.order = slices.DeleteFunc(r.order, func(s string) bool { return s == f.rel })
	}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
	defer cancel()
	_ = f.up.Abort(ctx)
}

// Create starts table file rel (slash-separated, relative to the output
// folder) of a remote transaction: its bytes stream to the object, which
// Commit completes.
func (t *Tx) Create(rel string) (*RemoteFile, error) {
	if t.remote == nil {
		return nil, errors.New("create of a remote file in a local transaction")
	}
	r := t.remote
	up, err := r.store.Create(r.ctx, r.prefix+rel)
	if err != nil {
		return nil, err
	}
	h := objstore.NewHashed(up)
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.files[rel]; old != nil {
		_ = old.Abort(context.WithoutCancel(r.ctx))
	} else {
		r.order = append(r.order, rel)
	}
	r.files[rel] = h
	return &RemoteFile{t: t, rel: rel, up: h}, nil
}

// digest returns the size and SHA-256 of a streamed file.
func (r *remote) digest(rel string) (int64, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.files[rel]
	if h == nil {
		return 0, "", fmt.Errorf("hashing %s: no such file in the run", rel)
	}
	return h.Size(), h.SHA256(), nil
}

// commitRemote completes the streamed objects, then uploads the staged
// small files (part manifests last). On failure or cancellation it
// deletes what it completed and aborts the rest.
func (t *Tx) commitRemote(ctx context.Context) error {
	r := t.remote
	r.mu.Lock()
	order := slices.Clone(r.order)
	r.mu.Unlock()
	var small, manifests []string
	err := filepath.WalkDir(t.stage(), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(t.stage(), p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if _, ok := ParseMetadataFile(rel); ok || rel == MetadataFile(Part{}) {
			manifests = append(manifests, rel)
		} else {
			small = append(small, rel)
		}
		return nil
	})
	if err != nil {
		return t.failRemote(nil, fmt.Errorf("listing the staged files: %w", err))
	}
	var done []string
	for _, rel := range order {
		if err := t.check(ctx, rel); err != nil {
			return t.failRemote(done, err)
		}
		if err := r.files[rel].Commit(ctx); err != nil {
			return t.failRemote(done, fmt.Errorf("publishing %s: %w", rel, err))
		}
		done = append(done, rel)
	}
	for _, rel := range append(small, manifests...) {
		if err := t.check(ctx, rel); err != nil {
			return t.failRemote(done, err)
		}
		f, err := os.Open(t.Path(rel))
		if err != nil {
			return t.failRemote(done, err)
		}
		err = r.store.Put(ctx, r.prefix+rel, f)
		f.Close()
		if err != nil {
			return t.failRemote(done, fmt.Errorf("publishing %s: %w", rel, err))
		}
		done = append(done, rel)
	}
	if err := t.check(ctx, ""); err != nil {
		return t.failRemote(done, err)
	}
	r.mu.Lock()
	r.files, r.order = map[string]*objstore.Hashed{}, nil
	r.mu.Unlock()
	t.done = true
	return nil
}

// failRemote deletes the objects a failed commit published (done, in
// reverse) and aborts the uploads it did not complete.
func (t *Tx) failRemote(done []string, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
	defer cancel()
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		if err := t.remote.store.Delete(ctx, t.remote.prefix+done[i]); err != nil {
			errs = append(errs, err)
		}
	}
	t.abortRemote(ctx)
	if len(errs) > 0 {
		return errors.Join(cause, fmt.Errorf("rolling back: %w", errors.Join(errs...)))
	}
	return cause
}

// abortRemote aborts every upload not yet completed.
func (t *Tx) abortRemote(ctx context.Context) {
	r := t.remote
	r.mu.Lock()
	files := r.files
	r.files, r.order = map[string]*objstore.Hashed{}, nil
	r.mu.Unlock()
	for _, h := range files {
		_ = h.Abort(ctx)
	}
}

// RemoteFolder is the Folder of a prefix in object storage.
type RemoteFolder struct {
	Store  objstore.Store
	Prefix string
}

// List lists the objects under the prefix.
func (f RemoteFolder) List(ctx context.Context) ([]Entry, error) {
	objs, err := f.Store.List(ctx, f.Prefix)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(objs))
	for _, o := range objs {
		out = append(out, Entry{Path: strings.TrimPrefix(o.Key, f.Prefix), Size: o.Size})
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// Open reads object rel.
func (f RemoteFolder) Open(ctx context.Context, rel string) (io.ReadCloser, error) {
	return f.Store.Open(ctx, f.Prefix+rel)
}

// WriteFile uploads object rel (an object appears whole or not at all).
func (f RemoteFolder) WriteFile(ctx context.Context, rel string, data []byte) error {
	return f.Store.Put(ctx, f.Prefix+rel, strings.NewReader(string(data)))
}

// Remove deletes object rel; a missing object is not an error.
func (f RemoteFolder) Remove(ctx context.Context, rel string) error {
	return f.Store.Delete(ctx, f.Prefix+rel)
}

func (f RemoteFolder) String() string { return f.Store.URL(f.Prefix) }
