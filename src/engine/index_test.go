package engine_test

import (
	"context"
	"strings"
	"testing"

	"datagen/src/engine"
)

// TestCountIndex checks the count index of a chain of facts split by
// parent range: its starts are the rows each part writes, and an index
// of another run is refused with an error that says so.
func TestCountIndex(t *testing.T) {
	p := parsePlan(t, []byte(chainDoc), false)
	const parts = 3
	base := engine.WithSplitMin(engine.Options{Seed: 42, Scale: 1, Workers: 2, Parts: parts}, 1)
	idx, err := engine.BuildIndex(context.Background(), p, base)
	if err != nil {
		t.Fatal(err)
	}
	if idx.Parts != parts || len(idx.Facts) != 2 {
		t.Fatalf("index of %d parts with %d facts, want %d parts, orders and lines: %+v", idx.Parts, len(idx.Facts), parts, idx)
	}
	// The rows each part writes, from the parts themselves.
	written := map[string][]int64{}
	for k := range parts {
		o := base
		o.Part = k
		for id, b := range generateCSV(t, p, o) {
			written[id] = append(written[id], int64(strings.Count(string(b), "\n")-1))
		}
	}
	for _, id := range []string{"orders", "lines"} {
		f, ok := idx.Facts[id]
		if !ok {
			t.Fatalf("no index for %s: %+v", id, idx)
		}
		if len(f.Starts) != parts+1 || f.Starts[0] != 0 {
			t.Fatalf("%s: starts %v, want %d starting at 0", id, f.Starts, parts+1)
		}
		for k := range parts {
			if got := f.Starts[k+1] - f.Starts[k]; got != written[id][k] {
				t.Errorf("%s: the index gives part %d %d rows, the part wrote %d", id, k, got, written[id][k])
			}
		}
	}
	if got, want := idx.Facts["orders"].Parents, int64(3000); got != want {
		t.Errorf("orders: %d parents in the index, want %d", got, want)
	}

	other := func(mod func(o *engine.Options)) *engine.CountIndex {
		o := base
		mod(&o)
		x, err := engine.BuildIndex(context.Background(), p, o)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	cases := []struct {
		name  string
		index *engine.CountIndex
		want  string
	}{
		{"another seed", other(func(o *engine.Options) { o.Seed = 7 }), `table "orders": the count index does not match table "orders": the children of part 1's parents end at row`},
		{"another scale", other(func(o *engine.Options) { o.Scale = 0.5 }), `table "orders": the count index was computed for 1500 rows of "customers", this run has 3000`},
		{"another number of parts", other(func(o *engine.Options) { o.Parts = 4 }), `the count index was computed for 4 parts, this run has 3`},
		{"another schema", &engine.CountIndex{Parts: parts, Facts: map[string]engine.IndexedFact{}}, `the count index has no entry for table "orders"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := base
			o.Part, o.Index = 1, c.index
			_, err := engine.Run(context.Background(), p, o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error with %q", err, c.want)
			}
		})
	}
}
