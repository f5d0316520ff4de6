package twin

import (
	"fmt"
	"math"
	"sort"

	"datagen/src/civil"
	"datagen/src/column"
)

// groupSample accumulates, for a sample of the values of one int or
// string column, the rows that hold the value: their count and, per
// number or time column of the table, the sum, minimum and maximum. The
// sample keeps every value whose hash is at most a threshold that falls
// as values fill it (as hashSample), so that the samples of a parent's key
// and of a child's foreign key hold the same values below the smaller
// threshold: a parent's columns can be compared with aggregates of its
// children without keeping either table.
type groupSample struct {
	thresh uint64
	accs   map[uint64]*groupAcc
}

// groupAcc is what is accumulated for one value.
type groupAcc struct {
	count         int64
	sum, min, max []float64
	n             []int64 // non-null values per column
}

// maxGroups bounds the values of a groupSample.
const maxGroups = 2048

func newGroupSample() *groupSample {
	return &groupSample{thresh: math.MaxUint64, accs: map[uint64]*groupAcc{}}
}

// add records a row whose value hashes to h, with the row's values of
// the aggregated columns (NaN for null).
func (g *groupSample) add(h uint64, vals []float64) {
	if h > g.thresh {
		return
	}
	a := g.accs[h]
	if a == nil {
		n := len(vals)
		a = &groupAcc{sum: make([]float64, n), min: make([]float64, n), max: make([]float64, n), n: make([]int64, n)}
		for i := range a.min {
			a.min[i], a.max[i] = math.Inf(1), math.Inf(-1)
		}
		g.accs[h] = a
		if len(g.accs) > maxGroups {
			g.thresh /= 2
			for k := range g.accs {
				if k > g.thresh {
					delete(g.accs, k)
				}
			}
			if h > g.thresh {
				return
			}
		}
	}
	a.count++
	for i, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		a.n[i]++
		a.sum[i] += v
		a.min[i] = math.Min(a.min[i], v)
		a.max[i] = math.Max(a.max[i], v)
	}
}

// aggregate is a parent column computed from its children.
type aggregate struct {
	from, fn string // "child.column", sum or count
	why      string
}

// findAggregates finds, for every fact and its primary parent, the
// children's columns copied from the parent row and the time columns that
// follow a parent's time (findCopies, findLifetimes), then the parent's
// columns that equal the sum of a column of its children, or their count,
// in (almost) every sampled parent. They become `aggregate` generators, so
// that a basket's value stays the sum of its lines in the twin.
func (m *model) findAggregates() {
	names := make([]string, 0, len(m.primary))
	for n := range m.primary {
		names = append(names, n)
	}
	sort.Strings(names)
	type pair struct {
		c, p          *tableStats
		fk            *foreignKey
		parents, kids []*groupAcc
	}
	var pairs []pair
	for _, child := range names {
		fk := m.primary[child]
		if m.vocab[fk.parent] != nil {
			continue // its values are drawn by their shares, not from the parent row
		}
		c, p := m.byName[child], m.byName[fk.parent]
		gc, gp := c.groups[c.index(fk.column)], p.groups[p.index(fk.key)]
		if gc == nil || gp == nil {
			continue
		}
		thresh := min(gc.thresh, gp.thresh)
		var parents []*groupAcc
		var kids []*groupAcc
		for h, a := range gp.accs {
			if h <= thresh {
				parents = append(parents, a)
				kids = append(kids, gc.accs[h]) // nil: no children
			}
		}
		if len(parents) >= 20 {
			pairs = append(pairs, pair{c, p, fk, parents, kids})
		}
	}
	// Copies and lifetimes first: a parent column that its children copy
	// or live after is an input of theirs, never their aggregate.
	for _, x := range pairs {
		m.findCopies(x.c, x.p, x.fk, x.parents, x.kids)
		m.findLifetimes(x.c, x.p, x.fk, x.parents, x.kids)
	}
	for _, x := range pairs {
		for pi, pc := range x.p.aggCols {
			col := x.p.cols[pc]
			parent := x.p.src.name
			if col.name == m.pk[parent] || m.fkOf(parent, col.name) != nil || m.aggs[parent][col.name].fn != "" || m.isAttrSource(parent, col.name) || m.isLifetimeBound(parent, col.name) {
				continue
			}
			if a, ok := m.matchAggregate(x.c, x.fk, col, pi, x.parents, x.kids); ok {
				if m.aggs[parent] == nil {
					m.aggs[parent] = map[string]aggregate{}
				}
				m.aggs[parent][col.name] = a
			}
		}
	}
}

// isLifetimeBound reports whether a column of table bounds the times of
// one of its children.
func (m *model) isLifetimeBound(table, col string) bool {
	for child, lts := range m.lifetimes {
		if m.primary[child] == nil || m.primary[child].parent != table {
			continue
		}
		for _, lt := range lts {
			if lt.start == col {
				return true
			}
		}
	}
	return false
}

// matchAggregate looks for the child column and function that give the
// parent column pi in at least 99% of the sampled parents.
func (m *model) matchAggregate(c *tableStats, fk *foreignKey, col *colStats, pi int, parents, kids []*groupAcc) (aggregate, bool) {
	type cand struct {
		fn string
		ci int // index into c.aggCols; -1 for count
	}
	var cands []cand
	if col.typ == column.Int {
		cands = append(cands, cand{"count", -1})
	}
	for ci, cc := range c.aggCols {
		t := c.cols[cc].typ
		if c.cols[cc].name == fk.column || c.cols[cc].name == m.pk[c.src.name] {
			continue
		}
		// Sums only: a parent's first or last child time (min, max) is
		// more often the parent's own time that the children follow.
		if col.typ.IsNumeric() && t.IsNumeric() {
			cands = append(cands, cand{"sum", ci})
		}
	}
	for _, cd := range cands {
		n, ok := 0, 0
		for i, pa := range parents {
			if pa.n[pi] == 0 {
				continue
			}
			want := pa.sum[pi]
			var got float64 // a parent without children sums to 0
			if ka := kids[i]; ka != nil {
				if cd.fn == "count" {
					got = float64(ka.count)
				} else {
					got = ka.sum[cd.ci]
				}
			}
			n++
			if math.Abs(want-got) <= 1e-6*math.Max(1, math.Abs(want)) {
				ok++
			}
		}
		if n >= 20 && float64(ok) >= 0.99*float64(n) {
			from := c.src.name + "." + fk.column
			if cd.ci >= 0 {
				from = c.src.name + "." + c.cols[c.aggCols[cd.ci]].name
			}
			return aggregate{from: from, fn: cd.fn, why: fmt.Sprintf("the %s of %s over the %s rows of each %s row, in %d of %d sampled rows", cd.fn, from, c.src.name, fk.parent, ok, n)}, true
		}
	}
	return aggregate{}, false
}

// findCopies finds the number and time columns of a fact that hold, in
// (almost) every sampled parent, the value of a column of the parent row
// (an order line's order time): they become lookups of that column.
func (m *model) findCopies(c, p *tableStats, fk *foreignKey, parents, kids []*groupAcc) {
	for ci, cc := range c.aggCols {
		col := c.cols[cc]
		// A foreign key too: an assessment's course is its enrollment's.
		if col.name == fk.column || col.name == m.pk[c.src.name] || m.attrs[c.src.name][col.name] != "" {
			continue
		}
		for pi, pc := range p.aggCols {
			pcol := p.cols[pc]
			if pcol.typ != col.typ || pcol.name == m.pk[p.src.name] {
				continue
			}
			if nearlyAlways(parents, kids, ci, pi, func(ka, pa *groupAcc) bool {
				return ka.min[ci] == pa.sum[pi] && ka.max[ci] == pa.sum[pi]
			}) {
				if m.attrs[c.src.name] == nil {
					m.attrs[c.src.name] = map[string]string{}
				}
				m.attrs[c.src.name][col.name] = p.src.name + "." + pcol.name
				break
			}
		}
	}
}

// lifetime bounds the times of a fact's column by a time column of its
// primary parent: the start.
type lifetime struct{ start string }

// findLifetimes finds the time columns of a fact whose values come, in
// (almost) every sampled parent, at or after a time column of the parent
// row (events after the signup): they are drawn in the parent's lifetime,
// from that start to the timeframe's end. An end column (before the
// churn) is not written: the twin's parent columns are drawn one by one,
// so its end may precede its start, and the lifetime would hold nothing.
func (m *model) findLifetimes(c, p *tableStats, fk *foreignKey, parents, kids []*groupAcc) {
	holds := func(ci, pi int) bool {
		return nearlyAlways(parents, kids, ci, pi, func(ka, pa *groupAcc) bool { return ka.min[ci] >= pa.sum[pi] })
	}
	for ci, cc := range c.aggCols {
		col := c.cols[cc]
		if !col.typ.IsTime() || m.attrs[c.src.name][col.name] != "" {
			continue
		}
		var lt lifetime
		for pi, pc := range p.aggCols {
			if p.cols[pc].typ.IsTime() && holds(ci, pi) {
				// the latest start that holds is the tightest
				if lt.start == "" || tighter(p, lt.start, pc) {
					lt.start = p.cols[pc].name
				}
			}
		}
		if lt.start == "" || !m.binding(col, p, lt.start, parents) {
			continue
		}
		if !m.lifetimeFits(col, p, lt, parents, kids) {
			continue
		}
		if m.lifetimes[c.src.name] == nil {
			m.lifetimes[c.src.name] = map[string]lifetime{}
		}
		m.lifetimes[c.src.name][col.name] = lt
	}
}

// lifetimeFits reports whether drawing each child uniformly in its
// parent's lifetime (from the sampled parents, weighted by their
// children) describes the column's values better than drawing them in
// the column's own window: the KS distance of each model to the sampled
// values, by a margin of 1/√parents. Children that come soon after their
// parent's start (onboarding steps) fit neither well; they keep their own
// window.
func (m *model) lifetimeFits(col *colStats, p *tableStats, lt lifetime, parents, kids []*groupAcc) bool {
	xs := sortedFloats(col.nums.vals)
	if len(xs) < 20 {
		return false
	}
	lo, hi := m.window(col)
	tf := m.timeframe()
	end, _ := civil.ParseMicros([]byte(tf.End))
	si := aggIndex(p, lt.start)
	type span struct{ a, b, w float64 }
	var spans []span
	total := 0.0
	for i, pa := range parents {
		ka := kids[i]
		if ka == nil || pa.n[si] == 0 {
			continue
		}
		a, b := pa.sum[si], float64(end)
		if b <= a {
			continue
		}
		spans = append(spans, span{a, b, float64(ka.count)})
		total += float64(ka.count)
	}
	if total == 0 {
		return false
	}
	life := func(x float64) float64 {
		f := 0.0
		for _, s := range spans {
			f += s.w * math.Min(math.Max((x-s.a)/(s.b-s.a), 0), 1)
		}
		return f / total
	}
	own := func(x float64) float64 { return math.Min(math.Max((x-float64(lo))/float64(hi-lo), 0), 1) }
	step := max(1, len(xs)/200)
	var dl, dw float64
	for i := 0; i < len(xs); i += step {
		q := (float64(i) + 0.5) / float64(len(xs))
		dl = math.Max(dl, math.Abs(life(xs[i])-q))
		dw = math.Max(dw, math.Abs(own(xs[i])-q))
	}
	// The twin's parents are drawn anew: with few of them, where their
	// starts fall varies by about 1/√parents, and the lifetime must win by
	// more than that.
	return dl+1/math.Sqrt(float64(len(spans))) < dw
}

// aggIndex is the position of a column among a table's aggregated
// columns, or -1.
func aggIndex(t *tableStats, name string) int {
	for j, c := range t.aggCols {
		if t.cols[c].name == name {
			return j
		}
	}
	return -1
}

// binding reports whether the parent's start column falls after the
// start of the child column's own window for at least 10% of the sampled
// parents: else the lifetime would not change where the children fall,
// and the column keeps its own window (the lifetime would stretch it to
// the timeframe).
func (m *model) binding(col *colStats, p *tableStats, start string, parents []*groupAcc) bool {
	lo, _ := m.window(col)
	pi := -1
	for j, pc := range p.aggCols {
		if p.cols[pc].name == start {
			pi = j
		}
	}
	n, after := 0, 0
	for _, pa := range parents {
		if pa.n[pi] > 0 {
			n++
			if pa.sum[pi] > float64(lo) {
				after++
			}
		}
	}
	return n > 0 && float64(after) >= 0.1*float64(n)
}

// tighter reports whether parent column pc starts later than the column
// named cur (by their medians).
func tighter(p *tableStats, cur string, pc int) bool {
	a, b := p.col(cur), p.cols[pc]
	return median(a.nums.vals) < median(b.nums.vals)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := sortedFloats(xs)
	return s[len(s)/2]
}

// isAttrSource reports whether a column of table is copied into a child.
func (m *model) isAttrSource(table, col string) bool {
	for _, cols := range m.attrs {
		for _, src := range cols {
			if src == table+"."+col {
				return true
			}
		}
	}
	return false
}

// nearlyAlways reports whether rel holds between the children's column ci
// and the parent's column pi in at least 99 % of the sampled parents where
// both have values, and in at least 20 of them.
func nearlyAlways(parents, kids []*groupAcc, ci, pi int, rel func(ka, pa *groupAcc) bool) bool {
	n, ok := 0, 0
	for i, pa := range parents {
		ka := kids[i]
		if ka == nil || ka.n[ci] == 0 || pa.n[pi] == 0 {
			continue
		}
		n++
		if rel(ka, pa) {
			ok++
		}
	}
	return n >= 20 && float64(ok) >= 0.99*float64(n)
}
