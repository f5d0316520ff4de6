package plan

import (
	"fmt"

	"datagen/src/behavior"
	"datagen/src/dsl"
	"datagen/src/input"
)

// Grows reports whether the row count of t follows the horizon of a run
// (the end of its window) rather than the schema alone: a node with
// arrivals, a fact with a per-unit fanout, a state fact in an open
// timeline (its chains end at the horizon), and every fact whose primary
// parent grows. Its rows are appended in a stable order as the horizon
// moves, so row i never changes.
func (t *Table) Grows() bool {
	for x := t; x != nil; x = x.Primary {
		if x.Node.Arrivals != nil || x.PerUnit() || x.horizonChains {
			return true
		}
	}
	return false
}

// ByUnit reports whether the rows of fact t are numbered unit by unit of
// time rather than grouped by primary-parent row: a per-unit fact, and a
// state fact whose chains end at an open timeline's horizon (numbered by
// the hour each row starts in). It has no fanout offsets.
func (t *Table) ByUnit() bool { return t.PerUnit() || t.horizonChains }

// PerUnit reports whether t is a fact whose child counts are drawn per
// unit of its primary parent's lifetime (fanout.per).
func (t *Table) PerUnit() bool {
	return t.Primary != nil && t.Node.Fanout != nil && t.Node.Fanout.Per != ""
}

// resolveGrowth checks the tables that arrive at a rate (arrivals) or fan
// out per unit (fanout.per), and, in an open timeline, that no value can
// depend on how far a run reaches. A per-unit fact reads its primary
// parent's time column: the start of each parent's lifetime.
func (p *Plan) resolveGrowth() input.Problems {
	var errs input.Problems
	add := func(path, format string, args ...any) {
		errs = append(errs, input.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	open := p.Schema.Timeframe.Open
	for _, t := range p.Order {
		t.horizonChains = open && t.Behavior != nil && t.Behavior.States != nil
	}
	for _, t := range p.Order {
		grows := t.Node.Arrivals != nil || t.PerUnit()
		if grows {
			what := "arrivals"
			if t.PerUnit() {
				what = "fanout.per"
			}
			if c := t.timeSeries(); c < 0 {
				add(nodePath(t)+".time_column", "%q has %s but no time column drawn from the timeframe: its time column must be a datetime_series within \"timeframe\" (not sequential; a per-unit fact may also use its primary parent's lifetime), which then holds each row's instant", t.ID(), what)
			}
		}
		if t.PerUnit() {
			if l := t.vintageLink(); l != nil {
				perUnitVintage(t, l)
			}
			for mi, m := range t.Node.Modifiers {
				if m.Effect != nil && m.Effect.TS != "" {
					add(fmt.Sprintf("%s.modifiers[%d].args.ts", nodePath(t), mi), "a node-level effect on a per-unit fact is matched at each unit (the middle of the parent's time in it), not at a column of %q: remove ts", t.Primary.ID())
				}
			}
			// A parent lives from its time column on (the timeframe's
			// start without one), or within the lifetime the fact's time
			// column names (read already).
			if par := t.Primary; par.Time >= 0 && t.timeSeries() >= 0 && t.lifetime() == nil {
				p.read(t, par, par.TimeColumn())
			}
		}
		if t.horizonChains {
			if m := t.Behavior.States; m.StartColumn == "" || t.TimeColumn() != m.StartColumn {
				add(nodePath(t)+".time_column", "in an open timeline the rows of %q are written as their periods start: its time column must be its period start column (period_start_column, default \"period_start\": a datetime_series within \"timeframe\", which the chain fills)", t.ID())
			}
		}
		for _, a := range t.Aggregates {
			if a.Child.ByUnit() {
				add(colPath(t, a.Col)+".generator.aggregate", "aggregates over %q cannot be computed: its children of a parent row are spread over units (fanout.per, or the periods of a state machine in an open timeline)", a.Child.ID())
			}
		}
		if !open {
			continue
		}
		errs = append(errs, p.randomCalendarReads(t)...)
		for ci, c := range t.Cols {
			ds := c.Spec.Generator.DatetimeSeries
			switch {
			case ds == nil:
			case t.behaviorFills(c.Spec.Name):
				// A stage time or a period bound: the behaviour computes
				// it, the generator is not used.
			case ds.Lifetime != nil && t.PerUnit() && ci == t.Time:
				// The lifetime of a per-unit fanout: its units run from
				// the parent's start column to its end column.
			case ds.Lifetime != nil:
				add(colPath(t, ci)+".generator.datetime_series.within", "in an open timeline a lifetime has no end to draw up to: use a per-unit fanout (fanout.per) for %q, whose rows then fall in each parent's lifetime", t.ID())
			case ds.WithinTimeframe && !ds.Sequential && !(grows && ci == t.Time):
				add(colPath(t, ci)+".generator.datetime_series.within", "in an open timeline only the time column of a node with arrivals or a per-unit fanout is drawn from the timeframe (it holds the row's arrival); give this column explicit bounds, an expression on the time column, or a lookup")
			}
		}
		if t.Grows() {
			if t.SelfLookup {
				add(nodePath(t)+".columns", "%q grows with the timeline, so a lookup into its own rows would change as it grows", t.ID())
			}
			errs = append(errs, growingBehavior(t)...)
			for _, r := range p.Readers(t) {
				if !p.readsAtParentRow(r, t) {
					add(nodePath(r), "%q reads rows of %q, which grows with the open timeline, other than its own parent row: only a fact whose primary parent is %q may read it (lookups without \"on\")", r.ID(), t.ID(), t.ID())
				}
			}
		}
	}
	return errs
}

// timeSeries returns the index of t's time column when it is a
// datetime_series within the timeframe (not sequential), or, for a
// per-unit fact, within its primary parent's lifetime; else -1.
func (t *Table) timeSeries() int {
	if t.Time < 0 {
		return -1
	}
	ds := t.Cols[t.Time].Spec.Generator.DatetimeSeries
	if ds == nil || !ds.WithinTimeframe || ds.Sequential {
		return -1
	}
	if l := ds.Lifetime; l != nil && !(t.PerUnit() && l.Table == t.Primary.ID()) {
		return -1
	}
	return t.Time
}

// lifetime returns the lifetime a per-unit fact's time column is drawn
// within, or nil.
func (t *Table) lifetime() *dsl.Lifetime {
	if t.Time < 0 {
		return nil
	}
	if ds := t.Cols[t.Time].Spec.Generator.DatetimeSeries; ds != nil {
		return ds.Lifetime
	}
	return nil
}

// vintageLink returns the vintage link of fact t, or nil.
func (t *Table) vintageLink() *behavior.VintageLink {
	if t.Behavior == nil {
		return nil
	}
	return t.Behavior.VintageLink
}

// perUnitVintage makes the vintage link of a per-unit fact scale its rate:
// ages are measured at each unit and at each row's time column, which the
// engine draws; the column that was the event column, when another, is
// then sampled after the parent's creation like the other datetime_series
// columns.
func perUnitVintage(t *Table, l *behavior.VintageLink) {
	tc := t.TimeColumn()
	var bounded []string
	if l.EventColumn != "" && l.EventColumn != tc {
		bounded = append(bounded, l.EventColumn)
	}
	for _, b := range l.Bounded {
		if b != tc {
			bounded = append(bounded, b)
		}
	}
	l.PerUnit, l.Thin, l.CountAtEnd = true, false, false
	l.EventColumn, l.Bounded = tc, bounded
}

// behaviorFills reports whether a behaviour computes column name of t: a
// stage time, a period's start or end.
func (t *Table) behaviorFills(name string) bool {
	bt := t.Behavior
	if bt == nil || name == "" {
		return false
	}
	if sc := bt.Stages; sc != nil && sc.TimeColumn == name {
		return true
	}
	m := bt.States
	return m != nil && (m.StartColumn == name || m.EndColumn == name)
}

// growingBehavior checks the behaviour of t, which grows with an open
// timeline. Segments, cohorts, funnels, state chains and per-unit rates
// are pure functions of each parent row and keep working; what would read
// the timeline's end, which an open timeline does not have, is refused.
func growingBehavior(t *Table) input.Problems {
	bt := t.Behavior
	if bt == nil {
		return nil
	}
	var errs input.Problems
	if l := bt.VintageLink; l != nil && l.CountAtEnd {
		errs = append(errs, input.Problem{Path: nodePath(t), Message: fmt.Sprintf("%q has no datetime_series column to measure its rows' ages at, so the vintage fanout curves of %q would be read at the timeframe's end, which an open timeline does not have: give %q a time column drawn by datetime_series (with a per-unit fanout, fanout.per)", t.ID(), l.Parent, t.ID())})
	}
	return errs
}

// readsAtParentRow reports whether r reads d only at r's own primary-parent
// row: through lookups without join keys, within lifetimes, as its parent's
// time (a per-unit fact's units start at it), and through the columns its
// behaviour and node-level effects read of each parent row (segments,
// creation and start times, effect keys and timestamps).
func (p *Plan) readsAtParentRow(r, d *Table) bool {
	if p.ReadsParentRowOnly(r, d) {
		return true
	}
	if r.Primary != d {
		return false
	}
	ok := map[string]bool{}
	if r.PerUnit() || r.ParentTime {
		ok[d.TimeColumn()] = true
	}
	if bt := r.Behavior; bt != nil {
		for _, l := range bt.SegmentLinks {
			if l.Parent == d.ID() {
				ok[l.Segment.Column] = true
			}
		}
		if l := bt.VintageLink; l != nil && l.Parent == d.ID() {
			ok[l.Vintage.CreatedAt] = true
		}
		if sc := bt.Stages; sc != nil {
			ok[sc.StartColumn], ok[sc.SegmentColumn] = true, true
		}
		if m := bt.States; m != nil {
			ok[m.ParentStartColumn], ok[m.SegmentColumn] = true, true
		}
	}
	for _, m := range r.Node.Modifiers {
		if m.Effect == nil {
			continue
		}
		if m.Effect.EffectTable == d.ID() {
			return false
		}
		for _, kp := range m.Effect.On {
			ok[kp.Local] = true
		}
		ok[tableEffectTS(d, m.Effect)] = true
	}
	for _, c := range r.Cols {
		g := c.Spec.Generator
		if l := g.Lookup; l != nil && l.Table == d.ID() {
			if len(l.On) > 0 {
				return false
			}
			ok[l.Column] = true
		}
		if ds := g.DatetimeSeries; ds != nil && ds.Lifetime != nil && ds.Lifetime.Table == d.ID() {
			ok[ds.Lifetime.StartCol], ok[ds.Lifetime.EndCol] = true, true
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
	for col := range p.readsOf[r][d] {
		if !ok[col] {
			return false
		}
	}
	return true
}
