package plan

import (
	"datagen/src/column"
	"datagen/src/dsl"
)

// Readers returns the tables other than d that read columns of d, in
// generation order.
func (p *Plan) Readers(d *Table) []*Table {
	var out []*Table
	for _, t := range p.Order {
		if t != d && len(p.readsOf[t][d]) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// RowPure reports whether column col of t is a pure function of the row
// index that anyone can compute without the table: an int sequence
// without modifiers, nulls or changes, whose value at row j is
// start + j·step.
func (t *Table) RowPure(col string) (start, step int64, ok bool) {
	i := t.ColumnIndex(col)
	if i < 0 {
		return 0, 0, false
	}
	c := t.Cols[i].Spec
	sq := c.Generator.Sequence
	if sq == nil || c.Type != column.Int || len(c.Modifiers) > 0 || c.NullRate > 0 || c.Changes != nil || c.Generator.Kind != dsl.GenSequence {
		return 0, 0, false
	}
	if bt := t.Behavior; bt != nil && bt.Segment != nil && bt.Segment.Column == col {
		return 0, 0, false
	}
	return sq.Start, sq.Step, true
}

// ReadsWithinPart reports whether every column of d that t reads, t reads
// without d's rows outside a part: as a random lookup (without join keys,
// of a table that is not t's primary parent) of a column that is a pure
// function of the row (RowPure), which t computes; or, when byParentRow
// is set and d is t's primary parent, at t's own parent row only, through
// lookups without join keys (which copy the parent row's value) and within
// lifetimes. Behaviours and table-level effects read the parent's columns
// to count children, choice references and effect tables read every row:
// they make this false.
func (p *Plan) ReadsWithinPart(t, d *Table, byParentRow bool) bool {
	cols := p.readsOf[t][d]
	if len(cols) == 0 {
		return true
	}
	if bt := t.Behavior; bt != nil && (len(bt.SegmentLinks) > 0 || bt.VintageLink != nil || bt.Stages != nil || bt.States != nil) {
		return false
	}
	primary := t.Primary == d
	if primary {
		if !byParentRow {
			return false
		}
		for _, m := range t.Node.Modifiers {
			if m.Effect != nil {
				return false
			}
		}
	}
	explained := map[string]bool{}
	if primary && t.ParentTime {
		explained[d.RowTimeName()] = true
	}
	for _, c := range t.Cols {
		g := c.Spec.Generator
		if l := g.Lookup; l != nil && l.Table == d.ID() && d != t {
			if len(l.On) > 0 {
				return false
			}
			if _, _, ok := d.RowPure(l.Column); !primary && !ok {
				return false
			}
			explained[l.Column] = true
		}
		if ds := g.DatetimeSeries; ds != nil && ds.Lifetime != nil && ds.Lifetime.Table == d.ID() {
			if !primary {
				return false
			}
			explained[ds.Lifetime.StartCol] = true
			if ds.Lifetime.EndCol != "" {
				explained[ds.Lifetime.EndCol] = true
			}
		}
		if ch := g.Choice; ch != nil && ch.RefTable == d.ID() {
			return false
		}
		for _, m := range c.Spec.Modifiers {
			if m.Effect != nil && m.Effect.EffectTable == d.ID() {
				return false
			}
		}
	}
	for _, m := range t.Node.Modifiers {
		if m.Effect != nil && m.Effect.EffectTable == d.ID() {
			return false
		}
	}
	for col := range cols {
		if col == "" || !explained[col] {
			return false
		}
	}
	return true
}

// ReadsParentRowOnly reports whether every column of d that t reads, t
// reads at its own primary-parent row and nowhere else (d is t's primary
// parent; see ReadsWithinPart).
func (p *Plan) ReadsParentRowOnly(t, d *Table) bool {
	if t.Primary != d {
		return len(p.readsOf[t][d]) == 0
	}
	return p.ReadsWithinPart(t, d, true)
}
