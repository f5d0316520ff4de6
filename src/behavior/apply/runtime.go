package apply

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"datagen/src/behavior"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen"
	"datagen/src/rng"
)

// Env is what the runtime of a fact needs from the engine.
type Env struct {
	Seed      int64
	Node      *dsl.Node
	Timeframe dsl.Timeframe
	// Tables returns a generated table by id (its kept columns).
	Tables func(id string) (column.Table, error)
	// Workers bounds the parallelism of the per-parent passes.
	Workers int
	// ParentGrows is set when the primary parent's rows grow with an open
	// timeline: nothing may depend on its row count (the vintage thinning
	// bound is then taken per parent row, not over all the parents'
	// creation times).
	ParentGrows bool
	// Until, when not 0, is the horizon of an open timeline (exclusive):
	// a state fact's chains end there, and HorizonRows numbers its rows.
	Until int64
	// Arrived, when the primary parent grows with an open timeline, is
	// the instant each parent row came into being (the start of its
	// unit). A funnel or a chain starts no earlier: a row dated before
	// its parent arrived would fall in a window already written.
	Arrived []int64
}

// columnKey returns the random stream of a column of the node, as the
// column's generator uses it.
func (e *Env) columnKey(name string) rng.Key { return rng.ColumnKey(e.Seed, e.Node.ID, name) }

// tableKey returns the key of a stream of the node that belongs to no column.
func (e *Env) tableKey(purpose ...string) rng.Key { return rng.TableKey(e.Seed, e.Node.ID, purpose...) }

// Runtime is the behaviour of one fact during generation. It decides the
// number of rows of each primary-parent row, fills the columns that the
// behaviour defines and scales the value columns; everything is a pure
// function of the seed, the parents' rows and the row index.
type Runtime struct {
	t       *behavior.Table
	env     Env
	parents int64
	links   []*linkRT
	cohort  *Cohort
	vlink   *behavior.VintageLink
	funnel  *Funnel
	chain   *Chain
	// cand holds each parent row's candidate count (vintage thinning).
	cand    []int64
	offsets []int64
	fillers map[string]Filler
	// values maps a value column to its multipliers.
	values map[string]*valueRT
	// needEvent: Prepare computes the event time of every row.
	needEvent bool
	// boundedEvent draws the event column when it is not thinned.
	boundedEvent *Bounded
	eventKey     rng.Key
	created      *column.Vector
	// events, when set, writes the event times of rows [start,
	// start+len(dst)) of a per-unit fact (its time column, which the
	// engine draws); rowParent then gives a row's primary-parent row.
	events    func(dst []int64, start int64, st *rng.Stream)
	rowParent func(row int64) int64
	// hRows are the rows of a state fact cut at the horizon, in row
	// order (HorizonRows).
	hRows []ChainRow
}

type linkRT struct {
	l     *behavior.SegmentLink
	index *SegmentIndex
	// key and rows give the shared random row of non-primary parents.
	key  rng.Key
	rows int64
}

type valueRT struct {
	links   []int // indexes into Runtime.links
	vintage []int // indexes into behavior.Vintage.Multipliers
}

// NewRuntime prepares the behaviour of fact t (whose primary parent has
// parentRows rows) once its parents are generated.
func NewRuntime(t *behavior.Table, env Env, parentRows int64) (*Runtime, error) {
	rt := &Runtime{t: t, env: env, parents: parentRows, fillers: map[string]Filler{}, values: map[string]*valueRT{}}
	n := env.Node
	tfStart, tfEnd := env.Timeframe.Start.UnixMicro(), env.Timeframe.End.UnixMicro()
	primary := n.Parents[0]
	parentCol := func(id, name string) (*column.Vector, error) {
		tab, err := env.Tables(id)
		if err != nil {
			return nil, err
		}
		v := tab.Column(name)
		if v == nil {
			return nil, fmt.Errorf("column %q of %q is not available", name, id)
		}
		return v, nil
	}
	for _, l := range t.SegmentLinks {
		tab, err := env.Tables(l.Parent)
		if err != nil {
			return nil, err
		}
		col, err := parentCol(l.Parent, l.Segment.Column)
		if err != nil {
			return nil, err
		}
		x := &linkRT{l: l, index: NewSegmentIndex(l.Segment, col, tab.Rows()), rows: tab.Rows(),
			key: env.tableKey("lookup-row", l.Parent)}
		if !l.Primary && l.Fanout {
			if err := x.index.prepareWeighted(); err != nil && tab.Rows() > 0 {
				return nil, fmt.Errorf("segments of %q: %w, so no row of %q can refer to it", l.Parent, err, n.ID)
			}
			for _, name := range l.LookupColumns {
				lk := n.Column(name).Generator.Lookup
				src, err := parentCol(l.Parent, lk.Column)
				if err != nil {
					return nil, err
				}
				rt.fillers[name] = &lookupFill{src: src, link: len(rt.links), nullable: n.Column(name).Nullable}
			}
		}
		for _, name := range l.ValueColumns {
			rt.value(name).links = append(rt.value(name).links, len(rt.links))
		}
		rt.links = append(rt.links, x)
	}
	var err error
	if vl := t.VintageLink; vl != nil {
		rt.vlink = vl
		if rt.created, err = parentCol(vl.Parent, vl.Vintage.CreatedAt); err != nil {
			return nil, err
		}
		if err := rt.setupVintage(vl, parentRows, tfEnd); err != nil {
			return nil, err
		}
	}
	if sc := t.Stages; sc != nil {
		var start *column.Vector
		if sc.TimeColumn != "" {
			if start, err = parentCol(primary, sc.StartColumn); err != nil {
				return nil, err
			}
			start = arrivedStart(start, env.Arrived)
		}
		var mult []float64
		if sc.SegmentColumn != "" && len(sc.Variation) > 0 {
			seg, err := parentCol(primary, sc.SegmentColumn)
			if err != nil {
				return nil, err
			}
			mult = make([]float64, parentRows)
			for r := range mult {
				mult[r] = 1
				if name, ok := SegmentName(seg, r); ok {
					if m, found := sc.Variation[name]; found {
						mult[r] = m
					}
				}
			}
		}
		rt.funnel = NewFunnel(sc, env.tableKey("stages"), start, tfEnd, mult)
		if c := n.Column(sc.TimeColumn); start != nil && c != nil && c.Generator.DatetimeSeries != nil {
			// The stage time column's declared lifetime end stops the
			// funnel at each parent's end.
			if l := c.Generator.DatetimeSeries.Lifetime; l != nil && l.EndCol != "" && l.Table == primary {
				end, err := parentCol(primary, l.EndCol)
				if err != nil {
					return nil, err
				}
				rt.funnel.life = &Lifetime{End: end}
				if end.Type == column.Date {
					rt.funnel.life.EndDay = column.MicrosPerDay - 1
				}
			}
		}
		names := make([]string, len(sc.Stages))
		for i, s := range sc.Stages {
			names[i] = s.Name
		}
		if sc.NameColumn != "" {
			rt.fillers[sc.NameColumn] = &stageName{names: names}
		}
		if sc.IndexColumn != "" {
			rt.fillers[sc.IndexColumn] = localIndex{}
		}
		if sc.TimeColumn != "" {
			rt.fillers[sc.TimeColumn] = eventFill{}
			rt.needEvent = true
		}
	}
	if m := t.States; m != nil {
		var start, seg *column.Vector
		if m.ParentStartColumn != "" {
			if start, err = parentCol(primary, m.ParentStartColumn); err != nil {
				return nil, err
			}
		}
		start = arrivedStart(start, env.Arrived)
		if m.SegmentColumn != "" && len(m.Variation) > 0 {
			if seg, err = parentCol(primary, m.SegmentColumn); err != nil {
				return nil, err
			}
		}
		rt.chain = NewChain(m, env.tableKey("states"), start, tfStart, tfEnd, seg, parentRows)
		if env.Until != 0 {
			rt.chain.until = env.Until
		}
		names := make([]string, len(m.States))
		for i, s := range m.States {
			names[i] = s.Name
		}
		rt.fillers[m.StateColumn] = &stateFill{names: names}
		if m.PreviousColumn != "" {
			rt.fillers[m.PreviousColumn] = &stateFill{names: names, prev: true}
		}
		if m.IndexColumn != "" {
			rt.fillers[m.IndexColumn] = periodIndex{}
		}
		if m.StartColumn != "" {
			rt.fillers[m.StartColumn] = eventFill{}
		}
		if m.EndColumn != "" {
			rt.fillers[m.EndColumn] = &periodEnd{tfEnd: tfEnd, nullable: n.Column(m.EndColumn).Nullable}
		}
		rt.needEvent = true
	}
	return rt, nil
}

// arrivedStart returns the start times of a funnel or a chain no earlier
// than each parent row's arrival (start unchanged when arrived is nil; a
// nil start, the timeframe's start, becomes the arrival itself).
func arrivedStart(start *column.Vector, arrived []int64) *column.Vector {
	if arrived == nil {
		return start
	}
	out := &column.Vector{}
	out.Reset(column.Timestamp, len(arrived))
	for p, t := range arrived {
		switch {
		case start == nil:
			out.Ints[p] = t
		case start.IsNull(p):
			out.SetNull(p)
		default:
			out.Ints[p] = max(start.Ints[p], t)
		}
	}
	return out
}

func (rt *Runtime) value(name string) *valueRT {
	v := rt.values[name]
	if v == nil {
		v = &valueRT{}
		rt.values[name] = v
	}
	return v
}

// sampler returns the time sampler of a datetime_series column of the
// node, with its seasonality modifiers as patterns.
func (rt *Runtime) sampler(name string) (*Bounded, error) {
	c := rt.env.Node.Column(name)
	var pats []dsl.Pattern
	for _, m := range c.Modifiers {
		if m.Seasonality != nil {
			pats = append(pats, *m.Seasonality)
		}
	}
	s, err := gen.NewTimeSampler(c.Generator.DatetimeSeries, rt.env.Timeframe, pats)
	if err != nil {
		return nil, &gen.Error{Table: rt.env.Node.ID, Column: name, Err: err}
	}
	b := &Bounded{sampler: s, key: rt.env.columnKey(name), created: rt.created}
	if l := c.Generator.DatetimeSeries.Lifetime; l != nil && l.Table == rt.env.Node.Parents[0] {
		b.life = &Lifetime{}
		if b.life.Start, err = rt.parentCol(l.Table, l.StartCol); err != nil {
			return nil, err
		}
		if l.EndCol != "" {
			if b.life.End, err = rt.parentCol(l.Table, l.EndCol); err != nil {
				return nil, err
			}
			if b.life.End.Type == column.Date {
				b.life.EndDay = column.MicrosPerDay - 1
			}
		}
	}
	return b, nil
}

// parentCol returns a kept column of a parent table.
func (rt *Runtime) parentCol(id, name string) (*column.Vector, error) {
	tab, err := rt.env.Tables(id)
	if err != nil {
		return nil, err
	}
	v := tab.Column(name)
	if v == nil {
		return nil, fmt.Errorf("column %q of %q is not available", name, id)
	}
	return v, nil
}

func (rt *Runtime) setupVintage(vl *behavior.VintageLink, parentRows, tfEnd int64) error {
	for name, idx := range vl.Values {
		rt.value(name).vintage = idx
	}
	for _, name := range vl.Bounded {
		b, err := rt.sampler(name)
		if err != nil {
			return err
		}
		rt.fillers[name] = &boundedFill{b: b, rt: rt}
	}
	if rt.t.Stages != nil || rt.t.States != nil || vl.PerUnit {
		// Per-unit facts: the fanout curves scale the rate of each unit
		// (RateFactor), and the engine draws the event column.
		rt.cohort = NewCohort(vl.Vintage, rt.created, parentRows, nil, 0, 0, tfEnd)
		return nil
	}
	if vl.EventColumn == "" {
		rt.cohort = NewCohort(vl.Vintage, rt.created, parentRows, nil, 0, 0, tfEnd)
		return nil
	}
	b, err := rt.sampler(vl.EventColumn)
	if err != nil {
		return err
	}
	rt.needEvent = true
	rt.eventKey = b.key
	if vl.Thin {
		rt.cohort = NewCohort(vl.Vintage, rt.created, parentRows, b.sampler, b.key.Sub("candidate", 0), rt.env.tableKey("vintage"), tfEnd)
		rt.cohort.life = b.life
		if rt.env.ParentGrows {
			rt.cohort.boundPerParent(parentRows)
		}
	} else {
		rt.cohort = NewCohort(vl.Vintage, rt.created, parentRows, nil, 0, 0, tfEnd)
		rt.boundedEvent = b
	}
	rt.fillers[vl.EventColumn] = &eventResample{eventFill: eventFill{}, b: b, rt: rt}
	return nil
}

// Special reports whether the fact's rows are stages or periods: its
// counts come from Count, not from a fanout.
func (rt *Runtime) Special() bool { return rt.funnel != nil || rt.chain != nil }

// Counts writes the row count of every primary-parent row of a stage or
// state fact into out.
func (rt *Runtime) Counts(out []int64) {
	rt.parallel(int64(len(out)), func(lo, hi int64) {
		var buf []ChainRow
		for p := lo; p < hi; p++ {
			if rt.funnel != nil {
				out[p] = rt.funnel.Count(p)
			} else {
				out[p], buf = rt.chain.Count(p, buf)
			}
		}
	})
}

// ScaleCounts multiplies the (float) child counts of an ordinary fact by
// the primary parent's segment fanout multiplier and, for facts without
// an event column, by the vintage fanout curves at the timeframe end.
func (rt *Runtime) ScaleCounts(counts []float64) {
	for _, x := range rt.links {
		if x.l.Primary && x.l.Fanout {
			for p := range counts {
				counts[p] *= x.index.Fanout(int64(p))
			}
		}
	}
	if rt.vlink != nil && rt.vlink.CountAtEnd {
		for p := range counts {
			counts[p] *= rt.cohort.EndFactor(int64(p))
		}
	}
}

// RateFactor is the factor of the rate of a per-unit fact's children of
// parent row p at instant at: the parent's segment fanout multiplier
// times the vintage fanout curves at the parent's age at that instant.
func (rt *Runtime) RateFactor(p, at int64) float64 {
	f := 1.0
	for _, x := range rt.links {
		if x.l.Primary && x.l.Fanout {
			f *= x.index.Fanout(p)
		}
	}
	if rt.vlink != nil && rt.vlink.PerUnit {
		if c, ok := rt.createdAt(p); ok {
			f *= rt.vlink.Vintage.FanoutAt(c, at)
		}
	}
	return f
}

// Horizon reports whether the fact is a state fact whose chains end at the
// horizon of an open timeline: HorizonRows numbers its rows.
func (rt *Runtime) Horizon() bool { return rt.chain != nil && rt.chain.until != math.MaxInt64 }

// HorizonRows draws the chain of every primary-parent row up to the
// horizon and numbers the rows: by the hour (from the timeframe's start)
// of the later of the row's start and the instant its parent row came
// into being as the timeline grew (Env.Arrived; nil: every parent always
// was), then by parent row, then in chain order. A later horizon only
// appends rows: a row that starts after a horizon, or whose parent
// arrives after it, falls in a later hour than every row before it. It
// returns the primary-parent row and that hour of each row.
func (rt *Runtime) HorizonRows() (parent, hour []int64) {
	arrived := rt.env.Arrived
	t0 := rt.env.Timeframe.Start.UnixMicro()
	type entry struct {
		key, p int64
		row    ChainRow
	}
	rows := make([][]entry, rt.parents)
	rt.parallel(rt.parents, func(lo, hi int64) {
		var buf []ChainRow
		for p := lo; p < hi; p++ {
			buf = rt.chain.Rows(p, math.MaxInt64, buf[:0])
			out := make([]entry, len(buf))
			for i, r := range buf {
				t := r.Start
				if arrived != nil {
					t = max(t, arrived[p])
				}
				out[i] = entry{key: civil.FloorDiv(t-t0, civil.MicrosPerHour), p: p, row: r}
			}
			rows[p] = out
		}
	})
	var all []entry
	for _, e := range rows {
		all = append(all, e...)
	}
	// Stable: rows of one parent keep their chain order.
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].key != all[j].key {
			return all[i].key < all[j].key
		}
		return all[i].p < all[j].p
	})
	parent, hour = make([]int64, len(all)), make([]int64, len(all))
	rt.hRows = make([]ChainRow, len(all))
	for i, e := range all {
		parent[i], hour[i], rt.hRows[i] = e.p, e.key, e.row
	}
	rt.rowParent = func(r int64) int64 { return parent[r] }
	return parent, hour
}

// SetPerUnit gives the runtime of a per-unit fact, whose rows are not
// grouped by parent, the primary-parent row of each row and the event
// times of rows (its time column), which value curves read.
func (rt *Runtime) SetPerUnit(parent func(row int64) int64, events func(dst []int64, start int64, st *rng.Stream)) {
	rt.rowParent = parent
	if rt.vlink != nil && rt.vlink.PerUnit && len(rt.vlink.Values) > 0 {
		rt.events = events
		rt.needEvent = true
	}
}

// Thins reports whether Thin must run on the counts.
func (rt *Runtime) Thins() bool { return rt.vlink != nil && rt.vlink.Thin }

// Thin turns base counts into the numbers of rows kept after the vintage
// fanout curves thin them at their event times (in place).
func (rt *Runtime) Thin(counts []int64) {
	rt.cand = make([]int64, len(counts))
	rt.parallel(int64(len(counts)), func(lo, hi int64) {
		for p := lo; p < hi; p++ {
			k := rt.cohort.Candidates(p, counts[p])
			rt.cand[p] = k
			counts[p] = rt.cohort.Count(p, k)
		}
	})
}

// SetOffsets gives the runtime the first row of each parent's children.
func (rt *Runtime) SetOffsets(offsets []int64) { rt.offsets = offsets }

func (rt *Runtime) parentOf(row int64) int64 {
	if rt.rowParent != nil {
		return rt.rowParent(row)
	}
	return int64(sort.Search(len(rt.offsets)-1, func(i int) bool { return rt.offsets[i+1] > row }))
}

// parallel runs fn over [0, n) split in chunks over the workers.
func (rt *Runtime) parallel(n int64, fn func(lo, hi int64)) {
	w := int64(max(1, rt.env.Workers))
	if n < 4096 || w == 1 {
		fn(0, n)
		return
	}
	chunk := (n + 4*w - 1) / (4 * w)
	next := make(chan int64)
	var wg sync.WaitGroup
	for k := int64(0); k < w; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range next {
				fn(lo, min(lo+chunk, n))
			}
		}()
	}
	for lo := int64(0); lo < n; lo += chunk {
		next <- lo
	}
	close(next)
	wg.Wait()
}

// Filler returns the filler of a column whose values the behaviour
// defines, or nil.
func (rt *Runtime) Filler(name string) Filler { return rt.fillers[name] }

// HasValues reports whether a column is scaled by value multipliers.
func (rt *Runtime) HasValues(name string) bool { return rt.values[name] != nil }

// Block is the per-block state of a fact's behaviour; one per worker,
// reused across blocks.
type Block struct {
	Start int64
	N     int
	// Parent is the primary-parent row of each row.
	Parent  []int64
	local   []int64
	eventTS []int64
	segRows [][]int64
	rows    []ChainRow
	buf     []ChainRow
	st      rng.Stream
}

// NewBlock returns a Block for rt.
func (rt *Runtime) NewBlock() *Block {
	return &Block{segRows: make([][]int64, len(rt.links))}
}

func growI(s []int64, n int) []int64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int64, n, n+n/4)
}

// Prepare computes the behaviour state of rows [start, start+n) whose
// primary-parent rows are parent.
func (rt *Runtime) Prepare(b *Block, start int64, n int, parent []int64) {
	b.Start, b.N, b.Parent = start, n, parent
	b.local = growI(b.local, n)
	if rt.offsets != nil {
		for i, p := range parent {
			b.local[i] = start + int64(i) - rt.offsets[p]
		}
	}
	for k, x := range rt.links {
		rows := growI(b.segRows[k], n)
		b.segRows[k] = rows
		switch {
		case x.l.Primary:
			copy(rows, parent)
		case x.l.Fanout && x.index.alias != nil:
			for i := range rows {
				r := start + int64(i)
				rows[i] = x.index.Pick(x.key.At(r, 0), x.key.At(r, 1), x.key.At(r, 2))
			}
		case x.rows > 0:
			// The row a random lookup into the parent picks (gen's
			// lookup draws the same stream).
			for i := range rows {
				rows[i] = int64(rng.Bounded(x.key.At(start+int64(i), 0), uint64(x.rows)))
			}
		default:
			rows = rows[:0]
			b.segRows[k] = rows
		}
	}
	if !rt.needEvent {
		return
	}
	b.eventTS = growI(b.eventTS, n)
	switch {
	case rt.events != nil:
		rt.events(b.eventTS, start, &b.st)
	case rt.hRows != nil:
		if cap(b.rows) < n {
			b.rows = make([]ChainRow, n)
		}
		b.rows = b.rows[:n]
		copy(b.rows, rt.hRows[start:start+int64(n)])
		for i := range b.rows {
			b.eventTS[i] = b.rows[i].Start
		}
	case rt.funnel != nil:
		if rt.funnel.HasTime() {
			for i, p := range parent {
				b.eventTS[i] = rt.funnel.Time(p, int(b.local[i]))
			}
		}
	case rt.chain != nil:
		if cap(b.rows) < n {
			b.rows = make([]ChainRow, n)
		}
		b.rows = b.rows[:n]
		for i := 0; i < n; {
			p := parent[i]
			j := i
			for j < n && parent[j] == p {
				j++
			}
			last := b.local[j-1]
			b.buf = rt.chain.Rows(p, last+1, b.buf[:0])
			for k := i; k < j; k++ {
				b.rows[k] = b.buf[b.local[k]]
				b.eventTS[k] = b.rows[k].Start
			}
			i = j
		}
	case rt.vlink != nil && rt.vlink.Thin:
		for i := 0; i < n; {
			p := parent[i]
			j := i
			for j < n && parent[j] == p {
				j++
			}
			rt.cohort.Fill(p, rt.cand[p], b.local[i], b.local[j-1]+1, b.eventTS[i:j])
			i = j
		}
	case rt.boundedEvent != nil:
		for i, p := range parent {
			c, ok := rt.createdAt(p)
			b.eventTS[i] = rt.boundedEvent.Sample(&b.st, rt.eventKey, start+int64(i), p, c, ok)
		}
	}
}

func (rt *Runtime) createdAt(p int64) (int64, bool) {
	if rt.created == nil || rt.created.IsNull(int(p)) {
		return 0, false
	}
	return rt.created.Ints[p], true
}

// ApplyValues multiplies the values of column name (after its cast) by the
// segment value multipliers and vintage value curves of each row: floats
// are multiplied, ints are multiplied and rounded half away from zero.
func (rt *Runtime) ApplyValues(name string, v *column.Vector, b *Block) error {
	vr := rt.values[name]
	if vr == nil {
		return nil
	}
	tfEnd := rt.env.Timeframe.End.UnixMicro()
	for i := 0; i < b.N; i++ {
		if v.IsNull(i) {
			continue
		}
		f := 1.0
		for _, k := range vr.links {
			if rows := b.segRows[k]; len(rows) > 0 {
				f *= rt.links[k].index.Value(rows[i])
			}
		}
		if len(vr.vintage) > 0 {
			ts := tfEnd
			if rt.needEvent && (rt.funnel == nil || rt.funnel.HasTime()) {
				ts = b.eventTS[i]
			}
			f *= rt.cohort.Factor(vr.vintage, b.Parent[i], ts)
		}
		if f == 1 {
			continue
		}
		switch v.Type {
		case column.Float:
			v.Floats[i] *= f
		case column.Int:
			x := math.Round(float64(v.Ints[i]) * f)
			if math.Abs(x) >= 9.2e18 {
				return fmt.Errorf("row %d: %g is out of the int range after the value multiplier %g", b.Start+int64(i), x, f)
			}
			v.Ints[i] = int64(x)
		default:
			return fmt.Errorf("value multipliers apply to int and float columns, not %s", v.Type)
		}
	}
	return nil
}

// Filler fills a column whose values a behaviour defines.
type Filler interface {
	// Type is the type of the vectors Fill produces.
	Type() column.Type
	// Fill writes the block's rows into out.
	Fill(out *column.Vector, b *Block) error
}

// stageName is the name of each row's stage.
type stageName struct{ names []string }

func (f *stageName) Type() column.Type { return column.String }

func (f *stageName) Fill(out *column.Vector, b *Block) error {
	out.Reset(column.String, b.N)
	for i := 0; i < b.N; i++ {
		out.Strs[i] = f.names[b.local[i]]
	}
	return nil
}

// localIndex is the row's index among its parent's rows (the stage
// index).
type localIndex struct{}

func (localIndex) Type() column.Type { return column.Int }

func (localIndex) Fill(out *column.Vector, b *Block) error {
	out.Reset(column.Int, b.N)
	copy(out.Ints, b.local[:b.N])
	return nil
}

// eventFill is the row's event time: the stage time, the period start,
// or the vintage event time.
type eventFill struct{}

func (eventFill) Type() column.Type { return column.Timestamp }

func (eventFill) Fill(out *column.Vector, b *Block) error {
	out.Reset(column.Timestamp, b.N)
	copy(out.Ints, b.eventTS[:b.N])
	return nil
}

// eventResample is the vintage event column: it can redraw a row's value
// (inside the parent's lifetime) for datetime effects.
type eventResample struct {
	eventFill
	b  *Bounded
	rt *Runtime
}

// Resample redraws the value of row from an independent stream.
func (f *eventResample) Resample(r *rng.Rand, row int64, attempt int) int64 {
	p := f.rt.parentOf(row)
	c, ok := f.rt.createdAt(p)
	return f.b.Sample(&r.S, f.b.key.Sub("resample", attempt), row, p, c, ok)
}

// boundedFill draws a datetime_series column after the parent's creation
// time.
type boundedFill struct {
	b  *Bounded
	rt *Runtime
}

func (f *boundedFill) Type() column.Type { return column.Timestamp }

func (f *boundedFill) Fill(out *column.Vector, b *Block) error {
	out.Reset(column.Timestamp, b.N)
	for i := 0; i < b.N; i++ {
		c, ok := f.rt.createdAt(b.Parent[i])
		out.Ints[i] = f.b.Sample(&b.st, f.b.key, b.Start+int64(i), b.Parent[i], c, ok)
	}
	return nil
}

// Resample redraws the value of row from an independent stream.
func (f *boundedFill) Resample(r *rng.Rand, row int64, attempt int) int64 {
	p := f.rt.parentOf(row)
	c, ok := f.rt.createdAt(p)
	return f.b.Sample(&r.S, f.b.key.Sub("resample", attempt), row, p, c, ok)
}

// lookupFill copies the column of a non-primary segment parent at the row
// chosen with the segments' fanout weights.
type lookupFill struct {
	src      *column.Vector
	link     int
	nullable bool
}

func (f *lookupFill) Type() column.Type { return f.src.Type }

func (f *lookupFill) Fill(out *column.Vector, b *Block) error {
	out.Reset(f.src.Type, b.N)
	rows := b.segRows[f.link]
	if len(rows) == 0 {
		if !f.nullable && b.N > 0 {
			return fmt.Errorf("the lookup source has no rows")
		}
		for i := 0; i < b.N; i++ {
			out.SetNull(i)
		}
		return nil
	}
	for i := 0; i < b.N; i++ {
		out.CopyRow(i, f.src, int(rows[i]))
	}
	return nil
}

// stateFill is the state (or the previous state) of each state-fact row.
type stateFill struct {
	names []string
	prev  bool
}

func (f *stateFill) Type() column.Type { return column.String }

func (f *stateFill) Fill(out *column.Vector, b *Block) error {
	out.Reset(column.String, b.N)
	for i := 0; i < b.N; i++ {
		s := b.rows[i].State
		if f.prev {
			s = b.rows[i].Prev
		}
		if s < 0 {
			out.ClearRow(i)
			continue
		}
		out.Strs[i] = f.names[s]
	}
	return nil
}

// periodIndex is the period at which each state-fact row starts.
type periodIndex struct{}

func (periodIndex) Type() column.Type { return column.Int }

func (periodIndex) Fill(out *column.Vector, b *Block) error {
	out.Reset(column.Int, b.N)
	for i := 0; i < b.N; i++ {
		out.Ints[i] = b.rows[i].Period
	}
	return nil
}

// periodEnd is the end of each state-fact row: null (or the timeframe
// end, for a non-nullable column) when the state was never left.
type periodEnd struct {
	tfEnd    int64
	nullable bool
}

func (f *periodEnd) Type() column.Type { return column.Timestamp }

func (f *periodEnd) Fill(out *column.Vector, b *Block) error {
	out.Reset(column.Timestamp, b.N)
	for i := 0; i < b.N; i++ {
		e := b.rows[i].End
		switch {
		case e != NoEnd:
			out.Ints[i] = e
		case f.nullable:
			out.Ints[i] = 0
			out.SetNull(i)
		default:
			out.Ints[i] = f.tfEnd
		}
	}
	return nil
}
