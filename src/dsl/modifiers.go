package dsl

import (
	"fmt"
	"slices"

	"datagen/src/column"
	"datagen/src/input"
)

var (
	transformNames = func() []string {
		out := make([]string, len(Transforms))
		for i, t := range Transforms {
			out[i] = string(t)
		}
		return out
	}()
	addUnits     = []string{"seconds", "minutes", "hours", "days"}
	overlapModes = []string{"first", "product", "sum", "max"}
	trendTypes   = []string{"exponential", "linear", "logarithmic"}
)

// modifiers decodes a modifier list. colType is the column's type
// (column.Invalid at node level or when the type is unknown).
func (d *decoder) modifiers(v *input.Value, path string, nodeLevel bool, colType column.Type) []Modifier {
	arr, ok := d.Array(v, path)
	if !ok {
		return nil
	}
	out := make([]Modifier, len(arr))
	for i, mv := range arr {
		out[i] = d.modifier(mv, input.Index(path, i), nodeLevel, colType)
	}
	return out
}

func (d *decoder) modifier(v *input.Value, path string, nodeLevel bool, colType column.Type) Modifier {
	var m Modifier
	o := d.Object(v, path, "transform", "args")
	if o == nil {
		return m
	}
	tv := o.Required("transform")
	if tv == nil {
		return m
	}
	t, ok := d.Str(tv, o.At("transform"))
	if !ok {
		return m
	}
	if !slices.Contains(transformNames, t) {
		d.Errorf(o.At("transform"), input.SuggestOr(t, transformNames), "unknown transform %q", t)
		return m
	}
	m.Transform = Transform(t)
	if nodeLevel && m.Transform != TEffect {
		d.Errorf(o.At("transform"), "move it to a column's modifiers", "only effect modifiers are allowed at node level, got %q", t)
		return m
	}
	av := o.Required("args")
	if av == nil {
		return m
	}
	ap := o.At("args")
	switch m.Transform {
	case TMultiply:
		m.Multiply = d.multiplyArgs(av, ap)
	case TAdd:
		m.Add = d.addArgs(av, ap, colType)
	case TClamp:
		m.Clamp = d.clampArgs(av, ap)
	case TJitter:
		m.Jitter = d.jitterArgs(av, ap)
	case TMapValues:
		m.MapValues = d.mapValuesArgs(av, ap)
	case TSeasonality:
		m.Seasonality = d.pattern(av, ap)
	case TTimeJitter:
		m.TimeJitter = d.timeJitterArgs(av, ap)
	case TEffect:
		m.Effect = d.effectArgs(av, ap)
	case TOutliers:
		m.Outliers = d.outliersArgs(av, ap)
	case TTrend:
		m.Trend = d.trendArgs(av, ap)
	}
	return m
}

// reqNum reads the required number k of o.
func (d *decoder) reqNum(o *input.Object, k string) (float64, bool) {
	v := o.Required(k)
	if v == nil {
		return 0, false
	}
	return d.Num(v, o.At(k))
}

// enumStr reads the optional string k of o, which must be one of allowed;
// def is returned when k is absent.
func (d *decoder) enumStr(o *input.Object, k string, allowed []string, def string) string {
	v := o.Get(k)
	if v == nil {
		return def
	}
	s, ok := d.Str(v, o.At(k))
	if !ok {
		return def
	}
	if !slices.Contains(allowed, s) {
		d.Errorf(o.At(k), input.SuggestOr(s, allowed), "unknown %s %q", k, s)
		return def
	}
	return s
}

func (d *decoder) multiplyArgs(v *input.Value, path string) *MultiplyArgs {
	o := d.Object(v, path, "factor")
	if o == nil {
		return nil
	}
	a := &MultiplyArgs{}
	a.Factor, _ = d.reqNum(o, "factor")
	return a
}

func (d *decoder) addArgs(v *input.Value, path string, colType column.Type) *AddArgs {
	o := d.Object(v, path, "value", "unit")
	if o == nil {
		return nil
	}
	a := &AddArgs{}
	a.Value, _ = d.reqNum(o, "value")
	a.Unit = d.enumStr(o, "unit", addUnits, "seconds")
	if o.Get("unit") != nil && colType != column.Invalid && !colType.IsTime() {
		d.Warnf(o.At("unit"), "remove it", "unit only applies to datetime and date columns; it is ignored on a %s column", colType)
	}
	return a
}

func (d *decoder) clampArgs(v *input.Value, path string) *ClampArgs {
	o := d.Object(v, path, "min", "max")
	if o == nil {
		return nil
	}
	a := &ClampArgs{}
	for _, k := range []string{"min", "max"} {
		if !o.Has(k) {
			d.Errorf(path, "use null for an unbounded side", "missing required key %q", k)
			continue
		}
		if x := o.Get(k); x != nil {
			if f, ok := d.Num(x, o.At(k)); ok {
				if k == "min" {
					a.Min = &f
				} else {
					a.Max = &f
				}
			}
		}
	}
	if o.Has("min") && o.Has("max") && o.Get("min") == nil && o.Get("max") == nil {
		d.Errorf(path, "", "clamp needs at least one of min and max")
	}
	if a.Min != nil && a.Max != nil && *a.Min > *a.Max {
		d.Errorf(o.At("min"), "", "min %s is greater than max %s", fmtNum(*a.Min), fmtNum(*a.Max))
	}
	return a
}

func (d *decoder) jitterArgs(v *input.Value, path string) *JitterArgs {
	o := d.Object(v, path, "std", "mode")
	if o == nil {
		return nil
	}
	a := &JitterArgs{}
	if s, ok := d.reqNum(o, "std"); ok {
		if s < 0 {
			d.Errorf(o.At("std"), "", "std must be 0 or more, got %s", fmtNum(s))
		}
		a.Std = s
	}
	a.Mode = d.enumStr(o, "mode", []string{"add", "mul"}, "add")
	return a
}

func (d *decoder) mapValuesArgs(v *input.Value, path string) *MapValuesArgs {
	o := d.Object(v, path, "mapping")
	if o == nil {
		return nil
	}
	a := &MapValuesArgs{}
	mv := o.Required("mapping")
	if mv == nil {
		return a
	}
	if !mv.IsMap() {
		d.Errorf(o.At("mapping"), `e.g. {"A": "Active"}`, "expected an object, got %s", mv.Describe())
		return a
	}
	d.ReportDups(mv, o.At("mapping"))
	members := mv.MapMembers()
	a.Mapping = make([]MapEntry, 0, len(members))
	for _, m := range members {
		if to, ok := d.Scalar(m.Val, input.Key(o.At("mapping"), m.Key)); ok {
			a.Mapping = append(a.Mapping, MapEntry{From: m.Key, To: to})
		}
	}
	return a
}

func (d *decoder) timeJitterArgs(v *input.Value, path string) *TimeJitterArgs {
	o := d.Object(v, path, "std_minutes")
	if o == nil {
		return nil
	}
	a := &TimeJitterArgs{}
	if s, ok := d.reqNum(o, "std_minutes"); ok {
		if s < 0 {
			d.Errorf(o.At("std_minutes"), "", "std_minutes must be 0 or more, got %s", fmtNum(s))
		}
		a.StdMinutes = s
	}
	return a
}

func (d *decoder) effectArgs(v *input.Value, path string) *EffectArgs {
	o := d.Object(v, path, "effect_table", "on", "window", "map", "ts", "overlap")
	if o == nil {
		return nil
	}
	a := &EffectArgs{Op: "mul", Overlap: "first"}
	if tv := o.Required("effect_table"); tv != nil {
		a.EffectTable, _ = d.NonEmptyStr(tv, o.At("effect_table"))
	}
	if ov := o.Get("on"); ov != nil {
		a.On = d.keyPairs(ov, o.At("on"))
	}
	if wv := o.Get("window"); wv != nil {
		if w := d.Object(wv, o.At("window"), "start_col", "end_col"); w != nil {
			if sv := w.Required("start_col"); sv != nil {
				a.StartCol, _ = d.NonEmptyStr(sv, w.At("start_col"))
			}
			if ev := w.Required("end_col"); ev != nil {
				a.EndCol, _ = d.NonEmptyStr(ev, w.At("end_col"))
			}
		}
	}
	mv := o.Required("map")
	if mp := d.Object(mv, o.At("map"), "field", "op", "default"); mp != nil {
		if fv := mp.Required("field"); fv != nil {
			a.Field, _ = d.NonEmptyStr(fv, mp.At("field"))
		}
		a.Op = d.enumStr(mp, "op", []string{"mul", "add"}, "mul")
		a.Default = 1
		if a.Op == "add" {
			a.Default = 0
		}
		if dv := mp.Get("default"); dv != nil {
			a.Default, _ = d.Num(dv, mp.At("default"))
		}
	}
	if tv := o.Get("ts"); tv != nil {
		a.TS, _ = d.NonEmptyStr(tv, o.At("ts"))
	}
	a.Overlap = d.enumStr(o, "overlap", overlapModes, "first")
	return a
}

func (d *decoder) outliersArgs(v *input.Value, path string) *OutliersArgs {
	o := d.Object(v, path, "rate", "mode", "magnitude_dist")
	if o == nil {
		return nil
	}
	lo, hi := 0.1, 10.0
	a := &OutliersArgs{MagnitudeDist: Distribution{
		Type: "lognormal", Params: map[string]float64{"mean": 0, "sigma": 0.5}, ClampMin: &lo, ClampMax: &hi,
	}}
	if r, ok := d.reqNum(o, "rate"); ok {
		if r < 0 || r > 1 {
			d.Errorf(o.At("rate"), "", "rate must be between 0 and 1, got %s", fmtNum(r))
		}
		a.Rate = r
	}
	if mv := o.Required("mode"); mv != nil {
		if s, ok := d.Str(mv, o.At("mode")); ok {
			if s == "spike" || s == "drop" {
				a.Mode = s
			} else {
				d.Errorf(o.At("mode"), input.SuggestOr(s, []string{"spike", "drop"}), "unknown outliers mode %q", s)
			}
		}
	}
	if dv := o.Get("magnitude_dist"); dv != nil {
		if dist := d.distribution(dv, o.At("magnitude_dist"), false); dist != nil {
			if dv.Get("clamp") == nil {
				dist.ClampMin, dist.ClampMax = &lo, &hi
			}
			a.MagnitudeDist = *dist
		}
	}
	return a
}

func (d *decoder) trendArgs(v *input.Value, path string) *TrendArgs {
	o := d.Object(v, path, "type", "growth_rate", "time_reference", "params", "trend_type", "reference_column")
	if o == nil {
		return nil
	}
	a := &TrendArgs{A: 0.1, B: 1.0}
	typeKey := d.aliasKey(o, "type", "trend_type")
	if tv := o.Required(typeKey); tv != nil {
		if s, ok := d.Str(tv, o.At(typeKey)); ok {
			if slices.Contains(trendTypes, s) {
				a.Type = s
			} else {
				d.Errorf(o.At(typeKey), input.SuggestOr(s, trendTypes), "unknown trend type %q", s)
			}
		}
	}
	refKey := d.aliasKey(o, "time_reference", "reference_column")
	if rv := o.Required(refKey); rv != nil {
		a.TimeReference, _ = d.NonEmptyStr(rv, o.At(refKey))
	}
	switch a.Type {
	case "exponential", "linear":
		if g, ok := d.reqNum(o, "growth_rate"); ok {
			if a.Type == "exponential" && g <= -1 {
				d.Errorf(o.At("growth_rate"), "", "exponential growth_rate must be greater than -1, got %s", fmtNum(g))
			}
			a.GrowthRate = g
		}
		if o.Get("params") != nil {
			d.Warnf(o.At("params"), "remove it", "params is only used by logarithmic trends")
		}
	case "logarithmic":
		if gv := o.Get("growth_rate"); gv != nil {
			d.Warnf(o.At("growth_rate"), "remove it, or set params.a and params.b", "growth_rate is ignored by logarithmic trends")
		}
		if pv := o.Get("params"); pv != nil {
			if p := d.Object(pv, o.At("params"), "a", "b"); p != nil {
				if x := p.Get("a"); x != nil {
					a.A, _ = d.Num(x, p.At("a"))
				}
				if x := p.Get("b"); x != nil {
					if b, ok := d.Num(x, p.At("b")); ok {
						if b < 0 {
							d.Errorf(p.At("b"), "", "b must be 0 or more, got %s", fmtNum(b))
						}
						a.B = b
					}
				}
			}
		}
	}
	return a
}

// aliasKey picks the key to read when the canonical key or its legacy
// alias may be given, warning about the alias.
func (d *decoder) aliasKey(o *input.Object, canon, alias string) string {
	if !o.Has(alias) {
		return canon
	}
	if o.Has(canon) {
		d.Errorf(o.At(alias), "remove one of them", "both %s and %s are given", canon, alias)
		return canon
	}
	d.Warnf(o.At(alias), fmt.Sprintf("write %q", canon), "%s is read as %s", alias, canon)
	return alias
}
