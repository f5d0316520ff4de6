package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/input"
)

// History is the resolved history of an entity whose columns change: the
// entity's rows are written as versions or change events.
type History struct {
	// As is dsl.HistoryVersions or dsl.HistoryEvents.
	As string
	// Changing lists the indexes of the changing columns, in declaration
	// order.
	Changing []int
	// Start is the index of the column whose value is the instant the
	// entity begins (its first version's valid_from, its insert event):
	// the table's time column, which cannot change; -1 means the
	// timeframe's start.
	Start int
	// Read lists the indexes of the changing columns that other tables
	// look up at their rows' time (Column.AtTime), in declaration order:
	// the engine keeps every version of them.
	Read []int
}

// historyFields returns the columns a history adds to the table's output.
func historyFields(as string) []column.Field {
	if as == dsl.HistoryEvents {
		return []column.Field{
			{Name: dsl.ChangedAt, Type: column.Timestamp, Description: "When the entity was inserted or changed."},
			{Name: dsl.Operation, Type: column.String, Description: "insert (the entity's first values) or update (a change)."},
		}
	}
	return []column.Field{
		{Name: dsl.ValidFrom, Type: column.Timestamp, Description: "Start of the version's validity (inclusive)."},
		{Name: dsl.ValidTo, Type: column.Timestamp, Nullable: true, Description: "End of the version's validity (exclusive); null for the current version."},
		{Name: dsl.IsCurrent, Type: column.Bool, Description: "Whether the version is the current one."},
	}
}

// resolveVersionedLookups makes every lookup of a changing column of
// another table with history read the version current at the reading
// row's time (Column.AtTime): the version whose valid_from <= t <
// valid_to, for t the row's time column, or its primary parent row's
// time when the table takes it (ParentTime). The time column is then
// computed before the lookup; a time column that depends on the lookup
// is a cycle, reported with the lookup's path. A reader without a time
// reads the entity's first version, which a warning says.
func (p *Plan) resolveVersionedLookups() input.Problems {
	var errs input.Problems
	for _, t := range p.Order {
		amended := false
		for i, c := range t.Cols {
			l := c.Spec.Generator.Lookup
			if l == nil {
				continue
			}
			src := p.ByID[l.Table]
			if src == nil || src == t || src.History == nil {
				continue
			}
			k := src.ColumnIndex(l.Column)
			if k < 0 || src.Cols[k].Spec.Changes == nil {
				continue
			}
			path := colPath(t, i) + ".generator.lookup"
			switch {
			case t.Time >= 0:
				tc := t.Cols[t.Time].Spec.Name
				if t.dependsOn(t.Time, i) {
					errs = append(errs, input.Problem{Path: path,
						Message: fmt.Sprintf("%s changes over time, so this lookup reads the version current at the row's time column %q, but %q is computed from %q: a cycle",
							l.From, tc, tc, c.Spec.Name),
						Suggestion: `name another column (or null, to read the first version) in the node's "time_column"`})
					continue
				}
				if !slices.Contains(c.Reads, tc) {
					c.Reads = append(c.Reads, tc)
					sort.Strings(c.Reads)
					amended = true
				}
			case t.ParentTime:
			default:
				p.Warnings = append(p.Warnings, input.Problem{Path: path, Warning: true,
					Message: fmt.Sprintf("%s changes over time, but %q has no time column (nor a primary parent with one): the lookup copies the value of %q's first version",
						l.From, t.ID(), l.Table)})
				continue
			}
			c.AtTime = true
			if !slices.Contains(src.History.Read, k) {
				src.History.Read = append(src.History.Read, k)
				slices.Sort(src.History.Read)
			}
		}
		if !amended {
			continue
		}
		order, pr := columnOrder(t)
		if pr != nil {
			errs = append(errs, *pr)
			continue
		}
		t.EvalOrder = order
		t.deferReaders()
		for _, d := range p.Order {
			for _, a := range d.Aggregates {
				if a.Child == t {
					a.Needs = t.closure(a.Source, a.Where)
				}
			}
		}
	}
	return errs
}

// dependsOn reports whether column i of t is computed from column j of
// the same row, directly or through other columns.
func (t *Table) dependsOn(i, j int) bool {
	seen := make([]bool, len(t.Cols))
	var visit func(k int) bool
	visit = func(k int) bool {
		if k == j {
			return true
		}
		if k < 0 || seen[k] {
			return false
		}
		seen[k] = true
		for _, r := range t.Cols[k].Reads {
			if visit(t.ColumnIndex(r)) {
				return true
			}
		}
		return false
	}
	return visit(i)
}

// resolveHistory resolves the history of t, if any: its changing columns
// and the column that dates the entity's first version, its time column
// (declared or default), which cannot change. A column that reads a
// changing column keeps the value computed from the first version; that
// is reported as a warning.
func (p *Plan) resolveHistory(t *Table) input.Problems {
	h := t.Node.History
	if h == nil {
		return nil
	}
	if t.Time >= 0 && t.Cols[t.Time].Spec.Changes != nil {
		// A declared time_column that changes is refused by dsl; this is
		// the default one.
		return input.Problems{{Path: colPath(t, t.Time) + ".changes",
			Message: fmt.Sprintf("the time column %q cannot change: it dates the entity's first version (%q is the node's default time column)",
				t.Cols[t.Time].Spec.Name, t.Cols[t.Time].Spec.Name),
			Suggestion: `remove "changes", or name another column (or null) in the node's "time_column"`}}
	}
	t.History = &History{As: h.As, Start: t.Time}
	for i, c := range t.Cols {
		if c.Spec.Changes != nil {
			t.History.Changing = append(t.History.Changing, i)
		}
	}
	for i, c := range t.Cols {
		var read []string
		for _, r := range c.Reads {
			if k := t.ColumnIndex(r); k >= 0 && t.Cols[k].Spec.Changes != nil {
				read = append(read, r)
			}
		}
		if len(read) > 0 && c.Spec.Changes == nil {
			p.Warnings = append(p.Warnings, input.Problem{Path: colPath(t, i), Warning: true,
				Message: fmt.Sprintf("column %q reads the changing column(s) %s but does not change with them: every version keeps the value of the entity's first version",
					c.Spec.Name, strings.Join(read, ", "))})
		}
	}
	return nil
}
