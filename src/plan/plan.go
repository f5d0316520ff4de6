// Package plan resolves a validated DSL document into an executable plan:
// the table generation order (explicit dag or inferred from every kind of
// reference), each table's primary parent, the order in which each
// table's columns must be computed, the timestamp column each
// time-dependent modifier reads, and which columns other tables read
// (and so must be kept in memory once generated).
package plan

import (
	"container/heap"
	"fmt"
	"sort"
	"strings"

	"datagen/src/behavior"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen/expr"
	"datagen/src/input"
)

// Plan is the resolved form of a schema.
type Plan struct {
	Schema *dsl.Schema
	// Order lists the tables in generation order.
	Order []*Table
	// ByID indexes tables by node id.
	ByID map[string]*Table
	// Warnings are problems of the behaviour blocks that do not stop
	// generation.
	Warnings input.Problems
	// readsOf records, per reading table, the columns of other tables it
	// reads ("" for all of them).
	readsOf map[*Table]map[*Table]map[string]bool
}

// Table is one node with its resolved relations.
type Table struct {
	Node  *dsl.Node
	Index int // position in Schema.Nodes
	// Primary is the primary parent of a fact with parents, else nil.
	Primary *Table
	// Deps are the tables that must be generated before this one.
	Deps []*Table
	// Cols are the columns in declaration (output) order.
	Cols []*Column
	// EvalOrder lists column indexes in the order they are computed:
	// declaration order, except that a column comes after every column it
	// reads.
	EvalOrder []int
	// Keep names the columns that other tables (or this table's own
	// self-lookups) read after generation; they are kept in memory whole.
	Keep map[string]bool
	// SelfLookup is true when a column looks up another column of the
	// same table (two passes are needed).
	SelfLookup bool
	// horizonChains marks a state fact of an open timeline, whose chains
	// end at the horizon of a run (growth.go).
	horizonChains bool
	// Orderings are the declared inequalities between two of its columns
	// that generation honours by construction.
	Orderings []Ordering
	// Behavior is the table's resolved behaviour (segment, vintage,
	// stages, states), or nil.
	Behavior *behavior.Table
	// Aggregates are its columns computed from a child table, in
	// declaration order.
	Aggregates []*Aggregate
	// Time is the index of the column that places a row in a time window
	// (see TimeColumn), or -1 when the table has none.
	Time int
	// ParentTime is set on a table without a time column of its own
	// whose primary parent has a time: its own time column, or its
	// primary parent's time in turn (RowTime). Each row belongs to the
	// time window of its primary parent row.
	ParentTime bool
	// History, when set, writes the entity as versions or change events.
	History *History
}

// Aggregate is a column computed from the rows of a child table: a fact
// whose primary parent is the aggregate's table, so that the children of
// a parent row are contiguous.
type Aggregate struct {
	// Col is the aggregate column's index in its table.
	Col int
	// Child is the child table and Source the index of its aggregated
	// column.
	Child  *Table
	Source int
	Fn     string
	// Where is the optional filter expression on the child row.
	Where string
	// Needs marks the child's columns that the aggregate needs computed
	// (Source, the where columns and what they read, transitively); the
	// scan of the child skips the others.
	Needs []bool
}

// Column is one column with its resolved dependencies.
type Column struct {
	Spec  *dsl.Column
	Index int
	// Reads are the names of same-row columns this column reads.
	Reads []string
	// TS is the timestamp column its time-dependent modifiers read
	// (effect, seasonality on a non-time column, trend without
	// time_reference); empty when none applies.
	TS string
	// Deferred marks an aggregate column and every column that reads one:
	// they are computed only after the child tables were scanned, and no
	// child may read them.
	Deferred bool
	// AtTime marks a lookup of a changing column of another table with
	// history that reads the version current at the row's time: its
	// table's time column (which Reads then holds), or its primary
	// parent row's time (Table.ParentTime). A null time reads the first
	// version.
	AtTime bool
}

// Fields returns the output schema of the table: its columns, then the
// columns its history adds (see History).
func (t *Table) Fields() []column.Field {
	f := make([]column.Field, len(t.Cols))
	for i, c := range t.Cols {
		f[i] = column.Field{Name: c.Spec.Name, Type: c.Spec.Type, Nullable: c.Spec.Nullable, Description: c.Spec.Description}
		if c.Spec.Precision > 0 {
			f[i].Precision, f[i].Scale = c.Spec.Precision, *c.Spec.Decimals
		}
		t.cardinality(c.Spec, &f[i])
	}
	if t.History != nil {
		f = append(f, historyFields(t.History.As)...)
	}
	return f
}

// ID returns the node id.
func (t *Table) ID() string { return t.Node.ID }

// ColumnIndex returns the index of the named column, or -1.
func (t *Table) ColumnIndex(name string) int {
	for i, c := range t.Cols {
		if c.Spec.Name == name {
			return i
		}
	}
	return -1
}

func nodePath(t *Table) string {
	return fmt.Sprintf("nodes[%d](%s)", t.Index, t.ID())
}

func colPath(t *Table, c int) string {
	return fmt.Sprintf("%s.columns[%d](%s)", nodePath(t), c, t.Cols[c].Spec.Name)
}

// resolveBehavior parses and validates the behaviour blocks, attaches them
// to their tables and keeps the parent columns they read.
func (p *Plan) resolveBehavior() input.Problems {
	res, problems := behavior.Resolve(p.Schema)
	p.Warnings = problems.Warnings()
	if errs := problems.Errors(); len(errs) > 0 {
		return errs
	}
	for id, bt := range res.Tables {
		t := p.ByID[id]
		keep := func(id, col string) {
			if d := p.ByID[id]; d != nil && col != "" {
				p.read(t, d, col)
			}
		}
		t.Behavior = bt
		primary := ""
		if t.Primary != nil {
			primary = t.Primary.ID()
		}
		for _, l := range bt.SegmentLinks {
			keep(l.Parent, l.Segment.Column)
		}
		if l := bt.VintageLink; l != nil {
			keep(l.Parent, l.Vintage.CreatedAt)
		}
		if sc := bt.Stages; sc != nil {
			keep(primary, sc.StartColumn)
			keep(primary, sc.SegmentColumn)
		}
		if m := bt.States; m != nil {
			keep(primary, m.ParentStartColumn)
			keep(primary, m.SegmentColumn)
		}
	}
	return nil
}

// New builds the plan of a schema that passed dsl validation.
func New(s *dsl.Schema) (*Plan, error) {
	p := &Plan{Schema: s, ByID: map[string]*Table{}, readsOf: map[*Table]map[*Table]map[string]bool{}}
	var errs input.Problems
	tables := make([]*Table, len(s.Nodes))
	for i := range s.Nodes {
		n := &s.Nodes[i]
		t := &Table{Node: n, Index: i, Keep: map[string]bool{}}
		for j := range n.Columns {
			t.Cols = append(t.Cols, &Column{Spec: &n.Columns[j], Index: j})
		}
		tables[i] = t
		p.ByID[n.ID] = t
	}
	for _, t := range tables {
		if t.Node.Kind == dsl.Fact && len(t.Node.Parents) > 0 {
			t.Primary = p.ByID[t.Node.Parents[0]]
		}
		errs = append(errs, p.resolveColumns(t)...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := p.resolveBehavior(); len(errs) > 0 {
		return nil, errs
	}
	p.resolveOrderings()
	if errs := p.resolveAggregates(); len(errs) > 0 {
		return nil, errs
	}
	order, err := p.order()
	if err != nil {
		return nil, err
	}
	p.Order = order
	p.resolveTimeColumns()
	if errs := p.resolveGrowth(); len(errs) > 0 {
		return nil, errs
	}
	for _, t := range tables {
		errs = append(errs, p.resolveHistory(t)...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := p.resolveVersionedLookups(); len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// dependsOn records that t reads column col of table id ("" for every
// column) and so must come after it.
func (p *Plan) dependsOn(t *Table, id, col string) {
	d := p.ByID[id]
	if d == nil {
		return
	}
	if col == "" {
		for _, c := range d.Cols {
			d.Keep[c.Spec.Name] = true
		}
	}
	p.read(t, d, col)
	p.addDep(t, d)
}

// read records that t reads column col of d ("" for every column), which
// d therefore keeps in memory.
func (p *Plan) read(t, d *Table, col string) {
	if col != "" {
		d.Keep[col] = true
	}
	m := p.readsOf[t]
	if m == nil {
		m = map[*Table]map[string]bool{}
		p.readsOf[t] = m
	}
	if m[d] == nil {
		m[d] = map[string]bool{}
	}
	m[d][col] = true
}

// addDep records that t comes after d.
func (p *Plan) addDep(t, d *Table) {
	if d == t {
		return
	}
	for _, x := range t.Deps {
		if x == d {
			return
		}
	}
	t.Deps = append(t.Deps, d)
}

func (p *Plan) resolveColumns(t *Table) input.Problems {
	var errs input.Problems
	n := t.Node
	for _, id := range n.Parents {
		if d := p.ByID[id]; d != nil {
			p.addDep(t, d)
		}
	}
	for _, m := range n.Modifiers {
		if m.Effect != nil {
			p.dependsOn(t, m.Effect.EffectTable, "")
			if t.Primary != nil {
				for _, kp := range m.Effect.On {
					if t.Primary.ColumnIndex(kp.Local) >= 0 {
						p.read(t, t.Primary, kp.Local)
					}
				}
				if ts := tableEffectTS(t.Primary, m.Effect); ts != "" {
					p.read(t, t.Primary, ts)
				}
			}
		}
	}
	firstTime := func(except string, before int) string {
		for i, c := range t.Cols {
			if before >= 0 && i >= before {
				break
			}
			if c.Spec.Type.IsTime() && c.Spec.Name != except {
				return c.Spec.Name
			}
		}
		return ""
	}
	for ci, c := range t.Cols {
		spec := c.Spec
		g := spec.Generator
		reads := map[string]bool{}
		switch g.Kind {
		case dsl.GenLookup:
			l := g.Lookup
			p.dependsOn(t, l.Table, l.Column)
			if l.Table == t.ID() {
				t.SelfLookup = true
			}
			for _, kp := range l.On {
				reads[kp.Local] = true
				if d := p.ByID[l.Table]; d != nil {
					p.read(t, d, kp.Remote)
				}
			}
		case dsl.GenDatetimeSeries:
			if l := g.DatetimeSeries.Lifetime; l != nil {
				p.dependsOn(t, l.Table, l.StartCol)
				if l.EndCol != "" {
					p.dependsOn(t, l.Table, l.EndCol)
				}
			}
		case dsl.GenChoice:
			if g.Choice.ChoicesRef != "" {
				p.dependsOn(t, g.Choice.RefTable, g.Choice.RefColumn)
			}
		case dsl.GenFaker:
			if g.Faker.LocaleFrom != "" {
				reads[g.Faker.LocaleFrom] = true
			} else if g.Faker.Locale == "" {
				// The column may follow a sibling's locale_from (see
				// gen's faker): compute every locale_from column first.
				for _, other := range t.Cols {
					if f := other.Spec.Generator.Faker; f != nil && f.LocaleFrom != "" && f.LocaleFrom != spec.Name {
						reads[f.LocaleFrom] = true
					}
				}
			}
		case dsl.GenExpression:
			// Names that are not columns are reported by the expression
			// check; a syntax error is reported there too.
			names, _ := expr.Columns(g.Expression.Code)
			for _, name := range names {
				if name != spec.Name && t.ColumnIndex(name) >= 0 {
					reads[name] = true
				}
			}
		}
		needTS := false
		for _, m := range spec.Modifiers {
			switch m.Transform {
			case dsl.TEffect:
				p.dependsOn(t, m.Effect.EffectTable, "")
				for _, kp := range m.Effect.On {
					reads[kp.Local] = true
				}
				if m.Effect.TS != "" {
					reads[m.Effect.TS] = true
					c.TS = m.Effect.TS
				} else if !spec.Type.IsTime() && m.Effect.StartCol != "" {
					needTS = true
				}
			case dsl.TSeasonality:
				if !spec.Type.IsTime() {
					needTS = true
				}
			case dsl.TTrend:
				if m.Trend.TimeReference != "" {
					reads[m.Trend.TimeReference] = true
				} else {
					needTS = true
				}
			}
		}
		if needTS && c.TS == "" {
			c.TS = firstTime(spec.Name, ci)
			if c.TS == "" {
				c.TS = firstTime(spec.Name, -1)
			}
			if c.TS == "" {
				errs = append(errs, input.Problem{Path: colPath(t, ci) + ".modifiers",
					Message: fmt.Sprintf("column %q of %q has a time-dependent modifier but the table has no datetime or date column to read", spec.Name, t.ID())})
			} else {
				reads[c.TS] = true
			}
		}
		delete(reads, spec.Name)
		for r := range reads {
			c.Reads = append(c.Reads, r)
		}
		sort.Strings(c.Reads)
	}
	order, pr := columnOrder(t)
	if pr != nil {
		errs = append(errs, *pr)
	}
	t.EvalOrder = order
	return errs
}

// tableEffectTS is the parent column a table-level effect matches its
// window against: args.ts if given, else the parent's first datetime or
// date column, else "" (the timeframe midpoint).
func tableEffectTS(parent *Table, e *dsl.EffectArgs) string {
	if e.TS != "" {
		return e.TS
	}
	for _, c := range parent.Cols {
		if c.Spec.Type.IsTime() {
			return c.Spec.Name
		}
	}
	return ""
}

// columnOrder sorts columns topologically by their reads, keeping
// declaration order where free.
func columnOrder(t *Table) ([]int, *input.Problem) {
	// Kahn's algorithm, taking the lowest-index ready column each time:
	// linear (up to the heap's log) in the columns and reads.
	n := len(t.Cols)
	waits := make([]int, n)
	readers := make([][]int, n)
	for i, c := range t.Cols {
		for _, r := range c.Reads {
			if j := t.ColumnIndex(r); j >= 0 {
				waits[i]++
				readers[j] = append(readers[j], i)
			}
		}
	}
	ready := &intHeap{}
	for i := range t.Cols {
		if waits[i] == 0 {
			heap.Push(ready, i)
		}
	}
	order := make([]int, 0, n)
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		order = append(order, i)
		for _, k := range readers[i] {
			if waits[k]--; waits[k] == 0 {
				heap.Push(ready, k)
			}
		}
	}
	if len(order) < n {
		var stuck []string
		for i, c := range t.Cols {
			if waits[i] > 0 {
				stuck = append(stuck, c.Spec.Name)
			}
		}
		return nil, &input.Problem{Path: nodePath(t) + ".columns",
			Message: fmt.Sprintf("columns of %q read each other in a cycle: %s", t.ID(), strings.Join(stuck, ", "))}
	}
	return order, nil
}

// intHeap is a min-heap of ints (container/heap).
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// order returns the generation order: the explicit dag when given
// (checked), otherwise Kahn levels with ids sorted inside a level.
func (p *Plan) order() ([]*Table, error) {
	s := p.Schema
	if len(s.DAG) > 0 {
		var out []*Table
		seen := map[string]bool{}
		var errs input.Problems
		for li, level := range s.DAG {
			for _, id := range level {
				t := p.ByID[id]
				if t == nil || seen[id] {
					continue
				}
				for _, d := range t.Deps {
					if !seen[d.ID()] {
						errs = append(errs, input.Problem{Path: fmt.Sprintf("dag[%d]", li),
							Message: fmt.Sprintf("%q is listed before %q, which it reads; move %q to an earlier level", id, d.ID(), d.ID())})
					}
				}
				seen[id] = true
				out = append(out, t)
			}
		}
		if len(errs) > 0 {
			return nil, errs
		}
		return out, nil
	}
	level := map[*Table]int{}
	var visit func(t *Table, stack []*Table) error
	visit = func(t *Table, stack []*Table) error {
		if _, ok := level[t]; ok {
			return nil
		}
		for _, x := range stack {
			if x == t {
				var ids []string
				for _, y := range stack {
					ids = append(ids, y.ID())
				}
				return input.Problems{{Path: "nodes", Message: "tables depend on each other in a cycle: " + strings.Join(append(ids, t.ID()), " → ")}}
			}
		}
		l := 0
		for _, d := range t.Deps {
			if err := visit(d, append(stack, t)); err != nil {
				return err
			}
			if level[d]+1 > l {
				l = level[d] + 1
			}
		}
		level[t] = l
		return nil
	}
	var all []*Table
	for _, id := range sortedIDs(p.ByID) {
		t := p.ByID[id]
		if err := visit(t, nil); err != nil {
			return nil, err
		}
		all = append(all, t)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if level[all[i]] != level[all[j]] {
			return level[all[i]] < level[all[j]]
		}
		return all[i].ID() < all[j].ID()
	})
	return all, nil
}

func sortedIDs(m map[string]*Table) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
