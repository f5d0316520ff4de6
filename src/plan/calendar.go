package plan

import (
	"fmt"

	"datagen/src/dsl"
	"datagen/src/input"
)

// calendarSpan reports whether t is a calendar whose rows cover the whole
// timeframe: an entity without "rows" whose calendar column
// (dsl.Node.CalendarColumn) is within the timeframe. In an open timeline
// it has one row per instant of the reference span (start +
// dsl.OpenSpanYears).
func (t *Table) calendarSpan() bool {
	n := t.Node
	if t.Primary != nil || n.Rows != nil || n.Arrivals != nil || n.Kind == dsl.Vocab {
		return false
	}
	c := n.CalendarColumn()
	return c != nil && c.Generator.DatetimeSeries.WithinTimeframe
}

// randomCalendarReads refuses, in an open timeline, the columns of t that
// pick a random row of a calendar spanning the timeline (a lookup
// without "on" of a table other than t and its primary parent, a
// choices_ref): the calendar holds rows up to the end of the reference
// span, so a row of the first day would read one of a century later.
func (p *Plan) randomCalendarReads(t *Table) input.Problems {
	var errs input.Problems
	for ci, c := range t.Cols {
		g := c.Spec.Generator
		var d *Table
		where := ""
		switch {
		case g.Lookup != nil && len(g.Lookup.On) == 0 && g.Lookup.Table != t.ID() && (t.Primary == nil || g.Lookup.Table != t.Primary.ID()):
			d, where = p.ByID[g.Lookup.Table], ".generator.lookup"
		case g.Choice != nil && g.Choice.RefTable != "":
			d, where = p.ByID[g.Choice.RefTable], ".generator.choice"
		}
		if d == nil || !d.calendarSpan() {
			continue
		}
		key := "datetime(date(<its time column>))"
		if tc := t.TimeColumn(); tc != "" {
			key = "datetime(date(" + tc + "))"
		}
		errs = append(errs, input.Problem{Path: colPath(t, ci) + where, Message: fmt.Sprintf(
			"%q is a calendar: in an open timeline it has one row per instant of the %d-year reference span, so a random pick of its rows (a lookup without \"on\", choices_ref) reads rows up to %d years after the row that picks them: "+
				"join it with \"on\" a time key, a column of %q holding the calendar instant its row falls in (for a daily calendar the expression %s), or give %q \"rows\" or explicit start and end bounds",
			d.ID(), dsl.OpenSpanYears, dsl.OpenSpanYears, t.ID(), key, d.ID())})
	}
	return errs
}
