package engine_test

import (
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"datagen/src/engine"
	"datagen/src/plan"
)

// TestOpenTimelinePartsAcrossHorizons runs the parts of an open timeline
// as scheduled runs would: each part its own sequence of windows, cut at
// other instants than the other parts' (so each window reaches another
// horizon), all ending at one instant. The parts' windows together hold
// exactly the rows of one run up to that instant, each row once, and the
// parts are about even in every window.
func TestOpenTimelinePartsAcrossHorizons(t *testing.T) {
	for _, path := range []string{"../../docs/examples/shop_stream.json", "../../docs/examples/saas_stream.json", "versions", "events"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			var p *plan.Plan
			if strings.HasSuffix(path, ".json") {
				p = loadPlan(t, path, true)
			} else {
				p = parsePlan(t, []byte(strings.Replace(openHistoryDoc, "VERSIONS", path, 1)), false)
			}
			start := p.Schema.Timeframe.Start
			day := 24 * time.Hour
			end := start.Add(60 * day)
			want := windowRows(t, p, mustWindow(t, time.Time{}, end), 2)
			// Part k cuts its windows at its own instants.
			cuts := [][]time.Time{
				{start.Add(10*day + 7*time.Hour), start.Add(40 * day)},
				{start.Add(25 * day), start.Add(41*day + 3*time.Hour), start.Add(59 * day)},
				{start.Add(3 * day)},
			}
			const parts = 3
			got := map[string][]string{}
			// Versions are merged as an SCD2 load does: a window's row
			// replaces an earlier window's of the same customer_id and
			// valid_from (fields 0 and 3).
			merged := map[string]string{}
			for k := range parts {
				from := time.Time{}
				for _, until := range append(cuts[k], end) {
					opts := engine.Options{Seed: 42, Workers: 2, BlockRows: 257, Parts: parts, Part: k, Window: mustWindow(t, from, until)}
					for id, b := range generateCSV(t, p, opts) {
						lines := strings.SplitAfter(string(b), "\n")
						if path == "versions" && id == "customer" {
							for _, l := range lines[1 : len(lines)-1] {
								f := strings.Split(l, ",")
								merged[f[0]+","+f[3]] = l
							}
							continue
						}
						got[id] = append(got[id], lines[1:len(lines)-1]...)
					}
					from = until
				}
			}
			for _, l := range merged {
				got["customer"] = append(got["customer"], l)
			}
			for id, w := range want {
				g := got[id]
				sort.Strings(g)
				sort.Strings(w)
				if strings.Join(g, "") != strings.Join(w, "") {
					t.Errorf("%s: the parts' windows hold %d rows, one run %d, or other rows: %s", id, len(g), len(w), firstDiff(strings.Join(g, ""), strings.Join(w, "")))
				}
			}
		})
	}
}

// openHistoryDoc is an open timeline whose customers arrive and change
// plan (written as VERSIONS), with orders that copy the plan of their
// time.
const openHistoryDoc = `{"version": "1.0", "metadata": {"name": "open history"},
 "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "open", "freq": "h"},
 "nodes": [
  {"id": "customer", "kind": "entity", "pk": "customer_id", "arrivals": {"per": "day", "mean": 20}, "history": {"as": "VERSIONS"},
   "columns": [
    {"name": "customer_id", "type": "int", "generator": {"sequence": {"start": 1}}},
    {"name": "signup_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "s"}}},
    {"name": "plan", "type": "string", "generator": {"choice": {"choices": ["free", "pro", "team"]}}, "changes": {"every": "7d", "p": 0.2}}]},
  {"id": "orders", "kind": "fact", "parents": ["customer"], "pk": "order_id", "fanout": {"per": "day", "lambda": 0.3},
   "columns": [
    {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1}}},
    {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}},
    {"name": "plan", "type": "string", "generator": {"lookup": {"from": "customer.plan"}}},
    {"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "s"}}}]}
 ]}`

// TestOpenTimelinePartsEven checks that in a recent window of an open
// timeline every part writes about its share of each growing table.
func TestOpenTimelinePartsEven(t *testing.T) {
	p := loadPlan(t, "../../docs/examples/shop_stream.json", true)
	start := p.Schema.Timeframe.Start
	w := mustWindow(t, start.Add(200*24*time.Hour), start.Add(207*24*time.Hour))
	const parts = 4
	counts := map[string][]int{}
	for k := range parts {
		for id, b := range generateCSV(t, p, engine.Options{Seed: 42, Workers: 2, Parts: parts, Part: k, Window: w}) {
			counts[id] = append(counts[id], strings.Count(string(b), "\n")-1)
		}
	}
	for _, id := range []string{"customer", "orders", "order_line"} {
		total := 0
		for _, n := range counts[id] {
			total += n
		}
		if total < 200 {
			t.Fatalf("%s: only %d rows in the week", id, total)
		}
		// Each part's share: rows i with i mod 4 = k, so within one row
		// of n/4 for the tables whose rows arrive; lines follow their
		// order (a few per order), allowed 10 binomial standard
		// deviations.
		t.Logf("%s: %v", id, counts[id])
		for k, n := range counts[id] {
			mean := float64(total) / parts
			sd := 10 * math.Sqrt(float64(total)*0.25*0.75)
			if d := float64(n) - mean; d > sd || d < -sd {
				t.Errorf("%s: part %d writes %d of %d rows, want about %.0f", id, k, n, total, mean)
			}
		}
	}
}
