package plan

import (
	"strings"

	"datagen/src/column"
	"datagen/src/dsl"
)

// Ordering is a declared inequality between two columns of one table that
// generation honours by construction: in a row whose values violate it,
// the column computed later is redrawn (or set next to the earlier one),
// the earlier one keeps its value. Only pairs of independently drawn
// columns qualify (datetime_series, distribution or choice generators of
// the same type), so that no other value of the row depends on the order.
type Ordering struct {
	// A and B are column indexes: the constraint is A Op B.
	A, B int
	Op   string
	// After is the position in EvalOrder after which both columns exist
	// and the ordering is enforced.
	After int
}

// resolveOrderings collects the orderings of every table from
// constraints.inequalities.
func (p *Plan) resolveOrderings() {
	for _, in := range p.Schema.Constraints.Inequalities {
		lt, lc, lok := splitRef(in.Left)
		rt, rc, rok := splitRef(in.Right)
		switch {
		case lok && !rok:
			rt = lt
		case !lok && rok:
			lt = rt
		case !lok && !rok:
			continue
		}
		if lt != rt {
			continue
		}
		t := p.ByID[lt]
		if t == nil {
			continue
		}
		if !lok {
			lc = in.Left
		}
		if !rok {
			rc = in.Right
		}
		if o, ok := t.ordering(lc, in.Op, rc); ok {
			t.Orderings = append(t.Orderings, o)
		}
	}
}

func splitRef(s string) (table, col string, ok bool) {
	i := strings.IndexByte(s, '.')
	if i <= 0 {
		return "", s, false
	}
	return s[:i], s[i+1:], true
}

// ordering checks whether a op b can be enforced during generation.
func (t *Table) ordering(a, op, b string) (Ordering, bool) {
	switch op {
	case "<", "<=", ">", ">=":
	default:
		return Ordering{}, false
	}
	ia, ib := t.ColumnIndex(a), t.ColumnIndex(b)
	if ia < 0 || ib < 0 || ia == ib {
		return Ordering{}, false
	}
	ca, cb := t.Cols[ia].Spec, t.Cols[ib].Spec
	if ca.Type != cb.Type || !(ca.Type.IsNumeric() || ca.Type.IsTime()) || ca.Type == column.Bool {
		return Ordering{}, false
	}
	for _, c := range []*dsl.Column{ca, cb} {
		switch c.Generator.Kind {
		case dsl.GenDatetimeSeries, dsl.GenDistribution, dsl.GenChoice:
		default:
			return Ordering{}, false
		}
	}
	pos := map[int]int{}
	for k, ci := range t.EvalOrder {
		pos[ci] = k
	}
	after := max(pos[ia], pos[ib])
	// A column computed before the ordering is enforced that reads
	// either value would see the value before it.
	for k := 0; k <= after; k++ {
		c := t.Cols[t.EvalOrder[k]]
		for _, r := range c.Reads {
			if r == a || r == b {
				return Ordering{}, false
			}
		}
		if c.TS == a || c.TS == b {
			return Ordering{}, false
		}
	}
	return Ordering{A: ia, B: ib, Op: op, After: after}, true
}
