package engine_test

import (
	"path/filepath"
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
						if tb.Time < 0 && k > 0 && len(rows) > 0 {
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
