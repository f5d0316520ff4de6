package engine

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen"
	"datagen/src/gen/timegrid"
	"datagen/src/plan"
	"datagen/src/rng"
)

// growth is the state of a table whose rows arrive over time: a node with
// arrivals, or a fact with a per-unit fanout. Time is cut into units
// (hour, day, week) from the timeframe's start; unit u's rows are drawn
// from counters keyed by u (and the parent row), and rows are numbered
// unit by unit. A run generates the units up to its horizon, so a later
// horizon only appends rows: row i, its values and its ids never depend
// on how far a run reaches.
type growth struct {
	// start is the timeframe's start and unit the unit's length (µs);
	// units is the number of units generated.
	start, unit, units int64
	// end is the instant (µs, exclusive) a fixed timeframe ends at, which
	// may cut its last unit short; an open timeline has none
	// (math.MaxInt64): its last unit is generated whole, so that its rows
	// never change when time moves on.
	end int64
	// off are the first rows of the groups of rows: of each unit
	// (arrivals), or of each (unit, parent row) pair with children
	// (per-unit fanout), then the row count.
	off []int64
	// unitOf and parentOf are the unit and parent row of each pair
	// (per-unit fanout only).
	unitOf, parentOf []int64
	// born is the column a parent's lifetime starts at, or nil: the
	// parent's time column, or the start column of the lifetime the
	// fact's time column is drawn within; a null or absent start is the
	// timeframe's. died, when set, is the lifetime's end column (its last
	// instant, null for none); endDay extends a date end to its day's
	// last microsecond.
	born, died *column.Vector
	endDay     int64
}

// horizon is the instant (µs, exclusive) up to which the growing tables
// are generated: the timeframe's end, or in an open timeline the end of
// the run's window (Run ends a window without one at now; an estimate
// without a window reaches now).
func horizon(tf dsl.Timeframe, w *Window) int64 {
	end := tf.End.UnixMicro() + 1
	if !tf.Open {
		return end
	}
	if w != nil && w.Until != math.MaxInt64 {
		return min(max(w.Until, tf.Start.UnixMicro()), end)
	}
	return min(max(time.Now().UnixMicro(), tf.Start.UnixMicro()), end)
}

// units returns the number of units of per from tf's start up to the
// horizon of window w.
func units(tf dsl.Timeframe, w *Window, per string) int64 {
	start, unit := tf.Start.UnixMicro(), dsl.UnitMicros(per)
	if h := horizon(tf, w); h > start {
		return (h - start + unit - 1) / unit
	}
	return 0
}

// growthRows estimates the rows of a growing table t (EstimatePlan):
// exact in expectation for arrivals without patterns, an upper bound for
// a per-unit fanout (every parent alive from the first unit).
func growthRows(tf dsl.Timeframe, w *Window, t *plan.Table, scale, parentRows float64) float64 {
	if a := t.Node.Arrivals; a != nil {
		return a.Mean * scale * float64(units(tf, w, a.Per))
	}
	f := t.Node.Fanout
	lambda := 1.0
	if f.Lambda != nil {
		lambda = *f.Lambda
	}
	return parentRows * lambda * float64(units(tf, w, f.Per))
}

// newGrowth cuts [start, horizon) into units of per.
func (e *engine) newGrowth(per string) *growth {
	tf := e.p.Schema.Timeframe
	g := &growth{start: tf.Start.UnixMicro(), unit: dsl.UnitMicros(per), units: units(tf, e.opts.Window, per), end: math.MaxInt64}
	if !tf.Open {
		g.end = tf.End.UnixMicro() + 1
	}
	return g
}

// share returns the share of unit u inside the timeframe: 1 but for the
// last unit of a fixed timeframe that ends inside it.
func (g *growth) share(u int64) float64 {
	lo := g.start + u*g.unit
	return float64(min(g.end-lo, g.unit)) / float64(g.unit)
}

// unitFactors returns the relative rate of each unit under the time
// column's patterns: the mean over the unit's hours of the product of the
// patterns' weights, each pattern divided by its mean weight (so a unit
// of average weight has factor 1). Only the part of a unit inside the
// timeframe counts (a fixed timeframe's last unit may be cut short).
func (g *growth) unitFactors(pats []dsl.Pattern) []float64 {
	f := make([]float64, g.units)
	if len(pats) == 0 {
		for u := range f {
			f[u] = 1
		}
		return f
	}
	norm := make([][]float64, len(pats))
	for i, p := range pats {
		sum := 0.0
		for _, w := range p.Weights {
			sum += w
		}
		norm[i] = make([]float64, len(p.Weights))
		for j, w := range p.Weights {
			norm[i][j] = w * float64(len(p.Weights)) / sum
		}
	}
	const hour = 3_600_000_000
	hours := g.unit / hour
	for u := range f {
		total, in := 0.0, 0.0
		for h := int64(0); h < hours; h++ {
			t := g.start + int64(u)*g.unit + h*hour
			if t >= g.end {
				break
			}
			frac := 1.0
			if t+hour > g.end {
				frac = float64(g.end-t) / hour
			}
			day := civil.FloorDiv(t, column.MicrosPerDay)
			_, month, _ := civil.FromDays(day)
			w := 1.0
			for i, p := range pats {
				switch p.Dimension {
				case timegrid.DimHour:
					w *= norm[i][(t-day*column.MicrosPerDay)/hour]
				case timegrid.DimDow:
					w *= norm[i][civil.Weekday(day)]
				case timegrid.DimMonth:
					w *= norm[i][month-1]
				}
			}
			total += w * frac
			in += frac
		}
		f[u] = total / in
	}
	return f
}

// timePatterns are the patterns of the table's time column: its
// datetime_series pattern and its seasonality modifiers.
func timePatterns(c *dsl.Column) []dsl.Pattern {
	var out []dsl.Pattern
	if p := c.Generator.DatetimeSeries.Pattern; p != nil {
		out = append(out, *p)
	}
	return append(out, seasonality(c)...)
}

// seasonality are the seasonality modifiers of a time column, which its
// generator applies.
func seasonality(c *dsl.Column) []dsl.Pattern {
	var out []dsl.Pattern
	for _, m := range c.Modifiers {
		if m.Seasonality != nil {
			out = append(out, *m.Seasonality)
		}
	}
	return out
}

// arrive draws the arrivals of every unit of an entity (Poisson(mean ×
// scale × the unit's pattern factor × its share inside the timeframe))
// and sets the row count.
func (e *engine) arrive(ts *tableState) {
	a := ts.t.Node.Arrivals
	g := e.newGrowth(a.Per)
	fac := g.unitFactors(timePatterns(ts.t.Cols[ts.t.Time].Spec))
	key := rng.TableKey(e.opts.Seed, ts.t.ID(), "arrivals")
	r := rng.NewRand()
	g.off = make([]int64, g.units+1)
	for u := int64(0); u < g.units; u++ {
		r.Reset(key, u)
		g.off[u+1] = g.off[u] + r.Poisson(a.Mean*e.opts.Scale*fac[u]*g.share(u))
	}
	ts.grow, ts.rows = g, g.off[g.units]
}

// fanPerUnit draws the children of a per-unit fact: for each unit, for
// each parent row alive in it (in parent order), Poisson(rate × the share
// of the unit the parent lives × the unit's pattern factor). The rate is
// lambda under the node-level effects, matched at the middle of the
// parent's time in the unit, times the parent's segment fanout multiplier
// and the vintage fanout curves at its age then (never below 0).
func (e *engine) fanPerUnit(ctx context.Context, ts *tableState) error {
	t := ts.t
	parent := e.tables[t.Primary.ID()]
	if parent == nil {
		return fmt.Errorf("table %q: parent %q is not generated yet", t.ID(), t.Primary.ID())
	}
	f := t.Node.Fanout
	lambda := 1.0
	if f.Lambda != nil {
		lambda = *f.Lambda
	}
	g := e.newGrowth(f.Per)
	startCol, endCol := t.Primary.TimeColumn(), ""
	if l := t.Cols[t.Time].Spec.Generator.DatetimeSeries.Lifetime; l != nil {
		startCol, endCol = l.StartCol, l.EndCol
	}
	col := func(name string) (*column.Vector, error) {
		if name == "" {
			return nil, nil
		}
		v := parent.kept[name]
		if v == nil {
			return nil, fmt.Errorf("table %q: column %q of %q is not available", t.ID(), name, t.Primary.ID())
		}
		return v, nil
	}
	var err error
	if g.born, err = col(startCol); err != nil {
		return err
	}
	if g.died, err = col(endCol); err != nil {
		return err
	}
	if g.died != nil && g.died.Type == column.Date {
		g.endDay = column.MicrosPerDay - 1
	}
	np := parent.rows
	// Parent p lives in units [first[p], last[p]).
	first, last := make([]int64, np), make([]int64, np)
	for p := int64(0); p < np; p++ {
		if b, ok := g.bornAt(p); ok && b > g.start {
			first[p] = (b - g.start) / g.unit
		}
		last[p] = g.units
		if d, ok := g.diedAt(p); ok {
			last[p] = min(last[p], max(civil.FloorDiv(d-g.start, g.unit)+1, 0))
		}
	}
	fac := g.unitFactors(timePatterns(t.Cols[t.Time].Spec))
	var effects []*countEffect
	for mi, m := range t.Node.Modifiers {
		if m.Effect == nil {
			continue
		}
		ce, err := e.countEffect(parent, m.Effect)
		if err != nil {
			return &Error{Table: t.ID(), Err: fmt.Errorf("modifiers[%d] (effect): %w", mi, err)}
		}
		effects = append(effects, ce)
	}
	key := rng.TableKey(e.opts.Seed, t.ID(), "fanout-per")
	// born[u] bounds the parents alive in unit u when the parents' first
	// units never decrease (parents that arrive over time, in order):
	// parents from born[u] on are not born yet. Otherwise every parent is
	// looked at.
	born := make([]int64, g.units)
	mono := true
	for p := int64(1); p < np && mono; p++ {
		mono = first[p] >= first[p-1]
	}
	for u, p := int64(0), int64(0); u < g.units; u++ {
		for mono && p < np && first[p] <= u {
			p++
		}
		born[u] = np
		if mono {
			born[u] = p
		}
	}
	// draw draws the children of units [u0, u1) in unit and parent order.
	draw := func(u0, u1 int64, r *rng.Rand, out *unitPairs) {
		// Most parents of a unit share its mean: the distribution's
		// constants are computed when the mean changes.
		mean := math.NaN()
		var pois rng.Poisson
		for u := u0; u < u1; u++ {
			uk := key.Fork(u, 0)
			lo := g.start + u*g.unit
			for p := int64(0); p < born[u]; p++ {
				if first[p] > u || last[p] <= u {
					continue
				}
				a, z := g.span(p, lo)
				share := float64(z-a+1) / float64(g.unit)
				if !(share > 0) {
					continue
				}
				rate := lambda
				if len(effects) > 0 || ts.beh != nil {
					mid := a + (z-a)/2
					for _, ce := range effects {
						rate = ce.apply(rate, int(p), mid)
					}
					if ts.beh != nil {
						rate *= ts.beh.RateFactor(p, mid)
					}
					if !(rate > 0) {
						continue
					}
				}
				if m := rate * share * fac[u]; m != mean {
					mean, pois = m, rng.NewPoisson(m)
				}
				r.Reset(uk, p)
				if k := pois.Draw(r); k > 0 {
					out.add(k, u, p)
				}
			}
		}
	}
	// Units draw independently; without effects and behaviour (whose
	// lookups are not shared between goroutines) they are drawn in
	// parallel chunks, then joined in unit order.
	// A cancellation is noticed between chunks, in one goroutine too.
	workers := 1
	if w := max(e.opts.Workers, 1); len(effects) == 0 && ts.beh == nil {
		workers = w
	}
	nchunks := max(min(g.units, int64(workers)*8), 1)
	chunks := make([]unitPairs, nchunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rng.NewRand()
			for {
				c := next.Add(1) - 1
				if c >= nchunks || ctx.Err() != nil {
					return
				}
				draw(g.units*c/nchunks, g.units*(c+1)/nchunks, r, &chunks[c])
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("table %q: %w", t.ID(), err)
	}
	n := 0
	for _, c := range chunks {
		n += len(c.ends)
	}
	g.off, g.unitOf, g.parentOf = make([]int64, 1, n+1), make([]int64, 0, n), make([]int64, 0, n)
	for i := range chunks {
		base := g.off[len(g.off)-1]
		for _, end := range chunks[i].ends {
			g.off = append(g.off, base+end)
		}
		g.unitOf = append(g.unitOf, chunks[i].unitOf...)
		g.parentOf = append(g.parentOf, chunks[i].parentOf...)
		chunks[i] = unitPairs{}
	}
	rows := g.off[len(g.off)-1]
	ts.grow, ts.rows = g, rows
	if ts.beh != nil {
		at, err := e.arrivalTime(ts)
		if err != nil {
			return err
		}
		ts.beh.SetPerUnit(g.parentOfRow, at.instants)
	}
	return nil
}

// horizonChains numbers the rows of a state fact in an open timeline,
// whose chains end at the horizon: by the hour each row starts in (or its
// parent row arrives in, when later), then by parent row, then in chain
// order (apply.Runtime.HorizonRows), so a later horizon only appends
// rows. Each row is a group of its own whose unit is that hour.
func (e *engine) horizonChains(ts *tableState) {
	parent, hour := ts.beh.HorizonRows()
	n := int64(len(parent))
	g := &growth{start: e.p.Schema.Timeframe.Start.UnixMicro(), unit: civil.MicrosPerHour, end: math.MaxInt64,
		off: make([]int64, n+1), unitOf: hour, parentOf: parent}
	for i := int64(0); i <= n; i++ {
		g.off[i] = i
	}
	ts.grow, ts.rows = g, n
}

// arrivals returns the instant each row of ts came into being as the
// timeline grew: the start of its unit (arrivals, a per-unit fanout, a
// state fact cut at the horizon), its primary parent row's for another
// fact; nil when ts does not grow (every row always was). A run capped by
// a sample keeps only the first ts.rows rows of the groups.
func (e *engine) arrivals(ts *tableState) []int64 {
	if g := ts.grow; g != nil {
		out := make([]int64, ts.rows)
		for k := 0; k+1 < len(g.off) && g.off[k] < ts.rows; k++ {
			u := int64(k)
			if g.unitOf != nil {
				u = g.unitOf[k]
			}
			for r := g.off[k]; r < min(g.off[k+1], ts.rows); r++ {
				out[r] = g.start + u*g.unit
			}
		}
		return out
	}
	if ts.t.Primary == nil || ts.offsets == nil {
		return nil
	}
	up := e.arrivals(e.tables[ts.t.Primary.ID()])
	if up == nil {
		return nil
	}
	out := make([]int64, ts.rows)
	for i := 0; i+1 < len(ts.offsets) && ts.offsets[i] < ts.rows; i++ {
		for r := ts.offsets[i]; r < min(ts.offsets[i+1], ts.rows); r++ {
			out[r] = up[ts.pbase+int64(i)]
		}
	}
	return out
}

// parentOfRow returns the primary-parent row of row r of a per-unit fact.
func (g *growth) parentOfRow(r int64) int64 { return g.parentOf[g.group(r)] }

// span returns the instants [a, z] (both inclusive) of the unit starting
// at lo that parent row p lives in, inside the timeframe; a > z when
// none.
func (g *growth) span(p, lo int64) (a, z int64) {
	a, z = lo, min(lo+g.unit, g.end)-1
	if b, ok := g.bornAt(p); ok && b > a {
		a = b
	}
	if d, ok := g.diedAt(p); ok && d < z {
		z = d
	}
	return a, z
}

// diedAt returns the last instant of parent row p's lifetime, and false
// when it has none.
func (g *growth) diedAt(p int64) (int64, bool) {
	if g.died == nil || g.died.IsNull(int(p)) {
		return 0, false
	}
	return g.died.Ints[p] + g.endDay, true
}

// bornAt returns the birth of parent row p (its time column), and false
// when it has none.
func (g *growth) bornAt(p int64) (int64, bool) {
	if g.born == nil || g.born.IsNull(int(p)) {
		return 0, false
	}
	return g.born.Ints[p], true
}

// group returns the group (unit or pair) of row r.
func (g *growth) group(r int64) int64 {
	return int64(sort.Search(len(g.off)-1, func(i int) bool { return g.off[i+1] > r }))
}

// fillParents sets the primary-parent row of rows [start, start+n) of a
// per-unit fact into *buf and returns it.
func (g *growth) fillParents(buf *[]int64, start int64, n int) []int64 {
	if cap(*buf) < n {
		*buf = make([]int64, n)
	}
	out := (*buf)[:n]
	k := g.group(start)
	for i := range out {
		for g.off[k+1] <= start+int64(i) {
			k++
		}
		out[i] = g.parentOf[k]
	}
	return out
}

// arrivalTime is the generator of a growing table's time column: each
// row's instant, drawn in its unit (from its parent's birth, in a per-unit
// fact's first unit) on the column's grid with its patterns.
type arrivalTime struct {
	g       *growth
	sampler *timegrid.Sampler
	key     rng.Key
}

// arrivalTime returns the generator of the time column of a growing
// table.
func (e *engine) arrivalTime(ts *tableState) (*arrivalTime, error) {
	c := ts.t.Cols[ts.t.Time].Spec
	s, err := gen.NewTimeSampler(c.Generator.DatetimeSeries, e.p.Schema.Timeframe, seasonality(c))
	if err != nil {
		return nil, &gen.Error{Table: ts.t.ID(), Column: c.Name, Err: err}
	}
	return &arrivalTime{g: ts.grow, sampler: s, key: rng.ColumnKey(e.opts.Seed, ts.t.ID(), c.Name)}, nil
}

func (a *arrivalTime) Type() column.Type { return column.Timestamp }

func (a *arrivalTime) Fill(out *column.Vector, b *gen.Batch) error {
	out.Reset(column.Timestamp, b.N)
	a.instants(out.Ints[:b.N], b.Start, &b.Rand.S)
	return nil
}

// instants writes the instants of rows [start, start+len(dst)) into dst,
// drawing with s.
func (a *arrivalTime) instants(dst []int64, start int64, s *rng.Stream) {
	g := a.g
	k := g.group(start)
	for i := range dst {
		row := start + int64(i)
		for g.off[k+1] <= row {
			k++
		}
		u := k
		if g.unitOf != nil {
			u = g.unitOf[k]
		}
		lo := g.start + u*g.unit
		hi := min(lo+g.unit, g.end) - 1
		if g.parentOf != nil {
			lo, hi = g.span(g.parentOf[k], lo)
		}
		s.Reset(a.key, row)
		t, ok := a.sampler.SampleBetween(s, lo, hi)
		if !ok {
			// No instant of the column's grid in the span (a grid coarser
			// than the unit): the span's start.
			t = lo
		}
		dst[i] = t
	}
}

// unitPairs are the (unit, parent row) pairs of a per-unit fact that
// have children, in order, with the running count of their children.
type unitPairs struct {
	// ends[i] is the row after the children of pair i.
	ends, unitOf, parentOf []int64
}

// add appends the pair (u, p) with k children.
func (x *unitPairs) add(k, u, p int64) {
	end := k
	if n := len(x.ends); n > 0 {
		end += x.ends[n-1]
	}
	x.ends = append(x.ends, end)
	x.unitOf = append(x.unitOf, u)
	x.parentOf = append(x.parentOf, p)
}
