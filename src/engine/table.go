package engine

import (
	"context"
	"fmt"
	"math"
	"sort"

	"datagen/src/behavior/apply"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen"
	"datagen/src/modify"
	"datagen/src/plan"
	"datagen/src/rng"
)

// tableState is a table being (or having been) generated.
type tableState struct {
	t    *plan.Table
	rows int64
	// grow is the state of a table whose rows arrive over time (arrivals,
	// per-unit fanout), or nil (growth.go).
	grow *growth
	// layout is how this part computes the table; [lo, hi) are the rows
	// it writes.
	layout tableLayout
	lo, hi int64
	// offsets[i] is the first row of the children of primary-parent row
	// pbase+i (facts with parents); a relative fact holds the parents of
	// its part only (pbase is its first), other facts every parent
	// (pbase 0).
	offsets []int64
	pbase   int64
	cols    []*colState // declaration order
	// kept holds the columns that other tables read, for rows
	// [keepBase, keepBase+length): every row of a whole table, the part's
	// rows otherwise.
	kept     map[string]*column.Vector
	keepBase int64
	// firstPass is true during the first pass of a self-referencing or
	// aggregating table, when its second-pass columns (self-lookups,
	// aggregates and what reads them) are not yet computed.
	firstPass bool
	// keptFilled is set after the first pass: its kept columns (except the
	// second-pass ones) are complete.
	keptFilled bool
	// beh is the behaviour of a fact (segments, vintage, stages, states),
	// or nil.
	beh *apply.Runtime
	// orders are the declared inequalities the engine enforces.
	orders []orderRun
	// need, when set, marks the only columns to compute: a child scanned
	// for its parent's aggregates computes what they read, the other
	// columns are left null.
	need []bool
	// keepLen is the number of rows the kept columns hold.
	keepLen int
	// rowTime, for a table that takes its primary parent's time and whose
	// children take theirs from it, keeps each row's time (kept under
	// plan.RowTime); atTime is set when a column reads the rows' time to
	// look up a changing column's version (plan.Column.AtTime).
	rowTime *column.Vector
	atTime  bool
	// vers keeps every version of the changing columns that other tables
	// look up at a time, or is nil (versions.go).
	vers *versionStore
}

// colState is a compiled column.
type colState struct {
	spec     *dsl.Column
	index    int
	gen      gen.Generator
	mods     []modify.Modifier
	nullKey  rng.Key
	nullRate float64
	keep     *column.Vector
	// second marks a column computed in the second pass only: a
	// self-lookup, an aggregate, or a column that reads an aggregate.
	second bool
	// decimals is the number of decimals float values are rounded to, or
	// -1; limit, when > 0, bounds the rounded values of a decimal column
	// (10^(precision-scale)).
	decimals int
	limit    float64
	// fill replaces gen for a column whose values a behaviour defines;
	// values marks a column scaled by behaviour value multipliers.
	fill   apply.Filler
	values bool
}

// Rows implements column.Table.
func (ts *tableState) Rows() int64 { return ts.rows }

// Column implements column.Table: a kept column, or nil.
func (ts *tableState) Column(name string) *column.Vector { return ts.kept[name] }

func (ts *tableState) release() {
	// Kept columns stay for later tables; scratch state goes.
	for _, c := range ts.cols {
		c.gen, c.mods = nil, nil
	}
}

func (e *engine) table(id string) (column.Table, error) {
	ts, ok := e.tables[id]
	if !ok {
		return nil, fmt.Errorf("table %q is not generated yet", id)
	}
	return ts, nil
}

func (e *engine) modTable(id string) (modify.Table, error) {
	ts, ok := e.tables[id]
	if !ok {
		return nil, fmt.Errorf("table %q is not generated yet", id)
	}
	return ts, nil
}

// prepare computes the row count (and fanout offsets) of t and compiles its
// columns.
func (e *engine) prepare(ctx context.Context, t *plan.Table) (*tableState, error) {
	ts := &tableState{t: t, kept: map[string]*column.Vector{}}
	if l := e.layout[t]; l != nil {
		ts.layout = *l
	}
	n := t.Node
	switch {
	case n.Kind == dsl.Vocab:
		ts.rows = vocabRows(n)
	case n.Arrivals != nil:
		e.arrive(ts)
	case t.PerUnit():
		if err := e.behavior(ts); err != nil {
			return nil, err
		}
		if err := e.fanPerUnit(ctx, ts); err != nil {
			return nil, err
		}
	case t.Primary != nil:
		if err := e.behavior(ts); err != nil {
			return nil, err
		}
		if ts.beh != nil && ts.beh.Horizon() {
			e.horizonChains(ts)
		} else if err := e.fanout(ctx, ts); err != nil {
			return nil, err
		}
	default:
		rows := int64(dsl.DefaultEntityRows)
		if n.Rows != nil {
			rows = *n.Rows
		} else if cal, ok, err := gen.CalendarRows(n, e.p.Schema.Timeframe); err != nil {
			return nil, err
		} else if ok {
			// A calendar: one row per instant, whatever the scale.
			ts.rows = cal
			break
		}
		ts.rows = int64(math.Round(float64(rows) * e.opts.Scale))
	}
	if e.opts.SampleRows > 0 && ts.rows > e.opts.SampleRows {
		ts.rows = e.opts.SampleRows
	}
	e.ownRange(ts)
	e.tables[t.ID()] = ts
	if err := e.compile(ts); err != nil {
		delete(e.tables, t.ID())
		return nil, err
	}
	ts.orders = ts.orderRuns()
	return ts, nil
}

// vocabRows is the length of the first enum_list column's values.
func vocabRows(n *dsl.Node) int64 {
	for _, c := range n.Columns {
		if c.Generator.Kind == dsl.GenEnumList {
			return int64(len(c.Generator.EnumList.Values))
		}
	}
	if n.Rows != nil {
		return *n.Rows
	}
	return 0
}

// compile builds generators and modifiers in evaluation order.
func (e *engine) compile(ts *tableState) error {
	t := ts.t
	s := e.p.Schema
	ts.cols = make([]*colState, len(t.Cols))
	types := map[string]column.Type{}
	primary := ""
	if t.Primary != nil {
		primary = t.Primary.ID()
	}
	for _, ci := range t.EvalOrder {
		pc := t.Cols[ci]
		spec := pc.Spec
		key := rng.ColumnKey(e.opts.Seed, t.ID(), spec.Name)
		cs := &colState{spec: spec, index: ci, nullRate: spec.NullRate, nullKey: key.Sub("null", 0), decimals: -1}
		if spec.Decimals != nil && spec.Type == column.Float {
			cs.decimals = *spec.Decimals
			if spec.Precision > 0 {
				cs.limit = math.Pow10(spec.Precision - cs.decimals)
			}
		}
		ts.cols[ci] = cs
		if spec.Generator.Kind == dsl.GenLookup && spec.Generator.Lookup.Table == t.ID() || pc.Deferred {
			cs.second = true
		}
		var patterns []dsl.Pattern
		if spec.Type.IsTime() {
			for _, m := range spec.Modifiers {
				if m.Seasonality != nil {
					patterns = append(patterns, *m.Seasonality)
				}
			}
		}
		if bt := t.Behavior; bt != nil && bt.Segment != nil && bt.Segment.Column == spec.Name && bt.SegmentWeights != nil {
			// The segments' base_probability sets the choice weights.
			c := *spec
			ch := *c.Generator.Choice
			ch.Weights = bt.SegmentWeights
			c.Generator.Choice = &ch
			spec = &c
		}
		env := &gen.Env{
			Seed: e.opts.Seed, Node: t.Node, Column: spec, Key: key, Timeframe: s.Timeframe,
			Tables: e.tablesFor(ts), PrimaryParent: primary, RowPure: e.rowPure, Patterns: patterns, TableRows: ts.rows,
			ColumnType: func(name string) column.Type { return types[name] },
			Offsets:    ts.offsets,
			AtTime:     pc.AtTime, TimeColumn: t.TimeColumn(),
		}
		ts.atTime = ts.atTime || pc.AtTime
		var vt column.Type
		if f := ts.behFiller(spec.Name); f != nil {
			cs.fill = f
			vt = f.Type()
		} else if a := spec.Generator.Aggregate; a != nil {
			g := newAggregateGen(t, ci)
			cs.gen = g
			vt = g.Type()
		} else if ts.grow != nil && ci == t.Time && (t.Node.Arrivals != nil || t.PerUnit()) {
			// The arrival instants of a growing table (growth.go).
			g, err := e.arrivalTime(ts)
			if err != nil {
				return err
			}
			cs.gen = g
			vt = g.Type()
		} else {
			g, err := gen.Compile(env)
			if err != nil {
				return err
			}
			cs.gen = g
			vt = g.Type()
		}
		cs.values = ts.beh != nil && ts.beh.HasValues(spec.Name)
		for mi, m := range spec.Modifiers {
			menv := modify.Env{
				Key: key, Index: mi, Column: spec, Node: t.Node, ValueType: vt, TSColumn: pc.TS,
				TimeframeStart: s.Timeframe.Start.UnixMicro(), TimeframeEnd: s.Timeframe.End.UnixMicro(),
				Tables: e.modTable, Growing: s.Timeframe.Open && t.Grows(),
			}
			if m.Effect != nil && spec.Type.IsTime() && m.Effect.TS == "" {
				menv.TSColumn = spec.Name
			}
			mod, err := modify.Compile(m, menv)
			if err != nil {
				// The error already names the column and the modifier.
				return &Error{Table: t.ID(), Err: err}
			}
			cs.mods = append(cs.mods, mod)
			vt = mod.OutType(vt)
		}
		if !gen.CanCast(vt, spec.Type) {
			return &gen.Error{Table: t.ID(), Column: spec.Name,
				Err: fmt.Errorf("the generator and modifiers produce %s values, which cannot become the column type %s", vt, spec.Type)}
		}
		types[spec.Name] = spec.Type
		if t.Keep[spec.Name] {
			// Sized by allocKept once the rows to compute are known.
			v := &column.Vector{Type: spec.Type}
			cs.keep = v
			ts.kept[spec.Name] = v
		}
	}
	if t.Keep[plan.RowTime] {
		ts.rowTime = &column.Vector{Type: column.Timestamp}
		ts.kept[plan.RowTime] = ts.rowTime
	}
	return nil
}

// fanout computes the per-parent child counts of a fact and their prefix
// sums.
func (e *engine) fanout(ctx context.Context, ts *tableState) error {
	t := ts.t
	parent := e.tables[t.Primary.ID()]
	if parent == nil {
		return fmt.Errorf("table %q: parent %q is not generated yet", t.ID(), t.Primary.ID())
	}
	np := parent.rows
	if streamable(t) {
		// Counts are pure functions of the parent row: a relative fact
		// keeps those of its part's parents only.
		lo, hi := int64(0), np
		if ts.layout.relative {
			lo, hi = parent.lo, parent.hi
			switch {
			case e.opts.building != nil:
				return e.indexOffsets(ctx, ts, parent)
			case e.opts.Index != nil:
				return e.indexedOffsets(ctx, ts, np, lo, hi)
			}
		}
		var err error
		ts.offsets, ts.rows, err = e.streamOffsets(ctx, t, np, lo, hi)
		ts.pbase = lo
		return err
	}
	ts.offsets = make([]int64, np+1)
	if ts.beh != nil && ts.beh.Special() {
		// Stage and state facts: one row per reached stage or period.
		k := make([]int64, np)
		ts.beh.Counts(k)
		ts.setOffsets(k)
		return nil
	}
	counts := make([]float64, np)
	f := t.Node.Fanout
	key := rng.TableKey(e.opts.Seed, t.ID(), "fanout")
	r := rng.NewRand()
	for i := int64(0); i < np; i++ {
		r.Reset(key, i)
		counts[i] = float64(drawCount(f, r))
	}
	for mi, m := range t.Node.Modifiers {
		if m.Effect == nil {
			continue
		}
		if err := e.tableEffect(parent, m.Effect, counts); err != nil {
			return &Error{Table: t.ID(), Err: fmt.Errorf("modifiers[%d] (effect): %w", mi, err)}
		}
	}
	if ts.beh != nil {
		ts.beh.ScaleCounts(counts)
	}
	k := make([]int64, np)
	for i, c := range counts {
		k[i] = int64(math.RoundToEven(c))
		if k[i] < 0 {
			k[i] = 0
		}
		if f != nil && len(f.Clamp) == 2 {
			k[i] = min(max(k[i], f.Clamp[0]), f.Clamp[1])
		}
	}
	if ts.beh != nil && ts.beh.Thins() {
		ts.beh.Thin(k)
	}
	ts.setOffsets(k)
	return nil
}

// setOffsets turns per-parent counts into the prefix sums offsets.
func (ts *tableState) setOffsets(counts []int64) {
	var total int64
	for i, c := range counts {
		ts.offsets[i] = total
		total += c
	}
	ts.offsets[len(counts)] = total
	ts.rows = total
	if ts.beh != nil {
		ts.beh.SetOffsets(ts.offsets)
	}
}

// drawCount draws one parent's base child count. Poisson counts outside
// [min, max] are redrawn (a truncated Poisson), not clipped, so no mass
// piles up on the bounds.
func drawCount(f *dsl.Fanout, r *rng.Rand) int64 {
	if f == nil {
		return 1
	}
	lo, hi := int64(0), int64(math.MaxInt64)
	if f.Min != nil {
		lo = *f.Min
	}
	if f.Max != nil {
		hi = *f.Max
	}
	if f.Distribution == "uniform" {
		return lo + r.S.IntN(hi-lo+1)
	}
	if f.Distribution == "empirical" {
		return lo + drawWeighted(f.Weights, r.S.Float64())
	}
	p := rng.NewPoisson(poissonMean(f))
	return truncPoisson(&p, lo, hi, r)
}

// poissonMean is the mean of a Poisson fanout (1 when not given).
func poissonMean(f *dsl.Fanout) float64 {
	if f.Lambda != nil {
		return *f.Lambda
	}
	return 1
}

// truncPoisson draws from p truncated to [lo, hi]: draws outside are
// redrawn, up to 64 times, then the last one is clipped.
func truncPoisson(p *rng.Poisson, lo, hi int64, r *rng.Rand) int64 {
	var k int64
	for try := 0; try < 64; try++ {
		k = p.Draw(r)
		if k >= lo && k <= hi {
			return k
		}
	}
	return min(max(k, lo), hi)
}

// drawWeighted returns index i with probability w[i] / sum(w), for a
// uniform u in [0, 1).
func drawWeighted(w []float64, u float64) int64 {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	t := u * sum
	for i, x := range w {
		if t < x {
			return int64(i)
		}
		t -= x
	}
	for i := len(w) - 1; i > 0; i-- {
		if w[i] > 0 {
			return int64(i)
		}
	}
	return 0
}

// parentOf returns the primary-parent row of fact row r, counted from
// pbase.
func (ts *tableState) parentOf(r int64) int64 {
	return int64(sort.Search(len(ts.offsets)-1, func(i int) bool { return ts.offsets[i+1] > r }))
}
