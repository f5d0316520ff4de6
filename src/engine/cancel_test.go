package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/plan"
)

// recWriter records what the engine does with a table's writer and can
// cancel the run after a number of blocks.
type recWriter struct {
	rec                *recorder
	table              string
	blocks             int
	committed, aborted bool
}

type recorder struct {
	mu      sync.Mutex
	writers []*recWriter
	// cancelAt cancels the run when table receives its n-th block (1-based).
	table  string
	n      int
	cancel context.CancelFunc
}

func (w *recWriter) WriteBlock(*column.Block) error {
	w.blocks++
	if w.table == w.rec.table && w.blocks == w.rec.n {
		w.rec.cancel()
	}
	return nil
}

func (w *recWriter) Commit() error { w.committed = true; return nil }
func (w *recWriter) Abort()        { w.aborted = true }

func (r *recorder) open(t *plan.Table, _ []column.Field) (engine.Writer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := &recWriter{rec: r, table: t.ID()}
	r.writers = append(r.writers, w)
	return w, nil
}

// TestCancelledRunFails cancels a run at many points and checks that Run
// returns the cancellation, names the table, and aborts the writer of the
// table it stopped in.
func TestCancelledRunFails(t *testing.T) {
	p := loadPlan(t, "testdata/mini.json", false)
	// Count the blocks of every table with a run that is not cancelled.
	full := &recorder{cancel: func() {}}
	if _, err := engine.Run(context.Background(), p, engine.Options{Seed: 1, Workers: 3, BlockRows: 100, Open: full.open}); err != nil {
		t.Fatal(err)
	}
	blocks := map[string]int{}
	for _, w := range full.writers {
		blocks[w.table] = w.blocks
	}
	last := p.Order[len(p.Order)-1].ID()
	if blocks[last] < 5 {
		t.Fatalf("table %s has %d blocks; the test needs several", last, blocks[last])
	}
	first := p.Order[0].ID()
	cases := []struct {
		name  string
		table string // cancel when this table gets block n; "" = before the run
		n     int
		// progress cancels at the done event of this table (between tables)
		between string
	}{
		{name: "before the first table"},
		{name: "first block of the first table", table: first, n: 1},
		{name: "inside the last table", table: last, n: blocks[last] / 2},
		{name: "last block of the last table", table: last, n: blocks[last]},
		{name: "between tables", between: p.Order[1].ID()},
		{name: "after the last table", between: last},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := &recorder{table: c.table, n: c.n, cancel: cancel}
			if c.table == "" && c.between == "" {
				cancel()
			}
			progress := func(ev engine.Event) {
				if ev.Done && ev.Table == c.between {
					cancel()
				}
			}
			res, err := engine.Run(ctx, p, engine.Options{Seed: 1, Workers: 3, BlockRows: 100, Open: r.open, Progress: progress})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Run = %v, %v; want a cancellation error", res, err)
			}
			if c.table != "" && c.n < blocks[c.table] && !strings.Contains(err.Error(), `table "`+c.table+`"`) {
				t.Errorf("error %q does not name table %s", err, c.table)
			}
			// A table completed before the cancellation is committed (its
			// writer stages it; the caller publishes nothing of a failed
			// run); the table being written is aborted, never committed.
			for _, w := range r.writers {
				if w.committed == w.aborted {
					t.Errorf("writer of %s: committed %v, aborted %v", w.table, w.committed, w.aborted)
				}
				if w.table == c.table && c.n < blocks[c.table] && !w.aborted {
					t.Errorf("writer of %s, cancelled inside, was not aborted", w.table)
				}
			}
		})
	}
}
