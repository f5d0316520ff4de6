package modify

import (
	"math"
	"testing"
	"time"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

func TestCalendarMatchesTimePackage(t *testing.T) {
	s := rng.NewKey(1, "calendar").Row(0)
	// From year 1600 to 2400, including negative epochs and exact midnights.
	lo, hi := us("1600-01-01T00:00:00Z"), us("2400-01-01T00:00:00Z")
	for i := range 200000 {
		x := lo + s.IntN(hi-lo)
		if i%7 == 0 {
			x -= x % column.MicrosPerDay // midnights (toward zero: also tests negatives)
		}
		tm := time.UnixMicro(x).UTC()
		if got, want := hourOf(x), tm.Hour(); got != want {
			t.Fatalf("hourOf(%s) = %d, want %d", tm, got, want)
		}
		if got, want := weekdayOf(x), (int(tm.Weekday())+6)%7; got != want {
			t.Fatalf("weekdayOf(%s) = %d, want %d", tm, got, want)
		}
		if got, want := monthOf(x), int(tm.Month())-1; got != want {
			t.Fatalf("monthOf(%s) = %d, want %d", tm, got, want)
		}
	}
}

func TestSeasonalityNumeric(t *testing.T) {
	hours := make([]float64, 24)
	for i := range hours {
		hours[i] = float64(i) + 1
	}
	ts := tsVec(
		us("2024-01-01T00:30:00Z"), // Monday, January, hour 0
		us("2024-03-09T13:00:00Z"), // Saturday, March, hour 13
		us("2024-12-29T23:59:59Z"), // Sunday, December, hour 23
	)
	tests := []struct {
		dim     string
		weights []float64
		want    []float64
	}{
		{"dow", []float64{1, 2, 3, 4, 5, 6, 7}, []float64{10 * 1, 10 * 6, 10 * 7}},
		{"month", []float64{0.5, 1, 1.5, 1, 1, 1, 1, 1, 1, 1, 1, 3}, []float64{10 * 0.5, 10 * 1.5, 10 * 3}},
		{"hour", hours, []float64{10 * 1, 10 * 14, 10 * 24}},
	}
	for _, tt := range tests {
		t.Run(tt.dim, func(t *testing.T) {
			m := dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: tt.dim, Weights: tt.weights}}
			mod := mustCompile(t, m, testEnv(column.Int))
			v := intVec(10, 10, 10)
			mustApply(t, mod, v, newCtx(0, 3, 3, map[string]*column.Vector{"ts": ts}))
			if !floatsEqual(v.Floats, tt.want) {
				t.Errorf("got %v, want %v", v.Floats, tt.want)
			}
		})
	}
}

func TestSeasonalityOnTimeIsNoOp(t *testing.T) {
	m := dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "dow", Weights: []float64{0, 0, 0, 0, 0, 0, 0}}}
	env := testEnv(column.Timestamp)
	env.TSColumn = ""
	mod := mustCompile(t, m, env)
	v := tsVec(tfStart, tfEnd)
	mustApply(t, mod, v, newCtx(0, 2, 2, nil))
	if v.Ints[0] != tfStart || v.Ints[1] != tfEnd || mod.OutType(column.Timestamp) != column.Timestamp {
		t.Errorf("seasonality changed a datetime vector: %v", v.Ints)
	}
}

func TestSeasonalityMissingColumnAtApply(t *testing.T) {
	m := dsl.Modifier{Transform: dsl.TSeasonality, Seasonality: &dsl.Pattern{Dimension: "dow", Weights: []float64{1, 1, 1, 1, 1, 1, 1}}}
	mod := mustCompile(t, m, testEnv(column.Float))
	err := mod.Apply(floatVec(1), newCtx(0, 1, 1, nil))
	wantErr(t, err, `timestamp column "ts" is not available`)
}

func TestTrendExact(t *testing.T) {
	year := int64(365.25 * float64(column.MicrosPerDay))
	ts := tsVec(tfStart, tfStart+year, tfStart+2*year, tfStart-year)
	tests := []struct {
		name string
		args dsl.TrendArgs
		want []float64
	}{
		{"exponential", dsl.TrendArgs{Type: "exponential", GrowthRate: 0.1}, []float64{100, 110, 121, 100 / 1.1}},
		{"linear", dsl.TrendArgs{Type: "linear", GrowthRate: 0.5}, []float64{100, 150, 200, 50}},
		{"logarithmic", dsl.TrendArgs{Type: "logarithmic", A: 0.2, B: 2}, []float64{100, 100 * (1 + 0.2*math.Log(3)), 100 * (1 + 0.2*math.Log(5)), 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.args.TimeReference = "ts"
			mod := mustCompile(t, dsl.Modifier{Transform: dsl.TTrend, Trend: &tt.args}, testEnv(column.Float))
			v := floatVec(100, 100, 100, 100)
			mustApply(t, mod, v, newCtx(0, 4, 4, map[string]*column.Vector{"ts": ts}))
			for i, w := range tt.want {
				if math.Abs(v.Floats[i]-w) > 1e-9*w {
					t.Errorf("row %d: got %.12g, want %.12g", i, v.Floats[i], w)
				}
			}
		})
	}
}

// The log of an exponential trend is linear in t with slope ln(1+g); the
// origin is the timeframe start whatever the sampled minimum.
func TestTrendSlope(t *testing.T) {
	const n = 5000
	g := 0.08
	s := rng.NewKey(3, "trend-ts").Row(0)
	origin := tfStart
	lo := origin + 90*int64(column.MicrosPerDay) // no sample near the start
	span := 3 * 365 * int64(column.MicrosPerDay)
	tsv := make([]int64, n)
	for i := range tsv {
		tsv[i] = lo + s.IntN(span)
	}
	env := testEnv(column.Float)
	env.TSColumn = "ts" // via fallback: time_reference empty
	mod := mustCompile(t, dsl.Modifier{Transform: dsl.TTrend, Trend: &dsl.TrendArgs{Type: "exponential", GrowthRate: g}}, env)
	v := floatVec(make([]float64, n)...)
	for i := range v.Floats {
		v.Floats[i] = 50
	}
	mustApply(t, mod, v, newCtx(0, n, n, map[string]*column.Vector{"ts": tsVec(tsv...)}))
	var sx, sy, sxx, sxy float64
	for i, x := range tsv {
		tt := float64(x-origin) / microsPerYear
		y := math.Log(v.Floats[i])
		sx += tt
		sy += y
		sxx += tt * tt
		sxy += tt * y
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	intercept := (sy - slope*sx) / n
	if math.Abs(slope-math.Log1p(g)) > 1e-9 {
		t.Errorf("slope %g, want ln(1.08) = %g", slope, math.Log1p(g))
	}
	if math.Abs(intercept-math.Log(50)) > 1e-9 {
		t.Errorf("intercept %g, want ln(50) = %g (origin = timeframe start)", intercept, math.Log(50))
	}
}
