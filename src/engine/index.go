package engine

import (
	"context"
	"fmt"

	"datagen/src/plan"
)

// CountIndex is what a part of a split run would otherwise compute from
// every parent row: for each fact split by parent range whose counts are
// pure functions of the parent row, the first child row of every part
// (docs/scale.md, "The count index"). With it, a part draws the child
// counts of its own parents only, so its time is its share.
type CountIndex struct {
	// Parts is the number of parts the index was computed for.
	Parts int `json:"parts"`
	// Facts holds the index of each such fact, by table id.
	Facts map[string]IndexedFact `json:"facts"`
}

// IndexedFact is the index of one fact.
type IndexedFact struct {
	// Parents is the row count of the fact's primary parent.
	Parents int64 `json:"parents"`
	// Starts[k] is the first row of the children of part k's parents;
	// Starts[Parts] is the fact's row count.
	Starts []int64 `json:"starts"`
}

// BuildIndex computes the count index of a run of p split into
// opts.Parts parts (opts.Part and opts.Open are ignored). It draws the
// child counts of every parent once, in parallel chunks, and generates
// only the columns that the counts of later tables read.
func BuildIndex(ctx context.Context, p *plan.Plan, opts Options) (*CountIndex, error) {
	if opts.Parts < 1 {
		return nil, fmt.Errorf("the count index needs the number of parts, got %d", opts.Parts)
	}
	opts.Part, opts.Open, opts.Progress = 0, nil, nil
	opts.building = &CountIndex{Parts: opts.Parts, Facts: map[string]IndexedFact{}}
	opts.Index = nil
	if _, err := Run(ctx, p, opts); err != nil {
		return nil, err
	}
	return opts.building, nil
}

// indexedOffsets sets the offsets of a relative fact from the count
// index: it draws the counts of the part's parents [lo, hi) only, and
// checks that they add up to the index's next start, so that an index of
// another run is refused rather than misused.
func (e *engine) indexedOffsets(ctx context.Context, ts *tableState, np, lo, hi int64) error {
	t := ts.t
	f, ok := e.opts.Index.Facts[t.ID()]
	k := e.opts.Part
	switch {
	case !ok:
		return &Error{Table: t.ID(), Err: fmt.Errorf("the count index has no entry for table %q: it was computed for another schema or another number of parts", t.ID())}
	case f.Parents != np:
		return &Error{Table: t.ID(), Err: fmt.Errorf("the count index was computed for %d rows of %q, this run has %d: it belongs to another run (scale, window or schema)", f.Parents, t.Primary.ID(), np)}
	case len(f.Starts) != e.opts.Parts+1:
		return &Error{Table: t.ID(), Err: fmt.Errorf("the count index of table %q has %d starts, not %d: it was computed for another number of parts", t.ID(), len(f.Starts), e.opts.Parts+1)}
	}
	off := make([]int64, hi-lo+1)
	if _, _, err := e.streamCounts(ctx, t, lo, hi, nil, lo, off[1:]); err != nil {
		return err
	}
	off[0] = f.Starts[k]
	prefixSums(off)
	if off[len(off)-1] != f.Starts[k+1] {
		return &Error{Table: t.ID(), Err: fmt.Errorf("the count index does not match table %q: the children of part %d's parents end at row %d, the index says %d: it belongs to another run (seed or schema)", t.ID(), k, off[len(off)-1], f.Starts[k+1])}
	}
	ts.offsets, ts.rows, ts.pbase = off, f.Starts[len(f.Starts)-1], lo
	return nil
}

// partStarts returns the first row of every part of table ts (parts+1
// values, the last its row count): the children of its parent's parts
// when it is split by parent range, else an even share (PartRange).
func (e *engine) partStarts(ts *tableState) []int64 {
	parts := e.opts.Parts
	b := make([]int64, parts+1)
	if ts.layout.split {
		if f, ok := e.opts.building.Facts[ts.t.ID()]; ok {
			for i, s := range f.Starts {
				b[i] = min(s, ts.rows)
			}
			return b
		}
		// A split fact that holds the offsets of every parent: its parts
		// start at its parent's.
		pb := e.partStarts(e.tables[ts.t.Primary.ID()])
		for i, s := range pb {
			b[i] = min(ts.offsets[s-ts.pbase], ts.rows)
		}
		return b
	}
	for k := range parts {
		b[k], _ = PartRange(ts.rows, parts, k)
	}
	b[parts] = ts.rows
	return b
}

// indexOffsets draws the counts of every parent of a relative fact while
// a count index is built: it records the fact's first child row at each
// part start of its parent, and keeps the offsets of part 0's parents as
// a part-0 run does.
func (e *engine) indexOffsets(ctx context.Context, ts *tableState, parent *tableState) error {
	t := ts.t
	lo, hi := parent.lo, parent.hi
	off := make([]int64, hi-lo+1)
	starts, total, err := e.streamCounts(ctx, t, 0, parent.rows, e.partStarts(parent), lo, off[1:])
	if err != nil {
		return err
	}
	e.opts.building.Facts[t.ID()] = IndexedFact{Parents: parent.rows, Starts: starts}
	off[0] = starts[0]
	prefixSums(off)
	ts.offsets, ts.rows, ts.pbase = off, total, lo
	return nil
}
