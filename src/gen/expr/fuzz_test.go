package expr

import (
	"math"
	"sort"
	"testing"

	"datagen/src/column"
)

// FuzzCompile compiles arbitrary code against the fixture's columns and,
// when it compiles, evaluates it. Neither may panic; a compiled program
// must produce a vector of its type; code that compiles must pass Check;
// and each row's result must be the same whether the row is evaluated in
// a block of four or alone.
func FuzzCompile(f *testing.F) {
	seeds := []string{
		"unit_price * quantity", "score / 20 * credits", "-2**2", "2 ** 3 ** 2", "1 < n < 4",
		"n in [1, 2.5]", "s not in ('a', 'b')", "not c and b or n > 2", "n > 1 & j > 2 | c",
		"if(c, n, null)", "coalesce(g, f, 0)", "round(f, -2)", "concat(s, '-', n, d, ts, c)",
		"ts + days(3) - hours(n)", "days_between(d, d2)", "total_hours(ts2 - ts)", "date(ts) == '2024-01-01'",
		"`unit price` * 2", "min(ts, d)", "max(s, t)", "len(s) % 3 // 1", "~n", "~c",
		"arctan2(f, g) + log(f) + sqrt(-f)", "year(ts) * 100 + month(ts)", "i // 0", "f % 0.0",
		"'a' + s", "str(f * 1e20)", "int(f * 1e30)", "days(1e300)", "seconds(f) / 0",
		"((((n))))", "n if c else j", "n.x", "@n", "[1]", "'\\q'", "1e", "n in [j]",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	cols := fixture()
	typ := types(cols)
	names := make([]string, 0, len(cols))
	for name := range cols {
		names = append(names, name)
	}
	sort.Strings(names)
	get := func(name string) *column.Vector { return cols[name] }
	f.Fuzz(func(t *testing.T, code string) {
		p, err := Compile(code, typ)
		checkErr := Check(code, names)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Compile(%q): error of type %T", code, err)
			}
			return
		}
		if checkErr != nil {
			t.Fatalf("Compile(%q) succeeded but Check failed: %v", code, checkErr)
		}
		out := &column.Vector{}
		ev := p.NewEvaluator()
		for _, n := range []int{0, 2, 4} {
			if err := ev.Eval(get, n, out); err != nil {
				t.Fatalf("Eval(%q, %d): %v", code, n, err)
			}
			if out.Type != p.Type() || out.Len() != n || out.Null != nil && len(out.Null) != n {
				t.Fatalf("Eval(%q, %d): %s vector of %d rows, want %s", code, n, out.Type, out.Len(), p.Type())
			}
		}
		block := values(out)
		one := &column.Vector{}
		for i := range block {
			row := func(name string) *column.Vector { return rowOf(cols[name], i) }
			if err := ev.Eval(row, 1, one); err != nil {
				t.Fatalf("Eval(%q) of row %d: %v", code, i, err)
			}
			if got := values(one)[0]; !sameRow(got, block[i]) {
				t.Fatalf("%q row %d: %v alone, %v in a block", code, i, got, block[i])
			}
		}
	})
}

// rowOf returns row i of v as a one-row vector.
func rowOf(v *column.Vector, i int) *column.Vector {
	r := &column.Vector{}
	r.Reset(v.Type, 1)
	switch {
	case isInts(v.Type):
		r.Ints[0] = v.Ints[i]
	case v.Type == column.Float:
		r.Floats[0] = v.Floats[i]
	case v.Type == column.String:
		r.Strs[0] = v.Strs[i]
	case v.Type == column.Bool:
		r.Bools[0] = v.Bools[i]
	}
	if v.IsNull(i) {
		r.SetNull(0)
	}
	return r
}

// sameRow compares two row values exactly (floats bit for bit, except
// that the two zeros are equal).
func sameRow(a, b any) bool {
	if fa, ok := a.(float64); ok {
		fb, ok := b.(float64)
		return ok && (fa == fb || math.Float64bits(fa) == math.Float64bits(fb))
	}
	return a == b
}
