package gen

import (
	"fmt"

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
