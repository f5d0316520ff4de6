package twin

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"datagen/src/civil"
	"datagen/src/column"
)

// column writes the generator of one column, and the decimals of a float
// column drawn from a distribution or summed from its children whose
// sampled values have at most 6.
func (m *model) column(t *tableStats, c *colStats) columnJSON {
	out := m.generator(t, c)
	if c.typ == column.Float && (out.Generator["distribution"] != nil || out.Generator["aggregate"] != nil) {
		if d := decimals(t.numRows.vals, t.index(c.name)); d >= 0 {
			out.Decimals = &d
		}
	}
	return out
}

// generator writes the generator of one column.
func (m *model) generator(t *tableStats, c *colStats) columnJSON {
	out := columnJSON{Name: c.name, Type: c.typ.String()}
	if c.nulls > 0 && c.nulls < c.rows {
		out.Nullable = true
		out.NullRate = math.Max(math.Round(float64(c.nulls)/float64(c.rows)*1e4)/1e4, 1e-4)
	} else if c.nulls == c.rows && c.rows > 0 {
		out.Nullable, out.NullRate = true, 1
	}
	name := t.src.name
	if c.name == m.pk[name] || c.name == m.nominalPK[name] {
		// A key column holds no nulls (the DSL rejects a null_rate there).
		out.Nullable, out.NullRate = false, 0
		if c.nonNull() == 0 {
			out.Type = column.Int.String()
			out.Generator = gen("sequence", map[string]any{"start": 1, "step": 1})
			out.Description = "inferred: primary key of a table without values, a sequence"
			return out
		}
	}
	switch {
	case c.name == m.pk[name] && m.vocab[name] != nil:
		vals := make([]any, len(m.vocab[name]))
		for i, v := range m.vocab[name] {
			vals[i] = v
		}
		out.Generator = gen("enum_list", map[string]any{"values": vals})
		out.Description = fmt.Sprintf("inferred: a vocabulary (each value is referenced at least %d times)", m.opt.K)
	case c.name == m.pk[name] && c.nonNull() > 0 && (c.typ == column.Int || c.typ == column.String):
		m.keyColumn(&out, c)
	case m.fkOf(name, c.name) != nil && m.vocab[m.fkOf(name, c.name).parent] != nil:
		fk := m.fkOf(name, c.name)
		var vals []any
		var ns []int64
		for _, v := range m.vocab[fk.parent] {
			vals, ns = append(vals, v), append(ns, *c.strCounts[v])
		}
		out.Generator = gen("choice", choiceBody(vals, ns))
		out.Description = fmt.Sprintf("inferred: values of the vocabulary %s.%s with their shares", fk.parent, fk.key)
	case m.fkOf(name, c.name) != nil && m.attrs[name][c.name] != "":
		fk := m.fkOf(name, c.name)
		out.Generator = gen("lookup", map[string]any{"from": m.attrs[name][c.name]})
		out.Description = fmt.Sprintf("inferred: references %s.%s, copied from %s of the parent row", fk.parent, fk.key, m.attrs[name][c.name])
	case m.fkOf(name, c.name) != nil && m.popular[name][c.name] != nil:
		fk, p := m.fkOf(name, c.name), m.popular[name][c.name]
		out.Generator = gen("choice", choiceBody(p.keys, p.counts))
		out.Description = fmt.Sprintf("inferred: references %s.%s (%.1f%% of values found there), concentrated on few parents: the twin's first %d keys by the shares of the most referenced parents (parents referenced fewer than %d times left out: %.1f%% of rows)",
			fk.parent, fk.key, 100*fk.share, len(p.keys), m.opt.K, 100*(1-p.cover))
	case m.fkOf(name, c.name) != nil:
		fk := m.fkOf(name, c.name)
		out.Generator = gen("lookup", map[string]any{"from": fk.parent + "." + fk.key})
		out.Description = fmt.Sprintf("inferred: references %s.%s (%.1f%% of values found there)", fk.parent, fk.key, 100*fk.share)
	case m.aggs[name][c.name].fn != "":
		a := m.aggs[name][c.name]
		out.Generator = gen("aggregate", map[string]any{"from": a.from, "fn": a.fn})
		out.Description = "inferred: " + a.why
	case m.attrs[name][c.name] != "":
		out.Generator = gen("lookup", map[string]any{"from": m.attrs[name][c.name]})
		out.Description = "inferred: copied from " + m.attrs[name][c.name] + " of the referenced row"
	case m.derived[name][c.name].code != "":
		d := m.derived[name][c.name]
		out.Generator = gen("expression", map[string]any{"code": d.code})
		out.Description = "inferred: computed from other columns (" + d.why + ")"
	case c.nonNull() == 0:
		out.Type = column.String.String()
		out.Nullable, out.NullRate = true, 1
		out.Generator = gen("choice", map[string]any{"choices": []any{nil}})
		out.Description = "inferred: always empty"
	case c.nonNull() < int64(m.opt.K) && c.typ != column.String:
		// Too few values to learn anything without copying one.
		switch {
		case c.typ.IsTime():
			out.Generator = gen("datetime_series", map[string]any{"within": "timeframe", "freq": "D"})
		case c.typ == column.Bool:
			out.Generator = gen("choice", map[string]any{"choices": []any{false, true}})
		default:
			out.Generator = gen("distribution", map[string]any{"type": "uniform", "params": map[string]float64{"low": 0, "high": 1}})
		}
		out.Description = fmt.Sprintf("inferred: fewer than %d values, nothing learned", m.opt.K)
	case c.typ == column.Bool:
		m.boolColumn(&out, c)
	case c.typ == column.Int || c.typ == column.Float:
		m.numberColumn(&out, c)
	case c.typ.IsTime():
		m.timeColumn(&out, c)
		if lt, ok := m.lifetimes[name][c.name]; ok {
			if body, ok := out.Generator["datetime_series"].(map[string]any); ok {
				parent := m.primary[name].parent
				body["within"] = map[string]string{"start_col": parent + "." + lt.start}
				why := "after " + parent + "." + lt.start
				out.Nullable = true // a parent whose lifetime holds no instant gives a null
				// Children that follow their parents grow in number over the
				// window: the lifetime explains the months, which must not
				// be weighted twice.
				kept := out.Modifiers[:0]
				for _, mod := range out.Modifiers {
					if mod.Args["dimension"] != "month" {
						kept = append(kept, mod)
					}
				}
				out.Modifiers = kept
				if len(out.Modifiers) == 0 {
					out.Modifiers = nil
				}
				out.Description += "; within the parent's lifetime: " + why
			}
		}
	default:
		m.stringColumn(&out, c)
	}
	return out
}

func gen(kind string, body map[string]any) map[string]any { return map[string]any{kind: body} }

// fkOf returns the foreign key of a column, if any.
func (m *model) fkOf(table, col string) *foreignKey {
	for i, fk := range m.fks[table] {
		if fk.column == col {
			return &m.fks[table][i]
		}
	}
	return nil
}

// keyColumn writes a primary key: a sequence for integers (keys are row
// numbers, not data), else an identifier-like generator.
func (m *model) keyColumn(out *columnJSON, c *colStats) {
	if c.typ == column.Int {
		step := c.step
		if step <= 0 {
			step = 1
		}
		start := int64(c.min)
		out.Generator = gen("sequence", map[string]any{"start": start, "step": step})
		out.Description = "inferred: primary key, a sequence"
		if c.step <= 0 {
			out.Description = "inferred: primary key (unique integers, not a sequence), written as a sequence"
		}
		return
	}
	vals := c.strs.vals
	if k := detectPII(vals); k != nil && (k.method == "uuid4" || k.method == "email") {
		m.semanticColumn(out, k)
		out.Description = "inferred: primary key, " + k.why
		return
	}
	if k := detectPattern(vals, m.opt.K); k != nil && randomChars(k.args["text"].(string)) >= 6 {
		m.semanticColumn(out, k)
		out.Description = "inferred: primary key, " + k.why
		return
	}
	out.Generator = gen("sequence", map[string]any{"start": 1, "step": 1})
	out.Description = "inferred: primary key (unique strings), written as a sequence"
}

func randomChars(text string) int {
	n := 0
	for _, r := range text {
		if r == '#' || r == '?' {
			n++
		}
	}
	return n
}

// frequent returns the values seen at least k times with their counts,
// most frequent first, and the share of non-null rows they cover.
func frequent[T comparable](counts map[T]int64, k int, less func(a, b T) bool, total int64) ([]T, []int64, float64) {
	var vals []T
	for v, n := range counts {
		if n >= int64(k) {
			vals = append(vals, v)
		}
	}
	sort.Slice(vals, func(i, j int) bool {
		if counts[vals[i]] != counts[vals[j]] {
			return counts[vals[i]] > counts[vals[j]]
		}
		return less(vals[i], vals[j])
	})
	const maxChoices = 200
	if len(vals) > maxChoices {
		vals = vals[:maxChoices]
	}
	ns := make([]int64, len(vals))
	var covered int64
	for i, v := range vals {
		ns[i] = counts[v]
		covered += ns[i]
	}
	if total == 0 {
		return vals, ns, 0
	}
	return vals, ns, float64(covered) / float64(total)
}

// choiceBody is a choice of values with weights proportional to counts.
func choiceBody(vals []any, ns []int64) map[string]any {
	var total int64
	for _, n := range ns {
		total += n
	}
	w := make([]float64, len(ns))
	for i, n := range ns {
		w[i] = math.Round(float64(n)/float64(total)*1e5) / 1e5
		if w[i] == 0 {
			w[i] = 1e-5
		}
	}
	return map[string]any{"choices": vals, "weights": w}
}

// categoryCover is the share of rows the values seen k times must cover
// for a column to be written as a choice of them (the rest is folded in).
const categoryCover = 0.9

// categorical reports whether a column is written as a choice of its
// values seen at least k times: when they cover 90% of the rows, or when
// the column has at most 30 distinct values seen k times each on average
// (a category list whose rare values are folded into the others).
func categorical(cover float64, c *colStats, k int) bool {
	d := c.distinct()
	return cover >= categoryCover || d <= 30 && float64(c.nonNull()) >= float64(k)*d
}

func (m *model) boolColumn(out *columnJSON, c *colStats) {
	vals, ns := []any{}, []int64{}
	if c.trues >= int64(m.opt.K) {
		vals, ns = append(vals, true), append(ns, c.trues)
	}
	if f := c.nonNull() - c.trues; f >= int64(m.opt.K) {
		vals, ns = append(vals, false), append(ns, f)
	}
	if len(vals) == 0 {
		vals, ns = []any{false}, []int64{1}
	}
	out.Generator = gen("choice", choiceBody(vals, ns))
	out.Description = "inferred: true/false shares"
}

func (m *model) numberColumn(out *columnJSON, c *colStats) {
	k := m.opt.K
	integer := c.typ == column.Int
	if !c.overflow && c.distinct() <= 30 {
		var vals []any
		var ns []int64
		var cover float64
		if integer {
			vs, n, cv := frequent(c.intCounts, k, func(a, b int64) bool { return a < b }, c.nonNull())
			for _, v := range vs {
				vals = append(vals, v)
			}
			ns, cover = n, cv
		} else {
			vs, n, cv := frequent(c.fltCounts, k, func(a, b float64) bool { return a < b }, c.nonNull())
			for _, v := range vs {
				vals = append(vals, v)
			}
			ns, cover = n, cv
		}
		if categorical(cover, c, k) && len(vals) > 0 {
			sortChoices(vals, ns)
			out.Generator = gen("choice", choiceBody(vals, ns))
			out.Description = fmt.Sprintf("inferred: %d values with their shares (values seen fewer than %d times left out: %.1f%% of rows)", len(vals), k, 100*(1-cover))
			return
		}
	}
	xs := sortedFloats(c.nums.vals)
	f := fitNumbers(xs, integer, k)
	body := map[string]any{"type": f.family}
	params := map[string]float64{}
	for p, v := range f.params {
		params[p] = round6(v)
	}
	body["params"] = params
	if f.family == "empirical" {
		q := make([]float64, len(f.knots))
		for i, v := range f.knots {
			q[i] = round6(v)
		}
		body["quantiles"] = q
		out.Description = fmt.Sprintf("inferred: no family fits (best KS %.3f); empirical quantiles (KS %.3f)", m.bestFamilyKS(xs, integer, k), f.ks)
	} else {
		q := knots(xs, k)
		lo, hi := round6(q[0]), round6(q[len(q)-1])
		if integer {
			lo, hi = math.Round(lo)-0.49, math.Round(hi)+0.49
		}
		body["clamp"] = []float64{lo, hi}
		out.Description = fmt.Sprintf("inferred: %s fit (KS %.3f), clamped to the observed range", f.family, f.ks)
	}
	out.Generator = gen("distribution", body)
}

// bestFamilyKS is the KS distance of the closest family (for the note).
func (m *model) bestFamilyKS(xs []float64, integer bool, k int) float64 {
	best := math.Inf(1)
	f := fitNumbersFamilies(xs, integer, k)
	for _, c := range f {
		best = math.Min(best, c.ks)
	}
	return best
}

// sortChoices orders values ascending (numbers) with their counts.
func sortChoices(vals []any, ns []int64) {
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	num := func(v any) float64 {
		switch x := v.(type) {
		case int64:
			return float64(x)
		case float64:
			return x
		}
		return 0
	}
	sort.Slice(idx, func(a, b int) bool { return num(vals[idx[a]]) < num(vals[idx[b]]) })
	v2, n2 := make([]any, len(vals)), make([]int64, len(ns))
	for i, j := range idx {
		v2[i], n2[i] = vals[j], ns[j]
	}
	copy(vals, v2)
	copy(ns, n2)
}

// stringColumn recognises identifying values, categories, names and
// places, codes, and free text, in that order.
func (m *model) stringColumn(out *columnJSON, c *colStats) {
	vals := c.strs.vals
	if k := detectPII(vals); k != nil {
		m.semanticColumn(out, k)
		return
	}
	// Names of people and companies identify: drawn anew even when each
	// occurs often. Cities and countries keep their shares as categories.
	dk := detectDictionary(distinctStrings(vals))
	if dk != nil && !categoryMethods[dk.method] {
		m.semanticColumn(out, dk)
		return
	}
	if !c.overflow {
		counts := make(map[string]int64, len(c.strCounts))
		for v, n := range c.strCounts {
			counts[v] = *n
		}
		vs, ns, cover := frequent(counts, m.opt.K, func(a, b string) bool { return a < b }, c.nonNull())
		if categorical(cover, c, m.opt.K) && len(vs) > 0 {
			anys := make([]any, len(vs))
			for i, v := range vs {
				anys[i] = v
			}
			out.Generator = gen("choice", choiceBody(anys, ns))
			out.Description = fmt.Sprintf("inferred: %d categories with their shares (values seen fewer than %d times left out: %.1f%% of rows)", len(vs), m.opt.K, 100*(1-cover))
			return
		}
	}
	if dk != nil {
		m.semanticColumn(out, dk)
		return
	}
	if k := detectPattern(vals, m.opt.K); k != nil {
		m.semanticColumn(out, k)
		return
	}
	m.semanticColumn(out, textShape(vals))
}

func distinctStrings(vals []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vals {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func (m *model) semanticColumn(out *columnJSON, k *textKind) {
	body := map[string]any{"method": k.method}
	if len(k.args) > 0 {
		body["args"] = k.args
	}
	if k.locale != "" && k.locale != "en_US" {
		body["locale"] = k.locale
	}
	out.Generator = gen("faker", body)
	out.Description = "inferred: " + k.why + ", drawn anew (no value copied)"
}

// timeColumn writes a datetime_series over the column's window, on the
// coarsest grid its values sit on, with the hour-of-day pattern and
// day-of-week and month weights where they differ from flat.
func (m *model) timeColumn(out *columnJSON, c *colStats) {
	if !c.overflow && c.distinct() <= 30 {
		vs, _, cover := frequent(c.intCounts, m.opt.K, func(a, b int64) bool { return a < b }, c.nonNull())
		if cover >= categoryCover && len(vs) > 0 {
			sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
			counts := make([]int64, len(vs))
			vals := make([]any, len(vs))
			for i, v := range vs {
				counts[i] = c.intCounts[v]
				if c.typ == column.Date {
					vals[i] = civil.FormatDate(v)
				} else {
					vals[i] = civil.FormatTimestamp(v)
				}
			}
			out.Generator = gen("choice", choiceBody(vals, counts))
			out.Description = fmt.Sprintf("inferred: %d instants with their shares (instants seen fewer than %d times left out: %.1f%% of rows)", len(vs), m.opt.K, 100*(1-cover))
			return
		}
	}
	lo, hi := m.window(c)
	freq := "s"
	switch {
	case c.monthStart:
		freq = "MS"
	case c.monthEnd:
		freq = "M"
	case c.allDay:
		freq = "D"
	case c.allHour:
		freq = "h"
	case c.allMin:
		freq = "min"
	}
	body := map[string]any{"within": window{Start: civil.FormatTimestamp(lo), End: civil.FormatTimestamp(hi)}, "freq": freq}
	var notes []string
	n := c.nonNull()
	if !c.allDay {
		w := make([]float64, 24)
		for h := range w {
			w[h] = float64(c.hour[h])
		}
		if w, ok := profile(w, n); ok {
			body["pattern"] = map[string]any{"dimension": "hour", "weights": w}
			notes = append(notes, "hour of day")
		}
	}
	// Day of week and month: counts per day of the window that falls on
	// each, so that a window of uneven months or weeks is not mistaken
	// for a pattern.
	var dows [7]float64
	var months [12]float64
	for d := civil.Day(lo); d <= civil.Day(hi); d++ {
		dows[civil.Weekday(d)]++
		months[civil.Month(d)-1]++
	}
	var mods []modifierJSON
	dw := make([]float64, 7)
	for i := range dw {
		if dows[i] > 0 {
			dw[i] = float64(c.dow[i]) / dows[i]
		}
	}
	if w, ok := profile(dw, n); ok {
		mods = append(mods, modifierJSON{Transform: "seasonality", Args: map[string]any{"dimension": "dow", "weights": w}})
		notes = append(notes, "day of week")
	}
	mw := make([]float64, 12)
	covered := 0
	for i := range mw {
		if months[i] > 0 {
			mw[i] = float64(c.month[i]) / months[i]
			covered++
		}
	}
	if covered >= 2 {
		// Months outside the window draw nothing: give them the mean of
		// the others, so that the weights read as the months' shares.
		mean := 0.0
		for i := range mw {
			mean += mw[i] / float64(covered)
		}
		for i := range mw {
			if months[i] == 0 {
				mw[i] = mean
			}
		}
		if w, ok := profile(mw, n); ok {
			mods = append(mods, modifierJSON{Transform: "seasonality", Args: map[string]any{"dimension": "month", "weights": w}})
			notes = append(notes, "month")
		}
	}
	out.Generator = gen("datetime_series", body)
	out.Modifiers = mods
	out.Description = "inferred: window and grid " + strconv.Quote(freq)
	if len(notes) > 0 {
		out.Description += "; patterns: " + joinAnd(notes)
	}
}

// window is a datetime_series window, start first.
type window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// profile scales weights to a mean of 1, rounded to 3 decimals, and says
// whether they differ from flat by more than chance: some weight is more
// than 10% and more than four standard errors away from 1.
func profile(w []float64, n int64) ([]float64, bool) {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	if sum == 0 || n < 100 {
		return nil, false
	}
	out := make([]float64, len(w))
	flat := true
	se := 4 * math.Sqrt(float64(len(w))/float64(n))
	for i, x := range w {
		out[i] = math.Round(x/sum*float64(len(w))*1000) / 1000
		if d := math.Abs(out[i] - 1); d > 0.1 && d > se {
			flat = false
		}
	}
	return out, !flat
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := s[0]
	for _, x := range s[1 : len(s)-1] {
		out += ", " + x
	}
	return out + " and " + s[len(s)-1]
}
