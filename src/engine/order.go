package engine

import (
	"math"

	"datagen/src/column"
	"datagen/src/gen"
	"datagen/src/modify"
	"datagen/src/plan"
	"datagen/src/rng"
)

// maxOrderRedraws bounds the redraws of a row's later column under a
// declared inequality; past it the value is set next to the earlier one.
const maxOrderRedraws = 32

// orderRun is a declared inequality as the engine enforces it. Of its two
// columns, the one computed earlier keeps its values (and so its declared
// distribution); in a row that violates the inequality the later one is
// redrawn from independent streams (its distribution conditioned on the
// inequality) and, when no redraw within maxOrderRedraws satisfies it, or
// the later column cannot be redrawn (modifiers, behaviours, a cast), set
// to the nearest value that satisfies it (the earlier value itself for <=
// and >=, one step beyond it for < and >: 1 for ints, a day for dates, a
// second for timestamps, one unit of the last decimal or the next float).
type orderRun struct {
	plan.Ordering
	late     int // column index of the later column: A or B
	redraw   gen.Redrawer
	decimals int
}

// orderRuns prepares the orderings of ts once its columns are compiled.
func (ts *tableState) orderRuns() []orderRun {
	pos := make([]int, len(ts.t.Cols))
	for k, ci := range ts.t.EvalOrder {
		pos[ci] = k
	}
	var out []orderRun
	for _, o := range ts.t.Orderings {
		r := orderRun{Ordering: o, late: o.B, decimals: -1}
		if pos[o.A] > pos[o.B] {
			r.late = o.A
		}
		cs := ts.cols[r.late]
		r.decimals = cs.decimals
		if rd, ok := cs.gen.(gen.Redrawer); ok && cs.fill == nil && !cs.values && !cs.second && cs.gen.Type() == cs.spec.Type {
			r.redraw = rd
			for _, m := range cs.mods {
				if !modify.IsPassThrough(m) {
					r.redraw = nil
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// applyOrderings enforces the orderings whose columns are both computed
// once EvalOrder position pos is done, in the block of rows from start.
// Rows with a null on either side are left as they are.
func applyOrderings(os []orderRun, pos int, blk *column.Block, r *rng.Rand, start int64) {
	for k := range os {
		o := &os[k]
		if o.After != pos {
			continue
		}
		a, b := blk.Cols[o.A], blk.Cols[o.B]
		if a.Type != b.Type {
			continue
		}
		late := blk.Cols[o.late]
		for i := 0; i < blk.Rows; i++ {
			if a.IsNull(i) || b.IsNull(i) || o.holds(a, b, i) {
				continue
			}
			ok := false
			if o.redraw != nil {
				for attempt := 1; attempt <= maxOrderRedraws && !ok; attempt++ {
					o.redraw.Redraw(late, i, r, start+int64(i), attempt)
					if o.decimals >= 0 && late.Type == column.Float {
						late.Floats[i] = column.RoundHalfEven(late.Floats[i], o.decimals)
					}
					ok = o.holds(a, b, i)
				}
			}
			if !ok {
				o.setNearest(a, b, i)
			}
		}
	}
}

// holds reports whether row i satisfies A op B.
func (o *orderRun) holds(a, b *column.Vector, i int) bool {
	var cmp int
	if a.Type == column.Float {
		cmp = compareFloat(a.Floats[i], b.Floats[i])
	} else {
		cmp = compareInt(a.Ints[i], b.Ints[i])
	}
	switch o.Op {
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	}
	return true
}

// setNearest sets the later column of row i to the value nearest to the
// earlier one that satisfies the ordering.
func (o *orderRun) setNearest(a, b *column.Vector, i int) {
	late, early := b, a
	// dir is the side of the earlier value the later one must lie on:
	// +1 above, -1 below.
	dir := 0
	switch o.Op {
	case "<", "<=":
		dir = 1
	case ">", ">=":
		dir = -1
	}
	if o.late == o.A {
		late, early = a, b
		dir = -dir
	}
	strict := o.Op == "<" || o.Op == ">"
	if late.Type == column.Float {
		v := early.Floats[i]
		if strict {
			if o.decimals >= 0 {
				v += float64(dir) * math.Pow10(-o.decimals)
			} else {
				v = math.Nextafter(v, float64(dir)*math.Inf(1))
			}
		}
		late.Floats[i] = v
		return
	}
	v := early.Ints[i]
	if strict {
		step := int64(1)
		switch late.Type {
		case column.Timestamp:
			step = 1_000_000 // a second, in microseconds
		case column.Date:
			step = column.MicrosPerDay
		}
		v += int64(dir) * step
	}
	late.Ints[i] = v
}
