package modify

import (
	"fmt"
	"math"

	"datagen/src/column"
	"datagen/src/dsl"
)

// Compile builds the modifier m for the column described by env. The
// arguments have been validated statically; Compile reports the facts that
// only the plan knows: the type of the vector the modifier receives, the
// timestamp column of time-dependent modifiers, and the columns of effect
// tables. Every error names the transform and the column.
//
// Semantics, in short (docs/modifiers.md has the full reference):
//
//   - multiply, add, clamp, jitter, seasonality, effect, outliers and trend
//     on an int or float vector produce a float vector (ints are converted
//     first; the engine rounds back when the column type is int). On bool
//     and string vectors they are errors.
//   - add on a datetime/date vector adds a duration (args.unit: seconds,
//     minutes, hours, days). multiply, clamp, jitter and trend on time
//     vectors are errors; use add, time_jitter, effect or outliers.
//   - map_values maps each value at most once, comparing values (numbers by
//     numeric value, bools as "true"/"false", strings as is); a null target
//     makes the row null. The result type is the input type when every
//     target fits it, else string.
//   - seasonality on a time vector is a no-op here (the engine feeds it to
//     the datetime generator as a sampling pattern); on a numeric vector it
//     multiplies by weights[dim(ts)] with ts from env.TSColumn.
//   - time_jitter adds Normal(0, std) minutes, redrawing the noise when the
//     result leaves the timeframe and keeping the original value if every
//     draw does.
//   - effect joins the row to effect-table rows by key and window and
//     multiplies or adds the combined field value; on a time vector it
//     thins timestamps by the multiplier (rejection sampling).
//   - outliers makes exactly round(rate*TotalRows) rows spikes or drops
//     (on a table that grows with an open timeline, each row with
//     probability rate).
//   - trend scales by a growth curve in years since the timeframe start.
//   - Nulls pass through untouched. Random draws of modifier i of a column
//     come from env.Key.Sub("modifier", i), reset per table row, so results
//     do not depend on block boundaries.
func Compile(m dsl.Modifier, env Env) (Modifier, error) {
	mod, err := compile(m, env)
	if err != nil {
		col := "?"
		if env.Column != nil {
			col = env.Column.Name
		}
		return nil, fmt.Errorf("column %q: modifier %d (%s): %w", col, env.Index, m.Transform, err)
	}
	return mod, nil
}

func compile(m dsl.Modifier, env Env) (Modifier, error) {
	key := env.Key.Sub("modifier", env.Index)
	in := env.ValueType
	missing := fmt.Errorf("missing arguments for %s", m.Transform)
	switch m.Transform {
	case dsl.TMultiply:
		if m.Multiply == nil {
			return nil, missing
		}
		if err := needNumeric(in, ""); err != nil {
			return nil, err
		}
		return &multiply{factor: m.Multiply.Factor}, nil
	case dsl.TAdd:
		if m.Add == nil {
			return nil, missing
		}
		return compileAdd(m.Add, in)
	case dsl.TClamp:
		if m.Clamp == nil {
			return nil, missing
		}
		return compileClamp(m.Clamp, in)
	case dsl.TJitter:
		if m.Jitter == nil {
			return nil, missing
		}
		return compileJitter(m.Jitter, in, key)
	case dsl.TMapValues:
		if m.MapValues == nil {
			return nil, missing
		}
		return compileMapValues(m.MapValues, in)
	case dsl.TSeasonality:
		if m.Seasonality == nil {
			return nil, missing
		}
		return compileSeasonality(m.Seasonality, in, env)
	case dsl.TTimeJitter:
		if m.TimeJitter == nil {
			return nil, missing
		}
		return compileTimeJitter(m.TimeJitter, in, key, env)
	case dsl.TEffect:
		if m.Effect == nil {
			return nil, missing
		}
		return compileEffect(m.Effect, in, key, env)
	case dsl.TOutliers:
		if m.Outliers == nil {
			return nil, missing
		}
		return compileOutliers(m.Outliers, in, key, env)
	case dsl.TTrend:
		if m.Trend == nil {
			return nil, missing
		}
		return compileTrend(m.Trend, in, env)
	}
	return nil, fmt.Errorf("unknown transform %q", m.Transform)
}

// needNumeric rejects input types other than int and float. hint, when
// not empty, is appended for time vectors.
func needNumeric(in column.Type, hint string) error {
	if in.IsNumeric() {
		return nil
	}
	if in.IsTime() && hint != "" {
		return fmt.Errorf("not applicable to a %s column (%s)", in, hint)
	}
	return fmt.Errorf("needs an int or float column, got %s", in)
}

// numericOut is OutType for the modifiers that turn ints into floats.
func numericOut(in column.Type) column.Type {
	if in == column.Int {
		return column.Float
	}
	return in
}

// toFloats converts an int vector to a float vector in place, reusing the
// vector's float storage, and returns the float values.
func toFloats(v *column.Vector) ([]float64, error) {
	switch v.Type {
	case column.Float:
		return v.Floats, nil
	case column.Int:
		n := len(v.Ints)
		if cap(v.Floats) < n {
			v.Floats = make([]float64, n)
		}
		v.Floats = v.Floats[:n]
		for i, x := range v.Ints {
			v.Floats[i] = float64(x)
		}
		v.Type = column.Float
		return v.Floats, nil
	}
	return nil, fmt.Errorf("needs an int or float vector, got %s", v.Type)
}

// timeValues returns the microsecond values of a datetime or date vector.
func timeValues(v *column.Vector) ([]int64, error) {
	if !v.Type.IsTime() {
		return nil, fmt.Errorf("needs a datetime or date vector, got %s", v.Type)
	}
	return v.Ints, nil
}

// tsColumn fetches the block's timestamp column name, checking that it is a
// time vector covering n rows.
func tsColumn(ctx *Context, name string, n int) (*column.Vector, error) {
	var c *column.Vector
	if ctx.Col != nil {
		c = ctx.Col(name)
	}
	if c == nil {
		return nil, fmt.Errorf("timestamp column %q is not available in this block (it must be generated before this column)", name)
	}
	if !c.Type.IsTime() {
		return nil, fmt.Errorf("timestamp column %q is %s, not datetime or date", name, c.Type)
	}
	if len(c.Ints) < n {
		return nil, fmt.Errorf("timestamp column %q has %d rows, the block has %d", name, len(c.Ints), n)
	}
	return c, nil
}

// needRand checks that the context carries a per-worker generator.
func needRand(ctx *Context) error {
	if ctx.Rand == nil {
		return fmt.Errorf("context has no random generator")
	}
	return nil
}

// roundMicros rounds a float number of microseconds to int64, saturating.
func roundMicros(x float64) int64 {
	switch {
	case x >= math.MaxInt64:
		return math.MaxInt64
	case x <= math.MinInt64:
		return math.MinInt64
	case x != x:
		return 0
	}
	return int64(math.Round(x))
}

// addSat adds two int64 values, saturating instead of wrapping.
func addSat(a, b int64) int64 {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		if b > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

// checkTimeColumn checks that the column a time-dependent modifier reads
// (named by the argument arg) is a datetime or date column of the node.
func checkTimeColumn(env Env, arg, name string) error {
	if env.Node == nil {
		return nil
	}
	c := env.Node.Column(name)
	if c == nil {
		return fmt.Errorf("%s %q is not a column of table %q", arg, name, env.Node.ID)
	}
	if !c.Type.IsTime() {
		return fmt.Errorf("%s %q has type %s, not datetime or date", arg, name, c.Type)
	}
	return nil
}
