package apply

import (
	"maps"
	"math"
	"slices"
	"sort"

	"datagen/src/behavior"

	"datagen/src/column"
	"datagen/src/rng"
)

// Chain runs the state machine of a state fact for each primary-parent
// row. The state of period k+1 of parent row p is drawn from the state of
// period k with draw k+1 of p, so a chain is a pure function of (key, p).
type Chain struct {
	spec *behavior.StateModel
	key  rng.Key
	// start is the parent's start-time column (nil: the timeframe start).
	start          *column.Vector
	tfStart, tfEnd int64
	// tables[v][s] are the cumulative transition probabilities of state s
	// under variation v (0 = no segment variation).
	tables [][]cumTable
	// variation is the variation index of each parent row (nil: all 0).
	variation []int32
	// until, when set (not math.MaxInt64), ends every chain at the
	// horizon of an open timeline: only rows that start before it are
	// produced (the end of a transition row is still the instant its
	// state is left, after until when it is).
	until int64
}

type cumTable struct {
	to  []int
	cum []float64
}

// ChainRow is one row of a state fact.
type ChainRow struct {
	// State and Prev index behavior.StateModel.States; Prev is -1 for the first
	// row of a chain.
	State, Prev int
	// Period is the period index (0 = the period starting at the start
	// time) at which the row's state was entered.
	Period int64
	// Start and End bound the row: the period for emit "period", the
	// stay in the state for emit "transition". End is NoEnd when the
	// state was never left (a terminal state, or the last state at the
	// timeframe end) in emit "transition".
	Start, End int64
}

// NoEnd marks a ChainRow whose state was never left.
const NoEnd = math.MinInt64

// NewChain returns the chains of spec. start is the primary parent's
// start-time column (nil: every chain starts at the timeframe start);
// segment is the parent's segment column (nil: no variation).
func NewChain(spec *behavior.StateModel, key rng.Key, start *column.Vector, tfStart, tfEnd int64, segment *column.Vector, rows int64) *Chain {
	c := &Chain{spec: spec, key: key, start: start, tfStart: tfStart, tfEnd: tfEnd, until: math.MaxInt64}
	c.tables = append(c.tables, c.table(behavior.StateVariation{All: 1, Churn: 1}))
	names := slices.Sorted(maps.Keys(spec.Variation))
	pos := map[string]int32{}
	for i, n := range names {
		c.tables = append(c.tables, c.table(spec.Variation[n]))
		pos[n] = int32(i + 1)
	}
	if segment != nil && len(names) > 0 {
		c.variation = make([]int32, rows)
		for r := int64(0); r < rows; r++ {
			if name, ok := SegmentName(segment, int(r)); ok {
				c.variation[r] = pos[name]
			}
		}
	}
	return c
}

// table builds the cumulative transition tables under variation v; rows
// whose probabilities exceed 1 in total are scaled down to 1.
func (c *Chain) table(v behavior.StateVariation) []cumTable {
	m := c.spec
	out := make([]cumTable, len(m.States))
	for s := range m.States {
		next := m.States[s].Next
		ps := make([]float64, len(next))
		sum := 0.0
		for i, tr := range next {
			ps[i] = m.Scaled(v, tr)
			sum += ps[i]
		}
		scale := 1.0
		if sum > 1 {
			scale = 1 / sum
		}
		acc := 0.0
		for i, tr := range next {
			acc += ps[i] * scale
			out[s].to = append(out[s].to, tr.To)
			out[s].cum = append(out[s].cum, acc)
		}
	}
	return out
}

// step returns the next state of s for the uniform number u.
func (t *cumTable) step(s int, u float64) int {
	i := sort.SearchFloat64s(t.cum, u)
	for i < len(t.cum) && t.cum[i] == u {
		i++
	}
	if i < len(t.to) {
		return t.to[i]
	}
	return s
}

// Rows appends to buf the rows of parent row p, at most limit of them,
// and returns buf. A chain starts at the parent's start time (no rows
// when it is null or after the timeframe end) in the initial state; a
// period is emitted while its start is not after the timeframe end (and
// before until); a terminal state ends the chain after its first period.
func (c *Chain) Rows(p int64, limit int64, buf []ChainRow) []ChainRow {
	m := c.spec
	t0 := c.tfStart
	if c.start != nil {
		if c.start.IsNull(int(p)) {
			return buf
		}
		t0 = c.start.Ints[p]
	}
	if t0 > c.tfEnd || t0 >= c.until || limit <= 0 {
		return buf
	}
	tab := c.tables[0]
	if c.variation != nil {
		tab = c.tables[c.variation[p]]
	}
	state, prev := m.Initial, -1
	emitted := int64(0)
	pending := ChainRow{State: state, Prev: -1, Period: 0, Start: t0, End: NoEnd}
	for k := int64(0); ; k++ {
		ps := behavior.AddUnits(t0, k*m.Every, m.Unit)
		if ps > c.tfEnd {
			break
		}
		changed := k > 0 && state != prev
		if ps >= c.until && (m.Emit == "period" || changed) {
			// Past the horizon no row starts; a transition row entered
			// before it ends here, where its state is left.
			if m.Emit != "period" {
				pending.End = ps
				buf = append(buf, pending)
			}
			return buf
		}
		pe := min(behavior.AddUnits(t0, (k+1)*m.Every, m.Unit), c.tfEnd)
		if m.Emit == "period" {
			buf = append(buf, ChainRow{State: state, Prev: prev, Period: k, Start: ps, End: pe})
			if emitted++; emitted >= limit {
				return buf
			}
		} else if changed {
			pending.End = ps
			buf = append(buf, pending)
			if emitted++; emitted >= limit {
				return buf
			}
			pending = ChainRow{State: state, Prev: prev, Period: k, Start: ps, End: NoEnd}
		}
		if m.States[state].Terminal || m.MaxPeriods > 0 && k+1 >= m.MaxPeriods {
			break
		}
		prev = state
		state = tab[state].step(state, unit(c.key.At(p, uint64(k+1))))
	}
	if m.Emit == "transition" {
		buf = append(buf, pending)
	}
	return buf
}

// Count returns the number of rows of parent row p.
func (c *Chain) Count(p int64, buf []ChainRow) (int64, []ChainRow) {
	buf = c.Rows(p, math.MaxInt64, buf[:0])
	return int64(len(buf)), buf
}
