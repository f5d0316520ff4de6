package modify

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// Default magnitude distribution of outliers: lognormal(0, 0.5) clipped to
// [0.1, 10].
const (
	defaultMagSigma = 0.5
	defaultMagLo    = 0.1
	defaultMagHi    = 10.0
)

type magKind uint8

const (
	magLogNormal magKind = iota
	magNormal
	magUniform
	magPoisson
)

// magnitude draws outlier magnitudes m >= 0.
type magnitude struct {
	kind   magKind
	p1, p2 float64
	lo, hi float64
}

func compileMagnitude(d dsl.Distribution) (magnitude, error) {
	m := magnitude{lo: defaultMagLo, hi: defaultMagHi}
	if d.ClampMin != nil || d.ClampMax != nil {
		m.lo, m.hi = 0, math.Inf(1)
		if d.ClampMin != nil {
			m.lo = math.Max(*d.ClampMin, 0)
		}
		if d.ClampMax != nil {
			m.hi = *d.ClampMax
		}
		if m.lo > m.hi {
			return m, fmt.Errorf("magnitude_dist.clamp [%g, %g] is empty once magnitudes are floored at 0", m.lo, m.hi)
		}
	}
	switch d.Type {
	case "":
		m.kind, m.p1, m.p2 = magLogNormal, 0, defaultMagSigma
	case "lognormal":
		m.kind, m.p1, m.p2 = magLogNormal, d.Param("mean", 0), d.Param("sigma", 1)
	case "normal":
		m.kind, m.p1, m.p2 = magNormal, d.Param("mean", 0), d.Param("std", 1)
	case "uniform":
		m.kind, m.p1, m.p2 = magUniform, d.Param("low", 0), d.Param("high", 1)
	case "poisson":
		m.kind, m.p1 = magPoisson, d.Param("lambda", 1)
	default:
		return m, fmt.Errorf("magnitude_dist.type %q: want lognormal, normal, uniform or poisson", d.Type)
	}
	return m, nil
}

// draw returns a magnitude from r, clipped to [lo, hi] and floored at 0.
func (m *magnitude) draw(r *rng.Rand) float64 {
	var x float64
	switch m.kind {
	case magLogNormal:
		x = r.LogNormal(m.p1, m.p2)
	case magNormal:
		x = r.Normal(m.p1, m.p2)
	case magUniform:
		x = r.Uniform(m.p1, m.p2)
	case magPoisson:
		x = float64(r.Poisson(m.p1))
	}
	x = math.Min(math.Max(x, m.lo), m.hi)
	if !(x >= 0) { // negative or NaN
		x = 0
	}
	return x
}

func compileOutliers(a *dsl.OutliersArgs, in column.Type, key rng.Key, env Env) (Modifier, error) {
	if !in.IsNumeric() && !in.IsTime() {
		return nil, fmt.Errorf("needs an int, float, datetime or date column, got %s", in)
	}
	if !(a.Rate >= 0 && a.Rate <= 1) {
		return nil, fmt.Errorf("rate %g must be in [0, 1]", a.Rate)
	}
	var spike bool
	switch a.Mode {
	case "spike":
		spike = true
	case "drop":
	default:
		return nil, fmt.Errorf("mode %q: want spike or drop", a.Mode)
	}
	mag, err := compileMagnitude(a.MagnitudeDist)
	if err != nil {
		return nil, err
	}
	return &outliers{
		rate:  a.Rate,
		spike: spike,
		mag:   mag,
		key:   key,
		perm:  key.Sub("outlier-rows", 0),
		lo:    env.TimeframeStart,
		hi:    env.TimeframeEnd,
		each:  env.Growing,
	}, nil
}

// outliers turns exactly round(rate·TotalRows) rows into spikes
// (v·(1+m)) or drops (v/(1+m)); on time vectors it shifts them m days
// later (spike) or earlier (drop).
type outliers struct {
	rate   float64
	spike  bool
	mag    magnitude
	key    rng.Key // magnitude draws
	perm   rng.Key // which rows
	lo, hi int64   // timeframe, for time vectors
	// each picks every row with probability rate, from a draw keyed by
	// the row (a table that grows with an open timeline).
	each bool

	// rows caches the sorted outlier rows of a table of rowsFor rows.
	mu      sync.Mutex
	rowsFor int64
	rows    []int64
}

// chosen returns the sorted outlier rows of a table of n rows, computed
// once: exactly count(n) rows picked by a keyed permutation.
func (m *outliers) chosen(n int64) []int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rows == nil || m.rowsFor != n {
		m.rows = rng.NewPerm(m.perm, n).Chosen(m.count(n))
		m.rowsFor = n
	}
	return m.rows
}

// eachRows returns the rows of [start, start+n) that are outliers when
// each row is one with probability rate, from a draw keyed by the row.
func (m *outliers) eachRows(start int64, n int) []int64 {
	var rows []int64
	for i := 0; i < n; i++ {
		row := start + int64(i)
		if float64(m.perm.At(row, 0)>>11)*(1.0/(1<<53)) < m.rate {
			rows = append(rows, row)
		}
	}
	return rows
}

// blockRows returns the outlier rows inside [start, start+n).
func blockRows(rows []int64, start int64, n int) []int64 {
	a, _ := slices.BinarySearch(rows, start)
	b, _ := slices.BinarySearch(rows, start+int64(n))
	return rows[a:b]
}

func (m *outliers) OutType(in column.Type) column.Type { return numericOut(in) }

// count returns the number of outlier rows of a table of n rows:
// round(rate·n), at least 1 when rate·n >= 0.5.
func (m *outliers) count(n int64) int64 {
	return int64(math.Round(m.rate * float64(n)))
}

func (m *outliers) Apply(v *column.Vector, ctx *Context) error {
	if err := needRand(ctx); err != nil {
		return fmt.Errorf("outliers: %w", err)
	}
	n := v.Len()
	if ctx.TotalRows < ctx.Start+int64(n) {
		return fmt.Errorf("outliers: block rows [%d, %d) exceed the table's %d rows", ctx.Start, ctx.Start+int64(n), ctx.TotalRows)
	}
	var rows []int64
	if m.each {
		rows = m.eachRows(ctx.Start, n)
	} else if k := m.count(ctx.TotalRows); k > 0 {
		rows = blockRows(m.chosen(ctx.TotalRows), ctx.Start, n)
	}
	if len(rows) == 0 {
		if v.Type == column.Int {
			_, err := toFloats(v)
			return err
		}
		return nil
	}
	if v.Type.IsTime() {
		return m.applyTime(v, ctx, rows)
	}
	fs, err := toFloats(v)
	if err != nil {
		return fmt.Errorf("outliers: %w", err)
	}
	r := ctx.Rand
	nulls := v.Null
	for _, row := range rows {
		i := int(row - ctx.Start)
		if nulls != nil && nulls[i] {
			continue
		}
		r.Reset(m.key, row)
		x := 1 + m.mag.draw(r)
		if m.spike {
			fs[i] *= x
		} else {
			fs[i] /= x
		}
	}
	return nil
}

// applyTime shifts outlier timestamps by m days: later for spikes, earlier
// for drops. A shift that would leave the timeframe goes the other way; if
// both directions leave it, the value is clipped to the nearer bound.
// Dates move by whole days (at least one).
func (m *outliers) applyTime(v *column.Vector, ctx *Context, rows []int64) error {
	ts := v.Ints
	isDate := v.Type == column.Date
	r := ctx.Rand
	nulls := v.Null
	for _, row := range rows {
		i := int(row - ctx.Start)
		t := ts[i]
		if nulls != nil && nulls[i] {
			continue
		}
		r.Reset(m.key, row)
		days := m.mag.draw(r)
		if isDate {
			days = math.Max(math.Round(days), 1)
		}
		d := roundMicros(days * float64(column.MicrosPerDay))
		if !m.spike {
			d = -d
		}
		x := addSat(t, d)
		inside := t >= m.lo && t <= m.hi
		if inside && (x < m.lo || x > m.hi) {
			x = addSat(t, -d)
			if x < m.lo {
				x = m.lo
			} else if x > m.hi {
				x = m.hi
			}
			if isDate {
				x = civil.DayStart(x)
				if x < m.lo {
					x += column.MicrosPerDay
				}
			}
		}
		ts[i] = x
	}
	return nil
}
