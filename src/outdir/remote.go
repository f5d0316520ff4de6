package outdir

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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

	"datagen/src/civil"
	"datagen/src/input"
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
		if opts.Scratch == "" {
			// A read-only container without a writable /tmp, or TMPDIR
			// naming a folder that is not there.
			return nil, input.User(fmt.Errorf("creating the scratch folder: %w; a run into object storage keeps its small files "+
				"in a local temporary folder: set TMPDIR to a writable folder (in a container, mount one such as an emptyDir at /tmp)", err))
		}
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
// small files (part manifests last), under a journal in the store (see
// rjournal.go): before the first object appears it recovers what an
// interrupted commit of the same part left, writes its journal and
// removes the part's earlier manifest; after the last it removes the
// journal. On failure or cancellation it rolls back what it published
// (see failRemote) and aborts the uploads.
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
	if err := context.Cause(ctx); err != nil {
		return t.failRemote(nil, fmt.Errorf("commit stopped: %w", err))
	}
	j, jrel, err := t.remoteJournal(order, small, manifests)
	if err != nil {
		return t.failRemote(nil, err)
	}
	begun := false
	// publish publishes object rel with put: after the checks that come
	// before every object (the context, the journal written before the
	// first, still this commit's own), and once rel counts as published
	// (a failed put may still have completed at the store).
	publish := func(rel string, put func() error) error {
		if err := t.check(ctx, rel); err != nil {
			return err
		}
		if !begun {
			begun = true
			if err := t.beginRemote(ctx, j, jrel); err != nil {
				return err
			}
		}
		if err := t.ownJournal(ctx, j, rel); err != nil {
			return err
		}
		j.published = append(j.published, rel)
		if err := put(); err != nil {
			return fmt.Errorf("publishing %s: %w", rel, err)
		}
		return nil
	}
	for _, rel := range order {
		if err := publish(rel, func() error { return r.files[rel].Commit(ctx) }); err != nil {
			return t.failRemote(j, err)
		}
	}
	for _, rel := range append(small, manifests...) {
		f, err := os.Open(t.Path(rel))
		if err != nil {
			return t.failRemote(j, err)
		}
		err = publish(rel, func() error { return r.store.Put(ctx, r.prefix+rel, f) })
		f.Close()
		if err != nil {
			return t.failRemote(j, err)
		}
	}
	if err := t.check(ctx, ""); err != nil {
		return t.failRemote(j, err)
	}
	r.mu.Lock()
	r.files, r.order = map[string]*objstore.Hashed{}, nil
	r.mu.Unlock()
	t.done = true
	if begun {
		// The commit is complete: a journal that stays (its removal
		// failed) is rolled forward by whoever finds it. Another run's
		// journal stays.
		_ = removeOwnJournal(context.WithoutCancel(ctx), RemoteFolder{Store: r.store, Prefix: r.prefix}, j)
	}
	return nil
}

// ownJournal checks, before the commit publishes its last object rel
// (which completes the part), that its journal is still there and still
// its own: when another run of the same part has recovered it (taking it
// for a dead process's) or replaced it, the commit fails and rolls back.
func (t *Tx) ownJournal(ctx context.Context, j *remoteJournal, rel string) error {
	if rel != j.Last {
		return nil
	}
	r := t.remote
	got, err := readJournal(ctx, RemoteFolder{Store: r.store, Prefix: r.prefix}, j.begun)
	switch {
	case errors.Is(err, objstore.ErrNotFound):
		return fmt.Errorf("the commit journal %s is gone: another run of the same output committed meanwhile (two runs of one part at the same time are not supported)", r.store.URL(r.prefix+j.begun))
	case err != nil:
		return fmt.Errorf("checking the commit journal: %w", err)
	case got.Nonce != j.Nonce:
		return fmt.Errorf("the commit journal %s is another run's: another run of the same output committed meanwhile (two runs of one part at the same time are not supported)", r.store.URL(r.prefix+j.begun))
	}
	return nil
}

// removeOwnJournal removes the commit's journal when it is still its own
// (the journal of another run of the same part stays).
func removeOwnJournal(ctx context.Context, folder Folder, j *remoteJournal) error {
	got, err := readJournal(ctx, folder, j.begun)
	switch {
	case errors.Is(err, objstore.ErrNotFound):
		return nil
	case err != nil:
		return err
	case got.Nonce != j.Nonce:
		return nil
	}
	return folder.Remove(ctx, j.begun)
}

// remoteJournal prepares the journal of the commit of the tables, small
// files and manifests, and returns it with its name.
func (t *Tx) remoteJournal(tables, small, manifests []string) (*remoteJournal, string, error) {
	r := t.remote
	part := Part{}
	for _, m := range manifests {
		if p, ok := ParseMetadataFile(m); ok {
			part = p
		}
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return nil, "", err
	}
	j := &remoteJournal{Started: civil.FormatTimestamp(time.Now().UnixMicro()), Nonce: hex.EncodeToString(nonce), Manifests: manifests}
	for _, rel := range tables {
		j.Objects = append(j.Objects, journalObject{Path: rel, Upload: objstore.Handle(r.files[rel])})
	}
	for _, rel := range append(small, manifests...) {
		j.Objects = append(j.Objects, journalObject{Path: rel})
	}
	if len(j.Objects) == 0 {
		return j, JournalFile(part), nil
	}
	j.Last = j.Objects[len(j.Objects)-1].Path
	var err error
	if len(small)+len(manifests) > 0 {
		var f *os.File
		if f, err = os.Open(t.Path(j.Last)); err == nil {
			_, j.LastSHA256, err = hashReader(f)
			f.Close()
		}
	} else {
		_, j.LastSHA256, err = r.digest(j.Last)
	}
	if err != nil {
		return nil, "", err
	}
	return j, JournalFile(part), nil
}

// beginRemote recovers an interrupted commit of the same part, writes
// the journal and removes the part's earlier manifests and the entries of
// Options.Remove.
func (t *Tx) beginRemote(ctx context.Context, j *remoteJournal, jrel string) error {
	r := t.remote
	folder := RemoteFolder{Store: r.store, Prefix: r.prefix}
	if _, err := recoverJournal(ctx, folder, jrel, time.Now(), time.Time{}, 0); err != nil {
		return fmt.Errorf("recovering an interrupted commit: %w", err)
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if err := folder.WriteFile(ctx, jrel, b); err != nil {
		return fmt.Errorf("writing the commit journal %s: %w", jrel, err)
	}
	j.begun = jrel
	// What is removed is read first: a commit that fails before it
	// publishes anything puts it back.
	remove := func(rel string) error {
		b, err := readAll(ctx, folder, rel)
		switch {
		case errors.Is(err, objstore.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		j.earlier = append(j.earlier, earlierObject{rel, b})
		return folder.Remove(ctx, rel)
	}
	for _, m := range j.Manifests {
		if err := remove(m); err != nil {
			return fmt.Errorf("removing the earlier %s: %w", m, err)
		}
	}
	for _, rel := range t.opts.Remove {
		if !slices.Contains(j.Manifests, rel) {
			if err := remove(rel); err != nil {
				return fmt.Errorf("removing %s: %w", rel, err)
			}
		}
	}
	return nil
}

// readAll reads object rel of folder.
func readAll(ctx context.Context, folder Folder, rel string) ([]byte, error) {
	r, err := folder.Open(ctx, rel)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// failRemote rolls back a failed commit once its journal is written: the
// objects it published (or tried to: a failed request may have completed)
// are deleted, last first, and when it published none, the objects it
// removed (the part's earlier manifest) are put back, so that an earlier
// run's output of the same names stays as it was; then the journal is
// removed. The uploads not completed are aborted. (A journal that a
// killed process leaves is rolled back whole: see rollBack.)
func (t *Tx) failRemote(j *remoteJournal, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
	defer cancel()
	var errs []error
	if j != nil && j.begun != "" {
		folder := RemoteFolder{Store: t.remote.store, Prefix: t.remote.prefix}
		for i := len(j.published) - 1; i >= 0; i-- {
			if err := folder.Remove(ctx, j.published[i]); err != nil {
				errs = append(errs, err)
			}
		}
		if len(j.published) == 0 {
			for _, e := range j.earlier {
				if err := folder.WriteFile(ctx, e.path, e.data); err != nil {
					errs = append(errs, fmt.Errorf("putting back the earlier %s: %w", e.path, err))
				}
			}
		}
		if len(errs) == 0 {
			if err := removeOwnJournal(ctx, folder, j); err != nil {
				errs = append(errs, fmt.Errorf("removing the journal %s: %w", j.begun, err))
			}
		}
	}
	t.abortRemote(ctx)
	if len(errs) > 0 {
		return errors.Join(cause, fmt.Errorf("rolling back the commit: %w", errors.Join(errs...)))
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
		out = append(out, Entry{Path: strings.TrimPrefix(o.Key, f.Prefix), Size: o.Size, Modified: o.Modified})
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
