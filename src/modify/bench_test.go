package modify

import (
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

const benchRows = 64 << 10

// benchEffectTable has 1000 rows: 20 keys, windows of 1–30 days spread
// over the timeframe, many overlapping.
func benchEffectTable() *fakeTable {
	const rows = 1000
	s := rng.NewKey(1, "bench-effect").Row(0)
	keys, starts, ends, vals := make([]string, rows), make([]int64, rows), make([]int64, rows), make([]float64, rows)
	names := make([]string, 20)
	for i := range names {
		names[i] = string(rune('A' + i))
	}
	for i := range rows {
		keys[i] = names[s.IntN(20)]
		starts[i] = day(float64(s.IntN(360)))
		ends[i] = starts[i] + (1+s.IntN(30))*column.MicrosPerDay
		vals[i] = 0.5 + s.Float64()
	}
	return &fakeTable{rows: rows, cols: map[string]*column.Vector{
		"key": strVec(keys...), "start": tsVec(starts...), "end": tsVec(ends...), "mult": floatVec(vals...),
	}}
}

func BenchmarkModifiers(b *testing.B) {
	global := &dsl.EffectArgs{EffectTable: "fx", StartCol: "start", EndCol: "end", Field: "mult", Op: "mul", Default: 1, Overlap: "first"}
	keyed := *global
	keyed.On = []dsl.KeyPair{{Local: "key", Remote: "key"}}
	keyed.Overlap = "product"
	cases := []struct {
		name  string
		m     dsl.Modifier
		in    column.Type
		reset bool // restore the input before each op (type-changing modifiers)
	}{
		{"multiply", dsl.Modifier{Transform: dsl.TMultiply, Multiply: &dsl.MultiplyArgs{Factor: 1.0000001}}, column.Float, false},
		{"multiply_int", dsl.Modifier{Transform: dsl.TMultiply, Multiply: &dsl.MultiplyArgs{Factor: 2}}, column.Int, true},
		{"add", dsl.Modifier{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 1}}, column.Float, false},
		{"add_time", dsl.Modifier{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 1, Unit: "seconds"}}, column.Timestamp, false},
		{"clamp", dsl.Modifier{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Min: ptr(10.0), Max: ptr(90.0)}}, column.Float, false},
		{"jitter", dsl.Modifier{Transform: dsl.TJitter, Jitter: &dsl.JitterArgs{Std: 0.1, Mode: "mul"}}, column.Float, false},
		{"map_values", dsl.Modifier{Transform: dsl.TMapValues, MapValues: &dsl.MapValuesArgs{Mapping: []dsl.MapEntry{{From: "A", To: "B"}, {From: "B", To: "A"}}}}, column.String, false},
		{"seasonality", dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "month", Weights: []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.0000001}}}, column.Float, false},
		{"time_jitter", dsl.Modifier{Transform: dsl.TTimeJitter, TimeJitter: &dsl.TimeJitterArgs{StdMinutes: 10}}, column.Timestamp, false},
		{"effect_global", dsl.Modifier{Transform: dsl.TEffect, Effect: global}, column.Float, false},
		{"effect_keyed", dsl.Modifier{Transform: dsl.TEffect, Effect: &keyed}, column.Float, false},
		{"effect_time", dsl.Modifier{Transform: dsl.TEffect, Effect: global}, column.Timestamp, false},
		{"outliers", dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 0.05, Mode: "spike"}}, column.Float, false},
		{"trend", dsl.Modifier{Transform: dsl.TTrend, Trend: &dsl.TrendArgs{Type: "exponential", GrowthRate: 0.08, TimeReference: "ts"}}, column.Float, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			env := effectEnv(c.in, benchEffectTable())
			mod := mustCompile(b, c.m, env)
			resample := uniformResample(rng.NewKey(9, "gen"))
			src, cols := benchInputs(c.in)
			v := cloneVec(src)
			ctx := newCtx(0, benchRows, 100*benchRows, cols)
			ctx.Resample = resample
			b.ReportAllocs()
			cpu0, cpuOK := processCPU()
			b.ResetTimer()
			for range b.N {
				if c.reset {
					b.StopTimer()
					v.Type = src.Type
					copy(v.Ints, src.Ints)
					b.StartTimer()
				}
				if err := mod.Apply(v, ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			values := float64(benchRows) * float64(b.N)
			b.ReportMetric(values/b.Elapsed().Seconds(), "values/s")
			if cpu1, ok := processCPU(); ok && cpuOK && cpu1 > cpu0 {
				// Includes the input resets of type-changing cases.
				b.ReportMetric(values/(cpu1-cpu0).Seconds(), "values/cpu-s")
			}
		})
	}
}

func benchInputs(in column.Type) (*column.Vector, map[string]*column.Vector) {
	s := rng.NewKey(2, "bench-in").Row(0)
	ts, keys := make([]int64, benchRows), make([]string, benchRows)
	v := &column.Vector{Type: in}
	resample := uniformResample(rng.NewKey(9, "gen"))
	for i := range benchRows {
		ts[i] = resample(int64(i), 0)
		keys[i] = string(rune('A' + s.IntN(20)))
		switch in {
		case column.Int:
			v.Ints = append(v.Ints, s.IntN(100))
		case column.Float:
			v.Floats = append(v.Floats, 100*s.Float64())
		case column.Timestamp:
			v.Ints = append(v.Ints, ts[i])
		case column.String:
			v.Strs = append(v.Strs, keys[i])
		}
	}
	return v, map[string]*column.Vector{"ts": tsVec(ts...), "key": strVec(keys...)}
}
