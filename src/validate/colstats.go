package validate

import (
	"math"
	"strconv"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// colState collects the statistics of one column.
type colState struct {
	spec  *dsl.Column
	count int64 // non-null values
	nulls int64
	mom   moments // numeric values (NaN excluded)
	nan   int64
	tmin  int64
	tmax  int64
	dist  distinct
	hist  *histogram
	top   *topK
	samp  *sample
	prof  *timeProfile
	buf   []byte
}

func newColState(spec *dsl.Column, sampleRows int) *colState {
	c := &colState{spec: spec}
	switch spec.Type {
	case column.Int, column.Float:
		c.hist = &histogram{}
		if a, b, ok := declaredBounds(spec); ok {
			c.hist.start(a, b)
		}
		c.samp = newSample(sampleRows)
	case column.Timestamp, column.Date:
		c.prof = &timeProfile{}
	}
	if categorical(spec) {
		c.top = &topK{}
	}
	return c
}

// categorical reports whether the column's top values are worth showing.
func categorical(spec *dsl.Column) bool {
	switch spec.Type {
	case column.String, column.Bool:
		return true
	}
	k := spec.Generator.Kind
	return k == dsl.GenChoice || k == dsl.GenEnumList
}

// declaredBounds returns the range the schema declares for a column's
// values (distribution clamp, clamp modifiers), for the histogram's
// initial bins.
func declaredBounds(spec *dsl.Column) (float64, float64, bool) {
	lo, hi := math.Inf(-1), math.Inf(1)
	if d := spec.Generator.Distribution; d != nil {
		if d.ClampMin != nil {
			lo = *d.ClampMin
		}
		if d.ClampMax != nil {
			hi = *d.ClampMax
		}
	}
	for _, m := range spec.Modifiers {
		switch m.Transform {
		case dsl.TClamp:
			if m.Clamp.Min != nil {
				lo = *m.Clamp.Min
			}
			if m.Clamp.Max != nil {
				hi = *m.Clamp.Max
			}
		case dsl.TMultiply, dsl.TAdd, dsl.TJitter, dsl.TSeasonality, dsl.TEffect, dsl.TOutliers, dsl.TTrend, dsl.TMapValues:
			lo, hi = math.Inf(-1), math.Inf(1)
		}
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(hi > lo) {
		return 0, 0, false
	}
	return lo, hi, true
}

// feed collects rows of a vector whose first row is table row start.
func (c *colState) feed(v *column.Vector, start int64, rows int) {
	null := v.Null
	switch v.Type {
	case column.Int:
		if c.hist != nil && !c.hist.init {
			c.initHist(v)
		}
		for i, x := range v.Ints[:rows] {
			if null != nil && null[i] {
				c.nulls++
				continue
			}
			c.count++
			f := float64(x)
			c.mom.add(f)
			c.hist.add(f)
			c.samp.add(start+int64(i), f)
			c.dist.add(rng.Mix64(uint64(x)))
			if c.top != nil {
				c.buf = strconv.AppendInt(c.buf[:0], x, 10)
				c.top.add(string(c.buf))
			}
		}
	case column.Float:
		if c.hist != nil && !c.hist.init {
			c.initHist(v)
		}
		for i, x := range v.Floats[:rows] {
			if null != nil && null[i] {
				c.nulls++
				continue
			}
			c.count++
			c.dist.add(hashFloat(x))
			if math.IsNaN(x) {
				c.nan++
				continue
			}
			c.mom.add(x)
			c.hist.add(x)
			c.samp.add(start+int64(i), x)
			if c.top != nil {
				c.buf = appendCanonicalFloat(c.buf[:0], x)
				c.top.add(string(c.buf))
			}
		}
	case column.String:
		for i, s := range v.Strs[:rows] {
			if null != nil && null[i] {
				c.nulls++
				continue
			}
			c.count++
			c.dist.add(hashString(s))
			c.top.add(s)
		}
	case column.Bool:
		var t, f int64
		for i, b := range v.Bools[:rows] {
			if null != nil && null[i] {
				c.nulls++
				continue
			}
			if b {
				t++
			} else {
				f++
			}
		}
		c.count += t + f
		if t > 0 {
			c.dist.add(1)
		}
		if f > 0 {
			c.dist.add(2)
		}
		c.top.addN("true", t)
		c.top.addN("false", f)
	case column.Timestamp, column.Date:
		for i, x := range v.Ints[:rows] {
			if null != nil && null[i] {
				c.nulls++
				continue
			}
			if c.count == 0 {
				c.tmin, c.tmax = x, x
			} else {
				c.tmin, c.tmax = min(c.tmin, x), max(c.tmax, x)
			}
			c.count++
			c.dist.add(rng.Mix64(uint64(x)))
			c.prof.add(x)
		}
	}
}

// histProbeRows is how many leading rows of a table set a histogram's
// initial range: a fixed number, so that the bins do not depend on how the
// rows were split into blocks (online during generation, or read back).
const histProbeRows = 1024

// initHist sets the histogram range from the table's first rows.
func (c *colState) initHist(v *column.Vector) {
	lo, hi := math.Inf(1), math.Inf(-1)
	n := min(v.Len(), histProbeRows)
	for i := 0; i < n; i++ {
		if v.IsNull(i) {
			continue
		}
		var x float64
		if v.Type == column.Int {
			x = float64(v.Ints[i])
		} else {
			x = v.Floats[i]
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if lo > hi {
		return
	}
	if v.Type == column.Int && hi-lo < histBins {
		// Integer bins: one per value, centred on it.
		c.hist.lo, c.hist.width, c.hist.init = lo-0.5, 1, true
		return
	}
	c.hist.start(lo, hi)
}

// appendCanonicalFloat formats a float as the shortest decimal that reads
// back to it, in plain notation (3, 0.5, 1000000).
func appendCanonicalFloat(b []byte, f float64) []byte {
	if f == 0 {
		return append(b, '0')
	}
	a := math.Abs(f)
	if a >= 1e21 || a < 1e-7 {
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendCanonical appends the canonical text of row i of v: what enum
// and pattern constraints compare. Ints in decimal, floats as by
// appendCanonicalFloat, booleans true/false, datetimes as
// 2024-01-02T03:04:05Z (six fractional digits when not whole seconds),
// dates as 2024-01-02, strings as they are.
func appendCanonical(b []byte, v *column.Vector, i int) []byte {
	switch v.Type {
	case column.Int:
		return strconv.AppendInt(b, v.Ints[i], 10)
	case column.Float:
		return appendCanonicalFloat(b, v.Floats[i])
	case column.Bool:
		return strconv.AppendBool(b, v.Bools[i])
	case column.String:
		return append(b, v.Strs[i]...)
	case column.Timestamp:
		return civil.AppendTimestamp(b, v.Ints[i])
	case column.Date:
		return civil.AppendDate(b, v.Ints[i])
	}
	return b
}

// canonicalJSON is the canonical text of a JSON scalar from the schema.
func canonicalJSON(x any) string {
	switch t := x.(type) {
	case string:
		return t
	case float64:
		return string(appendCanonicalFloat(nil, t))
	case bool:
		return strconv.FormatBool(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case int:
		return strconv.Itoa(t)
	case nil:
		return ""
	}
	return ""
}

// ColumnStats describes one column in the report.
type ColumnStats struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
	// Missing is true when the data has no such column.
	Missing bool  `json:"missing,omitempty"`
	Count   int64 `json:"count"`
	// Nulls counts the empty values; values that could not be read as the
	// column's type are TypeErrors, not nulls.
	Nulls      int64 `json:"nulls"`
	TypeErrors int64 `json:"type_errors,omitempty"`
	// Distinct is exact up to 65,536 values, then a HyperLogLog estimate
	// (about 0.8 % standard error); DistinctExact says which.
	Distinct      int64    `json:"distinct"`
	DistinctExact bool     `json:"distinct_exact"`
	Min           *float64 `json:"min,omitempty"`
	Max           *float64 `json:"max,omitempty"`
	Mean          *float64 `json:"mean,omitempty"`
	Std           *float64 `json:"std,omitempty"`
	NaN           int64    `json:"nan,omitempty"`
	// Quantiles of a deterministic sample of up to SampleRows values
	// (exact for smaller columns): p01, p25, p50, p75, p99.
	Quantiles map[string]float64 `json:"quantiles,omitempty"`
	// MinTime and MaxTime bound a datetime or date column.
	MinTime   string     `json:"min_time,omitempty"`
	MaxTime   string     `json:"max_time,omitempty"`
	Histogram *Histogram `json:"histogram,omitempty"`
	// Body is drawn instead of Histogram when a long tail leaves fewer
	// than ten bins with more than 2 % of the tallest: a histogram of
	// the value sample between its 1st and 99th percentiles (BodySample
	// values; the counts are of the sample, not of the table).
	Body       *Histogram   `json:"histogram_body,omitempty"`
	BodySample int          `json:"histogram_body_sample,omitempty"`
	Top        []ValueCount `json:"top_values,omitempty"`
	TopOther   int64        `json:"top_other,omitempty"`
	// Weekday (Monday first), Hour and Month count the values of a time
	// column by UTC calendar cell.
	Weekday []int64 `json:"weekday,omitempty"`
	Hour    []int64 `json:"hour,omitempty"`
	Month   []int64 `json:"month,omitempty"`
	// Daily counts values per UTC day from DailyStart (YYYY-MM-DD).
	DailyStart string  `json:"daily_start,omitempty"`
	Daily      []int64 `json:"daily,omitempty"`
}

func fptr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func (c *colState) export(missing bool) ColumnStats {
	s := ColumnStats{Name: c.spec.Name, Type: c.spec.Type.String(), Nullable: c.spec.Nullable, Missing: missing,
		Count: c.count, Nulls: c.nulls, NaN: c.nan}
	s.Distinct, s.DistinctExact = c.dist.count()
	if c.mom.n > 0 {
		s.Min, s.Max, s.Mean = fptr(c.mom.min), fptr(c.mom.max), fptr(c.mom.mean)
		s.Std = fptr(math.Sqrt(c.mom.variance()))
	}
	if c.samp != nil && len(c.samp.vals) > 0 {
		sv := c.samp.sorted()
		s.Quantiles = map[string]float64{}
		for _, q := range []struct {
			k string
			q float64
		}{{"p01", 0.01}, {"p25", 0.25}, {"p50", 0.5}, {"p75", 0.75}, {"p99", 0.99}} {
			// Infinite values sort to the ends: a quantile that falls on
			// one (or a NaN) is left out rather than written as a number.
			if x := quantile(sv, q.q); !math.IsNaN(x) && !math.IsInf(x, 0) {
				s.Quantiles[q.k] = x
			}
		}
	}
	if c.hist != nil {
		s.Histogram = c.hist.export()
	}
	if s.Histogram != nil && visibleBins(s.Histogram) < 10 && c.samp != nil && len(c.samp.vals) >= 200 {
		s.Body = bodyHistogram(c.samp.sorted(), c.spec.Type == column.Int)
		if s.Body != nil {
			s.BodySample = len(c.samp.vals)
		}
	}
	if c.top != nil {
		s.Top, s.TopOther = c.top.top(10)
	}
	if c.prof != nil && c.count > 0 {
		s.MinTime = formatTime(c.tmin, c.spec.Type)
		s.MaxTime = formatTime(c.tmax, c.spec.Type)
		s.Weekday = toInts(marginal(c.prof.cube[:], dimDow))
		s.Hour = toInts(marginal(c.prof.cube[:], dimHour))
		s.Month = toInts(marginal(c.prof.cube[:], dimMonth))
		s.DailyStart = civil.FormatDate(c.prof.dayBase * usPerDay)
		s.Daily = c.prof.days
	}
	return s
}

// visibleBins counts the bins holding more than 2 % of the tallest one.
func visibleBins(h *Histogram) int {
	var mx int64
	for _, c := range h.Counts {
		mx = max(mx, c)
	}
	n := 0
	for _, c := range h.Counts {
		if float64(c) > 0.02*float64(mx) {
			n++
		}
	}
	return n
}

// bodyHistogram bins sorted sample values between their 1st and 99th
// percentiles in histBins bins: on a logarithmic axis when the values are
// positive and their upper tail is long (p99 − p50 > 4 · (p50 − p01)),
// else linear (whole-number bins for integers). Nil when that range is
// empty.
func bodyHistogram(sorted []float64, integer bool) *Histogram {
	p01, p50, p99 := quantile(sorted, 0.01), quantile(sorted, 0.5), quantile(sorted, 0.99)
	if !(p99 > p01) {
		return nil
	}
	h := &Histogram{}
	f := func(x float64) float64 { return x }
	lo, hi := p01, p99
	switch {
	case sorted[0] > 0 && p99-p50 > 4*(p50-p01):
		h.Log = true
		f = math.Log10
		lo, hi = math.Log10(p01), math.Log10(p99)
		h.Width = (hi - lo) / histBins * (1 + 1e-9)
	case integer:
		lo, hi = math.Floor(lo)-0.5, math.Ceil(hi)+0.5
		h.Width = math.Max(1, math.Ceil((hi-lo)/histBins))
	default:
		h.Width = (hi - lo) / histBins * (1 + 1e-9)
	}
	h.Lo = lo
	n := max(min(int(math.Ceil((hi-lo)/h.Width)), histBins+1), 1)
	h.Counts = make([]int64, n)
	for _, x := range sorted {
		if x < p01 || x > p99 {
			continue
		}
		i := int(math.Floor((f(x) - lo) / h.Width))
		h.Counts[min(max(i, 0), n-1)]++
	}
	return h
}

func toInts(v []float64) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

func formatTime(us int64, t column.Type) string {
	v := &column.Vector{Type: t, Ints: []int64{us}}
	return string(appendCanonical(nil, v, 0))
}
