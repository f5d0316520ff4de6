package dsl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"datagen/src/civil"
)

var (
	generatorNames = func() []string {
		out := make([]string, len(GeneratorKinds))
		for i, k := range GeneratorKinds {
			out[i] = string(k)
		}
		return out
	}()
	distTypes     = []string{"normal", "lognormal", "uniform", "poisson"}
	distParams    = map[string][]string{"normal": {"mean", "std"}, "lognormal": {"mean", "sigma"}, "uniform": {"low", "high"}, "poisson": {"lambda"}}
	dimensions    = []string{"hour", "dow", "month"}
	dimensionSize = map[string]int{"hour": 24, "dow": 7, "month": 12}
)

func (d *decoder) generator(v *jvalue, path string) Generator {
	var g Generator
	o := d.object(v, path, generatorNames...)
	if o == nil {
		return g
	}
	var found []string
	for _, m := range v.obj {
		if slices.Contains(generatorNames, m.key) {
			found = append(found, m.key)
		}
	}
	switch len(found) {
	case 0:
		d.errorf(path, "", "a generator needs one of: %s", strings.Join(generatorNames, ", "))
		return g
	case 1:
	default:
		d.errorf(path, "keep exactly one", "a column can only have one generator, found: %s", strings.Join(found, ", "))
		return g
	}
	kind := GeneratorKind(found[0])
	g.Kind = kind
	body := v.get(found[0])
	bp := key(path, found[0])
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
	}
	return g
}

func (d *decoder) sequence(v *jvalue, path string) *Sequence {
	o := d.object(v, path, "start", "step")
	if o == nil {
		return nil
	}
	s := &Sequence{Start: 1, Step: 1}
	if sv := o.get("start"); sv != nil {
		s.Start, _ = d.integer(sv, o.at("start"))
	}
	if sv := o.get("step"); sv != nil {
		if step, ok := d.integer(sv, o.at("step")); ok {
			if step == 0 {
				d.errorf(o.at("step"), "", "step cannot be 0")
			}
			s.Step = step
		}
	}
	return s
}

func (d *decoder) choice(v *jvalue, path string) *Choice {
	o := d.object(v, path, "choices", "choices_ref", "weights", "weights_kind")
	if o == nil {
		return nil
	}
	c := &Choice{WeightsKind: WeightsKind{Kind: "uniform"}}
	cv, rv := o.get("choices"), o.get("choices_ref")
	switch {
	case cv != nil && rv != nil:
		d.errorf(path, "remove one of them", "choice cannot have both choices and choices_ref")
	case cv == nil && rv == nil:
		d.errorf(path, "", "choice needs either choices or choices_ref")
	}
	if cv != nil {
		if vals, ok := d.scalars(cv, o.at("choices")); ok {
			if len(vals) == 0 {
				d.errorf(o.at("choices"), "", "choices cannot be empty")
			}
			c.Choices = vals
		}
	}
	if rv != nil {
		if t, col, ok := d.ref(rv, o.at("choices_ref")); ok {
			c.ChoicesRef, c.RefTable, c.RefColumn = t+"."+col, t, col
		}
	}
	if wv := o.get("weights"); wv != nil {
		if rv != nil && cv == nil {
			d.errorf(o.at("weights"), "use weights_kind", "weights cannot be used with choices_ref (the number of distinct values is not known)")
		} else {
			want := -1
			if c.Choices != nil {
				want = len(c.Choices)
			}
			if w, ok := d.weights(wv, o.at("weights"), want, "choices"); ok {
				c.Weights = w
			}
		}
	}
	if kv := o.get("weights_kind"); kv != nil {
		if kv.kind != jString {
			d.errorf(o.at("weights_kind"), `e.g. "uniform", "zipf@1.5" or "head_tail@{0.7,2.0}"`, "expected a string, got %s", kv.describe())
		} else if wk, err := ParseWeightsKind(kv.str); err != nil {
			d.errorf(o.at("weights_kind"), `e.g. "uniform", "zipf@1.5" or "head_tail@{0.7,2.0}"`, "%v", err)
		} else {
			c.WeightsKind = wk
			if o.get("weights") != nil {
				d.warnf(o.at("weights_kind"), "remove one of them", "weights_kind is ignored when weights are given")
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
func (d *decoder) distribution(v *jvalue, path string, generator bool) *Distribution {
	o := d.object(v, path, "type", "params", "clamp")
	if o == nil {
		return nil
	}
	dist := &Distribution{Params: map[string]float64{}}
	if tv := d.required(o, "type"); tv != nil {
		if t, ok := d.str(tv, o.at("type")); ok {
			if slices.Contains(distTypes, t) {
				dist.Type = t
			} else {
				d.errorf(o.at("type"), suggestOr(t, distTypes), "unknown distribution type %q", t)
			}
		}
	}
	var pv *jvalue
	if generator {
		pv = d.required(o, "params")
	} else {
		pv = o.get("params")
	}
	if pv != nil {
		d.distParams(dist, pv, o.at("params"))
	}
	// clamp is optional: without it the distribution is unbounded.
	if cv := o.get("clamp"); cv != nil {
		dist.ClampMin, dist.ClampMax = d.clampPair(cv, o.at("clamp"))
	}
	return dist
}

// distParams reads the parameters of dist.Type, with its defaults.
func (d *decoder) distParams(dist *Distribution, v *jvalue, path string) {
	if v.kind != jObject {
		d.errorf(path, "", "expected an object, got %s", v.describe())
		return
	}
	d.reportDups(v, path)
	names, known := distParams[dist.Type]
	if !known {
		// Unknown type, already reported: read numbers only.
		for _, m := range v.obj {
			if f, ok := d.num(m.val, key(path, m.key)); ok {
				dist.Params[m.key] = f
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
	for _, m := range v.obj {
		p := key(path, m.key)
		name := m.key
		if slices.Contains(annotationKeys, name) {
			continue
		}
		if canon, ok := aliases[name]; ok {
			if v.get(canon) != nil {
				d.errorf(p, "remove one of them", "both %s and %s are given", canon, name)
				continue
			}
			if name == "sigma" {
				d.warnf(p, `write "std"`, "sigma on normal is read as std")
			} else {
				d.warnf(p, fmt.Sprintf("write %q", canon), "%s is read as %s", name, canon)
			}
			name = canon
		} else if !slices.Contains(names, name) {
			sugg := didYouMean(name, names)
			if dist.Type == "lognormal" && (name == "std" || name == "sd") {
				sugg = `lognormal takes "sigma", the standard deviation of the underlying normal`
			}
			if sugg == "" {
				sugg = fmt.Sprintf("%s takes %s", dist.Type, strings.Join(names, ", "))
			}
			if d.opts.Lenient {
				d.warnf(p, sugg, "unknown %s parameter %q is ignored", dist.Type, name)
			} else {
				d.errorf(p, sugg, "unknown %s parameter %q", dist.Type, name)
			}
			continue
		}
		if f, ok := d.num(m.val, p); ok {
			dist.Params[name] = f
		}
	}
	at := func(name string) string {
		for alias, canon := range aliases {
			if canon == name && v.get(name) == nil && v.get(alias) != nil {
				return key(path, alias)
			}
		}
		return key(path, name)
	}
	switch dist.Type {
	case "normal":
		if s, ok := dist.Params["std"]; ok && !(s > 0) {
			d.errorf(at("std"), "", "std must be greater than 0, got %s", fmtNum(s))
		}
	case "lognormal":
		if s, ok := dist.Params["sigma"]; ok && !(s > 0) {
			d.errorf(at("sigma"), "", "sigma must be greater than 0, got %s", fmtNum(s))
		}
		if m, ok := dist.Params["mean"]; ok && m > 700 {
			d.errorf(at("mean"), "mean is the log of the typical value", "lognormal mean %s overflows", fmtNum(m))
		}
	case "uniform":
		lo, hi := dist.Param("low", 0), dist.Param("high", 1)
		if lo > hi {
			d.errorf(at("low"), "", "low %s is greater than high %s", fmtNum(lo), fmtNum(hi))
		}
	case "poisson":
		if l, ok := dist.Params["lambda"]; ok && (l < 0 || l > 1e9) {
			d.errorf(at("lambda"), "", "lambda must be between 0 and 1e9, got %s", fmtNum(l))
		}
	}
}

// clampPair reads [lo, hi] where either side may be null.
func (d *decoder) clampPair(v *jvalue, path string) (lo, hi *float64) {
	arr, ok := d.array(v, path)
	if !ok {
		return nil, nil
	}
	if len(arr) != 2 {
		d.errorf(path, "", "clamp must be [min, max], got %d values", len(arr))
		return nil, nil
	}
	for i, e := range arr {
		if e.kind == jNull {
			continue
		}
		if f, ok := d.num(e, index(path, i)); ok {
			if i == 0 {
				lo = &f
			} else {
				hi = &f
			}
		}
	}
	if lo != nil && hi != nil && *lo > *hi {
		d.errorf(path, "", "clamp lower bound %s is greater than upper bound %s", fmtNum(*lo), fmtNum(*hi))
	}
	return lo, hi
}

func (d *decoder) datetimeSeries(v *jvalue, path string) *DatetimeSeries {
	o := d.object(v, path, "within", "freq", "pattern")
	if o == nil {
		return nil
	}
	ds := &DatetimeSeries{}
	if wv := d.required(o, "within"); wv != nil {
		ds.WithinTimeframe, ds.Start, ds.End = d.within(wv, o.at("within"))
	}
	if fv := d.required(o, "freq"); fv != nil {
		if f, ok := d.str(fv, o.at("freq")); ok {
			if err := checkFreq(f); err != nil {
				d.errorf(o.at("freq"), freqSuggestion(f), "%v", err)
			}
			ds.Freq = f
		}
	}
	if pv := o.get("pattern"); pv != nil {
		ds.Pattern = d.pattern(pv, o.at("pattern"))
	}
	return ds
}

// within reads "timeframe" or {start, end}.
func (d *decoder) within(v *jvalue, path string) (timeframe bool, start, end time.Time) {
	switch v.kind {
	case jString:
		if v.str == "timeframe" {
			return true, start, end
		}
		d.errorf(path, `write "timeframe" or {"start": ..., "end": ...}`, "within must be \"timeframe\" or an object with start and end, got %s", v.describe())
		return false, start, end
	case jObject:
		o := d.object(v, path, "start", "end")
		var okS, okE bool
		if sv := d.required(o, "start"); sv != nil {
			start, okS = d.timestamp(sv, o.at("start"))
		}
		if ev := d.required(o, "end"); ev != nil {
			end, okE = d.timestamp(ev, o.at("end"))
		}
		if okS && okE && start.After(end) {
			d.errorf(o.at("start"), "", "start %s is after end %s", showTime(start), showTime(end))
		}
		return false, start, end
	}
	d.errorf(path, "", "within must be \"timeframe\" or an object with start and end, got %s", v.describe())
	return false, start, end
}

// timestamp reads an ISO 8601 string.
func (d *decoder) timestamp(v *jvalue, path string) (time.Time, bool) {
	s, ok := d.str(v, path)
	if !ok {
		return time.Time{}, false
	}
	t, err := civil.ParseTimestamp(s)
	if err != nil {
		d.errorf(path, `e.g. "2024-01-01T00:00:00Z"`, "%v", err)
		return time.Time{}, false
	}
	return t, true
}

// pattern reads {dimension, weights} with the weight count the dimension
// needs.
func (d *decoder) pattern(v *jvalue, path string) *Pattern {
	o := d.object(v, path, "dimension", "weights")
	if o == nil {
		return nil
	}
	p := &Pattern{}
	if dv := d.required(o, "dimension"); dv != nil {
		if s, ok := d.str(dv, o.at("dimension")); ok {
			if slices.Contains(dimensions, s) {
				p.Dimension = s
			} else {
				sugg := suggestOr(s, dimensions)
				if strings.EqualFold(s, "weekday") || strings.EqualFold(s, "day_of_week") || strings.EqualFold(s, "dayofweek") {
					sugg = `did you mean "dow"?`
				}
				d.errorf(o.at("dimension"), sugg, "unknown dimension %q", s)
			}
		}
	}
	if wv := d.required(o, "weights"); wv != nil {
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
		p.Weights, _ = d.weights(wv, o.at("weights"), want, what)
	}
	return p
}

func (d *decoder) faker(v *jvalue, path string) *Faker {
	o := d.object(v, path, "method", "locale_from", "locale", "args", "text")
	if o == nil {
		return nil
	}
	f := &Faker{}
	if mv := d.required(o, "method"); mv != nil {
		f.Method, _ = d.nonEmptyStr(mv, o.at("method"))
	}
	if lv := o.get("locale_from"); lv != nil {
		f.LocaleFrom, _ = d.nonEmptyStr(lv, o.at("locale_from"))
	}
	if lv := o.get("locale"); lv != nil {
		f.Locale, _ = d.nonEmptyStr(lv, o.at("locale"))
	}
	if av := o.get("args"); av != nil {
		if av.kind != jObject {
			d.errorf(o.at("args"), "", "expected an object, got %s", av.describe())
		} else {
			f.Args, _ = d.toAny(av, o.at("args")).(map[string]any)
		}
	}
	if tv := o.get("text"); tv != nil {
		if t, ok := d.str(tv, o.at("text")); ok {
			if _, dup := f.Args["text"]; dup {
				d.errorf(o.at("text"), "remove one of them", "text is given both here and in args")
			} else {
				d.warnf(o.at("text"), `write "args": {"text": ...}`, "text is read as args.text")
				if f.Args == nil {
					f.Args = map[string]any{}
				}
				f.Args["text"] = t
			}
		}
	}
	return f
}

func (d *decoder) lookup(v *jvalue, path string) *Lookup {
	o := d.object(v, path, "from", "on")
	if o == nil {
		return nil
	}
	l := &Lookup{}
	if fv := d.required(o, "from"); fv != nil {
		if t, c, ok := d.ref(fv, o.at("from")); ok {
			l.From, l.Table, l.Column = t+"."+c, t, c
		}
	}
	if ov := o.get("on"); ov != nil {
		l.On = d.keyPairs(ov, o.at("on"))
	}
	return l
}

// keyPairs reads a join mapping {"local": "remote", ...}.
func (d *decoder) keyPairs(v *jvalue, path string) []KeyPair {
	if v.kind != jObject {
		d.errorf(path, `e.g. {"local_column": "remote_column"}`, "expected an object, got %s", v.describe())
		return nil
	}
	d.reportDups(v, path)
	var out []KeyPair
	for _, m := range v.obj {
		if r, ok := d.nonEmptyStr(m.val, key(path, m.key)); ok {
			out = append(out, KeyPair{Local: m.key, Remote: r})
		}
	}
	return out
}

func (d *decoder) expression(v *jvalue, path string) *Expression {
	o := d.object(v, path, "code")
	if o == nil {
		return nil
	}
	e := &Expression{}
	if cv := d.required(o, "code"); cv != nil {
		e.Code, _ = d.nonEmptyStr(cv, o.at("code"))
	}
	return e
}

func (d *decoder) enumList(v *jvalue, path string) *EnumList {
	o := d.object(v, path, "values")
	if o == nil {
		return nil
	}
	e := &EnumList{}
	if vv := d.required(o, "values"); vv != nil {
		if vals, ok := d.scalars(vv, o.at("values")); ok {
			if len(vals) == 0 {
				d.errorf(o.at("values"), "", "values cannot be empty")
			}
			e.Values = vals
		}
	}
	return e
}
