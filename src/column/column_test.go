package column

import "testing"

func TestVectorResetAndNulls(t *testing.T) {
	var v Vector
	v.Reset(Int, 4)
	if v.Len() != 4 || v.HasNulls() || v.IsNull(2) {
		t.Fatalf("fresh vector: len %d, nulls %v", v.Len(), v.HasNulls())
	}
	v.SetNull(2)
	if !v.IsNull(2) || v.IsNull(1) || !v.HasNulls() {
		t.Fatal("SetNull did not mark exactly row 2")
	}
	// Reset drops the nulls but reuses their storage.
	v.Reset(Float, 3)
	if v.Type != Float || v.Len() != 3 || v.HasNulls() {
		t.Fatalf("after Reset: type %s, len %d, nulls %v", v.Type, v.Len(), v.HasNulls())
	}
	v.SetNull(0)
	if !v.IsNull(0) || v.IsNull(2) {
		t.Fatal("reused null storage kept stale marks")
	}
	allocs := testing.AllocsPerRun(100, func() {
		v.Reset(Float, 3)
		v.SetNull(1)
	})
	if allocs != 0 {
		t.Errorf("Reset + SetNull allocate %.1f times per block", allocs)
	}
}

func TestParseType(t *testing.T) {
	for _, name := range []string{"int", "float", "string", "bool", "datetime", "date"} {
		ty, ok := ParseType(name)
		if !ok || ty.String() != name {
			t.Errorf("ParseType(%q) = %v, %v", name, ty, ok)
		}
	}
	if _, ok := ParseType("timestamp"); ok {
		t.Error("ParseType accepted an unknown type")
	}
	if !Timestamp.IsTime() || !Date.IsTime() || Int.IsTime() || !Float.IsNumeric() || String.IsNumeric() {
		t.Error("type predicates")
	}
}

// vec builds a vector of type t from values, nil meaning null.
func vec(t Type, vals ...any) *Vector {
	v := &Vector{}
	v.Reset(t, len(vals))
	for i, x := range vals {
		switch x := x.(type) {
		case nil:
			v.SetNull(i)
		case int:
			v.Ints[i] = int64(x)
		case float64:
			v.Floats[i] = x
		case string:
			v.Strs[i] = x
		case bool:
			v.Bools[i] = x
		}
	}
	return v
}

// rows returns v's rows as values, nil for nulls.
func rows(v *Vector) []any {
	out := make([]any, v.Len())
	for i := range out {
		switch {
		case v.IsNull(i):
		case v.Type == Float:
			out[i] = v.Floats[i]
		case v.Type == String:
			out[i] = v.Strs[i]
		case v.Type == Bool:
			out[i] = v.Bools[i]
		default:
			out[i] = int(v.Ints[i])
		}
	}
	return out
}

func same(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestVectorWindowAndCopies(t *testing.T) {
	srcs := []*Vector{
		vec(Int, 1, nil, 3, 4, 5),
		vec(Timestamp, 10, 20, 30, 40, 50),
		vec(Float, 1.5, 2.5, nil, nil, 5.5),
		vec(String, "a", "b", "c", nil, "e"),
		vec(Bool, true, false, true, false, nil),
	}
	for _, src := range srcs {
		all := rows(src)
		// Window shares storage.
		w := src.Window(1, 4)
		if w.Type != src.Type || !same(rows(&w), all[1:4]) {
			t.Errorf("%s: Window(1, 4) = %v, want %v", src.Type, rows(&w), all[1:4])
		}
		// CopyFrom, then CopyRange over a part with and without nulls.
		var c Vector
		c.CopyFrom(src)
		if !same(rows(&c), all) {
			t.Errorf("%s: CopyFrom = %v, want %v", src.Type, rows(&c), all)
		}
		c.CopyRange(0, src, 2, 5)
		want := append(append([]any{}, all[2:5]...), all[3:5]...)
		if !same(rows(&c), want) {
			t.Errorf("%s: CopyRange(0, src, 2, 5) = %v, want %v", src.Type, rows(&c), want)
		}
		// Into a vector without nulls: the null slice appears only when a
		// null is copied.
		var d Vector
		d.Reset(src.Type, 5)
		d.CopyRange(1, src, 0, 1)
		if d.Null != nil {
			t.Errorf("%s: CopyRange of a non-null row allocated nulls", src.Type)
		}
		d.CopyRange(0, src, 0, 5)
		if !same(rows(&d), all) {
			t.Errorf("%s: CopyRange(0, src, 0, 5) = %v, want %v", src.Type, rows(&d), all)
		}
		// CopyRow, both ways.
		var r Vector
		r.Reset(src.Type, 5)
		for i := range 5 {
			r.CopyRow(4-i, src, i)
		}
		for i := range 5 {
			if got := rows(&r)[4-i]; got != all[i] {
				t.Errorf("%s: CopyRow(%d, src, %d) = %v, want %v", src.Type, 4-i, i, got, all[i])
			}
		}
		r.CopyRow(0, &c, 0) // c's row 0 is all[2]
		if got := rows(&r)[0]; got != all[2] {
			t.Errorf("%s: CopyRow over a null = %v, want %v", src.Type, got, all[2])
		}
		// AppendRange builds the vector back from pieces.
		var a Vector
		a.Reset(src.Type, 0)
		a.AppendRange(src, 4, 5)
		a.AppendRange(src, 0, 2)
		a.AppendRange(src, 2, 4)
		want = append(append([]any{all[4]}, all[0:2]...), all[2:4]...)
		if !same(rows(&a), want) || (a.Null != nil && len(a.Null) != a.Len()) {
			t.Errorf("%s: AppendRange = %v (nulls %v), want %v", src.Type, rows(&a), a.Null, want)
		}
	}
	// Writing through a window writes into the vector.
	v := vec(Int, 1, 2, 3)
	w := v.Window(1, 3)
	w.Ints[0] = 9
	if v.Ints[1] != 9 {
		t.Error("Window does not share storage")
	}
}

func TestVectorCopiesAllocateNothing(t *testing.T) {
	src := vec(String, "a", nil, "c", "d")
	var dst, w Vector
	dst.Reset(String, 8)
	dst.SetNull(0)
	allocs := testing.AllocsPerRun(100, func() {
		w = src.Window(1, 3)
		dst.CopyRange(4, src, 0, 4)
		dst.CopyRow(0, src, 2)
		dst.CopyFrom(src)
		dst.Reset(String, 8)
		dst.SetNull(0)
	})
	if allocs != 0 {
		t.Errorf("window and copies allocate %.1f times", allocs)
	}
	_ = w
}

func TestClearRow(t *testing.T) {
	for _, v := range []*Vector{vec(Int, 1, 2), vec(Date, 1, 2), vec(Float, 1.5, 2.5), vec(String, "a", "b"), vec(Bool, true, true)} {
		v.ClearRow(1)
		if !v.IsNull(1) || v.IsNull(0) {
			t.Errorf("%s: ClearRow(1) nulls %v", v.Type, v.Null)
		}
		var zero bool
		switch v.Type {
		case Float:
			zero = v.Floats[1] == 0
		case String:
			zero = v.Strs[1] == ""
		case Bool:
			zero = !v.Bools[1]
		default:
			zero = v.Ints[1] == 0
		}
		if !zero {
			t.Errorf("%s: ClearRow left a value in the slot", v.Type)
		}
	}
}
