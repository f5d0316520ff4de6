package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"datagen/src/engine"
	"datagen/src/plan"
)

// chainDoc is a chain of facts, each read at its children's parent rows:
// customers → orders → lines, with lifetimes and sequential instants.
const chainDoc = `{"version": "1.0", "metadata": {"name": "chain"},
 "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z", "freq": "h"},
 "nodes": [
  {"id": "customers", "kind": "entity", "rows": 3000, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "since", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
    {"name": "tier", "type": "string", "nullable": true, "null_rate": 0.1, "generator": {"choice": {"choices": ["a", "b"]}}}]},
  {"id": "orders", "kind": "fact", "parents": ["customers"], "pk": "id", "fanout": {"distribution": "poisson", "lambda": 3, "max": 9},
   "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customers.id"}}},
    {"name": "tier", "type": "string", "nullable": true, "generator": {"lookup": {"from": "customers.tier"}}},
    {"name": "at", "type": "datetime", "nullable": true, "generator": {"datetime_series": {"within": {"start_col": "customers.since"}, "freq": "h"}}}]},
  {"id": "lines", "kind": "fact", "parents": ["orders"], "pk": "id", "fanout": {"distribution": "empirical", "min": 1, "weights": [3, 2, 1]},
   "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.id"}}},
    {"name": "tier", "type": "string", "nullable": true, "generator": {"lookup": {"from": "orders.tier"}}},
    {"name": "shipped", "type": "datetime", "nullable": true, "generator": {"datetime_series": {"within": {"start_col": "orders.at"}, "freq": "D", "sequential": true}}}]}
 ]}`

// twoParentsDoc is a fact of two large parents: the second one is read by
// random lookups of its key, a sequence that the lookup computes, so no
// part holds it whole; its "model" column, copied by "sessions", is read
// at random rows: MODEL replaced by a lookup of it makes devices whole.
const twoParentsDoc = `{"version": "1.0", "metadata": {"name": "two"},
 "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z", "freq": "h"},
 "nodes": [
  {"id": "users", "kind": "entity", "rows": 2000, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {"start": 7, "step": 2}}},
    {"name": "plan", "type": "string", "generator": {"choice": {"choices": ["free", "pro"]}}}]},
  {"id": "devices", "kind": "entity", "rows": 1500, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {"start": 100, "step": 3}}},
    {"name": "model", "type": "string", "generator": {"choice": {"choices": ["a", "b", "c"]}}}]},
  {"id": "sessions", "kind": "fact", "parents": ["users", "devices"], "pk": "id", "fanout": {"distribution": "poisson", "lambda": 4},
   "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "user_id", "type": "int", "generator": {"lookup": {"from": "users.id"}}},
    {"name": "plan", "type": "string", "generator": {"lookup": {"from": "users.plan"}}},
    {"name": "device_id", "type": "int", "generator": {"lookup": {"from": "devices.id"}}},
    {"name": "at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "min"}}}MODEL]}
 ]}`

// partSchemas are the schemas whose parts are checked against the single
// run: the bundled examples and the engine's test schemas (a path, or a
// document).
func partSchemas() map[string]string {
	m := map[string]string{"mini": "testdata/mini.json", "aggregate": "testdata/aggregate.json", "scale": "testdata/scale.json",
		"lifetime": lifetimeDoc, "chain": chainDoc,
		"two parents":        strings.Replace(twoParentsDoc, "MODEL", "", 1),
		"two parents, model": strings.Replace(twoParentsDoc, "MODEL", modelColumn, 1)}
	for name, path := range goldenSchemas {
		m[name] = path
	}
	return m
}

// TestPartsUnionIsTheWholeRun splits every schema into 1, 3 and 7 parts,
// with 1 and 4 workers, with facts split by parent range (the minimum of
// parents per part lowered to 1 so that small schemas exercise it) and by
// default, and a preview (every table capped) into 3 parts, and with the
// count index (BuildIndex): the parts' rows, concatenated in part order,
// are the single run's rows byte for byte.
func TestPartsUnionIsTheWholeRun(t *testing.T) {
	cases := []struct {
		parts, workers int
		splitMin       int64
		sample         int64
		index          bool
	}{
		{1, 1, 1, 0, false}, {3, 1, 0, 0, false}, {3, 4, 1, 0, false}, {7, 4, 0, 0, false}, {7, 1, 1, 0, false}, {3, 2, 1, 150, false},
		{7, 2, 1, 0, true}, {3, 1, 1, 150, true},
	}
	for name, path := range partSchemas() {
		t.Run(name, func(t *testing.T) {
			var p *plan.Plan
			if strings.HasPrefix(path, "{") {
				p = parsePlan(t, []byte(path), false)
			} else {
				p = loadPlan(t, path, true)
			}
			scale := 0.2
			if name == "scale" {
				scale = 2e-5 // 2,000 customers
			}
			wholes := map[int64]map[string][]byte{}
			for _, c := range cases {
				if wholes[c.sample] == nil {
					wholes[c.sample] = generateCSV(t, p, engine.Options{Seed: 42, Scale: scale, Workers: 4, BlockRows: 97, SampleRows: c.sample})
				}
				whole := wholes[c.sample]
				joined := map[string]*bytes.Buffer{}
				var index *engine.CountIndex
				if c.index {
					var err error
					index, err = engine.BuildIndex(context.Background(), p, engine.WithSplitMin(engine.Options{Seed: 42, Scale: scale, Workers: c.workers, Parts: c.parts, SampleRows: c.sample}, c.splitMin))
					if err != nil {
						t.Fatal(err)
					}
				}
				for k := 0; k < c.parts; k++ {
					opts := engine.WithSplitMin(engine.Options{Seed: 42, Scale: scale, Workers: c.workers, Parts: c.parts, Part: k, BlockRows: 61, SampleRows: c.sample, Index: index}, c.splitMin)
					for id, b := range generateCSV(t, p, opts) {
						if joined[id] == nil {
							joined[id] = &bytes.Buffer{}
						}
						_, body, _ := strings.Cut(string(b), "\n") // each part has a header
						joined[id].WriteString(body)
						// No part holds every row of a table of many rows
						// (a preview keeps the first children, of the
						// first parents: they may all be in part 0).
						if rows := strings.Count(string(whole[id]), "\n") - 1; c.parts > 1 && c.sample == 0 && rows >= 10*c.parts && len(b) == len(whole[id]) {
							t.Errorf("%s: table %s: part %d of %d holds all %d rows", name, id, k, c.parts, rows)
						}
					}
				}
				for id, b := range whole {
					_, want, _ := strings.Cut(string(b), "\n")
					if got := joined[id].String(); got != want {
						t.Errorf("%s: table %s: %d parts (%d workers, split minimum %d, sample %d, index %v) concatenated differ from the single run: %s",
							name, id, c.parts, c.workers, c.splitMin, c.sample, c.index, firstDiff(got, want))
					}
				}
			}
		})
	}
}

// firstDiff describes where two CSV bodies first differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < min(len(g), len(w)); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("row %d is %q, want %q", i, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d rows, want %d", len(g)-1, len(w)-1)
}

// TestPartLayouts: a fact of a large parent is split by parent range and
// holds its part's parents only; a parent read only at its children's
// parent rows is computed for the part alone; a parent that a table also
// reads at random rows (here a self-lookup) is computed whole.
func TestPartLayouts(t *testing.T) {
	for _, c := range []struct {
		path     string
		opts     engine.Options
		splitMin int64
		want     map[string]string
	}{
		{"testdata/scale.json", engine.Options{Parts: 1000}, 0, map[string]string{"customers": "", "orders": "split relative"}},
		{"testdata/scale.json", engine.Options{Parts: 1000, Scale: 1e-3}, 0, map[string]string{"customers": "", "orders": "split relative"}},
		// 1,000 customers are fewer than 100 per part: the orders are
		// split evenly and the customers held whole.
		{"testdata/scale.json", engine.Options{Parts: 1000, Scale: 1e-5}, 0, map[string]string{"customers": "whole", "orders": ""}},
		{"testdata/mini.json", engine.Options{Parts: 3}, 1, map[string]string{"account": "whole", "txn": "split relative", "promo": "whole", "status": "whole"}},
		{"testdata/mini.json", engine.Options{Parts: 3}, 0, map[string]string{"account": "whole", "txn": "split relative", "promo": "whole", "status": "whole"}},
		{"testdata/mini.json", engine.Options{Parts: 8}, 0, map[string]string{"account": "whole", "txn": "", "promo": "whole", "status": "whole"}},
		// Orders aggregate their lines: a part scans the lines of its own
		// orders; the products, read at random rows, are held whole.
		{"../../example/shop.json", engine.Options{Parts: 10, Scale: 100}, 0,
			map[string]string{"customer": "", "orders": "split relative", "order_line": "split relative", "product": "whole", "promotion": "whole"}},
	} {
		p := loadPlan(t, c.path, false)
		got, err := engine.Layouts(p, engine.WithSplitMin(c.opts, c.splitMin))
		if err != nil {
			t.Fatal(err)
		}
		for id, want := range c.want {
			if got[id] != want {
				t.Errorf("%s, %d parts, scale %g: %s is %q, want %q", c.path, c.opts.Parts, c.opts.Scale, id, got[id], want)
			}
		}
	}
}

// TestPartEstimateIsItsShare: the memory estimate of one part of the
// benchmark schema (100 million customers, a billion orders) holds the
// customers' columns and the orders' offsets for a thousandth of the
// customers; the whole run holds all of them.
func TestPartEstimateIsItsShare(t *testing.T) {
	p := loadPlan(t, "testdata/scale.json", false)
	whole, err := engine.EstimatePlan(p, engine.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	part, err := engine.EstimatePlan(p, engine.Options{Workers: 2, Parts: 1000, Part: 999})
	if err != nil {
		t.Fatal(err)
	}
	// customer_id, signup_at (9 bytes a value), segment (33 bytes) kept,
	// and an offset (8 bytes) per customer.
	const perCustomer = 9 + 9 + 33 + 8
	if got, want := whole.Tables[0].Bytes, int64(1e8*perCustomer+8); got != want {
		t.Errorf("whole run: customers hold %d bytes, want %d", got, want)
	}
	if got, want := part.Tables[0].Bytes, int64(1e5*perCustomer+8); got != want {
		t.Errorf("part: customers hold %d bytes, want %d", got, want)
	}
	if part.Bytes > 300<<20 {
		t.Errorf("part: %s estimated, more than 300 MiB", engine.FormatBytes(part.Bytes))
	}
	if whole.Tables[1].Rows != 1e9 || part.Tables[1].Rows != 1e9 {
		t.Errorf("orders: %g and %g rows estimated, want 1e9 (the table's rows, all parts)", whole.Tables[1].Rows, part.Tables[1].Rows)
	}
}

const modelColumn = `,
    {"name": "model", "type": "string", "generator": {"lookup": {"from": "devices.model"}}}`

// TestRandomLookupsOfKeysKeepNoParentWhole: a part holds a second parent
// only for its own rows when its children look up its key (a sequence,
// computed at the looked-up row), whole when they copy another column.
func TestRandomLookupsOfKeysKeepNoParentWhole(t *testing.T) {
	for model, want := range map[string]string{"": "", modelColumn: "whole"} {
		p := parsePlan(t, []byte(strings.Replace(twoParentsDoc, "MODEL", model, 1)), false)
		got, err := engine.Layouts(p, engine.Options{Parts: 7})
		if err != nil {
			t.Fatal(err)
		}
		if got["devices"] != want || got["users"] != "" || got["sessions"] != "split relative" {
			t.Errorf("with model %t: layouts %v, want devices %q", model != "", got, want)
		}
	}
}

// TestChainLayouts: in a chain of facts read at their children's parent
// rows, every table is computed for the part alone.
func TestChainLayouts(t *testing.T) {
	p := parsePlan(t, []byte(chainDoc), false)
	got, err := engine.Layouts(p, engine.Options{Parts: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"customers": "", "orders": "split relative", "lines": "split relative"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s is %q, want %q", id, got[id], w)
		}
	}
}
