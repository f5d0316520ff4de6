package engine

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen"
	"datagen/src/modify"
	"datagen/src/plan"
	"datagen/src/rng"
)

// history writes an entity whose columns change as versions or change
// events. The engine generates the entity's rows as usual (its first
// values, which other tables read); the history writer turns each row
// into one row per version on the way to the table's writer.
//
// Which columns of row i change, and when, is a pure function of (seed,
// table, column, i, period): each period of a changing column (the k-th
// interval of length every from the timeframe's start) changes with
// probability p, independently. Draw 2k of the column's change stream at
// row i is the geometric gap from period k to the next changing period
// (the chain starts at the period before the entity begins), and draw
// 2k+1 places the change of period k uniformly inside it. A change
// before the entity begins, or at or after the horizon (the end of the
// timeframe or of the run's window), is dropped. The new value is the column's generator (and
// modifiers, cast, rounding and nulls) evaluated at a virtual row: a
// negative row index drawn from (i, k), so that it is never a real row's
// value and never another change's. The rows of an entity are therefore
// the same whatever the workers, blocks or parts.
type history struct {
	ts    *tableState
	cols  []changeCol
	start int // column that dates the first version, or -1
	// tfStart is where periods are counted from; horizon is the end of
	// the timeline: no change at or after it.
	tfStart, horizon int64
	events           bool
	nbase            int
	// win, when set, is the run's window: it keeps the events whose
	// changed_at is in it, and the versions that start in it or end in
	// it (see keep).
	win    *Window
	fields []column.Field
	// mine, when set, reports whether this part writes the entity of row
	// i (a strided table: the engine passes every row, as expandRow
	// reads the row's index from the block).
	mine func(i int64) bool

	mu      sync.Mutex
	scratch map[*column.Block]*historyScratch
	written int64
}

// changeCol is one changing column.
type changeCol struct {
	ci    int
	cs    *colState
	every int64
	p     float64
	// logq is log(1-p).
	logq float64
	// key decides the changes (draws 2k and 2k+1 of row i); vkey draws
	// the virtual rows of the new values.
	key, vkey rng.Key
}

// change is one change of one column of one entity.
type change struct {
	at  int64 // instant (µs)
	col int   // index in history.cols
	k   int64 // period
}

// historyScratch is the scratch of one block in flight.
type historyScratch struct {
	out     *column.Block
	rand    *rng.Rand
	changes []change
	raw     *column.Vector
	vals    []*column.Vector // per changing column: its new value (1 row)
	// base and row are the base block and row that Col reads.
	base *column.Block
	row  int
	one  []column.Vector // 1-row windows of the base columns
	// batch and mctx describe the virtual row a value is drawn at.
	batch gen.Batch
	mctx  modify.Context
	// validToNull keeps the storage of valid_to's null flags.
	validToNull []bool
	col         func(name string) *column.Vector
}

// newHistory returns the history of ts, or nil when it has none.
func (e *engine) newHistory(ts *tableState) *history {
	h := ts.t.History
	if h == nil {
		return nil
	}
	hs := e.historyOf(ts, h.Changing, e.historyHorizon())
	hs.win = e.opts.Window
	if ts.layout.strided {
		k := int64(e.opts.Part)
		hs.mine = func(i int64) bool { return e.partOf(ts, i) == k }
	}
	return hs
}

// historyOf returns the history of ts's changing columns cols up to
// horizon (exclusive).
func (e *engine) historyOf(ts *tableState, cols []int, horizon int64) *history {
	h := ts.t.History
	tf := e.p.Schema.Timeframe
	hs := &history{ts: ts, start: h.Start, tfStart: tf.Start.UnixMicro(), horizon: horizon,
		events: h.As == dsl.HistoryEvents, nbase: len(ts.cols), fields: ts.t.Fields(),
		scratch: map[*column.Block]*historyScratch{}}
	for _, ci := range cols {
		spec := ts.cols[ci].spec
		key := rng.ColumnKey(e.opts.Seed, ts.t.ID(), spec.Name).Sub("changes", 0)
		hs.cols = append(hs.cols, changeCol{ci: ci, cs: ts.cols[ci], every: spec.Changes.Every, p: spec.Changes.P,
			logq: math.Log1p(-spec.Changes.P), key: key, vkey: key.Sub("row", 0)})
	}
	return hs
}

// historyHorizon is the instant (µs, exclusive) up to which entities
// change: the end of the timeframe, or of an open timeline's run (see
// horizon), and never after the end of the run's window: a window holds
// the history known at its end.
func (e *engine) historyHorizon() int64 {
	return historyEnd(e.p.Schema.Timeframe, e.opts.Window)
}

// historyEnd is historyHorizon for timeframe tf and window w (nil: none).
func historyEnd(tf dsl.Timeframe, w *Window) int64 {
	h := tf.End.UnixMicro()
	if tf.Open {
		h = horizon(tf, w)
	}
	if w != nil {
		h = min(h, max(w.Until, tf.Start.UnixMicro()))
	}
	return h
}

// expectedVersions is the number of versions an entity of t is expected
// to have in a run of timeframe tf and window w: one, plus p × the
// periods up to the horizon for each changing column (an upper bound:
// an entity that begins late has fewer periods).
func expectedVersions(t *plan.Table, tf dsl.Timeframe, w *Window) float64 {
	span := float64(historyEnd(tf, w) - tf.Start.UnixMicro())
	versions := 1.0
	for _, ci := range t.History.Changing {
		c := t.Cols[ci].Spec.Changes
		versions += c.P * math.Ceil(max(span, 0)/float64(c.Every))
	}
	return versions
}

// blockRows is the number of rows of ts generated as one block: the
// run's block size, divided for a table with history by the number of
// versions an entity is expected to have, so that a block of versions
// holds about as many rows as a block of another table. Block sizes never
// change the data.
func (e *engine) blockRows(ts *tableState) int {
	if ts.t.History == nil {
		return e.opts.BlockRows
	}
	versions := expectedVersions(ts.t, e.p.Schema.Timeframe, e.opts.Window)
	return max(1, int(float64(e.opts.BlockRows)/versions))
}

// wrap returns a writer that expands each block into versions and
// passes them to w; it encodes concurrently when w does.
func (h *history) wrap(w Writer) Writer {
	hw := &historyWriter{h: h, w: w}
	if enc, ok := w.(Encoder); ok {
		return &historyEncoder{historyWriter: hw, enc: enc}
	}
	return hw
}

// scratchFor returns the scratch of block b (one per block in flight:
// the engine reuses its blocks, so they are few).
func (h *history) scratchFor(b *column.Block) *historyScratch {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.scratch[b]
	if s == nil {
		s = h.newScratch()
		h.scratch[b] = s
	}
	return s
}

func (h *history) newScratch() *historyScratch {
	s := &historyScratch{out: newBlock(len(h.fields)), rand: rng.NewRand(), raw: &column.Vector{},
		one: make([]column.Vector, h.nbase)}
	for range h.cols {
		s.vals = append(s.vals, &column.Vector{})
	}
	t := h.ts.t
	s.col = func(name string) *column.Vector {
		k := t.ColumnIndex(name)
		if k < 0 || k >= h.nbase {
			return nil
		}
		s.one[k] = s.base.Cols[k].Window(s.row, s.row+1)
		return &s.one[k]
	}
	return s
}

// expand writes the versions of the rows of b into s.out.
func (h *history) expand(b *column.Block, s *historyScratch) (*column.Block, error) {
	out := s.out
	out.Start, out.Rows = b.Start, 0
	for j, f := range h.fields {
		out.Cols[j].Reset(f.Type, 0)
	}
	if !h.events {
		out.Cols[h.nbase+1].Null = s.validToNull[:0]
	}
	s.base = b
	for r := 0; r < b.Rows; r++ {
		if h.mine != nil && !h.mine(b.Start+int64(r)) {
			continue
		}
		if err := h.expandRow(b, r, s); err != nil {
			return nil, err
		}
	}
	if h.win != nil {
		h.keep(out)
	}
	if !h.events {
		s.validToNull = out.Cols[h.nbase+1].Null
	}
	return out, nil
}

// begin is the instant row r of b begins: its first version's
// valid_from.
func (h *history) begin(b *column.Block, r int) int64 {
	if h.start >= 0 {
		if v := b.Cols[h.start]; !v.IsNull(r) {
			return v.Ints[r]
		}
	}
	return h.tfStart
}

// expandRow appends the versions of row r of b to s.out.
func (h *history) expandRow(b *column.Block, r int, s *historyScratch) error {
	row := b.Start + int64(r)
	begin := h.begin(b, r)
	s.changes = h.schedule(row, begin, s.changes[:0])
	out := s.out
	for j := 0; j < h.nbase; j++ {
		out.Cols[j].AppendRange(b.Cols[j], r, r+1)
	}
	h.appendMeta(out, begin, true)
	s.row = r
	for i := 0; i < len(s.changes); {
		at := s.changes[i].at
		last := out.Rows - 1
		changed := false
		j := i
		for ; j < len(s.changes) && s.changes[j].at == at; j++ {
			c := &s.changes[j]
			cc := &h.cols[c.col]
			ok, err := h.value(cc, row, c.k, s, s.vals[c.col], out.Cols[cc.ci], last)
			if err != nil {
				return err
			}
			if !ok {
				c.col = -1 // the column keeps its value
				continue
			}
			changed = true
		}
		if changed {
			for k := 0; k < h.nbase; k++ {
				out.Cols[k].AppendRange(out.Cols[k], last, last+1)
			}
			h.appendMeta(out, at, false)
			for _, c := range s.changes[i:j] {
				if c.col >= 0 {
					out.Cols[h.cols[c.col].ci].CopyRow(out.Rows-1, s.vals[c.col], 0)
				}
			}
			if !h.events {
				// The previous version ends where this one starts.
				vt := out.Cols[h.nbase+1]
				vt.Ints[last], vt.Null[last] = at, false
				out.Cols[h.nbase+2].Bools[last] = false
			}
		}
		i = j
	}
	return nil
}

// keep compacts out to the rows of the window: the events whose
// changed_at is in it; the versions whose valid_from is in it (as known
// at the window's end: the current one has no valid_to), and the earlier
// versions that a change in the window ended, written again with their
// valid_to. Loaded one window after another with the key pk + valid_from
// (a later row replacing an earlier one), the windows give exactly the
// versions of one run over their union.
func (h *history) keep(out *column.Block) {
	w := h.win
	from, vt := out.Cols[h.nbase], out.Cols[h.nbase+1]
	n := 0
	for i := 0; i < out.Rows; i++ {
		in := w.Contains(from.Ints[i])
		if !in && !h.events && !vt.IsNull(i) {
			in = w.Contains(vt.Ints[i])
		}
		if !in {
			continue
		}
		if n != i {
			for _, v := range out.Cols {
				v.CopyRow(n, v, i)
			}
		}
		n++
	}
	out.Rows = n
	truncate(out, n)
}

// appendMeta appends the history columns of one new row starting at at:
// a current version without end, or an insert or update event.
func (h *history) appendMeta(out *column.Block, at int64, insert bool) {
	c := out.Cols[h.nbase:]
	c[0].Ints = append(c[0].Ints, at)
	if h.events {
		op := dsl.OpUpdate
		if insert {
			op = dsl.OpInsert
		}
		c[1].Strs = append(c[1].Strs, op)
	} else {
		c[1].Ints = append(c[1].Ints, 0)
		c[1].Null = append(c[1].Null, true)
		c[2].Bools = append(c[2].Bools, true)
	}
	out.Rows++
}

// schedule appends the changes of row (that begins at begin) to dst,
// ordered by instant and then by column.
func (h *history) schedule(row, begin int64, dst []change) []change {
	for ci := range h.cols {
		c := &h.cols[ci]
		if c.p <= 0 || begin >= h.horizon {
			continue
		}
		// The periods that change form a Bernoulli process: from the
		// period before the entity's first one, the gap to the next
		// changing period is geometric, drawn from the period it starts
		// at. The chain always starts at the entity's first period, so a
		// later horizon only appends changes, and a row costs its
		// changes, not its periods.
		k1 := civil.FloorDiv(h.horizon-1-h.tfStart, c.every)
		for k := civil.FloorDiv(begin-h.tfStart, c.every) - 1; ; {
			k += periodGap(unit(c.key.At(row, 2*uint64(k))), c.logq)
			if k > k1 {
				break
			}
			at := h.tfStart + k*c.every + int64(unit(c.key.At(row, 2*uint64(k)+1))*float64(c.every))
			if at > begin && at < h.horizon {
				dst = append(dst, change{at: at, col: ci, k: k})
			}
		}
	}
	slices.SortFunc(dst, func(a, b change) int {
		if a.at != b.at {
			return compareInt(a.at, b.at)
		}
		return a.col - b.col
	})
	return dst
}

// maxChangeDraws bounds the draws of a change's new value: a change
// whose draws all equal the current value is dropped.
const maxChangeDraws = 16

// value computes the new value of changing column c of row in period k
// into v (one row of the column's type), differing from row cur of the
// current values: the column's generator, modifiers, cast, rounding and
// nulls at a virtual row, reading the row's other columns where they
// read any; a draw equal to the current value is drawn again from the
// next virtual row. It returns false when no draw differs.
func (h *history) value(c *changeCol, row, k int64, s *historyScratch, v, cur *column.Vector, at int) (bool, error) {
	for attempt := range maxChangeDraws {
		vrow := -1 - int64(c.vkey.Sub("draw", attempt).At(row, uint64(k))>>2)
		if err := h.draw(c, row, k, vrow, s, v); err != nil {
			return false, err
		}
		if !sameValue(v, 0, cur, at) {
			return true, nil
		}
	}
	return false, nil
}

// draw computes changing column c's value at virtual row vrow into v.
func (h *history) draw(c *changeCol, row, k, vrow int64, s *historyScratch, v *column.Vector) error {
	ts, cs := h.ts, c.cs
	raw := s.raw
	batch := &s.batch
	*batch = gen.Batch{Start: vrow, N: 1, Col: s.col, Rand: s.rand}
	if err := cs.gen.Fill(raw, batch); err != nil {
		return colErr(ts, cs, err)
	}
	if i := unwritable(raw, cs.spec.Nullable); i >= 0 {
		return colErr(ts, cs, fmt.Errorf("the change of row %d in period %d: %w", row, k, unwritableErr("the generator", vrow, raw, i)))
	}
	mctx := &s.mctx
	*mctx = modify.Context{Start: vrow, Rows: 1, TotalRows: ts.rows, Col: s.col, Rand: s.rand}
	if len(cs.mods) > 0 {
		if rs, ok := cs.gen.(gen.Resampler); ok {
			r := s.rand
			mctx.Resample = func(row int64, attempt int) int64 { return rs.Resample(r, row, attempt) }
		}
	}
	for mi, m := range cs.mods {
		if err := m.Apply(raw, mctx); err != nil {
			return colErr(ts, cs, fmt.Errorf("modifiers[%d]: %w", mi, err))
		}
		if i := unwritable(raw, cs.spec.Nullable); i >= 0 {
			return colErr(ts, cs, fmt.Errorf("the change of row %d in period %d: modifiers[%d] made a value no file can hold", row, k, mi))
		}
	}
	if err := gen.Cast(raw, cs.spec.Type, v); err != nil {
		return colErr(ts, cs, fmt.Errorf("the change of row %d: %w", row, err))
	}
	if cs.decimals >= 0 {
		if err := roundDecimals(v, cs.decimals, cs.limit, row); err != nil {
			return colErr(ts, cs, err)
		}
	}
	if cs.nullRate > 0 && unit(cs.nullKey.At(vrow, 0)) < cs.nullRate {
		v.SetNull(0)
	}
	if !cs.spec.Nullable && v.IsNull(0) {
		return colErr(ts, cs, fmt.Errorf("the change of row %d in period %d is null, but the column is not nullable", row, k))
	}
	return nil
}

// sameValue reports whether row i of a and row j of b (one type) hold
// the same value, nulls included.
func sameValue(a *column.Vector, i int, b *column.Vector, j int) bool {
	if an, bn := a.IsNull(i), b.IsNull(j); an || bn {
		return an == bn
	}
	switch a.Type {
	case column.Int, column.Timestamp, column.Date:
		return a.Ints[i] == b.Ints[j]
	case column.Float:
		return a.Floats[i] == b.Floats[j]
	case column.String:
		return a.Strs[i] == b.Strs[j]
	case column.Bool:
		return a.Bools[i] == b.Bools[j]
	}
	return false
}

// periodGap is the number of periods to the next change, at least 1: a
// geometric draw from u in [0, 1) for a change probability p per period,
// given logq = log(1-p) (-Inf for p = 1).
func periodGap(u, logq float64) int64 {
	g := math.Floor(math.Log1p(-u) / logq)
	if !(g < 1<<53) {
		return 1 << 53
	}
	return 1 + int64(g)
}

// unit maps a draw to [0, 1).
func unit(x uint64) float64 { return float64(x>>11) * (1.0 / (1 << 53)) }

// historyWriter expands blocks on the writing goroutine.
type historyWriter struct {
	h *history
	w Writer
}

func (hw *historyWriter) WriteBlock(b *column.Block) error {
	out, err := hw.h.expand(b, hw.h.scratchFor(nil))
	if err != nil {
		return err
	}
	hw.h.written += int64(out.Rows)
	return hw.w.WriteBlock(out)
}

func (hw *historyWriter) Commit() error { return hw.w.Commit() }

func (hw *historyWriter) Abort() { hw.w.Abort() }

// historyEncoder expands and encodes blocks in the workers.
type historyEncoder struct {
	*historyWriter
	enc Encoder
}

func (he *historyEncoder) EncodeBlock(b *column.Block, dst []byte) ([]byte, error) {
	out, err := he.h.expand(b, he.h.scratchFor(b))
	if err != nil {
		return dst, err
	}
	return he.enc.EncodeBlock(out, dst)
}

func (he *historyEncoder) WriteEncoded(b *column.Block, p []byte) error {
	out := he.h.scratchFor(b).out
	he.h.written += int64(out.Rows)
	return he.enc.WriteEncoded(out, p)
}
