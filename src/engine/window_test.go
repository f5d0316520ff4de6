package engine_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"datagen/src/engine"
	"datagen/src/plan"
)

// windowRows generates p over window w and returns every table's data
// lines (without the header), in written order.
func windowRows(t *testing.T, p *plan.Plan, w *engine.Window, workers int) map[string][]string {
	t.Helper()
	out := generateCSV(t, p, engine.Options{Seed: 42, Workers: workers, BlockRows: 257, Window: w})
	rows := map[string][]string{}
	for id, b := range out {
		lines := strings.SplitAfter(string(b), "\n")
		rows[id] = lines[1 : len(lines)-1]
	}
	return rows
}

func mustWindow(t *testing.T, from, until time.Time) *engine.Window {
	t.Helper()
	w, err := engine.NewWindow(from, until)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWindowsCompose checks the invariant of time windows on the bundled
// examples and templates: three consecutive windows together hold exactly the rows of
// one run over their union, with 1 and 8 workers; every row of a window
// has its time inside it; a table without a time column is written in
// the first window only.
func TestWindowsCompose(t *testing.T) {
	var paths []string
	for _, pat := range []string{"../../example/*.json", "../../docs/examples/*.json", "../templates/data/*.json"} {
		m, _ := filepath.Glob(pat)
		paths = append(paths, m...)
	}
	if len(paths) < 3 {
		t.Fatalf("found only %d examples", len(paths))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := loadPlan(t, path, true)
			tf := p.Schema.Timeframe
			span, end := tf.End.Sub(tf.Start), tf.End.Add(time.Second)
			if tf.Open {
				// An open timeline: three windows of 20 days.
				span = 60 * 24 * time.Hour
				end = tf.Start.Add(span)
			}
			cuts := []time.Time{tf.Start, tf.Start.Add(span / 3), tf.Start.Add(2 * span / 3), end}
			union := windowRows(t, p, mustWindow(t, cuts[0], cuts[3]), 8)
			timed := 0
			for _, tb := range p.Order {
				if tb.Time >= 0 {
					timed++
				}
			}
			if timed == 0 {
				t.Fatal("no table has a time column")
			}
			for _, workers := range []int{1, 8} {
				joined := map[string][]string{}
				for k := 0; k < 3; k++ {
					got := windowRows(t, p, mustWindow(t, cuts[k], cuts[k+1]), workers)
					for _, tb := range p.Order {
						rows := got[tb.ID()]
						if tb.Time < 0 && !tb.ParentTime && k > 0 && len(rows) > 0 {
							t.Errorf("%s has no time column but window %d wrote %d rows of it", tb.ID(), k, len(rows))
						}
						if tb.Time >= 0 && len(union[tb.ID()]) > 100 && len(rows) == 0 {
							t.Errorf("%s: window %d is empty", tb.ID(), k)
						}
						joined[tb.ID()] = append(joined[tb.ID()], rows...)
					}
				}
				for _, tb := range p.Order {
					want := union[tb.ID()]
					got := joined[tb.ID()]
					sort.Strings(want)
					sort.Strings(got)
					if strings.Join(got, "") != strings.Join(want, "") {
						t.Errorf("workers %d: table %s: the three windows hold %d rows, the union %d, or other rows", workers, tb.ID(), len(got), len(want))
					}
				}
			}
		})
	}
}

// TestWindowsWithParts checks that the parts of a window together hold
// the window's rows, for a fixed timeframe and an open timeline.
func TestWindowsWithParts(t *testing.T) {
	for _, path := range []string{"../../example/shop.json", "../../docs/examples/shop_stream.json"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := loadPlan(t, path, true)
			from := p.Schema.Timeframe.Start.Add(30 * 24 * time.Hour)
			w := mustWindow(t, from, from.Add(20*24*time.Hour))
			whole := generateCSV(t, p, engine.Options{Seed: 42, Window: w})
			const parts = 3
			joined := map[string][]string{}
			for k := 0; k < parts; k++ {
				got := generateCSV(t, p, engine.Options{Seed: 42, Window: w, Parts: parts, Part: k, BlockRows: 333})
				for id, b := range got {
					lines := strings.SplitAfter(string(b), "\n")
					joined[id] = append(joined[id], lines[1:len(lines)-1]...)
				}
			}
			for id, b := range whole {
				lines := strings.SplitAfter(string(b), "\n")
				want := lines[1 : len(lines)-1]
				got := joined[id]
				sort.Strings(want)
				sort.Strings(got)
				if strings.Join(got, "") != strings.Join(want, "") {
					t.Errorf("table %s: %d rows in the parts, %d in the window", id, len(got), len(want))
				}
			}
			if len(joined["orders"]) == 0 {
				t.Error("no order in the window")
			}
		})
	}
}

// reviewNode is a fact without a time column of its own under orders.
const reviewNode = `{"id": "review", "kind": "fact", "parents": ["orders"], "pk": "review_id",
  "fanout": {"distribution": "uniform", "min": 0, "max": 1},
  "columns": [
    {"name": "review_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.order_id"}}},
    {"name": "rating", "type": "int", "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 5}}}}
  ]}`

// TestWindowsChildWithoutTime checks that a fact without a time column of
// its own is written in the windows of its primary parent rows: windows
// add up, and each review is in its order's window.
func TestWindowsChildWithoutTime(t *testing.T) {
	for _, path := range []string{"../../docs/examples/shop_stream.json", "../../example/shop.json"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := withNodes(t, path, reviewNode)
			if r := p.ByID["review"]; r.Time >= 0 || !r.ParentTime {
				t.Fatalf("review: time %d, parent time %v", r.Time, r.ParentTime)
			}
			start := p.Schema.Timeframe.Start
			cuts := []time.Time{start, start.Add(31 * 24 * time.Hour), start.Add(90 * 24 * time.Hour)}
			union := windowRows(t, p, mustWindow(t, cuts[0], cuts[2]), 2)
			var joined []string
			for k := 0; k < 2; k++ {
				got := windowRows(t, p, mustWindow(t, cuts[k], cuts[k+1]), 2)
				if len(got["review"]) == 0 {
					t.Errorf("window %d: no review", k)
				}
				// Every review's order is in the same window.
				orders := map[string]bool{}
				for _, l := range got["orders"] {
					orders[strings.SplitN(l, ",", 2)[0]] = true
				}
				for _, l := range got["review"] {
					if id := strings.Split(l, ",")[1]; !orders[id] {
						t.Fatalf("window %d: review %q of an order outside the window", k, strings.TrimSpace(l))
					}
				}
				joined = append(joined, got["review"]...)
			}
			want := union["review"]
			sort.Strings(want)
			sort.Strings(joined)
			if strings.Join(joined, "") != strings.Join(want, "") {
				t.Errorf("the two windows hold %d reviews, their union %d, or other rows", len(joined), len(want))
			}
		})
	}
}

// voteNode and flagNode are facts without a time column under review:
// a grandchild and a great-grandchild of orders.
const (
	voteNode = `{"id": "review_vote", "kind": "fact", "parents": ["review"], "pk": "vote_id",
  "fanout": {"distribution": "uniform", "min": 0, "max": 2},
  "columns": [
    {"name": "vote_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "review_id", "type": "int", "generator": {"lookup": {"from": "review.review_id"}}}
  ]}`
	flagNode = `{"id": "vote_flag", "kind": "fact", "parents": ["review_vote"], "pk": "flag_id",
  "fanout": {"distribution": "uniform", "min": 0, "max": 2},
  "columns": [
    {"name": "flag_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "vote_id", "type": "int", "generator": {"lookup": {"from": "review_vote.vote_id"}}}
  ]}`
)

// withNodes returns the plan of the schema at path with nodes added.
func withNodes(t *testing.T, path string, nodes ...string) *plan.Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		var node any
		if err := json.Unmarshal([]byte(n), &node); err != nil {
			t.Fatal(err)
		}
		doc["nodes"] = append(doc["nodes"].([]any), node)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return parsePlan(t, b, false)
}

// TestWindowsGrandchildWithoutTime checks that tables without a time
// column take their primary parent's time at any depth: a review's votes
// and their flags are written in the window of the review's order, and
// three consecutive windows hold exactly the rows of one run, with 1 and
// 8 workers, in a fixed timeframe and an open timeline.
func TestWindowsGrandchildWithoutTime(t *testing.T) {
	for _, path := range []string{"../../example/shop.json", "../../docs/examples/shop_stream.json"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := withNodes(t, path, reviewNode, voteNode, flagNode)
			for _, id := range []string{"review", "review_vote", "vote_flag"} {
				if tb := p.ByID[id]; tb.Time >= 0 || !tb.ParentTime {
					t.Fatalf("%s: time %d, parent time %v", id, tb.Time, tb.ParentTime)
				}
			}
			start := p.Schema.Timeframe.Start
			cuts := []time.Time{start, start.Add(20 * 24 * time.Hour), start.Add(41 * 24 * time.Hour), start.Add(60 * 24 * time.Hour)}
			union := windowRows(t, p, mustWindow(t, cuts[0], cuts[3]), 8)
			for _, workers := range []int{1, 8} {
				joined := map[string][]string{}
				for k := 0; k < 3; k++ {
					got := windowRows(t, p, mustWindow(t, cuts[k], cuts[k+1]), workers)
					// Every row's parent is in the same window.
					for _, link := range []struct{ child, parent string }{
						{"review", "orders"}, {"review_vote", "review"}, {"vote_flag", "review_vote"},
					} {
						if len(got[link.child]) == 0 {
							t.Errorf("workers %d, window %d: no %s", workers, k, link.child)
						}
						in := map[string]bool{}
						for _, l := range got[link.parent] {
							in[strings.SplitN(l, ",", 2)[0]] = true
						}
						for _, l := range got[link.child] {
							if id := strings.Split(strings.TrimSpace(l), ",")[1]; !in[id] {
								t.Fatalf("workers %d, window %d: %s %q of a %s outside the window", workers, k, link.child, strings.TrimSpace(l), link.parent)
							}
						}
					}
					for id, rows := range got {
						joined[id] = append(joined[id], rows...)
					}
				}
				for _, id := range []string{"orders", "review", "review_vote", "vote_flag"} {
					want, got := slices.Clone(union[id]), joined[id]
					if len(want) == 0 {
						t.Fatalf("no %s in one run", id)
					}
					sort.Strings(want)
					sort.Strings(got)
					if strings.Join(got, "") != strings.Join(want, "") {
						t.Errorf("workers %d: %s: the three windows hold %d rows, one run over their union %d, or other rows", workers, id, len(got), len(want))
					}
				}
			}
			// Three parts of a window, every fact split by parent range,
			// hold the window's rows.
			w := mustWindow(t, cuts[1], cuts[2])
			whole := generateCSV(t, p, engine.Options{Seed: 42, Window: w})
			joined := map[string][]string{}
			for k := 0; k < 3; k++ {
				opts := engine.WithSplitMin(engine.Options{Seed: 42, Window: w, Parts: 3, Part: k, BlockRows: 333}, 1)
				for id, b := range generateCSV(t, p, opts) {
					lines := strings.SplitAfter(string(b), "\n")
					joined[id] = append(joined[id], lines[1:len(lines)-1]...)
				}
			}
			for _, id := range []string{"review", "review_vote", "vote_flag"} {
				lines := strings.SplitAfter(string(whole[id]), "\n")
				want, got := lines[1:len(lines)-1], joined[id]
				sort.Strings(want)
				sort.Strings(got)
				if len(want) == 0 || strings.Join(got, "") != strings.Join(want, "") {
					t.Errorf("%s: %d rows in the parts, %d in the window", id, len(got), len(want))
				}
			}
		})
	}
}
