package modify

import (
	"math"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
)

func TestTimeJitter(t *testing.T) {
	const n = 20000
	const std = 30.0 // minutes
	mid := tfStart + (tfEnd-tfStart)/2
	day := int64(column.MicrosPerDay)
	// Half the rows sit in the middle of the timeframe, a quarter on each
	// bound, where half of the noise would leave it.
	xs := make([]int64, n)
	for i := range xs {
		switch i % 4 {
		case 0, 1:
			xs[i] = mid
		case 2:
			xs[i] = tfStart
		case 3:
			xs[i] = tfEnd
		}
	}
	outside := tfEnd + 3*day // lies outside: jittered without the bound check
	xs[3] = outside
	v := tsVec(xs...)
	mod := mustCompile(t, dsl.Modifier{Transform: dsl.TTimeJitter, TimeJitter: &dsl.TimeJitterArgs{StdMinutes: std}}, testEnv(column.Timestamp))
	mustApply(t, mod, v, newCtx(0, n, n, nil))

	var mids []float64
	var atStart, movedStart int
	for i, x := range v.Ints {
		if i == 3 {
			continue
		}
		if x < tfStart || x > tfEnd {
			t.Fatalf("row %d left the timeframe: %d", i, x)
		}
		switch i % 4 {
		case 0, 1:
			mids = append(mids, float64(x-mid)/60e6)
		case 2:
			atStart++
			if x != tfStart {
				movedStart++
			}
		}
	}
	mean, sd := meanStd(mids)
	m := float64(len(mids))
	if tol := 5 * std / math.Sqrt(m); math.Abs(mean) > tol {
		t.Errorf("mean shift %g min, want 0 ± %g", mean, tol)
	}
	if tol := 5 * std / math.Sqrt(2*m); math.Abs(sd-std) > tol {
		t.Errorf("std %g min, want %g ± %g", sd, std, tol)
	}
	// At the bound a draw stays inside with probability 1/2; 8 tries keep
	// the original only with probability 1/256.
	if kept := atStart - movedStart; float64(kept) > float64(atStart)/256+5*math.Sqrt(float64(atStart)/256) {
		t.Errorf("%d of %d values at the start bound were not moved", kept, atStart)
	}
	if v.Ints[3] == outside || math.Abs(float64(v.Ints[3]-outside)) > 6*std*60e6 {
		t.Errorf("value outside the timeframe: got %d from %d", v.Ints[3], outside)
	}
	if v.Type != column.Timestamp {
		t.Errorf("type %s, want datetime", v.Type)
	}
}

func TestTimeJitterDateBecomesDatetime(t *testing.T) {
	mod := mustCompile(t, dsl.Modifier{Transform: dsl.TTimeJitter, TimeJitter: &dsl.TimeJitterArgs{StdMinutes: 60}}, testEnv(column.Date))
	if got := mod.OutType(column.Date); got != column.Timestamp {
		t.Errorf("OutType(date) = %s", got)
	}
	v := dateVec(us("2024-05-05"), us("2024-05-06"))
	mustApply(t, mod, v, newCtx(0, 2, 2, nil))
	if v.Type != column.Timestamp {
		t.Errorf("type %s after time_jitter on a date", v.Type)
	}
	if v.Ints[0] == us("2024-05-05") && v.Ints[1] == us("2024-05-06") {
		t.Errorf("no value moved")
	}
}
