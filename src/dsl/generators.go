package dsl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"datagen/src/civil"
	"datagen/src/input"
)

var (
	generatorNames = func() []string {
		out := make([]string, len(GeneratorKinds))
		for i, k := range GeneratorKinds {
			out[i] = string(k)
		}
		return out
	}()
	distTypes     = []string{"normal", "lognormal", "uniform", "poisson", "empirical"}
	distParams    = map[string][]string{"normal": {"mean", "std"}, "lognormal": {"mean", "sigma"}, "uniform": {"low", "high"}, "poisson": {"lambda"}, "empirical": {}}
	dimensions    = []string{"hour", "dow", "month"}
	dimensionSize = map[string]int{"hour": 24, "dow": 7, "month": 12}
)

func (d *decoder) generator(v *input.Value, path string) Generator {
	var g Generator
	o := d.Object(v, path, generatorNames...)
	if o == nil {
		return g
	}
	var found []string
	for _, m := range v.Obj {
		if slices.Contains(generatorNames, m.Key) {
			found = append(found, m.Key)
		}
	}
	switch len(found) {
	case 0:
		d.Errorf(path, "", "a generator needs one of: %s", strings.Join(generatorNames, ", "))
		return g
	case 1:
	default:
		d.Errorf(path, "keep exactly one", "a column can only have one generator, found: %s", strings.Join(found, ", "))
		return g
	}
	kind := GeneratorKind(found[0])
	g.Kind = kind
	body := v.Get(found[0])
	bp := input.Key(path, found[0])
	switch kind {
	case GenSequence:
		g.Sequence = d.sequence(body, bp)
	case GenChoice:
		g.Choice = d.choice(body, bp)
	case GenDistribution:
		g.Distribution = d.distribution(body, bp, true)
	case GenDatetimeSeries:
		g.DatetimeSeries = d.datetimeSeries(body, bp)
	case GenFaker:
		g.Faker = d.faker(body, bp)
	case GenLookup:
		g.Lookup = d.lookup(body, bp)
	case GenExpression:
		g.Expression = d.expression(body, bp)
	case GenEnumList:
		g.EnumList = d.enumList(body, bp)
	case GenAggregate:
		g.Aggregate = d.aggregate(body, bp)
	}
	return g
}

func (d *decoder) sequence(v *input.Value, path string) *Sequence {
	o := d.Object(v, path, "start", "step")
	if o == nil {
		return nil
	}
	s := &Sequence{Start: 1, Step: 1}
	if sv := o.Get("start"); sv != nil {
		s.Start, _ = d.Integer(sv, o.At("start"))
	}
	if sv := o.Get("step"); sv != nil {
		if step, ok := d.Integer(sv, o.At("step")); ok {
			if step == 0 {
				d.Errorf(o.At("step"), "", "step cannot be 0")
			}
			s.Step = step
		}
	}
	return s
}

func (d *decoder) choice(v *input.Value, path string) *Choice {
	o := d.Object(v, path, "choices", "choices_ref", "weights", "weights_kind")
	if o == nil {
		return nil
	}
	c := &Choice{WeightsKind: WeightsKind{Kind: "uniform"}}
	cv, rv := o.Get("choices"), o.Get("choices_ref")
	switch {
	case cv != nil && rv != nil:
		d.Errorf(path, "remove one of them", "choice cannot have both choices and choices_ref")
	case cv == nil && rv == nil:
		d.Errorf(path, "", "choice needs either choices or choices_ref")
	}
	if cv != nil {
		if vals, ok := d.Scalars(cv, o.At("choices")); ok {
			if len(vals) == 0 {
				d.Errorf(o.At("choices"), "", "choices cannot be empty")
			}
			c.Choices = vals
		}
	}
	if rv != nil {
		if t, col, ok := d.ref(rv, o.At("choices_ref")); ok {
			c.ChoicesRef, c.RefTable, c.RefColumn = t+"."+col, t, col
		}
	}
	if wv := o.Get("weights"); wv != nil {
		if rv != nil && cv == nil {
			d.Errorf(o.At("weights"), "use weights_kind", "weights cannot be used with choices_ref (the number of distinct values is not known)")
		} else {
			want := -1
			if c.Choices != nil {
				want = len(c.Choices)
			}
			if w, ok := d.weights(wv, o.At("weights"), want, "choices"); ok {
				c.Weights = w
			}
		}
	}
	if kv := o.Get("weights_kind"); kv != nil {
		if kv.Kind != input.StringKind {
			d.Errorf(o.At("weights_kind"), `e.g. "uniform", "zipf@1.5" or "head_tail@{0.7,2.0}"`, "expected a string, got %s", kv.Describe())
		} else if wk, err := ParseWeightsKind(kv.Str); err != nil {
			d.Errorf(o.At("weights_kind"), `e.g. "uniform", "zipf@1.5" or "head_tail@{0.7,2.0}"`, "%v", err)
		} else {
			c.WeightsKind = wk
			if o.Get("weights") != nil {
				d.Warnf(o.At("weights_kind"), "remove one of them", "weights_kind is ignored when weights are given")
			}
		}
	}
	return c
}

// ParseWeightsKind parses "uniform", "zipf@<a>" (a > 0) or
// "head_tail@{<h>,<a>}" (0 < h < 1, a > 0).
func ParseWeightsKind(s string) (WeightsKind, error) {
	if s == "uniform" {
		return WeightsKind{Kind: "uniform"}, nil
	}
	name, arg, found := strings.Cut(s, "@")
	switch {
	case name == "zipf" && found:
		a, err := strconv.ParseFloat(strings.TrimSpace(arg), 64)
		if err != nil || !(a > 0) || a > 1e6 {
			return WeightsKind{}, fmt.Errorf("invalid weights_kind %q: zipf@<a> needs a number a > 0", s)
		}
		return WeightsKind{Kind: "zipf", A: a}, nil
	case name == "head_tail" && found:
		inner, ok := strings.CutPrefix(strings.TrimSpace(arg), "{")
		if ok {
			inner, ok = strings.CutSuffix(inner, "}")
		}
		parts := strings.Split(inner, ",")
		if !ok || len(parts) != 2 {
			return WeightsKind{}, fmt.Errorf("invalid weights_kind %q: expected head_tail@{<h>,<a>}", s)
		}
		h, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		a, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		if err1 != nil || err2 != nil || !(h > 0 && h < 1) || !(a > 0) || a > 1e6 {
			return WeightsKind{}, fmt.Errorf("invalid weights_kind %q: head_tail@{h,a} needs 0 < h < 1 and a > 0", s)
		}
		return WeightsKind{Kind: "head_tail", H: h, A: a}, nil
	}
	return WeightsKind{}, fmt.Errorf("unknown weights_kind %q", s)
}

// distribution decodes a distribution body. Generators require params and
// clamp; an outlier magnitude_dist does not.
func (d *decoder) distribution(v *input.Value, path string, generator bool) *Distribution {
	o := d.Object(v, path, "type", "params", "clamp", "quantiles")
	if o == nil {
		return nil
	}
	dist := &Distribution{Params: map[string]float64{}}
	if tv := o.Required("type"); tv != nil {
		if t, ok := d.Str(tv, o.At("type")); ok {
			if slices.Contains(distTypes, t) {
				dist.Type = t
			} else {
				d.Errorf(o.At("type"), input.SuggestOr(t, distTypes), "unknown distribution type %q", t)
			}
		}
	}
	if qv := o.Get("quantiles"); qv != nil || dist.Type == "empirical" {
		if dist.Type != "empirical" && dist.Type != "" {
			d.Errorf(o.At("quantiles"), `remove it, or use "type": "empirical"`, "quantiles are only read by an empirical distribution, not %s", dist.Type)
		} else if dist.Type == "empirical" {
			dist.Quantiles = d.quantiles(o.Required("quantiles"), o.At("quantiles"))
		}
	}
	var pv *input.Value
	if generator {
		pv = o.Required("params")
	} else {
		pv = o.Get("params")
	}
	if pv != nil {
		d.distParams(dist, pv, o.At("params"))
	}
	// clamp is optional: without it the distribution is unbounded.
	if cv := o.Get("clamp"); cv != nil {
		dist.ClampMin, dist.ClampMax = d.clampPair(cv, o.At("clamp"))
	}
	return dist
}

// quantiles reads the knots of an empirical distribution: at least two
// finite numbers in non-decreasing order.
func (d *decoder) quantiles(v *input.Value, path string) []float64 {
	if v == nil {
		return nil
	}
	arr, ok := d.Array(v, path)
	if !ok {
		return nil
	}
	if len(arr) < 2 {
		d.Errorf(path, "give the minimum, the inner quantiles and the maximum", "an empirical distribution needs at least 2 quantiles, got %d", len(arr))
		return nil
	}
	q := make([]float64, 0, len(arr))
	for i, e := range arr {
		f, ok := d.Num(e, input.Index(path, i))
		if !ok {
			return nil
		}
		if i > 0 && f < q[i-1] {
			d.Errorf(input.Index(path, i), "quantiles go from the smallest to the largest", "quantile %s is below the previous one, %s", fmtNum(f), fmtNum(q[i-1]))
			return nil
		}
		q = append(q, f)
	}
	return q
}

// distParams reads the parameters of dist.Type, with its defaults.
func (d *decoder) distParams(dist *Distribution, v *input.Value, path string) {
	if !v.IsObject() {
		d.Errorf(path, "", "expected an object, got %s", v.Describe())
		return
	}
	d.ReportDups(v, path)
	names, known := distParams[dist.Type]
	if !known {
		// Unknown type, already reported: read numbers only.
		for _, m := range v.Obj {
			if f, ok := d.Num(m.Val, input.Key(path, m.Key)); ok {
				dist.Params[m.Key] = f
			}
		}
		return
	}
	aliases := map[string]string{}
	switch dist.Type {
	case "normal":
		aliases["sigma"] = "std"
	case "poisson":
		aliases["lambda_"] = "lambda"
	}
	for _, m := range v.Obj {
		p := input.Key(path, m.Key)
		name := m.Key
		if slices.Contains(annotationKeys, name) {
			continue
		}
		if canon, ok := aliases[name]; ok {
			if v.Get(canon) != nil {
				d.Errorf(p, "remove one of them", "both %s and %s are given", canon, name)
				continue
			}
			if name == "sigma" {
				d.Warnf(p, `write "std"`, "sigma on normal is read as std")
			} else {
				d.Warnf(p, fmt.Sprintf("write %q", canon), "%s is read as %s", name, canon)
			}
			name = canon
		} else if !slices.Contains(names, name) {
			sugg := input.DidYouMean(name, names)
			if dist.Type == "lognormal" && (name == "std" || name == "sd") {
				sugg = `lognormal takes "sigma", the standard deviation of the underlying normal`
			}
			if sugg == "" {
				sugg = fmt.Sprintf("%s takes %s", dist.Type, strings.Join(names, ", "))
			}
			if d.Lenient {
				d.Warnf(p, sugg, "unknown %s parameter %q is ignored", dist.Type, name)
			} else {
				d.Errorf(p, sugg, "unknown %s parameter %q", dist.Type, name)
			}
			continue
		}
		if f, ok := d.Num(m.Val, p); ok {
			dist.Params[name] = f
		}
	}
	at := func(name string) string {
		for alias, canon := range aliases {
			if canon == name && v.Get(name) == nil && v.Get(alias) != nil {
				return input.Key(path, alias)
			}
		}
		return input.Key(path, name)
	}
	switch dist.Type {
	case "normal":
		if s, ok := dist.Params["std"]; ok && !(s > 0) {
			d.Errorf(at("std"), "", "std must be greater than 0, got %s", fmtNum(s))
		}
	case "lognormal":
		if s, ok := dist.Params["sigma"]; ok && !(s > 0) {
			d.Errorf(at("sigma"), "", "sigma must be greater than 0, got %s", fmtNum(s))
		}
		if m, ok := dist.Params["mean"]; ok && m > 700 {
			d.Errorf(at("mean"), "mean is the log of the typical value", "lognormal mean %s overflows", fmtNum(m))
		}
	case "uniform":
		lo, hi := dist.Param("low", 0), dist.Param("high", 1)
		if lo > hi {
			d.Errorf(at("low"), "", "low %s is greater than high %s", fmtNum(lo), fmtNum(hi))
		}
	case "poisson":
		if l, ok := dist.Params["lambda"]; ok && (l < 0 || l > 1e9) {
			d.Errorf(at("lambda"), "", "lambda must be between 0 and 1e9, got %s", fmtNum(l))
		}
	}
}

// clampPair reads [lo, hi] where either side may be null.
func (d *decoder) clampPair(v *input.Value, path string) (lo, hi *float64) {
	arr, ok := d.Array(v, path)
	if !ok {
		return nil, nil
	}
	if len(arr) != 2 {
		d.Errorf(path, "", "clamp must be [min, max], got %d values", len(arr))
		return nil, nil
	}
	for i, e := range arr {
		if e.Kind == input.NullKind {
			continue
		}
		if f, ok := d.Num(e, input.Index(path, i)); ok {
			if i == 0 {
				lo = &f
			} else {
				hi = &f
			}
		}
	}
	if lo != nil && hi != nil && *lo > *hi {
		d.Errorf(path, "", "clamp lower bound %s is greater than upper bound %s", fmtNum(*lo), fmtNum(*hi))
	}
	return lo, hi
}

func (d *decoder) datetimeSeries(v *input.Value, path string) *DatetimeSeries {
	o := d.Object(v, path, "within", "freq", "pattern", "sequential")
	if o == nil {
		return nil
	}
	ds := &DatetimeSeries{}
	if sv := o.Get("sequential"); sv != nil {
		ds.Sequential, _ = d.Bool(sv, o.At("sequential"))
	}
	if wv := o.Required("within"); wv != nil {
		if wv.IsObject() && (wv.Get("start_col") != nil || wv.Get("end_col") != nil) {
			ds.WithinTimeframe = true
			ds.Lifetime = d.lifetime(wv, o.At("within"))
		} else {
			ds.WithinTimeframe, ds.Start, ds.End = d.within(wv, o.At("within"))
		}
	}
	if fv := o.Required("freq"); fv != nil {
		if f, ok := d.Str(fv, o.At("freq")); ok {
			if err := checkFreq(f); err != nil {
				d.Errorf(o.At("freq"), freqSuggestion(f), "%v", err)
			}
			ds.Freq = f
		}
	}
	if pv := o.Get("pattern"); pv != nil {
		ds.Pattern = d.pattern(pv, o.At("pattern"))
		if ds.Sequential {
			d.Errorf(o.At("pattern"), "remove pattern or sequential", "a sequential series takes every instant in order: a pattern cannot weight them")
		}
	}
	return ds
}

// lifetime reads {"start_col": "table.column", "end_col": "table.column"};
// both must name the same table.
func (d *decoder) lifetime(v *input.Value, path string) *Lifetime {
	o := d.Object(v, path, "start_col", "end_col")
	if o == nil {
		return nil
	}
	l := &Lifetime{}
	if sv := o.Required("start_col"); sv != nil {
		if t, c, ok := d.ref(sv, o.At("start_col")); ok {
			l.Start, l.Table, l.StartCol = t+"."+c, t, c
		}
	}
	if ev := o.Get("end_col"); ev != nil {
		if t, c, ok := d.ref(ev, o.At("end_col")); ok {
			l.End, l.EndCol = t+"."+c, c
			if l.Table != "" && t != l.Table {
				d.Errorf(o.At("end_col"), "name two columns of the parent", "start_col is a column of %q, end_col of %q", l.Table, t)
			}
			if l.Table == "" {
				l.Table = t
			}
		}
	}
	return l
}

// within reads "timeframe" or {start, end}.
func (d *decoder) within(v *input.Value, path string) (timeframe bool, start, end time.Time) {
	switch {
	case v.Kind == input.StringKind:
		if v.Str == "timeframe" {
			return true, start, end
		}
		d.Errorf(path, `write "timeframe" or {"start": ..., "end": ...}`, "within must be \"timeframe\" or an object with start and end, got %s", v.Describe())
		return false, start, end
	case v.IsObject():
		o := d.Object(v, path, "start", "end")
		var okS, okE bool
		if sv := o.Required("start"); sv != nil {
			start, okS = d.timestamp(sv, o.At("start"))
		}
		if ev := o.Required("end"); ev != nil {
			end, okE = d.timestamp(ev, o.At("end"))
		}
		if okS && okE && start.After(end) {
			d.Errorf(o.At("start"), "", "start %s is after end %s", showTime(start), showTime(end))
		}
		return false, start, end
	}
	d.Errorf(path, "", "within must be \"timeframe\" or an object with start and end, got %s", v.Describe())
	return false, start, end
}

// timestamp reads an ISO 8601 string.
func (d *decoder) timestamp(v *input.Value, path string) (time.Time, bool) {
	s, ok := d.Str(v, path)
	if !ok {
		return time.Time{}, false
	}
	t, err := civil.ParseTimestamp(s)
	if err != nil {
		d.Errorf(path, `e.g. "2024-01-01T00:00:00Z"`, "%v", err)
		return time.Time{}, false
	}
	return t, true
}

// pattern reads {dimension, weights} with the weight count the dimension
// needs.
func (d *decoder) pattern(v *input.Value, path string) *Pattern {
	o := d.Object(v, path, "dimension", "weights")
	if o == nil {
		return nil
	}
	p := &Pattern{}
	if dv := o.Required("dimension"); dv != nil {
		if s, ok := d.Str(dv, o.At("dimension")); ok {
			if slices.Contains(dimensions, s) {
				p.Dimension = s
			} else {
				sugg := input.SuggestOr(s, dimensions)
				if strings.EqualFold(s, "weekday") || strings.EqualFold(s, "day_of_week") || strings.EqualFold(s, "dayofweek") {
					sugg = `did you mean "dow"?`
				}
				d.Errorf(o.At("dimension"), sugg, "unknown dimension %q", s)
			}
		}
	}
	if wv := o.Required("weights"); wv != nil {
		want := dimensionSize[p.Dimension]
		what := "values"
		switch p.Dimension {
		case "hour":
			what = "hours"
		case "dow":
			what = "days of the week (Monday first)"
		case "month":
			what = "months"
		}
		if want == 0 {
			want = -1
		}
		p.Weights, _ = d.weights(wv, o.At("weights"), want, what)
	}
	return p
}

func (d *decoder) faker(v *input.Value, path string) *Faker {
	o := d.Object(v, path, "method", "locale_from", "locale", "args", "text")
	if o == nil {
		return nil
	}
	f := &Faker{}
	if mv := o.Required("method"); mv != nil {
		f.Method, _ = d.NonEmptyStr(mv, o.At("method"))
	}
	if lv := o.Get("locale_from"); lv != nil {
		f.LocaleFrom, _ = d.NonEmptyStr(lv, o.At("locale_from"))
	}
	if lv := o.Get("locale"); lv != nil {
		f.Locale, _ = d.NonEmptyStr(lv, o.At("locale"))
	}
	if av := o.Get("args"); av != nil {
		f.Args = d.AnyObject(av, o.At("args"))
	}
	if tv := o.Get("text"); tv != nil {
		if t, ok := d.Str(tv, o.At("text")); ok {
			if _, dup := f.Args["text"]; dup {
				d.Errorf(o.At("text"), "remove one of them", "text is given both here and in args")
			} else {
				d.Warnf(o.At("text"), `write "args": {"text": ...}`, "text is read as args.text")
				if f.Args == nil {
					f.Args = map[string]any{}
				}
				f.Args["text"] = t
			}
		}
	}
	return f
}

func (d *decoder) lookup(v *input.Value, path string) *Lookup {
	o := d.Object(v, path, "from", "on")
	if o == nil {
		return nil
	}
	l := &Lookup{}
	if fv := o.Required("from"); fv != nil {
		if t, c, ok := d.ref(fv, o.At("from")); ok {
			l.From, l.Table, l.Column = t+"."+c, t, c
		}
	}
	if ov := o.Get("on"); ov != nil {
		l.On = d.keyPairs(ov, o.At("on"))
	}
	return l
}

// keyPairs reads a join mapping {"local": "remote", ...}.
func (d *decoder) keyPairs(v *input.Value, path string) []KeyPair {
	if !v.IsMap() {
		d.Errorf(path, `e.g. {"local_column": "remote_column"}`, "expected an object, got %s", v.Describe())
		return nil
	}
	d.ReportDups(v, path)
	var out []KeyPair
	for _, m := range v.MapMembers() {
		if r, ok := d.NonEmptyStr(m.Val, input.Key(path, m.Key)); ok {
			out = append(out, KeyPair{Local: m.Key, Remote: r})
		}
	}
	return out
}

func (d *decoder) expression(v *input.Value, path string) *Expression {
	o := d.Object(v, path, "code")
	if o == nil {
		return nil
	}
	e := &Expression{}
	if cv := o.Required("code"); cv != nil {
		e.Code, _ = d.NonEmptyStr(cv, o.At("code"))
	}
	return e
}

func (d *decoder) enumList(v *input.Value, path string) *EnumList {
	o := d.Object(v, path, "values")
	if o == nil {
		return nil
	}
	e := &EnumList{}
	if vv := o.Required("values"); vv != nil {
		if vals, ok := d.Scalars(vv, o.At("values")); ok {
			if len(vals) == 0 {
				d.Errorf(o.At("values"), "", "values cannot be empty")
			}
			e.Values = vals
		}
	}
	return e
}

func (d *decoder) aggregate(v *input.Value, path string) *Aggregate {
	o := d.Object(v, path, "from", "fn", "where")
	if o == nil {
		return nil
	}
	a := &Aggregate{}
	if fv := o.Required("from"); fv != nil {
		if t, c, ok := d.ref(fv, o.At("from")); ok {
			a.From, a.Table, a.Column = t+"."+c, t, c
		}
	}
	if fv := o.Required("fn"); fv != nil {
		if fn, ok := d.Str(fv, o.At("fn")); ok {
			if slices.Contains(AggregateFns, fn) {
				a.Fn = fn
			} else {
				sugg := input.SuggestOr(fn, AggregateFns)
				if fn == "avg" || fn == "average" {
					sugg = `did you mean "mean"?`
				}
				d.Errorf(o.At("fn"), sugg, "unknown aggregate function %q", fn)
			}
		}
	}
	if wv := o.Get("where"); wv != nil {
		a.Where, _ = d.NonEmptyStr(wv, o.At("where"))
	}
	return a
}
