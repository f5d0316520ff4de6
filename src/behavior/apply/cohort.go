package apply

import (
	"math"

	"datagen/src/behavior"

	"datagen/src/column"
	"datagen/src/gen/timegrid"
	"datagen/src/rng"
)

// Cohort applies a vintage_behavior to one child fact: the rows of each
// parent are candidates whose event times are drawn inside [parent
// creation time, end of the event column's window] with the column's
// patterns, and each candidate is kept with probability
// fanout(age at its event time) / M, where M bounds the product of the
// fanout curves. The number of candidates of a parent with base count n
// is n (M = 1) or n·M rounded stochastically, so the expected number of
// rows is n times the mean fanout multiplier over the parent's event
// times.
type Cohort struct {
	vb      *behavior.Vintage
	created *column.Vector
	// sampler draws event times; nil when the fact has no event column.
	sampler *timegrid.Sampler
	// eventKey is the event column's stream, acceptKey the keep draws,
	// extraKey the stochastic rounding of n·M.
	eventKey, acceptKey, extraKey rng.Key
	m                             float64
	// mp, when set, is the bound of each parent row (boundPerParent).
	mp    []float64
	tfEnd int64
	// life bounds the event column by its declared lifetime, or nil.
	life *Lifetime
}

// NewCohort prepares the cohort of a fact. created is the parent's
// creation time column; sampler draws the fact's event column (nil when
// it has none).
func NewCohort(vb *behavior.Vintage, created *column.Vector, rows int64, sampler *timegrid.Sampler, eventKey, acceptKey rng.Key, tfEnd int64) *Cohort {
	c := &Cohort{vb: vb, created: created, sampler: sampler, eventKey: eventKey, acceptKey: acceptKey,
		extraKey: acceptKey.Sub("extra", 0), tfEnd: tfEnd, m: 1}
	if sampler == nil {
		return c
	}
	minCreated := int64(math.MaxInt64)
	for r := int64(0); r < rows; r++ {
		if !created.IsNull(int(r)) {
			minCreated = min(minCreated, created.Ints[r])
		}
	}
	if minCreated == math.MaxInt64 {
		return c
	}
	last := sampler.Grid().Last()
	m := 1.0
	for i := range vb.Multipliers {
		a := &vb.Multipliers[i]
		if a.Fanout {
			m *= a.Curve.Max(behavior.Age(minCreated, last, a.Unit))
		}
	}
	c.m = max(1, m)
	return c
}

// boundPerParent bounds the thinning of each parent row by its own M:
// the product of the fanout curves' maxima over the row's ages, from its
// creation time to the event column's last instant. Unlike the bound over
// the earliest creation time, it does not depend on the other parent
// rows, for parents that grow with an open timeline; the expected number
// of rows is the same.
func (c *Cohort) boundPerParent(rows int64) {
	if c.sampler == nil {
		return
	}
	last := c.sampler.Grid().Last()
	c.mp = make([]float64, rows)
	for p := range c.mp {
		m := 1.0
		if t, ok := c.createdAt(int64(p)); ok {
			for i := range c.vb.Multipliers {
				if a := &c.vb.Multipliers[i]; a.Fanout {
					m *= a.Curve.Max(behavior.Age(t, last, a.Unit))
				}
			}
		}
		c.mp[p] = max(1, m)
	}
}

// bound returns the thinning bound M of parent row p.
func (c *Cohort) bound(p int64) float64 {
	if c.mp != nil {
		return c.mp[p]
	}
	return c.m
}

// createdAt returns the creation time of parent row p, or ok false.
func (c *Cohort) createdAt(p int64) (int64, bool) {
	if c.created.IsNull(int(p)) {
		return 0, false
	}
	return c.created.Ints[p], true
}

// EndFactor is the product of the fanout curves at the timeframe end, for
// facts without an event column.
func (c *Cohort) EndFactor(p int64) float64 {
	t, ok := c.createdAt(p)
	if !ok {
		return 1
	}
	return c.vb.FanoutAt(t, c.tfEnd)
}

// Candidates returns the number of candidate rows of parent row p whose
// base count is n.
func (c *Cohort) Candidates(p, n int64) int64 {
	m := c.bound(p)
	if m <= 1 || n <= 0 {
		return n
	}
	x := float64(n) * m
	k := math.Floor(x)
	if unit(c.extraKey.At(p, 0)) < x-k {
		k++
	}
	return int64(k)
}

// candidate returns the event time of candidate j of parent row p and
// whether it is kept.
func (c *Cohort) candidate(p, j int64, st *rng.Stream) (int64, bool) {
	lo := c.sampler.Grid().First()
	created, hasCreated := c.createdAt(p)
	if hasCreated && created > lo {
		lo = created
	}
	st.Reset(c.eventKey.Fork(p, uint64(j)), 0)
	lo, hi := c.life.bounds(p, lo, math.MaxInt64)
	ts, ok := c.sampler.SampleBetween(st, lo, hi)
	if !ok {
		return 0, false
	}
	if !hasCreated {
		return ts, true
	}
	w := c.vb.FanoutAt(created, ts) / c.bound(p)
	return ts, unit(c.acceptKey.At(p, uint64(j))) < w
}

// Count returns the number of kept rows among k candidates of parent p.
func (c *Cohort) Count(p, k int64) int64 {
	var st rng.Stream
	n := int64(0)
	for j := int64(0); j < k; j++ {
		if _, keep := c.candidate(p, j, &st); keep {
			n++
		}
	}
	return n
}

// Fill writes the event times of the kept rows [from, to) of parent p
// (which has k candidates) into out[0 : to-from].
func (c *Cohort) Fill(p, k, from, to int64, out []int64) {
	var st rng.Stream
	n := int64(0)
	for j := int64(0); j < k && n < to; j++ {
		ts, keep := c.candidate(p, j, &st)
		if !keep {
			continue
		}
		if n >= from {
			out[n-from] = ts
		}
		n++
	}
}

// Factor returns the product of the multipliers idx (indexes into
// behavior.Vintage.Multipliers) for parent row p at event time ts.
func (c *Cohort) Factor(idx []int, p, ts int64) float64 {
	created, ok := c.createdAt(p)
	if !ok {
		return 1
	}
	f := 1.0
	for _, i := range idx {
		a := &c.vb.Multipliers[i]
		f *= a.Curve.At(behavior.Age(created, ts, a.Unit))
	}
	return f
}

// Lifetime is the window a child column declares with within: {start_col,
// end_col}: per primary-parent row, a start and an optional end (a null
// one is unbounded; the sampler's grid keeps values in the timeframe).
type Lifetime struct {
	Start, End *column.Vector
	// EndDay extends a date end to the last microsecond of its day.
	EndDay int64
}

// bounds narrows [lo, hi] to parent row p's lifetime; l may be nil.
func (l *Lifetime) bounds(p, lo, hi int64) (int64, int64) {
	if l == nil {
		return lo, hi
	}
	if l.Start != nil && !l.Start.IsNull(int(p)) {
		lo = max(lo, l.Start.Ints[p])
	}
	if l.End != nil && !l.End.IsNull(int(p)) {
		hi = min(hi, l.End.Ints[p]+l.EndDay)
	}
	return lo, hi
}

// Bounded samples a datetime_series column of a child after its parent's
// creation time, and inside the column's lifetime when it declares one.
type Bounded struct {
	sampler *timegrid.Sampler
	key     rng.Key
	created *column.Vector
	life    *Lifetime
}

// Sample draws the value of row (with stream st) of parent row p created
// at created: a grid instant not before it (and inside the lifetime), or
// the window's start when it holds no instant.
func (b *Bounded) Sample(st *rng.Stream, key rng.Key, row, p int64, created int64, hasCreated bool) int64 {
	st.Reset(key, row)
	if !hasCreated && b.life == nil {
		return b.sampler.Sample(st)
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if hasCreated {
		lo = created
	}
	lo, hi = b.life.bounds(p, lo, hi)
	ts, ok := b.sampler.SampleBetween(st, lo, hi)
	if !ok {
		if lo == math.MinInt64 {
			return b.sampler.Grid().First()
		}
		return lo
	}
	return ts
}
