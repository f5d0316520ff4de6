package gen

import (
	"fmt"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen/timegrid"
	"datagen/src/rng"
)

func init() { compileDatetime = newDatetime }

// datetimeSeries draws grid instants, uniformly or with time patterns,
// without materialising the grid.
type datetimeSeries struct {
	sampler *timegrid.Sampler
	key     rng.Key
}

func newDatetime(env *Env) (Generator, error) {
	d := env.Column.Generator.DatetimeSeries
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
	var pats []timegrid.Weights
	add := func(p *dsl.Pattern) {
		pats = append(pats, timegrid.Weights{Dimension: p.Dimension, Values: p.Weights})
	}
	if d.Pattern != nil {
		add(d.Pattern)
	}
	for i := range env.Patterns {
		add(&env.Patterns[i])
	}
	s, err := timegrid.NewSampler(g, pats)
	if err != nil {
		return nil, err
	}
	return &datetimeSeries{sampler: s, key: env.Key}, nil
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
