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
	tfEnd                         int64
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
	if c.m <= 1 || n <= 0 {
		return n
	}
	x := float64(n) * c.m
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
	ts, ok := c.sampler.SampleBetween(st, lo, math.MaxInt64)
	if !ok {
		return 0, false
	}
	if !hasCreated {
		return ts, true
	}
	w := c.vb.FanoutAt(created, ts) / c.m
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

// Bounded samples a datetime_series column of a child after its parent's
// creation time.
type Bounded struct {
	sampler *timegrid.Sampler
	key     rng.Key
	created *column.Vector
}

// Sample draws the value of row (with stream st) for a parent created at
// created: a grid instant not before it, or created itself when the
// column's window ends earlier.
func (b *Bounded) Sample(st *rng.Stream, key rng.Key, row int64, created int64, hasCreated bool) int64 {
	st.Reset(key, row)
	if !hasCreated {
		return b.sampler.Sample(st)
	}
	ts, ok := b.sampler.SampleBetween(st, created, math.MaxInt64)
	if !ok {
		return created
	}
	return ts
}
