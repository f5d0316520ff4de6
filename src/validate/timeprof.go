package validate

import (
	"math"

	"datagen/src/civil"
	"datagen/src/gen/timegrid"
)

const (
	usPerHour = civil.MicrosPerHour
	usPerDay  = civil.MicrosPerDay
	cubeCells = 12 * 7 * 24
	// maxDays bounds the per-day series of a time column (about 550 years).
	maxDays = 200_000
	// maxExposureSteps bounds the work of an exposure computation: grid
	// instants or hours, whichever is fewer.
	maxExposureSteps = 5_000_000
)

// The calendar dimensions of time profiles (UTC).
const (
	dimMonth = "month"
	dimDow   = "dow"
	dimHour  = "hour"
)

// dimSize returns the number of cells of a dimension.
func dimSize(dim string) int {
	switch dim {
	case dimMonth:
		return 12
	case dimDow:
		return 7
	case dimHour:
		return 24
	}
	return 0
}

// calendar returns (month with January = 0, weekday with Monday = 0, hour)
// of an instant.
func calendar(us int64) (int, int, int) {
	day := civil.Day(us)
	return civil.Month(day) - 1, int(civil.Weekday(day)), civil.Hour(us)
}

func cubeIndex(month, dow, hour int) int { return (month*7+dow)*24 + hour }

// timeProfile counts the values of a time column by (month, weekday,
// hour) and by UTC day.
type timeProfile struct {
	cube     [cubeCells]int64
	n        int64
	dayBase  int64
	days     []int64
	daysOver int64 // values outside the bounded day series
	lastDay  int64
	lastM    int
	lastDow  int
	haveLast bool
}

func (p *timeProfile) add(us int64) {
	day := civil.Day(us)
	if !p.haveLast || day != p.lastDay {
		p.lastDay, p.haveLast = day, true
		p.lastM = civil.Month(day) - 1
		p.lastDow = int(civil.Weekday(day))
	}
	hour := civil.Hour(us)
	p.cube[cubeIndex(p.lastM, p.lastDow, hour)]++
	p.n++
	p.addDay(day)
}

func (p *timeProfile) addDay(day int64) {
	if p.days == nil {
		p.dayBase = day
		p.days = make([]int64, 1, 64)
	}
	off := day - p.dayBase
	switch {
	case off >= 0 && off < int64(len(p.days)):
	case off >= int64(len(p.days)) && off < maxDays:
		p.days = append(p.days, make([]int64, int(off)-len(p.days)+1)...)
	case off < 0 && int64(len(p.days))-off <= maxDays:
		nd := make([]int64, int64(len(p.days))-off, int64(len(p.days))-off+64)
		copy(nd[-off:], p.days)
		p.days, p.dayBase, off = nd, day, 0
	default:
		p.daysOver++
		return
	}
	p.days[off]++
}

// marginal sums a cube over every dimension except dim.
func marginal[T int64 | float64](cube []T, dim string) []float64 {
	out := make([]float64, dimSize(dim))
	for m := 0; m < 12; m++ {
		for d := 0; d < 7; d++ {
			for h := 0; h < 24; h++ {
				v := float64(cube[cubeIndex(m, d, h)])
				switch dim {
				case dimMonth:
					out[m] += v
				case dimDow:
					out[d] += v
				case dimHour:
					out[h] += v
				}
			}
		}
	}
	return out
}

// joint sums a cube onto the product of dims (in month, dow, hour order),
// flattened with the last dimension varying fastest.
func joint[T int64 | float64](cube []T, dims []string) []float64 {
	has := map[string]bool{}
	for _, d := range dims {
		has[d] = true
	}
	size := func(d string) int {
		if has[d] {
			return dimSize(d)
		}
		return 1
	}
	out := make([]float64, size(dimMonth)*size(dimDow)*size(dimHour))
	for m := 0; m < 12; m++ {
		for d := 0; d < 7; d++ {
			for h := 0; h < 24; h++ {
				i := 0
				if has[dimMonth] {
					i = m
				}
				if has[dimDow] {
					i = i*7 + d
				}
				if has[dimHour] {
					i = i*24 + h
				}
				out[i] += float64(cube[cubeIndex(m, d, h)])
			}
		}
	}
	return out
}

// normalize scales v to sum 1 (unchanged when the sum is 0).
func normalize(v []float64) []float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	out := make([]float64, len(v))
	if s <= 0 {
		return out
	}
	for i, x := range v {
		out[i] = x / s
	}
	return out
}

// calWeights is a product of calendar patterns: the weight of an instant
// is month[m]·dow[d]·hour[h].
type calWeights struct {
	month [12]float64
	dow   [7]float64
	hour  [24]float64
}

func newCalWeights() *calWeights {
	w := &calWeights{}
	for i := range w.month {
		w.month[i] = 1
	}
	for i := range w.dow {
		w.dow[i] = 1
	}
	for i := range w.hour {
		w.hour[i] = 1
	}
	return w
}

// mul multiplies a pattern into the weights; patterns of a wrong length
// are ignored (the schema check rejects them).
func (w *calWeights) mul(dim string, weights []float64) {
	var dst []float64
	switch dim {
	case dimMonth:
		dst = w.month[:]
	case dimDow:
		dst = w.dow[:]
	case dimHour:
		dst = w.hour[:]
	}
	if len(dst) != len(weights) {
		return
	}
	for i := range dst {
		dst[i] *= weights[i]
	}
}

// exposureCube returns the expected share of each (month, weekday, hour)
// cell for instants drawn from grid g with probability proportional to the
// calendar weights w times mult(t) (nil: 1): the mass of a cell is the sum
// over the grid instants in it, so cells with more instants (a month with
// five Mondays, a partial first day) get proportionally more. The weights
// are constant within an hour, so when the grid has more instants than
// hours the instants of each hour are counted with two searches. mult is
// evaluated at each instant, or at the start of each hour. approx is true
// when the range was too long and only its first maxExposureSteps were
// used.
func exposureCube(g *timegrid.Grid, w *calWeights, mult func(us int64) float64) (cube []float64, approx bool) {
	cube = make([]float64, cubeCells)
	weight := func(us int64) (int, float64) {
		m, d, h := calendar(us)
		x := w.month[m] * w.dow[d] * w.hour[h]
		if mult != nil && x != 0 {
			x *= math.Max(mult(us), 0)
		}
		return cubeIndex(m, d, h), x
	}
	first, last := g.First(), g.Last()
	h0, h1 := civil.FloorDiv(first, usPerHour), civil.FloorDiv(last, usPerHour)
	if hours := h1 - h0 + 1; g.Len() <= hours {
		n := g.Len()
		if n > maxExposureSteps {
			n, approx = maxExposureSteps, true
		}
		for k := int64(0); k < n; k++ {
			i, x := weight(g.At(k))
			cube[i] += x
		}
		return normalize(cube), approx
	}
	if h1-h0+1 > maxExposureSteps {
		h1, approx = h0+maxExposureSteps-1, true
	}
	prev := g.Search(h0 * usPerHour)
	for h := h0; h <= h1; h++ {
		next := g.Search((h + 1) * usPerHour)
		if cnt := next - prev; cnt > 0 {
			i, x := weight(max(h*usPerHour, first))
			cube[i] += float64(cnt) * x
		}
		prev = next
	}
	return normalize(cube), approx
}
