package outdir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"datagen/src/input"
)

// scratchSuffix ends the name of the default scratch folder.
const scratchSuffix = ".datagen-tmp"

// runPrefix starts the name of a run's folder in the scratch folder;
// initPrefix the name it has until it is locked.
const (
	runPrefix  = "run-"
	initPrefix = "init-"
)

// initStaleAge is the age after which an unlocked folder with initPrefix
// is left over from a process that died while creating it.
const initStaleAge = time.Minute

// legacyTempRE matches the hidden temporary files earlier versions wrote
// beside the final files: ".<name>.tmp-<random>".
var legacyTempRE = regexp.MustCompile(`^\..+\.tmp-[0-9a-z]+$`)

// keepName is an entry that replaced folders keep (placeholders of
// repositories and data folder templates).
const keepName = ".gitkeep"

// Options configure a transaction.
type Options struct {
	// Scratch is the scratch folder; empty means DefaultScratch(dir), with
	// the fallback described in the package documentation.
	Scratch string
	// Folders lists subfolders of the output folder (slash-separated,
	// relative) whose entries are committed one by one, such as "tables"
	// of a Keboola out folder. Any other staged entry of the root is one
	// unit: a file, or a folder replaced as a whole.
	Folders []string
	// Replace lists folders ("" for the root, or one of Folders) whose
	// entries the run did not produce are removed by the commit (entries
	// named .gitkeep stay). Without it, earlier files of other names are
	// left as they are.
	Replace []string
	// Remove lists entries (slash-separated, relative to the output
	// folder) that the commit removes before it publishes anything, unless
	// the run staged them: a part's commit removes the folder's
	// .metadata.json, which no longer describes the folder once a part
	// changes. A local commit that fails puts them back.
	Remove []string
	// Step, when set, is called before each step of the commit with the
	// entry it is about to publish, and with "" before the final check. An
	// error it returns fails the commit, which then rolls back. It lets
	// tests fail or cancel a commit at any point.
	Step func(entry string) error
}

// Tx stages the files of a run and publishes them together.
type Tx struct {
	dir     string
	scratch string
	run     string // this run's folder in scratch
	opts    Options
	unlock  func()
	created []string // folders Begin or Commit created, deepest last
	swept   int
	done    bool
	remote  *remote // object storage output (BeginRemote)
}

// DefaultScratch returns the default scratch folder of output folder dir:
// the hidden sibling "<parent>/.<base>.datagen-tmp".
func DefaultScratch(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = filepath.Clean(dir)
	}
	return filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+scratchSuffix)
}

// CheckDir returns a user error when output folder dir exists and is
// not a folder; a folder that does not exist yet is fine.
func CheckDir(dir string) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return input.User(fmt.Errorf("%s exists and is not a folder", dir))
	}
	return nil
}

// Begin starts a transaction on output folder dir: it sweeps stale
// temporary files of earlier runs and creates this run's staging folder.
// Nothing under dir changes until Commit.
func Begin(dir string, opts Options) (*Tx, error) {
	// Checked before any work, so that a run does not generate everything
	// and then fail to publish it.
	if err := CheckDir(dir); err != nil {
		return nil, err
	}
	t := &Tx{dir: dir, opts: opts}
	if err := t.chooseScratch(); err != nil {
		t.cleanup()
		return nil, err
	}
	t.sweep()
	// The run folder is created and locked under a name the sweep leaves
	// alone, then renamed: another run's sweep never sees it unlocked.
	var init string
	for range 100 {
		init = filepath.Join(t.scratch, initPrefix+strconv.FormatUint(rand.Uint64()&0xffffffffff, 36))
		err := os.Mkdir(init, 0o755)
		if errors.Is(err, fs.ErrNotExist) {
			// A run that just finished removed the empty scratch folder.
			err = os.MkdirAll(t.scratch, 0o755)
			if err == nil {
				init = ""
				continue
			}
		}
		if errors.Is(err, fs.ErrExist) {
			init = ""
			continue
		}
		if err != nil {
			t.cleanup()
			return nil, fmt.Errorf("creating the scratch folder: %w", err)
		}
		break
	}
	if init == "" {
		t.cleanup()
		return nil, errors.New("creating the scratch folder: too many name collisions")
	}
	unlock, err := lockDir(init)
	if err != nil {
		_ = os.Remove(init)
		t.cleanup()
		return nil, fmt.Errorf("locking the scratch folder: %w", err)
	}
	t.unlock = unlock
	run := filepath.Join(t.scratch, runPrefix+strings.TrimPrefix(filepath.Base(init), initPrefix))
	if err := os.Rename(init, run); err != nil {
		_ = os.Remove(init)
		t.cleanup()
		return nil, fmt.Errorf("creating the scratch folder: %w", err)
	}
	t.run = run
	for _, d := range []string{t.stage(), t.old()} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.cleanup()
			return nil, fmt.Errorf("creating the scratch folder: %w", err)
		}
	}
	for _, f := range opts.Folders {
		if err := os.MkdirAll(t.Path(f), 0o755); err != nil {
			t.cleanup()
			return nil, fmt.Errorf("creating the scratch folder: %w", err)
		}
	}
	return t, nil
}

// chooseScratch picks and creates the scratch folder: Options.Scratch,
// else the hidden sibling of the output folder when it can be created on
// the output's filesystem, else a hidden folder inside the output folder.
func (t *Tx) chooseScratch() error {
	if t.opts.Scratch != "" {
		t.scratch = t.opts.Scratch
		return t.mkdirAll(t.scratch)
	}
	sib := DefaultScratch(t.dir)
	if err := t.mkdirAll(sib); err == nil {
		if same, err := sameDevice(sib, t.dir); err == nil && same {
			t.scratch = sib
			return nil
		}
		_ = os.Remove(sib)
	}
	t.scratch = filepath.Join(t.dir, scratchSuffix)
	return t.mkdirAll(t.scratch)
}

// mkdirAll creates dir and its missing parents, remembering which it
// created so that an aborted run removes them again.
func (t *Tx) mkdirAll(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if p := filepath.Dir(d); p == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := len(missing) - 1; i >= 0; i-- {
		t.created = append(t.created, missing[i])
	}
	return nil
}

// sweep removes run folders that no live run holds and the hidden
// temporary files of earlier versions in the output folders.
func (t *Tx) sweep() {
	if entries, err := os.ReadDir(t.scratch); err == nil {
		for _, e := range entries {
			p := filepath.Join(t.scratch, e.Name())
			switch {
			case !e.IsDir():
			case strings.HasPrefix(e.Name(), runPrefix):
				if stale(p) && recoverRun(p) == nil {
					t.swept++
				}
			case strings.HasPrefix(e.Name(), initPrefix):
				if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > initStaleAge && stale(p) && os.Remove(p) == nil {
					t.swept++
				}
			}
		}
	}
	for _, f := range append([]string{""}, t.opts.Folders...) {
		d := filepath.Join(t.dir, filepath.FromSlash(f))
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if legacyTempRE.MatchString(e.Name()) && os.RemoveAll(filepath.Join(d, e.Name())) == nil {
				t.swept++
			}
		}
	}
}

// Swept returns the number of stale temporary entries Begin removed.
func (t *Tx) Swept() int { return t.swept }

func (t *Tx) stage() string { return filepath.Join(t.run, "new") }
func (t *Tx) old() string   { return filepath.Join(t.run, "old") }

// Path returns where entry rel (slash-separated, relative to the output
// folder) is staged. Whatever is written there is published by Commit
// under dir/rel.
func (t *Tx) Path(rel string) string {
	return filepath.Join(t.stage(), filepath.FromSlash(rel))
}

// WriteFile stages a file with content data.
func (t *Tx) WriteFile(rel string, data []byte) error {
	p := t.Path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("staging %s: %w", rel, err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return fmt.Errorf("staging %s: %w", rel, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("staging %s: %w", rel, err)
	}
	return nil
}

// units lists the staged entries, each published by one rename.
func (t *Tx) units() ([]string, error) {
	var out []string
	var walk func(rel string) error
	walk = func(rel string) error {
		entries, err := os.ReadDir(t.Path(rel))
		if err != nil {
			return err
		}
		for _, e := range entries {
			r := e.Name()
			if rel != "" {
				r = rel + "/" + r
			}
			if e.IsDir() && slices.Contains(t.opts.Folders, r) {
				if err := walk(r); err != nil {
					return err
				}
				continue
			}
			out = append(out, r)
		}
		return nil
	}
	return out, walk("")
}

// step is one published entry, for the rollback.
type step struct {
	rel    string
	old    bool // an earlier entry was moved aside
	placed bool // the new entry was renamed in
}

// Commit publishes every staged entry in one transaction (see the package
// documentation). On failure or cancellation it rolls back and returns
// the error; the transaction is then finished either way.
func (t *Tx) Commit(ctx context.Context) error {
	if t.done {
		return errors.New("commit of a finished transaction")
	}
	if t.remote != nil {
		err := t.commitRemote(ctx)
		t.cleanup()
		return err
	}
	// Not deferred: a process that dies in the middle of the commit
	// leaves the run folder with its journal for the next run to roll back.
	err := t.commit(ctx)
	t.cleanup()
	return err
}

// journal records a commit in progress: what it publishes and removes,
// so that the next run can roll back a commit its process did not finish.
type journal struct {
	Dir      string   `json:"dir"`
	Units    []string `json:"units"`
	Removals []string `json:"removals"`
}

const (
	journalFile   = "journal.json"
	committedFile = "committed"
)

func (t *Tx) commit(ctx context.Context) error {
	units, err := t.units()
	if err != nil {
		return fmt.Errorf("listing the staged files: %w", err)
	}
	staged := map[string]bool{}
	for _, u := range units {
		staged[u] = true
	}
	var removals []string
	for _, f := range t.opts.Replace {
		entries, err := os.ReadDir(filepath.Join(t.dir, filepath.FromSlash(f)))
		if err != nil {
			continue
		}
		for _, e := range entries {
			r := e.Name()
			if f != "" {
				r = f + "/" + r
			}
			if e.Name() == keepName || staged[r] || slices.Contains(t.opts.Folders, r) ||
				filepath.Join(t.dir, filepath.FromSlash(r)) == t.scratch {
				continue
			}
			removals = append(removals, r)
		}
	}
	var first []string
	for _, r := range t.opts.Remove {
		if _, err := os.Lstat(filepath.Join(t.dir, filepath.FromSlash(r))); err == nil && !staged[r] {
			first = append(first, r)
		}
	}
	abs, err := filepath.Abs(t.dir)
	if err != nil {
		return err
	}
	j, _ := json.Marshal(journal{Dir: abs, Units: units, Removals: append(slices.Clone(first), removals...)})
	if err := writeSynced(filepath.Join(t.run, journalFile), j); err != nil {
		return fmt.Errorf("writing the commit journal: %w", err)
	}
	var done []step
	dirs := map[string]bool{}
	fail := func(err error) error {
		if rerr := t.rollback(done); rerr != nil {
			return errors.Join(err, fmt.Errorf("rolling back: %w", rerr))
		}
		return err
	}
	remove := func(r string) error {
		if err := t.check(ctx, r); err != nil {
			return err
		}
		moved, err := t.moveAside(r)
		done = append(done, step{rel: r, old: moved})
		if err != nil {
			return err
		}
		dirs[filepath.Dir(filepath.Join(t.dir, filepath.FromSlash(r)))] = true
		return nil
	}
	for _, r := range first {
		if err := remove(r); err != nil {
			return fail(err)
		}
	}
	for _, r := range units {
		if err := t.check(ctx, r); err != nil {
			return fail(err)
		}
		final := filepath.Join(t.dir, filepath.FromSlash(r))
		if err := t.mkdirAll(filepath.Dir(final)); err != nil {
			return fail(fmt.Errorf("publishing %s: %w", r, err))
		}
		dirs[filepath.Dir(final)] = true
		st := step{rel: r}
		moved, err := t.moveAside(r)
		st.old = moved
		if err != nil {
			done = append(done, st)
			return fail(err)
		}
		if err := os.Rename(t.Path(r), final); err != nil {
			done = append(done, st)
			return fail(fmt.Errorf("publishing %s: %w", r, err))
		}
		st.placed = true
		done = append(done, st)
	}
	for _, r := range removals {
		if err := remove(r); err != nil {
			return fail(err)
		}
	}
	for d := range dirs {
		if err := SyncDir(d); err != nil {
			return fail(err)
		}
	}
	if err := t.check(ctx, ""); err != nil {
		return fail(err)
	}
	// From here on the run is committed, even if the process dies before
	// the earlier files are deleted.
	if err := writeSynced(filepath.Join(t.run, committedFile), nil); err != nil {
		return fail(fmt.Errorf("writing the commit journal: %w", err))
	}
	t.done = true
	t.created = nil // the published folders stay
	return nil
}

// writeSynced writes a small file and fsyncs it and its folder.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = SyncDir(filepath.Dir(path))
	}
	return err
}

// recoverRun finishes what a dead run left in its folder run: a commit it
// began but did not finish is rolled back (earlier entries renamed back,
// its new entries removed); a run that committed, or never began to,
// leaves nothing to do. The folder is removed when it holds nothing to
// keep.
func recoverRun(run string) error {
	b, err := os.ReadFile(filepath.Join(run, journalFile))
	if err == nil {
		if _, cerr := os.Stat(filepath.Join(run, committedFile)); errors.Is(cerr, fs.ErrNotExist) {
			var j journal
			if err := json.Unmarshal(b, &j); err != nil {
				return fmt.Errorf("%s: %w", journalFile, err)
			}
			if err := rollbackRun(run, j); err != nil {
				return err
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.RemoveAll(run)
}

// rollbackRun undoes the steps of an interrupted commit, in reverse.
func rollbackRun(run string, j journal) error {
	var errs []error
	exists := func(p string) bool { _, err := os.Lstat(p); return err == nil }
	undo := func(rel string, unit bool) {
		final := filepath.Join(j.Dir, filepath.FromSlash(rel))
		old := filepath.Join(run, "old", filepath.FromSlash(rel))
		staged := filepath.Join(run, "new", filepath.FromSlash(rel))
		placed := unit && !exists(staged) && exists(final)
		if placed {
			if err := os.RemoveAll(final); err != nil {
				errs = append(errs, err)
				return
			}
		}
		if exists(old) {
			if exists(final) {
				errs = append(errs, fmt.Errorf("%s: both an earlier and a later entry exist", final))
				return
			}
			if err := os.Rename(old, final); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for i := len(j.Removals) - 1; i >= 0; i-- {
		undo(j.Removals[i], false)
	}
	for i := len(j.Units) - 1; i >= 0; i-- {
		undo(j.Units[i], true)
	}
	return errors.Join(errs...)
}

// check runs the test hook and reports a cancellation of ctx.
func (t *Tx) check(ctx context.Context, rel string) error {
	if t.opts.Step != nil {
		if err := t.opts.Step(rel); err != nil {
			return err
		}
	}
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("commit stopped: %w", err)
	}
	return nil
}

// moveAside moves the published entry rel, if there is one, into the
// run's folder of earlier entries.
func (t *Tx) moveAside(rel string) (bool, error) {
	final := filepath.Join(t.dir, filepath.FromSlash(rel))
	if _, err := os.Lstat(final); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	aside := filepath.Join(t.old(), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(aside), 0o755); err != nil {
		return false, fmt.Errorf("moving %s aside: %w", rel, err)
	}
	if err := os.Rename(final, aside); err != nil {
		return false, fmt.Errorf("moving %s aside: %w", rel, err)
	}
	return true, nil
}

// rollback undoes the steps in reverse order: removes what was renamed
// in and renames the earlier entries back.
func (t *Tx) rollback(done []step) error {
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		st := done[i]
		final := filepath.Join(t.dir, filepath.FromSlash(st.rel))
		if st.placed {
			if err := os.RemoveAll(final); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if st.old {
			if err := os.Rename(filepath.Join(t.old(), filepath.FromSlash(st.rel)), final); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Abort discards everything staged. An earlier output is left as it was.
// Abort after Commit does nothing.
func (t *Tx) Abort() {
	if t.done {
		return
	}
	t.cleanup()
}

// cleanup removes the run's folder, the scratch folder when it is empty,
// and the folders the transaction created, when they are empty.
func (t *Tx) cleanup() {
	if t.remote != nil && !t.done {
		ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
		t.abortRemote(ctx)
		cancel()
	}
	if t.unlock != nil {
		t.unlock()
		t.unlock = nil
	}
	if t.run != "" {
		_ = os.RemoveAll(t.run)
		t.run = ""
	}
	if t.scratch != "" {
		_ = os.Remove(t.scratch) // only when empty
	}
	for i := len(t.created) - 1; i >= 0; i-- {
		_ = os.Remove(t.created[i]) // only when empty
	}
	t.created = nil
	t.done = true
}

// SyncDir fsyncs a directory so that the renames in it are durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
