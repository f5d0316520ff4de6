package engine

import (
	"fmt"
	"math"
	"time"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
)

// Window selects the rows a run writes by time: the rows whose time
// column (plan.Table.Time) holds an instant in [From, Until). A table
// without a time column of its own whose primary parent has a time
// (plan.Table.ParentTime) takes its primary parent row's time, at any
// depth: a grandchild takes its parent's, which is its grandparent's. Other
// tables without a time column, and a row whose time is null, belong to
// the first window: the one that contains the timeframe's start. Windows
// only select among the rows of the whole run, whose values never depend
// on the window, so consecutive windows together write exactly the rows
// of one run over their union.
type Window struct {
	// From and Until are instants in µs since the epoch; math.MinInt64
	// and math.MaxInt64 leave a side unbounded.
	From, Until int64
}

// NewWindow returns the window [from, until); a zero time leaves that
// side unbounded.
func NewWindow(from, until time.Time) (*Window, error) {
	w := &Window{From: math.MinInt64, Until: math.MaxInt64}
	if !from.IsZero() {
		w.From = from.UnixMicro()
	}
	if !until.IsZero() {
		w.Until = until.UnixMicro()
	}
	if w.From >= w.Until {
		return nil, fmt.Errorf("the window is empty: from %s is not before until %s",
			civil.FormatTimestamp(w.From), civil.FormatTimestamp(w.Until))
	}
	return w, nil
}

// Contains reports whether instant us is in the window.
func (w *Window) Contains(us int64) bool { return us >= w.From && us < w.Until }

// windowRule is what a run's window means for one table.
type windowRule struct {
	w *Window
	// time is the index of the table's time column, or -1.
	time int
	// first is true when the window contains the timeframe's start: it
	// then holds the rows without a time.
	first bool
	// ptime, for a table that takes its primary parent row's time, is
	// the parent's kept time column; parent row p (as the table's
	// offsets count them) is at ptime[p+pbase].
	ptime *column.Vector
	pbase int64
}

// windowRule returns the rule of the table ts, or nil when every row is
// written: the run has no window, ts is a child scanned for its
// parent's aggregates (which cover all its rows, whatever the window), or
// ts is written with history, whose versions the history writer selects.
func (e *engine) windowRule(ts *tableState) *windowRule {
	w := e.opts.Window
	if w == nil || ts.need != nil || ts.t.History != nil {
		// A table with history selects its versions (history.go).
		return nil
	}
	r := &windowRule{w: w, time: ts.t.Time, first: w.Contains(e.p.Schema.Timeframe.Start.UnixMicro())}
	if ts.t.ParentTime && ts.offsets != nil {
		r.ptime, r.pbase = e.parentTime(ts)
	}
	return r
}

// parentTime returns, for a table that takes its primary parent's time
// (plan.Table.ParentTime), the parent's kept vector of row times (its
// time column, or the times it takes from its own parent) and the offset
// of parent row p (as ts's offsets count) in it.
func (e *engine) parentTime(ts *tableState) (*column.Vector, int64) {
	par := ts.t.Primary
	p := e.tables[par.ID()]
	if p == nil {
		return nil, 0
	}
	return p.kept[par.RowTimeName()], ts.pbase - p.keepBase
}

// fillRowTime sets v to the time of the rows whose primary parent rows
// are parents: their parents' times.
func (e *engine) fillRowTime(ts *tableState, v *column.Vector, parents []int64) {
	pt, base := e.parentTime(ts)
	v.Reset(column.Timestamp, len(parents))
	if pt == nil {
		for i := range parents {
			v.SetNull(i)
		}
		return
	}
	for i, p := range parents {
		v.CopyRow(i, pt, int(p+base))
	}
}

// empty reports whether the window holds no row of the table at all (a
// table without a time column, outside the first window).
func (r *windowRule) empty() bool { return r != nil && r.time < 0 && r.ptime == nil && !r.first }

// rows returns which rows of b lie inside the window: nil when every row
// does (also for a nil rule), noRows when none does; parents holds the
// primary parent row of each row of b (used when the table takes its
// parent's time).
func (r *windowRule) rows(b *column.Block, parents []int64) func(i int) bool {
	switch {
	case r == nil:
		return nil
	case r.ptime != nil:
		return func(i int) bool {
			p := parents[i] + r.pbase
			if r.ptime.IsNull(int(p)) {
				return r.first
			}
			return r.w.Contains(r.ptime.Ints[p])
		}
	case r.time < 0 && r.first:
		return nil
	case r.time < 0:
		return noRows
	}
	tv := b.Cols[r.time]
	return func(i int) bool {
		if tv.IsNull(i) {
			return r.first
		}
		return r.w.Contains(tv.Ints[i])
	}
}

// noRows is the predicate that holds for no row.
func noRows(int) bool { return false }

// keepRows keeps, in place, the rows i of b for which every non-nil
// predicate holds and returns their number. b's vectors are views of a
// block that is regenerated before its next use, so compacting them is
// safe.
func keepRows(b *column.Block, preds ...func(i int) bool) int64 {
	keep := 0
rows:
	for i := 0; i < b.Rows; i++ {
		for _, in := range preds {
			if in != nil && !in(i) {
				continue rows
			}
		}
		if keep != i {
			for _, v := range b.Cols {
				v.CopyRow(keep, v, i)
			}
		}
		keep++
	}
	b.Rows = keep
	truncate(b, keep)
	return int64(keep)
}

// truncate cuts every vector of b to n rows.
func truncate(b *column.Block, n int) {
	for _, v := range b.Cols {
		*v = v.Window(0, n)
	}
}

// reachNow ends the window of a run of an open timeline at now when it
// has no end: an open timeline has none of its own. Every growing table of
// the run then reaches the same horizon.
func reachNow(tf dsl.Timeframe, w *Window, now time.Time) *Window {
	if !tf.Open || w != nil && w.Until != math.MaxInt64 {
		return w
	}
	out := &Window{From: math.MinInt64, Until: now.UnixMicro()}
	if w != nil {
		out.From = w.From
	}
	if out.Until <= out.From {
		// --from after now: nothing to write.
		out.Until = out.From
	}
	return out
}
