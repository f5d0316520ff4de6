package validate

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"datagen/src/dsl"
)

// Report is the outcome of a validation run.
type Report struct {
	Metadata Metadata `json:"metadata"`
	Summary  Summary  `json:"summary"`
	// Failures are the failed results: the hard ones first, each group in
	// check order.
	Failures []Result `json:"failures"`
	// Results are every result, in check order.
	Results []Result `json:"all_results"`
	// Tables describes every table of the schema, in schema order.
	Tables []TableStats `json:"tables"`
	// Recommendations suggest what to change, one sentence each.
	Recommendations []string `json:"recommendations"`
}

// Metadata describes the validated dataset.
type Metadata struct {
	DatasetName    string  `json:"dataset_name"`
	Version        string  `json:"version"`
	Timestamp      string  `json:"timestamp"`
	DataDirectory  string  `json:"data_directory"`
	Format         string  `json:"format,omitempty"`
	DatagenVersion string  `json:"datagen_version,omitempty"`
	TotalRows      int64   `json:"total_rows"`
	Seconds        float64 `json:"seconds"`
	// DryRunSample is the cap on every table's rows when the data is a
	// preview (0 for a full run).
	DryRunSample int64 `json:"dry_run_sample,omitempty"`
}

// Counts counts results.
type Counts struct {
	Total  int `json:"total"`
	Passed int `json:"passed"`
	Failed int `json:"failed"`
}

// Summary sums up the results.
type Summary struct {
	TotalValidations int     `json:"total_validations"`
	Passed           int     `json:"passed"`
	Failed           int     `json:"failed"`
	QualityScore     float64 `json:"quality_score"`
	// HardFailures counts failed hard checks (keys, foreign keys,
	// non-null, types, missing tables or columns).
	HardFailures int               `json:"hard_failures"`
	ByTable      map[string]Counts `json:"by_table"`
	ByType       map[string]Counts `json:"by_type"`
	Score        Score             `json:"score_breakdown"`
	// Verdict is the pass or fail judgement against a minimum score
	// (DefaultMinScore unless Judge was called with another).
	Verdict Verdict `json:"verdict"`
}

// DefaultMinScore is the lowest quality score that passes unless the
// caller asks for another (validate's and report's --min-score default).
const DefaultMinScore = 80

// Verdict says whether a dataset passes and why not.
type Verdict struct {
	Pass     bool    `json:"pass"`
	MinScore float64 `json:"min_score"`
	// Reasons are the sentences that explain a failure (hard failures,
	// score below the minimum); empty when the dataset passes.
	Reasons []string `json:"reasons"`
	// FailingTables are the ids of the tables with a failed hard check,
	// in schema order.
	FailingTables []string `json:"failing_tables,omitempty"`
}

// TableStats describes one table.
type TableStats struct {
	ID      string        `json:"id"`
	Kind    string        `json:"kind"`
	Present bool          `json:"present"`
	File    string        `json:"file,omitempty"`
	Rows    int64         `json:"rows"`
	Columns []ColumnStats `json:"columns"`
	// Windows are the effect windows acting on the table's columns (from
	// the effect tables), at most 200.
	Windows []EffectWindow `json:"effect_windows,omitempty"`
	// Trends describe the declared trend modifiers.
	Trends []string `json:"trends,omitempty"`
}

// fanoutWindow is the Column of the effect windows of a table's own
// modifiers: effects on how many rows the table has.
const fanoutWindow = "(fanout)"

// EffectWindow is one window of an effect table.
type EffectWindow struct {
	Column string   `json:"column"`
	Effect string   `json:"effect_table"`
	Start  string   `json:"start"`
	End    string   `json:"end"`
	Value  *float64 `json:"value"`
}

// OK reports whether every hard check passed and the score reaches
// minScore.
func (r *Report) OK(minScore float64) bool {
	return r.verdict(minScore).Pass
}

// Judge records the verdict against minScore in the report (its JSON
// form and the HTML page show it).
func (r *Report) Judge(minScore float64) {
	r.Summary.Verdict = r.verdict(minScore)
}

// verdict judges the report against minScore: it fails when a hard check
// failed or the score is below the minimum.
func (r *Report) verdict(minScore float64) Verdict {
	s := r.Summary
	v := Verdict{MinScore: minScore, Reasons: []string{}}
	if s.HardFailures > 0 {
		v.Reasons = append(v.Reasons, fmt.Sprintf("%d hard failure(s): a failed key, foreign key, non-null, type or presence check fails the dataset whatever its score", s.HardFailures))
		hard := map[string]bool{}
		for _, f := range r.Failures {
			if f.Hard {
				hard[f.Table] = true
			}
		}
		for _, t := range r.Tables {
			if hard[t.ID] {
				v.FailingTables = append(v.FailingTables, t.ID)
			}
		}
	}
	if s.QualityScore < minScore {
		v.Reasons = append(v.Reasons, fmt.Sprintf("quality score %.2f is below the minimum %.4g", s.QualityScore, minScore))
	}
	v.Pass = len(v.Reasons) == 0
	return v
}

// Finish runs the checks that need every table (foreign keys resolved at
// the end, behaviours), computes the score and builds the report. The
// validator cannot be fed afterwards.
func (v *Validator) Finish() (*Report, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.done {
		return nil, fmt.Errorf("validate: Finish called twice")
	}
	v.done = true
	for _, t := range v.tables {
		t.sealed = true
	}
	rep := &Report{Failures: []Result{}, Results: []Result{}, Recommendations: []string{}}
	for _, c := range v.checks {
		for _, r := range c.results(v) {
			r.Details = sanitizeMap(r.Details)
			rep.Results = append(rep.Results, r)
		}
	}
	var rows int64
	for _, t := range v.tables {
		rows += t.rows
		rep.Tables = append(rep.Tables, v.tableStats(t))
	}
	sum := Summary{ByTable: map[string]Counts{}, ByType: map[string]Counts{}}
	for _, cw := range categoryWeights {
		sum.ByType[string(cw.Cat)] = Counts{}
	}
	for _, r := range rep.Results {
		sum.TotalValidations++
		bt, ty := sum.ByTable[r.Table], sum.ByType[string(r.Category)]
		bt.Total++
		ty.Total++
		if r.Passed {
			sum.Passed++
			bt.Passed++
			ty.Passed++
		} else {
			sum.Failed++
			bt.Failed++
			ty.Failed++
			rep.Failures = append(rep.Failures, r)
			if r.Hard {
				sum.HardFailures++
			}
		}
		sum.ByTable[r.Table], sum.ByType[string(r.Category)] = bt, ty
	}
	sort.SliceStable(rep.Failures, func(i, j int) bool { return rep.Failures[i].Hard && !rep.Failures[j].Hard })
	sum.Score = ComputeScore(rep.Results)
	sum.QualityScore = sum.Score.Value
	rep.Summary = sum
	rep.Metadata = Metadata{DatasetName: v.s.Metadata.Name, Version: v.s.Version, Timestamp: v.opts.Now().Format(time.RFC3339),
		DataDirectory: v.opts.DataDir, Format: v.opts.Format, DatagenVersion: v.opts.Version, TotalRows: rows,
		Seconds: round4(time.Since(v.start).Seconds()), DryRunSample: v.opts.DryRunSample}
	rep.Recommendations = v.recommend(rep)
	rep.Judge(DefaultMinScore)
	return rep, nil
}

func (v *Validator) tableStats(t *tableState) TableStats {
	ts := TableStats{ID: t.id, Kind: string(t.node.Kind), Present: t.present, File: t.file, Rows: t.rows}
	for j, c := range t.cols {
		cs := c.export(t.missing[j])
		cs.TypeErrors = t.typeBad[j]
		cs.Nulls = max(cs.Nulls-t.unparsed[j], 0)
		ts.Columns = append(ts.Columns, cs)
	}
	for _, c := range t.cols {
		for _, m := range c.spec.Modifiers {
			if m.Trend != nil {
				ts.Trends = append(ts.Trends, fmt.Sprintf("%s: %s trend, growth rate %g per year", c.spec.Name, m.Trend.Type, m.Trend.GrowthRate))
			}
			if m.Effect != nil {
				ts.Windows = append(ts.Windows, v.windows(c.spec.Name, m.Effect)...)
			}
		}
	}
	for _, m := range t.node.Modifiers {
		if m.Effect != nil {
			ts.Windows = append(ts.Windows, v.windows(fanoutWindow, m.Effect)...)
		}
	}
	if len(ts.Windows) > 200 {
		ts.Windows = ts.Windows[:200]
	}
	return ts
}

// windows lists the windows of an effect table.
func (v *Validator) windows(col string, e *dsl.EffectArgs) []EffectWindow {
	et := v.byID[e.EffectTable]
	if et == nil || et.kept == nil || e.StartCol == "" || e.EndCol == "" {
		return nil
	}
	mt := memTable{et}
	sv, ev, fv := mt.Column(e.StartCol), mt.Column(e.EndCol), mt.Column(e.Field)
	if sv == nil || ev == nil || !sv.Type.IsTime() || !ev.Type.IsTime() {
		return nil
	}
	var out []EffectWindow
	for i := 0; i < int(et.rows) && len(out) < 200; i++ {
		if sv.IsNull(i) || ev.IsNull(i) || ev.Ints[i] < sv.Ints[i] {
			continue
		}
		w := EffectWindow{Column: col, Effect: e.EffectTable, Start: formatTime(sv.Ints[i], sv.Type), End: formatTime(ev.Ints[i], ev.Type)}
		if fv != nil && !fv.IsNull(i) && fv.Type.IsNumeric() {
			x, _, _ := cell(fv, i)
			w.Value = fptr(x)
		}
		out = append(out, w)
	}
	return out
}

// recommend suggests fixes for the failures and for unchecked relations.
func (v *Validator) recommend(rep *Report) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range v.tables {
		for _, pid := range t.node.Parents {
			p := v.byID[pid]
			if p == nil {
				continue
			}
			copied := map[int]bool{}
			for _, l := range v.parentLinks(t, p) {
				copied[l.pj] = true
			}
			for _, k := range p.node.PK {
				if pj := p.colIndex(k); pj >= 0 && !copied[pj] {
					add(fmt.Sprintf("%q has parent %q but no column copies %s.%s (a lookup generator from \"%s.%s\"); add one so that the relationship can be checked", t.id, pid, pid, k, pid, k))
				}
			}
		}
	}
	for _, r := range rep.Failures {
		switch {
		case strings.HasSuffix(r.Name, ".exists") && !strings.Contains(strings.TrimSuffix(r.Name, ".exists"), "."):
			add(fmt.Sprintf("Table %q is missing: generate it, or check --data-dir", r.Table))
		case strings.HasSuffix(r.Name, ".pk_unique") || strings.HasSuffix(r.Name, ".unique"):
			col := v.failedColumn(r)
			switch {
			case col == nil:
			case col.Generator.Kind == dsl.GenSequence:
				add(fmt.Sprintf("%s: %s.%s is a sequence, which cannot repeat a value: the duplicates come from the data files (edited, or written by another run or tool), not from the schema", r.Name, r.Table, col.Name))
			default:
				add(fmt.Sprintf("%s: generate %s.%s with a sequence generator (it is %s now) so that values cannot repeat", r.Name, r.Table, col.Name, col.Generator.Kind))
			}
		case strings.HasSuffix(r.Name, ".types"):
			add(fmt.Sprintf("%s: the data files hold values the schema's types cannot read; were they edited, or written from another schema?", r.Name))
		case strings.Contains(r.Name, ".fk_"):
			tgt, _ := r.Details["target"].(string)
			col := v.failedColumn(Result{Name: r.Table + "." + fmt.Sprint(r.Details["column"]) + ".fk", Table: r.Table})
			switch {
			case col == nil || tgt == "":
			case col.Generator.Kind == dsl.GenLookup && col.Generator.Lookup != nil && col.Generator.Lookup.Table+"."+col.Generator.Lookup.Column == tgt:
				add(fmt.Sprintf("%s: %s.%s is a lookup from %s, so every generated value exists there: the missing ones come from the data files (rows of %s changed or removed; see its key checks)", r.Name, r.Table, col.Name, tgt, strings.SplitN(tgt, ".", 2)[0]))
			default:
				add(fmt.Sprintf("%s: fill %s.%s with a lookup generator from %s so that every value exists", r.Name, r.Table, col.Name, tgt))
			}
		case strings.HasSuffix(r.Name, ".nullable"):
			switch col := v.failedColumn(r); {
			case col == nil:
			case col.NullRate > 0:
				add(fmt.Sprintf("%s: the column has null_rate %g; remove it or declare the column nullable", r.Name, col.NullRate))
			default:
				add(fmt.Sprintf("%s: the schema gives %s.%s no null_rate, so the nulls come from its generator or modifiers (a lookup of a nullable column, an expression) or from the data files; declare it nullable if nulls are right", r.Name, r.Table, col.Name))
			}
		case strings.HasSuffix(r.Name, ".range"):
			add(fmt.Sprintf("%s: add a clamp (distribution clamp or clamp modifier) matching the declared range", r.Name))
		case strings.HasSuffix(r.Name, ".weekend_share"):
			if e, ok := r.Details["expected_share"].(float64); ok {
				add(fmt.Sprintf("%s: the declared patterns give an expected weekend share of %.3f; adjust the target or the weekday pattern", r.Name, e))
			}
		case strings.Contains(r.Name, ".seasonality_"):
			add(fmt.Sprintf("%s: the observed profile differs from the declared weights; check for modifiers that move timestamps (time_jitter, outliers, effects)", r.Name))
		case strings.HasSuffix(r.Name, ".composite_effect"):
			add(fmt.Sprintf("%s: make the target's influences match the patterns of the timestamp column, or widen the tolerance", r.Name))
		}
	}
	return out
}

// failedColumn returns the schema column a per-column result is about:
// <table>.<column>.<check>, or the primary key of <table>.pk_unique.
func (v *Validator) failedColumn(r Result) *dsl.Column {
	t := v.byID[r.Table]
	if t == nil {
		return nil
	}
	rest := strings.TrimPrefix(r.Name, r.Table+".")
	name := rest
	if i := strings.LastIndex(rest, "."); i >= 0 {
		name = rest[:i]
	}
	if rest == "pk_unique" && len(t.node.PK) == 1 {
		name = t.node.PK[0]
	}
	if j := t.colIndex(name); j >= 0 {
		return t.cols[j].spec
	}
	return nil
}

// WriteJSON writes the report as indented JSON (no NaN or infinities:
// they are written as null).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing the JSON report: %w", err)
	}
	return nil
}

// WriteSummary writes a console summary: the score, the counts per category
// and table, the first failures and the score deductions.
func (r *Report) WriteSummary(w io.Writer, minScore float64) error {
	s := r.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "Validation of %q (%d rows, %.2fs)\n", r.Metadata.DatasetName, r.Metadata.TotalRows, r.Metadata.Seconds)
	if n := r.Metadata.DryRunSample; n > 0 {
		fmt.Fprintf(&b, "Preview: every table capped at %d rows; fanout checks only the upper bound\n", n)
	}
	if vd := r.verdict(minScore); vd.Pass {
		fmt.Fprintf(&b, "PASS: no hard failure, quality score %.2f ≥ %.4g\n", s.QualityScore, minScore)
	} else {
		fmt.Fprintf(&b, "FAIL: %s\n", strings.Join(vd.Reasons, "; "))
	}
	fmt.Fprintf(&b, "Quality score: %.2f / 100 (minimum %.4g)\n", s.QualityScore, minScore)
	fmt.Fprintf(&b, "Checks: %d, passed %d, failed %d, hard failures %d\n", s.TotalValidations, s.Passed, s.Failed, s.HardFailures)
	for _, c := range s.Score.Categories {
		if c.Total == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %-11s %4d/%-4d  weight %.3f  points %6.2f\n", c.Category, c.Passed, c.Total, c.EffectiveWeight, c.Points)
	}
	b.WriteString("Per table:\n")
	ids := make([]string, 0, len(s.ByTable))
	for id := range s.ByTable {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := s.ByTable[id]
		name := id
		if name == "" {
			name = "(schema)"
		}
		fmt.Fprintf(&b, "  %-28s %4d/%-4d\n", name, c.Passed, c.Total)
	}
	if len(r.Failures) == 0 {
		b.WriteString("✓ All validations passed!\n")
	} else {
		fmt.Fprintf(&b, "Failures (%d):\n", len(r.Failures))
		for i, f := range r.Failures {
			if i == 10 {
				fmt.Fprintf(&b, "  … and %d more (see the JSON report)\n", len(r.Failures)-10)
				break
			}
			hard := ""
			if f.Hard {
				hard = " [hard]"
			}
			fmt.Fprintf(&b, "  ✗ %s%s: %s\n", f.Name, hard, f.Message)
		}
		b.WriteString("Score deductions:\n")
		for i, d := range s.Score.Deductions {
			if i == 10 {
				break
			}
			fmt.Fprintf(&b, "  -%5.2f  %s (%s)\n", d.Points, d.Name, d.Category)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sanitizeMap replaces NaN and infinite floats by nil, recursively.
func sanitizeMap(m map[string]any) map[string]any {
	for k, x := range m {
		m[k] = sanitize(x)
	}
	return m
}

func sanitize(x any) any {
	switch t := x.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil
		}
	case *float64:
		if t == nil || math.IsNaN(*t) || math.IsInf(*t, 0) {
			return nil
		}
		return *t
	case []float64:
		out := make([]any, len(t))
		for i, f := range t {
			out[i] = sanitize(f)
		}
		return out
	case []any:
		for i, e := range t {
			t[i] = sanitize(e)
		}
	case map[string]any:
		return sanitizeMap(t)
	}
	return x
}
