package engine

import (
	"sort"

	"datagen/src/column"
)

// strideRule selects the rows of a strided table (tableLayout.strided)
// that this part writes.
type strideRule struct {
	e  *engine
	ts *tableState
}

// strideRule returns the rule of ts, or nil when ts is not strided, is
// a child scanned for its parent's aggregates (which cover every row), or
// is written with history, whose writer selects the part's entities (it
// reads each entity's row index from the block).
func (e *engine) strideRule(ts *tableState) *strideRule {
	if !ts.layout.strided || ts.need != nil || ts.t.History != nil {
		return nil
	}
	return &strideRule{e: e, ts: ts}
}

// rows returns which rows of b this part writes (nil for a nil rule);
// parents holds the primary parent row of each row of b, counted from
// the table's first parent (pbase).
func (r *strideRule) rows(b *column.Block, parents []int64) func(i int) bool {
	if r == nil {
		return nil
	}
	e, ts := r.e, r.ts
	k := int64(e.opts.Part)
	if ts.grow != nil {
		n := int64(e.opts.Parts)
		return func(i int) bool { return (b.Start+int64(i))%n == k }
	}
	parent := e.tables[ts.t.Primary.ID()]
	return func(i int) bool { return e.partOf(parent, parents[i]+ts.pbase) == k }
}

// partOf returns the part that writes row i of the strided table ts: i
// mod parts for a table whose rows arrive (arrivals, per-unit fanout),
// else the part of its primary parent row.
func (e *engine) partOf(ts *tableState, i int64) int64 {
	for ts.grow == nil {
		// offsets[p] is the first row of the children of parent pbase+p.
		p := int64(sort.Search(len(ts.offsets), func(j int) bool { return ts.offsets[j] > i })) - 1
		i = p + ts.pbase
		ts = e.tables[ts.t.Primary.ID()]
	}
	return i % int64(e.opts.Parts)
}
