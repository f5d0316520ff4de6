package outdir

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"datagen/src/civil"
	"datagen/src/objstore"
)

// A commit into object storage cannot rename, so it keeps its journal in
// the store itself: before the first object of a part appears it writes
// .datagen-journal[.part-K-of-N].json naming every object it publishes
// (and the multipart uploads still pending), then removes the part's
// earlier manifest, publishes the tables, the small files and the
// manifest last, and removes the journal. A journal found later belongs to
// a commit whose process died: when the manifest it names is there with
// the content it records, the commit had finished and only the journal
// is removed (rolled forward); otherwise every object it names is
// deleted, manifest first, and its pending uploads discarded (rolled
// back), so that the part is whole or absent. The next run of the same
// part recovers its journal before committing, Finalize every journal old
// enough to be a dead process's, and a follow stream, the one writer of
// its prefix, every window's journal when it starts. The journal carries
// a nonce: the commit checks that it is still its own before publishing
// its last object and before removing it.

// journalRE matches the name of a remote commit's journal.
var journalRE = regexp.MustCompile(`^\.datagen-journal(?:\.(part-\d+-of-\d+))?\.json$`)

// JournalFile returns the name of the journal of part p's commit into
// object storage.
func JournalFile(p Part) string {
	if p.Whole() {
		return ".datagen-journal.json"
	}
	return ".datagen-journal." + p.Name() + ".json"
}

// ParseJournalFile reads the part of a journal name written by
// JournalFile; ok is false for any other name.
func ParseJournalFile(name string) (Part, bool) {
	m := journalRE.FindStringSubmatch(name)
	switch {
	case m == nil:
		return Part{}, false
	case m[1] == "":
		return Part{}, true
	}
	return ParsePartName(m[1])
}

// remoteJournal is the journal of a commit into object storage.
type remoteJournal struct {
	// Started is when the commit began (RFC 3339, UTC).
	Started string `json:"started"`
	// Nonce is random: a commit checks that the journal is still its own
	// before it publishes its last object and before it removes it.
	Nonce string `json:"nonce,omitempty"`
	// Objects are what the commit publishes, in order; the last is the
	// part's manifest when it has one.
	Objects []journalObject `json:"objects"`
	// Last is the object published last and LastSHA256 its content's
	// hash: when it is there with that hash, the commit had finished.
	Last       string `json:"last"`
	LastSHA256 string `json:"last_sha256"`
	// Manifests are the manifests the commit replaces, removed before its
	// first object is published.
	Manifests []string `json:"manifests,omitempty"`

	// begun is the journal's name once it is written, published the
	// objects the commit published (or tried to), and earlier the objects
	// it removed before, with their content (the commit's own copy).
	begun     string
	published []string
	earlier   []earlierObject
}

// earlierObject is an object a commit removed, with its content.
type earlierObject struct {
	path string
	data []byte
}

// journalObject is an object of the commit and, while its upload is
// pending, the upload's handle (objstore.Handle).
type journalObject struct {
	Path   string `json:"path"`
	Upload string `json:"upload,omitempty"`
}

// JournalGrace is how old a journal must be before Finalize takes it
// for a dead process's: a younger one may be a commit in progress.
const JournalGrace = 10 * time.Minute

// Recovery is what recovering a journal found and did.
type Recovery struct {
	// Journal is the journal's name; Part the part it commits.
	Journal string
	Part    Part
	// Started is when the commit began.
	Started time.Time
	// Forward: the commit had finished; only the journal was removed.
	Forward bool
	// Young: the journal is younger than the grace period and was left
	// alone (the commit may be in progress).
	Young bool
	// Removed are the objects a rollback deleted.
	Removed []string

	// objects are the objects a young journal names.
	objects []string
}

// String tells what the recovery did, for messages.
func (r Recovery) String() string {
	who, rerun, wait := "the commit", "", ""
	if !r.Part.Whole() {
		who, rerun, wait = fmt.Sprintf("part %d's commit", r.Part.K), "; rerun the part", "; finalize again after it ends, or rerun the part"
	}
	switch {
	case r.Young:
		return fmt.Sprintf("%s began at %s and has not finished (%s): it may still be running%s", who, r.Started.Format(time.RFC3339), r.Journal, wait)
	case r.Forward:
		return fmt.Sprintf("%s had finished; removed its journal %s", who, r.Journal)
	}
	return fmt.Sprintf("%s, begun at %s, was interrupted (%s): rolled back, %d object(s) removed%s", who, r.Started.Format(time.RFC3339), r.Journal, len(r.Removed), rerun)
}

// discarder is a Folder whose pending uploads can be discarded.
type discarder interface {
	discard(ctx context.Context, rel, handle string) error
}

func (f RemoteFolder) discard(ctx context.Context, rel, handle string) error {
	return objstore.Discard(ctx, f.Store, f.Prefix+rel, handle)
}

// recoverJournal recovers journal rel of folder: it rolls the commit
// forward or back (see above). A journal younger than grace at now is
// left alone and reported Young; its age runs from modified, the time the
// store wrote it (its own clock: that of the writer may be off), or when
// that is zero from the Started time it records. Grace 0 recovers any
// journal (the next run of the same part). A missing journal returns nil.
func recoverJournal(ctx context.Context, folder Folder, rel string, now, modified time.Time, grace time.Duration) (*Recovery, error) {
	p, _ := ParseJournalFile(rel)
	j, err := readJournal(ctx, folder, rel)
	if errors.Is(err, objstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rec := &Recovery{Journal: rel, Part: p}
	rec.Started, _ = civil.ParseTimestamp(j.Started)
	done, err := finished(ctx, folder, j)
	if err != nil {
		return nil, err
	}
	if done {
		rec.Forward = true
		if err := folder.Remove(ctx, rel); err != nil {
			return nil, fmt.Errorf("removing the journal %s: %w", rel, err)
		}
		return rec, nil
	}
	if modified.IsZero() {
		modified = rec.Started
	}
	if grace > 0 && now.Sub(modified) < grace {
		rec.Young = true
		for _, o := range j.Objects {
			rec.objects = append(rec.objects, o.Path)
		}
		return rec, nil
	}
	rec.Removed, err = rollBack(ctx, folder, rel, j)
	return rec, err
}

// readJournal reads and decodes journal rel.
func readJournal(ctx context.Context, folder Folder, rel string) (*remoteJournal, error) {
	var j remoteJournal
	if err := ReadJSON(ctx, folder, rel, "a commit journal", &j); err != nil {
		return nil, err
	}
	for _, o := range j.Objects {
		if o.Path == "" || strings.HasPrefix(o.Path, "/") || strings.Contains("/"+o.Path+"/", "/../") {
			return nil, fmt.Errorf("%s: not a commit journal: object %q", rel, o.Path)
		}
	}
	return &j, nil
}

// finished reports whether the journal's last object is there with the
// content it records.
func finished(ctx context.Context, folder Folder, j *remoteJournal) (bool, error) {
	if j.Last == "" {
		return false, nil
	}
	r, err := folder.Open(ctx, j.Last)
	if errors.Is(err, objstore.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer r.Close()
	_, sum, err := hashReader(r)
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", j.Last, err)
	}
	return sum == j.LastSHA256, nil
}

// rollBack deletes the journal's objects (manifests first, then in
// reverse order), discards its pending uploads and removes the journal
// last, so that a rollback interrupted in turn is finished by the next.
func rollBack(ctx context.Context, folder Folder, rel string, j *remoteJournal) ([]string, error) {
	var removed []string
	var errs []error
	remove := func(p string) {
		if err := folder.Remove(ctx, p); err != nil {
			errs = append(errs, err)
			return
		}
		removed = append(removed, p)
	}
	for _, m := range j.Manifests {
		remove(m)
	}
	for i := len(j.Objects) - 1; i >= 0; i-- {
		if o := j.Objects[i]; !slices.Contains(j.Manifests, o.Path) {
			remove(o.Path)
		}
	}
	if d, ok := folder.(discarder); ok {
		for _, o := range j.Objects {
			if err := d.discard(ctx, o.Path, o.Upload); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("rolling back the commit of %s: %w", rel, errors.Join(errs...))
	}
	if err := folder.Remove(ctx, rel); err != nil {
		return removed, fmt.Errorf("removing the journal %s: %w", rel, err)
	}
	return removed, nil
}

// RecoverRemote recovers the journals of the window folders of generate
// --follow under prefix, <window>/.datagen-journal.json one level down
// (no other journal: not the prefix's own, nor a part's, nor one deeper),
// that are at least grace old at now or had finished, and returns what
// it found; then it
// deletes the GCS components that a process killed before its commit
// left under prefix (see sweepComponents) and returns their number.
func RecoverRemote(ctx context.Context, store objstore.Store, prefix string, now time.Time, grace time.Duration) ([]Recovery, int, error) {
	objs, err := store.List(ctx, prefix)
	if err != nil {
		return nil, 0, err
	}
	var out, young []Recovery
	entries := make([]Entry, 0, len(objs))
	for _, o := range objs {
		entries = append(entries, Entry{Path: strings.TrimPrefix(o.Key, prefix), Size: o.Size, Modified: o.Modified})
	}
	for _, o := range objs {
		rel := strings.TrimPrefix(o.Key, prefix)
		dir, base := path.Split(rel)
		if base != JournalFile(Part{}) || dir == "" || strings.Count(dir, "/") != 1 {
			continue
		}
		rec, err := recoverJournal(ctx, RemoteFolder{Store: store, Prefix: prefix + dir}, base, now, o.Modified, grace)
		if err != nil {
			return out, 0, err
		}
		if rec != nil {
			rec.Journal = rel
			out = append(out, *rec)
			if rec.Young {
				young = append(young, *rec)
			}
		}
	}
	n, err := sweepComponents(ctx, RemoteFolder{Store: store, Prefix: prefix}, entries, young, now, grace)
	return out, n, err
}

// sweepComponents deletes the GCS components (objstore.IsComponent) among
// entries, the listing of folder, that a process killed before its commit
// left: those of an upload whose newest component is at least grace old
// at now (the store's time; an upload of unknown age only when grace is
// 0) and whose object no young journal names (young: the journals left
// alone, paths relative to folder). It returns how many it deleted.
func sweepComponents(ctx context.Context, folder Folder, entries []Entry, young []Recovery, now time.Time, grace time.Duration) (int, error) {
	newest := map[string]time.Time{}
	var comps []string
	for _, e := range entries {
		up := objstore.ComponentUpload(e.Path)
		if up == "" {
			continue
		}
		comps = append(comps, e.Path)
		if t, ok := newest[up]; !ok || e.Modified.After(t) {
			newest[up] = e.Modified
		}
	}
	if len(comps) == 0 {
		return 0, nil
	}
	var named []string
	for _, r := range young {
		dir := path.Dir(r.Journal)
		for _, o := range r.objects {
			named = append(named, objstore.ComponentPrefix(path.Join(dir, o)))
		}
	}
	removed := 0
	for _, c := range comps {
		up := objstore.ComponentUpload(c)
		t := newest[up]
		if grace > 0 && (t.IsZero() || now.Sub(t) < grace) {
			continue
		}
		if slices.ContainsFunc(named, func(p string) bool { return strings.HasPrefix(up, p) }) {
			continue
		}
		if err := folder.Remove(ctx, c); err != nil {
			return removed, fmt.Errorf("removing the upload component %s: %w", c, err)
		}
		removed++
	}
	return removed, nil
}
