package modify

import (
	"math"
	"strings"
	"testing"
	"time"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// fakeTable is an in-memory materialised table.
type fakeTable struct {
	rows int64
	cols map[string]*column.Vector
}

func (t *fakeTable) Rows() int64                       { return t.rows }
func (t *fakeTable) Column(name string) *column.Vector { return t.cols[name] }

var (
	tfStart = us("2024-01-01T00:00:00Z")
	tfEnd   = us("2024-12-31T23:59:59Z")
)

// us parses an RFC 3339 instant or a date into microseconds.
func us(s string) int64 {
	layout := time.RFC3339
	if len(s) == 10 {
		layout = "2006-01-02"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

func floatVec(xs ...float64) *column.Vector {
	return &column.Vector{Type: column.Float, Floats: append([]float64(nil), xs...)}
}

func intVec(xs ...int64) *column.Vector {
	return &column.Vector{Type: column.Int, Ints: append([]int64(nil), xs...)}
}

func strVec(xs ...string) *column.Vector {
	return &column.Vector{Type: column.String, Strs: append([]string(nil), xs...)}
}

func boolVec(xs ...bool) *column.Vector {
	return &column.Vector{Type: column.Bool, Bools: append([]bool(nil), xs...)}
}

func tsVec(xs ...int64) *column.Vector {
	return &column.Vector{Type: column.Timestamp, Ints: append([]int64(nil), xs...)}
}

func dateVec(xs ...int64) *column.Vector {
	return &column.Vector{Type: column.Date, Ints: append([]int64(nil), xs...)}
}

// withNull marks rows null (clearing their value slots as the engine does).
func withNull(v *column.Vector, rows ...int) *column.Vector {
	for _, i := range rows {
		v.ClearRow(i)
	}
	return v
}

// cloneVec deep-copies a vector.
func cloneVec(v *column.Vector) *column.Vector {
	c := &column.Vector{Type: v.Type}
	c.Ints = append([]int64(nil), v.Ints...)
	c.Floats = append([]float64(nil), v.Floats...)
	c.Strs = append([]string(nil), v.Strs...)
	c.Bools = append([]bool(nil), v.Bools...)
	if v.Null != nil {
		c.Null = append([]bool(nil), v.Null...)
	}
	return c
}

// sliceVec copies rows [a, b) of v.
func sliceVec(v *column.Vector, a, b int) *column.Vector {
	c := &column.Vector{}
	c.Reset(v.Type, 0)
	c.AppendRange(v, a, b)
	return c
}

// appendVec appends the rows of b to a.
func appendVec(a, b *column.Vector) {
	a.Type = b.Type
	a.Ints = append(a.Ints, b.Ints...)
	a.Floats = append(a.Floats, b.Floats...)
	a.Strs = append(a.Strs, b.Strs...)
	a.Bools = append(a.Bools, b.Bools...)
	if b.Null != nil || a.Null != nil {
		if a.Null == nil {
			a.Null = make([]bool, a.Len()-b.Len())
		}
		if b.Null == nil {
			a.Null = append(a.Null, make([]bool, b.Len())...)
		} else {
			a.Null = append(a.Null, b.Null...)
		}
	}
}

// testEnv is the environment of column "c" of table "t", whose other
// columns are ts (datetime), key (string) and k2 (int).
func testEnv(in column.Type) Env {
	node := &dsl.Node{ID: "t", Kind: dsl.Fact, Columns: []dsl.Column{
		{Name: "ts", Type: column.Timestamp},
		{Name: "key", Type: column.String},
		{Name: "k2", Type: column.Int},
		{Name: "c", Type: in},
	}}
	return Env{
		Key:            rng.NewKey(42, "t", "c"),
		Index:          0,
		Column:         &node.Columns[3],
		Node:           node,
		ValueType:      in,
		TSColumn:       "ts",
		TimeframeStart: tfStart,
		TimeframeEnd:   tfEnd,
		Tables:         func(id string) (Table, error) { return nil, nil },
	}
}

// newCtx builds a block context over the given earlier columns.
func newCtx(start int64, rows int, total int64, cols map[string]*column.Vector) *Context {
	return &Context{
		Start:     start,
		Rows:      rows,
		TotalRows: total,
		Col:       func(name string) *column.Vector { return cols[name] },
		Rand:      rng.NewRand(),
	}
}

func mustCompile(t testing.TB, m dsl.Modifier, env Env) Modifier {
	t.Helper()
	mod, err := Compile(m, env)
	if err != nil {
		t.Fatalf("Compile(%s): %v", m.Transform, err)
	}
	return mod
}

func mustApply(t testing.TB, mod Modifier, v *column.Vector, ctx *Context) {
	t.Helper()
	if err := mod.Apply(v, ctx); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func wantErr(t *testing.T, err error, sub string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error containing %q, got nil", sub)
	}
	if !strings.Contains(err.Error(), sub) {
		t.Fatalf("error %q does not contain %q", err, sub)
	}
}

func ptr[T any](x T) *T { return &x }

// meanStd returns the sample mean and standard deviation.
func meanStd(xs []float64) (float64, float64) {
	var s float64
	for _, x := range xs {
		s += x
	}
	m := s / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(xs)-1))
}

func floatsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}
