package engine_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"datagen/src/engine"
	"datagen/src/input"
)

const hugeParent = `{"version": "1.0", "metadata": {"name": "huge"},
 "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T00:00:00Z", "freq": "D"},
 "nodes": [
  {"id": "customer", "kind": "entity", "pk": "id", "rows": ROWS, "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}}]},
  {"id": "order", "kind": "fact", "pk": "oid", "parents": ["customer"],
   "fanout": {"distribution": "poisson", "lambda": 2, "min": 0, "max": 10}, "columns": [
    {"name": "oid", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "cid", "type": "int", "generator": {"lookup": {"from": "customer.id"}}}]}]}`

// A table that others read is kept in memory whole: a run that would need
// more memory than the limit is refused before anything is generated, with
// the estimate and the limit, instead of dying out of memory.
func TestHugeParentIsRefusedUpFront(t *testing.T) {
	p := parsePlan(t, []byte(strings.Replace(hugeParent, "ROWS", "100000000000", 1)), false)
	_, err := engine.Run(context.Background(), p, engine.Options{Seed: 1})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"the run needs about 1.5 TiB of memory, more than the limit of 8.0 GiB", `table "customer"`, "--max-memory"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if !input.IsUser(err) {
		t.Errorf("not a user error: %v", err)
	}
	est, err := engine.EstimatePlan(p, engine.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if est.Tables[0].Rows != 1e11 || est.Tables[1].Rows != 2e11 {
		t.Errorf("rows %+v", est.Tables)
	}
	// The limit is settable: 100k customers need about 4.2 MiB (ids kept,
	// offsets) plus the blocks in flight.
	small := parsePlan(t, []byte(strings.Replace(hugeParent, "ROWS", "100000", 1)), false)
	if _, err := engine.Run(context.Background(), small, engine.Options{Seed: 1, Workers: 1, MaxMemory: 1 << 20}); err == nil ||
		!strings.Contains(err.Error(), "more than the limit of 1.0 MiB") {
		t.Errorf("1 MiB limit: %v", err)
	}
	if _, err := engine.Run(context.Background(), small, engine.Options{Seed: 1, Workers: 1}); err != nil {
		t.Errorf("default limit: %v", err)
	}
}

// Scales that are not finite or too large, and row counts beyond the
// bound, are user errors before anything runs (no panic, no empty table).
func TestScaleAndRowBounds(t *testing.T) {
	p := parsePlan(t, []byte(strings.Replace(hugeParent, "ROWS", "3000", 1)), false)
	for _, c := range []struct {
		scale float64
		want  string
	}{
		{math.NaN(), "scale must be a number greater than 0 and at most 1e+06, got NaN"},
		{math.Inf(1), "got +Inf"},
		{1e15, "got 1e+15"},
	} {
		_, err := engine.Run(context.Background(), p, engine.Options{Seed: 1, Scale: c.scale, MaxMemory: 1 << 62})
		if err == nil || !strings.Contains(err.Error(), c.want) || !input.IsUser(err) {
			t.Errorf("scale %g: %v, want %q", c.scale, err, c.want)
		}
	}
	wide := parsePlan(t, []byte(strings.Replace(hugeParent, "ROWS", "2000000", 1)), false)
	_, err := engine.Run(context.Background(), wide, engine.Options{Seed: 1, Scale: 1e6, MaxMemory: 1 << 62})
	if err == nil || !strings.Contains(err.Error(), `table "customer": 2e+12 rows (rows × scale, scale 1e+06) is more than the limit of 1e+12 rows per table`) {
		t.Errorf("scaled rows: %v", err)
	}
	big := parsePlan(t, []byte(strings.Replace(hugeParent, "ROWS", "600000000000", 1)), false)
	_, err = engine.Run(context.Background(), big, engine.Options{Seed: 1, MaxMemory: 1 << 62})
	if err == nil || !strings.Contains(err.Error(), `table "order": 1.2e+12 rows ("customer" rows × mean fanout, scale 1) is more than the limit of 1e+12 rows per table`) {
		t.Errorf("rows: %v", err)
	}
}
