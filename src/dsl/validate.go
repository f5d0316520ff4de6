package dsl

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/gen/expr"
	"datagen/src/gen/timegrid"
	"datagen/src/input"
	"datagen/src/semantic"
)

// validator holds the cross-reference state of one document.
type validator struct {
	*decoder
	s    *Schema
	byID map[string]*Node
	ids  []string
	// colIdx caches colIndex per node.
	colIdx map[*Node]map[string]int
}

// nodePath and colPath rebuild the JSON paths of typed elements.
func (v *validator) nodePath(i int) string { return input.Named("nodes", i, v.s.Nodes[i].ID) }

func (v *validator) colPath(i, j int) string {
	return input.Named(input.Key(v.nodePath(i), "columns"), j, v.s.Nodes[i].Columns[j].Name)
}

// validate runs the preflight checks that need the whole document.
func (d *decoder) validate(s *Schema) {
	v := &validator{decoder: d, s: s, byID: map[string]*Node{}}
	folded := map[string]string{}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if n.ID == "" {
			continue
		}
		if _, dup := v.byID[n.ID]; dup {
			d.Errorf(input.Key(v.nodePath(i), "id"), "rename one of them", "duplicate node id %q", n.ID)
			continue
		}
		// Keboola Storage compares table names without case.
		if other, dup := folded[strings.ToLower(n.ID)]; dup {
			d.Errorf(input.Key(v.nodePath(i), "id"), "rename one of them",
				"node id %q differs from %q only in case, which Keboola Storage does not tell apart", n.ID, other)
			continue
		}
		folded[strings.ToLower(n.ID)] = n.ID
		v.byID[n.ID] = n
		v.ids = append(v.ids, n.ID)
	}
	for i := range s.Nodes {
		v.node(i)
	}
	if s.Nodes == nil {
		// Without nodes every reference would be reported as unknown.
		return
	}
	v.constraints()
	v.targets()
	v.dag()
}

// table resolves a node id, reporting an unknown one at path.
func (v *validator) table(id, path string) *Node {
	if id == "" {
		return nil
	}
	n := v.byID[id]
	if n == nil {
		v.Errorf(path, input.SuggestOr(id, v.ids), "unknown table %q", id)
	}
	return n
}

// col resolves a column of n, reporting an unknown one at path.
func (v *validator) col(n *Node, name, path string) *Column {
	if n == nil || name == "" {
		return nil
	}
	c := n.Column(name)
	if c == nil {
		v.Errorf(path, input.SuggestOr(name, columnNames(n)), "%q is not a column of %q", name, n.ID)
	}
	return c
}

// ref resolves "table.column".
func (v *validator) ref(ref, path string) (*Node, *Column) {
	t, c, ok := strings.Cut(ref, ".")
	if !ok {
		return nil, nil
	}
	n := v.table(t, path)
	return n, v.col(n, c, path)
}

func (v *validator) node(i int) {
	n := &v.s.Nodes[i]
	np := v.nodePath(i)
	for k, p := range n.Parents {
		pp := input.Index(input.Key(np, "parents"), k)
		if p == n.ID {
			v.Errorf(pp, "", "a node cannot be its own parent")
			continue
		}
		v.table(p, pp)
	}
	// Vocab row count and enum_list lengths.
	first := -1
	for j, c := range n.Columns {
		if c.Generator.EnumList == nil {
			continue
		}
		if first < 0 {
			first = j
			continue
		}
		if n.Kind == Vocab {
			a, b := len(n.Columns[first].Generator.EnumList.Values), len(c.Generator.EnumList.Values)
			if a != b {
				v.Errorf(input.Key(v.colPath(i, j), "generator.enum_list.values"), "",
					"%d values, but the first enum_list column %q of this vocab has %d", b, n.Columns[first].Name, a)
			}
		}
	}
	if n.Kind == Vocab && first < 0 && len(n.Columns) > 0 {
		v.Errorf(input.Key(np, "columns"), "", "a vocab node needs an enum_list column: it sets the row count")
	}
	if n.Kind != Vocab && first >= 0 && n.Kind == Entity {
		rows := int64(DefaultEntityRows)
		if n.Rows != nil {
			rows = *n.Rows
		}
		if l := int64(len(n.Columns[first].Generator.EnumList.Values)); l != rows {
			v.Warnf(input.Key(v.colPath(i, first), "generator.enum_list"), "set rows to the number of values, or make the node a vocab",
				"enum_list has %d values but node %q has %d rows", l, n.ID, rows)
		}
	}
	for j := range n.Columns {
		v.column(i, j)
	}
	// Node-level modifiers: effects that scale the fanout.
	parentCols := v.parentColumns(n)
	for k := range n.Modifiers {
		m := &n.Modifiers[k]
		mp := input.Index(input.Key(np, "modifiers"), k)
		if m.Effect == nil {
			continue
		}
		if n.Kind != Fact || len(n.Parents) == 0 {
			v.Warnf(mp, "node-level effects scale the fanout of a fact with parents", "effect is ignored on a node without a fanout")
			v.drops[modRef{i, -1, k}] = true
			continue
		}
		v.effect(m.Effect, input.Key(mp, "args"), n, parentCols, "the parents of "+strconv.Quote(n.ID), true)
	}
}

// parentColumns lists the columns of every parent of n, primary parent
// first; later duplicates are dropped.
func (v *validator) parentColumns(n *Node) []*Column {
	var out []*Column
	seen := map[string]bool{}
	for _, p := range n.Parents {
		pn := v.byID[p]
		if pn == nil || pn == n {
			continue
		}
		for j := range pn.Columns {
			c := &pn.Columns[j]
			if c.Name != "" && !seen[c.Name] {
				seen[c.Name] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func findCol(cols []*Column, name string) *Column {
	for _, c := range cols {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func colNames(cols []*Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// ownColumns lists the columns of n other than the one at index skip.
func ownColumns(n *Node, skip int) []*Column {
	out := make([]*Column, 0, len(n.Columns))
	for j := range n.Columns {
		if j != skip && n.Columns[j].Name != "" {
			out = append(out, &n.Columns[j])
		}
	}
	return out
}

// timeColNames lists the datetime and date columns of cols.
func timeColNames(cols []*Column) []string {
	var out []string
	for _, c := range cols {
		if c.Type.IsTime() {
			out = append(out, c.Name)
		}
	}
	return out
}

// timeCol resolves a column of n that must be datetime or date, suggesting
// only such columns.
func (v *validator) timeCol(n *Node, name, path string) {
	if n == nil || name == "" {
		return
	}
	cols := ownColumns(n, -1)
	c := findCol(cols, name)
	switch {
	case c == nil:
		v.Errorf(path, input.SuggestOr(name, timeColNames(cols)), "%q is not a column of %q", name, n.ID)
	case c.Type != column.Invalid && !c.Type.IsTime():
		v.Errorf(path, "", "%q is a %s column, not datetime or date", c.Name, c.Type)
	}
}

func hasTimeColumn(cols []*Column) bool {
	for _, c := range cols {
		if c.Type.IsTime() {
			return true
		}
	}
	return false
}

// colIndex maps the column names of n to their indexes, built once per
// node (the first index of a duplicated name).
func (v *validator) colIndex(n *Node) map[string]int {
	if m, ok := v.colIdx[n]; ok {
		return m
	}
	m := make(map[string]int, len(n.Columns))
	for j := range n.Columns {
		if name := n.Columns[j].Name; name != "" {
			if _, dup := m[name]; !dup {
				m[name] = j
			}
		}
	}
	if v.colIdx == nil {
		v.colIdx = map[*Node]map[string]int{}
	}
	v.colIdx[n] = m
	return m
}

func (v *validator) column(i, j int) {
	n := &v.s.Nodes[i]
	c := &n.Columns[j]
	cp := v.colPath(i, j)
	gp := input.Key(cp, "generator")
	// The other columns are listed only when a generator or modifier
	// reads them, so that checking a wide table stays linear.
	var memo []*Column
	others := func() []*Column {
		if memo == nil {
			memo = ownColumns(n, j)
		}
		return memo
	}
	g := &c.Generator
	typed := c.Type != column.Invalid
	switch {
	case g.Sequence != nil:
		switch {
		case typed && (c.Type == column.Timestamp || c.Type == column.Date):
			// Integers cannot become times: an error now, not a warning
			// that the generation error would contradict.
			v.Errorf(gp, `use "datetime_series" for evenly spaced times`, "sequence yields integers, which cannot become %s values", c.Type)
		case typed && c.Type != column.Int && c.Type != column.Float && c.Type != column.String:
			v.Warnf(gp, "", "sequence yields integers; on a %s column they are cast", c.Type)
		}
	case g.Choice != nil:
		ch := g.Choice
		if ch.ChoicesRef != "" {
			rn, rc := v.ref(ch.ChoicesRef, input.Key(gp, "choice.choices_ref"))
			if rn == n && rc == c {
				v.Errorf(input.Key(gp, "choice.choices_ref"), "", "a column cannot draw from its own values")
			}
		}
		for k, x := range ch.Choices {
			v.literal(x, c, input.Index(input.Key(gp, "choice.choices"), k))
		}
	case g.Distribution != nil:
		if typed && !c.Type.IsNumeric() {
			v.Warnf(gp, "use an int or float column", "distribution on a %s column: the numbers are cast to %s", c.Type, c.Type)
		}
	case g.DatetimeSeries != nil:
		if typed && !c.Type.IsTime() {
			v.Warnf(gp, `use type "datetime" or "date"`, "datetime_series on a %s column: the timestamps are cast to %s", c.Type, c.Type)
		}
		if l := g.DatetimeSeries.Lifetime; l != nil {
			v.lifetime(n, l, input.Key(gp, "datetime_series.within"))
		} else if g.DatetimeSeries.Sequential {
			v.sequential(n, g.DatetimeSeries, input.Key(gp, "datetime_series.sequential"))
			for k, m := range c.Modifiers {
				if m.Seasonality != nil {
					v.Errorf(input.Index(input.Key(cp, "modifiers"), k), "remove the seasonality or sequential",
						"a seasonality modifier cannot weight a sequential datetime_series: every instant is taken in order")
				}
			}
		}
	case g.Faker != nil:
		f := g.Faker
		if f.LocaleFrom != "" {
			lp := input.Key(gp, "faker.locale_from")
			if f.LocaleFrom == c.Name {
				v.Errorf(lp, "", "locale_from cannot name the column itself")
			} else if findCol(others(), f.LocaleFrom) == nil {
				v.Errorf(lp, input.SuggestOr(f.LocaleFrom, colNames(others())), "locale_from %q is not a column of node %q", f.LocaleFrom, n.ID)
			}
		}
		if f.Method != "" {
			// Unknown methods and bad arguments are reported with the
			// schema's other problems, before anything is generated.
			if _, err := semantic.Lookup(f.Method, f.Args); err != nil {
				v.Errorf(input.Key(gp, "faker"), "", "%v", err)
			}
		}
	case g.Lookup != nil:
		v.lookup(n, c, g.Lookup, input.Key(gp, "lookup"), others)
	case g.Expression != nil:
		if g.Expression.Code != "" {
			has := func(name string) bool { k, ok := v.colIndex(n)[name]; return ok && k != j }
			if err := expr.CheckNames(g.Expression.Code, has, func() []string { return colNames(others()) }); err != nil {
				v.Errorf(input.Key(gp, "expression.code"), "", "%v", err)
			}
		}
	case g.EnumList != nil:
		for k, x := range g.EnumList.Values {
			v.literal(x, c, input.Index(input.Key(gp, "enum_list.values"), k))
		}
	case g.Aggregate != nil:
		v.aggregate(n, c, cp, g.Aggregate, input.Key(gp, "aggregate"))
	}
	if c.Constraints != nil && c.Constraints.EnumRef != "" {
		v.ref(c.Constraints.EnumRef, input.Key(cp, "constraints.enum_ref"))
	}
	for k := range c.Modifiers {
		v.modifier(i, j, k, others)
	}
}

// aggregate checks an aggregate generator: the source is a column of a
// fact whose primary parent is n, its type suits the function, the result
// fits the column, and the child does not read the aggregated column.
func (v *validator) aggregate(n *Node, c *Column, cp string, a *Aggregate, ap string) {
	fp := input.Key(ap, "from")
	child := v.table(a.Table, fp)
	if child == nil {
		return
	}
	src := v.col(child, a.Column, fp)
	if child == n {
		v.Errorf(fp, "aggregate the rows of a child table", "a column cannot aggregate its own table")
		return
	}
	if child.Kind != Fact || len(child.Parents) == 0 || child.Parents[0] != n.ID {
		v.Errorf(fp, fmt.Sprintf("make %q a fact whose first parent is %q", child.ID, n.ID),
			"%q is not a child of %q: an aggregate reads the rows of a fact whose primary (first) parent is this node", child.ID, n.ID)
		return
	}
	numeric := func(t column.Type) bool { return t == column.Invalid || t.IsNumeric() }
	if src != nil {
		switch a.Fn {
		case AggSum, AggMean:
			if !numeric(src.Type) {
				v.Errorf(fp, "", "%s needs a numeric column; %q is %s", a.Fn, src.Name, src.Type)
			}
		case AggMin, AggMax:
			if !numeric(src.Type) && !src.Type.IsTime() {
				v.Errorf(fp, "", "%s needs a numeric, datetime or date column; %q is %s", a.Fn, src.Name, src.Type)
			} else if src.Type.IsTime() && c.Type != column.Invalid && !c.Type.IsTime() {
				v.Errorf(input.Key(cp, "type"), `use type "datetime" or "date"`, "the %s of %s column %q is a time, not %s", a.Fn, src.Type, src.Name, c.Type)
			}
		}
		timeMinMax := src.Type.IsTime() && (a.Fn == AggMin || a.Fn == AggMax)
		if !timeMinMax && c.Type != column.Invalid && !c.Type.IsNumeric() {
			v.Errorf(input.Key(cp, "type"), `use type "int" or "float"`, "an aggregate %s is a number; the column is %s", a.Fn, c.Type)
		}
	}
	switch a.Fn {
	case AggMean, AggMin, AggMax:
		if !c.Nullable {
			v.Errorf(cp, `add "nullable": true`, "a parent without children has no %s: the column must be nullable", a.Fn)
		}
	}
	if a.Where != "" {
		if err := expr.Check(a.Where, colNames(ownColumns(child, -1))); err != nil {
			v.Errorf(input.Key(ap, "where"), "an expression on the columns of "+strconv.Quote(child.ID), "%v", err)
		}
	}
	for j := range child.Columns {
		if l := child.Columns[j].Generator.Lookup; l != nil && l.Table == n.ID && l.Column == c.Name {
			v.Errorf(fp, "", "%q reads %s.%s, the value aggregated from its rows: a cycle (column %q)", child.ID, n.ID, c.Name, child.Columns[j].Name)
		}
	}
}

// lifetime checks that a lifetime names datetime or date columns of the
// node's primary parent.
func (v *validator) lifetime(n *Node, l *Lifetime, path string) {
	if l.Table == "" {
		return
	}
	if n.Kind != Fact || len(n.Parents) == 0 || n.Parents[0] != l.Table {
		primary := "none"
		if n.Kind == Fact && len(n.Parents) > 0 {
			primary = strconv.Quote(n.Parents[0])
		}
		v.Errorf(input.Key(path, "start_col"), "name columns of the primary (first) parent",
			"a lifetime is read from the row's primary parent; %q is not it (primary parent: %s)", l.Table, primary)
		return
	}
	p := v.byID[l.Table]
	if p == nil {
		return
	}
	v.timeCol(p, l.StartCol, input.Key(path, "start_col"))
	if l.EndCol != "" {
		v.timeCol(p, l.EndCol, input.Key(path, "end_col"))
	}
}

// sequential reports a sequential series whose grid has fewer instants
// than the rows of an entity (at scale 1) or than the largest fanout of a
// fact.
func (v *validator) sequential(n *Node, d *DatetimeSeries, path string) {
	start, end := d.Start, d.End
	if d.WithinTimeframe {
		start, end = v.s.Timeframe.Start, v.s.Timeframe.End
	}
	f, err := timegrid.ParseFreq(d.Freq)
	if err != nil || start.After(end) {
		return
	}
	g, err := timegrid.NewGrid(start.UnixMicro(), end.UnixMicro(), f)
	if err != nil {
		return
	}
	switch {
	case n.Kind == Entity || n.Kind == Fact && len(n.Parents) == 0:
		if n.Rows == nil {
			// A calendar: its rows are the first sequential grid's.
			return
		}
		if rows := *n.Rows; rows > g.Len() {
			v.Errorf(path, fmt.Sprintf("set rows to at most %d, leave rows out (one row per instant), or widen the window", g.Len()),
				"%q has %d rows but the grid has %d instants", n.ID, rows, g.Len())
		}
	case n.Kind == Fact && n.Fanout != nil && n.Fanout.Max != nil && len(n.Modifiers) == 0:
		if *n.Fanout.Max > g.Len() {
			v.Errorf(path, fmt.Sprintf("cap the fanout at %d or widen the window", g.Len()),
				"a parent can have %d children but the grid has %d instants", *n.Fanout.Max, g.Len())
		}
	}
}

// literal checks that a choice or enum_list value can be cast to the
// column's type.
func (v *validator) literal(x any, c *Column, path string) {
	switch val := x.(type) {
	case nil:
		if !c.Nullable {
			v.Warnf(path, `add "nullable": true`, "null value in a column that is not nullable")
		}
	case string:
		switch c.Type {
		case column.Int:
			if _, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64); err != nil {
				v.Errorf(path, "", "%q is not an integer (the column is int)", val)
			}
		case column.Float:
			if _, ok := input.ParseNumber(strings.TrimSpace(val)); !ok {
				v.Errorf(path, "", "%q is not a number (the column is float)", val)
			}
		case column.Bool:
			v.Errorf(path, "write true or false", "%q is not a boolean (the column is bool)", val)
		case column.Timestamp, column.Date:
			if _, err := civil.ParseMicros(val); err != nil {
				v.Errorf(path, `e.g. "2024-01-01T00:00:00Z"`, "%v (the column is %s)", err, c.Type)
			}
		}
	case float64:
		switch c.Type {
		case column.Int:
			if val != math.Trunc(val) {
				v.Warnf(path, "", "%s is rounded to the nearest int (halves away from zero)", fmtNum(val))
			}
		case column.Timestamp, column.Date:
			v.Errorf(path, `write an ISO 8601 string, e.g. "2024-01-01T00:00:00Z"`, "number %s in a %s column", fmtNum(val), c.Type)
		}
	case bool:
		if c.Type.IsTime() {
			v.Errorf(path, "", "boolean %t in a %s column", val, c.Type)
		}
	}
}

func (v *validator) lookup(n *Node, c *Column, l *Lookup, lp string, others func() []*Column) {
	src := v.table(l.Table, input.Key(lp, "from"))
	sc := v.col(src, l.Column, input.Key(lp, "from"))
	if src == n && sc == c {
		v.Errorf(input.Key(lp, "from"), "", "a column cannot look up itself")
	}
	if src == nil {
		return
	}
	for k := range l.On {
		p := &l.On[k]
		op := input.Key(input.Key(lp, "on"), p.Local)
		local := findCol(others(), p.Local)
		switch {
		case local != nil:
			v.col(src, p.Remote, op)
		case p.Local == c.Name:
			v.Errorf(op, "", "a column cannot join on itself")
		case findCol(others(), p.Remote) != nil && src.Column(p.Remote) != nil:
			v.Warnf(op, fmt.Sprintf("write {%q: %q}", p.Remote, p.Remote),
				"legacy lookup.on shape: %q is not a column of %q, so the join is on %q in both tables", p.Local, n.ID, p.Remote)
			p.Local = p.Remote
			l.LegacyOn = true
		default:
			v.Errorf(op, input.SuggestOr(p.Local, colNames(others())),
				"%q is not a column of %q (on maps a column of this node to a column of %q)", p.Local, n.ID, src.ID)
		}
	}
}

func (v *validator) modifier(i, j, k int, others func() []*Column) {
	n := &v.s.Nodes[i]
	c := &n.Columns[j]
	m := &c.Modifiers[k]
	mp := input.Index(input.Key(v.colPath(i, j), "modifiers"), k)
	ap := input.Key(mp, "args")
	drop := func() { v.drops[modRef{i, j, k}] = true }
	isTime := c.Type.IsTime()
	switch m.Transform {
	case TMultiply, TJitter, TClamp, TTrend:
		if isTime {
			v.Errorf(input.Key(mp, "transform"), "", "%s does not apply to a %s column", m.Transform, c.Type)
		}
	case TTimeJitter:
		if c.Type != column.Invalid && !isTime {
			v.Errorf(input.Key(mp, "transform"), "", "time_jitter applies to datetime and date columns, not %s", c.Type)
		}
	case TSeasonality:
		switch {
		case isTime && c.Generator.DatetimeSeries == nil && c.Generator.Kind != "":
			v.Warnf(input.Key(mp, "transform"), "", "seasonality on a %s column only shapes a datetime_series generator; it is ignored", c.Type)
			drop()
		case !isTime && c.Type != column.Invalid && !hasTimeColumn(others()):
			v.Warnf(input.Key(mp, "transform"), "add a datetime column to the node", "seasonality on a non-datetime column follows a datetime column of the node, and node %q has none; it is ignored", n.ID)
			drop()
		}
	case TEffect:
		// On a datetime or date column an effect modulates the rate of
		// events over time (a multiplier of 0 leaves a window empty), so
		// only "mul" makes sense there.
		if isTime && m.Effect != nil && m.Effect.Op == "add" {
			v.Errorf(input.Key(ap, "map.op"), "use op \"mul\"", "an effect on a %s column scales the rate of events over time; op \"add\" does not apply", c.Type)
		}
		if m.Effect != nil {
			local := others()
			if isTime {
				local = append(append([]*Column{}, others()...), c)
			}
			if !v.effect(m.Effect, ap, n, local, "node "+strconv.Quote(n.ID), false) {
				drop()
			} else if et := v.byID[m.Effect.EffectTable]; et != nil && m.Effect.Field != "" && et.Column(m.Effect.Field) == nil {
				// Only reachable in lenient mode (strict mode reported an
				// error): the predecessor gave every row the default, which
				// is a constant factor or offset.
				switch {
				case isTime:
					drop()
				case m.Effect.Op == "add":
					*m = Modifier{Transform: TAdd, Add: &AddArgs{Value: m.Effect.Default, Unit: "seconds"}}
				default:
					*m = Modifier{Transform: TMultiply, Multiply: &MultiplyArgs{Factor: m.Effect.Default}}
				}
			}
		}
	}
	if m.Trend != nil && m.Trend.TimeReference != "" {
		rp := input.Key(ap, "time_reference")
		if m.Trend.TimeReference == c.Name {
			v.Errorf(rp, "", "time_reference cannot name the column itself")
		} else if rc := findCol(others(), m.Trend.TimeReference); rc == nil {
			v.Errorf(rp, input.SuggestOr(m.Trend.TimeReference, timeColNames(others())), "time_reference %q is not a column of node %q", m.Trend.TimeReference, n.ID)
		} else if rc.Type != column.Invalid && !rc.Type.IsTime() {
			v.Errorf(rp, "", "time_reference %q is a %s column, not datetime or date", rc.Name, rc.Type)
		}
	}
}

// effect checks an effect against its effect table; local lists the
// columns the "on" keys and ts may name (the node's other columns, or the
// parents' columns for a node-level effect).
// It returns false when the effect can have no effect and is dropped.
func (v *validator) effect(e *EffectArgs, ap string, self *Node, local []*Column, localName string, nodeLevel bool) bool {
	et := v.table(e.EffectTable, input.Key(ap, "effect_table"))
	if et == nil {
		return true
	}
	if et == self {
		v.Errorf(input.Key(ap, "effect_table"), "", "a node cannot be its own effect table")
		return true
	}
	for _, w := range []struct{ name, k string }{{e.StartCol, "window.start_col"}, {e.EndCol, "window.end_col"}} {
		if w.name == "" {
			continue
		}
		if wc := v.col(et, w.name, input.Key(ap, w.k)); wc != nil && wc.Type != column.Invalid && !wc.Type.IsTime() {
			v.Errorf(input.Key(ap, w.k), "", "window column %q is a %s column, not datetime or date", w.name, wc.Type)
		}
	}
	if e.Field != "" {
		if fc := et.Column(e.Field); fc == nil {
			what := "the default"
			if nodeLevel {
				what = "1"
			}
			v.Compatf(input.Key(ap, "map.field"), input.SuggestOr(e.Field, columnNames(et)),
				"%q is not a column of %q (the predecessor used %s for matching rows)", e.Field, et.ID, what)
		} else if fc.Type != column.Invalid && !fc.Type.IsNumeric() {
			v.Errorf(input.Key(ap, "map.field"), "", "field %q is a %s column; it must be int or float", e.Field, fc.Type)
		}
	}
	kept := e.On[:0]
	for _, p := range e.On {
		op := input.Key(input.Key(ap, "on"), p.Local)
		v.col(et, p.Remote, op)
		if findCol(local, p.Local) == nil {
			// The predecessor skipped such keys silently; keep its meaning
			// (the key does not restrict the match) and say so. At node
			// level the key is matched against the parents, which often
			// lack the fact's foreign keys, so this stays a warning.
			report := v.Compatf
			if nodeLevel {
				report = v.Warnf
			}
			report(op, input.SuggestOr(p.Local, colNames(local)),
				"%q is not a column of %s, so this key is ignored and does not restrict the match", p.Local, localName)
			continue
		}
		kept = append(kept, p)
	}
	e.On = kept
	if e.TS != "" {
		tp := input.Key(ap, "ts")
		if tc := findCol(local, e.TS); tc == nil {
			v.Errorf(tp, input.SuggestOr(e.TS, timeColNames(local)), "ts %q is not a column of %s", e.TS, localName)
		} else if tc.Type != column.Invalid && !tc.Type.IsTime() {
			v.Errorf(tp, "", "ts %q is a %s column, not datetime or date", tc.Name, tc.Type)
		}
		if e.StartCol == "" {
			v.Warnf(tp, "add a window", "ts is unused without a window")
		}
	} else if e.StartCol != "" && !nodeLevel && !hasTimeColumn(local) {
		v.Warnf(input.Key(ap, "window"), "add a datetime column, or set ts", "%s has no datetime column to match the window against; the effect is ignored", localName)
		return false
	}
	return true
}

func (v *validator) constraints() {
	c := &v.s.Constraints
	for i, u := range c.Unique {
		v.ref(u, input.Index("constraints.unique", i))
	}
	for i, fk := range c.ForeignKeys {
		p := input.Index("constraints.foreign_keys", i)
		v.ref(fk.From, input.Key(p, "from"))
		v.ref(fk.To, input.Key(p, "to"))
	}
	for i, r := range c.Ranges {
		p := input.Key(input.Index("constraints.ranges", i), "attr")
		if _, col := v.ref(r.Attr, p); col != nil && col.Type != column.Invalid && !col.Type.IsNumeric() {
			v.Warnf(p, "", "range on a %s column", col.Type)
		}
	}
	for i, in := range c.Inequalities {
		p := input.Index("constraints.inequalities", i)
		var cols [2]*Column
		var nodes [2]*Node
		for k, side := range []struct{ val, k string }{{in.Left, "left"}, {in.Right, "right"}} {
			if _, isNum := input.ParseNumber(side.val); isNum || !strings.Contains(side.val, ".") {
				continue
			}
			nodes[k], cols[k] = v.ref(side.val, input.Key(p, side.k))
		}
		if cols[0] != nil && cols[1] != nil && nodes[0] == nodes[1] {
			if share, ok := inequalityShare(cols[0], in.Op, cols[1]); ok && share < unlikelyInequality {
				about := fmt.Sprintf("about %.1f %%", 100*share)
				if share < 0.001 {
					about = "less than 0.1 %"
				}
				v.Warnf(p, "declare distributions that overlap in the declared order, or drop the inequality",
					"the declared distributions make %s %s %s unlikely (%s of independent draws): "+
						"the later column is set next to the earlier one in most rows, so it will not follow its declared distribution",
					in.Left, in.Op, in.Right, about)
			}
		}
	}
	for i, pc := range c.Patterns {
		v.ref(pc.Attr, input.Key(input.Index("constraints.pattern", i), "attr"))
	}
	for i, e := range c.Enums {
		p := input.Index("constraints.enum", i)
		v.ref(e.Attr, input.Key(p, "attr"))
		if e.EnumRef != "" {
			v.ref(e.EnumRef, input.Key(p, "enum_ref"))
		}
	}
}

func (v *validator) targets() {
	t := v.s.Targets
	if t == nil {
		return
	}
	if ws := t.WeekendShare; ws != nil {
		p := "targets.weekend_share"
		v.timeCol(v.table(ws.Table, input.Key(p, "table")), ws.Timestamp, input.Key(p, "timestamp"))
	}
	if mr := t.MeanInRange; mr != nil {
		p := "targets.mean_in_range"
		n := v.table(mr.Table, input.Key(p, "table"))
		if c := v.col(n, mr.Column, input.Key(p, "column")); c != nil && c.Type != column.Invalid && !c.Type.IsNumeric() {
			v.Errorf(input.Key(p, "column"), "", "%q is a %s column; a mean needs int or float", c.Name, c.Type)
		}
	}
	if ce := t.CompositeEffect; ce != nil {
		p := "targets.composite_effect"
		n := v.table(ce.Table, input.Key(p, "table"))
		if ce.Timestamp != "" {
			v.timeCol(n, ce.Timestamp, input.Key(p, "timestamp"))
		} else if n != nil && !hasTimeColumn(ownColumns(n, -1)) {
			v.Errorf(input.Key(p, "table"), "", "table %q has no datetime column to build the time profile from", n.ID)
		}
		for k, in := range ce.Influences {
			if in.Kind == "effect" && in.Table != "" {
				ip := input.Index(input.Key(p, "influences"), k)
				et := v.table(in.Table, input.Key(ip, "table"))
				if et != nil && in.Field != "" && et.Column(in.Field) == nil {
					v.Compatf(input.Key(ip, "field"), input.SuggestOr(in.Field, columnNames(et)), "%q is not a column of %q", in.Field, et.ID)
				}
			}
		}
	}
}

func (v *validator) dag() {
	if v.s.DAG == nil {
		return
	}
	where := map[string][2]int{}
	for i, level := range v.s.DAG {
		for j, id := range level {
			p := input.Index(input.Index("dag", i), j)
			if id == "" {
				continue
			}
			if prev, dup := where[id]; dup {
				v.Errorf(p, "", "node %q is listed more than once (also dag[%d][%d])", id, prev[0], prev[1])
				continue
			}
			where[id] = [2]int{i, j}
			if v.byID[id] == nil {
				v.Errorf(p, input.SuggestOr(id, v.ids), "unknown node %q", id)
			}
		}
	}
	var missing []string
	for _, id := range v.ids {
		if _, ok := where[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		v.Errorf("dag", "list every node exactly once", "missing nodes: %s", input.QuoteList(missing))
	}
	for i, level := range v.s.DAG {
		for j, id := range level {
			n := v.byID[id]
			if n == nil || where[id] != [2]int{i, j} {
				continue
			}
			for _, p := range n.Parents {
				pat, ok := where[p]
				if ok && (pat[0] > i || (pat[0] == i && pat[1] > j)) {
					v.Errorf(input.Index(input.Index("dag", i), j), "", "node %q comes before its parent %q (dag[%d][%d])", id, p, pat[0], pat[1])
				}
			}
		}
	}
}

// applyDrops removes the modifiers that lenient checks found to have no
// effect.
func (d *decoder) applyDrops(s *Schema) {
	if len(d.drops) == 0 {
		return
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		n.Modifiers = dropMods(n.Modifiers, d.drops, i, -1)
		for j := range n.Columns {
			n.Columns[j].Modifiers = dropMods(n.Columns[j].Modifiers, d.drops, i, j)
		}
	}
}

func dropMods(ms []Modifier, drops map[modRef]bool, i, j int) []Modifier {
	out := ms[:0:0]
	for k, m := range ms {
		if !drops[modRef{i, j, k}] {
			out = append(out, m)
		}
	}
	if len(out) == len(ms) {
		return ms
	}
	return slices.Clip(out)
}

// unlikelyInequality is the share of independent draws satisfying a
// declared inequality below which check warns.
const unlikelyInequality = 0.05

// inequalityShare estimates the share of independent draws of two
// distribution columns without modifiers that satisfy a op b, by normal
// approximations of both (exact for two normals); ok is false when the
// columns are not such a pair.
func inequalityShare(a *Column, op string, b *Column) (share float64, ok bool) {
	ma, va, okA := moments(a)
	mb, vb, okB := moments(b)
	if !okA || !okB || va+vb <= 0 {
		return 0, false
	}
	z := (mb - ma) / math.Sqrt(va+vb) // P(a < b) = Phi(z)
	lt := 0.5 * math.Erfc(-z/math.Sqrt2)
	switch op {
	case "<", "<=":
		return lt, true
	case ">", ">=":
		return 1 - lt, true
	}
	return 0, false
}

// moments returns the mean and variance of a distribution column without
// modifiers.
func moments(c *Column) (mean, variance float64, ok bool) {
	d := c.Generator.Distribution
	if c.Generator.Kind != GenDistribution || d == nil || len(c.Modifiers) > 0 || d.ClampMin != nil || d.ClampMax != nil {
		return 0, 0, false
	}
	switch d.Type {
	case "normal":
		sd := d.Param("std", 1)
		return d.Param("mean", 0), sd * sd, true
	case "uniform":
		lo, hi := d.Param("low", 0), d.Param("high", 1)
		return (lo + hi) / 2, (hi - lo) * (hi - lo) / 12, true
	case "lognormal":
		mu, sg := d.Param("mean", 0), d.Param("sigma", 1)
		m := math.Exp(mu + sg*sg/2)
		return m, (math.Exp(sg*sg) - 1) * m * m, true
	case "poisson":
		l := d.Param("lambda", 1)
		return l, l, true
	}
	return 0, 0, false
}
