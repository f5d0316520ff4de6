package timegrid

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"datagen/src/civil"
	"datagen/src/rng"
)

var (
	hourW  = Weights{DimHour, []float64{0.2, 0.1, 0, 0, 0.1, 0.3, 1, 2, 3, 3, 2.5, 2, 2, 2.2, 2.4, 2.6, 3, 3.5, 4, 3, 2, 1.5, 1, 0.5}}
	dowW   = Weights{DimDow, []float64{1, 1.1, 1.2, 1.3, 1.6, 0.4, 0.2}}
	monthW = Weights{DimMonth, []float64{0.6, 0.7, 0.9, 1, 1.1, 1.3, 1.4, 1.4, 1.1, 1, 0.9, 2.5}}
)

// wallDims returns month (0–11), weekday (Monday = 0) and hour of UTC
// instant v on the wall clock offSec east of UTC, using the time package.
func wallDims(v int64, offSec int) (month, dow, hour int) {
	tt := time.UnixMicro(v).In(time.FixedZone("", offSec))
	return int(tt.Month()) - 1, (int(tt.Weekday()) + 6) % 7, tt.Hour()
}

// refWeight is the product of the patterns' weights at v (reference
// implementation, independent of the sampler).
func refWeight(patterns []Weights, v int64, offSec int) float64 {
	m, d, h := wallDims(v, offSec)
	w := 1.0
	for _, p := range patterns {
		switch p.Dimension {
		case DimHour:
			w *= p.Values[h]
		case DimDow:
			w *= p.Values[d]
		case DimMonth:
			w *= p.Values[m]
		}
	}
	return w
}

// expectByBruteForce returns the probability of each category among the
// grid instants in [lo, hi] under the patterns.
func expectByBruteForce(g *Grid, patterns []Weights, lo, hi int64, cats int, catOf func(int64) int) []float64 {
	p := make([]float64, cats)
	total := 0.0
	for k := range g.Len() {
		v := g.At(k)
		if v < lo || v > hi {
			continue
		}
		w := refWeight(patterns, v, g.ZoneOffsetSeconds())
		p[catOf(v)] += w
		total += w
	}
	for i := range p {
		p[i] /= total
	}
	return p
}

// chiSquareLimit is an upper quantile of the chi-square distribution with
// df degrees of freedom, z standard deviations out (Wilson–Hilferty).
func chiSquareLimit(df int, z float64) float64 {
	k := float64(df)
	c := 1 - 2/(9*k) + z*math.Sqrt(2/(9*k))
	return k * c * c * c
}

// checkCounts compares observed category counts with expected
// probabilities: categories of probability zero must stay empty, the
// others must pass a chi-square test at 5 sigma (p ≈ 3e-7).
func checkCounts(t *testing.T, name string, counts []int, expect []float64, n int) {
	t.Helper()
	chi, df := 0.0, -1
	for i, p := range expect {
		if p == 0 {
			if counts[i] != 0 {
				t.Errorf("%s: category %d has probability 0 but was drawn %d times", name, i, counts[i])
			}
			continue
		}
		e := p * float64(n)
		chi += (float64(counts[i]) - e) * (float64(counts[i]) - e) / e
		df++
	}
	if df == 0 {
		return // a single possible category: the zero checks above suffice
	}
	if limit := chiSquareLimit(df, 5); chi > limit {
		t.Errorf("%s: chi-square %.1f with %d df exceeds %.1f", name, chi, df, limit)
	}
}

type distCase struct {
	name       string
	start, end string
	freq       string
	offSec     int
	patterns   []Weights
	cats       int
	catOf      func(v int64, offSec int) int
}

func catHour(v int64, off int) int         { _, _, h := wallDims(v, off); return h }
func catDow(v int64, off int) int          { _, d, _ := wallDims(v, off); return d }
func catMonth(v int64, off int) int        { m, _, _ := wallDims(v, off); return m }
func catDowHour(v int64, off int) int      { _, d, h := wallDims(v, off); return d*24 + h }
func catMonthDowHour(v int64, off int) int { m, d, h := wallDims(v, off); return (m*7+d)*24 + h }

var distCases = []distCase{
	{"hour", "2024-01-01", "2024-03-31 23:00", "H", 0, []Weights{hourW}, 24, catHour},
	{"dow", "2024-01-01", "2024-03-31 23:00", "H", 0, []Weights{dowW}, 7, catDow},
	{"month", "2024-01-01", "2024-12-31 23:00", "H", 0, []Weights{monthW}, 12, catMonth},
	{"dow×hour", "2024-01-01", "2024-02-29 23:00", "H", 0, []Weights{dowW, hourW}, 168, catDowHour},
	{"hour×dow×month×hour", "2023-11-01", "2024-02-29 23:00", "H", 0,
		[]Weights{hourW, dowW, monthW, {DimHour, []float64{1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}}},
		12 * 168, catMonthDowHour},
	// Starts and ends mid-day: partial first and last days.
	{"non-midnight start", "2024-01-03 00:30", "2024-01-20 07:30", "H", 0, []Weights{dowW, hourW}, 168, catDowHour},
	{"15min partial days", "2024-03-03 13:45", "2024-04-02 02:15", "15min", 0, []Weights{hourW, monthW, dowW}, 12 * 168, catMonthDowHour},
	// A step that does not divide a day: hours hold 8 or 9 instants.
	{"7min", "2024-01-01 05:13", "2024-01-09 17:00", "7min", 0, []Weights{dowW, hourW}, 168, catDowHour},
	{"5H", "2024-01-01 01:00", "2024-02-09 17:00", "5H", 0, []Weights{hourW}, 24, catHour},
	// 2024-01-01 is a Monday: this quarter has 13 Mondays, 12 Sundays.
	{"daily, unequal weekday counts", "2024-01-01", "2024-03-30", "D", 0, []Weights{dowW}, 7, catDow},
	// Every instant at 00:00: an hour pattern only rescales by w_hour[0].
	{"daily with hour pattern", "2024-01-01", "2024-03-30", "D", 0,
		[]Weights{{DimHour, append([]float64{0.5}, make([]float64, 23)...)}, dowW}, 7, catDow},
	{"daily at 06:00 with hour pattern", "2024-01-01 06:00", "2024-02-15", "D", 0, []Weights{hourW}, 7, catDow},
	{"business days", "2024-01-01", "2024-06-30", "B", 0, []Weights{dowW, monthW}, 12 * 7, func(v int64, off int) int {
		m, d, _ := wallDims(v, off)
		return m*7 + d
	}},
	{"month ends", "2021-01-01", "2024-12-31", "M", 0, []Weights{monthW}, 12, catMonth},
	{"wall clock UTC+05:30", "2024-01-01 18:30", "2024-02-10", "H", 5*3600 + 1800, []Weights{hourW, dowW}, 168, catDowHour},
	{"wall clock UTC-08:00", "2024-01-01 08:00", "2024-02-10", "30min", -8 * 3600, []Weights{hourW, monthW}, 24 * 12, func(v int64, off int) int {
		m, _, h := wallDims(v, off)
		return m*24 + h
	}},
	{"uniform", "2024-01-01", "2024-01-03 23:00", "H", 0, nil, 72, func(v int64, off int) int {
		return int((v - time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()) / usPerHour)
	}},
}

// withUnitModes runs fn with the default unit choice and with per-day units
// forced on every grid with more instants than days.
func withUnitModes(t *testing.T, fn func(t *testing.T)) {
	for _, forceDays := range []bool{false, true} {
		name := "auto"
		if forceDays {
			name = "days"
		}
		t.Run(name, func(t *testing.T) {
			old := pointUnitLimit
			if forceDays {
				pointUnitLimit = 0
			}
			defer func() { pointUnitLimit = old }()
			fn(t)
		})
	}
}

func newCaseSampler(t *testing.T, c distCase) (*Grid, *Sampler) {
	t.Helper()
	start := us(t, c.start) - int64(c.offSec)*usPerSecond
	end := us(t, c.end) - int64(c.offSec)*usPerSecond
	g, err := NewGridInZone(start, end, MustParseFreq(c.freq), c.offSec)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	s, err := NewSampler(g, c.patterns)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return g, s
}

func TestSampleDistribution(t *testing.T) {
	const n = 200_000
	withUnitModes(t, func(t *testing.T) {
		for ci, c := range distCases {
			g, s := newCaseSampler(t, c)
			days := civil.FloorDiv(g.last, usPerDay) - civil.FloorDiv(g.first, usPerDay) + 1
			if wantDays := c.patterns != nil && g.Len() > days && g.Len() > pointUnitLimit; s.byDay != wantDays {
				t.Errorf("%s: byDay = %v, want %v", c.name, s.byDay, wantDays)
			}
			catOf := func(v int64) int { return c.catOf(v, c.offSec) }
			expect := expectByBruteForce(g, c.patterns, g.First(), g.Last(), c.cats, catOf)
			counts := make([]int, c.cats)
			key := rng.NewKey(int64(ci), "timegrid", c.name)
			for i := range int64(n) {
				st := key.Row(i)
				v := s.Sample(&st)
				if k := g.Search(v); k >= g.Len() || g.At(k) != v {
					t.Fatalf("%s: sample %s is not a grid instant", c.name, show(v))
				}
				counts[catOf(v)]++
			}
			checkCounts(t, c.name, counts, expect, n)
		}
	})
}

func TestSampleBetweenDistribution(t *testing.T) {
	const n = 100_000
	type interval struct{ lo, hi string }
	cases := []struct {
		c         distCase
		intervals []interval
	}{
		{distCases[5], []interval{ // H from 00:30, dow×hour
			{"2024-01-03 00:30", "2024-01-20 07:30"},      // everything
			{"2023-12-01", "2024-02-01"},                  // beyond both ends
			{"2024-01-05 10:30", "2024-01-05 19:30"},      // inside one day, ends on instants
			{"2024-01-05 10:31", "2024-01-09 03:29:59.9"}, // partial days at both ends
			{"2024-01-06 23:30", "2024-01-07 00:30"},      // two instants across midnight
		}},
		{distCases[7], []interval{ // 7min, dow×hour
			{"2024-01-02 13:02", "2024-01-04 01:00"},
			{"2024-01-08 23:59", "2024-01-09 16:00"},
		}},
		{distCases[6], []interval{ // 15min, month×dow×hour
			{"2024-03-30 07:07", "2024-04-01 09:00"},
		}},
		{distCases[9], []interval{ // daily, dow
			{"2024-01-10", "2024-02-20 23:00"},
		}},
		{distCases[14], []interval{ // UTC+05:30, hour×dow (bounds are wall clock)
			{"2024-01-05 22:15", "2024-01-08 04:00"},
		}},
		{distCases[16], []interval{ // uniform
			{"2024-01-01 05:00", "2024-01-02 07:00"},
		}},
	}
	withUnitModes(t, func(t *testing.T) {
		for ci, tc := range cases {
			c := tc.c
			g, s := newCaseSampler(t, c)
			catOf := func(v int64) int { return c.catOf(v, c.offSec) }
			for ii, iv := range tc.intervals {
				name := fmt.Sprintf("%s [%s, %s]", c.name, iv.lo, iv.hi)
				lo := us(t, iv.lo) - int64(c.offSec)*usPerSecond
				hi := us(t, iv.hi) - int64(c.offSec)*usPerSecond
				expect := expectByBruteForce(g, c.patterns, lo, hi, c.cats, catOf)
				counts := make([]int, c.cats)
				key := rng.NewKey(int64(ci*100+ii), "between")
				for i := range int64(n) {
					st := key.Row(i)
					v, ok := s.SampleBetween(&st, lo, hi)
					if !ok {
						t.Fatalf("%s: no sample", name)
					}
					if v < lo || v > hi {
						t.Fatalf("%s: sample %s outside the interval", name, show(v))
					}
					if k := g.Search(v); k >= g.Len() || g.At(k) != v {
						t.Fatalf("%s: sample %s is not a grid instant", name, show(v))
					}
					counts[catOf(v)]++
				}
				checkCounts(t, name, counts, expect, n)
			}
		}
	})
}

// TestSampleBetweenPerInstant checks the conditional probabilities of each
// single instant, on a small interval of an hourly grid that spans parts
// of three days.
func TestSampleBetweenPerInstant(t *testing.T) {
	const n = 100_000
	withUnitModes(t, func(t *testing.T) {
		c := distCases[5]
		g, s := newCaseSampler(t, c)
		lo, hi := us(t, "2024-01-09 20:00"), us(t, "2024-01-11 05:45")
		k0, k1 := g.Search(lo), g.Search(hi+1)
		expect := expectByBruteForce(g, c.patterns, lo, hi, int(g.Len()), func(v int64) int { return int(g.Search(v)) })
		counts := make([]int, g.Len())
		key := rng.NewKey(9, "per-instant")
		for i := range int64(n) {
			st := key.Row(i)
			v, ok := s.SampleBetween(&st, lo, hi)
			if !ok {
				t.Fatal("no sample")
			}
			k := g.Search(v)
			if k < k0 || k >= k1 {
				t.Fatalf("instant %d outside [%d, %d)", k, k0, k1)
			}
			counts[k]++
		}
		checkCounts(t, "per instant", counts, expect, n)
	})
}

func TestSampleBetweenEmpty(t *testing.T) {
	night := make([]float64, 24)
	for h := 8; h < 20; h++ {
		night[h] = 1
	}
	withUnitModes(t, func(t *testing.T) {
		g, err := NewGrid(us(t, "2024-01-01 00:30"), us(t, "2024-01-31"), MustParseFreq("H"))
		if err != nil {
			t.Fatal(err)
		}
		// Zero weight from 20:00 to 08:00 and at weekends.
		patterned, err := NewSampler(g, []Weights{{DimHour, night}, {DimDow, []float64{1, 1, 1, 1, 1, 0, 0}}})
		if err != nil {
			t.Fatal(err)
		}
		uniform, err := NewSampler(g, nil)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name       string
			lo, hi     string
			uniformOK  bool
			patternOK  bool
			onlyAtHour int // when patternOK on a one-instant interval
		}{
			{"reversed", "2024-01-05 12:30", "2024-01-05 11:30", false, false, 0},
			{"between instants", "2024-01-05 12:31", "2024-01-05 13:29", false, false, 0},
			{"before the grid", "2023-12-01", "2024-01-01 00:29", false, false, 0},
			{"after the grid", "2024-01-30 23:31", "2024-03-01", false, false, 0},
			{"zero-weight night", "2024-01-05 20:00", "2024-01-06 07:59", true, false, 0},
			{"Friday night to Monday morning", "2024-01-05 20:00", "2024-01-08 07:59", true, false, 0},
			{"one instant", "2024-01-05 12:30", "2024-01-05 12:30", true, true, 12},
			{"night then one morning instant", "2024-01-04 21:00", "2024-01-05 08:30", true, true, 8},
		}
		for _, tt := range tests {
			lo, hi := us(t, tt.lo), us(t, tt.hi)
			for i := range int64(50) {
				st := rng.NewKey(3, tt.name).Row(i)
				v, ok := uniform.SampleBetween(&st, lo, hi)
				if ok != tt.uniformOK || ok && (v < lo || v > hi) {
					t.Errorf("%s: uniform SampleBetween = %s, %v", tt.name, show(v), ok)
				}
				v, ok = patterned.SampleBetween(&st, lo, hi)
				if ok != tt.patternOK || ok && (v < lo || v > hi || time.UnixMicro(v).UTC().Hour() != tt.onlyAtHour) {
					t.Errorf("%s: patterned SampleBetween = %s, %v", tt.name, show(v), ok)
				}
			}
		}
	})
}

// TestSampleYearOfSeconds samples a one-year grid at one-second
// resolution (31.5 million instants) with three composed patterns. The
// sampler must stay small: its tables are per day, not per instant.
func TestSampleYearOfSeconds(t *testing.T) {
	start, end := us(t, "2023-01-01"), us(t, "2023-12-31 23:59:59.999999")
	g, err := NewGrid(start, end, MustParseFreq("S"))
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 365*86400 {
		t.Fatalf("Len = %d", g.Len())
	}
	patterns := []Weights{dowW, hourW, monthW}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := NewSampler(g, patterns)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<10 {
		t.Errorf("NewSampler allocated %d bytes for a year of seconds, want < 256 KiB", alloc)
	}
	// Expected: each hour of the year holds 3600 instants.
	const cats = 12 * 168
	expect := make([]float64, cats)
	total := 0.0
	for h := start; h < end; h += usPerHour {
		w := 3600 * refWeight(patterns, h, 0)
		expect[catMonthDowHour(h, 0)] += w
		total += w
	}
	for i := range expect {
		expect[i] /= total
	}
	const n = 400_000
	counts := make([]int, cats)
	var inSecond [60]int
	key := rng.NewKey(5, "seconds")
	for i := range int64(n) {
		st := key.Row(i)
		v := s.Sample(&st)
		if v < start || v > end || v%usPerSecond != 0 {
			t.Fatalf("sample %d is not a whole second of 2023", v)
		}
		counts[catMonthDowHour(v, 0)]++
		inSecond[v/usPerSecond%60]++
	}
	checkCounts(t, "month×dow×hour", counts, expect, n)
	// Within an hour the instants are uniform: second-of-minute is flat.
	flat := make([]float64, 60)
	for i := range flat {
		flat[i] = 1.0 / 60
	}
	checkCounts(t, "second of minute", inSecond[:], flat, n)
}

func TestNewSamplerErrors(t *testing.T) {
	hourly, err := NewGrid(us(t, "2024-01-01"), us(t, "2024-12-31"), MustParseFreq("H"))
	if err != nil {
		t.Fatal(err)
	}
	daily, err := NewGrid(us(t, "2024-01-01"), us(t, "2024-03-31"), MustParseFreq("D"))
	if err != nil {
		t.Fatal(err)
	}
	bdays, err := NewGrid(us(t, "2024-01-01"), us(t, "2024-03-31"), MustParseFreq("B"))
	if err != nil {
		t.Fatal(err)
	}
	sixHourly, err := NewGrid(us(t, "2024-01-01"), us(t, "2024-12-31"), MustParseFreq("6H"))
	if err != nil {
		t.Fatal(err)
	}
	ones := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	only := func(n, i int) []float64 {
		v := make([]float64, n)
		v[i] = 1
		return v
	}
	tests := []struct {
		name     string
		g        *Grid
		patterns []Weights
		want     string
		zeroMass bool
	}{
		{"unknown dimension", hourly, []Weights{dowW, {"weekday", ones(7)}}, `pattern 1: unknown dimension "weekday" (want hour, dow or month)`, false},
		{"short hour", hourly, []Weights{{DimHour, ones(23)}}, "pattern 0 (hour): 23 weights, want 24", false},
		{"long dow", hourly, []Weights{{DimDow, ones(8)}}, "pattern 0 (dow): 8 weights, want 7", false},
		{"month", hourly, []Weights{{DimMonth, ones(7)}}, "pattern 0 (month): 7 weights, want 12", false},
		{"negative", hourly, []Weights{{DimDow, []float64{1, 1, -1, 1, 1, 1, 1}}}, "pattern 0 (dow): weight 2 is -1; weights must be finite and non-negative", false},
		{"NaN", hourly, []Weights{{DimDow, []float64{1, 1, 1, math.NaN(), 1, 1, 1}}}, "weight 3 is NaN", false},
		{"Inf", hourly, []Weights{{DimMonth, append(ones(11), math.Inf(1))}}, "weight 11 is +Inf", false},
		{"all zero", hourly, []Weights{{DimHour, make([]float64, 24)}}, "", true},
		{"daily grid, hour 0 weight zero", daily, []Weights{{DimHour, append([]float64{0}, ones(23)...)}}, "", true},
		{"business days, weekend only", bdays, []Weights{{DimDow, []float64{0, 0, 0, 0, 0, 1, 1}}}, "", true},
		{"6-hourly, weight only at 03:00", sixHourly, []Weights{{DimHour, only(24, 3)}}, "", true},
		{"disjoint patterns", hourly, []Weights{{DimDow, only(7, 0)}, {DimDow, only(7, 1)}}, "", true},
	}
	withUnitModes(t, func(t *testing.T) {
		for _, tt := range tests {
			_, err := NewSampler(tt.g, tt.patterns)
			switch {
			case err == nil:
				t.Errorf("%s: no error", tt.name)
			case tt.zeroMass && (!errors.Is(err, ErrZeroMass) || err.Error() != "pattern weights give zero probability to every instant"):
				t.Errorf("%s: %v, want ErrZeroMass", tt.name, err)
			case !tt.zeroMass && !strings.Contains(err.Error(), tt.want):
				t.Errorf("%s: %q, want %q", tt.name, err, tt.want)
			}
		}
	})
	year1 := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	long, err := NewGrid(year1, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro(), MustParseFreq("D"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSampler(long, []Weights{dowW}); err == nil || !strings.Contains(err.Error(), "exceeds the limit") {
		t.Errorf("9,998 years of days: %v", err)
	}
	if _, err := NewSampler(nil, nil); err == nil || err.Error() != "sampler: nil grid" {
		t.Errorf("nil grid: %v", err)
	}
	if _, err := NewSampler(long, nil); err != nil {
		t.Errorf("uniform over 9,998 years of days: %v", err)
	}
}

func TestSampleDeterministic(t *testing.T) {
	withUnitModes(t, func(t *testing.T) {
		for _, c := range distCases {
			_, s := newCaseSampler(t, c)
			_, s2 := newCaseSampler(t, c)
			key := rng.NewKey(42, "det", c.name)
			distinct := map[int64]bool{}
			for i := range int64(200) {
				a, b := key.Row(i), key.Row(i)
				va, vb := s.Sample(&a), s2.Sample(&b)
				if va != vb {
					t.Fatalf("%s row %d: %d then %d", c.name, i, va, vb)
				}
				distinct[va] = true
				lo, hi := s.Grid().First(), s.Grid().Last()
				a, b = key.Row(i), key.Row(i)
				wa, oka := s.SampleBetween(&a, lo, hi)
				wb, okb := s2.SampleBetween(&b, lo, hi)
				if wa != wb || oka != okb || !oka {
					t.Fatalf("%s row %d: SampleBetween %d,%v then %d,%v", c.name, i, wa, oka, wb, okb)
				}
			}
			if len(distinct) < 10 {
				t.Errorf("%s: only %d distinct values in 200 rows", c.name, len(distinct))
			}
		}
	})
}

func TestSampleAllocatesNothing(t *testing.T) {
	withUnitModes(t, func(t *testing.T) {
		for _, c := range distCases {
			g, s := newCaseSampler(t, c)
			key := rng.NewKey(1, "alloc")
			row := int64(0)
			lo, hi := g.At(g.Len()/5), g.At(g.Len()*4/5)+1
			allocs := testing.AllocsPerRun(200, func() {
				st := key.Row(row)
				row++
				s.Sample(&st)
				s.SampleBetween(&st, lo, hi)
			})
			if allocs != 0 {
				t.Errorf("%s: %v allocations per Sample+SampleBetween", c.name, allocs)
			}
		}
	})
}

// TestRoundingFallbacks pins the helpers that absorb float64 rounding: a
// target at or past the total must still land on a unit of positive mass.
func TestRoundingFallbacks(t *testing.T) {
	// Units 0..5 with masses 0, 2, 0, 3, 0, 0.
	cum := []float64{0, 0, 2, 2, 5, 5, 5}
	tests := []struct {
		lo, hi int64
		u      float64
		want   int64
	}{
		{0, 6, 0, 1},
		{0, 6, 1.999, 1},
		{0, 6, 2, 3},
		{0, 6, 4.999, 3},
		{0, 6, 5, 3},    // rounding: at the total
		{0, 6, 7.5, 3},  // rounding: past the total
		{1, 3, 2.5, 1},  // past the sub-range total
		{3, 4, 2, 3},    // sub-range start
		{3, 6, 9, 3},    // trailing zero-mass units are never chosen
		{1, 2, 0.25, 1}, // single unit
	}
	for _, tt := range tests {
		if got := searchCum(cum, tt.lo, tt.hi, tt.u); got != tt.want {
			t.Errorf("searchCum([%d, %d), %v) = %d, want %d", tt.lo, tt.hi, tt.u, got, tt.want)
		}
	}
	var hm [24]float64
	hm[3], hm[7], hm[20] = 1, 2, 0.5
	for _, tt := range []struct {
		target float64
		want   int64
	}{{0, 3}, {0.999, 3}, {1, 7}, {2.999, 7}, {3, 20}, {3.5, 20}, {4, 20}} {
		if got := pickCumulative(&hm, tt.target); got != tt.want {
			t.Errorf("pickCumulative(%v) = %d, want %d", tt.target, got, tt.want)
		}
	}
}
