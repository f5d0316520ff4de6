package modify

import (
	"fmt"
	"math"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// timeJitterTries is how many noise draws time_jitter makes before it
// keeps the original value.
const timeJitterTries = 8

func compileTimeJitter(a *dsl.TimeJitterArgs, in column.Type, key rng.Key, env Env) (Modifier, error) {
	if !in.IsTime() {
		return nil, fmt.Errorf("needs a datetime or date column, got %s (use jitter for numbers)", in)
	}
	if a.StdMinutes < 0 || math.IsNaN(a.StdMinutes) || math.IsInf(a.StdMinutes, 0) {
		return nil, fmt.Errorf("std_minutes %g must be a finite number >= 0", a.StdMinutes)
	}
	return &timeJitter{
		std: a.StdMinutes * 60e6,
		key: key,
		lo:  env.TimeframeStart,
		hi:  env.TimeframeEnd,
	}, nil
}

// timeJitter moves timestamps by Normal(0, std) microseconds. A moved value
// must stay inside the timeframe [lo, hi]: the noise is redrawn up to
// timeJitterTries times, then the original value is kept. Values that
// already lie outside the timeframe are jittered without that check.
type timeJitter struct {
	std    float64
	key    rng.Key
	lo, hi int64
}

// OutType is datetime: jittering a date gives a time of day.
func (m *timeJitter) OutType(in column.Type) column.Type {
	if in.IsTime() {
		return column.Timestamp
	}
	return in
}

func (m *timeJitter) Apply(v *column.Vector, ctx *Context) error {
	if err := needRand(ctx); err != nil {
		return fmt.Errorf("time_jitter: %w", err)
	}
	ts, err := timeValues(v)
	if err != nil {
		return fmt.Errorf("time_jitter: %w", err)
	}
	v.Type = column.Timestamp
	r := ctx.Rand
	nulls := v.Null
	for i, t := range ts {
		if nulls != nil && nulls[i] {
			continue
		}
		r.Reset(m.key, ctx.Start+int64(i))
		if t < m.lo || t > m.hi {
			ts[i] = addSat(t, roundMicros(m.std*r.NormFloat64()))
			continue
		}
		for range timeJitterTries {
			x := addSat(t, roundMicros(m.std*r.NormFloat64()))
			if x >= m.lo && x <= m.hi {
				ts[i] = x
				break
			}
		}
	}
	return nil
}
