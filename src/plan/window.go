package plan

import (
	"datagen/src/dsl"
)

// resolveTimeColumns sets every table's Time: the column that places its
// rows in a time window. A node's "time_column" names it (null: none);
// otherwise it is the first datetime or date column, in declaration order,
// that is either drawn from the timeframe (datetime_series within
// "timeframe" or within the primary parent's lifetime) or a lookup of
// another table's time column (an order line takes its order's time).
// Vocabularies have none. A table without one whose primary parent has a
// time (its own time column, or its primary parent's time in turn), and
// whose "time_column" is not null, takes its primary parent row's time
// (ParentTime), at any depth. Tables are visited in generation order, so
// a looked-up table and a primary parent are resolved first.
func (p *Plan) resolveTimeColumns() {
	for _, t := range p.Order {
		t.Time = p.timeColumn(t)
		t.ParentTime = t.Time < 0 && t.Node.TimeColumn == nil && t.Primary != nil && t.Primary.RowTimeName() != ""
		if t.ParentTime {
			// Read by parent row, like a lookup of the primary parent.
			p.read(t, t.Primary, t.Primary.RowTimeName())
		}
	}
}

// RowTime is the name under which a table that takes its primary
// parent's time (ParentTime) keeps each row's time for the children that
// take theirs from it; it is no column's name.
const RowTime = "\x00row time"

// RowTimeName returns the name of the kept vector that holds the time of
// t's rows: its time column, RowTime for a table that takes its primary
// parent's time, or "" when its rows have no time.
func (t *Table) RowTimeName() string {
	switch {
	case t.Time >= 0:
		return t.TimeColumn()
	case t.ParentTime:
		return RowTime
	}
	return ""
}

func (p *Plan) timeColumn(t *Table) int {
	n := t.Node
	if n.TimeColumn != nil {
		if *n.TimeColumn == "" {
			return -1
		}
		return t.ColumnIndex(*n.TimeColumn)
	}
	if n.Kind == dsl.Vocab {
		return -1
	}
	for i, c := range t.Cols {
		if !c.Spec.Type.IsTime() {
			continue
		}
		g := c.Spec.Generator
		switch g.Kind {
		case dsl.GenDatetimeSeries:
			if g.DatetimeSeries.WithinTimeframe || g.DatetimeSeries.Lifetime != nil {
				return i
			}
		case dsl.GenLookup:
			if d := p.ByID[g.Lookup.Table]; d != nil && d != t && d.Time >= 0 && d.Cols[d.Time].Spec.Name == g.Lookup.Column {
				return i
			}
		}
	}
	return -1
}

// TimeColumn returns the name of the table's time column, or "" when it
// has none.
func (t *Table) TimeColumn() string {
	if t.Time < 0 {
		return ""
	}
	return t.Cols[t.Time].Spec.Name
}
