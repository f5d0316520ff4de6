package validate

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"datagen/src/gen/timegrid"
	"datagen/src/rng"
)

func TestKeySetMatchesAMap(t *testing.T) {
	cases := []struct {
		name string
		next func(r *rand.Rand, i int) int64
	}{
		{"sequence", func(_ *rand.Rand, i int) int64 { return int64(1000 + i) }},
		{"descending", func(_ *rand.Rand, i int) int64 { return int64(-i * 3) }},
		{"dense with repeats", func(r *rand.Rand, _ int) int64 { return r.Int64N(50_000) }},
		{"sparse (hash form)", func(r *rand.Rand, _ int) int64 { return int64(r.Uint64()) }},
		{"dense then far away", func(r *rand.Rand, i int) int64 {
			if i%1000 == 999 {
				return math.MaxInt64 - int64(i)
			}
			return int64(i)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			s := newIntKeySet()
			ref := map[int64]bool{}
			for i := 0; i < 100_000; i++ {
				k := tc.next(r, i)
				if added := s.Add(k); added == ref[k] {
					t.Fatalf("Add(%d) = %v, already present %v", k, added, ref[k])
				}
				ref[k] = true
			}
			if s.Len() != int64(len(ref)) {
				t.Fatalf("Len %d, want %d", s.Len(), len(ref))
			}
			for k := range ref {
				if !s.Has(k) {
					t.Fatalf("lost %d", k)
				}
			}
			for i := 0; i < 1000; i++ {
				k := int64(r.Uint64())
				if s.Has(k) != ref[k] {
					t.Fatalf("Has(%d) = %v", k, s.Has(k))
				}
			}
		})
	}
	// A sequence stays a bitmap: about one bit per key.
	s := newIntKeySet()
	for i := int64(0); i < 1_000_000; i++ {
		s.Add(i)
	}
	if !s.dense || s.Bytes() > 300_000 {
		t.Errorf("dense=%v bytes=%d", s.dense, s.Bytes())
	}
}

func TestDistinctCounts(t *testing.T) {
	for _, n := range []int{10, 60_000, 500_000} {
		var d distinct
		for i := 0; i < n; i++ {
			d.add(rng.Mix64(uint64(i)))
			d.add(rng.Mix64(uint64(i))) // duplicates do not count
		}
		got, exact := d.count()
		if n <= distinctExactCap {
			if !exact || got != int64(n) {
				t.Errorf("n=%d: %d exact=%v", n, got, exact)
			}
			continue
		}
		// HyperLogLog with 2^14 registers: standard error 1.04/128 ≈ 0.81 %; allow 4σ.
		if exact || math.Abs(float64(got)/float64(n)-1) > 4*0.0081 {
			t.Errorf("n=%d: estimate %d exact=%v", n, got, exact)
		}
	}
}

func TestHistogramKeepsEveryValue(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var h histogram
	vals := make([]float64, 10_000)
	for i := range vals {
		vals[i] = r.NormFloat64()*100 + 50
		if i == 5000 {
			vals[i] = 1e6 // forces several doublings
		}
		h.add(vals[i])
	}
	var total int64
	for _, c := range h.counts {
		total += c
	}
	if total != int64(len(vals)) {
		t.Fatalf("counted %d of %d", total, len(vals))
	}
	for _, x := range vals {
		if x < h.lo || x >= h.lo+h.width*histBins {
			t.Fatalf("%v outside [%v, %v)", x, h.lo, h.lo+h.width*histBins)
		}
	}
	// Recount exactly per bin.
	var want [histBins]int64
	for _, x := range vals {
		want[int((x-h.lo)/h.width)]++
	}
	if want != h.counts {
		t.Errorf("bins %v, want %v", h.counts, want)
	}
}

func TestSampleIsIndependentOfBlocks(t *testing.T) {
	a, b := newSample(100), newSample(100)
	for i := 0; i < 10_000; i++ {
		a.add(int64(i), float64(i))
	}
	for i := 9_999; i >= 0; i-- {
		b.add(int64(i), float64(i))
	}
	sa, sb := a.sorted(), b.sorted()
	if len(sa) == 0 || len(sa) > 100 || len(sa) != len(sb) {
		t.Fatalf("sizes %d %d", len(sa), len(sb))
	}
	for i := range sa {
		if sa[i] != sb[i] {
			t.Fatal("samples differ with the feeding order")
		}
	}
}

func TestCalendar(t *testing.T) {
	for _, s := range []string{"1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "1969-12-31T13:00:00Z", "2025-06-30T07:00:00Z"} {
		tm, _ := time.Parse(time.RFC3339, s)
		m, d, h := calendar(tm.UnixMicro())
		if m != int(tm.Month())-1 || d != (int(tm.Weekday())+6)%7 || h != tm.Hour() {
			t.Errorf("%s: %d %d %d", s, m, d, h)
		}
	}
}

func TestExposureCountsInstantsPerCell(t *testing.T) {
	// Ten days from Monday 2024-01-01: Monday, Tuesday and Wednesday occur
	// twice, the other days once, so with equal weights they hold 2/10 of
	// the hourly instants each.
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	f, _ := timegrid.ParseFreq("h")
	g, err := timegrid.NewGrid(start.UnixMicro(), start.AddDate(0, 0, 10).Add(-time.Hour).UnixMicro(), f)
	if err != nil {
		t.Fatal(err)
	}
	w := newCalWeights()
	cube, approx := exposureCube(g, w, nil)
	dow := marginal(cube, dimDow)
	want := []float64{0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1}
	for i := range want {
		if math.Abs(dow[i]-want[i]) > 1e-12 || approx {
			t.Fatalf("dow %v, want %v", dow, want)
		}
	}
	// Weights multiply the exposure: Sunday weight 3 → 0.3/1.2.
	w.mul(dimDow, []float64{1, 1, 1, 1, 1, 1, 3})
	dow = marginal(mustCube(exposureCube(g, w, nil)), dimDow)
	if math.Abs(dow[6]-0.3/1.2) > 1e-12 {
		t.Errorf("sunday %v", dow[6])
	}
	// A minute grid (more instants than hours) gives the same shares, and a
	// multiplier of 0 on the first day removes it.
	fm, _ := timegrid.ParseFreq("min")
	gm, _ := timegrid.NewGrid(start.UnixMicro(), start.AddDate(0, 0, 10).Add(-time.Minute).UnixMicro(), fm)
	day1 := start.Add(24 * time.Hour).UnixMicro()
	dow = marginal(mustCube(exposureCube(gm, newCalWeights(), func(us int64) float64 {
		if us < day1 {
			return 0
		}
		return 1
	})), dimDow)
	want = []float64{1.0 / 9, 2.0 / 9, 2.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9}
	for i := range want {
		if math.Abs(dow[i]-want[i]) > 1e-12 {
			t.Fatalf("dow %v, want %v", dow, want)
		}
	}
}

func mustCube(c []float64, _ bool) []float64 { return c }

func TestFanoutMoments(t *testing.T) {
	lo, hi, lambda := int64(4), int64(8), 6.0
	f := fanoutSpec(lambda, lo, hi)
	mean, sd, _, _ := fanoutMoments(f)
	// Direct truncated Poisson pmf.
	var z, s1, s2 float64
	for k := lo; k <= hi; k++ {
		p := math.Exp(-lambda) * math.Pow(lambda, float64(k)) / math.Gamma(float64(k)+1)
		z += p
		s1 += p * float64(k)
		s2 += p * float64(k*k)
	}
	if math.Abs(mean-s1/z) > 1e-9 || math.Abs(sd-math.Sqrt(s2/z-(s1/z)*(s1/z))) > 1e-9 {
		t.Errorf("mean %v sd %v", mean, sd)
	}
}

func TestBlurHours(t *testing.T) {
	p := make([]float64, 24)
	p[10] = 1
	// Instants exactly on the hour: a symmetric shift sends half of them
	// into the previous hour.
	b := blurHours(p, 10, 0)
	if math.Abs(b[9]-0.5) > 1e-3 || math.Abs(b[10]-0.5) > 1e-3 {
		t.Errorf("phase 0: %v", b[8:12])
	}
	// Instants spread over the hour: a 10-minute shift moves about
	// 10/(60·√(2π)) ≈ 6.6 % to each neighbour.
	b = blurHours(p, 10, -1)
	if math.Abs(b[9]-0.0665) > 2e-3 || math.Abs(b[11]-0.0665) > 2e-3 || math.Abs(b[10]-0.867) > 4e-3 {
		t.Errorf("uniform: %v", b[8:12])
	}
}
