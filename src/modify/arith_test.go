package modify

import (
	"math"
	"reflect"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
)

func TestDeterministicNumeric(t *testing.T) {
	tests := []struct {
		name string
		m    dsl.Modifier
		in   *column.Vector
		want []float64
	}{
		{"multiply float", dsl.Modifier{Transform: dsl.TMultiply, Multiply: &dsl.MultiplyArgs{Factor: 1.5}},
			floatVec(2, -4, 0.5), []float64{3, -6, 0.75}},
		{"multiply int converts", dsl.Modifier{Transform: dsl.TMultiply, Multiply: &dsl.MultiplyArgs{Factor: 0.5}},
			intVec(3, -7, 10), []float64{1.5, -3.5, 5}},
		{"add", dsl.Modifier{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 25, Unit: "seconds"}},
			floatVec(1, -30), []float64{26, -5}},
		{"add int", dsl.Modifier{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 0.25}},
			intVec(1, 2), []float64{1.25, 2.25}},
		{"clamp both", dsl.Modifier{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Min: ptr(60.0), Max: ptr(140.0)}},
			floatVec(10, 60, 100, 140, 1e9), []float64{60, 60, 100, 140, 140}},
		{"clamp min only", dsl.Modifier{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Min: ptr(0.0)}},
			floatVec(-1, 1e300), []float64{0, 1e300}},
		{"clamp max only int", dsl.Modifier{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Max: ptr(5.0)}},
			intVec(-100, 7), []float64{-100, 5}},
		{"clamp keeps NaN", dsl.Modifier{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Min: ptr(0.0), Max: ptr(1.0)}},
			floatVec(math.NaN(), 2), []float64{math.NaN(), 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv(tt.in.Type)
			mod := mustCompile(t, tt.m, env)
			if got := mod.OutType(tt.in.Type); got != column.Float {
				t.Errorf("OutType(%s) = %s, want float", tt.in.Type, got)
			}
			mustApply(t, mod, tt.in, newCtx(0, tt.in.Len(), int64(tt.in.Len()), nil))
			if tt.in.Type != column.Float || !floatsEqual(tt.in.Floats, tt.want) {
				t.Errorf("got %s %v, want float %v", tt.in.Type, tt.in.Floats, tt.want)
			}
		})
	}
}

func TestNullsPassThrough(t *testing.T) {
	mods := []dsl.Modifier{
		{Transform: dsl.TMultiply, Multiply: &dsl.MultiplyArgs{Factor: math.Inf(1)}},
		{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 3}},
		{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Min: ptr(5.0)}},
		{Transform: dsl.TJitter, Jitter: &dsl.JitterArgs{Std: 1}},
		{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "dow", Weights: []float64{2, 2, 2, 2, 2, 2, 2}}},
		{Transform: dsl.TTrend, Trend: &dsl.TrendArgs{Type: "linear", GrowthRate: 1, TimeReference: "ts"}},
		{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 1, Mode: "spike"}},
	}
	ts := tsVec(us("2024-06-01T00:00:00Z"), us("2024-07-01T00:00:00Z"), us("2024-08-01T00:00:00Z"))
	for _, m := range mods {
		t.Run(string(m.Transform), func(t *testing.T) {
			v := withNull(intVec(1, 2, 3), 1)
			mod := mustCompile(t, m, testEnv(column.Int))
			mustApply(t, mod, v, newCtx(0, 3, 3, map[string]*column.Vector{"ts": ts}))
			if !v.IsNull(1) || v.Floats[1] != 0 {
				t.Errorf("null row became %v (null=%v)", v.Floats[1], v.IsNull(1))
			}
			if v.IsNull(0) || v.IsNull(2) {
				t.Errorf("non-null rows became null: %v", v.Null)
			}
		})
	}
}

func TestAddTime(t *testing.T) {
	day := int64(column.MicrosPerDay)
	base := us("2024-03-10T12:00:00Z")
	tests := []struct {
		name    string
		args    dsl.AddArgs
		in      *column.Vector
		want    []int64
		outType column.Type
	}{
		{"seconds default", dsl.AddArgs{Value: 90}, tsVec(base), []int64{base + 90e6}, column.Timestamp},
		{"minutes", dsl.AddArgs{Value: -1.5, Unit: "minutes"}, tsVec(base), []int64{base - 90e6}, column.Timestamp},
		{"hours", dsl.AddArgs{Value: 2, Unit: "hours"}, tsVec(base), []int64{base + 2*3600e6}, column.Timestamp},
		{"days on date stays date", dsl.AddArgs{Value: 3, Unit: "days"}, dateVec(us("2024-03-10")), []int64{us("2024-03-13")}, column.Date},
		{"hours on date becomes datetime", dsl.AddArgs{Value: 12, Unit: "hours"}, dateVec(us("2024-03-10")), []int64{us("2024-03-10") + day/2}, column.Timestamp},
		{"microsecond rounding", dsl.AddArgs{Value: 1.0000004, Unit: "seconds"}, tsVec(0), []int64{1_000_000}, column.Timestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := dsl.Modifier{Transform: dsl.TAdd, Add: &tt.args}
			mod := mustCompile(t, m, testEnv(tt.in.Type))
			if got := mod.OutType(tt.in.Type); got != tt.outType {
				t.Errorf("OutType = %s, want %s", got, tt.outType)
			}
			mustApply(t, mod, tt.in, newCtx(0, 1, 1, nil))
			if tt.in.Type != tt.outType || !reflect.DeepEqual(tt.in.Ints, tt.want) {
				t.Errorf("got %s %v, want %s %v", tt.in.Type, tt.in.Ints, tt.outType, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		m    dsl.Modifier
		in   column.Type
		env  func(*Env)
		want string
	}{
		{"multiply string", dsl.Modifier{Transform: dsl.TMultiply, Multiply: &dsl.MultiplyArgs{Factor: 2}}, column.String, nil,
			`column "c": modifier 0 (multiply): needs an int or float column, got string`},
		{"multiply datetime", dsl.Modifier{Transform: dsl.TMultiply, Multiply: &dsl.MultiplyArgs{Factor: 2}}, column.Timestamp, nil,
			"needs an int or float column, got datetime"},
		{"add bool", dsl.Modifier{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 1}}, column.Bool, nil, "got bool"},
		{"add bad unit", dsl.Modifier{Transform: dsl.TAdd, Add: &dsl.AddArgs{Value: 1, Unit: "weeks"}}, column.Timestamp, nil, `unit "weeks"`},
		{"clamp datetime", dsl.Modifier{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Min: ptr(1.0)}}, column.Timestamp, nil,
			"not applicable to a datetime column (clamp bounds are numbers"},
		{"clamp empty", dsl.Modifier{Transform: dsl.TClamp, Clamp: &dsl.ClampArgs{Min: ptr(2.0), Max: ptr(1.0)}}, column.Float, nil, "min 2 is greater than max 1"},
		{"jitter bool", dsl.Modifier{Transform: dsl.TJitter, Jitter: &dsl.JitterArgs{Std: 1}}, column.Bool, nil, "got bool"},
		{"jitter datetime", dsl.Modifier{Transform: dsl.TJitter, Jitter: &dsl.JitterArgs{Std: 1}}, column.Timestamp, nil, "use time_jitter"},
		{"jitter mode", dsl.Modifier{Transform: dsl.TJitter, Jitter: &dsl.JitterArgs{Std: 1, Mode: "pow"}}, column.Float, nil, `mode "pow"`},
		{"time_jitter float", dsl.Modifier{Transform: dsl.TTimeJitter, TimeJitter: &dsl.TimeJitterArgs{StdMinutes: 5}}, column.Float, nil, "needs a datetime or date column, got float"},
		{"seasonality no ts", dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "dow", Weights: make([]float64, 7)}}, column.Float,
			func(e *Env) { e.TSColumn = "" }, "this table has none"},
		{"seasonality weights", dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "hour", Weights: make([]float64, 7)}}, column.Float, nil,
			"dimension hour needs 24 weights, got 7"},
		{"seasonality string", dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "month", Weights: make([]float64, 12)}}, column.String, nil, "got string"},
		{"trend datetime", dsl.Modifier{Transform: dsl.TTrend, Trend: &dsl.TrendArgs{Type: "linear", TimeReference: "ts"}}, column.Timestamp, nil, "trend scales numbers"},
		{"trend unknown column", dsl.Modifier{Transform: dsl.TTrend, Trend: &dsl.TrendArgs{Type: "linear", TimeReference: "when"}}, column.Float, nil,
			`time_reference "when" is not a column of table "t"`},
		{"trend no ts", dsl.Modifier{Transform: dsl.TTrend, Trend: &dsl.TrendArgs{Type: "linear"}}, column.Float, func(e *Env) { e.TSColumn = "" }, "time_reference is not set"},
		{"outliers string", dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 0.1, Mode: "spike"}}, column.String, nil, "got string"},
		{"outliers mode", dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 0.1, Mode: "burst"}}, column.Float, nil, `mode "burst"`},
		{"outliers dist", dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 0.1, Mode: "drop", MagnitudeDist: dsl.Distribution{Type: "zipf"}}}, column.Float, nil, `magnitude_dist.type "zipf"`},
		{"map_values datetime", dsl.Modifier{Transform: dsl.TMapValues, MapValues: &dsl.MapValuesArgs{}}, column.Timestamp, nil, "not applicable to a datetime column"},
		{"map_values int key", dsl.Modifier{Transform: dsl.TMapValues, MapValues: &dsl.MapValuesArgs{Mapping: []dsl.MapEntry{{From: "A", To: 1.0}}}}, column.Int, nil,
			`mapping key "A" can never match an int value`},
		{"map_values int fraction key", dsl.Modifier{Transform: dsl.TMapValues, MapValues: &dsl.MapValuesArgs{Mapping: []dsl.MapEntry{{From: "1.5", To: 1.0}}}}, column.Int, nil,
			`"1.5" can never match an int value`},
		{"map_values same value", dsl.Modifier{Transform: dsl.TMapValues, MapValues: &dsl.MapValuesArgs{Mapping: []dsl.MapEntry{{From: "1", To: 1.0}, {From: "1.0", To: 2.0}}}}, column.Float, nil,
			`mapping keys "1" and "1.0" denote the same value`},
		{"map_values bool key", dsl.Modifier{Transform: dsl.TMapValues, MapValues: &dsl.MapValuesArgs{Mapping: []dsl.MapEntry{{From: "True", To: "y"}}}}, column.Bool, nil,
			`use "true" or "false"`},
		{"missing args", dsl.Modifier{Transform: dsl.TClamp}, column.Float, nil, "missing arguments for clamp"},
		{"unknown", dsl.Modifier{Transform: "scale"}, column.Float, nil, `unknown transform "scale"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv(tt.in)
			if tt.env != nil {
				tt.env(&env)
			}
			_, err := Compile(tt.m, env)
			wantErr(t, err, tt.want)
		})
	}
}

func TestJitterDistribution(t *testing.T) {
	const n = 40000
	tests := []struct {
		mode     string
		base     float64
		std      float64
		wantMean float64
		wantStd  float64
	}{
		{"add", 100, 5, 100, 5},
		{"mul", 10, 0.1, 10, 1},
		{"", -3, 2, -3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = tt.base
			}
			v := floatVec(xs...)
			mod := mustCompile(t, dsl.Modifier{Transform: dsl.TJitter, Jitter: &dsl.JitterArgs{Std: tt.std, Mode: tt.mode}}, testEnv(column.Float))
			mustApply(t, mod, v, newCtx(0, n, n, nil))
			mean, std := meanStd(v.Floats)
			// 5 standard errors: mean σ/√n, sample std ≈ σ/√(2n).
			if tol := 5 * tt.wantStd / math.Sqrt(n); math.Abs(mean-tt.wantMean) > tol {
				t.Errorf("mean %g, want %g ± %g", mean, tt.wantMean, tol)
			}
			if tol := 5 * tt.wantStd / math.Sqrt(2*n); math.Abs(std-tt.wantStd) > tol {
				t.Errorf("std %g, want %g ± %g", std, tt.wantStd, tol)
			}
		})
	}
}
