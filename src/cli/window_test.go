package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWindowFlagErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args   []string
		want   string
		schema string
	}{
		{[]string{"--from", "2025-13-01"}, "--from: invalid ISO 8601 timestamp", shop},
		{[]string{"--until", "tomorrow"}, "--until: invalid ISO 8601 timestamp", shop},
		{[]string{"--from", "2025-05-01", "--until", "2025-04-01"}, "the window is empty: from 2025-05-01T00:00:00Z is not before until 2025-04-01T00:00:00Z", shop},
		{[]string{"--from", "2025-01-01", "--validate"}, "--validate needs the whole data set", shop},
		{[]string{"--from="}, "--from is empty: give an ISO 8601 instant", shop},
		{[]string{"--from", "2025-01-01", "--until", " "}, "--until is empty", shop},
		{[]string{"--from", "1740787200"}, "--from 1740787200: want an ISO 8601 date or instant, such as 2025-01-01, 2025-01-01T06:00:00Z or 2025-01-01T08:00:00+02:00 (a Unix timestamp is not one)", shop},
		{[]string{"--until", "2200-01-01"}, "--until 2200-01-01T00:00:00Z is after the end of the open timeline's reference span, 2125-01-01T00:00:00Z (timeframe.start + 100 years)", "../../docs/examples/shop_stream.json"},
	} {
		_, stderr, code := datagen(t, append([]string{"generate", c.schema, "-o", dir}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", c.args, code, stderr, c.want)
		}
	}
}

// TestOpenTimelineUntilDefaultsToNow generates an open timeline without
// --until: the run ends at the clock's now, and writes exactly what
// --until now writes.
func TestOpenTimelineUntilDefaultsToNow(t *testing.T) {
	const schema = "../../docs/examples/shop_stream.json"
	now := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, args := range [][]string{
		{"generate", schema, "-o", a, "--format", "csv", "--quiet"},
		{"generate", schema, "-o", b, "--format", "csv", "--quiet", "--until", "2025-02-01T00:00:00Z"},
	} {
		if _, stderr, code := runClock(&fakeClock{now: now}, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	for _, table := range []string{"customer", "orders", "order_line", "promotion", "product"} {
		x, err := os.ReadFile(filepath.Join(a, table+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, table+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if string(x) != string(y) {
			t.Errorf("%s differs between the default --until and --until now", table)
		}
		lines := strings.Split(strings.TrimSpace(string(x)), "\n")
		if table == "orders" {
			if len(lines) < 100 {
				t.Fatalf("only %d orders in a month", len(lines)-1)
			}
			for _, l := range lines[1:] {
				if at := strings.Split(l, ",")[2]; at >= "2025-02-01" {
					t.Fatalf("order at %s, after now", at)
				}
			}
		}
		if table == "promotion" && len(lines) != 2 {
			t.Errorf("%d promotions by 2025-02-01, want 1 (January's)", len(lines)-1)
		}
	}
}

func TestWindowInMetadata(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", "csv", "--quiet", "--from", "2025-03-01T06:00:00Z"); code != 0 {
		t.Fatal(stderr)
	}
	m := readMeta(t, filepath.Join(dir, ".metadata.json"))
	w, _ := m["window"].(map[string]any)
	if w == nil || w["from"] != "2025-03-01T06:00:00Z" || w["until"] != nil {
		t.Errorf("window %v", m["window"])
	}
}

func TestCheckReportsTimelineProblemsByPath(t *testing.T) {
	b, err := os.ReadFile("../../docs/examples/shop_stream.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), `"arrivals": {"per": "day", "mean": 40},`, `"arrivals": {"per": "month", "mean": 40}, "rows": 10,`, 1)
	doc = strings.Replace(doc, `"fanout": {"per": "day", "lambda": 0.05}`, `"fanout": {"per": "day", "lambda": 0.05, "max": 3}`, 1)
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := datagen(t, "check", path)
	for _, want := range []string{
		`nodes[0](customer).arrivals.per: unknown unit "month"`,
		"nodes[0](customer).arrivals: arrivals and rows are both given",
		"nodes[3](orders).fanout.max: max cannot be given with fanout.per",
	} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr %q: want 1 and %q", code, stderr, want)
		}
	}
	// A problem the planner finds: a column drawn from the open timeframe.
	doc = strings.Replace(string(b), `{"name": "channel", "type": "string"`, `{"name": "shipped_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
        {"name": "channel", "type": "string"`, 1)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = datagen(t, "check", path)
	if want := "nodes[3](orders).columns[3](shipped_at).generator.datetime_series.within: in an open timeline only the time column"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q: want 1 and %q", code, stderr, want)
	}
}

// TestWindowOffset: --from and --until with an offset are converted to
// UTC, as the help of generate and index says.
func TestWindowOffset(t *testing.T) {
	for _, cmd := range []string{"generate", "index"} {
		stdout, _, _ := datagen(t, cmd, "--help")
		for _, flag := range []string{"--from", "--until"} {
			line := ""
			if i := strings.Index(stdout, flag+" string"); i >= 0 {
				line, _, _ = strings.Cut(stdout[i:], "\n")
			}
			if !strings.Contains(line, "an offset is converted to UTC, none means UTC") || strings.Contains(stdout, "without an offset") {
				t.Errorf("%s --help on %s:\n%s", cmd, flag, stdout)
			}
		}
	}
	dir := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", "csv", "--from", "2025-03-01T08:00:00+02:00",
		"--until", "2025-03-01T20:30:00-01:00", "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, ".metadata.json"))
	if err != nil || !strings.Contains(string(b), `"from": "2025-03-01T06:00:00Z"`) || !strings.Contains(string(b), `"until": "2025-03-01T21:30:00Z"`) {
		t.Errorf(".metadata.json (%v):\n%s", err, b)
	}
}
