package modify

import (
	"fmt"
	"math"
	"strconv"

	"datagen/src/column"
	"datagen/src/dsl"
)

// target is one replacement value in every representation the output
// vector may need.
type target struct {
	null bool
	s    string
	f    float64
	i    int64
	b    bool
}

// mapValues replaces values by a lookup on their value; each value is
// mapped at most once.
type mapValues struct {
	in, out column.Type
	targets []target
	strKeys map[string]int32
	intKeys map[int64]int32
	fltKeys map[float64]int32
	// boolKeys[0] is the entry for false, [1] for true; -1 when unmapped.
	boolKeys [2]int32
}

func compileMapValues(a *dsl.MapValuesArgs, in column.Type) (Modifier, error) {
	m := &mapValues{in: in, boolKeys: [2]int32{-1, -1}}
	switch in {
	case column.String:
		m.strKeys = make(map[string]int32, len(a.Mapping))
	case column.Int:
		m.intKeys = make(map[int64]int32, len(a.Mapping))
	case column.Float:
		m.fltKeys = make(map[float64]int32, len(a.Mapping))
	case column.Bool:
	default:
		return nil, fmt.Errorf("not applicable to a %s column (map string, number or bool values)", in)
	}
	allNum, allInt, allBool := true, true, true
	seen := make(map[string]string, len(a.Mapping)) // canonical key -> first spelling
	for j, e := range a.Mapping {
		t, err := makeTarget(e.To)
		if err != nil {
			return nil, fmt.Errorf("mapping[%q]: %w", e.From, err)
		}
		if !t.null {
			switch e.To.(type) {
			case string:
				allNum, allInt, allBool = false, false, false
			case bool:
				allNum, allInt = false, false
			default:
				allBool = false
				if t.f != math.Trunc(t.f) || math.Abs(t.f) >= 1<<63 {
					allInt = false
				}
			}
		}
		m.targets = append(m.targets, t)
		idx := int32(j)
		var canon string
		switch in {
		case column.String:
			canon = e.From
			if _, dup := m.strKeys[canon]; !dup {
				m.strKeys[canon] = idx
			}
		case column.Int:
			x, ok := parseIntKey(e.From)
			if !ok {
				return nil, fmt.Errorf("mapping key %q can never match an int value", e.From)
			}
			canon = strconv.FormatInt(x, 10)
			if _, dup := m.intKeys[x]; !dup {
				m.intKeys[x] = idx
			}
		case column.Float:
			x, err := strconv.ParseFloat(e.From, 64)
			if err != nil || math.IsNaN(x) {
				return nil, fmt.Errorf("mapping key %q can never match a float value", e.From)
			}
			canon = formatFloat(x)
			if _, dup := m.fltKeys[x]; !dup {
				m.fltKeys[x] = idx
			}
		case column.Bool:
			switch e.From {
			case "true":
				m.boolKeys[1] = idx
			case "false":
				m.boolKeys[0] = idx
			default:
				return nil, fmt.Errorf("mapping key %q can never match a bool value (use \"true\" or \"false\")", e.From)
			}
			canon = e.From
		}
		if first, dup := seen[canon]; dup {
			return nil, fmt.Errorf("mapping keys %q and %q denote the same value", first, e.From)
		}
		seen[canon] = e.From
	}
	switch in {
	case column.String:
		m.out = column.String
	case column.Int:
		switch {
		case allInt:
			m.out = column.Int
		case allNum:
			m.out = column.Float
		default:
			m.out = column.String
		}
	case column.Float:
		if allNum {
			m.out = column.Float
		} else {
			m.out = column.String
		}
	case column.Bool:
		if allBool {
			m.out = column.Bool
		} else {
			m.out = column.String
		}
	}
	return m, nil
}

func makeTarget(v any) (target, error) {
	switch x := v.(type) {
	case nil:
		return target{null: true}, nil
	case string:
		return target{s: x}, nil
	case bool:
		return target{s: strconv.FormatBool(x), b: x}, nil
	case float64:
		return numTarget(x), nil
	case float32:
		return numTarget(float64(x)), nil
	case int:
		return target{s: strconv.Itoa(x), f: float64(x), i: int64(x)}, nil
	case int64:
		return target{s: strconv.FormatInt(x, 10), f: float64(x), i: x}, nil
	}
	return target{}, fmt.Errorf("replacement %v (%T) is not a string, number, bool or null", v, v)
}

func numTarget(x float64) target {
	t := target{s: formatFloat(x), f: x}
	if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
		t.i = int64(x)
	}
	return t
}

// parseIntKey reads a mapping key as an integer: "3", "+3", "3.0", "3e0".
func parseIntKey(s string) (int64, bool) {
	if x, err := strconv.ParseInt(s, 10, 64); err == nil {
		return x, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
		return 0, false
	}
	return int64(f), true
}

// formatFloat is the canonical text of a float used by map_values: the
// shortest decimal that reads back to the same value, in plain notation
// for magnitudes in [1e-7, 1e21) and exponent notation otherwise
// (ECMAScript's Number-to-string rule): 2 → "2", 0.1 → "0.1", 1e21 →
// "1e+21".
func formatFloat(x float64) string {
	if a := math.Abs(x); a == 0 || (a >= 1e-7 && a < 1e21) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func (m *mapValues) OutType(in column.Type) column.Type {
	if in == m.in {
		return m.out
	}
	return in
}

func (m *mapValues) Apply(v *column.Vector, _ *Context) error {
	if v.Type != m.in {
		return fmt.Errorf("map_values: compiled for a %s vector, got %s", m.in, v.Type)
	}
	switch v.Type {
	case column.String:
		m.applyStrings(v)
	case column.Int:
		m.applyInts(v)
	case column.Float:
		m.applyFloats(v)
	case column.Bool:
		m.applyBools(v)
	}
	return nil
}

func (m *mapValues) applyStrings(v *column.Vector) {
	for i, s := range v.Strs {
		if v.IsNull(i) {
			continue
		}
		if j, ok := m.strKeys[s]; ok {
			if t := &m.targets[j]; t.null {
				v.ClearRow(i)
			} else {
				v.Strs[i] = t.s
			}
		}
	}
}

func growStrs(v *column.Vector, n int) []string {
	if cap(v.Strs) < n {
		v.Strs = make([]string, n)
	}
	v.Strs = v.Strs[:n]
	return v.Strs
}

func (m *mapValues) applyInts(v *column.Vector) {
	switch m.out {
	case column.Int:
		for i, x := range v.Ints {
			if v.IsNull(i) {
				continue
			}
			if j, ok := m.intKeys[x]; ok {
				if t := &m.targets[j]; t.null {
					v.ClearRow(i)
				} else {
					v.Ints[i] = t.i
				}
			}
		}
	case column.Float:
		ints := v.Ints
		fs, _ := toFloats(v)
		for i, x := range ints {
			if v.IsNull(i) {
				continue
			}
			if j, ok := m.intKeys[x]; ok {
				if t := &m.targets[j]; t.null {
					v.ClearRow(i)
				} else {
					fs[i] = t.f
				}
			}
		}
	case column.String:
		ints := v.Ints
		strs := growStrs(v, len(ints))
		v.Type = column.String
		for i, x := range ints {
			if v.IsNull(i) {
				strs[i] = ""
				continue
			}
			if j, ok := m.intKeys[x]; ok {
				if t := &m.targets[j]; t.null {
					v.ClearRow(i)
				} else {
					strs[i] = t.s
				}
				continue
			}
			strs[i] = strconv.FormatInt(x, 10)
		}
	}
}

func (m *mapValues) applyFloats(v *column.Vector) {
	switch m.out {
	case column.Float:
		for i, x := range v.Floats {
			if v.IsNull(i) {
				continue
			}
			if j, ok := m.fltKeys[x]; ok {
				if t := &m.targets[j]; t.null {
					v.ClearRow(i)
				} else {
					v.Floats[i] = t.f
				}
			}
		}
	case column.String:
		fs := v.Floats
		strs := growStrs(v, len(fs))
		v.Type = column.String
		for i, x := range fs {
			if v.IsNull(i) {
				strs[i] = ""
				continue
			}
			if j, ok := m.fltKeys[x]; ok {
				if t := &m.targets[j]; t.null {
					v.ClearRow(i)
				} else {
					strs[i] = t.s
				}
				continue
			}
			strs[i] = formatFloat(x)
		}
	}
}

func (m *mapValues) applyBools(v *column.Vector) {
	switch m.out {
	case column.Bool:
		for i, x := range v.Bools {
			if v.IsNull(i) {
				continue
			}
			if j := m.boolKeys[b2i(x)]; j >= 0 {
				if t := &m.targets[j]; t.null {
					v.ClearRow(i)
				} else {
					v.Bools[i] = t.b
				}
			}
		}
	case column.String:
		bs := v.Bools
		strs := growStrs(v, len(bs))
		v.Type = column.String
		for i, x := range bs {
			if v.IsNull(i) {
				strs[i] = ""
				continue
			}
			if j := m.boolKeys[b2i(x)]; j >= 0 {
				if t := &m.targets[j]; t.null {
					v.ClearRow(i)
				} else {
					strs[i] = t.s
				}
				continue
			}
			strs[i] = strconv.FormatBool(x)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
