package modify

import (
	"math"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
)

func TestOutliersCount(t *testing.T) {
	tests := []struct {
		n     int
		rate  float64
		wantK int
	}{
		{1000, 0.05, 50},
		{1000, 0.0305, 31},
		{10, 0.05, 1}, // rate·n = 0.5: at least one
		{9, 0.05, 0},  // 0.45 rounds to none
		{37, 1, 37},
		{5, 0, 0},
		{1, 0.7, 1},
	}
	for _, mode := range []string{"spike", "drop"} {
		for _, tt := range tests {
			m := dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: tt.rate, Mode: mode}}
			mod := mustCompile(t, m, testEnv(column.Int))
			xs := make([]int64, tt.n)
			for i := range xs {
				xs[i] = int64(100 + i)
			}
			v := intVec(xs...)
			mustApply(t, mod, v, newCtx(0, tt.n, int64(tt.n), nil))
			if v.Type != column.Float {
				t.Fatalf("type %s, want float", v.Type)
			}
			k := 0
			for i, x := range v.Floats {
				orig := float64(xs[i])
				switch {
				case x == orig:
				case mode == "spike" && x >= orig*1.1 && x <= orig*11:
					k++
				case mode == "drop" && x <= orig/1.1 && x >= orig/11:
					k++
				default:
					t.Fatalf("%s n=%d row %d: %g from %g is outside the magnitude range [0.1, 10]", mode, tt.n, i, x, orig)
				}
			}
			if k != tt.wantK {
				t.Errorf("%s n=%d rate=%g: %d outliers, want %d", mode, tt.n, tt.rate, k, tt.wantK)
			}
		}
	}
}

func TestOutliersMagnitude(t *testing.T) {
	// Default magnitudes: lognormal(0, 0.5) clipped to [0.1, 10]; the
	// median spike factor is 1 + e^0 = 2.
	const n = 20000
	m := dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 1, Mode: "spike"}}
	mod := mustCompile(t, m, testEnv(column.Float))
	v := floatVec(make([]float64, n)...)
	for i := range v.Floats {
		v.Floats[i] = 1
	}
	mustApply(t, mod, v, newCtx(0, n, n, nil))
	below := 0
	var logs []float64
	for _, x := range v.Floats {
		if x < 2 {
			below++
		}
		logs = append(logs, math.Log(x-1))
	}
	share := float64(below) / n
	if tol := 5 * 0.5 / math.Sqrt(n); math.Abs(share-0.5) > tol {
		t.Errorf("share of factors below the median 2: %g, want 0.5 ± %g", share, tol)
	}
	_, sd := meanStd(logs)
	if tol := 5 * 0.5 / math.Sqrt(2*n); math.Abs(sd-0.5) > tol+0.01 { // the clip at 0.1 trims a little
		t.Errorf("sigma of log magnitudes %g, want 0.5", sd)
	}
	// A custom uniform distribution with its own clamp.
	m.Outliers.MagnitudeDist = dsl.Distribution{Type: "uniform", Params: map[string]float64{"low": 2, "high": 4}, ClampMin: ptr(2.0), ClampMax: ptr(4.0)}
	m.Outliers.Mode = "drop"
	mod = mustCompile(t, m, testEnv(column.Float))
	v = floatVec(30, 30, 30, 30)
	mustApply(t, mod, v, newCtx(0, 4, 4, nil))
	for _, x := range v.Floats {
		if x < 30.0/5 || x > 30.0/3 {
			t.Errorf("drop by uniform(2,4): %g not in [6, 10]", x)
		}
	}
}

func TestOutliersTime(t *testing.T) {
	const n = 2000
	day := int64(column.MicrosPerDay)
	xs := make([]int64, n)
	for i := range xs {
		xs[i] = tfStart + int64(i)*(tfEnd-tfStart)/n
	}
	for _, mode := range []string{"spike", "drop"} {
		t.Run(mode, func(t *testing.T) {
			m := dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 0.1, Mode: mode}}
			mod := mustCompile(t, m, testEnv(column.Timestamp))
			v := tsVec(xs...)
			mustApply(t, mod, v, newCtx(0, n, n, nil))
			moved, wrongWay := 0, 0
			for i, x := range v.Ints {
				if x < tfStart || x > tfEnd {
					t.Fatalf("row %d left the timeframe", i)
				}
				d := x - xs[i]
				if d == 0 {
					continue
				}
				moved++
				if abs := max(d, -d); abs < day/10 || abs > 10*day {
					t.Errorf("row %d moved by %g days, want [0.1, 10]", i, float64(d)/float64(day))
				}
				if (mode == "spike") != (d > 0) {
					wrongWay++
				}
			}
			if moved != 200 {
				t.Errorf("%d rows moved, want 200", moved)
			}
			// Only rows within 10 days of the far bound may be turned around.
			if wrongWay > 2000*20/365+5 {
				t.Errorf("%d rows moved the wrong way", wrongWay)
			}
		})
	}
	// Dates move by whole days and stay dates.
	m := dsl.Modifier{Transform: dsl.TOutliers, Outliers: &dsl.OutliersArgs{Rate: 1, Mode: "spike"}}
	mod := mustCompile(t, m, testEnv(column.Date))
	v := dateVec(us("2024-02-01"), us("2024-12-31"))
	mustApply(t, mod, v, newCtx(0, 2, 2, nil))
	for i, x := range v.Ints {
		if x%day != 0 || x < tfStart || x > tfEnd || x == []int64{us("2024-02-01"), us("2024-12-31")}[i] {
			t.Errorf("date row %d: %v", i, column.Time(x))
		}
	}
	if v.Ints[1] >= us("2024-12-31") {
		t.Errorf("a spike at the last day must move earlier, got %v", column.Time(v.Ints[1]))
	}
}
