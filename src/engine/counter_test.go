package engine

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"datagen/src/dsl"
	"datagen/src/plan"
	"datagen/src/rng"
)

// TestCounterDrawsWhatDrawCountDraws: the streamed child counts are the
// counts of drawCount, clamped, for every fanout distribution.
func TestCounterDrawsWhatDrawCountDraws(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	f64 := func(v float64) *float64 { return &v }
	for _, f := range []*dsl.Fanout{
		nil,
		{Distribution: "uniform", Min: i64(5), Max: i64(15)},
		{Distribution: "uniform", Min: i64(0), Max: i64(3), Clamp: []int64{1, 2}},
		{Distribution: "empirical", Min: i64(1), Weights: []float64{3, 2, 1}},
		{Distribution: "empirical", Weights: []float64{0, 0.5, 0, 0.25}},
		{Distribution: "poisson", Lambda: f64(3), Max: i64(9)},
		{Distribution: "poisson", Lambda: f64(40), Min: i64(30), Clamp: []int64{35, 45}},
		{Distribution: "poisson", Lambda: f64(10)},
		{Distribution: "poisson", Lambda: f64(0.5), Min: i64(1)},
		{Distribution: "poisson"},
	} {
		key := rng.TableKey(7, "fact", "fanout")
		c := newCounter(f, key)
		got := make([]int64, 5000)
		c.fill(123456, got)
		r := rng.NewRand()
		for i, k := range got {
			r.Reset(key, 123456+int64(i))
			want := max(drawCount(f, r), 0)
			if f != nil && len(f.Clamp) == 2 {
				want = min(max(want, f.Clamp[0]), f.Clamp[1])
			}
			if k != want {
				t.Fatalf("fanout %+v, parent %d: %d children, drawCount gives %d", f, 123456+i, k, want)
			}
		}
	}
}

// TestStreamCountsStopsWhenCancelled: the count stream over the parents
// returns the table's cancellation instead of counting them all, and
// counts them all otherwise.
func TestStreamCountsStopsWhenCancelled(t *testing.T) {
	data, err := os.ReadFile("testdata/scale.json")
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := dsl.Parse(data, dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(s)
	if err != nil {
		t.Fatal(err)
	}
	e := &engine{p: p, opts: Options{Seed: 1, Workers: 2}}
	orders := p.ByID["orders"]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := e.streamCounts(ctx, orders, 0, 1<<24, nil, 0, nil); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `table "orders"`) {
		t.Fatalf("cancelled stream: %v, want the table's cancellation", err)
	}
	// The fanout is uniform 5–15: 10 children a parent on average.
	_, total, err := e.streamCounts(context.Background(), orders, 0, 1<<16, nil, 0, nil)
	if err != nil || total < 9<<16 || total > 11<<16 {
		t.Fatalf("stream of 65,536 parents: %d children, %v", total, err)
	}
}
