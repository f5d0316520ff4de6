package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// historyShop is a small schema whose entity is written as SCD2 versions:
// its parts write more rows than it has entities.
const historyShop = `{
  "version": "1.0", "metadata": {"name": "history"},
  "timeframe": {"start": "2024-01-01", "end": "2025-01-01", "freq": "D"},
  "nodes": [
    {"id": "customer", "kind": "entity", "pk": "id", "rows": 500, "history": {"as": "versions"},
     "columns": [
       {"name": "id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "created_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
       {"name": "tier", "type": "string", "generator": {"choice": {"choices": ["free", "pro", "team"]}},
        "changes": {"every": "30d", "p": 0.3}}
     ]},
    {"id": "orders", "kind": "fact", "pk": "order_id", "parents": ["customer"],
     "fanout": {"distribution": "poisson", "lambda": 2},
     "columns": [
       {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.id"}}}
     ]}
  ]
}`

// writtenRows returns the rows_written of table id in a .metadata.json.
func writtenRows(m map[string]any, id string) float64 {
	return m["tables"].(map[string]any)[id].(map[string]any)["rows_written"].(float64)
}

// runParts runs the n parts of a split run of schema into dir, one after
// the other, at the clock's now, with the extra arguments.
func runParts(t *testing.T, clock Clock, schema, dir string, n int, extra ...string) {
	t.Helper()
	for k := range n {
		args := append([]string{"generate", schema, "-o", dir, "--format", "csv", "--quiet",
			"--parts", strconv.Itoa(n), "--part", strconv.Itoa(k)}, extra...)
		if _, stderr, code := runClock(clock, args...); code != 0 {
			t.Fatalf("part %d: exit %d: %s", k, code, stderr)
		}
	}
}

// TestFinalizePartialRuns: the parts of a windowed run, of an open
// timeline and of a table with history write fewer or more rows than the
// tables have; finalize accepts them, the rows of the parts adding up to
// those of one run, and records the window. Parts of different windows
// are refused, naming the part.
func TestFinalizePartialRuns(t *testing.T) {
	history := filepath.Join(t.TempDir(), "history.json")
	if err := os.WriteFile(history, []byte(historyShop), 0o644); err != nil {
		t.Fatal(err)
	}
	now := &fakeClock{now: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		name, schema string
		args         []string
		table        string
		window       map[string]any
	}{
		{"window", shop, []string{"--from", "2025-03-01", "--until", "2025-04-01"}, "orders",
			map[string]any{"from": "2025-03-01T00:00:00Z", "until": "2025-04-01T00:00:00Z"}},
		{"open timeline", "../../docs/examples/shop_stream.json", nil, "promotion",
			map[string]any{"until": "2025-02-01T00:00:00Z"}},
		{"history", history, nil, "customer", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			whole, dir := t.TempDir(), t.TempDir()
			if _, stderr, code := runClock(now, append([]string{"generate", c.schema, "-o", whole, "--format", "csv", "--quiet"}, c.args...)...); code != 0 {
				t.Fatal(stderr)
			}
			runParts(t, now, c.schema, dir, 4, c.args...)
			part := readMeta(t, filepath.Join(dir, ".metadata.part-00002-of-00004.json"))
			if w, _ := part["window"].(map[string]any); !mapsEqual(w, c.window) {
				t.Errorf("part manifest window %v, want %v", part["window"], c.window)
			}
			if stdout, stderr, code := datagen(t, "finalize", dir, "--verify"); code != 0 {
				t.Fatalf("finalize: exit %d: %s%s", code, stdout, stderr)
			}
			single := readMeta(t, filepath.Join(whole, ".metadata.json"))
			total := readMeta(t, filepath.Join(dir, ".metadata.json"))
			if w, _ := total["window"].(map[string]any); !mapsEqual(w, c.window) {
				t.Errorf(".metadata.json window %v, want %v", total["window"], c.window)
			}
			want := writtenRows(single, c.table)
			if got := writtenRows(total, c.table); got != want || got == tableRows(total, c.table) {
				t.Errorf("%s: the parts wrote %v rows (the table has %v), one run %v", c.table, got, tableRows(total, c.table), want)
			}
		})
	}

	// A part of another window is named.
	dir := t.TempDir()
	runParts(t, now, shop, dir, 2, "--from", "2025-03-01", "--until", "2025-04-01")
	if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", "csv", "--quiet",
		"--parts", "2", "--part", "1", "--from", "2025-03-01", "--until", "2025-05-01"); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code := datagen(t, "finalize", dir)
	want := ".metadata.part-00001-of-00002.json has the window --from 2025-03-01T00:00:00Z --until 2025-05-01T00:00:00Z, " +
		".metadata.part-00000-of-00002.json has --from 2025-03-01T00:00:00Z --until 2025-04-01T00:00:00Z"
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("parts of two windows: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	// Parts of an open timeline run at different times reach different
	// horizons.
	dir = t.TempDir()
	runParts(t, now, "../../docs/examples/shop_stream.json", dir, 2)
	later := &fakeClock{now: now.now.Add(time.Hour)}
	if _, stderr, code := runClock(later, "generate", "../../docs/examples/shop_stream.json", "-o", dir, "--format", "csv", "--quiet",
		"--parts", "2", "--part", "0"); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code = datagen(t, "finalize", dir)
	want = ".metadata.part-00001-of-00002.json has the window --until 2025-02-01T00:00:00Z, .metadata.part-00000-of-00002.json has --until 2025-02-01T01:00:00Z"
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("open timeline parts of two horizons: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
}

// mapsEqual compares two decoded JSON objects of strings.
func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestFailedFinalizeRemovesMetadata: a finalize that finds the run no
// longer complete removes the .metadata.json of an earlier finalize, and
// says so.
func TestFailedFinalizeRemovesMetadata(t *testing.T) {
	dir := t.TempDir()
	runParts(t, &fakeClock{now: time.Now()}, shop, dir, 2, "--dry-run-sample", "50")
	if _, stderr, code := datagen(t, "finalize", dir); code != 0 {
		t.Fatalf("finalize: exit %d: %s", code, stderr)
	}
	meta := filepath.Join(dir, ".metadata.json")
	if _, err := os.Stat(meta); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "orders", "part-00001-of-00002.csv")); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := datagen(t, "finalize", dir)
	for _, want := range []string{"part 1: orders/part-00001-of-00002.csv is missing",
		"removed the .metadata.json of an earlier finalize: the run is no longer complete"} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("finalize after a removed part file: exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
	}
	if _, err := os.Stat(meta); !os.IsNotExist(err) {
		t.Errorf(".metadata.json after a failed finalize: %v", err)
	}
	// Without an earlier .metadata.json there is nothing to say.
	_, stderr, code = datagen(t, "finalize", dir)
	if code != 1 || strings.Contains(stderr, "removed") {
		t.Errorf("second failed finalize: exit %d, stderr %q", code, stderr)
	}
}
