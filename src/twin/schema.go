package twin

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"datagen/src/civil"
	"datagen/src/column"
)

// The JSON form of the inferred schema, in the DSL's key order.
type docJSON struct {
	Version   string        `json:"version"`
	Metadata  metadataJSON  `json:"metadata"`
	Timeframe timeframeJSON `json:"timeframe"`
	Nodes     []*nodeJSON   `json:"nodes"`
	// Constraints declare the links that are not lookups.
	Constraints *constraintsJSON `json:"constraints,omitempty"`
}

type constraintsJSON struct {
	ForeignKeys []fkJSON `json:"foreign_keys"`
}

type fkJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type metadataJSON struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type timeframeJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Freq  string `json:"freq"`
}

type nodeJSON struct {
	ID          string       `json:"id"`
	Kind        string       `json:"kind"`
	Description string       `json:"description,omitempty"`
	Rows        *int64       `json:"rows,omitempty"`
	Parents     []string     `json:"parents,omitempty"`
	Fanout      *fanoutJSON  `json:"fanout,omitempty"`
	PK          string       `json:"pk"`
	Columns     []columnJSON `json:"columns"`
}

type fanoutJSON struct {
	Distribution string    `json:"distribution"`
	Lambda       *float64  `json:"lambda,omitempty"`
	Min          int64     `json:"min"`
	Max          *int64    `json:"max,omitempty"`
	Weights      []float64 `json:"weights,omitempty"`
}

type columnJSON struct {
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Nullable    bool           `json:"nullable,omitempty"`
	NullRate    float64        `json:"null_rate,omitempty"`
	Decimals    *int           `json:"decimals,omitempty"`
	Description string         `json:"description,omitempty"`
	Generator   map[string]any `json:"generator"`
	Modifiers   []modifierJSON `json:"modifiers,omitempty"`
}

type modifierJSON struct {
	Transform string         `json:"transform"`
	Args      map[string]any `json:"args"`
}

// foreignKey is a column whose values are keys of another table.
type foreignKey struct {
	table, column string // the child side
	parent, key   string // the referenced table and its key column
	share         float64
	named         bool
}

// model is what infer decides about the tables before writing them.
type model struct {
	opt    Options
	tables []*tableStats
	byName map[string]*tableStats
	pk     map[string]string // table → key column ("" when none)
	// nominalPK is the pk written for a table without a key column: a
	// column generated as any other.
	nominalPK map[string]string
	fks       map[string][]foreignKey // table → its foreign keys
	// primary is the primary parent's foreign key of a fact.
	primary map[string]*foreignKey
	// vocab holds the tables whose string keys are a vocabulary: each key
	// occurs at least k times in a column that references it, so the keys
	// may be written out.
	vocab map[string][]string
	// attrs are the columns copied from a parent's attribute: table →
	// column → "parent.column".
	attrs map[string]map[string]string
	// popular are the references drawn by popularity instead of a
	// uniform lookup: table → column → the twin's keys and their counts.
	popular map[string]map[string]*popularRefs
	// lifetimes bound a fact's time columns by its parent's: table →
	// column → lifetime.
	lifetimes map[string]map[string]lifetime
	// aggs are the columns computed from a table's children: table →
	// column → aggregate.
	aggs map[string]map[string]aggregate
	// derived are the columns computed from others, per table.
	derived map[string]map[string]derived
	notes   []string
}

func (m *model) notef(format string, args ...any) {
	m.notes = append(m.notes, fmt.Sprintf(format, args...))
}

// findKeys picks each table's primary key: the manifest's, else a unique,
// non-null int or string column, preferring a strictly increasing one and
// names that say "id".
func (m *model) findKeys() {
	for _, t := range m.tables {
		name := t.src.name
		if len(t.src.manifestPK) == 1 && t.col(t.src.manifestPK[0]) != nil {
			m.pk[name] = t.src.manifestPK[0]
			continue
		}
		best, bestScore := "", -1.0
		for i, c := range t.cols {
			if c.nulls > 0 || (c.typ != column.Int && c.typ != column.String) || !c.unique() {
				continue
			}
			score := 1.0 - float64(i)*0.01
			if c.typ == column.Int && c.increasing {
				score += 2
			}
			if idName(c.name, name) {
				score += 1.5
			}
			if c.typ == column.String && m.referenced(t, c) {
				score += 3 // the values other tables point at (a vocabulary's codes)
			}
			if score > bestScore {
				best, bestScore = c.name, score
			}
		}
		m.pk[name] = best
		if best == "" && len(t.cols) > 0 {
			// The DSL needs a pk: name a column without nulls, generated as
			// any other column (it is not a key of the data).
			nominal := t.cols[0]
			for _, c := range t.cols {
				if c.nulls == 0 {
					nominal = c
					break
				}
			}
			m.nominalPK[name] = nominal.name
			m.notef("table %s: no column is unique and non-null; pk is %s, which is not a key", name, nominal.name)
		}
	}
}

// codeLike reports whether 90% of the values mix letters and digits.
func codeLike(vals []string) bool {
	return matchShare(vals, func(v string) bool {
		return strings.ContainsAny(v, "0123456789") && strings.IndexFunc(v, unicode.IsLetter) >= 0
	}) >= 0.9
}

// referenced reports whether (nearly) all values of a string column of
// another table are values of column c of t.
func (m *model) referenced(t *tableStats, c *colStats) bool {
	for _, o := range m.tables {
		if o == t {
			continue
		}
		for _, oc := range o.cols {
			if oc.typ != column.String || oc.nonNull() == 0 || oc.distinct() < 2 {
				continue
			}
			if share, n := oc.kmv.containedIn(c.kmv); n > 0 && share >= 0.98 {
				return true
			}
		}
	}
	return false
}

// idName reports whether a column name reads as an identifier.
func idName(col, table string) bool {
	c := strings.ToLower(col)
	return c == "id" || strings.HasSuffix(c, "_id") || strings.HasSuffix(c, "id") && len(c) > 2 ||
		c == strings.ToLower(table)+"_key" || strings.HasSuffix(c, "_key") || strings.HasSuffix(c, "_code")
}

// refersTo reports whether a column's name points at table t or its key k.
func refersTo(col, t, k string) bool {
	c, t, k := strings.ToLower(col), strings.ToLower(t), strings.ToLower(k)
	base := strings.TrimSuffix(strings.TrimSuffix(c, "_id"), "_key")
	return c == k || base == t || base+"s" == t || base == t+"s" || strings.HasSuffix(c, "_"+k) ||
		strings.HasSuffix(base, "_"+t) || (k != "id" && strings.HasSuffix(c, k))
}

// findForeignKeys finds, for every int or string column, the key column
// of another table that holds (almost) all its values: by value
// inclusion, with names and the number of distinct values as evidence.
func (m *model) findForeignKeys() {
	for _, t := range m.tables {
		for _, c := range t.cols {
			if c.name == m.pk[t.src.name] || c.nonNull() == 0 || (c.typ != column.Int && c.typ != column.String) {
				continue
			}
			var best *foreignKey
			for _, p := range m.tables {
				if p == t {
					continue
				}
				pk := p.col(m.pk[p.src.name])
				if pk == nil || pk.typ != c.typ || !pk.unique() {
					continue
				}
				share, n := c.kmv.containedIn(pk.kmv)
				if n == 0 || share < 0.98 {
					continue
				}
				named := refersTo(c.name, p.src.name, pk.name)
				// Without a name that says so, demand that the column is
				// identifier-like and covers a good part of the keys:
				// small integers are contained in any sequence.
				// Strings with 20 distinct values or more, all among the keys,
				// are not there by chance (origin and destination airports).
				if !named && !(c.typ == column.String && c.distinct() >= 20) {
					if !idName(c.name, t.src.name) || c.distinct() < 0.5*pk.distinct() && c.distinct() < 50 {
						continue
					}
				}
				fk := &foreignKey{table: t.src.name, column: c.name, parent: p.src.name, key: pk.name, share: share, named: named}
				if best == nil || fk.named && !best.named || fk.named == best.named && (share > best.share ||
					share == best.share && p.rows < m.byName[best.parent].rows) {
					best = fk
				}
			}
			if best != nil {
				m.fks[t.src.name] = append(m.fks[t.src.name], *best)
			}
		}
	}
	m.breakCycles()
}

// breakCycles drops foreign keys that close a cycle of tables (a table
// cannot be generated before a table that reads it), keeping the ones
// found first in table order.
func (m *model) breakCycles() {
	for _, t := range m.tables {
		kept := m.fks[t.src.name][:0]
		for _, fk := range m.fks[t.src.name] {
			if m.reaches(fk.parent, t.src.name, map[string]bool{}) {
				m.notef("table %s: %s looks like a key of %s, but that makes a cycle; not linked", t.src.name, fk.column, fk.parent)
				continue
			}
			kept = append(kept, fk)
		}
		m.fks[t.src.name] = kept
	}
}

// reaches reports whether table a reads table b through foreign keys.
func (m *model) reaches(a, b string, seen map[string]bool) bool {
	if a == b {
		return true
	}
	if seen[a] {
		return false
	}
	seen[a] = true
	for _, fk := range m.fks[a] {
		if m.reaches(fk.parent, b, seen) {
			return true
		}
	}
	return false
}

// findAttributes finds float columns whose values are (nearly all)
// values of a non-key float column of a table the row references: a
// price copied from the product. They become lookups of that column,
// which copy from the same parent row as the key's lookup.
func (m *model) findAttributes() {
	for _, t := range m.tables {
		name := t.src.name
		for _, c := range t.cols {
			if c.typ != column.Float || c.name == m.pk[name] || m.fkOf(name, c.name) != nil || c.distinct() < 20 {
				continue
			}
			seen := map[string]bool{}
			for _, fk := range m.fks[name] {
				if seen[fk.parent] {
					continue
				}
				seen[fk.parent] = true
				p := m.byName[fk.parent]
				for _, a := range p.cols {
					if a.typ != c.typ || a.name == m.pk[fk.parent] || a.distinct() < 20 {
						continue
					}
					if share, n := c.kmv.containedIn(a.kmv); n >= 20 && share >= 0.98 {
						if m.attrs[name] == nil {
							m.attrs[name] = map[string]string{}
						}
						if m.attrs[name][c.name] == "" {
							m.attrs[name][c.name] = fk.parent + "." + a.name
						}
					}
				}
			}
		}
	}
}

// findVocabularies marks small tables with string keys as vocabularies
// when every key value occurs at least k times in a referencing column.
func (m *model) findVocabularies() {
	for _, p := range m.tables {
		key := p.col(m.pk[p.src.name])
		if key == nil || key.typ != column.String || key.overflow || p.rows > 1000 || !key.unique() {
			continue
		}
		// Generated codes (DEV-0236-nhxL) identify things: an entity whose
		// keys are drawn anew, not a vocabulary copied.
		if codeLike(key.strs.vals) {
			continue
		}
		for _, fks := range m.fks {
			for _, fk := range fks {
				if fk.parent != p.src.name {
					continue
				}
				c := m.byName[fk.table].col(fk.column)
				if c.overflow {
					continue
				}
				ok := true
				var vals []string
				for v := range key.strCounts {
					if n := c.strCounts[v]; n == nil || *n < int64(m.opt.K) {
						ok = false
						break
					}
					vals = append(vals, v)
				}
				if ok && len(vals) > 0 {
					sort.Strings(vals)
					m.vocab[p.src.name] = vals
				}
			}
		}
	}
}

// fanoutCounts returns, for the foreign key fk, the share of parents with
// each child count (index = count), estimated from the exact counts of a
// sample of the parents.
func (m *model) fanoutCounts(fk *foreignKey) []float64 {
	c := m.byName[fk.table].col(fk.column)
	parents := float64(m.byName[fk.parent].rows)
	withChildren := math.Min(c.distinct(), parents)
	var hist []float64
	for _, n := range c.sample.counts {
		for int64(len(hist)) <= n {
			hist = append(hist, 0)
		}
		hist[n]++
	}
	total := 0.0
	for _, h := range hist {
		total += h
	}
	if total == 0 || parents == 0 {
		return []float64{1}
	}
	if len(hist) == 0 {
		hist = []float64{0}
	}
	for i := range hist {
		hist[i] *= withChildren / total / parents
	}
	hist[0] = 1 - withChildren/parents
	return hist
}

// choosePrimary makes a table with foreign keys a fact under one of them
// when its rows are grouped by that key (as facts are written), or when
// the number of children per parent is not what random references would
// give (a Poisson count); otherwise it stays an entity whose keys are
// random lookups.
func (m *model) choosePrimary() {
	for _, t := range m.tables {
		var best *foreignKey
		bestScore := 0.0
		for i := range m.fks[t.src.name] {
			fk := &m.fks[t.src.name][i]
			c := t.col(fk.column)
			if c.nulls > 0 || c.sample == nil {
				continue
			}
			score := 0.0
			if float64(c.runs) <= 1.02*c.distinct()+1 {
				score = 2 // grouped by this parent
			} else if h := m.fanoutCounts(fk); overdispersed(h) {
				// A fact only when a fanout can describe its counts (no
				// family fits several thousand children on one parent):
				// else the references are drawn by popularity.
				if len(h) <= maxEmpiricalFanout+1 {
					score = 1
				}
			}
			if score > bestScore {
				best, bestScore = fk, score
			}
		}
		if best != nil {
			m.primary[t.src.name] = best
		}
	}
}

// overdispersed reports whether child counts vary clearly more (or less)
// than a Poisson count with their mean.
func overdispersed(h []float64) bool {
	var mean, m2 float64
	for k, p := range h {
		mean += float64(k) * p
	}
	for k, p := range h {
		m2 += p * (float64(k) - mean) * (float64(k) - mean)
	}
	if mean == 0 {
		return false
	}
	r := m2 / mean
	return r > 1.5 || r < 0.5
}

// fanout fits the child counts of a fact's primary parent: a Poisson
// truncated to the observed range with the observed mean, or a uniform
// count, whichever is closer (Kolmogorov–Smirnov distance).
func (m *model) fanout(fk *foreignKey) (*fanoutJSON, string, bool) {
	h := m.fanoutCounts(fk)
	lo, hi := 0, len(h)-1
	for lo < hi && h[lo] < 1e-4 {
		lo++
	}
	mean := float64(m.byName[fk.table].col(fk.column).nonNull()) / float64(max(m.byName[fk.parent].rows, 1))
	cum := make([]float64, len(h))
	s := 0.0
	for k, p := range h {
		s += p
		cum[k] = s
	}
	ks := func(F func(k int) float64) float64 {
		d := 0.0
		for k := range h {
			d = math.Max(d, math.Abs(cum[k]-F(k)))
		}
		return d
	}
	lambda := solveLambda(mean, lo, hi)
	tp := truncPoisson(lambda, lo, hi)
	dp := ks(func(k int) float64 {
		s := 0.0
		for i := lo; i <= k && i <= hi; i++ {
			s += tp[i-lo]
		}
		return s
	})
	du := ks(func(k int) float64 {
		if k < lo {
			return 0
		}
		return float64(k-lo+1) / float64(hi-lo+1)
	})
	hi64 := int64(hi)
	// A uniform count must also keep the mean (the table's size).
	uniformOK := math.Abs(float64(lo+hi)/2-mean) <= 0.03*mean
	// The observed shares, when no family fits and there are parents
	// enough that the shares describe many of them, not a few.
	parents := m.byName[fk.parent].rows
	accept := math.Max(fanoutAccept, 1.63/math.Sqrt(float64(max(parents, 1))))
	if best := math.Min(dp, map[bool]float64{true: du, false: 1}[uniformOK]); best > accept && parents >= 200 && hi-lo <= maxEmpiricalFanout {
		w := make([]float64, hi-lo+1)
		for k := lo; k <= hi; k++ {
			w[k-lo] = round6(h[k])
		}
		return &fanoutJSON{Distribution: "empirical", Min: int64(lo), Weights: w},
			fmt.Sprintf("children per %s: mean %.3g, %d–%d, shares as observed (Poisson KS %.3f, uniform %.3f)", fk.parent, mean, lo, hi, dp, du), true
	}
	if du < dp && uniformOK {
		return &fanoutJSON{Distribution: "uniform", Min: int64(lo), Max: &hi64},
			fmt.Sprintf("children per %s: uniform %d–%d (KS %.3f; Poisson %.3f)", fk.parent, lo, hi, du, dp), true
	}
	l := round6(lambda)
	return &fanoutJSON{Distribution: "poisson", Lambda: &l, Min: int64(lo), Max: &hi64},
		fmt.Sprintf("children per %s: mean %.3g, Poisson truncated to %d–%d (KS %.3f; uniform %.3f)", fk.parent, mean, lo, hi, dp, du), dp <= accept || hi-lo <= maxEmpiricalFanout
}

// maxEmpiricalFanout is the widest range of child counts written as
// observed shares.
const maxEmpiricalFanout = 5000

// fanoutAccept is the largest KS distance at which a Poisson or uniform
// fanout is written instead of the observed shares.
const fanoutAccept = 0.03

// round6 rounds x to 6 significant digits.
func round6(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	p := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// timeframe is the window of every time column, or the year 2024 when
// there is none.
func (m *model) timeframe() timeframeJSON {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, t := range m.tables {
		for _, c := range t.cols {
			if c.typ.IsTime() && c.nonNull() >= int64(m.opt.K) {
				a, b := m.window(c)
				lo, hi = min(lo, a), max(hi, b)
			}
		}
	}
	if lo > hi {
		return timeframeJSON{Start: "2024-01-01T00:00:00Z", End: "2024-12-31T23:59:59Z", Freq: "D"}
	}
	return timeframeJSON{Start: civil.FormatTimestamp(lo), End: civil.FormatTimestamp(hi), Freq: "D"}
}

// window is the range of a time column's values: the first and last
// quantile knots (means of k values, so neither is a copied instant),
// widened to whole days.
func (m *model) window(c *colStats) (int64, int64) {
	xs := sortedFloats(c.nums.vals)
	q := knots(xs, m.opt.K)
	lo := civil.DayStart(int64(q[0]))
	hi := civil.DayStart(int64(q[len(q)-1]))
	if c.typ == column.Timestamp {
		hi += civil.MicrosPerDay - 1_000_000
	}
	return lo, hi
}

// sortedNodes orders the tables so that every table comes after the
// tables it reads (parents first), then by name.
func (m *model) sortedNodes() []*tableStats {
	var out []*tableStats
	done := map[string]bool{}
	var visit func(t *tableStats)
	visit = func(t *tableStats) {
		if done[t.src.name] {
			return
		}
		done[t.src.name] = true
		for _, fk := range m.fks[t.src.name] {
			visit(m.byName[fk.parent])
		}
		out = append(out, t)
	}
	sorted := append([]*tableStats(nil), m.tables...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].src.name < sorted[j].src.name })
	for _, t := range sorted {
		visit(t)
	}
	return out
}

// popularRefs are the references of a foreign key column drawn as a
// choice of the twin parent's first keys, weighted by how often the most
// referenced parents of the original are referenced.
type popularRefs struct {
	keys   []any
	counts []int64
	cover  float64
}

// findPopular finds the foreign keys that are not a fact's primary link
// (random lookups, uniform over the parents) whose references are
// concentrated on few parents (child counts far from a Poisson count, and
// the parents referenced at least k times, at most 200 of them, holding
// at least 90% of the references). When the twin parent's keys are a
// sequence, known before generation, such a column becomes a choice of
// the first keys with the counts of the most referenced parents, in
// descending order: the shares are the original's, the identities
// (which parent is popular) are not. A choice is not a lookup, so the
// link is declared in the schema's constraints.
func (m *model) findPopular() {
	for _, t := range m.tables {
		name := t.src.name
		for i := range m.fks[name] {
			fk := &m.fks[name][i]
			if p := m.primary[name]; p != nil && p.column == fk.column {
				continue
			}
			if m.vocab[fk.parent] != nil || m.primary[fk.parent] != nil || m.attrFrom(name, fk.parent) || m.attrs[name][fk.column] != "" {
				continue
			}
			c := t.col(fk.column)
			if c.overflow || !overdispersed(m.fanoutCounts(fk)) {
				continue
			}
			key := m.twinKeys(fk.parent)
			if key == nil {
				continue
			}
			var ns []int64
			var cover float64
			if c.typ == column.String {
				counts := make(map[string]int64, len(c.strCounts))
				for v, n := range c.strCounts {
					counts[v] = *n
				}
				_, ns, cover = frequent(counts, m.opt.K, func(a, b string) bool { return a < b }, c.nonNull())
			} else {
				_, ns, cover = frequent(c.intCounts, m.opt.K, func(a, b int64) bool { return a < b }, c.nonNull())
			}
			if cover < categoryCover || len(ns) == 0 || int64(len(ns)) > m.byName[fk.parent].rows {
				continue
			}
			keys := make([]any, len(ns))
			for j := range keys {
				keys[j] = key(int64(j))
			}
			if m.popular[name] == nil {
				m.popular[name] = map[string]*popularRefs{}
			}
			m.popular[name][fk.column] = &popularRefs{keys: keys, counts: ns, cover: cover}
		}
	}
}

// attrFrom reports whether a column of table is copied from a row of
// parent (then its references must stay lookups of the same row).
func (m *model) attrFrom(table, parent string) bool {
	for _, a := range m.attrs[table] {
		if strings.HasPrefix(a, parent+".") {
			return true
		}
	}
	return false
}

// twinKeys returns the key of row i of the twin parent when its key
// column is generated as a sequence (an int, or a string cast from it),
// else nil.
func (m *model) twinKeys(parent string) func(i int64) any {
	t := m.byName[parent]
	c := t.col(m.pk[parent])
	if c == nil || c.nonNull() == 0 || (c.typ != column.Int && c.typ != column.String) {
		return nil
	}
	var out columnJSON
	m.keyColumn(&out, c)
	seq, ok := out.Generator["sequence"].(map[string]any)
	if !ok {
		return nil
	}
	start, step := toInt(seq["start"]), toInt(seq["step"])
	if c.typ == column.String {
		return func(i int64) any { return strconv.FormatInt(start+i*step, 10) }
	}
	return func(i int64) any { return start + i*step }
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	}
	return 0
}
