package expr

import (
	"math"
	"testing"
	"time"

	"datagen/src/civil"
	"datagen/src/column"
)

// vec builds a vector of type t; a nil value is a null row.
func vec(t column.Type, vals ...any) *column.Vector {
	v := &column.Vector{}
	v.Reset(t, len(vals))
	for i, x := range vals {
		if x == nil {
			v.SetNull(i)
			continue
		}
		switch t {
		case column.Int:
			v.Ints[i] = int64(x.(int))
		case column.Float:
			v.Floats[i] = x.(float64)
		case column.String:
			v.Strs[i] = x.(string)
		case column.Bool:
			v.Bools[i] = x.(bool)
		case column.Timestamp, column.Date:
			v.Ints[i] = ts(x.(string))
		}
	}
	return v
}

// ts parses an RFC 3339 timestamp or a date to microseconds.
func ts(s string) int64 {
	us, err := civil.ParseMicros(s)
	if err != nil {
		panic("bad test time " + s)
	}
	return us
}

// fixture is the four-row table most tests evaluate against.
func fixture() map[string]*column.Vector {
	return map[string]*column.Vector{
		"i":          vec(column.Int, 7, -7, 0, nil),
		"j":          vec(column.Int, 2, 2, 3, 1),
		"f":          vec(column.Float, 1.5, -2.25, 0.0, 4.0),
		"g":          vec(column.Float, 0.5, 2.0, nil, -1.0),
		"s":          vec(column.String, "ab", "", "x y", nil),
		"t":          vec(column.String, "cd", "ef", "gh", "ij"),
		"b":          vec(column.Bool, true, false, true, nil),
		"c":          vec(column.Bool, true, true, false, false),
		"ts":         vec(column.Timestamp, "2024-02-29T13:45:30Z", "1969-12-31T23:59:59.5Z", "2024-12-31T00:00:00Z", nil),
		"ts2":        vec(column.Timestamp, "2024-03-02T01:45:30Z", "1970-01-01T00:00:00Z", "2024-12-30T12:00:00Z", "2000-01-01T00:00:00Z"),
		"d":          vec(column.Date, "2024-03-01", "2023-01-01", "2024-12-30", "2000-01-01"),
		"d2":         vec(column.Date, "2024-03-11", "2022-12-31", "2025-01-01", "2000-01-01"),
		"unit price": vec(column.Float, 10.0, 20.0, 30.0, 40.0),
		"n":          vec(column.Int, 1, 2, 3, 4),
	}
}

func types(cols map[string]*column.Vector) map[string]column.Type {
	out := map[string]column.Type{}
	for name, v := range cols {
		out[name] = v.Type
	}
	return out
}

// evalCode compiles code against cols and evaluates all rows.
func evalCode(t *testing.T, code string, cols map[string]*column.Vector) (*Program, *column.Vector) {
	t.Helper()
	p, err := Compile(code, types(cols))
	if err != nil {
		t.Fatalf("Compile(%q): %v", code, err)
	}
	n := cols["n"].Len()
	out := &column.Vector{}
	if err := p.NewEvaluator().Eval(func(name string) *column.Vector { return cols[name] }, n, out); err != nil {
		t.Fatalf("Eval(%q): %v", code, err)
	}
	if out.Len() != n || out.Type != p.Type() {
		t.Fatalf("Eval(%q): got %d rows of %s, want %d of %s", code, out.Len(), out.Type, n, p.Type())
	}
	return p, out
}

// values returns the rows of v as Go values, nil for null.
func values(v *column.Vector) []any {
	out := make([]any, v.Len())
	for i := range out {
		if v.IsNull(i) {
			continue
		}
		switch v.Type {
		case column.Int:
			out[i] = v.Ints[i]
		case column.Float:
			out[i] = v.Floats[i]
		case column.String:
			out[i] = v.Strs[i]
		case column.Bool:
			out[i] = v.Bools[i]
		case column.Timestamp:
			out[i] = column.Time(v.Ints[i]).Format(time.RFC3339Nano)
		case column.Date:
			out[i] = column.Time(v.Ints[i]).Format(time.DateOnly)
		}
	}
	return out
}

// sameValues compares row values; floats within 1e-12 relative.
func sameValues(got, want []any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if wi, ok := w.(int); ok {
			w = int64(wi)
		}
		if gf, ok := g.(float64); ok {
			wf, ok := w.(float64)
			if !ok || math.Abs(gf-wf) > 1e-12*math.Max(1, math.Abs(wf)) {
				return false
			}
			continue
		}
		if g != w {
			return false
		}
	}
	return true
}
