package behavior

import (
	"fmt"
	"math"
	"strconv"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/input"
)

// Table is the resolved behaviour of one node: the blocks it declares and
// the behaviour it inherits from its parents.
type Table struct {
	ID string
	// Segment and Vintage are declared on the node (usually an entity)
	// and act on its children.
	Segment *Segment
	Vintage *Vintage
	// SegmentWeights, when set, replace the weights of the segment
	// column's choice (derived from base_probability), in choice order.
	SegmentWeights []float64
	// Stages and States make the node a stage fact or a state fact.
	Stages *Stages
	States *StateModel
	// SegmentLinks and Vintage link a fact to the behaviour of its parents.
	SegmentLinks []*SegmentLink
	VintageLink  *VintageLink
}

// SegmentLink ties a fact to a parent that has a segment_behavior.
type SegmentLink struct {
	Parent  string
	Segment *Segment
	// Primary is true when Parent is the fact's primary parent: the
	// segment is the parent row's. Otherwise it is the row chosen by the
	// fact's lookups into Parent (LookupColumns, all sharing one row).
	Primary       bool
	LookupColumns []string
	// Fanout is true when the segments' fanout multipliers shape the
	// fact's rows: the primary parent's child counts are multiplied, or a
	// non-primary parent's rows are chosen with probability proportional
	// to their multiplier.
	Fanout bool
	// ValueColumns are the fact's columns multiplied by the segment's
	// value_multiplier.
	ValueColumns []string
}

// VintageLink ties a fact to its primary parent's vintage_behavior.
type VintageLink struct {
	Parent  string
	Vintage *Vintage
	// EventColumn is the fact's time column at which ages are measured
	// ("" when the fact has none: ages are taken at the timeframe end).
	EventColumn string
	// Thin is true when the fanout curves thin the fact's rows at their
	// event times (ordinary facts with an EventColumn).
	Thin bool
	// CountAtEnd is true when fanout curves scale the counts by the age
	// at the timeframe end (ordinary facts without an event column).
	CountAtEnd bool
	// PerUnit is true for a fact with a per-unit fanout (fanout.per): the
	// fanout curves scale its rate at each unit by the parent's age then
	// (neither Thin nor CountAtEnd), and EventColumn is its time column,
	// which the engine draws. The planner sets it.
	PerUnit bool
	// Bounded are the datetime_series columns (other than EventColumn)
	// sampled inside [parent creation time, window end].
	Bounded []string
	// Values maps a fact column to the indexes of the multipliers
	// (Vintage.Multipliers) that scale it.
	Values map[string][]int
}

// Result is the behaviour of a whole schema.
type Result struct {
	Tables map[string]*Table
}

func nodePath(i int, n *dsl.Node) string { return fmt.Sprintf("nodes[%d](%s)", i, n.ID) }

func colPath(i int, n *dsl.Node, name string) string {
	for j := range n.Columns {
		if n.Columns[j].Name == name {
			return fmt.Sprintf("%s.columns[%d](%s)", nodePath(i, n), j, name)
		}
	}
	return nodePath(i, n) + ".columns"
}

// Resolve parses and validates the behaviour blocks of a validated schema
// and links every fact to the behaviour of its parents. Tables without any
// behaviour are absent from the result.
func Resolve(s *dsl.Schema) (*Result, Problems) {
	ps := newReader()
	r := &Result{Tables: map[string]*Table{}}
	index := map[string]int{}
	for i := range s.Nodes {
		index[s.Nodes[i].ID] = i
	}
	get := func(id string) *Table {
		t := r.Tables[id]
		if t == nil {
			t = &Table{ID: id}
			r.Tables[id] = t
		}
		return t
	}
	// Pass 1: parse every block and check it against its own node.
	for i := range s.Nodes {
		n := &s.Nodes[i]
		np := nodePath(i, n)
		if n.SegmentBehavior != nil {
			if sg := parseSegment(n.SegmentBehavior, np+".segment_behavior", ps); sg != nil {
				t := get(n.ID)
				t.Segment = sg
				t.SegmentWeights = checkSegmentColumn(n, sg, np+".segment_behavior", ps)
			}
		}
		if n.VintageBehavior != nil {
			if vb := parseVintage(n.VintageBehavior, np+".vintage_behavior", ps); vb != nil {
				c := n.Column(vb.CreatedAt)
				switch {
				case c == nil:
					ps.errorf(np+".vintage_behavior.created_at_column", "%q has no column %q; name the column holding each row's creation time (default \"created_at\")", n.ID, vb.CreatedAt)
				case !c.Type.IsTime():
					ps.errorf(np+".vintage_behavior.created_at_column", "column %q is %s; the creation time must be a datetime or date column", vb.CreatedAt, c.Type)
				default:
					get(n.ID).Vintage = vb
				}
			}
		}
		if n.StageConfig != nil || n.StateTransitionModel != nil {
			key := "stage_config"
			if n.StageConfig == nil {
				key = "state_transition_model"
			}
			bad := false
			switch {
			case n.StageConfig != nil && n.StateTransitionModel != nil:
				ps.errorf(np, "a node cannot have both stage_config and state_transition_model; use two facts")
				bad = true
			case n.Kind != dsl.Fact || len(n.Parents) == 0:
				ps.errorf(np+"."+key, "%s needs a fact with parents: its rows are generated per primary-parent row", key)
				bad = true
			}
			if n.Fanout != nil {
				ps.errorf(np+".fanout", "a fact with %s has one row per %s of each parent row; remove fanout", key, map[bool]string{true: "reached stage", false: "period or state"}[n.StageConfig != nil])
				bad = true
			}
			if len(n.Modifiers) > 0 {
				ps.errorf(np+".modifiers", "node-level effects scale fanout counts, which a fact with %s does not have; remove them", key)
				bad = true
			}
			if n.StageConfig != nil {
				if sc := parseStages(n.StageConfig, np+".stage_config", ps); sc != nil && !bad {
					get(n.ID).Stages = sc
				}
			} else if sm := parseStateModel(n.StateTransitionModel, np+".state_transition_model", ps); sm != nil && !bad {
				get(n.ID).States = sm
			}
		}
	}
	if ps.Problems().HasErrors() {
		return r, ps.Problems()
	}
	// Pass 2: link facts to their parents' behaviour.
	usedValue := map[string]bool{}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if n.Kind != dsl.Fact || len(n.Parents) == 0 {
			continue
		}
		np := nodePath(i, n)
		primary := s.Node(n.Parents[0])
		pt := r.Tables[primary.ID]
		ft := r.Tables[n.ID]
		special := ft != nil && (ft.Stages != nil || ft.States != nil)
		if ft != nil && ft.Stages != nil {
			resolveStages(n, np, primary, pt, ft.Stages, ps)
		}
		if ft != nil && ft.States != nil {
			resolveStates(i, n, np, primary, pt, ft.States, ps)
		}
		for k, pid := range n.Parents {
			ptab := r.Tables[pid]
			if ptab == nil || ptab.Segment == nil {
				continue
			}
			pn := s.Node(pid)
			sg := ptab.Segment
			link := &SegmentLink{Parent: pid, Segment: sg, Primary: k == 0}
			for _, name := range sg.AppliesTo {
				c := n.Column(name)
				if c == nil {
					continue
				}
				usedValue[pid+"\x00"+name] = true
				if !c.Type.IsNumeric() {
					ps.errorf(colPath(i, n, name), "%s's segment value_multiplier applies to %q, which is %s; it applies to int and float columns", pid, name, c.Type)
					continue
				}
				link.ValueColumns = append(link.ValueColumns, name)
			}
			if k == 0 {
				// Stage and state facts have one row per stage or period
				// of each parent row: fanout multipliers do not apply.
				link.Fanout = sg.HasFanout() && !special
			} else {
				var joins []string
				for j := range n.Columns {
					if l := n.Columns[j].Generator.Lookup; l != nil && l.Table == pid {
						if len(l.On) > 0 {
							joins = append(joins, l.Column)
						} else {
							link.LookupColumns = append(link.LookupColumns, n.Columns[j].Name)
						}
					}
				}
				if len(link.LookupColumns) == 0 {
					why := "has no lookup into it"
					if len(joins) > 0 {
						why = "reaches it only through lookups with \"on\" (a join), which segments do not follow"
					}
					ps.warnf(np+".parents", "%q is a parent of %q with a segment_behavior, but %q %s, so no row of %q belongs to a %s row and its segments do not apply; add a column {\"lookup\": {\"from\": \"%s.%s\"}}",
						pid, n.ID, n.ID, why, n.ID, pid, pid, firstKey(pn))
					continue
				}
				link.Fanout = sg.HasFanout()
			}
			if link.Fanout || len(link.ValueColumns) > 0 {
				get(n.ID).SegmentLinks = append(get(n.ID).SegmentLinks, link)
			}
		}
		for k, pid := range n.Parents {
			ptab := r.Tables[pid]
			if ptab == nil || ptab.Vintage == nil {
				continue
			}
			if k > 0 {
				ps.warnf(np+".parents", "vintage_behavior of %q applies to facts whose primary parent (parents[0]) is %q; it is ignored for %q", pid, pid, n.ID)
				continue
			}
			if l := resolveVintage(s, i, n, ptab, ft); l != nil {
				get(n.ID).VintageLink = l
			}
		}
	}
	// applies_to_columns that no child has.
	for i := range s.Nodes {
		n := &s.Nodes[i]
		t := r.Tables[n.ID]
		if t == nil || t.Segment == nil {
			continue
		}
		for _, name := range t.Segment.AppliesTo {
			if !usedValue[n.ID+"\x00"+name] {
				ps.warnf(nodePath(i, n)+".segment_behavior.applies_to_columns", "no fact with %q among its parents has a column %q", n.ID, name)
			}
		}
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if t := r.Tables[n.ID]; t != nil && t.Vintage != nil {
			checkVintageColumns(s, i, n, t.Vintage, r, ps)
		}
	}
	return r, ps.Problems()
}

// checkSegmentColumn checks the segment column and reconciles the
// segments' base_probability with its choice weights. It returns the
// weights to draw the column with when base_probability defines them.
func checkSegmentColumn(n *dsl.Node, sg *Segment, path string, ps *reader) []float64 {
	c := n.Column(sg.Column)
	if c == nil {
		ps.errorf(path+".segment_column", "%q has no column %q", n.ID, sg.Column)
		return nil
	}
	hasShare := false
	for _, g := range sg.Segments {
		if !math.IsNaN(g.Share) {
			hasShare = true
		}
	}
	ch := c.Generator.Choice
	if ch == nil || ch.ChoicesRef != "" {
		if hasShare {
			ps.warnf(path+".segments", "base_probability is not used: the segment column %q is not a choice with listed choices, so its own generator sets the segment shares", sg.Column)
		}
		return nil
	}
	names := make([]string, len(ch.Choices))
	pos := map[string]int{}
	for i, v := range ch.Choices {
		names[i] = scalarString(v)
		pos[names[i]] = i
	}
	for _, g := range sg.Segments {
		if _, ok := pos[g.Name]; !ok {
			ps.warnf(path, "segment %q is not one of the choices of %q (%s), so no row is in it", g.Name, sg.Column, input.QuoteList(names))
		}
	}
	if !hasShare {
		return nil
	}
	own := len(ch.Weights) > 0 || ch.WeightsKind.Kind != "" && ch.WeightsKind.Kind != "uniform"
	if own {
		sum := 0.0
		for _, w := range ch.Weights {
			sum += w
		}
		if len(ch.Weights) == 0 {
			ps.warnf(path+".segments", "base_probability is not used: the segment column %q sets its own weights (weights_kind)", sg.Column)
			return nil
		}
		for _, g := range sg.Segments {
			i, ok := pos[g.Name]
			if !ok || math.IsNaN(g.Share) {
				continue
			}
			if w := ch.Weights[i] / sum; math.Abs(w-g.Share) > 1e-6 {
				ps.warnf(path+".segments."+g.Name+".base_probability", "base_probability %s disagrees with the share %s that the weights of %q give; the column's weights are used", fmtNum(g.Share), strconv.FormatFloat(w, 'g', 6, 64), sg.Column)
			}
		}
		return nil
	}
	w := make([]float64, len(names))
	sum := 0.0
	var missing []string
	for i, name := range names {
		g := sg.Lookup(name)
		if g == nil || math.IsNaN(g.Share) {
			missing = append(missing, name)
			continue
		}
		w[i] = g.Share
		sum += g.Share
	}
	if len(missing) > 0 {
		ps.warnf(path+".segments", "choices %s of %q have no base_probability and get none of the rows", input.QuoteList(missing), sg.Column)
	}
	if !(sum > 0) {
		ps.errorf(path+".segments", "the base_probability values of the choices of %q sum to 0", sg.Column)
		return nil
	}
	if math.Abs(sum-1) > 1e-6 {
		ps.warnf(path+".segments", "the base_probability values sum to %s; they are normalised to shares", fmtNum(sum))
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// scalarString is the string a segment value is compared by.
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// firstTime returns the first datetime/date column of n, or "".
func firstTime(n *dsl.Node, series bool) string {
	for i := range n.Columns {
		c := &n.Columns[i]
		if c.Type.IsTime() && (!series || c.Generator.Kind == dsl.GenDatetimeSeries) {
			return c.Name
		}
	}
	return ""
}

// parentStart is the default start-time column of a primary parent: its
// vintage creation time, else its first datetime/date column.
func parentStart(p *dsl.Node, pt *Table) string {
	if pt != nil && pt.Vintage != nil {
		return pt.Vintage.CreatedAt
	}
	return firstTime(p, false)
}

// checkTarget checks a column of the fact that receives behaviour values.
func checkTarget(n *dsl.Node, np, key, name string, explicit bool, ok func(column.Type) bool, want string, ps *reader) string {
	if name == "" {
		return ""
	}
	c := n.Column(name)
	if c == nil {
		if explicit {
			ps.errorf(np+"."+key, "%q has no column %q", n.ID, name)
		}
		return ""
	}
	if !ok(c.Type) {
		ps.errorf(np+"."+key, "column %q is %s; it must be %s", name, c.Type, want)
		return ""
	}
	return name
}

func isString(t column.Type) bool  { return t == column.String }
func isTime(t column.Type) bool    { return t.IsTime() }
func isOrdinal(t column.Type) bool { return t.IsNumeric() || t == column.String }

// parentColumn checks a column of the primary parent read by a block.
func parentColumn(p *dsl.Node, path, name string, time bool, ps *reader) string {
	c := p.Column(name)
	switch {
	case c == nil:
		ps.errorf(path, "the primary parent %q has no column %q", p.ID, name)
		return ""
	case time && !c.Type.IsTime():
		ps.errorf(path, "column %q of %q is %s; it must be a datetime or date column", name, p.ID, c.Type)
		return ""
	}
	return name
}

// segmentColumn resolves the segment column of a stage or state fact.
func segmentColumn(p *dsl.Node, pt *Table, path, explicit string, variation bool, ps *reader) string {
	switch {
	case explicit != "":
		return parentColumn(p, path+".segment_column", explicit, false, ps)
	case pt != nil && pt.Segment != nil:
		return pt.Segment.Column
	case variation:
		ps.errorf(path+".segment_variation", "segment_variation needs the segment of each %q row: give %q a segment_behavior or set segment_column", p.ID, p.ID)
	}
	return ""
}

// knownSegments warns about variation keys that the segment column never
// produces (when its values are listed).
func knownSegments(p *dsl.Node, col string, keys []string, path string, ps *reader) {
	c := p.Column(col)
	if c == nil || c.Generator.Choice == nil || c.Generator.Choice.ChoicesRef != "" {
		return
	}
	vals := map[string]bool{}
	var names []string
	for _, v := range c.Generator.Choice.Choices {
		vals[scalarString(v)] = true
		names = append(names, scalarString(v))
	}
	for _, k := range keys {
		if !vals[k] {
			ps.warnf(path+"."+k, "segment %q is not one of the values of %s.%s (%s)", k, p.ID, col, input.QuoteList(names))
		}
	}
}

func resolveStages(n *dsl.Node, np string, p *dsl.Node, pt *Table, sc *Stages, ps *reader) {
	path := np + ".stage_config"
	sc.NameColumn = checkTarget(n, path, "stage_name_column", sc.NameColumn, sc.explicit["stage_name_column"], isString, "a string column", ps)
	sc.IndexColumn = checkTarget(n, path, "stage_index_column", sc.IndexColumn, sc.explicit["stage_index_column"], isOrdinal, "an int, float or string column", ps)
	if sc.TimeColumn == "" {
		sc.TimeColumn = firstTime(n, false)
	}
	sc.TimeColumn = checkTarget(n, path, "timestamp_column", sc.TimeColumn, sc.explicit["timestamp_column"], isTime, "a datetime or date column", ps)
	if sc.StartColumn != "" {
		sc.StartColumn = parentColumn(p, path+".start_column", sc.StartColumn, true, ps)
	} else {
		sc.StartColumn = parentStart(p, pt)
	}
	if sc.TimeColumn != "" && sc.StartColumn == "" {
		ps.errorf(path, "stage timestamps (column %q) start at each %q row's creation time, but %q has no datetime or date column; add one or set start_column", sc.TimeColumn, p.ID, p.ID)
	}
	sc.SegmentColumn = segmentColumn(p, pt, path, sc.SegmentColumn, len(sc.Variation) > 0, ps)
	if sc.SegmentColumn != "" {
		knownSegments(p, sc.SegmentColumn, sortedMapKeys(sc.Variation), path+".segment_variation", ps)
	}
}

func resolveStates(i int, n *dsl.Node, np string, p *dsl.Node, pt *Table, m *StateModel, ps *reader) {
	path := np + ".state_transition_model"
	if n.Column(m.StateColumn) == nil {
		ps.errorf(path+".state_column", "%q has no column %q to hold the state; add a string column %q or set state_column", n.ID, m.StateColumn, m.StateColumn)
	}
	m.StateColumn = checkTarget(n, path, "state_column", m.StateColumn, false, isString, "a string column", ps)
	m.PreviousColumn = checkTarget(n, path, "previous_state_column", m.PreviousColumn, m.explicit["previous_state_column"], isString, "a string column", ps)
	if m.PreviousColumn != "" && !n.Column(m.PreviousColumn).Nullable {
		ps.errorf(colPath(i, n, m.PreviousColumn), "the first row of each chain has no previous state: declare %q \"nullable\": true", m.PreviousColumn)
	}
	m.IndexColumn = checkTarget(n, path, "period_index_column", m.IndexColumn, m.explicit["period_index_column"], isOrdinal, "an int, float or string column", ps)
	m.StartColumn = checkTarget(n, path, "period_start_column", m.StartColumn, m.explicit["period_start_column"], isTime, "a datetime or date column", ps)
	m.EndColumn = checkTarget(n, path, "period_end_column", m.EndColumn, m.explicit["period_end_column"], isTime, "a datetime or date column", ps)
	if m.ParentStartColumn != "" {
		m.ParentStartColumn = parentColumn(p, path+".start_column", m.ParentStartColumn, true, ps)
	} else {
		m.ParentStartColumn = parentStart(p, pt)
	}
	m.SegmentColumn = segmentColumn(p, pt, path, m.SegmentColumn, len(m.Variation) > 0, ps)
	if m.SegmentColumn != "" {
		knownSegments(p, m.SegmentColumn, sortedMapKeys(m.Variation), path+".segment_variation", ps)
	}
	for _, seg := range sortedMapKeys(m.Variation) {
		for si := range m.States {
			sum := 0.0
			for _, tr := range m.States[si].Next {
				sum += m.Scaled(m.Variation[seg], tr)
			}
			if sum > 1+1e-9 {
				ps.warnf(path+".segment_variation."+seg, "the multipliers make the probabilities of leaving %q sum to %s for segment %q; they are scaled down to sum to 1", m.States[si].Name, strconv.FormatFloat(sum, 'g', 6, 64), seg)
			}
		}
	}
}

// Scaled is the probability of transition tr under variation v, before
// the rescaling to a sum of at most 1.
func (m *StateModel) Scaled(v StateVariation, tr Transition) float64 {
	p := tr.P * v.All
	if m.States[tr.To].Terminal {
		p *= v.Churn
	}
	if f, ok := v.Into[m.States[tr.To].Name]; ok {
		p *= f
	}
	return p
}

func resolveVintage(s *dsl.Schema, i int, n *dsl.Node, pt *Table, ft *Table) *VintageLink {
	vb := pt.Vintage
	l := &VintageLink{Parent: pt.ID, Vintage: vb, Values: map[string][]int{}}
	special := ""
	switch {
	case ft != nil && ft.Stages != nil:
		l.EventColumn = ft.Stages.TimeColumn
		special = ft.Stages.TimeColumn
	case ft != nil && ft.States != nil:
		l.EventColumn = ft.States.StartColumn
		special = "\x00"
	default:
		l.EventColumn = firstTime(n, true)
	}
	hasFanout := false
	for _, a := range vb.Multipliers {
		hasFanout = hasFanout || a.Fanout
	}
	if hasFanout && (ft == nil || ft.Stages == nil && ft.States == nil) {
		if l.EventColumn != "" {
			l.Thin = true
		} else {
			l.CountAtEnd = true
		}
	}
	for j := range n.Columns {
		c := &n.Columns[j]
		if c.Generator.Kind != dsl.GenDatetimeSeries || !c.Type.IsTime() || c.Name == l.EventColumn && special == "" || c.Name == special {
			continue
		}
		if ft != nil && ft.States != nil && (c.Name == ft.States.StartColumn || c.Name == ft.States.EndColumn) {
			continue
		}
		l.Bounded = append(l.Bounded, c.Name)
	}
	for k, a := range vb.Multipliers {
		if a.All {
			for j := range n.Columns {
				c := &n.Columns[j]
				g := c.Generator.Kind
				if c.Type.IsNumeric() && !n.IsPK(c.Name) && (g == dsl.GenDistribution || g == dsl.GenChoice) {
					l.Values[c.Name] = append(l.Values[c.Name], k)
				}
			}
		}
		for _, name := range a.Columns {
			if c := n.Column(name); c != nil && c.Type.IsNumeric() {
				l.Values[name] = append(l.Values[name], k)
			}
		}
	}
	return l
}

// checkVintageColumns reports named value columns that no child has or
// that are not numbers.
func checkVintageColumns(s *dsl.Schema, i int, n *dsl.Node, vb *Vintage, r *Result, ps *reader) {
	for _, a := range vb.Multipliers {
		for _, name := range a.Columns {
			found := false
			for k := range s.Nodes {
				f := &s.Nodes[k]
				if len(f.Parents) == 0 || f.Parents[0] != n.ID || f.Kind != dsl.Fact {
					continue
				}
				c := f.Column(name)
				if c == nil {
					continue
				}
				found = true
				if !c.Type.IsNumeric() {
					ps.errorf(colPath(k, f, name), "vintage multiplier %q of %q applies to %q, which is %s; it applies to int and float columns", a.Name, n.ID, name, c.Type)
				}
			}
			if !found {
				ps.warnf(fmt.Sprintf("%s.vintage_behavior.age_based_multipliers.%s.applies_to", nodePath(i, n), a.Name), "no fact whose primary parent is %q has a column %q", n.ID, name)
			}
		}
	}
}

// firstKey returns the first primary key column of n, or a placeholder.
func firstKey(n *dsl.Node) string {
	if len(n.PK) == 0 {
		return "<key column>"
	}
	return n.PK[0]
}
