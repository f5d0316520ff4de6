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
	// resample and redraw are the keys of the redraws, per attempt.
	resample, redraw rng.Family
}

func newDatetime(env *Env) (Generator, error) {
	d := env.Column.Generator.DatetimeSeries
	if d.Sequential && d.Lifetime == nil {
		return newSequential(env)
	}
	s, err := NewTimeSampler(d, env.Timeframe, env.Patterns)
	if err != nil {
		return nil, err
	}
	if d.Lifetime != nil {
		return newLifetime(env, s)
	}
	return &datetimeSeries{sampler: s, key: env.Key, resample: env.Key.Family("resample"), redraw: env.Key.Family("redraw")}, nil
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
	r.S.Reset(d.resample.Key(attempt), row)
	return d.sampler.Sample(&r.S)
}

// Redraw implements Redrawer.
func (d *datetimeSeries) Redraw(out *column.Vector, i int, r *rng.Rand, row int64, attempt int) {
	r.S.Reset(d.redraw.Key(attempt), row)
	out.Ints[i] = d.sampler.Sample(&r.S)
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

// lifetime draws each row's instant between its primary parent's start
// and end columns (a null start or end stands for the timeframe's), on
// the timeframe's grid, with the same patterns; sequential, it takes the
// k-th instant from the parent's start for the parent's k-th child. A row
// whose lifetime holds no instant of the grid is null.
type lifetime struct {
	sampler    *timegrid.Sampler
	key        rng.Key
	start, end *column.Vector
	// endDay extends a date end to the last microsecond of its day.
	endDay     int64
	sequential bool
	offsets    []int64
	lo, hi     int64
}

func newLifetime(env *Env, s *timegrid.Sampler) (Generator, error) {
	l := env.Column.Generator.DatetimeSeries.Lifetime
	if l.Table != env.PrimaryParent || env.Offsets == nil {
		return nil, fmt.Errorf("within: %q is not the primary parent of %q", l.Table, env.Node.ID)
	}
	tab, err := env.Tables(l.Table)
	if err != nil {
		return nil, err
	}
	g := &lifetime{sampler: s, key: env.Key, offsets: env.Offsets,
		sequential: env.Column.Generator.DatetimeSeries.Sequential,
		lo:         env.Timeframe.Start.UnixMicro(), hi: env.Timeframe.End.UnixMicro()}
	if g.start = tab.Column(l.StartCol); g.start == nil {
		return nil, fmt.Errorf("within: %q is not available", l.Start)
	}
	if l.EndCol != "" {
		if g.end = tab.Column(l.EndCol); g.end == nil {
			return nil, fmt.Errorf("within: %q is not available", l.End)
		}
		if g.end.Type == column.Date {
			g.endDay = column.MicrosPerDay - 1
		}
	}
	for _, v := range []*column.Vector{g.start, g.end} {
		if v != nil && !v.Type.IsTime() {
			return nil, fmt.Errorf("within: the lifetime columns must be datetime or date, got %s", v.Type)
		}
	}
	return g, nil
}

func (g *lifetime) Type() column.Type { return column.Timestamp }

// bounds returns the window of parent row p.
func (g *lifetime) bounds(p int64) (lo, hi int64) {
	lo, hi = g.lo, g.hi
	if !g.start.IsNull(int(p)) {
		lo = max(lo, g.start.Ints[p])
	}
	if g.end != nil && !g.end.IsNull(int(p)) {
		hi = min(hi, g.end.Ints[p]+g.endDay)
	}
	return lo, hi
}

func (g *lifetime) Fill(out *column.Vector, b *Batch) error {
	out.Reset(column.Timestamp, b.N)
	s := &b.Rand.S
	grid := g.sampler.Grid()
	for i := 0; i < b.N; i++ {
		row := b.Start + int64(i)
		p := b.Parent[i]
		lo, hi := g.bounds(p)
		if g.sequential {
			k := grid.Search(lo) + row - g.offsets[p]
			if lo <= hi && k < grid.Len() {
				if t := grid.At(k); t <= hi {
					out.Ints[i] = t
					continue
				}
			}
			out.SetNull(i)
			continue
		}
		s.Reset(g.key, row)
		t, ok := g.sampler.SampleBetween(s, lo, hi)
		if !ok {
			out.SetNull(i)
			continue
		}
		out.Ints[i] = t
	}
	return nil
}

// CalendarRows returns the row count of an entity without "rows" whose
// columns include a sequential datetime_series (without a lifetime): the
// length of the first such column's grid, which --scale does not change.
// ok is false when the node has no such column.
func CalendarRows(n *dsl.Node, tf dsl.Timeframe) (rows int64, ok bool, err error) {
	c := n.CalendarColumn()
	if c == nil {
		return 0, false, nil
	}
	d := c.Generator.DatetimeSeries
	start, end := d.Start, d.End
	if d.WithinTimeframe {
		start, end = tf.Start, tf.End
	}
	f, err := timegrid.ParseFreq(d.Freq)
	if err != nil {
		return 0, true, &Error{Table: n.ID, Column: c.Name, Err: fmt.Errorf("freq: %w", err)}
	}
	g, err := timegrid.NewGrid(start.UnixMicro(), end.UnixMicro(), f)
	if err != nil {
		return 0, true, &Error{Table: n.ID, Column: c.Name, Err: err}
	}
	return g.Len(), true, nil
}
