package plan

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

// ReadsParentRowOnly reports whether every column of d that t reads, t
// reads at its own primary-parent row and nowhere else: d is t's primary
// parent, and t reads it only through lookups without join keys (which copy
// the parent row's value) and within lifetimes. Such a child needs the
// parent's columns only for the parents of its own rows. Behaviours and
// table-level effects read the parent's columns to count children, choice
// references and effect tables read every row: they make this false.
func (p *Plan) ReadsParentRowOnly(t, d *Table) bool {
	cols := p.readsOf[t][d]
	if t.Primary != d {
		return len(cols) == 0
	}
	if bt := t.Behavior; bt != nil && (len(bt.SegmentLinks) > 0 || bt.VintageLink != nil || bt.Stages != nil || bt.States != nil) {
		return false
	}
	for _, m := range t.Node.Modifiers {
		if m.Effect != nil {
			return false
		}
	}
	explained := map[string]bool{}
	for _, c := range t.Cols {
		g := c.Spec.Generator
		if l := g.Lookup; l != nil && l.Table == d.ID() {
			if len(l.On) > 0 {
				return false
			}
			explained[l.Column] = true
		}
		if ds := g.DatetimeSeries; ds != nil && ds.Lifetime != nil && ds.Lifetime.Table == d.ID() {
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
	for col := range cols {
		if col == "" || !explained[col] {
			return false
		}
	}
	return true
}
