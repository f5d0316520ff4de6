package gen

import (
	"fmt"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen/timegrid"
	"datagen/src/rng"
)

// datetimeSeries draws grid instants, uniformly or with time patterns,
// without materialising the grid.
type datetimeSeries struct {
	sampler *timegrid.Sampler
	key     rng.Key
}

func newDatetime(env *Env) (Generator, error) {
	if env.Column.Generator.DatetimeSeries.Sequential {
		return newSequential(env)
	}
	s, err := NewTimeSampler(env.Column.Generator.DatetimeSeries, env.Timeframe, env.Patterns)
	if err != nil {
		return nil, err
	}
	return &datetimeSeries{sampler: s, key: env.Key}, nil
}

// NewTimeSampler returns the sampler a datetime_series generator draws
// from: the grid of its window and frequency, weighted by its pattern and
// by the extra patterns (the seasonality modifiers of its column).
func NewTimeSampler(d *dsl.DatetimeSeries, tf dsl.Timeframe, extra []dsl.Pattern) (*timegrid.Sampler, error) {
	start, end := d.Start, d.End
	if d.WithinTimeframe {
		start, end = tf.Start, tf.End
	}
	f, err := timegrid.ParseFreq(d.Freq)
	if err != nil {
		return nil, fmt.Errorf("freq: %w", err)
	}
	g, err := timegrid.NewGrid(start.UnixMicro(), end.UnixMicro(), f)
	if err != nil {
		return nil, err
	}
	var pats []timegrid.Weights
	add := func(p *dsl.Pattern) {
		pats = append(pats, timegrid.Weights{Dimension: p.Dimension, Values: p.Weights})
	}
	if d.Pattern != nil {
		add(d.Pattern)
	}
	for i := range extra {
		add(&extra[i])
	}
	return timegrid.NewSampler(g, pats)
}

func (d *datetimeSeries) Type() column.Type { return column.Timestamp }

func (d *datetimeSeries) Fill(out *column.Vector, b *Batch) error {
	out.Reset(column.Timestamp, b.N)
	s := &b.Rand.S
	for i := 0; i < b.N; i++ {
		s.Reset(d.key, b.Start+int64(i))
		out.Ints[i] = d.sampler.Sample(s)
	}
	return nil
}

// Resample draws the row's value again from an independent stream.
func (d *datetimeSeries) Resample(r *rng.Rand, row int64, attempt int) int64 {
	r.S.Reset(d.key.Sub("resample", attempt), row)
	return d.sampler.Sample(&r.S)
}

// sequential gives row i the i-th grid instant; in a fact with parents,
// the i-th child of each parent gets the i-th instant.
type sequential struct {
	grid    *timegrid.Grid
	offsets []int64
}

func newSequential(env *Env) (Generator, error) {
	d := env.Column.Generator.DatetimeSeries
	if len(env.Patterns) > 0 {
		return nil, fmt.Errorf("a seasonality modifier cannot weight a sequential datetime_series: every instant is taken in order")
	}
	start, end := d.Start, d.End
	if d.WithinTimeframe {
		start, end = env.Timeframe.Start, env.Timeframe.End
	}
	f, err := timegrid.ParseFreq(d.Freq)
	if err != nil {
		return nil, fmt.Errorf("freq: %w", err)
	}
	g, err := timegrid.NewGrid(start.UnixMicro(), end.UnixMicro(), f)
	if err != nil {
		return nil, err
	}
	n := g.Len()
	if env.Offsets != nil {
		for p := 0; p+1 < len(env.Offsets); p++ {
			if k := env.Offsets[p+1] - env.Offsets[p]; k > n {
				return nil, fmt.Errorf("sequential: parent row %d has %d children but the grid has %d instants (%s every %s); widen the window or cap the fanout",
					p, k, n, gridSpan(g), d.Freq)
			}
		}
	} else if env.TableRows > n {
		return nil, fmt.Errorf("sequential: the table has %d rows but the grid has %d instants (%s every %s); set rows to at most %d or widen the window",
			env.TableRows, n, gridSpan(g), d.Freq, n)
	}
	return &sequential{grid: g, offsets: env.Offsets}, nil
}

func gridSpan(g *timegrid.Grid) string {
	if g.Len() == 0 {
		return "empty"
	}
	return civil.FormatTimestamp(g.First()) + " to " + civil.FormatTimestamp(g.Last())
}

func (s *sequential) Type() column.Type { return column.Timestamp }

func (s *sequential) Fill(out *column.Vector, b *Batch) error {
	out.Reset(column.Timestamp, b.N)
	for i := 0; i < b.N; i++ {
		k := b.Start + int64(i)
		if s.offsets != nil {
			k -= s.offsets[b.Parent[i]]
		}
		out.Ints[i] = s.grid.At(k)
	}
	return nil
}
