// Package engine generates the tables of a plan: block by block, in
// parallel workers, with counter-based randomness, writing blocks in row
// order. The output is a pure function of (schema, seed, format version):
// it does not depend on the number of workers, the block size, or on
// splitting the run into parts.
package engine

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"datagen/src/column"
	"datagen/src/plan"
)

// FormatVersion is the version of the mapping from (schema, seed) to data.
// It changes whenever the same schema and seed would give different values.
const FormatVersion = 3

// DefaultBlockRows is the number of rows generated as one unit of work.
const DefaultBlockRows = 1 << 16

// Writer receives a table's blocks in row order. It is the one interface
// between the engine and whatever consumes rows: table files (package
// sink), Keboola tables, the validator, a tee of them. Its write methods
// are called one at a time, but from whichever worker goroutine made the
// block whose turn it is.
type Writer interface {
	WriteBlock(b *column.Block) error
	// Commit completes the table. The engine calls it as soon as the
	// table's last block is written, so that the writer releases its
	// buffers early. A writer must not make its table visible to anyone
	// else on Commit unless the caller accepts that the tables of a run
	// that fails later stay visible: callers that need all or nothing
	// write into a staging folder (package outdir) and publish it after
	// Run returns.
	Commit() error
	// Abort discards everything written; after Commit it does nothing.
	Abort()
}

// Encoder is an optional extension of Writer for formats whose encoding
// of a block does not depend on earlier blocks (CSV): EncodeBlock runs in
// the worker goroutines, concurrently; WriteEncoded runs in row order,
// one call at a time, with the block and its encoding.
type Encoder interface {
	EncodeBlock(b *column.Block, dst []byte) ([]byte, error)
	WriteEncoded(b *column.Block, p []byte) error
}

// OpenFunc opens the writer of a table; it is called once per table.
type OpenFunc func(t *plan.Table, fields []column.Field) (Writer, error)

// Options control a run.
type Options struct {
	Seed int64
	// Workers is the number of parallel workers (default: CPU count).
	Workers int
	// BlockRows is the block size (default DefaultBlockRows).
	BlockRows int
	// Parts and Part split the run: this run writes share Part (0-based)
	// of Parts of every table (docs/scale.md). Parts 0 means 1.
	Parts, Part int
	// Scale multiplies the row counts of entities and parent-less facts.
	Scale float64
	// SampleRows caps every table at this many rows (0 = no cap).
	SampleRows int64
	// MaxMemory is the memory (bytes) the run may plan to hold: a run
	// whose EstimatePlan is larger is refused before anything is
	// generated (0 = DefaultMaxMemory).
	MaxMemory int64
	// Window, when set, writes only the rows of the time window (see
	// Window); nil writes every row.
	Window *Window
	// Open opens table writers; nil generates without writing.
	Open OpenFunc
	// Progress, when set, receives table events: a start event, updates
	// (Update set) about every ProgressEvery while rows are written, and a
	// done event. It is called from one goroutine at a time.
	Progress func(Event)
	// ProgressEvery is the interval of update events (default 250 ms).
	ProgressEvery time.Duration

	// Index, when set, is the count index of the split run (BuildIndex):
	// a part then draws the child counts of its own parents only.
	Index *CountIndex

	// splitMin overrides SplitMinParents (tests).
	splitMin int64
	// building, when set, receives the count index that BuildIndex
	// computes; nothing is written.
	building *CountIndex
}

// Event reports progress of one table.
type Event struct {
	Table string
	// Done is false at the start of a table, true at its end.
	Done bool
	// Update marks an event sent while the table's rows are written;
	// Written then counts the rows written so far.
	Update bool
	// Rows is the table's total row count (all parts); Written the rows
	// this part wrote.
	Rows, Written int64
	// PartRows is the number of rows this part writes (docs/scale.md
	// says which rows a part holds).
	PartRows int64
	Duration time.Duration
}

// TableResult summarises one generated table.
type TableResult struct {
	ID       string
	Rows     int64
	Written  int64
	Duration time.Duration
}

// Result summarises a run.
type Result struct {
	Tables   []TableResult
	Duration time.Duration
}

// Run generates every table of p, writing each through the writer Open
// returns for it and committing that writer when the table is complete.
// When a table fails or ctx is cancelled, its writer is aborted and Run
// returns the error (for a cancellation, the context's error wrapped with
// the table); a cancellation that arrives after the last table still
// fails the run.
func Run(ctx context.Context, p *plan.Plan, opts Options) (*Result, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.BlockRows <= 0 {
		opts.BlockRows = DefaultBlockRows
	}
	if opts.Parts <= 0 {
		opts.Parts = 1
	}
	if opts.Part < 0 || opts.Part >= opts.Parts {
		return nil, fmt.Errorf("part %d is outside 0..%d", opts.Part, opts.Parts-1)
	}
	if opts.Scale <= 0 {
		opts.Scale = 1
	}
	if opts.Index != nil && opts.Index.Parts != opts.Parts {
		return nil, fmt.Errorf("the count index was computed for %d parts, this run has %d", opts.Index.Parts, opts.Parts)
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 250 * time.Millisecond
	}
	opts.Window = reachNow(p.Schema.Timeframe, opts.Window, time.Now())
	est, layout, err := estimate(p, opts)
	if err != nil {
		return nil, err
	}
	if err := checkMemory(est, opts.MaxMemory); err != nil {
		return nil, err
	}
	e := &engine{p: p, opts: opts, tables: map[string]*tableState{}, layout: layout}
	start := time.Now()
	res := &Result{}
	for _, t := range p.Order {
		if err := context.Cause(ctx); err != nil {
			return nil, fmt.Errorf("table %q: %w", t.ID(), err)
		}
		tr, err := e.runTable(ctx, t)
		if err != nil {
			return nil, err
		}
		res.Tables = append(res.Tables, tr)
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// runTable generates and writes one table.
func (e *engine) runTable(ctx context.Context, t *plan.Table) (TableResult, error) {
	t0 := time.Now()
	ts, err := e.prepare(ctx, t)
	if err != nil {
		return TableResult{}, err
	}
	if e.opts.Progress != nil {
		e.opts.Progress(Event{Table: t.ID(), Rows: ts.rows, PartRows: ts.hi - ts.lo})
	}
	var w Writer
	if e.opts.Open != nil {
		if w, err = e.opts.Open(t, t.Fields()); err != nil {
			return TableResult{}, tableErr(t.ID(), err)
		}
	}
	hist := e.newHistory(ts)
	if hist != nil && w != nil {
		w = hist.wrap(w)
	}
	ts.vers = e.newVersionStore(ts)
	written, err := e.generate(ctx, ts, w)
	if err == nil && ts.vers != nil && ts.vers.out == nil {
		ts.vers.finish(ts.keepBase, ts.keepLen)
	}
	if hist != nil && w != nil {
		written = hist.written
	}
	if err == nil && w != nil {
		if err = w.Commit(); err != nil {
			err = tableErr(t.ID(), err)
		}
	}
	if err != nil {
		if w != nil {
			w.Abort()
		}
		return TableResult{}, err
	}
	ts.release()
	d := time.Since(t0)
	if e.opts.Progress != nil {
		e.opts.Progress(Event{Table: t.ID(), Done: true, Rows: ts.rows, PartRows: ts.hi - ts.lo, Written: written, Duration: d})
	}
	return TableResult{ID: t.ID(), Rows: ts.rows, Written: written, Duration: d}, nil
}

// Error is a problem of a table that comes from the schema or its data
// (not from the machine): the CLI reports it as a user error.
type Error struct {
	Table string
	Err   error
}

func (e *Error) Error() string { return fmt.Sprintf("table %q: %v", e.Table, e.Err) }

func (e *Error) Unwrap() error { return e.Err }

// UserFault reports true: the schema or its data caused it (see input.IsUser).
func (e *Error) UserFault() bool { return true }

// tableErr prefixes err with the table, unless its message already
// starts with it (a writer that names its table): one prefix, never
// `table "t": table "t": ...`.
func tableErr(id string, err error) error {
	prefix := fmt.Sprintf("table %q", id)
	if strings.HasPrefix(err.Error(), prefix) {
		return err
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// engine holds the state of one run.
type engine struct {
	p      *plan.Plan
	opts   Options
	tables map[string]*tableState
	layout map[*plan.Table]*tableLayout
}

// PartRange returns the rows [lo, hi) of a table of n rows that part k of
// parts owns when the table is split evenly: a table without a primary
// parent, or a fact of a small parent (docs/scale.md).
func PartRange(n int64, parts, k int) (lo, hi int64) {
	return n * int64(k) / int64(parts), n * int64(k+1) / int64(parts)
}
