package twin

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/cespare/xxhash/v2"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/input"
	"datagen/src/rng"
)

// Report is the result of comparing an original data set with its twin.
type Report struct {
	// Similarity is the overall score, 0–100: the mean of the tables'
	// scores, weighted by their number of compared items.
	Similarity float64        `json:"similarity"`
	Tables     []*TableReport `json:"tables"`
	Privacy    Privacy        `json:"privacy"`
	// Missing lists tables of the original without a twin and back.
	Missing []string `json:"missing,omitempty"`
	// Empty lists the tables without rows in the original (a header-only
	// table of a later time window): nothing of them is compared or
	// scored.
	Empty []string `json:"empty,omitempty"`
}

// TableReport compares one table.
type TableReport struct {
	Table         string          `json:"table"`
	OriginalRows  int64           `json:"original_rows"`
	SyntheticRows int64           `json:"synthetic_rows"`
	Score         float64         `json:"score"`
	Columns       []*ColumnReport `json:"columns"`
	// ForeignKeys is the share of the twin's values of each foreign key
	// found among the parent's keys (1 = every reference resolves).
	ForeignKeys []ForeignKeyReport `json:"foreign_keys,omitempty"`
	// Fanout compares the children per primary-parent row.
	Fanout *FanoutReport `json:"fanout,omitempty"`
	// Correlations compares the Pearson correlations of each pair of
	// number columns (keys aside) in a sample of rows of each side.
	Correlations *CorrelationReport `json:"correlations,omitempty"`
	// CopiedRows counts rows of the twin equal to a row of the original,
	// in all columns (Rows) and in all columns but the primary key
	// (RowsButKey). HighCardinality says whether the table has a column
	// with mostly distinct values, where any copy is a leak.
	CopiedRows      int64 `json:"copied_rows"`
	CopiedRowsNoKey int64 `json:"copied_rows_but_key"`
	HighCardinality bool  `json:"high_cardinality"`
	// ClosestRecord measures how near the twin's rows come to the
	// original's, over the number columns (keys aside).
	ClosestRecord *ClosestRecordReport `json:"closest_record,omitempty"`
}

// ClosestRecordReport is the distance from rows to their closest original
// row: the mean absolute difference over the number columns, each scaled
// by the original column's standard deviation, in row samples. Twin rows
// much closer to the original than the original's own rows are to each
// other would mean that rows are reproduced.
type ClosestRecordReport struct {
	Columns int `json:"columns"`
	// TwinMedian and TwinP5 are the median and 5th percentile of the
	// distance from a twin row to its closest original row.
	TwinMedian float64 `json:"twin_median"`
	TwinP5     float64 `json:"twin_p5"`
	// OriginalMedian and OriginalP5 are the same for rows of one half of
	// the original's sample against the other half: the baseline.
	OriginalMedian float64 `json:"original_median"`
	OriginalP5     float64 `json:"original_p5"`
}

// ColumnReport compares one column.
type ColumnReport struct {
	Column string `json:"column"`
	Type   string `json:"type"`
	// Metric is "ks" (numbers, instants, lengths of high-cardinality
	// text) or "tv" (total variation distance of categories).
	Metric   string  `json:"metric"`
	Distance float64 `json:"distance"`
	// NullRate of each side.
	NullRateOriginal  float64 `json:"null_rate_original"`
	NullRateSynthetic float64 `json:"null_rate_synthetic"`
	// Hour and Weekday are total variation distances of the hour-of-day
	// and day-of-week profiles of a time column.
	// RareValues and RareLeaked count the values of the original seen
	// fewer than k times and how many of them the twin holds (by copy,
	// or by chance when a generator draws from a pool of names).
	RareValues int      `json:"rare_values,omitempty"`
	RareLeaked int      `json:"rare_values_leaked,omitempty"`
	Hour       *float64 `json:"hour_tv,omitempty"`
	Weekday    *float64 `json:"weekday_tv,omitempty"`
	Score      float64  `json:"score"`
}

// ForeignKeyReport is the integrity of one foreign key in the twin.
type ForeignKeyReport struct {
	Column     string  `json:"column"`
	References string  `json:"references"`
	Resolved   float64 `json:"resolved"`
}

// CorrelationReport compares pairwise correlations.
type CorrelationReport struct {
	Pairs int `json:"pairs"`
	// MeanAbsDiff and MaxAbsDiff are the mean and largest absolute
	// difference between a pair's correlation in the original and in the
	// twin; MaxPair names the pair of the largest.
	MeanAbsDiff float64 `json:"mean_abs_diff"`
	MaxAbsDiff  float64 `json:"max_abs_diff"`
	MaxPair     string  `json:"max_pair,omitempty"`
}

// FanoutReport compares the number of children per parent.
type FanoutReport struct {
	Parent        string  `json:"parent"`
	MeanOriginal  float64 `json:"mean_original"`
	MeanSynthetic float64 `json:"mean_synthetic"`
	KS            float64 `json:"ks"`
}

// Privacy sums up what of the original appears in the twin.
type Privacy struct {
	// CopiedRows is the number of rows of the twin equal to a row of the
	// original, over all tables; CopiedRowsHighCardinality only over
	// tables with a high-cardinality column (it must be 0).
	CopiedRows                int64 `json:"copied_rows"`
	CopiedRowsHighCardinality int64 `json:"copied_rows_high_cardinality"`
	// RareValues is the number of distinct values seen fewer than K times
	// in a column of the original (all of them while a column has few
	// distinct values, else a sample); RareValuesLeaked how many of them
	// appear in the same column of the twin. The values themselves are
	// not reported.
	K                int `json:"k"`
	RareValues       int `json:"rare_values"`
	RareValuesLeaked int `json:"rare_values_leaked"`
}

// side is one data set read for comparison.
type side struct {
	tables map[string]*compareTable
	order  []string
}

type compareTable struct {
	*tableStats
	// rows and rowsNoKey are the hashes of whole rows and of rows without
	// the key column (the original's, to find copies), or counts of hits
	// (the twin's).
	rowHashes, rowHashesNoKey map[uint64]struct{}
	keyCol                    int
	cur, curNoKey             uint64
	copied, copiedK           int64
	against                   *compareTable
	// rare are the hashes of rare values per column (original), and the
	// leaked ones found (twin).
	rare   []map[uint64]bool
	leaked []map[uint64]bool
}

func (t *compareTable) mixValue(i int, h uint64) {
	v := rng.Mix64(h + uint64(i+1)*0x9e3779b97f4a7c15)
	t.cur ^= v
	if i != t.keyCol {
		t.curNoKey ^= v
	}
}

func (t *compareTable) null(i int) { t.tableStats.null(i); t.mixValue(i, 0x6e756c6c) }
func (t *compareTable) int(i int, v int64) {
	t.tableStats.int(i, v)
	if t.cols[i].typ.IsTime() {
		t.mixValue(i, rng.Mix64(uint64(v)))
	} else {
		t.mixValue(i, rng.Mix64(math.Float64bits(float64(v))))
	}
}
func (t *compareTable) float(i int, v float64) {
	t.tableStats.float(i, v)
	t.mixValue(i, rng.Mix64(math.Float64bits(v)))
}
func (t *compareTable) str(i int, v string) {
	t.tableStats.str(i, v)
	h := xxhash.Sum64String(v)
	t.mixValue(i, h)
	if t.against != nil && t.against.rare != nil {
		if r := t.against.rare[i]; r != nil && r[rng.Mix64(h)] {
			if t.leaked[i] == nil {
				t.leaked[i] = map[uint64]bool{}
			}
			t.leaked[i][rng.Mix64(h)] = true
		}
	}
}
func (t *compareTable) bool(i int, v bool) {
	t.tableStats.bool(i, v)
	h := uint64(2)
	if v {
		h = 1
	}
	t.mixValue(i, h)
}
func (t *compareTable) endRow() {
	t.tableStats.endRow()
	if t.rowHashes != nil {
		t.rowHashes[t.cur] = struct{}{}
		t.rowHashesNoKey[t.curNoKey] = struct{}{}
	} else if t.against != nil {
		if _, ok := t.against.rowHashes[t.cur]; ok {
			t.copied++
		}
		if _, ok := t.against.rowHashesNoKey[t.curNoKey]; ok {
			t.copiedK++
		}
	}
	t.cur, t.curNoKey = 0, 0
}

// readSide reads the tables of paths; against is the original side when
// reading the twin.
func readSide(ctx context.Context, paths []string, st Structure, against *side, k int) (*side, error) {
	srcs, err := discover(paths)
	if err != nil {
		return nil, err
	}
	s := &side{tables: map[string]*compareTable{}}
	for _, src := range srcs {
		if err := src.prepare(ctx); err != nil {
			return nil, err
		}
		t := &compareTable{tableStats: newTableStats(src), keyCol: -1}
		for i, c := range src.columns {
			if c == st.Keys[src.name] {
				t.keyCol = i
			}
		}
		if against != nil {
			t.against = against.tables[src.name]
			if t.against != nil && !sameColumns(t.against.src, src) {
				return nil, input.User(fmt.Errorf("table %s: the twin's columns %v differ from the original's %v", src.name, src.columns, t.against.src.columns))
			}
			t.leaked = make([]map[uint64]bool, len(src.columns))
		} else {
			t.rowHashes, t.rowHashesNoKey = map[uint64]struct{}{}, map[uint64]struct{}{}
		}
		if err := src.scan(ctx, t); err != nil {
			return nil, err
		}
		if against == nil {
			if t.keyCol >= 0 && !t.cols[t.keyCol].unique() {
				t.keyCol = -1 // not a key of the data: compared as any column
			}
			t.findRare(k, st.Foreign[src.name])
		}
		s.tables[src.name] = t
		s.order = append(s.order, src.name)
	}
	return s, nil
}

func sameColumns(a, b *source) bool {
	if len(a.columns) != len(b.columns) {
		return false
	}
	for i := range a.columns {
		if a.columns[i] != b.columns[i] {
			return false
		}
	}
	return true
}

// findRare collects the hashes of the values of string columns (keys
// and foreign keys aside) seen fewer than k times: every one while a
// column's values are counted, else those of the column's sample of
// distinct values (whose counts are exact).
func (t *compareTable) findRare(k int, fks []ForeignKey) {
	t.rare = make([]map[uint64]bool, len(t.cols))
	isFK := func(name string) bool {
		for _, fk := range fks {
			if fk.Column == name {
				return true
			}
		}
		return false
	}
	for i, c := range t.cols {
		if i == t.keyCol || c.typ != column.String || isFK(c.name) {
			continue
		}
		r := map[uint64]bool{}
		switch {
		case c.strCounts != nil:
			for v, n := range c.strCounts {
				if *n < int64(k) {
					r[rng.Mix64(xxhash.Sum64String(v))] = true
				}
			}
		default:
			for h, n := range c.sample.counts {
				if n < int64(k) {
					r[h] = true
				}
			}
		}
		if len(r) > 0 {
			t.rare[i] = r
		}
	}
}

// Structure is what the comparison needs to know of the schema: each
// table's key column and its foreign keys.
type Structure struct {
	Keys    map[string]string
	Foreign map[string][]ForeignKey
	// Primary is the primary parent's foreign key of each fact.
	Primary map[string]ForeignKey
}

// ForeignKey is a column whose values are keys of another table.
type ForeignKey struct{ Column, Parent, Key string }

// StructureOf reads keys and foreign keys (lookups of another table's
// single-column key, without a join) from a schema.
func StructureOf(s *dsl.Schema) Structure {
	st := Structure{Keys: map[string]string{}, Foreign: map[string][]ForeignKey{}, Primary: map[string]ForeignKey{}}
	pk := map[string]string{}
	for _, n := range s.Nodes {
		if len(n.PK) == 1 {
			pk[n.ID] = n.PK[0]
		}
	}
	has := func(table, col string) bool {
		for _, fk := range st.Foreign[table] {
			if fk.Column == col {
				return true
			}
		}
		return false
	}
	for _, n := range s.Nodes {
		if len(n.PK) == 1 {
			st.Keys[n.ID] = n.PK[0]
		}
		for _, c := range n.Columns {
			l := c.Generator.Lookup
			if c.Generator.Kind != dsl.GenLookup || l == nil || len(l.On) > 0 || l.Table == n.ID || pk[l.Table] != l.Column {
				continue
			}
			fk := ForeignKey{Column: c.Name, Parent: l.Table, Key: l.Column}
			st.Foreign[n.ID] = append(st.Foreign[n.ID], fk)
			if n.Kind == dsl.Fact && len(n.Parents) > 0 && n.Parents[0] == l.Table {
				if _, ok := st.Primary[n.ID]; !ok {
					st.Primary[n.ID] = fk
				}
			}
		}
	}
	// Declared foreign keys: references drawn by a choice of the parent's
	// keys (infer writes them so) rather than by a lookup.
	for _, fk := range s.Constraints.ForeignKeys {
		ft, fc, ok1 := strings.Cut(fk.From, ".")
		tt, tc, ok2 := strings.Cut(fk.To, ".")
		if !ok1 || !ok2 || ft == tt || pk[tt] != tc || has(ft, fc) {
			continue
		}
		st.Foreign[ft] = append(st.Foreign[ft], ForeignKey{Column: fc, Parent: tt, Key: tc})
	}
	return st
}

// Compare reads an original data set and its twin (files or folders, as
// for Infer) and measures how alike they are and what of the original the
// twin copies. k is the privacy threshold of rare values.
func Compare(ctx context.Context, original, synthetic []string, st Structure, k int) (*Report, error) {
	if k <= 0 {
		k = 5
	}
	orig, err := readSide(ctx, original, st, nil, k)
	if err != nil {
		return nil, fmt.Errorf("reading the original: %w", err)
	}
	syn, err := readSide(ctx, synthetic, st, orig, k)
	if err != nil {
		return nil, fmt.Errorf("reading the twin: %w", err)
	}
	rep := &Report{Privacy: Privacy{K: k}}
	var total, weight float64
	for _, name := range orig.order {
		o, s := orig.tables[name], syn.tables[name]
		if s == nil {
			rep.Missing = append(rep.Missing, name+" (no twin)")
			total, weight = total+0, weight+1
			continue
		}
		if o.rows == 0 {
			rep.Empty = append(rep.Empty, name)
			continue
		}
		tr := compareTable2(o, s, st, orig, syn)
		rep.Tables = append(rep.Tables, tr)
		w := float64(len(tr.Columns) + 1)
		total += tr.Score * w
		weight += w
		rep.Privacy.CopiedRows += tr.CopiedRows
		if tr.HighCardinality {
			rep.Privacy.CopiedRowsHighCardinality += tr.CopiedRows
		}
		for i := range o.cols {
			rep.Privacy.RareValues += len(o.rare[i])
			rep.Privacy.RareValuesLeaked += len(s.leaked[i])
		}
	}
	for _, name := range syn.order {
		if orig.tables[name] == nil {
			rep.Missing = append(rep.Missing, name+" (not in the original)")
		}
	}
	if weight > 0 {
		rep.Similarity = round2(total / weight)
	}
	return rep, nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// compareTable2 compares one table of each side.
func compareTable2(o, s *compareTable, st Structure, orig, syn *side) *TableReport {
	name := o.src.name
	tr := &TableReport{Table: name, OriginalRows: o.rows, SyntheticRows: s.rows,
		CopiedRows: s.copied, CopiedRowsNoKey: s.copiedK}
	var scores []float64
	// Row count: 1 at equal counts, falling with the log ratio.
	rowScore := 1.0
	if o.rows > 0 && s.rows > 0 {
		rowScore = math.Max(0, 1-math.Abs(math.Log(float64(s.rows)/float64(o.rows))))
	} else if o.rows != s.rows {
		rowScore = 0
	}
	scores = append(scores, rowScore)
	for i, oc := range o.cols {
		sc := s.cols[i]
		if oc.distinct() > 0.5*float64(oc.nonNull()) && oc.nonNull() > 20 && i != o.keyCol {
			tr.HighCardinality = true
		}
		if i == o.keyCol {
			continue // a key's values are row identities, not a distribution
		}
		var cr *ColumnReport
		if isForeign(st.Foreign[name], oc.name) && oc.sample != nil && sc.sample != nil {
			cr = compareReferences(oc, sc)
		} else {
			cr = compareColumn(oc, sc)
		}
		cr.RareValues, cr.RareLeaked = len(o.rare[i]), len(s.leaked[i])
		tr.Columns = append(tr.Columns, cr)
		scores = append(scores, cr.Score/100)
	}
	for _, fk := range st.Foreign[name] {
		c := s.col(fk.Column)
		p := syn.tables[fk.Parent]
		if c == nil || p == nil || p.col(fk.Key) == nil {
			continue
		}
		share, _ := c.kmv.containedIn(p.col(fk.Key).kmv)
		if c.nonNull() == 0 {
			share = 1
		}
		tr.ForeignKeys = append(tr.ForeignKeys, ForeignKeyReport{Column: fk.Column, References: fk.Parent + "." + fk.Key, Resolved: round4(share)})
		scores = append(scores, share)
	}
	if fk, ok := st.Primary[name]; ok && orig.tables[fk.Parent] != nil && syn.tables[fk.Parent] != nil {
		oc, sc := o.col(fk.Column), s.col(fk.Column)
		if oc != nil && sc != nil && oc.sample != nil && sc.sample != nil {
			oh := childCounts(oc, orig.tables[fk.Parent].rows)
			sh := childCounts(sc, syn.tables[fk.Parent].rows)
			fr := &FanoutReport{Parent: fk.Parent, MeanOriginal: round4(histMean(oh)), MeanSynthetic: round4(histMean(sh)), KS: round4(histKS(oh, sh))}
			tr.Fanout = fr
			scores = append(scores, 1-fr.KS)
		}
	}
	fkCols := map[string]bool{}
	for _, fk := range st.Foreign[name] {
		fkCols[fk.Column] = true
	}
	tr.ClosestRecord = closestRecord(o, s, fkCols)
	if cr := correlations(o, s, fkCols); cr != nil {
		tr.Correlations = cr
		scores = append(scores, 1-cr.MeanAbsDiff)
	}
	sum := 0.0
	for _, x := range scores {
		sum += x
	}
	tr.Score = round2(100 * sum / float64(len(scores)))
	return tr
}

// correlations compares the correlations of every pair of number columns
// (keys and foreign keys aside) in the row samples of both sides.
func correlations(o, s *compareTable, fks map[string]bool) *CorrelationReport {
	var cols []int
	for i, c := range o.cols {
		if i != o.keyCol && !fks[c.name] && c.typ.IsNumeric() && s.cols[i].typ.IsNumeric() {
			cols = append(cols, i)
		}
	}
	if len(cols) < 2 || len(o.numRows.vals) < 30 || len(s.numRows.vals) < 30 {
		return nil
	}
	cr := &CorrelationReport{}
	sum := 0.0
	for a := 0; a < len(cols); a++ {
		for b := a + 1; b < len(cols); b++ {
			ro, ok1 := pearson(o.numRows.vals, cols[a], cols[b])
			rs, ok2 := pearson(s.numRows.vals, cols[a], cols[b])
			if !ok1 || !ok2 {
				continue
			}
			d := math.Abs(ro - rs)
			cr.Pairs++
			sum += d
			if d > cr.MaxAbsDiff {
				cr.MaxAbsDiff, cr.MaxPair = d, o.cols[cols[a]].name+" ~ "+o.cols[cols[b]].name
			}
		}
	}
	if cr.Pairs == 0 {
		return nil
	}
	cr.MeanAbsDiff = round4(sum / float64(cr.Pairs))
	cr.MaxAbsDiff = round4(cr.MaxAbsDiff)
	return cr
}

// closestRecord measures distances to the closest original record over the
// number columns (keys and foreign keys aside), on at most 500 rows.
func closestRecord(o, s *compareTable, fks map[string]bool) *ClosestRecordReport {
	var cols []int
	var scale []float64
	for i, c := range o.cols {
		if i == o.keyCol || fks[c.name] || !c.typ.IsNumeric() || !s.cols[i].typ.IsNumeric() {
			continue
		}
		var n, sum, sq float64
		for _, r := range o.numRows.vals {
			if x := r[i]; !math.IsNaN(x) {
				n++
				sum += x
				sq += x * x
			}
		}
		if n < 2 {
			continue
		}
		sd := math.Sqrt(math.Max(sq/n-(sum/n)*(sum/n), 0))
		if sd == 0 {
			continue
		}
		cols, scale = append(cols, i), append(scale, sd)
	}
	orig := o.numRows.vals
	if len(cols) == 0 || len(orig) < 40 || len(s.numRows.vals) < 20 {
		return nil
	}
	dist := func(a, b []float64) float64 {
		d, n := 0.0, 0
		for k, i := range cols {
			if math.IsNaN(a[i]) || math.IsNaN(b[i]) {
				if math.IsNaN(a[i]) != math.IsNaN(b[i]) {
					d++
				}
			} else {
				d += math.Abs(a[i]-b[i]) / scale[k]
			}
			n++
		}
		return d / float64(n)
	}
	nearest := func(rows, against [][]float64) []float64 {
		if len(rows) > 500 {
			rows = rows[:500]
		}
		out := make([]float64, len(rows))
		for j, r := range rows {
			best := math.Inf(1)
			for _, a := range against {
				best = math.Min(best, dist(r, a))
			}
			out[j] = best
		}
		sort.Float64s(out)
		return out
	}
	half := len(orig) / 2
	tw := nearest(s.numRows.vals, orig[half:])
	base := nearest(orig[:half], orig[half:])
	q := func(xs []float64, p float64) float64 { return round4(xs[int(p*float64(len(xs)-1))]) }
	return &ClosestRecordReport{Columns: len(cols), TwinMedian: q(tw, 0.5), TwinP5: q(tw, 0.05),
		OriginalMedian: q(base, 0.5), OriginalP5: q(base, 0.05)}
}

// pearson is the correlation of columns a and b over the rows where both
// are numbers; false when either does not vary.
func pearson(rows [][]float64, a, b int) (float64, bool) {
	var n, sa, sb, saa, sbb, sab float64
	for _, r := range rows {
		x, y := r[a], r[b]
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		n++
		sa += x
		sb += y
		saa += x * x
		sbb += y * y
		sab += x * y
	}
	if n < 30 {
		return 0, false
	}
	va, vb := saa/n-(sa/n)*(sa/n), sbb/n-(sb/n)*(sb/n)
	if va <= 1e-12*math.Max(1, saa/n) || vb <= 1e-12*math.Max(1, sbb/n) {
		return 0, false
	}
	return (sab/n - sa/n*sb/n) / math.Sqrt(va*vb), true
}

// compareColumn measures the distance between a column of each side.
func compareColumn(o, s *colStats) *ColumnReport {
	cr := &ColumnReport{Column: o.name, Type: o.typ.String()}
	if o.rows > 0 {
		cr.NullRateOriginal = round4(float64(o.nulls) / float64(o.rows))
	}
	if s.rows > 0 {
		cr.NullRateSynthetic = round4(float64(s.nulls) / float64(s.rows))
	}
	numeric := func(c *colStats) bool { return c.typ.IsNumeric() || c.typ.IsTime() }
	switch {
	case o.nonNull() == 0 || s.nonNull() == 0:
		cr.Metric = "tv"
		if o.nonNull() != s.nonNull() {
			cr.Distance = 1
		}
	case numeric(o) && numeric(s) && o.typ.IsTime() == s.typ.IsTime():
		cr.Metric = "ks"
		cr.Distance = ks2(sortedFloats(o.nums.vals), sortedFloats(s.nums.vals))
		if o.typ.IsTime() && !o.allDay {
			h := tv(o.hour[:], s.hour[:])
			cr.Hour = &h
		}
		if o.typ.IsTime() {
			d := tv(o.dow[:], s.dow[:])
			cr.Weekday = &d
		}
	case o.typ == column.Bool && s.typ == column.Bool:
		cr.Metric = "tv"
		cr.Distance = tv([]int64{o.trues, o.nonNull() - o.trues}, []int64{s.trues, s.nonNull() - s.trues})
	case o.typ == column.String && s.typ == column.String && !o.overflow && !s.overflow &&
		o.distinct() <= 0.5*float64(o.nonNull()) && s.distinct() <= 0.5*float64(s.nonNull()):
		cr.Metric = "tv"
		cr.Distance = tvMaps(o.strCounts, s.strCounts)
	case o.typ == column.String && s.typ == column.String:
		// Many distinct values (names, e-mails, free text): compare the
		// lengths, and how distinct the values are.
		cr.Metric = "ks"
		cr.Distance = ks2(lengths(o.strs.vals), lengths(s.strs.vals))
		dr := func(c *colStats) float64 { return math.Min(c.distinct()/float64(max(c.nonNull(), 1)), 1) }
		cr.Distance = math.Max(cr.Distance, math.Abs(dr(o)-dr(s)))
	default:
		cr.Metric = "type"
		cr.Distance = 1
	}
	cr.Distance = round4(cr.Distance)
	nullDiff := math.Abs(cr.NullRateOriginal - cr.NullRateSynthetic)
	score := 1 - cr.Distance
	if cr.Hour != nil {
		score -= *cr.Hour / 4
		*cr.Hour = round4(*cr.Hour)
	}
	if cr.Weekday != nil {
		score -= *cr.Weekday / 4
		*cr.Weekday = round4(*cr.Weekday)
	}
	cr.Score = round2(100 * math.Max(0, score-nullDiff))
	return cr
}

// isForeign reports whether col is one of the foreign keys fks.
func isForeign(fks []ForeignKey, col string) bool {
	for _, fk := range fks {
		if fk.Column == col {
			return true
		}
	}
	return false
}

// compareReferences compares a foreign key column by how its references
// spread over the parents, not by its values (keys are row identities,
// and a twin's keys need not be the original's): the share of the rows
// that reference the x most referenced parents, for every x (a Lorenz
// curve), and the largest difference between the two sides' curves. The
// counts are exact for a sample of the values (all of them up to 16 384
// distinct), and x is scaled by the sampled share of the distinct values.
func compareReferences(o, s *colStats) *ColumnReport {
	cr := &ColumnReport{Column: o.name, Type: o.typ.String(), Metric: "ref_ks"}
	if o.rows > 0 {
		cr.NullRateOriginal = round4(float64(o.nulls) / float64(o.rows))
	}
	if s.rows > 0 {
		cr.NullRateSynthetic = round4(float64(s.nulls) / float64(s.rows))
	}
	cr.Distance = round4(lorenzKS(lorenz(o), lorenz(s)))
	cr.Score = round2(100 * math.Max(0, 1-cr.Distance-math.Abs(cr.NullRateOriginal-cr.NullRateSynthetic)))
	return cr
}

// curve is a Lorenz curve of references: after the x[i] most referenced
// parents come the share y[i] of the references; it rises linearly
// between points, from (0, 0) to 1.
type curve struct{ x, y []float64 }

// lorenz returns the curve of a column from the exact counts of its
// sample of values.
func lorenz(c *colStats) curve {
	counts := make([]int64, 0, len(c.sample.counts))
	var total float64
	for _, n := range c.sample.counts {
		counts = append(counts, n)
		total += float64(n)
	}
	sort.Slice(counts, func(i, j int) bool { return counts[i] > counts[j] })
	scale := 1.0 // parents per sampled value
	if d := c.distinct(); len(counts) > 0 && d > float64(len(counts)) {
		scale = d / float64(len(counts))
	}
	cv := curve{x: make([]float64, len(counts)), y: make([]float64, len(counts))}
	cum := 0.0
	for i, n := range counts {
		cum += float64(n)
		cv.x[i], cv.y[i] = float64(i+1)*scale, cum/total
	}
	return cv
}

// at evaluates the curve at x.
func (c curve) at(x float64) float64 {
	if len(c.x) == 0 {
		return 1
	}
	i := sort.SearchFloat64s(c.x, x)
	if i == len(c.x) {
		return 1
	}
	x0, y0 := 0.0, 0.0
	if i > 0 {
		x0, y0 = c.x[i-1], c.y[i-1]
	}
	return y0 + (c.y[i]-y0)*(x-x0)/(c.x[i]-x0)
}

// lorenzKS is the largest difference between two curves.
func lorenzKS(a, b curve) float64 {
	d := 0.0
	for _, x := range a.x {
		d = math.Max(d, math.Abs(a.at(x)-b.at(x)))
	}
	for _, x := range b.x {
		d = math.Max(d, math.Abs(a.at(x)-b.at(x)))
	}
	return d
}

func lengths(vals []string) []float64 {
	out := make([]float64, len(vals))
	for i, v := range vals {
		out[i] = float64(len(v))
	}
	sort.Float64s(out)
	return out
}

// ks2 is the two-sample Kolmogorov–Smirnov distance of sorted samples.
func ks2(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		if len(a) == len(b) {
			return 0
		}
		return 1
	}
	i, j, d := 0, 0, 0.0
	for i < len(a) && j < len(b) {
		x := math.Min(a[i], b[j])
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

// tv is the total variation distance of two histograms.
func tv(a, b []int64) float64 {
	var sa, sb float64
	for i := range a {
		sa += float64(a[i])
		sb += float64(b[i])
	}
	if sa == 0 || sb == 0 {
		return 0
	}
	d := 0.0
	for i := range a {
		d += math.Abs(float64(a[i])/sa - float64(b[i])/sb)
	}
	return d / 2
}

func tvMaps(a, b map[string]*int64) float64 {
	var sa, sb float64
	for _, n := range a {
		sa += float64(*n)
	}
	for _, n := range b {
		sb += float64(*n)
	}
	d := 0.0
	for v, n := range a {
		var m float64
		if x, ok := b[v]; ok {
			m = float64(*x) / sb
		}
		d += math.Abs(float64(*n)/sa - m)
	}
	for v, n := range b {
		if _, ok := a[v]; !ok {
			d += float64(*n) / sb
		}
	}
	return d / 2
}

// childCounts is the share of parents per child count (index = count).
func childCounts(c *colStats, parents int64) []float64 {
	m := &model{byName: map[string]*tableStats{"c": {rows: c.rows, cols: []*colStats{c}}, "p": {rows: parents}}}
	return m.fanoutCounts(&foreignKey{table: "c", column: c.name, parent: "p"})
}

func histMean(h []float64) float64 {
	m := 0.0
	for k, p := range h {
		m += float64(k) * p
	}
	return m
}

func histKS(a, b []float64) float64 {
	var ca, cb, d float64
	for k := 0; k < max(len(a), len(b)); k++ {
		if k < len(a) {
			ca += a[k]
		}
		if k < len(b) {
			cb += b[k]
		}
		d = math.Max(d, math.Abs(ca-cb))
	}
	return d
}
