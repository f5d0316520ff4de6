package dsl

import (
	"regexp"
	"slices"
	"strings"

	"datagen/src/input"
)

var (
	constraintKeys  = []string{"unique", "foreign_keys", "ranges", "inequalities", "pattern", "enum"}
	inequalityOps   = []string{"<", "<=", ">", ">=", "=="}
	targetKeys      = []string{"weekend_share", "mean_in_range", "composite_effect"}
	influenceKinds  = []string{"seasonality", "effect", "outliers"}
	influenceFields = []string{"kind", "dimension", "weights", "table", "on", "field", "default", "rate", "mode"}
)

func (d *decoder) constraints(v *input.Value, path string) Constraints {
	var c Constraints
	o := d.Object(v, path, constraintKeys...)
	if o == nil {
		return c
	}
	if uv := o.Get("unique"); uv != nil {
		if arr, ok := d.Array(uv, o.At("unique")); ok {
			for i, e := range arr {
				if t, col, ok := d.ref(e, input.Index(o.At("unique"), i)); ok {
					c.Unique = append(c.Unique, t+"."+col)
				} else {
					c.Unique = append(c.Unique, "")
				}
			}
		}
	}
	items := func(k string, allowed ...string) []*input.Object {
		iv := o.Get(k)
		if iv == nil {
			return nil
		}
		arr, ok := d.Array(iv, o.At(k))
		if !ok {
			return nil
		}
		out := make([]*input.Object, len(arr))
		for i, e := range arr {
			out[i] = d.Object(e, input.Index(o.At(k), i), allowed...)
		}
		return out
	}
	refStr := func(io *input.Object, k string) string {
		if v := io.Required(k); v != nil {
			if t, col, ok := d.ref(v, io.At(k)); ok {
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
				if x := io.Get(k); x != nil {
					if f, ok := d.Num(x, io.At(k)); ok {
						if k == "min" {
							r.Min = &f
						} else {
							r.Max = &f
						}
					}
				}
			}
			if r.Min == nil && r.Max == nil {
				d.Errorf(io.Path, "", "a range needs min or max")
			}
			if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
				d.Errorf(io.At("min"), "", "min %s is greater than max %s", fmtNum(*r.Min), fmtNum(*r.Max))
			}
		}
		c.Ranges = append(c.Ranges, r)
	}
	for _, io := range items("inequalities", "left", "op", "right") {
		var in Inequality
		if io != nil {
			if lv := io.Required("left"); lv != nil {
				in.Left, _ = d.NonEmptyStr(lv, io.At("left"))
			}
			if ov := io.Required("op"); ov != nil {
				if op, ok := d.Str(ov, io.At("op")); ok {
					if slices.Contains(inequalityOps, op) {
						in.Op = op
					} else {
						sugg := input.OneOf(inequalityOps)
						switch op {
						case "=":
							sugg = `did you mean "=="?`
						case "=<":
							sugg = `did you mean "<="?`
						case "=>":
							sugg = `did you mean ">="?`
						}
						d.Errorf(io.At("op"), sugg, "unknown operator %q", op)
					}
				}
			}
			if rv := io.Required("right"); rv != nil {
				in.Right, _ = d.NonEmptyStr(rv, io.At("right"))
			}
		}
		c.Inequalities = append(c.Inequalities, in)
	}
	for _, io := range items("pattern", "attr", "regex") {
		var p PatternConstraint
		if io != nil {
			p.Attr = refStr(io, "attr")
			if rv := io.Required("regex"); rv != nil {
				if re, ok := d.Str(rv, io.At("regex")); ok {
					d.checkRegex(re, io.At("regex"))
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
			vv, rv := io.Get("values"), io.Get("enum_ref")
			if vv != nil {
				e.Values, _ = d.Scalars(vv, io.At("values"))
			}
			if rv != nil {
				if t, col, ok := d.ref(rv, io.At("enum_ref")); ok {
					e.EnumRef = t + "." + col
				}
			}
			switch {
			case vv == nil && rv == nil:
				d.Errorf(io.Path, "", "an enum needs values or enum_ref")
			case vv != nil && rv != nil:
				d.Errorf(io.Path, "remove one of them", "an enum takes values or enum_ref, not both")
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
		d.Errorf(path, "rewrite it without them", "regex uses Python-only syntax that Go's RE2 engine does not support: %s", strings.Join(found, ", "))
		return
	}
	d.Errorf(path, "", "invalid regex: %v", err)
}

func (d *decoder) targets(v *input.Value, path string) *Targets {
	o := d.Object(v, path, targetKeys...)
	if o == nil {
		return nil
	}
	t := &Targets{}
	if wv := o.Get("weekend_share"); wv != nil {
		if w := d.Object(wv, o.At("weekend_share"), "table", "timestamp", "min", "max"); w != nil {
			ws := &WeekendShare{}
			ws.Table = d.reqStr(w, "table")
			ws.Timestamp = d.reqStr(w, "timestamp")
			ws.Min, ws.Max = d.minMax(w, 0, 1)
			t.WeekendShare = ws
		}
	}
	if mv := o.Get("mean_in_range"); mv != nil {
		if m := d.Object(mv, o.At("mean_in_range"), "table", "column", "min", "max"); m != nil {
			mr := &MeanInRange{}
			mr.Table = d.reqStr(m, "table")
			mr.Column = d.reqStr(m, "column")
			mr.Min, mr.Max = d.minMax(m, -1, -1)
			t.MeanInRange = mr
		}
	}
	if cv := o.Get("composite_effect"); cv != nil {
		t.CompositeEffect = d.compositeEffect(cv, o.At("composite_effect"))
	}
	return t
}

// reqStr reads the required non-empty string k of o.
func (d *decoder) reqStr(o *input.Object, k string) string {
	if v := o.Required(k); v != nil {
		s, _ := d.NonEmptyStr(v, o.At(k))
		return s
	}
	return ""
}

// minMax reads the required min and max of o; when lo < hi they must also
// lie in [lo, hi].
func (d *decoder) minMax(o *input.Object, lo, hi float64) (float64, float64) {
	var out [2]float64
	var ok [2]bool
	for i, k := range []string{"min", "max"} {
		out[i], ok[i] = d.reqNum(o, k)
		if ok[i] && lo < hi && (out[i] < lo || out[i] > hi) {
			d.Errorf(o.At(k), "", "%s must be between %s and %s, got %s", k, fmtNum(lo), fmtNum(hi), fmtNum(out[i]))
		}
	}
	if ok[0] && ok[1] && out[0] > out[1] {
		d.Errorf(o.At("min"), "", "min %s is greater than max %s", fmtNum(out[0]), fmtNum(out[1]))
	}
	return out[0], out[1]
}

func (d *decoder) compositeEffect(v *input.Value, path string) *CompositeEffect {
	o := d.Object(v, path, "table", "metric", "timestamp", "influences", "tolerance")
	if o == nil {
		return nil
	}
	ce := &CompositeEffect{}
	ce.Table = d.reqStr(o, "table")
	ce.Metric = d.reqStr(o, "metric")
	if tv := o.Get("timestamp"); tv != nil {
		ce.Timestamp, _ = d.NonEmptyStr(tv, o.At("timestamp"))
	}
	if iv := o.Required("influences"); iv != nil {
		if arr, ok := d.Array(iv, o.At("influences")); ok {
			ce.Influences = make([]Influence, len(arr))
			for i, e := range arr {
				ce.Influences[i] = d.influence(e, input.Index(o.At("influences"), i))
			}
		}
	}
	if tv := o.Required("tolerance"); tv != nil {
		if to := d.Object(tv, o.At("tolerance"), "mae", "mape"); to != nil {
			for _, k := range []string{"mae", "mape"} {
				if x := to.Get(k); x != nil {
					if f, ok := d.Num(x, to.At(k)); ok {
						if f < 0 {
							d.Errorf(to.At(k), "", "%s must be 0 or more, got %s", k, fmtNum(f))
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

func (d *decoder) influence(v *input.Value, path string) Influence {
	var in Influence
	o := d.Object(v, path, influenceFields...)
	if o == nil {
		return in
	}
	if kv := o.Required("kind"); kv != nil {
		if k, ok := d.Str(kv, o.At("kind")); ok {
			if slices.Contains(influenceKinds, k) {
				in.Kind = k
			} else {
				d.Errorf(o.At("kind"), input.SuggestOr(k, influenceKinds), "unknown influence kind %q", k)
			}
		}
	}
	if x := o.Get("dimension"); x != nil {
		if s, ok := d.Str(x, o.At("dimension")); ok {
			if slices.Contains(dimensions, s) {
				in.Dimension = s
			} else {
				d.Errorf(o.At("dimension"), input.SuggestOr(s, dimensions), "unknown dimension %q", s)
			}
		}
	}
	if x := o.Get("weights"); x != nil {
		want := dimensionSize[in.Dimension]
		if want == 0 {
			want = -1
		}
		in.Weights, _ = d.weights(x, o.At("weights"), want, "values of dimension "+in.Dimension)
	}
	if x := o.Get("table"); x != nil {
		in.Table, _ = d.NonEmptyStr(x, o.At("table"))
	}
	if x := o.Get("on"); x != nil {
		in.On = d.AnyObject(x, o.At("on"))
	}
	if x := o.Get("field"); x != nil {
		in.Field, _ = d.NonEmptyStr(x, o.At("field"))
	}
	if x := o.Get("default"); x != nil {
		if f, ok := d.Num(x, o.At("default")); ok {
			in.Default = &f
		}
	}
	if x := o.Get("rate"); x != nil {
		if f, ok := d.Num(x, o.At("rate")); ok {
			if f < 0 || f > 1 {
				d.Errorf(o.At("rate"), "", "rate must be between 0 and 1, got %s", fmtNum(f))
			}
			in.Rate = &f
		}
	}
	if x := o.Get("mode"); x != nil {
		if s, ok := d.Str(x, o.At("mode")); ok {
			if s == "spike" || s == "drop" {
				in.Mode = s
			} else {
				d.Errorf(o.At("mode"), input.SuggestOr(s, []string{"spike", "drop"}), "unknown outliers mode %q", s)
			}
		}
	}
	switch in.Kind {
	case "seasonality":
		if in.Dimension == "" && !o.Has("dimension") {
			d.Errorf(path, "", "a seasonality influence needs dimension")
		}
		if !o.Has("weights") {
			d.Errorf(path, "", "a seasonality influence needs weights")
		}
	case "effect":
		if !o.Has("table") {
			d.Errorf(path, "", "an effect influence needs table")
		}
	case "outliers":
		if !o.Has("rate") {
			d.Errorf(path, "", "an outliers influence needs rate")
		}
	}
	return in
}

func (d *decoder) dag(v *input.Value, path string) [][]string {
	arr, ok := d.Array(v, path)
	if !ok {
		return nil
	}
	out := make([][]string, len(arr))
	for i, lv := range arr {
		out[i], _ = d.Strings(lv, input.Index(path, i))
	}
	return out
}
