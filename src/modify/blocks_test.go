package modify

import (
	"reflect"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// blockCase is one modifier with the input it is applied to.
type blockCase struct {
	name string
	m    dsl.Modifier
	in   column.Type
}

func blockCases() []blockCase {
	effect := &dsl.EffectArgs{EffectTable: "fx", On: []dsl.KeyPair{{Local: "key", Remote: "key"}}, StartCol: "start",
		EndCol: "end", Field: "mult", Op: "mul", Default: 1, Overlap: "product"}
	return []blockCase{
		{"multiply", dsl.Modifier{Transform: dsl.TMultiply, Multiply: &dsl.MultiplyArgs{Factor: 3}}, column.Int},
		{"add", dsl.Modifier{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 2}}, column.Float},
		{"add time", dsl.Modifier{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 2, Unit: "hours"}}, column.Timestamp},
		{"clamp", dsl.Modifier{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Min: ptr(10.0), Max: ptr(500.0)}}, column.Int},
		{"jitter add", dsl.Modifier{Transform: dsl.TJitter, Jitter: &dsl.JitterArgs{Std: 3, Mode: "add"}}, column.Float},
		{"jitter mul", dsl.Modifier{Transform: dsl.TJitter, Jitter: &dsl.JitterArgs{Std: 0.2, Mode: "mul"}}, column.Int},
		{"map_values", dsl.Modifier{Transform: dsl.TMapValues, MapValues: &dsl.MapValuesArgs{Mapping: []dsl.MapEntry{{From: "7", To: "seven"}}}}, column.Int},
		{"seasonality", dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "dow", Weights: []float64{1, 2, 3, 4, 5, 6, 7}}}, column.Float},
		{"seasonality time", dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "dow", Weights: []float64{1, 2, 3, 4, 5, 6, 7}}}, column.Timestamp},
		{"time_jitter", dsl.Modifier{Transform: dsl.TTimeJitter, TimeJitter: &dsl.TimeJitterArgs{StdMinutes: 600}}, column.Timestamp},
		{"effect", dsl.Modifier{Transform: dsl.TEffect, Effect: effect}, column.Float},
		{"effect time", dsl.Modifier{Transform: dsl.TEffect, Effect: effect}, column.Timestamp},
		{"outliers", dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 0.03, Mode: "spike"}}, column.Int},
		{"outliers time", dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 0.03, Mode: "drop"}}, column.Timestamp},
		{"trend", dsl.Modifier{Transform: dsl.TTrend, Trend: &dsl.TrendArgs{Type: "exponential", GrowthRate: 0.2, TimeReference: "ts"}}, column.Float},
	}
}

// blockInputs builds the value vector and earlier columns of n rows.
func blockInputs(in column.Type, n int) (*column.Vector, map[string]*column.Vector) {
	s := rng.NewKey(11, "inputs").Row(0)
	resample := uniformResample(rng.NewKey(9, "gen"))
	ts := make([]int64, n)
	keys := make([]string, n)
	v := &column.Vector{Type: in}
	for i := range n {
		ts[i] = resample(int64(i), 0)
		keys[i] = []string{"A", "B", "C"}[s.IntN(3)]
		switch in {
		case column.Int:
			v.Ints = append(v.Ints, 1+s.IntN(20))
		case column.Float:
			v.Floats = append(v.Floats, 100*s.Float64())
		case column.Timestamp:
			v.Ints = append(v.Ints, ts[i])
		}
	}
	v.ClearRow(5) // one null row
	return v, map[string]*column.Vector{"ts": tsVec(ts...), "key": strVec(keys...)}
}

// Applying a modifier to one block of 1000 rows gives the same result as
// applying it to 10 blocks of 100 rows, and the result has OutType.
func TestBlockIndependence(t *testing.T) {
	const n, parts = 1000, 10
	for _, tc := range blockCases() {
		t.Run(tc.name, func(t *testing.T) {
			mod := mustCompile(t, tc.m, effectEnv(tc.in, effectFixture()))
			resample := uniformResample(rng.NewKey(9, "gen"))

			whole, cols := blockInputs(tc.in, n)
			orig := cloneVec(whole)
			ctx := newCtx(0, n, n, cols)
			ctx.Resample = resample
			mustApply(t, mod, whole, ctx)
			if whole.Type != mod.OutType(tc.in) {
				t.Errorf("result type %s, OutType(%s) = %s", whole.Type, tc.in, mod.OutType(tc.in))
			}

			split := &column.Vector{}
			step := n / parts
			for p := range parts {
				a, b := p*step, (p+1)*step
				blk := sliceVec(orig, a, b)
				bcols := map[string]*column.Vector{}
				for k, c := range cols {
					bcols[k] = sliceVec(c, a, b)
				}
				ctx := newCtx(int64(a), b-a, n, bcols)
				ctx.Rand = rng.NewRand()
				ctx.Resample = resample
				mustApply(t, mod, blk, ctx)
				appendVec(split, blk)
			}
			if !reflect.DeepEqual(whole.Ints, split.Ints) || !floatsEqual(whole.Floats, split.Floats) ||
				!reflect.DeepEqual(whole.Strs, split.Strs) || !reflect.DeepEqual(whole.Null, split.Null) {
				t.Errorf("one block and ten blocks differ")
			}
			if reflect.DeepEqual(whole, orig) && tc.name != "seasonality time" {
				t.Errorf("the modifier changed nothing")
			}
		})
	}
}

// The hot paths allocate nothing once the vector's storage exists.
func TestApplyAllocatesNothing(t *testing.T) {
	for _, tc := range blockCases() {
		if tc.m.Transform == dsl.TMapValues {
			continue // int → string renders unmapped numbers: one string per row
		}
		t.Run(tc.name, func(t *testing.T) {
			mod := mustCompile(t, tc.m, effectEnv(tc.in, effectFixture()))
			v, cols := blockInputs(tc.in, 500)
			ctx := newCtx(0, 500, 500, cols)
			ctx.Resample = uniformResample(rng.NewKey(9, "gen"))
			allocs := testing.AllocsPerRun(20, func() {
				if err := mod.Apply(v, ctx); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%g allocations per Apply", allocs)
			}
		})
	}
}

// A compiled modifier is shared by workers: concurrent Apply calls with
// their own contexts must not interfere (run with -race).
func TestConcurrentApply(t *testing.T) {
	for _, tc := range blockCases() {
		t.Run(tc.name, func(t *testing.T) {
			mod := mustCompile(t, tc.m, effectEnv(tc.in, effectFixture()))
			want, cols := blockInputs(tc.in, 400)
			orig := cloneVec(want)
			ctx := newCtx(0, 400, 400, cols)
			ctx.Resample = uniformResample(rng.NewKey(9, "gen"))
			mustApply(t, mod, want, ctx)
			done := make(chan *column.Vector, 4)
			for range 4 {
				go func() {
					v := cloneVec(orig)
					ctx := newCtx(0, 400, 400, cols)
					ctx.Resample = uniformResample(rng.NewKey(9, "gen"))
					if err := mod.Apply(v, ctx); err != nil {
						done <- nil
						return
					}
					done <- v
				}()
			}
			for range 4 {
				v := <-done
				if v == nil || !reflect.DeepEqual(v.Ints, want.Ints) || !floatsEqual(v.Floats, want.Floats) || !reflect.DeepEqual(v.Strs, want.Strs) {
					t.Fatalf("concurrent Apply gave a different result")
				}
			}
		})
	}
}
