package engine_test

import (
	"context"
	"strings"
	"testing"

	"datagen/src/engine"
	"datagen/src/input"
)

// fastChanges is an entity of ROWS accounts whose tier may change every
// second, over one week (604,800 periods).
const fastChanges = `{"version": "1.0", "metadata": {"name": "fast"},
 "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-01-08T00:00:00Z", "freq": "h"},
 "nodes": [
  {"id": "account", "kind": "entity", "pk": "id", "rows": ROWS, "history": {"as": "versions"}, "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {"start": 1}}},
    {"name": "created_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
    {"name": "region", "type": "string", "generator": {"choice": {"choices": ["north", "south"]}}},
    {"name": "tier", "type": "string", "generator": {"choice": {"choices": ["free", "pro"]}}, "changes": {"every": "EVERY", "p": 0.5}}]}]}`

// The versions of an entity with history count in the estimate: entities
// × (1 + p × periods) rows, the expanded blocks in the memory (one
// entity's versions make one block), the row bound of a table.
func TestHistoryVersionsAreEstimated(t *testing.T) {
	p := parsePlan(t, []byte(strings.NewReplacer("ROWS", "1000", "EVERY", "1s").Replace(fastChanges)), false)
	est, err := engine.EstimatePlan(p, engine.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if te := est.Tables[0]; te.Rows != 1000 || te.Versions != 1000*(1+0.5*604800) {
		t.Errorf("rows %g, versions %g; want 1000 and %g", te.Rows, te.Versions, 1000*(1+0.5*604800.0))
	}
	// 2 workers × 7 columns × 302,401 versions × 48 bytes.
	if est.Bytes < 2*7*302401*48 {
		t.Errorf("estimate %s does not hold one entity's versions per worker", engine.FormatBytes(est.Bytes))
	}
	_, err = engine.Run(context.Background(), p, engine.Options{Seed: 1, Workers: 2, MaxMemory: 150 << 20})
	if err == nil || !input.IsUser(err) || !strings.Contains(err.Error(), `more than the limit of 150.0 MiB (most for the blocks in flight, the largest of table "account", which writes 3.024e+08 versions of 1000 entities`) {
		t.Errorf("150 MiB limit: %v", err)
	}
	// A daily change keeps the estimate small.
	slow := parsePlan(t, []byte(strings.NewReplacer("ROWS", "1000", "EVERY", "1d").Replace(fastChanges)), false)
	if est, err := engine.EstimatePlan(slow, engine.Options{Workers: 2}); err != nil || est.Tables[0].Versions != 1000*4.5 || est.Bytes > 20<<20 {
		t.Errorf("daily: %+v, %v", est, err)
	}
	// 5 million accounts × 302,401 versions is more than a table may hold.
	huge := parsePlan(t, []byte(strings.NewReplacer("ROWS", "5000000", "EVERY", "1s").Replace(fastChanges)), false)
	_, err = engine.EstimatePlan(huge, engine.Options{})
	want := `table "account": nodes[0](account).columns[3](tier).changes: 1.512e+12 versions (5e+06 entities × 3.024e+05 expected versions each, "every": "1s", "p": 0.5) is more than the limit of 1e+12 rows per table`
	if err == nil || !input.IsUser(err) || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// The versions a lookup reads at a time are kept for the run and count in
// the estimate of their table: an offset per entity and, per expected
// change, its instant and value.
func TestLookedUpVersionsAreEstimated(t *testing.T) {
	doc := strings.NewReplacer("ROWS", "1000", "EVERY", "1h").Replace(fastChanges)
	reader := `,
  {"id": "orders", "kind": "fact", "pk": "id", "parents": ["account"], "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {"start": 1}}},
    {"name": "tier", "type": "string", "generator": {"lookup": {"from": "account.TIER"}}}]}]}`
	bytes := func(col string) int64 {
		p := parsePlan(t, []byte(strings.TrimSuffix(doc, "]}")+strings.Replace(reader, "TIER", col, 1)), false)
		est, err := engine.EstimatePlan(p, engine.Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		return est.Tables[0].Bytes
	}
	// 1000 × 0.5 × 168 hourly changes of 8 + 33 bytes, and 1001 offsets.
	want := int64(1001*8 + 84000*41)
	if got := bytes("tier") - bytes("region"); got != want {
		t.Errorf("the looked-up versions add %d bytes to the estimate, want %d", got, want)
	}
}
