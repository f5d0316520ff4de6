package plan

import (
	"fmt"
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

// warnVersionedLookups warns of every lookup that reads a changing
// column of an entity with history: it copies the entity's first
// version, whatever the time of the reading row.
func (p *Plan) warnVersionedLookups() {
	for _, t := range p.Order {
		for i, c := range t.Cols {
			l := c.Spec.Generator.Lookup
			if l == nil {
				continue
			}
			src := p.ByID[l.Table]
			if src == nil || src == t || src.History == nil {
				continue
			}
			if k := src.ColumnIndex(l.Column); k >= 0 && src.Cols[k].Spec.Changes != nil {
				p.Warnings = append(p.Warnings, input.Problem{Path: colPath(t, i) + ".generator.lookup", Warning: true,
					Message: fmt.Sprintf("%s changes over time, but a lookup copies the value of %q's first version, whatever the time of this row",
						l.From, l.Table)})
			}
		}
	}
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
