package upload

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// sortedRows returns rows ordered by their text.
func sortedRows(rows [][]string) [][]string {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(strings.Join(a, "\x00"), strings.Join(b, "\x00")) })
	return out
}

// TestConcurrentPartUploads loads the four parts of a split run into the
// same tables at the same time, as parallel Keboola jobs do (each its own
// upload with its own state, incremental with the primary key), on every
// file-storage provider: at least two parts race to create every table
// (the fake Storage holds the first creation until a second one comes),
// the losers import into the winner's table, and every table ends up with
// the rows of one upload of the single run. Rerunning a part changes
// nothing.
func TestConcurrentPartUploads(t *testing.T) {
	const n = 4
	_, whole := generateExample(t, 42)
	dirs := make([]string, n)
	for k := range n {
		dirs[k], _ = generateExamplePart(t, 42, k, n)
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			env := newEnv(t, b.make(t))
			// The first creation of each table waits (up to 60 s) for a
			// second one, so that two parts race for every table.
			var mu sync.Mutex
			waiting := map[string]chan struct{}{}
			env.kbc.onCreate = func(id string) {
				mu.Lock()
				ch, second := waiting[id]
				if !second {
					ch = make(chan struct{})
					waiting[id] = ch
				}
				mu.Unlock()
				if second {
					select {
					case <-ch:
					default:
						close(ch)
					}
					return
				}
				select {
				case <-ch:
				case <-time.After(60 * time.Second):
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, n)
			for k := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[k] = env.run(func(o *Options) {
						o.Dir, o.Bucket, o.Incremental = dirs[k], "in.c-e2e", true
						o.StateFile = filepath.Join(t.TempDir(), fmt.Sprintf("state-%d.json", k))
					})
				}()
			}
			wg.Wait()
			for k, err := range errs {
				if err != nil {
					t.Fatalf("part %d: %v\nlogs:\n%s", k, err, env.logs)
				}
			}
			env.kbc.mu.Lock()
			env.kbc.onCreate = nil
			raced := maps.Clone(env.kbc.createdTwice)
			env.kbc.mu.Unlock()
			for _, g := range whole {
				if raced["in.c-e2e."+g.id] == 0 {
					t.Errorf("%s: no two parts raced to create it", g.id)
				}
			}
			if !strings.Contains(env.logs.String(), "created meanwhile by another upload") {
				t.Errorf("no upload says it imported into a table another one created")
			}
			check := func(when string) {
				t.Helper()
				for _, g := range whole {
					tb := env.kbc.table("in.c-e2e." + g.id)
					if tb == nil {
						t.Fatalf("%s: %s was not created", when, g.id)
					}
					if !slices.Equal(tb.Columns, g.header) || !slices.Equal(tb.PK, []string{g.pk}) {
						t.Errorf("%s: %s has columns %q and key %q, want %q and [%s]", when, g.id, tb.Columns, tb.PK, g.header, g.pk)
					}
					if got, want := sortedRows(tb.Rows), sortedRows(g.rows); !slices.EqualFunc(got, want, slices.Equal[[]string]) {
						t.Errorf("%s: %s has %d rows, the single run %d (or other rows)", when, g.id, len(got), len(want))
					}
				}
			}
			check("after the parts")

			// Rerunning a part (a retried job, with no state of the first
			// attempt) loads the same keys again: nothing changes.
			if _, err := env.run(func(o *Options) {
				o.Dir, o.Bucket, o.Incremental = dirs[2], "in.c-e2e", true
				o.StateFile = filepath.Join(t.TempDir(), "rerun.json")
			}); err != nil {
				t.Fatalf("rerun of part 2: %v", err)
			}
			check("after part 2 ran again")
		})
	}
}
