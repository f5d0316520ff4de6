package plan

import (
	"fmt"
	"slices"

	"datagen/src/gen/expr"

	"datagen/src/input"
)

// resolveAggregates collects the aggregate columns of every table, marks
// them and the columns that read them deferred, makes each table come
// after everything its children read (the children are scanned before the
// table is written), and reports a child that reads a deferred column of
// its parent: a cycle.
func (p *Plan) resolveAggregates() input.Problems {
	var errs input.Problems
	for _, t := range sortedTables(p.ByID) {
		for ci, c := range t.Cols {
			a := c.Spec.Generator.Aggregate
			if a == nil {
				continue
			}
			child := p.ByID[a.Table]
			src := -1
			if child != nil {
				src = child.ColumnIndex(a.Column)
			}
			if child == nil || src < 0 || child.Primary != t {
				// Reported by the schema check.
				errs = append(errs, input.Problem{Path: colPath(t, ci) + ".generator.aggregate.from",
					Message: fmt.Sprintf("%q is not a column of a child of %q", a.From, t.ID())})
				continue
			}
			t.Aggregates = append(t.Aggregates, &Aggregate{Col: ci, Child: child, Source: src, Fn: a.Fn, Where: a.Where,
				Needs: child.closure(src, a.Where)})
			c.Deferred = true
		}
		if len(t.Aggregates) == 0 {
			continue
		}
		t.deferReaders()
		for _, a := range t.Aggregates {
			for col := range p.readsOf[a.Child][t] {
				k := t.ColumnIndex(col)
				if col == "" || k >= 0 && t.Cols[k].Deferred {
					what := fmt.Sprintf("column %q", col)
					if col == "" {
						what = "every column"
					}
					errs = append(errs, input.Problem{Path: colPath(t, a.Col) + ".generator.aggregate.from",
						Message: fmt.Sprintf("%q reads %s of %q, which is computed from the rows of %q: a cycle", a.Child.ID(), what, t.ID(), a.Child.ID())})
				}
			}
		}
	}
	// A child is generated (scanned) while its parent is prepared, and its
	// own aggregates scan its children: a table comes after everything
	// the children it aggregates depend on, transitively.
	for changed := true; changed; {
		changed = false
		for _, t := range sortedTables(p.ByID) {
			for _, a := range t.Aggregates {
				for _, d := range a.Child.Deps {
					if d != t && !slices.Contains(t.Deps, d) {
						p.addDep(t, d)
						changed = true
					}
				}
			}
		}
	}
	return errs
}

// deferReaders marks deferred every column that reads a deferred column
// of the same row (or looks one up in its own table).
func (t *Table) deferReaders() {
	for changed := true; changed; {
		changed = false
		for _, c := range t.Cols {
			if c.Deferred {
				continue
			}
			reads := append([]string{c.TS}, c.Reads...)
			if l := c.Spec.Generator.Lookup; l != nil && l.Table == t.ID() {
				reads = append(reads, l.Column)
			}
			for _, r := range reads {
				if k := t.ColumnIndex(r); k >= 0 && t.Cols[k].Deferred {
					c.Deferred, changed = true, true
					break
				}
			}
		}
	}
}

// closure marks the columns that computing column src (and the names
// read by the expression where) needs: the column, what it reads, its
// timestamp column and self-lookup source, and the partners of its
// declared orderings, transitively.
func (t *Table) closure(src int, where string) []bool {
	need := make([]bool, len(t.Cols))
	var visit func(i int)
	visit = func(i int) {
		if i < 0 || need[i] {
			return
		}
		need[i] = true
		c := t.Cols[i]
		for _, r := range c.Reads {
			visit(t.ColumnIndex(r))
		}
		if c.TS != "" {
			visit(t.ColumnIndex(c.TS))
		}
		if l := c.Spec.Generator.Lookup; l != nil && l.Table == t.ID() {
			visit(t.ColumnIndex(l.Column))
			for _, kp := range l.On {
				visit(t.ColumnIndex(kp.Remote))
			}
		}
		for _, o := range t.Orderings {
			if o.A == i {
				visit(o.B)
			}
			if o.B == i {
				visit(o.A)
			}
		}
	}
	visit(src)
	if where != "" {
		names, _ := expr.Columns(where)
		for _, n := range names {
			visit(t.ColumnIndex(n))
		}
	}
	return need
}

func sortedTables(m map[string]*Table) []*Table {
	out := make([]*Table, 0, len(m))
	for _, id := range sortedIDs(m) {
		out = append(out, m[id])
	}
	return out
}
