package engine

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/plan"
	"datagen/src/rng"
)

// SplitMinParents is the number of primary-parent rows per part from
// which a fact is split by parent range: part k of such a fact is the
// children of part k of its primary parent. A fact of a smaller parent
// splits its own rows evenly and holds the parent whole (docs/scale.md).
const SplitMinParents = 100

// tableLayout is how a part computes one table (docs/scale.md).
type tableLayout struct {
	// split marks a fact whose part is the children of its primary
	// parent's part; otherwise a part is an even share of the rows.
	split bool
	// relative marks a split fact that holds the fanout offsets of its
	// part's parents only, streamed from counts that are pure functions
	// of the parent row; its parent row indexes count from the part's
	// first parent, and it reads the parent's columns for those parents
	// only.
	relative bool
	// whole marks a table whose every row this part computes and keeps:
	// another table reads its columns at rows outside the part (a random
	// or joined lookup, a choice reference, an effect table, a behaviour,
	// a self-lookup).
	whole bool
	// strided marks a table that grows with an open timeline in a run
	// split into parts: its row count follows each run's horizon, so a
	// contiguous share would move as time moves on. Part k writes the
	// rows i with i mod parts = k of an arrivals or per-unit table (row i
	// never changes), and the children of those rows below it; it
	// computes every row (strided.go).
	strided bool
}

// layoutParts decides the layout of every table of p for a run split into
// parts, from the tables' estimated rows (a pure function of the plan
// and the options, so every part decides alike). Readers come after what
// they read, so the layouts are decided in reverse generation order.
func layoutParts(p *plan.Plan, parts int, rows map[string]float64, splitMin int64) map[*plan.Table]*tableLayout {
	if splitMin <= 0 {
		splitMin = SplitMinParents
	}
	out := make(map[*plan.Table]*tableLayout, len(p.Order))
	open := p.Schema.Timeframe.Open && parts > 1
	for i := len(p.Order) - 1; i >= 0; i-- {
		t := p.Order[i]
		l := &tableLayout{strided: open && t.Grows()}
		out[t] = l
		if len(t.Keep) > 0 {
			l.whole = t.SelfLookup
			for _, r := range p.Readers(t) {
				if rl := out[r]; rl == nil || rl.strided || !p.ReadsWithinPart(r, t, rl.relative) {
					l.whole = true
				}
			}
		}
		if l.whole {
			// Its aggregates scan the children of every row: they need
			// the offsets of every parent.
			for _, a := range t.Aggregates {
				out[a.Child].relative = false
			}
		}
		if t.Primary == nil || t.ByUnit() || l.strided {
			// A per-unit fact (or an open timeline's state fact) is
			// numbered unit by unit, not by parent; a strided table is
			// not split by parent range.
			continue
		}
		l.split = rows[t.Primary.ID()] >= float64(splitMin)*float64(parts)
		l.relative = l.split && !l.whole && streamable(t)
	}
	return out
}

// streamable reports whether the child counts of fact t are pure
// functions of the parent row: no behaviour and no table-level effect
// changes them.
func streamable(t *plan.Table) bool {
	if bt := t.Behavior; bt != nil && (len(bt.SegmentLinks) > 0 || bt.VintageLink != nil || bt.Stages != nil || bt.States != nil) {
		return false
	}
	for _, m := range t.Node.Modifiers {
		if m.Effect != nil {
			return false
		}
	}
	return true
}

// countChunk is the number of parents a worker counts at a time.
const countChunk = 1 << 12

// streamOffsets draws the child counts of parents [0, np) of a fact whose
// counts are pure functions of the parent row, in parallel chunks, and
// keeps only those of parents [wlo, whi): it returns the offsets of that
// window (whi-wlo+1 values: the first child row of each parent of the
// window, then the end of the last one's children) and the total row
// count. Memory is the window's; time is linear in np.
func (e *engine) streamOffsets(ctx context.Context, t *plan.Table, np, wlo, whi int64) ([]int64, int64, error) {
	off := make([]int64, whi-wlo+1)
	before, total, err := e.streamCounts(ctx, t, 0, np, []int64{wlo}, wlo, off[1:])
	if err != nil {
		return nil, 0, err
	}
	off[0] = before[0]
	prefixSums(off)
	return off, total, nil
}

// streamCounts draws the child counts of parents [lo, hi) of a fact whose
// counts are pure functions of the parent row, in parallel chunks. It
// returns, for each parent row b of bounds (increasing, within [lo, hi]),
// the number of children of the parents [lo, b), and the number of
// children of all; keep[i] receives the count of parent keepFrom+i (for
// the parents of [lo, hi) that keep covers). Memory is one sum per chunk.
// A cancelled ctx stops it at the next chunk, with the table's error.
func (e *engine) streamCounts(ctx context.Context, t *plan.Table, lo, hi int64, bounds []int64, keepFrom int64, keep []int64) ([]int64, int64, error) {
	key := rng.TableKey(e.opts.Seed, t.ID(), "fanout")
	nchunks := (hi - lo + countChunk - 1) / countChunk
	chunkSum := make([]int64, nchunks)
	// partial[j] is the sum of the counts of bounds[j]'s chunk before it.
	partial := make([]int64, len(bounds))
	keepTo := keepFrom + int64(len(keep))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := int64(0); w < min(int64(max(e.opts.Workers, 1)), max(nchunks, 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cnt := newCounter(t.Node.Fanout, key)
			k := make([]int64, countChunk)
			for {
				c := next.Add(1) - 1
				if c >= nchunks || ctx.Err() != nil {
					return
				}
				from := lo + c*countChunk
				ks := k[:min(countChunk, hi-from)]
				cnt.fill(from, ks)
				chunkSum[c] = sum(ks)
				// ks[a:b] are kept.
				a := min(max(keepFrom-from, 0), int64(len(ks)))
				b := min(max(keepTo-from, 0), int64(len(ks)))
				if b > a {
					copy(keep[from+a-keepFrom:], ks[a:b])
				}
				// The bounds inside this chunk (each written by this
				// chunk's worker only).
				j := sort.Search(len(bounds), func(j int) bool { return bounds[j] >= from })
				for ; j < len(bounds) && bounds[j] < from+int64(len(ks)); j++ {
					partial[j] = sum(ks[:bounds[j]-from])
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, 0, fmt.Errorf("table %q: %w", t.ID(), err)
	}
	// before[c] is the sum of the chunks before chunk c.
	before := make([]int64, nchunks+1)
	for c, s := range chunkSum {
		before[c+1] = before[c] + s
	}
	out := make([]int64, len(bounds))
	for j, b := range bounds {
		if b >= hi {
			out[j] = before[nchunks]
			continue
		}
		out[j] = before[(b-lo)/countChunk] + partial[j]
	}
	return out, before[nchunks], nil
}

// prefixSums turns off[1:] from counts into the running sums from off[0].
func prefixSums(off []int64) {
	for i := 1; i < len(off); i++ {
		off[i] += off[i-1]
	}
}

// counter draws the child counts of a fact whose counts no effect or
// behaviour changes: drawCount's draw, clamped. A uniform or empirical
// count is one draw, the first of the parent row's stream, so a range of
// parents takes its draws in one loop (rng.Key.FirstDraws); a Poisson
// count draws with the distribution's constants computed once.
type counter struct {
	f   *dsl.Fanout
	key rng.Key
	// oneDraw is set for uniform and empirical counts, lo is their
	// lowest count and n the number of uniform counts (0 for empirical).
	oneDraw bool
	lo, n   int64
	draws   []uint64
	r       *rng.Rand
	// poisson, when set, draws Poisson counts in [lo, hi].
	poisson *rng.Poisson
	hi      int64
}

func newCounter(f *dsl.Fanout, key rng.Key) *counter {
	c := &counter{f: f, key: key, r: rng.NewRand()}
	if f == nil {
		return c
	}
	c.hi = int64(math.MaxInt64)
	if f.Min != nil {
		c.lo = *f.Min
	}
	if f.Max != nil {
		c.hi = *f.Max
	}
	switch f.Distribution {
	case "uniform":
		c.oneDraw, c.n = true, c.hi-c.lo+1
	case "empirical":
		c.oneDraw = true
	default:
		p := rng.NewPoisson(poissonMean(f))
		c.poisson = &p
	}
	return c
}

// fill sets k[i] to the child count of parent row from+i.
func (c *counter) fill(from int64, k []int64) {
	f := c.f
	switch {
	case c.oneDraw:
		if cap(c.draws) < len(k) {
			c.draws = make([]uint64, len(k))
		}
		d := c.draws[:len(k)]
		c.key.FirstDraws(from, d)
		if c.n > 0 {
			n := uint64(c.n)
			for i, u := range d {
				k[i] = c.lo + int64(rng.Bounded(u, n))
			}
		} else {
			for i, u := range d {
				k[i] = c.lo + drawWeighted(f.Weights, float64(u>>11)*(1.0/(1<<53)))
			}
		}
	case c.poisson != nil:
		for i := range k {
			c.r.Reset(c.key, from+int64(i))
			k[i] = truncPoisson(c.poisson, c.lo, c.hi, c.r)
		}
	default:
		for i := range k {
			c.r.Reset(c.key, from+int64(i))
			k[i] = drawCount(f, c.r)
		}
	}
	if f != nil && len(f.Clamp) == 2 {
		lo, hi := f.Clamp[0], f.Clamp[1]
		for i, x := range k {
			k[i] = min(max(x, 0, lo), hi)
		}
		return
	}
	if c.oneDraw && c.lo >= 0 {
		return // every count is at least lo
	}
	for i, x := range k {
		k[i] = max(x, 0)
	}
}

// ownRange sets the rows [lo, hi) of ts that this part writes: the
// children of the primary parent's part for a split fact, an even share
// of the rows otherwise.
func (e *engine) ownRange(ts *tableState) {
	if ts.layout.strided {
		// Every row is computed; the rows of other parts are filtered
		// out as they are written (strided.go).
		ts.lo, ts.hi = 0, ts.rows
		return
	}
	if ts.layout.split {
		parent := e.tables[ts.t.Primary.ID()]
		ts.lo = min(ts.offsets[parent.lo-ts.pbase], ts.rows)
		ts.hi = min(ts.offsets[parent.hi-ts.pbase], ts.rows)
		return
	}
	ts.lo, ts.hi = PartRange(ts.rows, e.opts.Parts, e.opts.Part)
}

// allocKept sizes the kept columns of ts for rows [lo, hi).
func (ts *tableState) allocKept(lo, hi int64) {
	ts.keepBase, ts.keepLen = lo, int(hi-lo)
	for _, cs := range ts.cols {
		if v := cs.keep; v != nil {
			v.Reset(cs.spec.Type, int(hi-lo))
			v.Null = make([]bool, hi-lo)
		}
	}
	if v := ts.rowTime; v != nil {
		v.Reset(column.Timestamp, int(hi-lo))
		v.Null = make([]bool, hi-lo)
	}
}

// tablesFor returns the table lookup of the columns of ts: a relative
// fact sees its primary parent's columns for its own parents only,
// indexed from its first parent, like its offsets.
func (e *engine) tablesFor(ts *tableState) func(id string) (column.Table, error) {
	if !ts.layout.relative {
		return e.table
	}
	primary := ts.t.Primary.ID()
	return func(id string) (column.Table, error) {
		tab, err := e.table(id)
		if err != nil || id != primary {
			return tab, err
		}
		p := e.tables[id]
		return &windowTable{ts: p, lo: int(ts.pbase - p.keepBase), n: len(ts.offsets) - 1, views: map[string]*column.Vector{}}, nil
	}
}

// windowTable is rows [lo, lo+n) of a table's kept columns.
type windowTable struct {
	ts    *tableState
	lo, n int
	views map[string]*column.Vector
}

func (w *windowTable) Rows() int64 { return int64(w.n) }

func (w *windowTable) Column(name string) *column.Vector {
	if v, ok := w.views[name]; ok {
		return v
	}
	src := w.ts.kept[name]
	if src == nil {
		return nil
	}
	v := src.Window(w.lo, w.lo+w.n)
	w.views[name] = &v
	return &v
}

// ownShare is the expected number of rows of a table of rows rows that
// one of parts parts holds.
func ownShare(rows float64, parts int) float64 {
	return math.Ceil(rows / float64(max(parts, 1)))
}

func sum(k []int64) int64 {
	var s int64
	for _, x := range k {
		s += x
	}
	return s
}

// rowPure reports whether a column of a table is a pure function of its
// row (plan.Table.RowPure).
func (e *engine) rowPure(table, col string) (start, step int64, ok bool) {
	if t := e.p.ByID[table]; t != nil {
		return t.RowPure(col)
	}
	return 0, 0, false
}
