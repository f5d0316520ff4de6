package dsl

import (
	"regexp"
	"slices"
	"strings"
)

var (
	constraintKeys  = []string{"unique", "foreign_keys", "ranges", "inequalities", "pattern", "enum"}
	inequalityOps   = []string{"<", "<=", ">", ">=", "=="}
	targetKeys      = []string{"weekend_share", "mean_in_range", "composite_effect"}
	influenceKinds  = []string{"seasonality", "effect", "outliers"}
	influenceFields = []string{"kind", "dimension", "weights", "table", "on", "field", "default", "rate", "mode"}
)

func (d *decoder) constraints(v *jvalue, path string) Constraints {
	var c Constraints
	o := d.object(v, path, constraintKeys...)
	if o == nil {
		return c
	}
	if uv := o.get("unique"); uv != nil {
		if arr, ok := d.array(uv, o.at("unique")); ok {
			for i, e := range arr {
				if t, col, ok := d.ref(e, index(o.at("unique"), i)); ok {
					c.Unique = append(c.Unique, t+"."+col)
				} else {
					c.Unique = append(c.Unique, "")
				}
			}
		}
	}
	items := func(k string, allowed ...string) []*obj {
		iv := o.get(k)
		if iv == nil {
			return nil
		}
		arr, ok := d.array(iv, o.at(k))
		if !ok {
			return nil
		}
		out := make([]*obj, len(arr))
		for i, e := range arr {
			out[i] = d.object(e, index(o.at(k), i), allowed...)
		}
		return out
	}
	refStr := func(io *obj, k string) string {
		if v := d.required(io, k); v != nil {
			if t, col, ok := d.ref(v, io.at(k)); ok {
				return t + "." + col
			}
		}
		return ""
	}
	for _, io := range items("foreign_keys", "from", "to") {
		var fk ForeignKey
		if io != nil {
			fk.From, fk.To = refStr(io, "from"), refStr(io, "to")
		}
		c.ForeignKeys = append(c.ForeignKeys, fk)
	}
	for _, io := range items("ranges", "attr", "min", "max") {
		var r Range
		if io != nil {
			r.Attr = refStr(io, "attr")
			for _, k := range []string{"min", "max"} {
				if x := io.get(k); x != nil {
					if f, ok := d.num(x, io.at(k)); ok {
						if k == "min" {
							r.Min = &f
						} else {
							r.Max = &f
						}
					}
				}
			}
			if r.Min == nil && r.Max == nil {
				d.errorf(io.path, "", "a range needs min or max")
			}
			if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
				d.errorf(io.at("min"), "", "min %s is greater than max %s", fmtNum(*r.Min), fmtNum(*r.Max))
			}
		}
		c.Ranges = append(c.Ranges, r)
	}
	for _, io := range items("inequalities", "left", "op", "right") {
		var in Inequality
		if io != nil {
			if lv := d.required(io, "left"); lv != nil {
				in.Left, _ = d.nonEmptyStr(lv, io.at("left"))
			}
			if ov := d.required(io, "op"); ov != nil {
				if op, ok := d.str(ov, io.at("op")); ok {
					if slices.Contains(inequalityOps, op) {
						in.Op = op
					} else {
						sugg := oneOf(inequalityOps)
						switch op {
						case "=":
							sugg = `did you mean "=="?`
						case "=<":
							sugg = `did you mean "<="?`
						case "=>":
							sugg = `did you mean ">="?`
						}
						d.errorf(io.at("op"), sugg, "unknown operator %q", op)
					}
				}
			}
			if rv := d.required(io, "right"); rv != nil {
				in.Right, _ = d.nonEmptyStr(rv, io.at("right"))
			}
		}
		c.Inequalities = append(c.Inequalities, in)
	}
	for _, io := range items("pattern", "attr", "regex") {
		var p PatternConstraint
		if io != nil {
			p.Attr = refStr(io, "attr")
			if rv := d.required(io, "regex"); rv != nil {
				if re, ok := d.str(rv, io.at("regex")); ok {
					d.checkRegex(re, io.at("regex"))
					p.Regex = re
				}
			}
		}
		c.Patterns = append(c.Patterns, p)
	}
	for _, io := range items("enum", "attr", "values", "enum_ref") {
		var e EnumConstraint
		if io != nil {
			e.Attr = refStr(io, "attr")
			vv, rv := io.get("values"), io.get("enum_ref")
			if vv != nil {
				e.Values, _ = d.scalars(vv, io.at("values"))
			}
			if rv != nil {
				if t, col, ok := d.ref(rv, io.at("enum_ref")); ok {
					e.EnumRef = t + "." + col
				}
			}
			switch {
			case vv == nil && rv == nil:
				d.errorf(io.path, "", "an enum needs values or enum_ref")
			case vv != nil && rv != nil:
				d.errorf(io.path, "remove one of them", "an enum takes values or enum_ref, not both")
			}
		}
		c.Enums = append(c.Enums, e)
	}
	return c
}

// pythonRegex lists regular expression syntax that Python's re accepts and
// Go's RE2 does not.
var pythonRegex = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`\(\?[=!]`), "lookahead (?=...) / (?!...)"},
	{regexp.MustCompile(`\(\?<[=!]`), "lookbehind (?<=...) / (?<!...)"},
	{regexp.MustCompile(`\(\?>`), "atomic groups (?>...)"},
	{regexp.MustCompile(`\(\?P=`), "named backreferences (?P=name)"},
	{regexp.MustCompile(`\(\?\(`), "conditional groups (?(...)...)"},
	{regexp.MustCompile(`\(\?#`), "comments (?#...)"},
	{regexp.MustCompile(`(^|[^\\])(\\\\)*\\[1-9]`), "backreferences \\1..\\9"},
	{regexp.MustCompile(`(^|[^\\])(\\\\)*\\Z`), `\Z (write \z)`},
	{regexp.MustCompile(`[*+?}][+]`), "possessive quantifiers (*+, ++, ?+)"},
}

// checkRegex reports a pattern that Go's regexp (RE2) cannot compile,
// naming Python-only syntax when that is the cause.
func (d *decoder) checkRegex(re, path string) {
	_, err := regexp.Compile(re)
	if err == nil {
		return
	}
	var found []string
	for _, p := range pythonRegex {
		if p.re.MatchString(re) {
			found = append(found, p.what)
		}
	}
	if len(found) > 0 {
		d.errorf(path, "rewrite it without them", "regex uses Python-only syntax that Go's RE2 engine does not support: %s", strings.Join(found, ", "))
		return
	}
	d.errorf(path, "", "invalid regex: %v", err)
}

func (d *decoder) targets(v *jvalue, path string) *Targets {
	o := d.object(v, path, targetKeys...)
	if o == nil {
		return nil
	}
	t := &Targets{}
	if wv := o.get("weekend_share"); wv != nil {
		if w := d.object(wv, o.at("weekend_share"), "table", "timestamp", "min", "max"); w != nil {
			ws := &WeekendShare{}
			ws.Table = d.reqStr(w, "table")
			ws.Timestamp = d.reqStr(w, "timestamp")
			ws.Min, ws.Max = d.minMax(w, 0, 1)
			t.WeekendShare = ws
		}
	}
	if mv := o.get("mean_in_range"); mv != nil {
		if m := d.object(mv, o.at("mean_in_range"), "table", "column", "min", "max"); m != nil {
			mr := &MeanInRange{}
			mr.Table = d.reqStr(m, "table")
			mr.Column = d.reqStr(m, "column")
			mr.Min, mr.Max = d.minMax(m, -1, -1)
			t.MeanInRange = mr
		}
	}
	if cv := o.get("composite_effect"); cv != nil {
		t.CompositeEffect = d.compositeEffect(cv, o.at("composite_effect"))
	}
	return t
}

// reqStr reads the required non-empty string k of o.
func (d *decoder) reqStr(o *obj, k string) string {
	if v := d.required(o, k); v != nil {
		s, _ := d.nonEmptyStr(v, o.at(k))
		return s
	}
	return ""
}

// minMax reads the required min and max of o; when lo < hi they must also
// lie in [lo, hi].
func (d *decoder) minMax(o *obj, lo, hi float64) (float64, float64) {
	var out [2]float64
	var ok [2]bool
	for i, k := range []string{"min", "max"} {
		out[i], ok[i] = d.reqNum(o, k)
		if ok[i] && lo < hi && (out[i] < lo || out[i] > hi) {
			d.errorf(o.at(k), "", "%s must be between %s and %s, got %s", k, fmtNum(lo), fmtNum(hi), fmtNum(out[i]))
		}
	}
	if ok[0] && ok[1] && out[0] > out[1] {
		d.errorf(o.at("min"), "", "min %s is greater than max %s", fmtNum(out[0]), fmtNum(out[1]))
	}
	return out[0], out[1]
}

func (d *decoder) compositeEffect(v *jvalue, path string) *CompositeEffect {
	o := d.object(v, path, "table", "metric", "timestamp", "influences", "tolerance")
	if o == nil {
		return nil
	}
	ce := &CompositeEffect{}
	ce.Table = d.reqStr(o, "table")
	ce.Metric = d.reqStr(o, "metric")
	if tv := o.get("timestamp"); tv != nil {
		ce.Timestamp, _ = d.nonEmptyStr(tv, o.at("timestamp"))
	}
	if iv := d.required(o, "influences"); iv != nil {
		if arr, ok := d.array(iv, o.at("influences")); ok {
			ce.Influences = make([]Influence, len(arr))
			for i, e := range arr {
				ce.Influences[i] = d.influence(e, index(o.at("influences"), i))
			}
		}
	}
	if tv := d.required(o, "tolerance"); tv != nil {
		if to := d.object(tv, o.at("tolerance"), "mae", "mape"); to != nil {
			for _, k := range []string{"mae", "mape"} {
				if x := to.get(k); x != nil {
					if f, ok := d.num(x, to.at(k)); ok {
						if f < 0 {
							d.errorf(to.at(k), "", "%s must be 0 or more, got %s", k, fmtNum(f))
						}
						if k == "mae" {
							ce.MAE = &f
						} else {
							ce.MAPE = &f
						}
					}
				}
			}
		}
	}
	return ce
}

func (d *decoder) influence(v *jvalue, path string) Influence {
	var in Influence
	o := d.object(v, path, influenceFields...)
	if o == nil {
		return in
	}
	if kv := d.required(o, "kind"); kv != nil {
		if k, ok := d.str(kv, o.at("kind")); ok {
			if slices.Contains(influenceKinds, k) {
				in.Kind = k
			} else {
				d.errorf(o.at("kind"), suggestOr(k, influenceKinds), "unknown influence kind %q", k)
			}
		}
	}
	if x := o.get("dimension"); x != nil {
		if s, ok := d.str(x, o.at("dimension")); ok {
			if slices.Contains(dimensions, s) {
				in.Dimension = s
			} else {
				d.errorf(o.at("dimension"), suggestOr(s, dimensions), "unknown dimension %q", s)
			}
		}
	}
	if x := o.get("weights"); x != nil {
		want := dimensionSize[in.Dimension]
		if want == 0 {
			want = -1
		}
		in.Weights, _ = d.weights(x, o.at("weights"), want, "values of dimension "+in.Dimension)
	}
	if x := o.get("table"); x != nil {
		in.Table, _ = d.nonEmptyStr(x, o.at("table"))
	}
	if x := o.get("on"); x != nil {
		if x.kind != jObject {
			d.errorf(o.at("on"), "", "expected an object, got %s", x.describe())
		} else {
			in.On, _ = d.toAny(x, o.at("on")).(map[string]any)
		}
	}
	if x := o.get("field"); x != nil {
		in.Field, _ = d.nonEmptyStr(x, o.at("field"))
	}
	if x := o.get("default"); x != nil {
		if f, ok := d.num(x, o.at("default")); ok {
			in.Default = &f
		}
	}
	if x := o.get("rate"); x != nil {
		if f, ok := d.num(x, o.at("rate")); ok {
			if f < 0 || f > 1 {
				d.errorf(o.at("rate"), "", "rate must be between 0 and 1, got %s", fmtNum(f))
			}
			in.Rate = &f
		}
	}
	if x := o.get("mode"); x != nil {
		if s, ok := d.str(x, o.at("mode")); ok {
			if s == "spike" || s == "drop" {
				in.Mode = s
			} else {
				d.errorf(o.at("mode"), suggestOr(s, []string{"spike", "drop"}), "unknown outliers mode %q", s)
			}
		}
	}
	switch in.Kind {
	case "seasonality":
		if in.Dimension == "" && !o.has("dimension") {
			d.errorf(path, "", "a seasonality influence needs dimension")
		}
		if !o.has("weights") {
			d.errorf(path, "", "a seasonality influence needs weights")
		}
	case "effect":
		if !o.has("table") {
			d.errorf(path, "", "an effect influence needs table")
		}
	case "outliers":
		if !o.has("rate") {
			d.errorf(path, "", "an outliers influence needs rate")
		}
	}
	return in
}

func (d *decoder) dag(v *jvalue, path string) [][]string {
	arr, ok := d.array(v, path)
	if !ok {
		return nil
	}
	out := make([][]string, len(arr))
	for i, lv := range arr {
		out[i], _ = d.strList(lv, index(path, i))
	}
	return out
}
