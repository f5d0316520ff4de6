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
