package validate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/plan"
)

// Options tune a validation run.
type Options struct {
	// DataDir and Format are recorded in the report's metadata.
	DataDir, Format string
	// Version is the datagen version recorded in the report.
	Version string
	// Now returns the report timestamp (default time.Now).
	Now func() time.Time
	// SeasonalityTolerance is the total variation distance between an
	// observed and a declared time profile that a seasonality check
	// accepts beyond the sampling noise (default 0.03: 3 % of the rows in
	// the wrong cells).
	SeasonalityTolerance float64
	// RelativeTolerance is the relative error accepted beyond sampling
	// noise by the checks of numeric seasonality and trend modifiers
	// (default 0.05).
	RelativeTolerance float64
	// DryRunSample, when positive, says that the data is a preview whose
	// every table was capped at this many rows (generate --dry-run-sample,
	// the component's sample_rows): checks that a cap makes meaningless
	// are adjusted (fanout: only the upper bound), and the report says so.
	DryRunSample int64
	// SampleRows is the size of the deterministic value sample kept per
	// numeric column for quantiles (default 8192; outlier checks keep
	// 65536).
	SampleRows int
}

func (o *Options) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SeasonalityTolerance <= 0 {
		o.SeasonalityTolerance = 0.03
	}
	if o.RelativeTolerance <= 0 {
		o.RelativeTolerance = 0.05
	}
	if o.SampleRows <= 0 {
		o.SampleRows = 8192
	}
}

// Validator collects the data of a schema's tables block by block and
// turns it into a Report. Feed it through the writers returned by Table,
// one table after another (a table's data counts as complete once the
// next table is opened or it is committed); then call Finish.
type Validator struct {
	s      *dsl.Schema
	p      *plan.Plan
	opts   Options
	tables []*tableState
	byID   map[string]*tableState
	keys   map[keyID]*keyIndex
	checks []checker
	names  map[string]int
	// members shares one membership check among the foreign keys that
	// compare the same two columns.
	members map[[4]any]*memberCheck
	// compKeys holds the composite primary key check of each table that
	// has one, shared with the children that copy the whole key.
	compKeys map[string]*compositeKeyCheck
	mu       sync.Mutex
	start    time.Time
	done     bool
}

// checker produces the results of one or more checks at Finish.
type checker interface {
	results(v *Validator) []Result
}

// feeder consumes the blocks of one table.
type feeder interface {
	feed(b *blockView)
}

// blockView is a block with its vectors in schema column order; a column
// the data lacks (or whose values had the wrong type) is nil.
type blockView struct {
	start int64
	rows  int
	cols  []*column.Vector
	// at, in the view of every version of a table with history
	// (versionFeeders), holds each row's valid_from or changed_at; nil
	// otherwise.
	at *column.Vector
}

// tableState is everything collected about one table.
type tableState struct {
	id      string
	idx     int
	node    *dsl.Node
	pt      *plan.Table
	cols    []*colState
	feeders []feeder
	present bool // Table was called
	sealed  bool // no more blocks will come
	aborted bool
	rows    int64
	file    string
	missing []bool // per column: absent from the data
	// type problems per column: values that could not be read as the
	// declared type, and a note (e.g. the physical type found).
	typeBad    []int64
	typeNote   []string
	typeSample []string
	// unparsed counts the values of each column that a reader could not
	// read as the column's type and passed on as nulls: type errors, not
	// nulls.
	unparsed  []int64
	extraCols []string
	// hist is the history check of a table written with history;
	// versionFeeders see every row of such a table, every version, where
	// feeders see the first version of each entity.
	hist           *historyCheck
	versionFeeders []feeder
	retain         bool
	kept           []*column.Vector
}

// New plans the checks of the schema of plan p, the plan the data was (or
// is being) generated from. The schema must have passed the dsl checks.
func New(p *plan.Plan, opts Options) (*Validator, error) {
	if p == nil || p.Schema == nil {
		return nil, errors.New("validate: nil plan")
	}
	s := p.Schema
	opts.defaults()
	v := &Validator{s: s, p: p, opts: opts, byID: map[string]*tableState{}, keys: map[keyID]*keyIndex{},
		names: map[string]int{}, start: time.Now()}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		t := &tableState{id: n.ID, idx: i, node: n, pt: p.ByID[n.ID],
			missing: make([]bool, len(n.Columns)), typeBad: make([]int64, len(n.Columns)),
			typeNote: make([]string, len(n.Columns)), typeSample: make([]string, len(n.Columns)),
			unparsed: make([]int64, len(n.Columns))}
		for j := range n.Columns {
			t.cols = append(t.cols, newColState(&n.Columns[j], v.opts.SampleRows))
		}
		v.tables = append(v.tables, t)
		v.byID[n.ID] = t
	}
	v.planChecks()
	return v, nil
}

// Schema returns the validated schema.
func (v *Validator) Schema() *dsl.Schema { return v.s }

// Plan returns the schema's plan (its table order is the order in which
// tables should be fed).
func (v *Validator) Plan() *plan.Plan { return v.p }

// TableWriter collects one table's blocks. It has the shape of the
// engine's Writer (WriteBlock, Commit, Abort), so it can run beside a
// file writer while the data is generated.
type TableWriter struct {
	v      *Validator
	t      *tableState
	fields []column.Field
	// colOf maps a schema column to its position in the blocks (-1: absent).
	colOf []int
	view  blockView
	err   error
	// first keeps only the first version of each entity of a table
	// written with history, or is nil; versions is the view of every
	// version that versionFeeders read.
	first    *firstVersions
	versions blockView
}

// Table starts collecting table id, whose blocks will carry the columns
// fields (in block order). Columns of the schema missing from fields are
// reported as missing; extra fields are ignored. Opening a table seals
// every table opened before it.
func (v *Validator) Table(id string, fields []column.Field) (*TableWriter, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.done {
		return nil, errors.New("validate: Table called after Finish")
	}
	t := v.byID[id]
	if t == nil {
		return nil, fmt.Errorf("validate: table %q is not a node of the schema", id)
	}
	if t.present {
		return nil, fmt.Errorf("validate: table %q opened twice", id)
	}
	for _, o := range v.tables {
		if o.present {
			o.sealed = true
		}
	}
	t.present = true
	w := &TableWriter{v: v, t: t, fields: fields, colOf: make([]int, len(t.cols))}
	byName := map[string]int{}
	for i, f := range fields {
		byName[f.Name] = i
	}
	for j, c := range t.cols {
		i, ok := byName[c.spec.Name]
		if !ok {
			w.colOf[j] = -1
			t.missing[j] = true
			continue
		}
		w.colOf[j] = i
		delete(byName, c.spec.Name)
	}
	w.first = newFirstVersions(t, fields)
	for _, f := range fields {
		if _, extra := byName[f.Name]; extra && !isHistoryColumn(t.node, f.Name) {
			t.extraCols = append(t.extraCols, f.Name)
		}
	}
	w.view.cols = make([]*column.Vector, len(t.cols))
	w.versions.cols = make([]*column.Vector, len(t.cols))
	if t.retain {
		t.kept = make([]*column.Vector, len(t.cols))
		for j, c := range t.cols {
			t.kept[j] = &column.Vector{Type: c.spec.Type}
		}
	}
	return w, nil
}

// WriteBlock collects the rows of b. It keeps no reference to b.
func (w *TableWriter) WriteBlock(b *column.Block) error {
	if w.err != nil {
		return w.err
	}
	t := w.t
	if t.sealed {
		w.err = fmt.Errorf("validate: table %q: block after the table was sealed", t.id)
		return w.err
	}
	if len(b.Cols) != len(w.fields) {
		w.err = fmt.Errorf("validate: table %q: block at row %d has %d columns, expected %d", t.id, b.Start, len(b.Cols), len(w.fields))
		return w.err
	}
	if len(t.versionFeeders) > 0 {
		w.feedVersions(b)
	}
	if w.first != nil {
		b = w.first.filter(b)
	}
	view := &w.view
	view.start, view.rows = t.rows, b.Rows
	for j, c := range t.cols {
		view.cols[j] = nil
		i := w.colOf[j]
		if i < 0 {
			continue
		}
		if t.typeNote[j] != "" {
			continue
		}
		vec := b.Cols[i]
		if vec == nil || vec.Type != c.spec.Type || vec.Len() != b.Rows {
			t.typeBad[j] += int64(b.Rows)
			if t.typeNote[j] == "" {
				got := "no vector"
				if vec != nil {
					got = fmt.Sprintf("%v values (%d for %d rows)", vec.Type, vec.Len(), b.Rows)
				}
				t.typeNote[j] = fmt.Sprintf("declared %v, got %s", c.spec.Type, got)
			}
			continue
		}
		view.cols[j] = vec
	}
	for j, c := range t.cols {
		if vec := view.cols[j]; vec != nil {
			c.feed(vec, view.start, view.rows)
			if t.kept != nil {
				if t.rows+int64(view.rows) > retainCap {
					t.kept = nil
				} else {
					appendVector(t.kept[j], vec)
				}
			}
		}
	}
	for _, f := range t.feeders {
		f.feed(view)
	}
	t.rows += int64(b.Rows)
	return nil
}

// typeIssue records a value of column j that could not be read as its
// declared type (readers call it; the value is then treated as null).
func (w *TableWriter) typeIssue(j int, raw string) {
	t := w.t
	t.typeBad[j]++
	t.unparsed[j]++
	if t.typeSample[j] == "" {
		t.typeSample[j] = strings.Clone(truncate(raw, 80))
	}
}

// columnTypeIssue records that a whole column has an unreadable type.
func (w *TableWriter) columnTypeIssue(j int, note string) {
	if w.t.typeNote[j] == "" {
		w.t.typeNote[j] = note
	}
}

// Commit seals the table.
func (w *TableWriter) Commit() error {
	w.v.mu.Lock()
	defer w.v.mu.Unlock()
	w.t.sealed = true
	return w.err
}

// Abort forgets that the table was seen: it is reported as missing.
func (w *TableWriter) Abort() {
	w.v.mu.Lock()
	defer w.v.mu.Unlock()
	w.t.sealed, w.t.aborted, w.t.present = true, true, false
}

// setFile records the file a table was read from.
func (w *TableWriter) setFile(name string) { w.t.file = name }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// appendVector appends src's values to dst (same type).
func appendVector(dst, src *column.Vector) {
	n0 := dst.Len()
	dst.AppendRange(src, 0, src.Len())
	if src.Type == column.String {
		// The block's strings point into the reader's reused buffers.
		for i := n0; i < len(dst.Strs); i++ {
			dst.Strs[i] = strings.Clone(dst.Strs[i])
		}
	}
}

// memTable is a retained table, readable whole (modify.Table).
type memTable struct {
	t *tableState
}

func (m memTable) Rows() int64 { return m.t.rows }

func (m memTable) Column(name string) *column.Vector {
	for j, c := range m.t.cols {
		if c.spec.Name == name && m.t.kept != nil && !m.t.missing[j] && m.t.typeNote[j] == "" {
			return m.t.kept[j]
		}
	}
	return nil
}

// splitRef splits "table.column".
func splitRef(ref string) (string, string, bool) {
	i := strings.IndexByte(ref, '.')
	if i <= 0 || i == len(ref)-1 {
		return "", "", false
	}
	return ref[:i], ref[i+1:], true
}

// column returns the table and column index of "table.column".
func (v *Validator) column(ref string) (*tableState, int) {
	tn, cn, ok := splitRef(ref)
	if !ok {
		return nil, -1
	}
	t := v.byID[tn]
	if t == nil {
		return nil, -1
	}
	return t, t.colIndex(cn)
}

func (t *tableState) colIndex(name string) int {
	for j, c := range t.cols {
		if c.spec.Name == name {
			return j
		}
	}
	return -1
}

// unavailable explains why column j of t has no data to check, or "".
func (t *tableState) unavailable(j int) string {
	switch {
	case !t.present:
		return fmt.Sprintf("table %q is missing", t.id)
	case j < 0:
		return "no such column"
	case t.missing[j]:
		return fmt.Sprintf("column %q is missing from table %q", t.cols[j].spec.Name, t.id)
	case t.typeNote[j] != "":
		return fmt.Sprintf("column %q of %q has the wrong type (%s)", t.cols[j].spec.Name, t.id, t.typeNote[j])
	}
	return ""
}

// uniqueName returns name, or name#k when it was used before.
func (v *Validator) uniqueName(name string) string {
	v.names[name]++
	if k := v.names[name]; k > 1 {
		return name + "#" + strconv.Itoa(k)
	}
	return name
}
