package component

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/input"
)

const continuousSchema = `{"version": "1.0", "metadata": {"name": "C"},
 "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-12-31T23:59:59Z", "freq": "h"},
 "nodes": [
  {"id": "customer", "kind": "entity", "rows": 50, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "segment", "type": "string", "generator": {"choice": {"choices": ["a", "b"]}}}]},
  {"id": "orders", "kind": "fact", "parents": ["customer"], "pk": "order_id",
   "fanout": {"distribution": "poisson", "lambda": 20},
   "columns": [
    {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.id"}}},
    {"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "min"}}},
    {"name": "amount", "type": "float", "decimals": 2, "generator": {"distribution": {"type": "lognormal", "params": {"mean": 3, "sigma": 0.5}}}}]},
  {"id": "line", "kind": "fact", "parents": ["orders"], "pk": "line_id",
   "fanout": {"distribution": "uniform", "min": 1, "max": 3},
   "columns": [
    {"name": "line_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.order_id"}}},
    {"name": "ordered_at", "type": "datetime", "generator": {"lookup": {"from": "orders.ordered_at"}}}]}],
 "constraints": {}}`

// openSchema is continuousSchema in an open timeline: customers arrive,
// orders fan out per day of each customer's lifetime.
var openSchema = strings.NewReplacer(
	`"end": "2025-12-31T23:59:59Z"`, `"end": "open"`,
	`"rows": 50,`, `"arrivals": {"per": "day", "mean": 0.3},`,
	`{"name": "segment", "type": "string", "generator": {"choice": {"choices": ["a", "b"]}}}]},`,
	`{"name": "segment", "type": "string", "generator": {"choice": {"choices": ["a", "b"]}}},
	 {"name": "since", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}}]},`,
	`"fanout": {"distribution": "poisson", "lambda": 20}`, `"fanout": {"per": "day", "lambda": 0.1}`,
).Replace(continuousSchema)

// continuousRun runs the component continuously at instant now with the
// given in/state.json and returns the data folder.
func continuousRun(t *testing.T, state string, now time.Time, o Options) (string, error) {
	t.Helper()
	return continuousRunOf(t, continuousSchema, state, now, o)
}

func continuousRunOf(t *testing.T, schema, state string, now time.Time, o Options) (string, error) {
	t.Helper()
	dir := dataDir(t, `{"parameters": {"schema": `+schema+`, "seed": 5, "continuous": true, "workers": 2}}`, state)
	o.now = func() time.Time { return now }
	_, _, stderr, err := runIn(t, dir, nil, o)
	if err != nil && stderr != "" {
		t.Logf("stderr: %s", stderr)
	}
	return dir, err
}

// tableLines returns the data lines of every table of out/tables by name.
func tableLines(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, name := range []string{"customer", "orders", "line"} {
		b, err := os.ReadFile(filepath.Join(dir, "out", "tables", name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		out[name] = lines[1 : len(lines)-1] // without the header
	}
	return out
}

func outState(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "out", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func watermarkOf(t *testing.T, dir string) string {
	t.Helper()
	var st map[string]map[string]any
	readJSON(t, filepath.Join(dir, "out", "state.json"), &st)
	w, _ := st[StateKey][watermarkKey].(string)
	return w
}

// failOnBlock fails the table's first block.
type failOnBlock struct{ engine.Writer }

var errInjected = errors.New("injected failure")

func (f failOnBlock) WriteBlock(*column.Block) error { return errInjected }
func (f failOnBlock) EncodeBlock(*column.Block, []byte) ([]byte, error) {
	return nil, errInjected
}

// TestContinuousRunsCompose runs the component twice with the state
// carried over and once over both windows: the two runs' rows together
// are the one run's rows, the watermark moves to each run's time, the
// manifests load incrementally with primary keys, and a failing run
// writes no state, so that the next run repeats its window.
func TestContinuousRunsCompose(t *testing.T) {
	if !strings.Contains(openSchema, `"end": "open"`) || !strings.Contains(openSchema, `"per": "day", "lambda"`) || !strings.Contains(openSchema, `"since"`) {
		t.Fatal("openSchema is not open")
	}
	for _, tc := range []struct{ name, schema string }{{"fixed timeframe", continuousSchema}, {"open timeline", openSchema}} {
		t.Run(tc.name, func(t *testing.T) { testContinuousRunsCompose(t, tc.schema) })
	}
}

func testContinuousRunsCompose(t *testing.T, schema string) {
	continuousRun := func(t *testing.T, state string, now time.Time, o Options) (string, error) {
		t.Helper()
		return continuousRunOf(t, schema, state, now, o)
	}
	customers := 50
	if schema == openSchema {
		customers = -1 // they arrive: in both runs
	}
	t1 := time.Date(2025, 4, 10, 12, 30, 0, 0, time.UTC)
	t2 := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	first, err := continuousRun(t, "", t1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := watermarkOf(t, first); w != "2025-04-10T12:30:00Z" {
		t.Fatalf("watermark after the first run %q", w)
	}
	var m struct {
		Incremental bool     `json:"incremental"`
		PrimaryKey  []string `json:"primary_key"`
		Schema      []struct {
			Name       string `json:"name"`
			PrimaryKey bool   `json:"primary_key"`
		} `json:"schema"`
	}
	readJSON(t, filepath.Join(first, "out", "tables", "orders.csv.manifest"), &m)
	pk := m.PrimaryKey // legacy manifests list it, native-types ones mark columns
	for _, c := range m.Schema {
		if c.PrimaryKey {
			pk = append(pk, c.Name)
		}
	}
	if !m.Incremental || !slices.Equal(pk, []string{"order_id"}) {
		t.Errorf("orders manifest: incremental %v, primary key %v", m.Incremental, pk)
	}

	// A failing second run: an error, and no state to carry over.
	state := outState(t, first)
	failed, err := continuousRun(t, state, t2, Options{wrap: func(table string, w engine.Writer) engine.Writer {
		if table == "line" {
			return failOnBlock{w}
		}
		return w
	}})
	if !errors.Is(err, errInjected) {
		t.Fatalf("the failing run returned %v", err)
	}
	if _, err := os.Stat(filepath.Join(failed, "out", "state.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed run wrote out/state.json (%v)", err)
	}

	// The platform keeps the last successful state: the next run repeats
	// the failed run's window.
	second, err := continuousRun(t, state, t2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := watermarkOf(t, second); w != "2025-09-01T00:00:00Z" {
		t.Fatalf("watermark after the second run %q", w)
	}
	whole, err := continuousRun(t, "", t2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b, u := tableLines(t, first), tableLines(t, second), tableLines(t, whole)
	for _, name := range []string{"customer", "orders", "line"} {
		got := append(slices.Clone(a[name]), b[name]...)
		want := slices.Clone(u[name])
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the two runs wrote %d+%d rows, one run over both windows %d, or other rows", name, len(a[name]), len(b[name]), len(u[name]))
		}
		if (name != "customer" || customers < 0) && (len(a[name]) == 0 || len(b[name]) == 0) {
			t.Errorf("%s: a run wrote no row (%d, %d)", name, len(a[name]), len(b[name]))
		}
	}
	if customers >= 0 && (len(a["customer"]) != customers || len(b["customer"]) != 0) {
		t.Errorf("customer (no time column): %d rows in the first run, %d in the second; want 50 and 0", len(a["customer"]), len(b["customer"]))
	}
}

func TestContinuousBadWatermark(t *testing.T) {
	for _, tc := range []struct{ state, msg string }{
		{`{"datagen": {"watermark": 5}}`, "datagen.watermark must be an ISO 8601 instant, got 5"},
		{`{"datagen": {"watermark": "2025-13-01"}}`, "datagen.watermark: invalid ISO 8601 timestamp \"2025-13-01\": month 13 is out of range"},
		{`{"datagen": {"watermark": "2027-01-01T00:00:00Z"}}`, "in/state.json: datagen.watermark is 2027-01-01T00:00:00Z, after the time of this run " +
			"2025-02-01T00:00:00Z: a run writes the rows from the watermark to its own time; to start over, remove datagen.watermark from the configuration's state"},
		{`{"datagen": {"watermark": "2025-02-01T00:01:01Z"}}`, "datagen.watermark is 2025-02-01T00:01:01Z, after the time of this run"},
	} {
		for _, schema := range []string{continuousSchema, openSchema} {
			dir, err := continuousRunOf(t, schema, tc.state, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Options{})
			if !input.IsUser(err) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("state %s: %v, want a user error with %q", tc.state, err, tc.msg)
			}
			_ = filepath.WalkDir(filepath.Join(dir, "out"), func(p string, e os.DirEntry, err error) error {
				if err == nil && !e.IsDir() {
					t.Errorf("state %s: a refused run wrote %s", tc.state, p)
				}
				return nil
			})
		}
	}
}

// TestContinuousClockSkew: a watermark less than a minute after the time
// of the run (the clock of the machine that set it was ahead) writes an
// empty window and keeps the watermark.
func TestContinuousClockSkew(t *testing.T) {
	dir, err := continuousRunOf(t, openSchema, `{"datagen": {"watermark": "2025-02-01T00:00:40Z"}}`,
		time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := watermarkOf(t, dir); w != "2025-02-01T00:00:40Z" {
		t.Errorf("watermark %q, want it unchanged", w)
	}
	for name, lines := range tableLines(t, dir) {
		if len(lines) != 0 {
			t.Errorf("%s: %d rows in an empty window", name, len(lines))
		}
	}
}

// TestContinuousPartsDoNotWarnOfIncremental: a continuous run loads
// incrementally whatever destination.incremental says, so a part of one
// does not warn that it would replace the table.
func TestContinuousPartsDoNotWarnOfIncremental(t *testing.T) {
	for _, tc := range []struct {
		continuous bool
		warn       bool
	}{{false, true}, {true, false}} {
		dir := dataDir(t, `{"parameters": {"schema": `+continuousSchema+`, "seed": 5, "parts": 2, "part": 0, "continuous": `+
			strconv.FormatBool(tc.continuous)+`}}`, "")
		_, stdout, _, err := runIn(t, dir, nil, Options{now: func() time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC) }})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(stdout, "destination.incremental is false"); got != tc.warn {
			t.Errorf("continuous %v: warned %v, want %v:\n%s", tc.continuous, got, tc.warn, stdout)
		}
		var m struct {
			Incremental bool `json:"incremental"`
		}
		readJSON(t, filepath.Join(dir, "out", "tables", "orders.csv.manifest"), &m)
		if m.Incremental != tc.continuous {
			t.Errorf("continuous %v: manifest incremental %v", tc.continuous, m.Incremental)
		}
	}
}

func TestContinuousWarnsOfAChangedSchema(t *testing.T) {
	for _, tc := range []struct{ lastRun, want string }{
		{`{"schema_sha256": "0123", "seed": 5}`, "the schema changed since the run that set the watermark"},
		{`{"schema_sha256": "0123", "seed": 6}`, "the schema and seed changed since the run that set the watermark"},
		{`{"seed": 5, "format_version": 2}`, "the format version changed since the run that set the watermark"},
		{`{"seed": 5, "scale": 0.5}`, "the scale changed since the run that set the watermark: the new rows follow the new scale"},
		{`{"seed": 5, "scale": 1, "parts": 2, "part": 0}`, "the number of parts changed since the run that set the watermark"},
		{`{"seed": 5, "scale": 1, "parts": 1, "part": 1}`, "the part changed since the run that set the watermark"},
		{`{"seed": 6, "scale": 2, "parts": 3, "part": 2}`, "the seed, scale, number of parts and part changed since the run that set the watermark"},
	} {
		state := `{"datagen": {"watermark": "2025-03-01T00:00:00Z", "last_run": ` + tc.lastRun + `}}`
		dir := dataDir(t, `{"parameters": {"schema": `+continuousSchema+`, "seed": 5, "continuous": true}}`, state)
		_, stdout, _, err := runIn(t, dir, nil, Options{now: func() time.Time { return time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC) }})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout, tc.want) {
			t.Errorf("log %q does not say %q", stdout, tc.want)
		}
	}
	// The same schema, seed, scale and parts: no warning.
	first, err := continuousRun(t, "", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := dataDir(t, `{"parameters": {"schema": `+continuousSchema+`, "seed": 5, "continuous": true, "workers": 2}}`, outState(t, first))
	_, stdout, _, err := runIn(t, dir, nil, Options{now: func() time.Time { return time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil || strings.Contains(stdout, "changed since") {
		t.Errorf("unchanged schema: %v, log %q", err, stdout)
	}
}
