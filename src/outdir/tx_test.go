package outdir

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tree returns every file and folder under dir (relative, slash-separated)
// with the SHA-256 of each file's content ("dir" for folders).
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			out[filepath.ToSlash(rel)] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// earlier writes the output of an earlier run: a component-style out
// folder with tables, a sliced table, manifests and state.
func earlier(t *testing.T, out string) {
	write(t, filepath.Join(out, "tables", "a.csv"), "id\n1\n")
	write(t, filepath.Join(out, "tables", "a.csv.manifest"), `{"old":true}`)
	write(t, filepath.Join(out, "tables", "gone.csv"), "x\n")
	write(t, filepath.Join(out, "tables", "big.csv", "part-00000.csv.gz"), "old slice")
	write(t, filepath.Join(out, "tables", ".gitkeep"), "")
	write(t, filepath.Join(out, "state.json"), `{"runs":1}`)
}

// stage writes a new run into tx.
func stage(t *testing.T, tx *Tx) {
	write(t, tx.Path("tables/a.csv"), "id\n2\n")
	write(t, tx.Path("tables/a.csv.manifest"), `{"new":true}`)
	write(t, tx.Path("tables/b.csv"), "id\n3\n")
	write(t, tx.Path("tables/big.csv/part-00000.csv.gz"), "new slice 0")
	write(t, tx.Path("tables/big.csv/part-00001.csv.gz"), "new slice 1")
	if err := tx.WriteFile("state.json", []byte(`{"runs":2}`)); err != nil {
		t.Fatal(err)
	}
}

var componentOpts = Options{Folders: []string{"tables"}, Replace: []string{"tables"}}

func TestCommitPublishesEverythingAndReplaces(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	earlier(t, out)
	tx, err := Begin(out, componentOpts)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, ".out.datagen-tmp"); tx.scratch != want {
		t.Errorf("scratch %s, want %s", tx.scratch, want)
	}
	stage(t, tx)
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := tree(t, out)
	want := map[string]string{"tables": "dir", "tables/.gitkeep": hash(""), "tables/a.csv": hash("id\n2\n"),
		"tables/a.csv.manifest": hash(`{"new":true}`), "tables/b.csv": hash("id\n3\n"), "tables/big.csv": "dir",
		"tables/big.csv/part-00000.csv.gz": hash("new slice 0"), "tables/big.csv/part-00001.csv.gz": hash("new slice 1"),
		"state.json": hash(`{"runs":2}`)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after commit:\n got %v\nwant %v", got, want)
	}
	assertNoScratch(t, root)
}

func TestCommitWithoutReplaceKeepsOtherFiles(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	write(t, filepath.Join(out, "a.csv"), "old")
	write(t, filepath.Join(out, "other.parquet"), "keep")
	tx, err := Begin(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, tx.Path("a.csv"), "new")
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.csv": hash("new"), "other.parquet": hash("keep")}
	if got := tree(t, out); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	assertNoScratch(t, root)
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// assertNoScratch fails when anything of the transaction is left beside
// or inside the output folder.
func assertNoScratch(t *testing.T, root string) {
	t.Helper()
	for p := range tree(t, root) {
		if strings.Contains(p, scratchSuffix) || strings.Contains(p, ".tmp-") {
			t.Errorf("temporary entry left: %s", p)
		}
	}
}

// TestCommitRollsBackAtEveryStep fails and cancels the commit before each
// of its steps and checks that the earlier output is intact byte for byte
// and nothing temporary is left.
func TestCommitRollsBackAtEveryStep(t *testing.T) {
	// Collect the steps of a commit.
	var steps []string
	{
		root := t.TempDir()
		out := filepath.Join(root, "out")
		earlier(t, out)
		tx, err := Begin(out, Options{Folders: componentOpts.Folders, Replace: componentOpts.Replace,
			Step: func(e string) error { steps = append(steps, e); return nil }})
		if err != nil {
			t.Fatal(err)
		}
		stage(t, tx)
		if err := tx.Commit(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 5 staged units, one removal (gone.csv), the final check.
	if len(steps) != 7 || steps[len(steps)-1] != "" {
		t.Fatalf("steps %q", steps)
	}
	for i, at := range steps {
		for _, mode := range []string{"fail", "cancel"} {
			t.Run(mode+"@"+at, func(t *testing.T) {
				root := t.TempDir()
				out := filepath.Join(root, "out")
				earlier(t, out)
				before := tree(t, out)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				boom := errors.New("disk on fire")
				n := 0
				tx, err := Begin(out, Options{Folders: componentOpts.Folders, Replace: componentOpts.Replace,
					Step: func(string) error {
						if n++; n == i+1 {
							if mode == "cancel" {
								cancel()
								return nil
							}
							return boom
						}
						return nil
					}})
				if err != nil {
					t.Fatal(err)
				}
				stage(t, tx)
				err = tx.Commit(ctx)
				want := boom
				if mode == "cancel" {
					want = context.Canceled
				}
				if !errors.Is(err, want) {
					t.Fatalf("Commit = %v, want %v", err, want)
				}
				if after := tree(t, out); !reflect.DeepEqual(before, after) {
					t.Errorf("earlier output changed:\nbefore %v\n after %v", before, after)
				}
				assertNoScratch(t, root)
			})
		}
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "new", "out")
	tx, err := Begin(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, tx.Path("a.csv"), "x")
	tx.Abort()
	if got := tree(t, root); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}

func TestCancelledCommitOfFirstRunLeavesNoFolder(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tx, err := Begin(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, tx.Path("a.csv"), "x")
	if err := tx.Commit(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit = %v", err)
	}
	if got := tree(t, root); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}

func TestBeginSweepsOnlyStaleEntriesOfItsOwnNaming(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	scratch := filepath.Join(root, ".out.datagen-tmp")
	// A live run (another transaction holds its lock).
	live, err := Begin(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	write(t, live.Path("a.csv"), "live")
	// A crashed run: its folder is not locked.
	write(t, filepath.Join(scratch, "run-dead", "new", "a.csv"), "partial")
	// A run folder a process died creating, and one being created now.
	for _, n := range []string{"init-dead", "init-young"} {
		if err := os.Mkdir(filepath.Join(scratch, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * initStaleAge)
	if err := os.Chtimes(filepath.Join(scratch, "init-dead"), old, old); err != nil {
		t.Fatal(err)
	}
	// Temporary files of earlier versions beside the final files, and
	// entries of other naming that must stay.
	write(t, filepath.Join(out, ".orders.csv.tmp-3k2j9"), "partial")
	write(t, filepath.Join(out, "tables", ".big.csv.tmp-abc", "part-00000.csv.gz"), "partial")
	write(t, filepath.Join(out, ".metadata.json"), "{}")
	write(t, filepath.Join(out, ".hidden-by-user"), "keep")
	write(t, filepath.Join(out, "orders.csv"), "keep")
	write(t, filepath.Join(scratch, "notes.txt"), "keep")

	tx, err := Begin(out, Options{Folders: []string{"tables"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Abort()
	if tx.Swept() != 4 {
		t.Errorf("swept %d entries, want 4", tx.Swept())
	}
	for _, gone := range []string{filepath.Join(scratch, "run-dead"), filepath.Join(scratch, "init-dead"), filepath.Join(out, ".orders.csv.tmp-3k2j9"),
		filepath.Join(out, "tables", ".big.csv.tmp-abc")} {
		if _, err := os.Stat(gone); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s was not swept", gone)
		}
	}
	for _, kept := range []string{live.Path("a.csv"), filepath.Join(out, ".metadata.json"), filepath.Join(out, ".hidden-by-user"),
		filepath.Join(out, "orders.csv"), filepath.Join(scratch, "notes.txt"), filepath.Join(scratch, "init-young")} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("%s was removed: %v", kept, err)
		}
	}
}

func TestScratchFallsBackInsideWhenTheParentIsReadOnly(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only folders")
	}
	root := t.TempDir()
	out := filepath.Join(root, "out")
	write(t, filepath.Join(out, "a.csv"), "old")
	if err := os.Chmod(root, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(root, 0o755)
	tx, err := Begin(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(out, ".datagen-tmp"); tx.scratch != want {
		t.Errorf("scratch %s, want %s", tx.scratch, want)
	}
	write(t, tx.Path("a.csv"), "new")
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.csv": hash("new")}
	if got := tree(t, out); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// crash stands for the death of the process in the middle of a commit.
type crash struct{}

// TestNextRunRollsBackACommitItsProcessDidNotFinish lets the process "die"
// before each step of a commit (a panic the test recovers from, so that
// nothing of the commit's own rollback runs) and checks that the next
// Begin restores the earlier output byte for byte and removes the dead
// run's folder.
func TestNextRunRollsBackACommitItsProcessDidNotFinish(t *testing.T) {
	for step := 1; step <= 7; step++ {
		t.Run(fmt.Sprint("before step ", step), func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "out")
			earlier(t, out)
			before := tree(t, out)
			n := 0
			tx, err := Begin(out, Options{Folders: componentOpts.Folders, Replace: componentOpts.Replace,
				Step: func(string) error {
					if n++; n == step {
						panic(crash{})
					}
					return nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			stage(t, tx)
			func() {
				defer func() {
					if _, ok := recover().(crash); !ok {
						t.Fatal("the commit did not reach the step")
					}
				}()
				_ = tx.Commit(context.Background())
			}()
			tx.unlock() // the dead process's lock is gone with it
			next, err := Begin(out, componentOpts)
			if err != nil {
				t.Fatal(err)
			}
			defer next.Abort()
			if next.Swept() != 1 {
				t.Errorf("swept %d entries, want the dead run's folder", next.Swept())
			}
			if after := tree(t, out); !reflect.DeepEqual(before, after) {
				t.Errorf("earlier output not restored:\nbefore %v\n after %v", before, after)
			}
			entries, _ := os.ReadDir(next.scratch)
			if len(entries) != 1 {
				t.Errorf("scratch folder holds %d entries, want only the new run's", len(entries))
			}
		})
	}
}

// TestConcurrentRunsIntoOneFolder runs the parts of a split run at the
// same time into one folder: every part's files arrive and nothing
// temporary is left.
func TestConcurrentRunsIntoOneFolder(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	const parts = 8
	var wg sync.WaitGroup
	errs := make([]error, parts)
	for k := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 5 {
				// The table's folder is shared: its entries are
				// committed one by one.
				tx, err := Begin(out, Options{Folders: []string{"t"}})
				if err != nil {
					errs[k] = err
					return
				}
				name := TableFile("t", CSV, false, Part{K: k, N: parts})
				if err := tx.WriteFile(name, []byte(fmt.Sprint(k, round))); err != nil {
					errs[k] = err
					return
				}
				if err := tx.Commit(context.Background()); err != nil {
					errs[k] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Errorf("part %d: %v", k, err)
		}
	}
	got := tree(t, out)
	for k := range parts {
		if got[TableFile("t", CSV, false, Part{K: k, N: parts})] != hash(fmt.Sprint(k, 4)) {
			t.Errorf("part %d: %v", k, got)
		}
	}
	assertNoScratch(t, root)
}

// TestCommitRemovesFirst: Options.Remove takes the entries away before
// the first staged entry is published, and a failed commit puts them
// back with everything else.
func TestCommitRemovesFirst(t *testing.T) {
	for _, tc := range []struct {
		name   string
		failAt string // "-" commits
	}{
		{"commit", "-"},
		{"fail at the removal", ".metadata.json"},
		{"fail at the first file", "a/part-00000-of-00002.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			write(t, filepath.Join(out, ".metadata.json"), `{"parts":2}`)
			write(t, filepath.Join(out, "a", "part-00001-of-00002.csv"), "id\n2\n")
			before := tree(t, out)
			var steps []string
			tx, err := Begin(out, Options{Folders: []string{"a"}, Remove: []string{".metadata.json", "absent.json"},
				Step: func(e string) error {
					steps = append(steps, e)
					if e == tc.failAt {
						return errors.New("injected")
					}
					return nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			write(t, tx.Path("a/part-00000-of-00002.csv"), "id\n1\n")
			if err := tx.WriteFile(".metadata.part-00000-of-00002.json", []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
			err = tx.Commit(context.Background())
			after := tree(t, out)
			if tc.failAt != "-" {
				if err == nil || !reflect.DeepEqual(before, after) {
					t.Errorf("failed commit: %v; output changed:\nbefore %v\n after %v", err, before, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{".metadata.json", ".metadata.part-00000-of-00002.json", "a/part-00000-of-00002.csv", ""}; !reflect.DeepEqual(steps, want) {
				t.Errorf("steps %q, want %q", steps, want)
			}
			if _, ok := after[".metadata.json"]; ok || after["a/part-00001-of-00002.csv"] == "" || after["a/part-00000-of-00002.csv"] == "" {
				t.Errorf("after the commit: %v", after)
			}
		})
	}
}
