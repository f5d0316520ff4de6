package apply

import (
	"math"
	"testing"

	"datagen/src/behavior"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen"
	"datagen/src/input"
	"datagen/src/rng"
)

// BenchmarkCohortCount measures the vintage thinning: one candidate (an
// event time drawn inside the parent's lifetime, its age in calendar
// months, the curve, the keep draw) per op.
func BenchmarkCohortCount(b *testing.B) {
	ps := &input.Reader{}
	vb := behavior.ParseVintage(tree(map[string]any{"created_at_column": "c", "age_based_multipliers": map[string]any{
		"r": map[string]any{"curve": []any{1.0, 0.8, 0.6, 0.5}, "applies_to": "fanout"},
		"e": map[string]any{"curve": map[string]any{"curve_type": "exponential", "params": map[string]any{"a": 1.0, "b": -0.05}}, "time_unit": "week", "applies_to": "fanout"},
	}}), "v", ps)
	if ps.Problems().HasErrors() {
		b.Fatal(ps.Problems())
	}
	tf := dsl.Timeframe{Start: column.Time(us("2024-01-01T00:00:00Z")), End: column.Time(us("2024-12-31T23:59:59Z"))}
	s, err := gen.NewTimeSampler(&dsl.DatetimeSeries{WithinTimeframe: true, Freq: "h",
		Pattern: &dsl.Pattern{Dimension: "hour", Weights: []float64{1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1, 1}}}, tf, nil)
	if err != nil {
		b.Fatal(err)
	}
	const parents = 1000
	created := &column.Vector{}
	created.Reset(column.Timestamp, parents)
	for i := range created.Ints {
		created.Ints[i] = us("2024-01-01T00:00:00Z") + int64(i)*8*3600e6
	}
	c := NewCohort(vb, created, parents, s, rng.NewKey(1, "e"), rng.NewKey(1, "a"), tf.End.UnixMicro())
	b.ReportAllocs()
	b.ResetTimer()
	kept := int64(0)
	for i := 0; i < b.N; i += 100 {
		kept += c.Count(int64(i/100)%parents, 100)
	}
	if kept == 0 {
		b.Fatal("nothing kept")
	}
}

// BenchmarkChainRows measures one month of a subscription state machine
// per op.
func BenchmarkChainRows(b *testing.B) {
	ps := &input.Reader{}
	m := behavior.ParseStateModel(tree(map[string]any{"initial_state": "t", "states": map[string]any{
		"t": map[string]any{"next_states": map[string]any{"a": 0.6, "c": 0.1}},
		"a": map[string]any{"next_states": map[string]any{"p": 0.02, "c": 0.01}},
		"p": map[string]any{"next_states": map[string]any{"a": 0.3, "c": 0.1}},
		"c": map[string]any{"terminal": true},
	}}), "m", ps)
	if ps.Problems().HasErrors() {
		b.Fatal(ps.Problems())
	}
	c := NewChain(m, rng.NewKey(1, "s"), nil, us("2000-01-01T00:00:00Z"), us("2024-12-31T00:00:00Z"), nil, 0)
	buf := make([]ChainRow, 0, 400)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for p := int64(0); rows < b.N; p++ {
		buf = c.Rows(p, math.MaxInt64, buf[:0])
		rows += len(buf)
	}
}
