package engine

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"datagen/src/behavior/apply"
	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen"
	"datagen/src/modify"
	"datagen/src/rng"
)

// tableEffect applies a table-level effect to the fanout counts: each
// primary-parent row is matched at the parent's timestamp column (args.ts,
// else the parent's first datetime or date column, else the timeframe
// midpoint) and on the "on" keys the parent has (keys it lacks are
// ignored, which the schema check reports as a warning). A matched effect
// row whose field column does not exist counts as 1, so an effect table
// of opening windows with default 0 keeps children only inside a window.
func (e *engine) tableEffect(parent *tableState, eff *dsl.EffectArgs, counts []float64) error {
	ce, err := e.countEffect(parent, eff)
	if err != nil {
		return err
	}
	for i := range counts {
		counts[i] = ce.apply(counts[i], i, ce.rowTS(i))
	}
	return nil
}

// countEffect is a table-level effect on a fact's child counts, matched
// per primary-parent row (tableEffect, and per unit for a per-unit
// fanout).
type countEffect struct {
	lk   *modify.EffectLookup
	keys []*column.Vector
	// ts is the parent's timestamp column (nil: mid, the timeframe's
	// midpoint).
	ts  *column.Vector
	mid int64
	add bool
}

// countEffect prepares the effect eff on the children of parent.
func (e *engine) countEffect(parent *tableState, eff *dsl.EffectArgs) (*countEffect, error) {
	s := e.p.Schema
	ce := &countEffect{add: eff.Op == "add"}
	if tsName := planTableEffectTS(parent, eff); tsName != "" {
		if ce.ts = parent.kept[tsName]; ce.ts == nil {
			return nil, fmt.Errorf("timestamp column %q of %q is not available", tsName, parent.t.ID())
		}
	}
	ce.mid = s.Timeframe.Start.UnixMicro() + (s.Timeframe.End.UnixMicro()-s.Timeframe.Start.UnixMicro())/2
	args := *eff
	args.On = nil
	for _, kp := range eff.On {
		if parent.kept[kp.Local] != nil {
			args.On = append(args.On, kp)
		}
	}
	tab, err := e.modTable(eff.EffectTable)
	if err != nil {
		return nil, err
	}
	if ce.lk, err = modify.NewEffectLookup(&args, tab, true); err != nil {
		return nil, err
	}
	for _, name := range ce.lk.Keys() {
		ce.keys = append(ce.keys, parent.kept[name])
	}
	if err := ce.lk.CheckKeys(ce.keys); err != nil {
		return nil, err
	}
	return ce, nil
}

// rowTS is the instant parent row i is matched at: its timestamp, or the
// timeframe's midpoint when the parent has none.
func (ce *countEffect) rowTS(i int) int64 {
	if ce.ts == nil {
		return ce.mid
	}
	// A parent without a timestamp is in no window: it gets the
	// default, as a column-level effect does.
	if ce.ts.IsNull(i) {
		return math.MinInt64
	}
	return ce.ts.Ints[i]
}

// apply returns count x of parent row i under the effect matched at ts.
func (ce *countEffect) apply(x float64, i int, ts int64) float64 {
	v := ce.lk.Value(ce.keys, i, ts)
	if ce.add {
		return x + v
	}
	return x * v
}

func planTableEffectTS(parent *tableState, eff *dsl.EffectArgs) string {
	if eff.TS != "" {
		return eff.TS
	}
	for _, c := range parent.t.Cols {
		if c.Spec.Type.IsTime() {
			return c.Spec.Name
		}
	}
	return ""
}

// worker holds per-worker scratch state, reused across blocks.
type worker struct {
	rand   *rng.Rand
	raw    []*column.Vector
	parent []int64
	done   []bool
	// beh is the behaviour state of the block (facts with behaviour).
	beh *apply.Block
	// rowTime holds the time of the block's rows for a table that takes
	// its primary parent's time; hist is the scratch of the version
	// store's draws.
	rowTime column.Vector
	hist    *historyScratch
}

func (ts *tableState) newWorker() *worker {
	w := &worker{rand: rng.NewRand(), raw: make([]*column.Vector, len(ts.cols)), done: make([]bool, len(ts.cols))}
	for i := range w.raw {
		w.raw[i] = &column.Vector{}
	}
	if ts.beh != nil {
		w.beh = ts.beh.NewBlock()
	}
	return w
}

func newBlock(ncols int) *column.Block {
	b := &column.Block{Cols: make([]*column.Vector, ncols)}
	for i := range b.Cols {
		b.Cols[i] = &column.Vector{}
	}
	return b
}

// generate produces every row of the table that this part needs (all rows
// when other tables read rows outside the part), in parallel blocks, and
// writes the rows this part owns to w in row order. It returns the number
// of rows written.
func (e *engine) generate(ctx context.Context, ts *tableState, w Writer) (int64, error) {
	lo, hi := ts.lo, ts.hi
	genLo, genHi := lo, hi
	if len(ts.kept) > 0 && (ts.layout.whole || ts.layout.strided) {
		genLo, genHi = 0, ts.rows
	}
	if e.windowRule(ts).empty() || e.opts.building != nil {
		// Nothing to write; the rows that other tables read are still
		// computed.
		lo, hi = 0, 0
		if len(ts.kept) == 0 {
			genLo, genHi = 0, 0
		}
	}
	ts.allocKept(genLo, genHi)
	if err := e.prepass(ctx, ts, genLo, genHi); err != nil {
		return 0, err
	}
	return e.runBlocks(ctx, ts, genLo, genHi, lo, hi, w)
}

// prepass runs what must precede generating rows [lo, hi) of ts: the
// first pass of a self-referencing table, or of an aggregating table that
// other tables read, and the scans of the children its aggregates read.
func (e *engine) prepass(ctx context.Context, ts *tableState, lo, hi int64) error {
	t := ts.t
	if t.SelfLookup || len(t.Aggregates) > 0 && len(ts.kept) > 0 {
		ts.firstPass = true
		_, err := e.runBlocks(ctx, ts, lo, hi, 0, 0, nil)
		ts.firstPass = false
		if err != nil {
			return err
		}
		// The first pass filled every kept column but the second-pass
		// ones; the second pass reads them and must not write them again.
		ts.keptFilled = true
		if ts.vers != nil {
			ts.vers.finish(ts.keepBase, ts.keepLen)
		}
	}
	if len(t.Aggregates) > 0 {
		return e.aggregate(ctx, ts, lo, hi)
	}
	return nil
}

// slot is one block in flight with its scratch: the block, a view of the
// part of it this run writes, and its encoding when the writer encodes
// blocks concurrently.
type slot struct {
	blk  *column.Block
	view *column.Block
	enc  []byte
	// n is the number of rows of the block this part writes.
	n   int64
	idx int
	err error
}

func newSlot(ncols int) *slot {
	return &slot{blk: newBlock(ncols), view: newBlock(ncols)}
}

// runBlocks generates rows [from, to) and writes the part [wlo, whi) of
// them to w (when w is non-nil). When parent is cancelled before every
// block is written, it returns the context's error wrapped with the table.
func (e *engine) runBlocks(parent context.Context, ts *tableState, from, to, wlo, whi int64, w Writer) (int64, error) {
	if to <= from {
		return 0, nil
	}
	enc, _ := w.(Encoder)
	win := e.windowRule(ts)
	stride := e.strideRule(ts)
	bs := smallTableBlock(int64(e.blockRows(ts)), to-from, e.opts.Workers)
	nblocks := int((to - from + bs - 1) / bs)
	workers := min(e.opts.Workers, nblocks)
	inflight := 2 * workers
	free := make(chan *slot, inflight)
	for i := 0; i < inflight; i++ {
		free <- newSlot(len(ts.cols))
	}
	jobs := make(chan int)
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	o := &ordered{e: e, ts: ts, parent: parent, cancel: cancel, free: free, w: w, enc: enc,
		pending: map[int]*slot{}, lastUpdate: time.Now()}
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := ts.newWorker()
			for {
				// Hold a slot before taking a job: the lowest unfinished
				// job then always has a slot, so the blocks after it
				// cannot wait forever on a job that waits for a slot.
				sl := <-free
				idx, ok := <-jobs
				if !ok {
					return
				}
				start := from + int64(idx)*bs
				n := int(min(bs, to-start))
				sl.idx = idx
				sl.err = e.fillBlock(ts, wk, sl.blk, start, n)
				if sl.err == nil && w != nil {
					sl.n = partView(sl.blk, sl.view, wlo, whi)
					if (win != nil || stride != nil) && sl.n > 0 {
						parents := wk.parent[min(sl.view.Start-sl.blk.Start, int64(len(wk.parent))):]
						sl.n = keepRows(sl.view, win.rows(sl.view, parents), stride.rows(sl.view, parents))
					}
					if enc != nil && sl.n > 0 {
						sl.enc, sl.err = enc.EncodeBlock(sl.view, sl.enc[:0])
					}
				}
				o.done(sl)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for idx := 0; idx < nblocks; idx++ {
			select {
			case jobs <- idx:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	if o.err != nil {
		return 0, o.err
	}
	if o.next < nblocks {
		// The job feeder stopped early: the run's context was cancelled.
		// A table cut short must never pass for a complete one.
		err := context.Cause(parent)
		if err == nil {
			err = fmt.Errorf("stopped after %d of %d blocks", o.next, nblocks)
		}
		return 0, fmt.Errorf("table %q: %w", ts.t.ID(), err)
	}
	return o.written, nil
}

// smallTableBlock returns the block size for n rows: bs, or less for a
// table too small to give each of the workers four blocks of bs rows,
// down to 4 Ki rows (whole multiples of 1 Ki). A small table then touches less fresh
// memory (a short run's page faults are much of its cost) and spreads
// over every worker. Block sizes never change the data.
func smallTableBlock(bs, n int64, workers int) int64 {
	const least = 4 << 10
	per := (n + 4*int64(workers) - 1) / (4 * int64(workers))
	return min(bs, max(least, (per+1023)/1024*1024))
}

// ordered writes the blocks of a table in row order, from the workers
// that made them: a worker that finishes a block leaves it here, and the
// worker that finishes the next block to write writes it and the done
// blocks after it. The bytes a worker encoded are thus mostly copied into
// the file by the core whose cache holds them, not handed to a writer
// goroutine on the other core. One worker writes at a time; the others
// leave their blocks and go on generating.
type ordered struct {
	e      *engine
	ts     *tableState
	parent context.Context
	cancel context.CancelFunc
	free   chan *slot
	w      Writer
	enc    Encoder

	mu      sync.Mutex
	pending map[int]*slot // done blocks by index, waiting for their turn
	next    int           // the index of the next block to write
	writing bool          // a worker is writing
	err     error         // the first error: nothing more is written
	// written and lastUpdate belong to the writing worker.
	written    int64
	lastUpdate time.Time
}

// done takes a finished (or failed) block and, unless another worker is
// writing, writes every block whose turn has come.
func (o *ordered) done(sl *slot) {
	o.mu.Lock()
	if o.err != nil || sl.err != nil {
		if o.err == nil {
			o.failLocked(sl.err)
		}
		o.mu.Unlock()
		o.free <- sl
		return
	}
	o.pending[sl.idx] = sl
	if o.writing {
		o.mu.Unlock()
		return
	}
	o.writing = true
	for {
		sl, ok := o.pending[o.next]
		if !ok || o.err != nil {
			o.writing = false
			o.mu.Unlock()
			return
		}
		delete(o.pending, o.next)
		o.next++
		o.mu.Unlock()
		err := o.write(sl)
		o.free <- sl
		o.mu.Lock()
		if err != nil && o.err == nil {
			o.failLocked(err)
		}
	}
}

// failLocked records the run's first error, stops the job feeder and
// releases the blocks waiting for their turn.
func (o *ordered) failLocked(err error) {
	o.err = err
	o.cancel()
	for k, sl := range o.pending {
		delete(o.pending, k)
		o.free <- sl
	}
}

// write writes one block whose turn has come.
func (o *ordered) write(sl *slot) error {
	id := o.ts.t.ID()
	if err := context.Cause(o.parent); err != nil {
		// Blocks already in flight when the run was cancelled are not
		// written: a cancelled table stops at once.
		return fmt.Errorf("table %q: %w", id, err)
	}
	if o.w == nil || sl.n == 0 {
		return nil
	}
	var err error
	if o.enc != nil {
		err = o.enc.WriteEncoded(sl.view, sl.enc)
	} else {
		err = o.w.WriteBlock(sl.view)
	}
	if err != nil {
		return tableErr(id, err)
	}
	o.written += sl.n
	if p := o.e.opts.Progress; p != nil && time.Since(o.lastUpdate) >= o.e.opts.ProgressEvery {
		o.lastUpdate = time.Now()
		ts := o.ts
		p(Event{Table: id, Update: true, Rows: ts.rows, PartRows: ts.hi - ts.lo, Written: o.written})
	}
	return nil
}

// partView points view at the rows of blk inside [lo, hi) and returns
// their number.
func partView(blk, view *column.Block, lo, hi int64) int64 {
	a := max(blk.Start, lo)
	b := min(blk.Start+int64(blk.Rows), hi)
	if b <= a {
		return 0
	}
	i, j := int(a-blk.Start), int(b-blk.Start)
	view.Start, view.Rows = a, j-i
	for k, v := range blk.Cols {
		*view.Cols[k] = v.Window(i, j)
	}
	return int64(j - i)
}

// fillBlock computes rows [start, start+n) of every column into blk.
func (e *engine) fillBlock(ts *tableState, wk *worker, blk *column.Block, start int64, n int) error {
	blk.Start, blk.Rows = start, n
	var parent []int64
	if ts.offsets != nil {
		if cap(wk.parent) < n {
			wk.parent = make([]int64, n)
		}
		parent = wk.parent[:n]
		p := ts.parentOf(start)
		for i := range parent {
			for ts.offsets[p+1] <= start+int64(i) {
				p++
			}
			parent[i] = p
		}
	} else if g := ts.grow; g != nil && g.parentOf != nil {
		parent = g.fillParents(&wk.parent, start, n)
	}
	if wk.beh != nil {
		ts.beh.Prepare(wk.beh, start, n, parent)
	}
	var rowTime *column.Vector
	if ts.t.ParentTime && (ts.rowTime != nil || ts.atTime) && parent != nil {
		rowTime = &wk.rowTime
		e.fillRowTime(ts, rowTime, parent)
	}
	clear(wk.done)
	get := func(name string) *column.Vector {
		k := ts.t.ColumnIndex(name)
		if k < 0 || !wk.done[k] {
			return nil
		}
		return blk.Cols[k]
	}
	batch := &gen.Batch{Start: start, N: n, Parent: parent, Col: get, Rand: wk.rand, RowTime: rowTime}
	mctx := &modify.Context{Start: start, Rows: n, TotalRows: ts.rows, Col: get, Rand: wk.rand}
	for k, ci := range ts.t.EvalOrder {
		if k > 0 {
			applyOrderings(ts.orders, k-1, blk, wk.rand, start)
		}
		cs := ts.cols[ci]
		raw := wk.raw[ci]
		out := blk.Cols[ci]
		if cs.second && ts.firstPass || ts.need != nil && !ts.need[ci] {
			out.Reset(cs.spec.Type, n)
			for i := 0; i < n; i++ {
				out.SetNull(i)
			}
			wk.done[ci] = true
			continue
		}
		var src any = cs.gen
		if cs.fill != nil {
			src = cs.fill
			if err := cs.fill.Fill(raw, wk.beh); err != nil {
				return colErr(ts, cs, err)
			}
		} else if err := cs.gen.Fill(raw, batch); err != nil {
			return colErr(ts, cs, err)
		}
		if i := unwritable(raw, cs.spec.Nullable); i >= 0 {
			return colErr(ts, cs, unwritableErr("the generator", start, raw, i))
		}
		mctx.Resample = nil
		if rs, ok := src.(gen.Resampler); ok {
			r := wk.rand
			mctx.Resample = func(row int64, attempt int) int64 { return rs.Resample(r, row, attempt) }
		}
		for mi, m := range cs.mods {
			if err := m.Apply(raw, mctx); err != nil {
				return colErr(ts, cs, fmt.Errorf("modifiers[%d]: %w", mi, err))
			}
			if i := unwritable(raw, cs.spec.Nullable); i >= 0 {
				step := fmt.Sprintf("modifiers[%d] (%s)", mi, cs.spec.Modifiers[mi].Transform)
				return colErr(ts, cs, unwritableErr(step, start, raw, i))
			}
		}
		if raw.Type == cs.spec.Type {
			wk.raw[ci], blk.Cols[ci] = out, raw
			out = raw
		} else if err := gen.Cast(raw, cs.spec.Type, out); err != nil {
			return colErr(ts, cs, fmt.Errorf("rows from %d: %w", start, err))
		}
		if cs.values {
			if err := ts.beh.ApplyValues(cs.spec.Name, out, wk.beh); err != nil {
				return colErr(ts, cs, err)
			}
			if i := unwritable(out, cs.spec.Nullable); i >= 0 {
				return colErr(ts, cs, unwritableErr("the value behaviours (segment, vintage)", start, out, i))
			}
		}
		if cs.decimals >= 0 {
			if err := roundDecimals(out, cs.decimals, cs.limit, start); err != nil {
				return colErr(ts, cs, err)
			}
		}
		if cs.nullRate > 0 {
			for i := 0; i < n; i++ {
				if float64(cs.nullKey.At(start+int64(i), 0)>>11)*(1.0/(1<<53)) < cs.nullRate {
					out.SetNull(i)
				}
			}
		}
		if !cs.spec.Nullable && out.Null != nil {
			if err := nonNullable(out, start); err != nil {
				return colErr(ts, cs, err)
			}
		}
		wk.done[ci] = true
	}
	applyOrderings(ts.orders, len(ts.t.EvalOrder)-1, blk, wk.rand, start)
	// Kept columns are stored once every value of the block is final.
	for ci, cs := range ts.cols {
		if cs.keep != nil && (!ts.keptFilled || cs.second) {
			storeKept(cs.keep, blk.Cols[ci], start-ts.keepBase)
		}
	}
	if ts.rowTime != nil && !ts.keptFilled && rowTime != nil {
		storeKept(ts.rowTime, rowTime, start-ts.keepBase)
	}
	if ts.vers != nil && !ts.keptFilled {
		// Recorded in the pass that fills the kept columns, so that the
		// children its aggregates scan read the versions.
		if wk.hist == nil {
			wk.hist = ts.vers.h.newScratch()
		}
		if err := ts.vers.record(blk, wk.hist); err != nil {
			return err
		}
	}
	return nil
}

func compareInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func compareFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// roundDecimals rounds a float column half-even to d decimals; a decimal
// column's values must stay below limit in magnitude (limit 0: no bound).
func roundDecimals(v *column.Vector, d int, limit float64, start int64) error {
	for i, x := range v.Floats {
		if v.Null != nil && v.Null[i] {
			continue
		}
		r := column.RoundHalfEven(x, d)
		if limit > 0 && !(math.Abs(r) < limit) {
			return fmt.Errorf("row %d: %v does not fit the decimal column (at most %d digits before the point)",
				start+int64(i), r, int(math.Round(math.Log10(limit))))
		}
		v.Floats[i] = r
	}
	return nil
}

// unwritable checks the values of v that no file can hold: a float that
// is NaN or infinite, an instant outside years 1–9999 (civil.InRange).
// Such a value becomes null when the column is nullable; otherwise
// unwritable returns the index of the first one (-1 when there is none).
func unwritable(v *column.Vector, nullable bool) int {
	switch v.Type {
	case column.Float:
		for i, x := range v.Floats {
			if !math.IsNaN(x) && !math.IsInf(x, 0) || v.IsNull(i) {
				continue
			}
			if !nullable {
				return i
			}
			v.SetNull(i)
		}
	case column.Timestamp, column.Date:
		for i, x := range v.Ints {
			if civil.InRange(x) || v.IsNull(i) {
				continue
			}
			if !nullable {
				return i
			}
			v.SetNull(i)
		}
	}
	return -1
}

// unwritableErr is the error for the value of row i of v (block start)
// that step made and unwritable found, in a column that is not nullable.
func unwritableErr(step string, start int64, v *column.Vector, i int) error {
	var what string
	if v.Type == column.Float {
		what = fmt.Sprint(v.Floats[i])
	} else {
		what = "an instant outside years 1-9999 (" + string(civil.AppendTimestamp(nil, v.Ints[i])) + ")"
	}
	return fmt.Errorf("%s made row %d %s, which no file can hold: bound the values (clamp, smaller "+
		"factors, durations or parameters), or declare \"nullable\": true to write nulls instead", step, start+int64(i), what)
}

// nonNullable reports the first null of a column declared not nullable.
func nonNullable(v *column.Vector, start int64) error {
	for i, null := range v.Null {
		if null {
			return fmt.Errorf("row %d is null, but the column is not nullable: a lookup join without a match, "+
				"an expression with a null input or an invalid operation (division by zero, a time outside years 1-9999), or a null choice produce nulls; "+
				"declare \"nullable\": true, or use coalesce() in an expression", start+int64(i))
		}
	}
	return nil
}

func colErr(ts *tableState, cs *colState, err error) error {
	return &gen.Error{Table: ts.t.ID(), Column: cs.spec.Name, Err: err}
}

// storeKept copies a block's column into the kept vector at start.
// Blocks write disjoint ranges, so workers need no lock; the null slice
// is allocated up front by the caller when the column can hold nulls.
func storeKept(dst, src *column.Vector, start int64) {
	dst.CopyRange(int(start), src, 0, src.Len())
}
