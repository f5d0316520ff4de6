package validate

import (
	"fmt"
	"math"
	"sort"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen/timegrid"
	"datagen/src/modify"
)

// retainCap bounds the rows of a table kept whole (effect tables).
const retainCap = 1_000_000

// planBehaviour registers the behavioural checks: targets, then per
// table the time patterns, numeric seasonality, outliers, trends and
// fanout.
func (v *Validator) planBehaviour() {
	s := v.s
	// Effect tables are kept whole to model effects and draw their windows.
	for _, t := range v.tables {
		for _, c := range t.cols {
			for _, m := range c.spec.Modifiers {
				if m.Effect != nil {
					if et := v.byID[m.Effect.EffectTable]; et != nil {
						et.retain = true
					}
				}
			}
		}
		for _, m := range t.node.Modifiers {
			if m.Effect != nil {
				if et := v.byID[m.Effect.EffectTable]; et != nil {
					et.retain = true
				}
			}
		}
	}
	if tg := s.Targets; tg != nil {
		if w := tg.WeekendShare; w != nil {
			v.add(&weekendCheck{w: w, name: v.name(w.Table + ".weekend_share")})
		}
		if m := tg.MeanInRange; m != nil {
			v.add(&meanCheck{m: m, name: v.name(m.Table + "." + m.Column + ".mean_in_range")})
		}
		if ce := tg.CompositeEffect; ce != nil {
			v.add(&compositeCheck{ce: ce, name: v.name(ce.Table + ".composite_effect")})
		}
	}
	for _, t := range v.tables {
		for j, c := range t.cols {
			spec := c.spec
			if spec.Type.IsTime() {
				if dims := declaredDims(spec); len(dims) > 0 {
					for _, d := range dims {
						v.add(&timeSeasonCheck{t: t, j: j, dim: d, name: v.name(fmt.Sprintf("%s.%s.seasonality_%s", t.id, spec.Name, d))})
					}
				}
				continue
			}
			if !spec.Type.IsNumeric() {
				continue
			}
			pc := t.pt.Cols[j]
			for _, m := range spec.Modifiers {
				switch m.Transform {
				case dsl.TSeasonality:
					if ts := t.colIndex(pc.TS); ts >= 0 {
						ns := &numSeasonCheck{t: t, j: j, ts: ts, p: m.Seasonality, adj: v.adjuster(t, j, ts, m.Seasonality),
							name: v.name(fmt.Sprintf("%s.%s.seasonality_%s", t.id, spec.Name, m.Seasonality.Dimension)), v: v}
						for _, e := range spec.Modifiers {
							if e.Effect != nil {
								ns.effects = append(ns.effects, e.Effect)
							}
						}
						ns.cells = make([]moments, dimSize(m.Seasonality.Dimension))
						t.feeders = append(t.feeders, ns)
						v.add(ns)
					}
				case dsl.TOutliers:
					c.samp = newSample(1 << 16)
					v.add(&outlierCheck{t: t, j: j, a: m.Outliers, name: v.name(fmt.Sprintf("%s.%s.outlier_rate", t.id, spec.Name))})
				case dsl.TTrend:
					ref := m.Trend.TimeReference
					if ref == "" {
						ref = pc.TS
					}
					if rj := t.colIndex(ref); rj >= 0 {
						tc := &trendCheck{t: t, j: j, ref: rj, a: m.Trend, tf: s.Timeframe, adj: v.adjuster(t, j, rj, nil),
							name: v.name(fmt.Sprintf("%s.%s.trend", t.id, spec.Name))}
						t.feeders = append(t.feeders, tc)
						v.add(tc)
					}
				}
			}
		}
		// The rows of a per-unit fact, and of a state fact in an open
		// timeline, are numbered unit by unit of time, not grouped by
		// parent (docs/continuous.md): there are no per-parent runs to
		// count.
		byUnit := t.node.Fanout != nil && t.node.Fanout.Per != "" || t.node.StateTransitionModel != nil && s.Timeframe.Open
		if t.node.Kind == dsl.Fact && len(t.node.Parents) > 0 && !byUnit {
			if p := v.byID[t.node.Parents[0]]; p != nil {
				if j, _ := v.parentLink(t, p); j >= 0 {
					fc := &fanoutCheck{t: t, p: p, j: j, name: v.name(t.id + ".fanout")}
					t.feeders = append(t.feeders, fc)
					v.add(fc)
				}
			}
		}
	}
}

// declaredDims lists the calendar dimensions a time column declares
// patterns for (generator pattern and seasonality modifiers).
func declaredDims(spec *dsl.Column) []string {
	var dims []string
	seen := map[string]bool{}
	for _, p := range timePatterns(spec) {
		if !seen[p.Dimension] {
			seen[p.Dimension] = true
			dims = append(dims, p.Dimension)
		}
	}
	return dims
}

func timePatterns(spec *dsl.Column) []dsl.Pattern {
	var ps []dsl.Pattern
	if d := spec.Generator.DatetimeSeries; d != nil && d.Pattern != nil {
		ps = append(ps, *d.Pattern)
	}
	for _, m := range spec.Modifiers {
		if m.Seasonality != nil {
			ps = append(ps, *m.Seasonality)
		}
	}
	return ps
}

// adjuster returns a function that divides a value of column j by the
// time-dependent factors other than the one under test (the column's
// seasonality weights except skip, and its trend), given the row's
// timestamp in column ts.
func (v *Validator) adjuster(t *tableState, j, ts int, skip *dsl.Pattern) func(val float64, us int64) float64 {
	spec := t.cols[j].spec
	pc := t.pt.Cols[j]
	w := newCalWeights()
	var trends []*dsl.TrendArgs
	for _, m := range spec.Modifiers {
		switch {
		case m.Seasonality != nil && m.Seasonality != skip && t.colIndex(pc.TS) == ts:
			w.mul(m.Seasonality.Dimension, m.Seasonality.Weights)
		case m.Trend != nil && skip != nil:
			ref := m.Trend.TimeReference
			if ref == "" {
				ref = pc.TS
			}
			if t.colIndex(ref) == ts {
				trends = append(trends, m.Trend)
			}
		}
	}
	start := v.s.Timeframe.Start.UnixMicro()
	return func(val float64, us int64) float64 {
		mo, d, h := calendar(us)
		f := w.month[mo] * w.dow[d] * w.hour[h]
		for _, tr := range trends {
			f *= trendFactor(tr, us, start)
		}
		if f == 0 {
			return math.NaN()
		}
		return val / f
	}
}

// trendFactor is the trend multiplier at us (see docs/modifiers.md).
func trendFactor(a *dsl.TrendArgs, us, start int64) float64 {
	t := float64(us-start) / (365.25 * usPerDay)
	switch a.Type {
	case "linear":
		return 1 + a.GrowthRate*t
	case "logarithmic":
		return 1 + a.A*math.Log(1+a.B*math.Max(t, 0))
	}
	return math.Pow(1+a.GrowthRate, t)
}

// exposure computes the expected (month, weekday, hour) cube of time
// column j of t under patterns pats, from the column's grid (its
// datetime_series range and frequency; the timeframe at hourly steps
// otherwise), including its global multiplicative effects when
// withEffects. notes explain what was and was not modelled.
func (v *Validator) exposure(t *tableState, j int, pats []dsl.Pattern, withEffects bool) ([]float64, []string, error) {
	spec := t.cols[j].spec
	start, end, freq := v.s.Timeframe.Start, v.s.Timeframe.End, "h"
	var notes []string
	if d := spec.Generator.DatetimeSeries; d != nil {
		freq = d.Freq
		if !d.WithinTimeframe {
			start, end = d.Start, d.End
		}
		notes = append(notes, fmt.Sprintf("exposure: instants of the column's grid (freq %q) per cell", freq))
	} else {
		notes = append(notes, "exposure: hours of the timeframe per cell (the column is not a datetime_series)")
	}
	f, err := timegrid.ParseFreq(freq)
	if err != nil {
		return nil, nil, err
	}
	g, err := timegrid.NewGrid(start.UnixMicro(), end.UnixMicro(), f)
	if err != nil {
		return nil, nil, err
	}
	w := newCalWeights()
	for _, p := range pats {
		w.mul(p.Dimension, p.Weights)
	}
	var mult func(int64) float64
	if withEffects {
		var lks []*modify.EffectLookup
		for _, m := range spec.Modifiers {
			e := m.Effect
			if e == nil {
				continue
			}
			et := v.byID[e.EffectTable]
			switch {
			case len(e.On) > 0:
				notes = append(notes, fmt.Sprintf("effect %q is keyed: not modelled", e.EffectTable))
			case et == nil || et.kept == nil:
				notes = append(notes, fmt.Sprintf("effect %q: table not available: not modelled", e.EffectTable))
			default:
				lk, err := modify.NewEffectLookup(e, memTable{et}, false)
				if err != nil {
					notes = append(notes, fmt.Sprintf("effect %q: %v: not modelled", e.EffectTable, err))
					continue
				}
				lks = append(lks, lk)
				notes = append(notes, fmt.Sprintf("effect %q modelled (multiplier per hour)", e.EffectTable))
			}
		}
		if len(lks) > 0 {
			mult = func(us int64) float64 {
				x := 1.0
				for _, lk := range lks {
					x *= lk.Value(nil, 0, us)
				}
				return x
			}
		}
	}
	cube, approx := exposureCube(g, w, mult)
	if approx {
		notes = append(notes, "exposure approximated: only the first 5,000,000 steps of a very long range were counted")
	}
	return cube, notes, nil
}

// tvd returns the total variation distance between two distributions and
// the distance expected from multinomial sampling noise alone for n draws.
func tvd(obs, exp []float64, n int64) (float64, float64) {
	d, noise := 0.0, 0.0
	for i := range exp {
		d += math.Abs(obs[i] - exp[i])
		if n > 0 {
			noise += math.Sqrt(2/math.Pi) * math.Sqrt(exp[i]*(1-exp[i])/float64(n))
		}
	}
	return d / 2, noise / 2
}

func cubeOf(p *timeProfile) []int64 { return p.cube[:] }

// timeSeasonCheck compares a time column's distribution over one calendar
// dimension with its declared patterns, normalised by exposure.
type timeSeasonCheck struct {
	t    *tableState
	j    int
	dim  string
	name string
}

func (c *timeSeasonCheck) results(v *Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	if msg := t.unavailable(c.j); msg != "" {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "%s", msg)}
	}
	col := t.cols[c.j]
	exp, notes, err := v.exposure(t, c.j, timePatterns(col.spec), true)
	if err != nil {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "cannot compute the expected profile: %v", err)}
	}
	n := col.prof.n
	obs := normalize(marginal(cubeOf(col.prof), c.dim))
	e := normalize(marginal(exp, c.dim))
	if sigma := jitterMinutes(col.spec); sigma > 0 && c.dim == "hour" {
		// time_jitter moves events across hour boundaries: expect the
		// declared hour profile blurred by the jitter.
		e = blurHours(e, sigma, v.hourPhase(col.spec))
		notes = append(notes, fmt.Sprintf("hour profile blurred by time_jitter (std %.3g minutes)", sigma))
	}
	d, noise := tvd(obs, e, n)
	tol := v.opts.SeasonalityTolerance
	limit := tol + 3*noise
	declared := newCalWeights()
	for _, p := range timePatterns(col.spec) {
		declared.mul(p.Dimension, p.Weights)
	}
	det := map[string]any{"dimension": c.dim, "observed": obs, "expected": e, "declared_weights": dimWeights(declared, c.dim),
		"total_variation": d, "tolerance": tol, "noise": noise, "limit": limit, "sample_size": n, "notes": notes}
	if n == 0 {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, det, "no values in %s.%s", t.id, col.spec.Name)}
	}
	if d > limit {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, det,
			"%s profile of %s.%s is off: total variation %.4f > %.4f (tolerance %.3g + 3 × noise %.4f)", c.dim, t.id, col.spec.Name, d, limit, tol, noise)}
	}
	return []Result{newResult(Behavioural, false, t.id, c.name, true, det,
		"%s profile of %s.%s matches its declared pattern (total variation %.4f ≤ %.4f)", c.dim, t.id, col.spec.Name, d, limit)}
}

func dimWeights(w *calWeights, dim string) []float64 {
	switch dim {
	case dimMonth:
		return w.month[:]
	case dimDow:
		return w.dow[:]
	}
	return w.hour[:]
}

// targetColumn resolves the table and column a behavioural target names.
// When they cannot be checked, ok is false and res holds what to report
// (nothing when the table's data is absent: that is reported once, by the
// table's own check).
func (v *Validator) targetColumn(target, table, col, name string) (t *tableState, j int, res []Result, ok bool) {
	t = v.byID[table]
	if t == nil {
		return nil, 0, []Result{newResult(Behavioural, false, table, name, false, nil, "%s: no table %q", target, table)}, false
	}
	if !t.present {
		return nil, 0, nil, false
	}
	j = t.colIndex(col)
	if msg := t.unavailable(j); msg != "" {
		return nil, 0, []Result{newResult(Behavioural, false, t.id, name, false, nil, "%s on %s.%s: %s", target, t.id, col, msg)}, false
	}
	return t, j, nil, true
}

// weekendCheck: share of non-null timestamps on Saturday or Sunday (UTC).
type weekendCheck struct {
	w    *dsl.WeekendShare
	name string
}

func (c *weekendCheck) results(v *Validator) []Result {
	t, j, res, ok := v.targetColumn("weekend_share", c.w.Table, c.w.Timestamp, c.name)
	if !ok {
		return res
	}
	col := t.cols[j]
	if col.prof == nil {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "weekend_share: %s.%s is not a datetime or date column", t.id, c.w.Timestamp)}
	}
	dow := marginal(cubeOf(col.prof), dimDow)
	we := dow[5] + dow[6]
	n := col.prof.n
	d := map[string]any{"min_share": c.w.Min, "max_share": c.w.Max, "weekend_count": int64(we), "total_count": n, "null_count": col.nulls}
	if exp, _, err := v.exposure(t, j, timePatterns(col.spec), true); err == nil {
		e := marginal(exp, dimDow)
		d["expected_share"] = e[5] + e[6]
	}
	if n == 0 {
		d["actual_share"] = nil
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "weekend_share: no values in %s.%s", t.id, c.w.Timestamp)}
	}
	share := we / float64(n)
	d["actual_share"] = share
	slack := 0.0
	if v.opts.DryRunSample > 0 {
		// A preview's few rows: accept 3 standard errors of sampling noise.
		slack = 3 * math.Sqrt(share*(1-share)/float64(n))
		d["preview_slack"] = slack
	}
	ok = share >= c.w.Min-slack && share <= c.w.Max+slack
	return []Result{newResult(Behavioural, false, t.id, c.name, ok, d, "weekend share of %s.%s is %.4f (target [%g, %g])", t.id, c.w.Timestamp, share, c.w.Min, c.w.Max)}
}

// meanCheck: the mean of a column's non-null values is within [min, max].
type meanCheck struct {
	m    *dsl.MeanInRange
	name string
}

func (c *meanCheck) results(v *Validator) []Result {
	t, j, res, ok := v.targetColumn("mean_in_range", c.m.Table, c.m.Column, c.name)
	if !ok {
		return res
	}
	col := t.cols[j]
	d := map[string]any{"min": c.m.Min, "max": c.m.Max, "count": col.mom.n}
	if !col.spec.Type.IsNumeric() {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "mean_in_range: %s.%s is not numeric", t.id, c.m.Column)}
	}
	if col.mom.n == 0 {
		d["actual_mean"] = nil
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "no data in column %s.%s", t.id, c.m.Column)}
	}
	mean := col.mom.mean
	d["actual_mean"], d["stderr"] = mean, col.mom.stderr()
	slack := 0.0
	if v.opts.DryRunSample > 0 {
		// A preview's few rows: accept 3 standard errors of sampling noise.
		slack = 3 * col.mom.stderr()
		d["preview_slack"] = slack
	}
	ok = mean >= c.m.Min-slack && mean <= c.m.Max+slack
	return []Result{newResult(Behavioural, false, t.id, c.name, ok, d, "mean of %s.%s is %.4g (target [%g, %g])", t.id, c.m.Column, mean, c.m.Min, c.m.Max)}
}

// compositeCheck compares the joint distribution of a table's rows over
// the declared calendar dimensions with the product of the declared
// seasonality influences, normalised by exposure.
type compositeCheck struct {
	ce   *dsl.CompositeEffect
	name string
}

func (c *compositeCheck) results(v *Validator) []Result {
	ce := c.ce
	t := v.byID[ce.Table]
	if t == nil {
		return []Result{newResult(Behavioural, false, ce.Table, c.name, false, nil, "composite_effect: no table %q", ce.Table)}
	}
	if !t.present {
		return nil
	}
	j := -1
	if ce.Timestamp != "" {
		j = t.colIndex(ce.Timestamp)
	} else {
		for k, col := range t.cols {
			if col.spec.Type.IsTime() {
				j = k
				break
			}
		}
	}
	if msg := t.unavailable(j); msg != "" || t.cols[j].prof == nil {
		if msg == "" {
			msg = "not a time column"
		}
		return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "composite_effect: no usable timestamp column in %q: %s", t.id, msg)}
	}
	col := t.cols[j]
	var pats []dsl.Pattern
	hasDim := map[string]bool{}
	var notes []string
	var dropRate any
	withEffects := false
	for _, in := range ce.Influences {
		switch in.Kind {
		case "seasonality":
			if dimSize(in.Dimension) == len(in.Weights) {
				pats = append(pats, dsl.Pattern{Dimension: in.Dimension, Weights: in.Weights})
				hasDim[in.Dimension] = true
			}
		case "outliers":
			if in.Rate != nil && in.Mode == "drop" {
				dropRate = *in.Rate
			}
			notes = append(notes, "outliers influence: recorded, not part of the expected profile")
		case "effect":
			found := false
			for _, m := range col.spec.Modifiers {
				if m.Effect != nil && m.Effect.EffectTable == in.Table {
					found = true
				}
			}
			if found {
				withEffects = true
			} else {
				notes = append(notes, fmt.Sprintf("effect influence %q does not act on %s.%s: not part of the expected profile", in.Table, t.id, col.spec.Name))
			}
		}
	}
	var dims []string
	for _, d := range []string{dimMonth, dimDow, dimHour} {
		if hasDim[d] {
			dims = append(dims, d)
		}
	}
	mae, mape := 0.05, 10.0
	if ce.MAE != nil {
		mae = *ce.MAE
	}
	mapeNote := ""
	if ce.MAPE != nil {
		mape = *ce.MAPE
		if mape < 1 {
			mapeNote = fmt.Sprintf("mape tolerance %g read as a fraction: %g %%", mape, mape*100)
			mape *= 100
		}
	}
	d := map[string]any{"table": t.id, "metric": ce.Metric, "timestamp_column": col.spec.Name, "dimensions": nonNil(dims),
		"mae_threshold": mae, "mape_threshold": mape, "outlier_drop_rate": dropRate}
	if mapeNote != "" {
		notes = append(notes, mapeNote)
	}
	if len(dims) == 0 {
		d["notes"] = nonNil(notes)
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "composite_effect: no seasonality influence with a month, dow or hour dimension")}
	}
	exp, enotes, err := v.exposure(t, j, pats, withEffects)
	if err != nil {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "composite_effect: %v", err)}
	}
	notes = append(notes, enotes...)
	n := col.prof.n
	obs := normalize(joint(cubeOf(col.prof), dims))
	e := normalize(joint(exp, dims))
	var sumAbs, sumRel, noiseAbs, noiseRel float64
	relCells := 0
	for i := range e {
		diff := math.Abs(obs[i] - e[i])
		sd := 0.0
		if n > 0 {
			sd = math.Sqrt(2/math.Pi) * math.Sqrt(e[i]*(1-e[i])/float64(n))
		}
		sumAbs += diff
		noiseAbs += sd
		if e[i] >= 0.003 {
			sumRel += diff / e[i]
			noiseRel += sd / e[i]
			relCells++
		}
	}
	maeV := sumAbs / float64(len(e))
	noiseMAE := noiseAbs / float64(len(e))
	mapeV, noiseMAPE := 0.0, 0.0
	if relCells > 0 {
		mapeV, noiseMAPE = 100*sumRel/float64(relCells), 100*noiseRel/float64(relCells)
	}
	maeLimit, mapeLimit := mae+3*noiseMAE, mape+3*noiseMAPE
	d["mae"], d["mape"], d["mae_limit"], d["mape_limit"] = maeV, mapeV, maeLimit, mapeLimit
	d["mae_passed"], d["mape_passed"] = maeV <= maeLimit, mapeV <= mapeLimit
	d["sample_size"], d["observed"], d["expected"], d["notes"] = n, obs, e, notes
	ok := n > 0 && maeV <= maeLimit && mapeV <= mapeLimit
	return []Result{newResult(Behavioural, false, t.id, c.name, ok, d,
		"composite profile of %s.%s over %v: MAE %.4g (limit %.4g), MAPE %.3g%% (limit %.3g%%)", t.id, col.spec.Name, dims, maeV, maeLimit, mapeV, mapeLimit)}
}

// numSeasonCheck checks a seasonality modifier on a numeric column: the
// mean per calendar cell must be proportional to the weights.
type numSeasonCheck struct {
	t     *tableState
	j, ts int
	p     *dsl.Pattern
	adj   func(float64, int64) float64
	cells []moments
	name  string
	v     *Validator
	// effects are the column's effect modifiers: the rows inside their
	// windows (spans, read from the effect tables at the first block)
	// are left out, so that a promotion in some months is not taken for
	// a wrong monthly profile.
	effects  []*dsl.EffectArgs
	spans    [][2]int64
	spansSet bool
	excluded int64
}

// effectSpans returns the merged windows [start, end] (microseconds) of
// the effect tables of effects; a date end covers its whole day.
func (v *Validator) effectSpans(effects []*dsl.EffectArgs) [][2]int64 {
	var spans [][2]int64
	for _, e := range effects {
		et := v.byID[e.EffectTable]
		if et == nil || et.kept == nil {
			continue
		}
		mt := memTable{et}
		sv, ev := mt.Column(e.StartCol), mt.Column(e.EndCol)
		if sv == nil || ev == nil || !sv.Type.IsTime() || !ev.Type.IsTime() {
			continue
		}
		for i := 0; i < int(et.rows) && i < sv.Len() && i < ev.Len(); i++ {
			if sv.IsNull(i) || ev.IsNull(i) {
				continue
			}
			end := ev.Ints[i]
			if ev.Type == column.Date {
				end += usPerDay - 1
			}
			if end >= sv.Ints[i] {
				spans = append(spans, [2]int64{sv.Ints[i], end})
			}
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a][0] < spans[b][0] })
	var out [][2]int64
	for _, sp := range spans {
		if n := len(out); n > 0 && sp[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], sp[1])
			continue
		}
		out = append(out, sp)
	}
	return out
}

// inSpans reports whether us lies in one of the sorted, merged spans.
func inSpans(spans [][2]int64, us int64) bool {
	i := sort.Search(len(spans), func(k int) bool { return spans[k][1] >= us })
	return i < len(spans) && spans[i][0] <= us
}

func (c *numSeasonCheck) feed(b *blockView) {
	vv, tv := b.cols[c.j], b.cols[c.ts]
	if vv == nil || tv == nil {
		return
	}
	if !c.spansSet {
		c.spans, c.spansSet = c.v.effectSpans(c.effects), true
	}
	for i := 0; i < b.rows; i++ {
		if vv.IsNull(i) || tv.IsNull(i) {
			continue
		}
		x, _, _ := cell(vv, i)
		us := tv.Ints[i]
		if len(c.spans) > 0 && inSpans(c.spans, us) {
			c.excluded++
			continue
		}
		x = c.adj(x, us)
		if math.IsNaN(x) {
			continue
		}
		m, d, h := calendar(us)
		k := h
		switch c.p.Dimension {
		case dimMonth:
			k = m
		case dimDow:
			k = d
		}
		c.cells[k].add(x)
	}
}

func (c *numSeasonCheck) results(v *Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	for _, j := range []int{c.j, c.ts} {
		if msg := t.unavailable(j); msg != "" {
			return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "%s", msg)}
		}
	}
	var num, den float64
	for k, m := range c.cells {
		num += float64(m.n) * m.mean
		den += float64(m.n) * c.p.Weights[k]
	}
	d := map[string]any{"dimension": c.p.Dimension, "declared_weights": c.p.Weights, "timestamp_column": t.cols[c.ts].spec.Name}
	if len(c.effects) > 0 {
		d["rows_in_effect_windows"] = c.excluded // left out: the effects change their values
	}
	if den == 0 || num == 0 {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "no values to compare with the %s weights", c.p.Dimension)}
	}
	scale := num / den
	means := make([]any, len(c.cells))
	var errSum, noiseSum float64
	cells := 0
	for k, m := range c.cells {
		if m.n == 0 {
			continue
		}
		means[k] = m.mean
		exp := scale * c.p.Weights[k]
		cells++
		if exp == 0 {
			if math.Abs(m.mean) > 1e-9 {
				errSum++
			}
			continue
		}
		errSum += math.Abs(m.mean-exp) / math.Abs(exp)
		if se := m.stderr(); !math.IsInf(se, 0) {
			noiseSum += se / math.Abs(exp)
		}
	}
	mape, noise := errSum/float64(cells), noiseSum/float64(cells)
	tol := v.opts.RelativeTolerance
	limit := tol + 3*noise
	d["observed_means"], d["scale"], d["mean_relative_error"], d["noise"], d["limit"] = means, scale, mape, noise, limit
	ok := mape <= limit
	return []Result{newResult(Behavioural, false, t.id, c.name, ok, d,
		"means of %s.%s per %s follow the weights within %.3g (limit %.3g)", t.id, t.cols[c.j].spec.Name, c.p.Dimension, mape, limit)}
}

// outlierCheck compares the share of extreme values with the declared
// outlier rate (one-sided: see docs/validation.md).
type outlierCheck struct {
	t    *tableState
	j    int
	a    *dsl.OutliersArgs
	name string
}

func (c *outlierCheck) results(v *Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	if msg := t.unavailable(c.j); msg != "" {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "%s", msg)}
	}
	col := t.cols[c.j]
	sv := col.samp.sorted()
	n := len(sv)
	d := map[string]any{"declared_rate": c.a.Rate, "mode": c.a.Mode, "sample_size": n}
	if n < 20 {
		return []Result{newResult(Behavioural, false, t.id, c.name, n > 0, d, "too few values (%d) to estimate an outlier rate", n)}
	}
	logScale := sv[0] > 0
	tr := func(x float64) float64 {
		if logScale {
			return math.Log(x)
		}
		return x
	}
	q1, q3 := tr(quantile(sv, 0.25)), tr(quantile(sv, 0.75))
	iqr := q3 - q1
	lo, hi := q1-3*iqr, q3+3*iqr
	var count int
	for _, x := range sv {
		y := tr(x)
		if (c.a.Mode == "drop" && y < lo) || (c.a.Mode != "drop" && y > hi) {
			count++
		}
	}
	rate := float64(count) / float64(n)
	r := c.a.Rate
	limit := r + 0.002 + 4*math.Sqrt(math.Max(r, 1e-4)*(1-r)/float64(n))
	d["detected_rate"], d["limit"], d["log_scale"], d["fence_low"], d["fence_high"] = rate, limit, logScale, lo, hi
	if rate > limit {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d,
			"%.4f of %s.%s are extreme values, more than the declared outlier rate %g allows (%.4f)", rate, t.id, col.spec.Name, r, limit)}
	}
	return []Result{newResult(Behavioural, false, t.id, c.name, true, d,
		"%.4f of %s.%s are extreme values (declared outlier rate %g, limit %.4f)", rate, t.id, col.spec.Name, r, limit)}
}

// trendCheck compares the growth of a column's mean over the timeframe
// with its declared trend.
type trendCheck struct {
	t       *tableState
	j, ref  int
	a       *dsl.TrendArgs
	tf      dsl.Timeframe
	adj     func(float64, int64) float64
	buckets [trendBuckets]moments
	name    string
}

const trendBuckets = 12

func (c *trendCheck) bucket(us int64) int {
	s, e := c.tf.Start.UnixMicro(), c.tf.End.UnixMicro()
	if e <= s {
		return 0
	}
	k := int(float64(us-s) / float64(e-s) * trendBuckets)
	return min(max(k, 0), trendBuckets-1)
}

func (c *trendCheck) feed(b *blockView) {
	vv, tv := b.cols[c.j], b.cols[c.ref]
	if vv == nil || tv == nil {
		return
	}
	for i := 0; i < b.rows; i++ {
		if vv.IsNull(i) || tv.IsNull(i) {
			continue
		}
		x, _, _ := cell(vv, i)
		x = c.adj(x, tv.Ints[i])
		if !math.IsNaN(x) {
			c.buckets[c.bucket(tv.Ints[i])].add(x)
		}
	}
}

func (c *trendCheck) results(v *Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	for _, j := range []int{c.j, c.ref} {
		if msg := t.unavailable(j); msg != "" {
			return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "%s", msg)}
		}
	}
	s, e := c.tf.Start.UnixMicro(), c.tf.End.UnixMicro()
	third := func(from, to int) (obs, exp, se float64, n int64) {
		var sum, fsum, varsum float64
		for k := from; k < to; k++ {
			m := c.buckets[k]
			if m.n == 0 {
				continue
			}
			mid := s + int64((float64(k)+0.5)/trendBuckets*float64(e-s))
			sum += float64(m.n) * m.mean
			fsum += float64(m.n) * trendFactor(c.a, mid, s)
			varsum += float64(m.n) * m.variance()
			n += m.n
		}
		if n == 0 {
			return 0, 0, 0, 0
		}
		return sum / float64(n), fsum / float64(n), math.Sqrt(varsum / float64(n) / float64(n)), n
	}
	o1, e1, s1, n1 := third(0, trendBuckets/3)
	o3, e3, s3, n3 := third(trendBuckets-trendBuckets/3, trendBuckets)
	d := map[string]any{"type": c.a.Type, "growth_rate": c.a.GrowthRate, "time_reference": t.cols[c.ref].spec.Name}
	means := make([]any, trendBuckets)
	for k, m := range c.buckets {
		if m.n > 0 {
			means[k] = m.mean
		}
	}
	d["bucket_means"] = means
	if n1 == 0 || n3 == 0 || o1 == 0 {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "not enough values at both ends of the timeframe to measure the trend")}
	}
	obsRatio, expRatio := o3/o1, e3/e1
	se := math.Abs(obsRatio) * math.Sqrt(sq(s1/o1)+sq(s3/o3))
	tol := v.opts.RelativeTolerance
	relErr := math.Abs(obsRatio/expRatio - 1)
	limit := tol + 3*se/math.Abs(expRatio)
	dirOK := math.Abs(expRatio-1) <= limit || (obsRatio-1)*(expRatio-1) > 0
	d["observed_ratio"], d["expected_ratio"], d["relative_error"], d["limit"], d["direction_ok"] = obsRatio, expRatio, relErr, limit, dirOK
	ok := dirOK && relErr <= limit
	return []Result{newResult(Behavioural, false, t.id, c.name, ok, d,
		"mean of %s.%s changes by ×%.3f from the first to the last third of the timeframe (declared ×%.3f; relative error %.3g, limit %.3g)",
		t.id, t.cols[c.j].spec.Name, obsRatio, expRatio, relErr, limit)}
}

func sq(x float64) float64 { return x * x }

// fanoutCheck measures children per parent row from the runs of equal
// values of the child's link column (children are written grouped by
// parent).
type fanoutCheck struct {
	t, p   *tableState
	j      int
	name   string
	have   bool
	cur    int64
	run    int64
	runs   int64
	minRun int64
	maxRun int64
	buf    []byte
}

func (c *fanoutCheck) feed(b *blockView) {
	vec := b.cols[c.j]
	if vec == nil {
		return
	}
	for i := 0; i < b.rows; i++ {
		if vec.IsNull(i) {
			continue
		}
		k := keyOf(keyText, vec, i, &c.buf)
		if intLike(vec.Type) {
			k = vec.Ints[i]
		}
		if c.have && k == c.cur {
			c.run++
			continue
		}
		c.endRun()
		c.have, c.cur, c.run = true, k, 1
	}
}

func (c *fanoutCheck) endRun() {
	if !c.have {
		return
	}
	if c.runs == 0 || c.run < c.minRun {
		c.minRun = c.run
	}
	c.maxRun = max(c.maxRun, c.run)
	c.runs++
}

// fanoutMoments returns the mean and standard deviation of the declared
// per-parent count (a Poisson truncated to [lo, hi] by redrawing, or a
// uniform integer).
func fanoutMoments(f *dsl.Fanout) (mean, sd float64, lo, hi int64) {
	lo, hi = 0, math.MaxInt64
	if f == nil {
		return 1, 0, 1, 1
	}
	if f.Min != nil {
		lo = *f.Min
	}
	if f.Max != nil {
		hi = *f.Max
	}
	if f.Distribution == "uniform" {
		n := float64(hi - lo + 1)
		return float64(lo+hi) / 2, math.Sqrt((n*n - 1) / 12), lo, hi
	}
	if f.Distribution == "empirical" && len(f.Weights) > 0 {
		// Weights[i] is the relative frequency of Min+i children.
		var z, s1, s2 float64
		for i, w := range f.Weights {
			k := float64(lo + int64(i))
			z += w
			s1 += w * k
			s2 += w * k * k
		}
		hi = lo + int64(len(f.Weights)) - 1
		if z <= 0 {
			return float64(lo), 0, lo, hi
		}
		mean = s1 / z
		return mean, math.Sqrt(math.Max(s2/z-mean*mean, 0)), lo, hi
	}
	lambda := 1.0
	if f.Lambda != nil {
		lambda = *f.Lambda
	}
	top := min(hi, int64(lambda+40*math.Sqrt(lambda)+50))
	var z, s1, s2 float64
	logp := -lambda // log pmf at 0
	for k := int64(0); k <= top; k++ {
		if k > 0 {
			logp += math.Log(lambda) - math.Log(float64(k))
		}
		if k < lo {
			continue
		}
		p := math.Exp(logp)
		z += p
		s1 += p * float64(k)
		s2 += p * float64(k) * float64(k)
	}
	if z == 0 {
		return float64(lo), 0, lo, hi
	}
	mean = s1 / z
	return mean, math.Sqrt(math.Max(s2/z-mean*mean, 0)), lo, hi
}

func (c *fanoutCheck) results(v *Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	if msg := t.unavailable(c.j); msg != "" {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "%s", msg)}
	}
	if !c.p.present {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, nil, "parent table %q is missing", c.p.id)}
	}
	c.endRun()
	c.have = false
	parents := c.p.rows
	zero := parents - c.runs
	minC := c.minRun
	if zero > 0 {
		minC = 0
	}
	f := t.node.Fanout
	mean, sd, lo, hi := fanoutMoments(f)
	// Table-level effects, stages and the parents' segment and vintage
	// behaviours change the per-parent counts: only the clamp is checked.
	effects, why := false, ""
	for _, m := range t.node.Modifiers {
		if m.Effect != nil {
			effects, why = true, "table-level effects scale the counts"
		}
	}
	if t.node.StageConfig != nil {
		effects, why = true, "stage_config sets the rows per parent"
	}
	if t.node.StateTransitionModel != nil {
		effects, why = true, "state_transition_model sets the rows per parent (one per period or state entered)"
	}
	for _, pid := range t.node.Parents {
		if p := v.byID[pid]; p != nil && (p.node.SegmentBehavior != nil || p.node.VintageBehavior != nil) {
			effects, why = true, fmt.Sprintf("the segment or vintage behaviour of %q scales the counts", pid)
		}
	}
	if f != nil && len(f.Clamp) == 2 {
		lo, hi = f.Clamp[0], f.Clamp[1]
	} else if effects {
		lo, hi = 0, math.MaxInt64
	}
	d := map[string]any{"parent": c.p.id, "parent_rows": parents, "child_rows": t.rows, "parents_with_children": c.runs,
		"parents_without_children": max(zero, 0), "min": minC, "max": c.maxRun}
	if parents == 0 {
		return []Result{newResult(Behavioural, false, t.id, c.name, t.rows == 0, d, "parent %q has no rows", c.p.id)}
	}
	obs := float64(t.rows) / float64(parents)
	d["mean"], d["declared_min"], d["declared_max"] = obs, lo, nil
	if hi != math.MaxInt64 {
		d["declared_max"] = hi
	}
	if zero < 0 {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d,
			"%d runs of parent keys for %d parents: the rows of %q are not grouped by parent", c.runs, parents, t.id)}
	}
	var problems []string
	if cap := v.opts.DryRunSample; cap > 0 {
		// A preview caps every table: the last parents lose their
		// children, so only the upper bound still holds.
		d["expected_mean"] = nil
		d["note"] = fmt.Sprintf("the data is a preview capped at %d rows per table: only the upper bound of the children per parent is checked", cap)
		if c.maxRun > hi {
			return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "fanout of %q per %q (preview capped at %d rows): a parent has %d children, above the declared maximum %d", t.id, c.p.id, cap, c.maxRun, hi)}
		}
		return []Result{newResult(Behavioural, false, t.id, c.name, true, d, "fanout of %q per %q (preview capped at %d rows): at most %d children per parent; mean and minimum not checked on a preview", t.id, c.p.id, cap, c.maxRun)}
	}
	if minC < lo || c.maxRun > hi {
		problems = append(problems, fmt.Sprintf("children per parent span [%d, %d], outside the declared [%d, %s]", minC, c.maxRun, lo, bound(ptrF(hi))))
	}
	if effects {
		d["expected_mean"] = nil
		d["note"] = why + ": only bounds from fanout.clamp are checked"
	} else {
		limit := 4*sd/math.Sqrt(float64(parents)) + 1e-9
		d["expected_mean"], d["limit"] = mean, limit
		if math.Abs(obs-mean) > limit {
			problems = append(problems, fmt.Sprintf("mean %.4f differs from the declared %.4f by more than %.4g", obs, mean, limit))
		}
	}
	if len(problems) > 0 {
		return []Result{newResult(Behavioural, false, t.id, c.name, false, d, "fanout of %q per %q: %s", t.id, c.p.id, joinStr(problems))}
	}
	return []Result{newResult(Behavioural, false, t.id, c.name, true, d, "fanout of %q per %q: mean %.4f, range [%d, %d]", t.id, c.p.id, obs, minC, c.maxRun)}
}

func ptrF(x int64) *float64 {
	if x == math.MaxInt64 {
		return nil
	}
	f := float64(x)
	return &f
}

func joinStr(s []string) string {
	sort.Strings(s)
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out
}

// jitterMinutes is the combined standard deviation of a column's
// time_jitter modifiers, in minutes (0 without any).
func jitterMinutes(c *dsl.Column) float64 {
	v := 0.0
	for _, m := range c.Modifiers {
		if m.TimeJitter != nil {
			v += m.TimeJitter.StdMinutes * m.TimeJitter.StdMinutes
		}
	}
	return math.Sqrt(v)
}

// hourPhase returns where inside its hour each instant of a column's grid
// sits, as a fraction of the hour, when all sit at the same place (a grid
// stepping by whole hours); -1 when instants spread over the hour.
func (v *Validator) hourPhase(c *dsl.Column) float64 {
	d := c.Generator.DatetimeSeries
	if d == nil {
		return -1
	}
	f, err := timegrid.ParseFreq(d.Freq)
	if err != nil {
		return -1
	}
	start := v.s.Timeframe.Start
	if !d.WithinTimeframe {
		start = d.Start
	}
	const hour = int64(3_600_000_000)
	if f.IsTick() && f.TickUS()%hour != 0 {
		return -1
	}
	off := start.UnixMicro() % hour
	if off < 0 {
		off += hour
	}
	return float64(off) / float64(hour)
}

// blurHours spreads an hour-of-day profile by a normal shift with the given
// standard deviation in minutes. An instant at position u in its hour (the
// phase, or uniform over the hour when phase < 0) moves k hours when
// floor(u + shift) = k; the profile is shifted circularly over the day.
func blurHours(p []float64, sigmaMin, phase float64) []float64 {
	const n, reach = 24, 3
	s := sigmaMin / 60 // in hours
	var q [2*reach + 1]float64
	move := func(u, weight float64) {
		for k := -reach; k <= reach; k++ {
			lo, hi := float64(k)-u, float64(k+1)-u
			q[k+reach] += weight * (normCDF(hi/s) - normCDF(lo/s))
		}
	}
	if phase >= 0 {
		move(phase, 1)
	} else {
		const steps = 200
		for i := 0; i < steps; i++ {
			move((float64(i)+0.5)/steps, 1.0/steps)
		}
	}
	out := make([]float64, n)
	for h := 0; h < n; h++ {
		for k := -reach; k <= reach; k++ {
			out[((h+k)%n+n)%n] += p[h] * q[k+reach]
		}
	}
	return normalize(out)
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
