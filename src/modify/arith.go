package modify

import (
	"fmt"
	"math"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// multiply is v · factor.
type multiply struct{ factor float64 }

func (m *multiply) OutType(in column.Type) column.Type { return numericOut(in) }

func (m *multiply) Apply(v *column.Vector, _ *Context) error {
	fs, err := toFloats(v)
	if err != nil {
		return fmt.Errorf("multiply: %w", err)
	}
	nulls := v.Null
	for i := range fs {
		if nulls != nil && nulls[i] {
			continue
		}
		fs[i] *= m.factor
	}
	return nil
}

// Microseconds per unit of add.unit.
var unitMicros = map[string]float64{
	"":        1e6,
	"seconds": 1e6,
	"minutes": 60e6,
	"hours":   3600e6,
	"days":    float64(column.MicrosPerDay),
}

func compileAdd(a *dsl.AddArgs, in column.Type) (Modifier, error) {
	if in.IsTime() {
		us, ok := unitMicros[a.Unit]
		if !ok {
			return nil, fmt.Errorf("unit %q: want seconds, minutes, hours or days", a.Unit)
		}
		d := a.Value * us
		if math.IsNaN(d) || math.IsInf(d, 0) || math.Abs(d) > 1e18 {
			return nil, fmt.Errorf("value %g %s is not a usable duration", a.Value, a.Unit)
		}
		delta := roundMicros(d)
		return &addTime{delta: delta, keepDate: delta%column.MicrosPerDay == 0}, nil
	}
	if err := needNumeric(in, ""); err != nil {
		return nil, err
	}
	// unit only applies to time vectors; on numbers it is ignored.
	return &addNum{value: a.Value}, nil
}

// addNum is v + value.
type addNum struct{ value float64 }

func (m *addNum) OutType(in column.Type) column.Type { return numericOut(in) }

func (m *addNum) Apply(v *column.Vector, _ *Context) error {
	fs, err := toFloats(v)
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	nulls := v.Null
	for i := range fs {
		if nulls != nil && nulls[i] {
			continue
		}
		fs[i] += m.value
	}
	return nil
}

// addTime shifts timestamps by a fixed duration. A date stays a date when
// the duration is a whole number of days; otherwise it becomes a timestamp.
type addTime struct {
	delta    int64
	keepDate bool
}

func (m *addTime) OutType(in column.Type) column.Type {
	if in == column.Date && !m.keepDate {
		return column.Timestamp
	}
	return in
}

func (m *addTime) Apply(v *column.Vector, _ *Context) error {
	ts, err := timeValues(v)
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	nulls := v.Null
	for i := range ts {
		if nulls != nil && nulls[i] {
			continue
		}
		ts[i] = addSat(ts[i], m.delta)
	}
	v.Type = m.OutType(v.Type)
	return nil
}

func compileClamp(a *dsl.ClampArgs, in column.Type) (Modifier, error) {
	if err := needNumeric(in, "clamp bounds are numbers; bound timestamps with the generator's within range"); err != nil {
		return nil, err
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if a.Min != nil {
		lo = *a.Min
	}
	if a.Max != nil {
		hi = *a.Max
	}
	if a.Min == nil && a.Max == nil {
		return nil, fmt.Errorf("min and max are both null")
	}
	if lo > hi {
		return nil, fmt.Errorf("min %g is greater than max %g", lo, hi)
	}
	return &clamp{lo: lo, hi: hi}, nil
}

// clamp clips values into [lo, hi]; NaN stays NaN.
type clamp struct{ lo, hi float64 }

func (m *clamp) OutType(in column.Type) column.Type { return numericOut(in) }

func (m *clamp) Apply(v *column.Vector, _ *Context) error {
	fs, err := toFloats(v)
	if err != nil {
		return fmt.Errorf("clamp: %w", err)
	}
	nulls := v.Null
	for i, x := range fs {
		if nulls != nil && nulls[i] {
			continue
		}
		if x < m.lo {
			fs[i] = m.lo
		} else if x > m.hi {
			fs[i] = m.hi
		}
	}
	return nil
}

func compileJitter(a *dsl.JitterArgs, in column.Type, key rng.Key) (Modifier, error) {
	if err := needNumeric(in, "use time_jitter for timestamps"); err != nil {
		return nil, err
	}
	if a.Std < 0 || math.IsNaN(a.Std) || math.IsInf(a.Std, 0) {
		return nil, fmt.Errorf("std %g must be a finite number >= 0", a.Std)
	}
	switch a.Mode {
	case "", "add":
		return &jitter{std: a.Std, key: key}, nil
	case "mul":
		return &jitter{std: a.Std, mul: true, key: key}, nil
	}
	return nil, fmt.Errorf("mode %q: want add or mul", a.Mode)
}

// jitter adds Normal(0, std) noise (add) or scales by 1 + noise (mul).
type jitter struct {
	std float64
	mul bool
	key rng.Key
}

func (m *jitter) OutType(in column.Type) column.Type { return numericOut(in) }

func (m *jitter) Apply(v *column.Vector, ctx *Context) error {
	if err := needRand(ctx); err != nil {
		return fmt.Errorf("jitter: %w", err)
	}
	fs, err := toFloats(v)
	if err != nil {
		return fmt.Errorf("jitter: %w", err)
	}
	r := ctx.Rand
	nulls := v.Null
	for i := range fs {
		if nulls != nil && nulls[i] {
			continue
		}
		r.Reset(m.key, ctx.Start+int64(i))
		e := m.std * r.NormFloat64()
		if m.mul {
			fs[i] *= 1 + e
		} else {
			fs[i] += e
		}
	}
	return nil
}
