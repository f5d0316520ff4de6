package dsl

import (
	"fmt"
	"slices"

	"datagen/src/column"
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
func (d *decoder) modifiers(v *jvalue, path string, nodeLevel bool, colType column.Type) []Modifier {
	arr, ok := d.array(v, path)
	if !ok {
		return nil
	}
	out := make([]Modifier, len(arr))
	for i, mv := range arr {
		out[i] = d.modifier(mv, index(path, i), nodeLevel, colType)
	}
	return out
}

func (d *decoder) modifier(v *jvalue, path string, nodeLevel bool, colType column.Type) Modifier {
	var m Modifier
	o := d.object(v, path, "transform", "args")
	if o == nil {
		return m
	}
	tv := d.required(o, "transform")
	if tv == nil {
		return m
	}
	t, ok := d.str(tv, o.at("transform"))
	if !ok {
		return m
	}
	if !slices.Contains(transformNames, t) {
		d.errorf(o.at("transform"), suggestOr(t, transformNames), "unknown transform %q", t)
		return m
	}
	m.Transform = Transform(t)
	if nodeLevel && m.Transform != TEffect {
		d.errorf(o.at("transform"), "move it to a column's modifiers", "only effect modifiers are allowed at node level, got %q", t)
		return m
	}
	av := d.required(o, "args")
	if av == nil {
		return m
	}
	ap := o.at("args")
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
func (d *decoder) reqNum(o *obj, k string) (float64, bool) {
	v := d.required(o, k)
	if v == nil {
		return 0, false
	}
	return d.num(v, o.at(k))
}

// enumStr reads the optional string k of o, which must be one of allowed;
// def is returned when k is absent.
func (d *decoder) enumStr(o *obj, k string, allowed []string, def string) string {
	v := o.get(k)
	if v == nil {
		return def
	}
	s, ok := d.str(v, o.at(k))
	if !ok {
		return def
	}
	if !slices.Contains(allowed, s) {
		d.errorf(o.at(k), suggestOr(s, allowed), "unknown %s %q", k, s)
		return def
	}
	return s
}

func (d *decoder) multiplyArgs(v *jvalue, path string) *MultiplyArgs {
	o := d.object(v, path, "factor")
	if o == nil {
		return nil
	}
	a := &MultiplyArgs{}
	a.Factor, _ = d.reqNum(o, "factor")
	return a
}

func (d *decoder) addArgs(v *jvalue, path string, colType column.Type) *AddArgs {
	o := d.object(v, path, "value", "unit")
	if o == nil {
		return nil
	}
	a := &AddArgs{}
	a.Value, _ = d.reqNum(o, "value")
	a.Unit = d.enumStr(o, "unit", addUnits, "seconds")
	if o.get("unit") != nil && colType != column.Invalid && !colType.IsTime() {
		d.warnf(o.at("unit"), "remove it", "unit only applies to datetime and date columns; it is ignored on a %s column", colType)
	}
	return a
}

func (d *decoder) clampArgs(v *jvalue, path string) *ClampArgs {
	o := d.object(v, path, "min", "max")
	if o == nil {
		return nil
	}
	a := &ClampArgs{}
	for _, k := range []string{"min", "max"} {
		if !o.has(k) {
			d.errorf(path, "use null for an unbounded side", "missing required key %q", k)
			continue
		}
		if x := o.get(k); x != nil {
			if f, ok := d.num(x, o.at(k)); ok {
				if k == "min" {
					a.Min = &f
				} else {
					a.Max = &f
				}
			}
		}
	}
	if o.has("min") && o.has("max") && o.get("min") == nil && o.get("max") == nil {
		d.errorf(path, "", "clamp needs at least one of min and max")
	}
	if a.Min != nil && a.Max != nil && *a.Min > *a.Max {
		d.errorf(o.at("min"), "", "min %s is greater than max %s", fmtNum(*a.Min), fmtNum(*a.Max))
	}
	return a
}

func (d *decoder) jitterArgs(v *jvalue, path string) *JitterArgs {
	o := d.object(v, path, "std", "mode")
	if o == nil {
		return nil
	}
	a := &JitterArgs{}
	if s, ok := d.reqNum(o, "std"); ok {
		if s < 0 {
			d.errorf(o.at("std"), "", "std must be 0 or more, got %s", fmtNum(s))
		}
		a.Std = s
	}
	a.Mode = d.enumStr(o, "mode", []string{"add", "mul"}, "add")
	return a
}

func (d *decoder) mapValuesArgs(v *jvalue, path string) *MapValuesArgs {
	o := d.object(v, path, "mapping")
	if o == nil {
		return nil
	}
	a := &MapValuesArgs{}
	mv := d.required(o, "mapping")
	if mv == nil {
		return a
	}
	if mv.kind != jObject {
		d.errorf(o.at("mapping"), `e.g. {"A": "Active"}`, "expected an object, got %s", mv.describe())
		return a
	}
	d.reportDups(mv, o.at("mapping"))
	a.Mapping = make([]MapEntry, 0, len(mv.obj))
	for _, m := range mv.obj {
		if to, ok := d.scalar(m.val, key(o.at("mapping"), m.key)); ok {
			a.Mapping = append(a.Mapping, MapEntry{From: m.key, To: to})
		}
	}
	return a
}

func (d *decoder) timeJitterArgs(v *jvalue, path string) *TimeJitterArgs {
	o := d.object(v, path, "std_minutes")
	if o == nil {
		return nil
	}
	a := &TimeJitterArgs{}
	if s, ok := d.reqNum(o, "std_minutes"); ok {
		if s < 0 {
			d.errorf(o.at("std_minutes"), "", "std_minutes must be 0 or more, got %s", fmtNum(s))
		}
		a.StdMinutes = s
	}
	return a
}

func (d *decoder) effectArgs(v *jvalue, path string) *EffectArgs {
	o := d.object(v, path, "effect_table", "on", "window", "map", "ts", "overlap")
	if o == nil {
		return nil
	}
	a := &EffectArgs{Op: "mul", Overlap: "first"}
	if tv := d.required(o, "effect_table"); tv != nil {
		a.EffectTable, _ = d.nonEmptyStr(tv, o.at("effect_table"))
	}
	if ov := o.get("on"); ov != nil {
		a.On = d.keyPairs(ov, o.at("on"))
	}
	if wv := o.get("window"); wv != nil {
		if w := d.object(wv, o.at("window"), "start_col", "end_col"); w != nil {
			if sv := d.required(w, "start_col"); sv != nil {
				a.StartCol, _ = d.nonEmptyStr(sv, w.at("start_col"))
			}
			if ev := d.required(w, "end_col"); ev != nil {
				a.EndCol, _ = d.nonEmptyStr(ev, w.at("end_col"))
			}
		}
	}
	mv := d.required(o, "map")
	if mp := d.object(mv, o.at("map"), "field", "op", "default"); mp != nil {
		if fv := d.required(mp, "field"); fv != nil {
			a.Field, _ = d.nonEmptyStr(fv, mp.at("field"))
		}
		a.Op = d.enumStr(mp, "op", []string{"mul", "add"}, "mul")
		a.Default = 1
		if a.Op == "add" {
			a.Default = 0
		}
		if dv := mp.get("default"); dv != nil {
			a.Default, _ = d.num(dv, mp.at("default"))
		}
	}
	if tv := o.get("ts"); tv != nil {
		a.TS, _ = d.nonEmptyStr(tv, o.at("ts"))
	}
	a.Overlap = d.enumStr(o, "overlap", overlapModes, "first")
	return a
}

func (d *decoder) outliersArgs(v *jvalue, path string) *OutliersArgs {
	o := d.object(v, path, "rate", "mode", "magnitude_dist")
	if o == nil {
		return nil
	}
	lo, hi := 0.1, 10.0
	a := &OutliersArgs{MagnitudeDist: Distribution{
		Type: "lognormal", Params: map[string]float64{"mean": 0, "sigma": 0.5}, ClampMin: &lo, ClampMax: &hi,
	}}
	if r, ok := d.reqNum(o, "rate"); ok {
		if r < 0 || r > 1 {
			d.errorf(o.at("rate"), "", "rate must be between 0 and 1, got %s", fmtNum(r))
		}
		a.Rate = r
	}
	if mv := d.required(o, "mode"); mv != nil {
		if s, ok := d.str(mv, o.at("mode")); ok {
			if s == "spike" || s == "drop" {
				a.Mode = s
			} else {
				d.errorf(o.at("mode"), suggestOr(s, []string{"spike", "drop"}), "unknown outliers mode %q", s)
			}
		}
	}
	if dv := o.get("magnitude_dist"); dv != nil {
		if dist := d.distribution(dv, o.at("magnitude_dist"), false); dist != nil {
			if dv.get("clamp") == nil {
				dist.ClampMin, dist.ClampMax = &lo, &hi
			}
			a.MagnitudeDist = *dist
		}
	}
	return a
}

func (d *decoder) trendArgs(v *jvalue, path string) *TrendArgs {
	o := d.object(v, path, "type", "growth_rate", "time_reference", "params", "trend_type", "reference_column")
	if o == nil {
		return nil
	}
	a := &TrendArgs{A: 0.1, B: 1.0}
	typeKey := d.aliasKey(o, "type", "trend_type")
	if tv := d.required(o, typeKey); tv != nil {
		if s, ok := d.str(tv, o.at(typeKey)); ok {
			if slices.Contains(trendTypes, s) {
				a.Type = s
			} else {
				d.errorf(o.at(typeKey), suggestOr(s, trendTypes), "unknown trend type %q", s)
			}
		}
	}
	refKey := d.aliasKey(o, "time_reference", "reference_column")
	if rv := d.required(o, refKey); rv != nil {
		a.TimeReference, _ = d.nonEmptyStr(rv, o.at(refKey))
	}
	switch a.Type {
	case "exponential", "linear":
		if g, ok := d.reqNum(o, "growth_rate"); ok {
			if a.Type == "exponential" && g <= -1 {
				d.errorf(o.at("growth_rate"), "", "exponential growth_rate must be greater than -1, got %s", fmtNum(g))
			}
			a.GrowthRate = g
		}
		if o.get("params") != nil {
			d.warnf(o.at("params"), "remove it", "params is only used by logarithmic trends")
		}
	case "logarithmic":
		if gv := o.get("growth_rate"); gv != nil {
			d.warnf(o.at("growth_rate"), "remove it, or set params.a and params.b", "growth_rate is ignored by logarithmic trends")
		}
		if pv := o.get("params"); pv != nil {
			if p := d.object(pv, o.at("params"), "a", "b"); p != nil {
				if x := p.get("a"); x != nil {
					a.A, _ = d.num(x, p.at("a"))
				}
				if x := p.get("b"); x != nil {
					if b, ok := d.num(x, p.at("b")); ok {
						if b < 0 {
							d.errorf(p.at("b"), "", "b must be 0 or more, got %s", fmtNum(b))
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
func (d *decoder) aliasKey(o *obj, canon, alias string) string {
	if !o.has(alias) {
		return canon
	}
	if o.has(canon) {
		d.errorf(o.at(alias), "remove one of them", "both %s and %s are given", canon, alias)
		return canon
	}
	d.warnf(o.at(alias), fmt.Sprintf("write %q", canon), "%s is read as %s", alias, canon)
	return alias
}
