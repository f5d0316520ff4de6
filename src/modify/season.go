package modify

import (
	"fmt"
	"math"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
)

// hourOf returns the UTC hour (0–23) of a timestamp in microseconds.
func hourOf(us int64) int { return civil.Hour(us) }

// weekdayOf returns the UTC day of the week of a timestamp in microseconds,
// Monday = 0 … Sunday = 6.
func weekdayOf(us int64) int { return int(civil.Weekday(civil.Day(us))) }

// monthOf returns the UTC month of a timestamp in microseconds, January = 0
// … December = 11.
func monthOf(us int64) int { return civil.Month(civil.Day(us)) - 1 }

// dimLen is the number of weights each seasonality dimension needs.
var dimLen = map[string]int{"hour": 24, "dow": 7, "month": 12}

func compileSeasonality(p *dsl.Pattern, in column.Type, env Env) (Modifier, error) {
	want, ok := dimLen[p.Dimension]
	if !ok {
		return nil, fmt.Errorf("dimension %q: want hour, dow or month", p.Dimension)
	}
	if len(p.Weights) != want {
		return nil, fmt.Errorf("dimension %s needs %d weights, got %d", p.Dimension, want, len(p.Weights))
	}
	for i, w := range p.Weights {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("weights[%d] = %g: weights must be finite and >= 0", i, w)
		}
	}
	if in.IsTime() {
		// The engine samples the datetime generator with this pattern.
		return passThrough{}, nil
	}
	if err := needNumeric(in, ""); err != nil {
		return nil, err
	}
	if env.TSColumn == "" {
		return nil, fmt.Errorf("on a %s column it scales values by the time of an earlier datetime column of the table, and this table has none", in)
	}
	s := &seasonality{ts: env.TSColumn}
	copy(s.w[:], p.Weights)
	s.dim = p.Dimension
	return s, nil
}

// passThrough leaves the vector as it is.
type passThrough struct{}

func (passThrough) OutType(in column.Type) column.Type   { return in }
func (passThrough) Apply(*column.Vector, *Context) error { return nil }

// seasonality multiplies each value by the weight of its row's timestamp.
type seasonality struct {
	ts  string
	dim string // hour, dow or month
	w   [24]float64
}

func (m *seasonality) OutType(in column.Type) column.Type { return numericOut(in) }

func (m *seasonality) Apply(v *column.Vector, ctx *Context) error {
	fs, err := toFloats(v)
	if err != nil {
		return fmt.Errorf("seasonality: %w", err)
	}
	tc, err := tsColumn(ctx, m.ts, len(fs))
	if err != nil {
		return fmt.Errorf("seasonality: %w", err)
	}
	nulls, tnulls, ts := v.Null, tc.Null, tc.Ints[:len(fs)]
	skip := func(i int) bool { return (nulls != nil && nulls[i]) || (tnulls != nil && tnulls[i]) }
	switch m.dim {
	case "hour":
		for i, t := range ts {
			if !skip(i) {
				fs[i] *= m.w[hourOf(t)]
			}
		}
	case "dow":
		for i, t := range ts {
			if !skip(i) {
				fs[i] *= m.w[weekdayOf(t)]
			}
		}
	default:
		for i, t := range ts {
			if !skip(i) {
				fs[i] *= m.w[monthOf(t)]
			}
		}
	}
	return nil
}

// microsPerYear is 365.25 days.
const microsPerYear = 365.25 * float64(column.MicrosPerDay)

func compileTrend(a *dsl.TrendArgs, in column.Type, env Env) (Modifier, error) {
	if err := needNumeric(in, "trend scales numbers"); err != nil {
		return nil, err
	}
	ts := a.TimeReference
	if ts == "" {
		ts = env.TSColumn
	}
	if ts == "" {
		return nil, fmt.Errorf("time_reference is not set and the table has no earlier datetime column to use")
	}
	if err := checkTimeColumn(env, "time_reference", ts); err != nil {
		return nil, err
	}
	t := &trend{ts: ts, origin: env.TimeframeStart, g: a.GrowthRate, a: a.A, b: a.B}
	switch a.Type {
	case "exponential":
		if a.GrowthRate <= -1 {
			return nil, fmt.Errorf("growth_rate %g must be > -1 for an exponential trend", a.GrowthRate)
		}
		t.kind = trendExp
		t.logG = math.Log1p(a.GrowthRate)
	case "linear":
		t.kind = trendLinear
	case "logarithmic":
		t.kind = trendLog
		if a.B < 0 {
			return nil, fmt.Errorf("params.b %g must be >= 0 for a logarithmic trend", a.B)
		}
	default:
		return nil, fmt.Errorf("type %q: want exponential, linear or logarithmic", a.Type)
	}
	return t, nil
}

type trendKind uint8

const (
	trendExp trendKind = iota
	trendLinear
	trendLog
)

// trend multiplies each value by a growth curve of the row's time in years
// since the timeframe start.
type trend struct {
	ts     string
	origin int64
	kind   trendKind
	g      float64
	logG   float64
	a, b   float64
}

func (m *trend) OutType(in column.Type) column.Type { return numericOut(in) }

// factor is the trend multiplier at t years.
func (m *trend) factor(t float64) float64 {
	switch m.kind {
	case trendExp:
		return math.Exp(t * m.logG)
	case trendLinear:
		return 1 + m.g*t
	default:
		if t < 0 {
			t = 0
		}
		return 1 + m.a*math.Log1p(m.b*t)
	}
}

func (m *trend) Apply(v *column.Vector, ctx *Context) error {
	fs, err := toFloats(v)
	if err != nil {
		return fmt.Errorf("trend: %w", err)
	}
	tc, err := tsColumn(ctx, m.ts, len(fs))
	if err != nil {
		return fmt.Errorf("trend: %w", err)
	}
	nulls := v.Null
	for i := range fs {
		if (nulls != nil && nulls[i]) || tc.IsNull(i) {
			continue
		}
		t := float64(tc.Ints[i]-m.origin) / microsPerYear
		fs[i] *= m.factor(t)
	}
	return nil
}

// IsPassThrough reports whether m leaves values unchanged (a seasonality
// pattern on a time column, which the generator samples with).
func IsPassThrough(m Modifier) bool {
	_, ok := m.(passThrough)
	return ok
}
