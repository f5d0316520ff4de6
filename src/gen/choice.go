package gen

import (
	"fmt"
	"math"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// choice draws one value per row from a pool with an alias table.
type choice struct {
	pool  *pool
	alias *rng.Alias
	key   rng.Key
}

func newChoice(env *Env) (Generator, error) {
	c := env.Column.Generator.Choice
	t := env.Column.Type
	var values []any
	if c.ChoicesRef != "" {
		src, err := env.Tables(c.RefTable)
		if err != nil {
			return nil, err
		}
		v := src.Column(c.RefColumn)
		if v == nil {
			return nil, fmt.Errorf("choices_ref %q: column not available", c.ChoicesRef)
		}
		values = distinct(v)
		if len(values) == 0 {
			return nil, fmt.Errorf("choices_ref %q: the referenced column has no values", c.ChoicesRef)
		}
	} else {
		values = c.Choices
	}
	p, err := newPool(values, t)
	if err != nil {
		return nil, fmt.Errorf("choices: %w", err)
	}
	w, err := ChoiceWeights(len(values), c.Weights, c.WeightsKind)
	if err != nil {
		return nil, err
	}
	a, err := rng.NewAlias(w)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	return &choice{pool: p, alias: a, key: env.Key}, nil
}

// ChoiceWeights returns the probabilities of n choices from explicit
// weights or a weights_kind (uniform, zipf@a, head_tail@{h,a}).
func ChoiceWeights(n int, weights []float64, kind dsl.WeightsKind) ([]float64, error) {
	if len(weights) > 0 {
		if len(weights) != n {
			return nil, fmt.Errorf("%d weights for %d choices", len(weights), n)
		}
		return weights, nil
	}
	w := make([]float64, n)
	switch kind.Kind {
	case "zipf":
		for k := range w {
			w[k] = math.Pow(float64(k+1), -kind.A)
		}
	case "head_tail":
		if n == 1 {
			w[0] = 1
			break
		}
		h := n / 5
		if h < 1 {
			h = 1
		}
		for k := 0; k < h; k++ {
			w[k] = kind.H / float64(h)
		}
		tail := 0.0
		for j := 1; j <= n-h; j++ {
			tail += math.Pow(float64(j), -kind.A)
		}
		for j := 1; j <= n-h; j++ {
			w[h+j-1] = (1 - kind.H) * math.Pow(float64(j), -kind.A) / tail
		}
	default:
		for k := range w {
			w[k] = 1
		}
	}
	return w, nil
}

func (c *choice) Type() column.Type { return c.pool.typ }

func (c *choice) Fill(out *column.Vector, b *Batch) error {
	out.Reset(c.pool.typ, b.N)
	s := &b.Rand.S
	for i := 0; i < b.N; i++ {
		s.Reset(c.key, b.Start+int64(i))
		c.pool.put(out, i, c.alias.Draw(s))
	}
	return nil
}

// distinct returns the distinct non-null values of v in first-seen order,
// as JSON-like scalars.
func distinct(v *column.Vector) []any {
	var out []any
	n := v.Len()
	switch v.Type {
	case column.Int, column.Timestamp, column.Date:
		seen := map[int64]bool{}
		for i := 0; i < n; i++ {
			if !v.IsNull(i) && !seen[v.Ints[i]] {
				seen[v.Ints[i]] = true
				if v.Type == column.Int {
					out = append(out, float64(v.Ints[i]))
				} else {
					out = append(out, civil.FormatTimestamp(v.Ints[i]))
				}
			}
		}
	case column.Float:
		seen := map[float64]bool{}
		for i := 0; i < n; i++ {
			if !v.IsNull(i) && !seen[v.Floats[i]] {
				seen[v.Floats[i]] = true
				out = append(out, v.Floats[i])
			}
		}
	case column.String:
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			if !v.IsNull(i) && !seen[v.Strs[i]] {
				seen[v.Strs[i]] = true
				out = append(out, v.Strs[i])
			}
		}
	case column.Bool:
		seen := map[bool]bool{}
		for i := 0; i < n; i++ {
			if !v.IsNull(i) && !seen[v.Bools[i]] {
				seen[v.Bools[i]] = true
				out = append(out, v.Bools[i])
			}
		}
	}
	return out
}

// enumList yields its values in order; past the end it starts again.
type enumList struct{ pool *pool }

func newEnumList(env *Env) (Generator, error) {
	vals := env.Column.Generator.EnumList.Values
	if len(vals) == 0 {
		return nil, fmt.Errorf("enum_list needs at least one value")
	}
	p, err := newPool(vals, env.Column.Type)
	if err != nil {
		return nil, fmt.Errorf("enum_list values: %w", err)
	}
	return &enumList{pool: p}, nil
}

func (e *enumList) Type() column.Type { return e.pool.typ }

func (e *enumList) Fill(out *column.Vector, b *Batch) error {
	out.Reset(e.pool.typ, b.N)
	n := int64(e.pool.len())
	for i := 0; i < b.N; i++ {
		e.pool.put(out, i, int((b.Start+int64(i))%n))
	}
	return nil
}

// distribution draws from a named distribution, truncated to the clamp
// bounds by redrawing (so no probability piles up on the bounds).
type distribution struct {
	kind     string
	a, b     float64
	q        []float64 // empirical knots
	lo, hi   float64
	key      rng.Key
	truncate bool
}

// maxRedraws bounds the redraws of a truncated distribution; past it the
// last draw is clipped into the bounds.
const maxRedraws = 64

func newDistribution(env *Env) (Generator, error) {
	return NewDistribution(env.Column.Generator.Distribution, env.Key)
}

// NewDistribution compiles a distribution spec drawing from key.
func NewDistribution(d *dsl.Distribution, key rng.Key) (Generator, error) {
	g := &distribution{kind: d.Type, key: key, lo: math.Inf(-1), hi: math.Inf(1)}
	switch d.Type {
	case "normal":
		g.a, g.b = d.Param("mean", 0), d.Param("std", 1)
	case "lognormal":
		g.a, g.b = d.Param("mean", 0), d.Param("sigma", 1)
	case "uniform":
		g.a, g.b = d.Param("low", 0), d.Param("high", 1)
	case "poisson":
		g.a = d.Param("lambda", 1)
	case "empirical":
		if len(d.Quantiles) < 2 {
			return nil, fmt.Errorf("an empirical distribution needs at least 2 quantiles")
		}
		g.q = d.Quantiles
	default:
		return nil, fmt.Errorf("unknown distribution %q", d.Type)
	}
	if d.ClampMin != nil {
		g.lo = *d.ClampMin
	}
	if d.ClampMax != nil {
		g.hi = *d.ClampMax
	}
	if g.lo > g.hi {
		return nil, fmt.Errorf("clamp [%g, %g]: the lower bound is above the upper bound", g.lo, g.hi)
	}
	g.truncate = d.ClampMin != nil || d.ClampMax != nil
	return g, nil
}

func (g *distribution) Type() column.Type { return column.Float }

// Draw returns one value for the stream's current row.
func (g *distribution) Draw(r *rng.Rand) float64 {
	var x float64
	for try := 0; try < maxRedraws; try++ {
		switch g.kind {
		case "normal":
			x = r.Normal(g.a, g.b)
		case "lognormal":
			x = r.LogNormal(g.a, g.b)
		case "uniform":
			x = r.Uniform(g.a, g.b)
		case "poisson":
			x = float64(r.Poisson(g.a))
		case "empirical":
			x = empirical(g.q, r.S.Float64())
		}
		if !g.truncate || x >= g.lo && x <= g.hi {
			return x
		}
	}
	return math.Min(math.Max(x, g.lo), g.hi)
}

func (g *distribution) Fill(out *column.Vector, b *Batch) error {
	out.Reset(column.Float, b.N)
	for i := 0; i < b.N; i++ {
		b.Rand.Reset(g.key, b.Start+int64(i))
		out.Floats[i] = g.Draw(b.Rand)
	}
	return nil
}

// Redraw implements Redrawer.
func (g *distribution) Redraw(out *column.Vector, i int, r *rng.Rand, row int64, attempt int) {
	r.Reset(g.key.Sub("redraw", attempt), row)
	out.Floats[i] = g.Draw(r)
}

// empirical is the inverse of the piecewise-linear distribution function
// through the knots q, equally spaced in probability, at u in [0, 1).
func empirical(q []float64, u float64) float64 {
	p := u * float64(len(q)-1)
	i := int(p)
	if i >= len(q)-1 {
		return q[len(q)-1]
	}
	return q[i] + (p-float64(i))*(q[i+1]-q[i])
}

// Sampler is a compiled distribution usable outside columns (fanout,
// outlier magnitudes).
type Sampler interface {
	Draw(r *rng.Rand) float64
}

var _ Sampler = (*distribution)(nil)
