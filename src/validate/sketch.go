package validate

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"datagen/src/rng"
)

// hll is a HyperLogLog distinct-count sketch with 2^14 one-byte registers
// (16 KiB): a standard error of about 0.8 %.
type hll struct {
	reg [1 << hllP]uint8
}

const hllP = 14

func (h *hll) add(x uint64) {
	idx := x >> (64 - hllP)
	w := x<<hllP | 1<<(hllP-1)
	r := uint8(bits.LeadingZeros64(w)) + 1
	if r > h.reg[idx] {
		h.reg[idx] = r
	}
}

func (h *hll) estimate() int64 {
	const m = float64(1 << hllP)
	sum, zeros := 0.0, 0
	for _, r := range h.reg {
		sum += 1 / float64(uint64(1)<<r)
		if r == 0 {
			zeros++
		}
	}
	alpha := 0.7213 / (1 + 1.079/m)
	e := alpha * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros))
	}
	return int64(math.Round(e))
}

// distinct counts distinct values: exactly (a set of 64-bit value hashes)
// up to distinctExactCap values, then with a HyperLogLog sketch.
type distinct struct {
	exact *keySet
	h     *hll
}

const distinctExactCap = 1 << 16

func (d *distinct) add(x uint64) {
	if d.h != nil {
		d.h.add(x)
		return
	}
	if d.exact == nil {
		d.exact = newHashKeySet()
	}
	d.exact.Add(int64(x))
	if d.exact.Len() > distinctExactCap {
		d.h = &hll{}
		for _, k := range d.exact.slots {
			if k != 0 {
				d.h.add(k)
			}
		}
		if d.exact.hasZero {
			d.h.add(0)
		}
		d.exact = nil
	}
}

// count returns the number of distinct values and whether it is exact.
func (d *distinct) count() (int64, bool) {
	switch {
	case d.h != nil:
		return d.h.estimate(), false
	case d.exact != nil:
		return d.exact.Len(), true
	}
	return 0, true
}

// histogram counts values in histBins equal bins over [lo, lo+bins·width).
// When a value falls outside, the range doubles (adjacent bins merge), so
// counts stay exact, memory stays fixed, and the final range is at most
// twice the data's.
type histogram struct {
	lo, width float64
	counts    [histBins]int64
	init      bool
	nonFinite int64
}

const histBins = 40

// start sets the initial range [a, b] (a < b).
func (h *histogram) start(a, b float64) {
	if !(b > a) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		w := math.Max(math.Abs(a)*1e-3, 1e-9)
		if math.IsInf(a, 0) || math.IsNaN(a) {
			a, w = 0, 1
		}
		h.lo, h.width = a-w*histBins/2, w
	} else {
		h.lo, h.width = a, (b-a)/histBins*(1+1e-9)
	}
	h.init = true
}

func (h *histogram) add(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		h.nonFinite++
		return
	}
	if !h.init {
		h.start(x, x)
	}
	for x < h.lo {
		h.growDown()
	}
	for x >= h.lo+h.width*histBins {
		h.growUp()
	}
	i := int((x - h.lo) / h.width)
	if i >= histBins {
		i = histBins - 1
	}
	h.counts[i]++
}

func (h *histogram) growUp() {
	for i := 0; i < histBins/2; i++ {
		h.counts[i] = h.counts[2*i] + h.counts[2*i+1]
	}
	clear(h.counts[histBins/2:])
	h.width *= 2
}

func (h *histogram) growDown() {
	for i := histBins - 1; i >= histBins/2; i-- {
		j := 2*i - histBins
		h.counts[i] = h.counts[j] + h.counts[j+1]
	}
	clear(h.counts[:histBins/2])
	h.lo -= h.width * histBins
	h.width *= 2
}

// Histogram is a histogram of a numeric column in the report: Counts[i]
// values in [Lo + i·Width, Lo + (i+1)·Width).
type Histogram struct {
	// Log is true when the bins are on a log10 axis: Lo and Width are
	// then in log10 units (bin i holds values in [10^(Lo+i·Width),
	// 10^(Lo+(i+1)·Width))).
	Log    bool    `json:"log,omitempty"`
	Lo     float64 `json:"lo"`
	Width  float64 `json:"width"`
	Counts []int64 `json:"counts"`
}

// export trims empty bins at both ends.
func (h *histogram) export() *Histogram {
	if !h.init {
		return nil
	}
	a, b := 0, histBins
	for a < b && h.counts[a] == 0 {
		a++
	}
	for b > a && h.counts[b-1] == 0 {
		b--
	}
	if a == b {
		return nil
	}
	return &Histogram{Lo: h.lo + float64(a)*h.width, Width: h.width, Counts: slices.Clone(h.counts[a:b])}
}

// topK counts values exactly for up to topKCap distinct values; values
// first seen after that are counted only in other.
type topK struct {
	m     map[string]int64
	other int64
}

const topKCap = 10000

func (t *topK) add(v string) {
	if t.m == nil {
		t.m = make(map[string]int64)
	}
	if c, ok := t.m[v]; ok {
		t.m[v] = c + 1
		return
	}
	if len(t.m) >= topKCap {
		t.other++
		return
	}
	t.m[strings.Clone(v)] = 1
}

// addN adds n occurrences of v.
func (t *topK) addN(v string, n int64) {
	if n == 0 {
		return
	}
	if t.m == nil {
		t.m = make(map[string]int64)
	}
	if _, ok := t.m[v]; !ok && len(t.m) >= topKCap {
		t.other += n
		return
	}
	t.m[v] += n
}

// ValueCount is one value of a column with its number of rows.
type ValueCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// top returns the k most frequent values (ties by value) and the number
// of rows with any other value.
func (t *topK) top(k int) ([]ValueCount, int64) {
	all := make([]ValueCount, 0, len(t.m))
	var total int64
	for v, c := range t.m {
		all = append(all, ValueCount{v, c})
		total += c
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].Value < all[j].Value
	})
	if len(all) > k {
		all = all[:k]
	}
	var shown int64
	for _, vc := range all {
		shown += vc.Count
	}
	return all, total - shown + t.other
}

// sample keeps a deterministic uniform sample of a column's values: a row
// is kept when the hash of its index is below a threshold that halves
// whenever the sample outgrows its capacity. The sample depends only on
// the rows, not on how they were split into blocks.
type sample struct {
	cap    int
	thr    uint64
	hashes []uint64
	vals   []float64
	seen   int64
}

func newSample(capacity int) *sample {
	return &sample{cap: capacity, thr: math.MaxUint64}
}

func (s *sample) add(row int64, v float64) {
	s.seen++
	h := rng.Mix64(uint64(row) ^ 0x5851f42d4c957f2d)
	if h > s.thr {
		return
	}
	s.hashes = append(s.hashes, h)
	s.vals = append(s.vals, v)
	if len(s.vals) > s.cap {
		s.thr /= 2
		j := 0
		for i, hh := range s.hashes {
			if hh <= s.thr {
				s.hashes[j], s.vals[j] = hh, s.vals[i]
				j++
			}
		}
		s.hashes, s.vals = s.hashes[:j], s.vals[:j]
	}
}

// sorted returns the sampled values in ascending order.
func (s *sample) sorted() []float64 {
	v := slices.Clone(s.vals)
	slices.Sort(v)
	return v
}

// quantile returns the q-quantile of sorted values (linear interpolation).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}

// moments accumulates count, mean and the sum of squared deviations
// (Welford), plus min and max.
type moments struct {
	n        int64
	mean, m2 float64
	min, max float64
}

func (m *moments) add(x float64) {
	if m.n == 0 {
		m.min, m.max = x, x
	} else {
		m.min = math.Min(m.min, x)
		m.max = math.Max(m.max, x)
	}
	m.n++
	d := x - m.mean
	m.mean += d / float64(m.n)
	m.m2 += d * (x - m.mean)
}

// variance returns the sample variance (0 for fewer than two values).
func (m *moments) variance() float64 {
	if m.n < 2 {
		return 0
	}
	return m.m2 / float64(m.n-1)
}

// stderr returns the standard error of the mean.
func (m *moments) stderr() float64 {
	if m.n < 2 {
		return math.Inf(1)
	}
	return math.Sqrt(m.variance() / float64(m.n))
}
