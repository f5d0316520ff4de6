package timegrid

import (
	"errors"
	"fmt"
	"math"

	"datagen/src/civil"
	"datagen/src/rng"
)

// Dimensions a pattern can weight, with the number of weights each needs.
const (
	DimHour  = "hour"  // 24 weights, hour of day 0–23
	DimDow   = "dow"   // 7 weights, Monday first
	DimMonth = "month" // 12 weights, January first
)

// Weights is one time pattern: relative weights over the hours of the day
// (24), the days of the week (7, Monday = 0) or the months (12, January =
// 0). Weights need not sum to one.
type Weights struct {
	Dimension string
	Values    []float64
}

// ErrZeroMass is returned when the patterns leave no instant with a
// positive probability.
var ErrZeroMass = errors.New("pattern weights give zero probability to every instant")

// maxSamplerUnits bounds the tables of a patterned sampler (20 bytes per
// entry): one entry per instant or per day, whichever is fewer, so about
// 5,700 years of days.
const maxSamplerUnits = 1 << 21

// pointUnitLimit is the grid length up to which a patterned sampler keeps
// one table entry per instant instead of one per day. Tests lower it to
// exercise the per-day path on small grids.
var pointUnitLimit int64 = 1 << 12

// Sampler draws instants of a Grid with probability proportional to the
// product of its patterns' weights. It is immutable after NewSampler and
// safe for concurrent use; Sample allocates nothing.
type Sampler struct {
	g *Grid

	uniform bool
	hasHour bool
	wMonth  [12]float64
	wDow    [7]float64
	wHour   [24]float64

	// Top level: one unit per instant (byDay false) or per wall-clock day
	// from day0 (byDay true), with masses in alias (O(1) sampling) and
	// their prefix sums in cum (interval sampling).
	byDay bool
	day0  int64
	alias *rng.Alias
	cum   []float64

	// hourAlias samples the hour of a day in (fullLo, fullHi), days whose
	// instants all lie inside the grid, for tick grids whose step divides
	// a day (each such day has the same number of instants in each hour).
	hourAlias      *rng.Alias
	fullLo, fullHi int64
}

// NewSampler prepares sampling from g with the product of patterns (none:
// uniform). It reports malformed patterns (unknown dimension, wrong length,
// negative or non-finite weights) and ErrZeroMass when no instant of g has
// a positive weight.
func NewSampler(g *Grid, patterns []Weights) (*Sampler, error) {
	if g == nil {
		return nil, errors.New("sampler: nil grid")
	}
	s := &Sampler{g: g, uniform: len(patterns) == 0}
	for i := range s.wMonth {
		s.wMonth[i] = 1
	}
	for i := range s.wDow {
		s.wDow[i] = 1
	}
	for i := range s.wHour {
		s.wHour[i] = 1
	}
	for i, p := range patterns {
		var dst []float64
		switch p.Dimension {
		case DimHour:
			dst, s.hasHour = s.wHour[:], true
		case DimDow:
			dst = s.wDow[:]
		case DimMonth:
			dst = s.wMonth[:]
		default:
			return nil, fmt.Errorf("pattern %d: unknown dimension %q (want hour, dow or month)", i, p.Dimension)
		}
		if len(p.Values) != len(dst) {
			return nil, fmt.Errorf("pattern %d (%s): %d weights, want %d", i, p.Dimension, len(p.Values), len(dst))
		}
		maxW := 0.0
		for j, v := range p.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("pattern %d (%s): weight %d is %v; weights must be finite and non-negative", i, p.Dimension, j, v)
			}
			maxW = max(maxW, v)
		}
		if maxW == 0 {
			return nil, ErrZeroMass
		}
		// Scaling a pattern by a constant does not change the distribution;
		// dividing by the maximum keeps products of many patterns finite.
		for j, v := range p.Values {
			dst[j] *= v / maxW
		}
	}
	if s.uniform {
		return s, nil
	}

	dFirst, dLast := civil.FloorDiv(g.first, usPerDay), civil.FloorDiv(g.last, usPerDay)
	days := dLast - dFirst + 1
	// Anchored grids have at most one instant a day: always per instant.
	byPoint := g.kind != kindTick || g.length <= pointUnitLimit || g.length <= days
	units := days
	if byPoint {
		units = g.length
	}
	if units > maxSamplerUnits {
		return nil, fmt.Errorf("pattern sampling over %d days (%d instants) exceeds the limit of %d table entries", days, g.length, maxSamplerUnits)
	}
	var masses []float64
	if byPoint {
		masses = make([]float64, g.length)
		for k := range masses {
			masses[k] = s.weight(g.wall(int64(k)))
		}
	} else {
		s.byDay, s.day0 = true, dFirst
		masses = s.dayMasses(dFirst, dLast)
	}
	total := 0.0
	s.cum = make([]float64, len(masses)+1)
	for i, m := range masses {
		total += m
		s.cum[i+1] = total
	}
	if !(total > 0) {
		return nil, ErrZeroMass
	}
	var err error
	if s.alias, err = rng.NewAlias(masses); err != nil {
		return nil, fmt.Errorf("sampler: %w", err)
	}
	return s, nil
}

// weight returns the pattern weight of wall-clock instant t.
func (s *Sampler) weight(t int64) float64 {
	d := civil.FloorDiv(t, usPerDay)
	_, m, _ := civil.FromDays(d)
	h := civil.FloorMod(t, usPerDay) / usPerHour
	return s.wMonth[m-1] * s.wDow[civil.Weekday(d)] * s.wHour[h]
}

// dayMasses returns the mass of each day dFirst … dLast and prepares the
// shared hour table of full days.
func (s *Sampler) dayMasses(dFirst, dLast int64) []float64 {
	g := s.g
	masses := make([]float64, dLast-dFirst+1)
	fullMass := -1.0 // hour-weighted count of a full day, when all full days agree
	if g.kind == kindTick && usPerDay%g.period == 0 && dLast-dFirst >= 2 {
		s.fullLo, s.fullHi = dFirst+1, dLast-1
		var hm [24]float64
		fullMass = s.hourMasses(&hm, s.fullLo*usPerDay, (s.fullLo+1)*usPerDay)
		if s.hasHour {
			// An all-zero table (the hour weights are zero wherever full days
			// have instants) is rejected by NewAlias; full days then have
			// zero mass and are never drawn.
			if a, err := rng.NewAlias(hm[:]); err == nil {
				s.hourAlias = a
			}
		}
	}
	for d := dFirst; d <= dLast; d++ {
		_, m, _ := civil.FromDays(d)
		w := s.wMonth[m-1] * s.wDow[civil.Weekday(d)]
		if w == 0 {
			continue
		}
		var hm [24]float64
		if fullMass >= 0 && d >= s.fullLo && d <= s.fullHi {
			masses[d-dFirst] = w * fullMass
		} else {
			masses[d-dFirst] = w * s.hourMasses(&hm, d*usPerDay, (d+1)*usPerDay)
		}
	}
	return masses
}

// hourMasses fills hm with the hour-weighted number of instants in each
// hour of the day holding [a, b) (a < b, same wall-clock day) and returns
// their sum; the grid is a tick grid (per-day units are used for nothing
// else). Without an hour pattern only the total matters: the number of
// instants in [a, b).
//
// Whole hours cost no division: if p is the first instant at or after the
// start hs of a whole hour, that hour holds q = ⌊1h/step⌋ instants, plus
// one more when p + q·step is still inside it (p < hs + step, so the q
// instants p … p+(q-1)·step fit). Partial hours (cut by a, b or the grid's
// end) are counted by division.
func (s *Sampler) hourMasses(hm *[24]float64, a, b int64) float64 {
	g := s.g
	if !s.hasHour {
		return float64(g.searchWall(b) - g.searchWall(a))
	}
	day := civil.FloorDiv(a, usPerDay) * usPerDay
	h0 := (a - day) / usPerHour
	h1 := (b - 1 - day) / usPerHour
	k := g.searchWall(a)
	if k >= g.length {
		return 0
	}
	step := g.period
	q := usPerHour / step
	p := g.wall(k) // first instant ≥ the current position
	end := min(b, g.last+1)
	total := 0.0
	for h := h0; h <= h1; h++ {
		hs := day + h*usPerHour
		he := hs + usPerHour
		e := min(he, end)
		if p >= e {
			continue
		}
		var c int64
		if e == he && hs >= a {
			c = q
			if p+q*step < he {
				c++
			}
		} else {
			c = (e-p-1)/step + 1
		}
		p += c * step
		if s.wHour[h] > 0 {
			hm[h] = s.wHour[h] * float64(c)
			total += hm[h]
		}
	}
	return total
}

// Grid returns the sampler's grid.
func (s *Sampler) Grid() *Grid { return s.g }

// Sample returns one instant (UTC microseconds) drawn from st. The draws
// are exact (up to float64 rounding of the weights), take O(1) time and
// allocate nothing.
func (s *Sampler) Sample(st *rng.Stream) int64 {
	g := s.g
	if s.uniform {
		return g.At(st.IntN(g.length))
	}
	if !s.byDay {
		return g.At(int64(s.alias.Draw(st)))
	}
	for {
		d := s.day0 + int64(s.alias.Draw(st))
		if t, ok := s.sampleDay(st, d, d*usPerDay, (d+1)*usPerDay); ok {
			return t
		}
		// Unreachable: the alias table never yields a zero-mass day.
	}
}

// sampleDay draws an instant in wall-clock [a, b) ⊆ day d, weighted by
// the hour pattern (month and weekday are constant within the day). It
// returns false when [a, b) has no instant of positive weight.
func (s *Sampler) sampleDay(st *rng.Stream, d, a, b int64) (int64, bool) {
	g := s.g
	if !s.hasHour {
		k0, k1 := g.searchWall(a), g.searchWall(b)
		if k1 <= k0 {
			return 0, false
		}
		return g.At(k0 + st.IntN(k1-k0)), true
	}
	day := d * usPerDay
	var h int64
	if s.hourAlias != nil && d >= s.fullLo && d <= s.fullHi && a == day && b == day+usPerDay {
		h = int64(s.hourAlias.Draw(st))
	} else {
		var hm [24]float64
		total := s.hourMasses(&hm, a, b)
		if !(total > 0) {
			return 0, false
		}
		h = pickCumulative(&hm, st.Float64()*total)
	}
	k0 := g.searchWall(max(day+h*usPerHour, a))
	k1 := g.searchWall(min(day+(h+1)*usPerHour, b))
	return g.At(k0 + st.IntN(k1-k0)), true
}

// pickCumulative returns the first hour whose running sum exceeds target,
// or the last positive hour when rounding left target at the total.
func pickCumulative(hm *[24]float64, target float64) int64 {
	acc, last := 0.0, int64(-1)
	for h, m := range hm {
		if m <= 0 {
			continue
		}
		acc += m
		last = int64(h)
		if target < acc {
			return last
		}
	}
	return last
}

// SampleBetween draws an instant in [loUS, hiUS] (UTC microseconds, both
// inclusive) with the sampler's distribution conditioned on that interval.
// It returns false when no instant of the interval has a positive
// probability. It takes O(log n) time (n = days or instants in the grid)
// and allocates nothing.
func (s *Sampler) SampleBetween(st *rng.Stream, loUS, hiUS int64) (int64, bool) {
	g := s.g
	if loUS > hiUS {
		return 0, false
	}
	kLo := g.Search(loUS)
	kHi := g.length
	if hiUS < g.Last() {
		kHi = g.Search(hiUS + 1)
	}
	if kLo >= kHi {
		return 0, false
	}
	if s.uniform {
		return g.At(kLo + st.IntN(kHi-kLo)), true
	}
	if !s.byDay {
		if !(s.cum[kHi] > s.cum[kLo]) {
			return 0, false
		}
		u := s.cum[kLo] + st.Float64()*(s.cum[kHi]-s.cum[kLo])
		return g.At(searchCum(s.cum, kLo, kHi, u)), true
	}
	// Wall-clock bounds [a, b) clamped to the grid, then split into a
	// partial first day, whole middle days and a partial last day.
	a, b := g.wall(kLo), g.wall(kHi-1)+1
	dA, dB := civil.FloorDiv(a, usPerDay), civil.FloorDiv(b-1, usPerDay)
	if dA == dB {
		return s.sampleDay(st, dA, a, b)
	}
	var hm [24]float64
	mA := s.dayMass(&hm, dA, a, (dA+1)*usPerDay)
	hm = [24]float64{}
	mB := s.dayMass(&hm, dB, dB*usPerDay, b)
	uLo, uHi := dA+1-s.day0, dB-s.day0 // middle days as unit indexes [uLo, uHi)
	mMid := s.cum[uHi] - s.cum[uLo]
	total := mA + mMid + mB
	if !(total > 0) {
		return 0, false
	}
	u := st.Float64() * total
	switch {
	case u < mA:
		return s.sampleDay(st, dA, a, (dA+1)*usPerDay)
	case u < mA+mMid || mB == 0:
		if mMid > 0 {
			d := s.day0 + searchCum(s.cum, uLo, uHi, s.cum[uLo]+(u-mA))
			return s.sampleDay(st, d, d*usPerDay, (d+1)*usPerDay)
		}
		return s.sampleDay(st, dA, a, (dA+1)*usPerDay)
	default:
		return s.sampleDay(st, dB, dB*usPerDay, b)
	}
}

// dayMass returns the mass of wall-clock [a, b) ⊆ day d.
func (s *Sampler) dayMass(hm *[24]float64, d, a, b int64) float64 {
	_, m, _ := civil.FromDays(d)
	w := s.wMonth[m-1] * s.wDow[civil.Weekday(d)]
	if w == 0 {
		return 0
	}
	return w * s.hourMasses(hm, a, b)
}

// searchCum returns the unit i in [lo, hi) with cum[i] ≤ u < cum[i+1]; when
// rounding put u at or past cum[hi] it returns the last unit of positive
// mass. The caller ensures cum[hi] > cum[lo].
func searchCum(cum []float64, lo, hi int64, u float64) int64 {
	if !(u < cum[hi]) {
		u = math.Nextafter(cum[hi], math.Inf(-1))
	}
	// Smallest i in [lo, hi) with cum[i+1] > u.
	for lo < hi {
		mid := int64(uint64(lo+hi) >> 1)
		if cum[mid+1] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
