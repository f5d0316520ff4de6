package component

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/keboola/manifest"
	"datagen/src/outdir"
	"datagen/src/plan"
	"datagen/src/sink"
)

const exportSchema = `{"version": "1.0", "metadata": {"name": "Ex", "description": "export test"},
 "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-03-01T00:00:00Z", "freq": "h"},
 "nodes": [
  {"id": "u", "kind": "entity", "rows": 300, "pk": "id", "description": "Users",
   "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "score", "type": "float", "nullable": true, "null_rate": 0.2, "generator": {"distribution": {"type": "normal", "params": {"mean": 10, "std": 2}}}},
    {"name": "name", "type": "string", "generator": {"faker": {"method": "name"}}},
    {"name": "vip", "type": "bool", "generator": {"choice": {"choices": [true, false], "weights": [0.3, 0.7]}}},
    {"name": "seen", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "min"}}},
    {"name": "born", "type": "date", "nullable": true, "null_rate": 0.1, "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}}}]},
  {"id": "e", "kind": "fact", "parents": ["u"], "pk": "eid", "fanout": {"distribution": "poisson", "lambda": 4, "min": 1, "max": 9},
   "columns": [
    {"name": "eid", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
    {"name": "uid", "type": "int", "generator": {"lookup": {"from": "u.id"}}}]}],
 "constraints": {}}`

func exportPlan(t *testing.T) *plan.Plan {
	t.Helper()
	s, _, err := dsl.Parse([]byte(exportSchema), dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// generateTo writes the plan's tables like `datagen generate` does: a
// part of a split run as <id>/part-K-of-N.<ext>.
func generateTo(t *testing.T, p *plan.Plan, dir string, format sink.Format, parts, part int) {
	t.Helper()
	generateNamed(t, p, format, parts, part, func(id string) (string, string) {
		if parts > 1 {
			return filepath.Join(dir, id), outdir.Part{K: part, N: parts}.Name()
		}
		return dir, id
	})
}

// generateLegacyTo writes a part as earlier versions did:
// <id>.part-K-of-N.<ext>.
func generateLegacyTo(t *testing.T, p *plan.Plan, dir string, format sink.Format, parts, part int) {
	t.Helper()
	generateNamed(t, p, format, parts, part, func(id string) (string, string) {
		return dir, fmt.Sprintf("%s.part-%d-of-%d", id, part, parts)
	})
}

// generateNamed runs the plan, writing table id into the folder and file
// name (without extension) that name returns.
func generateNamed(t *testing.T, p *plan.Plan, format sink.Format, parts, part int, name func(id string) (dir, file string)) {
	t.Helper()
	opts := sink.Options{RowGroupRows: 1024, Metadata: map[string]string{"datagen.seed": "5", "datagen.format_version": "1"}}
	_, err := engine.Run(context.Background(), p, engine.Options{Seed: 5, BlockRows: 100, Parts: parts, Part: part,
		Open: func(tb *plan.Table, fields []column.Field) (engine.Writer, error) {
			dir, file := name(tb.ID())
			return sink.Open(dir, file, format, fields, opts)
		}})
	if err != nil {
		t.Fatal(err)
	}
}

func quietLog() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func TestExportMatchesCSVGeneration(t *testing.T) {
	p := exportPlan(t)
	pq, ref, out := t.TempDir(), t.TempDir(), t.TempDir()
	generateTo(t, p, pq, sink.Parquet, 1, 0)
	generateTo(t, p, ref, sink.CSV, 1, 0)
	ds, err := Export(context.Background(), ExportOptions{Plan: p, Schema: []byte(exportSchema), SchemaFile: "s.json",
		DataDir: pq, OutDir: out, Bucket: "in.c-t", Flavour: manifest.Schema, Version: "v", Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"u", "e"} {
		want, _ := os.ReadFile(filepath.Join(ref, id+".csv"))
		got, err := os.ReadFile(filepath.Join(out, id+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s.csv differs from generate --format csv", id)
		}
		m, _ := os.ReadFile(filepath.Join(out, id+".csv.manifest"))
		if !strings.Contains(string(m), `"destination": "in.c-t.`+id+`"`) || !strings.Contains(string(m), `"has_header": true`) {
			t.Errorf("%s manifest:\n%s", id, m)
		}
	}
	if ds.Seed == nil || *ds.Seed != 5 || ds.Name != "Ex" || ds.Manifest != "schema" || len(ds.Tables) != 2 {
		t.Fatalf("dataset %+v", ds)
	}
	checkStats(t, ref, ds)
	if _, err := os.Stat(filepath.Join(out, DatasetFile)); err != nil {
		t.Error(err)
	}
}

// checkStats recomputes the statistics of table u from its CSV.
func checkStats(t *testing.T, ref string, ds *Dataset) {
	t.Helper()
	b, _ := os.ReadFile(filepath.Join(ref, "u.csv"))
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")[1:]
	var nulls, trues int64
	sum, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
	n := 0
	for _, l := range lines {
		f := strings.Split(l, ",") // no names contain commas in this faker locale
		if f[1] == "" {
			nulls++
		} else {
			x, _ := strconv.ParseFloat(f[1], 64)
			sum += x
			lo, hi = min(lo, x), max(hi, x)
			n++
		}
		if f[3] == "true" {
			trues++
		}
	}
	u := ds.Tables[0]
	if u.ID != "u" || u.Rows != int64(len(lines)) {
		t.Fatalf("table %+v", u)
	}
	score := u.Columns[1]
	if score.Nulls != nulls || score.Min != lo || score.Max != hi || math.Abs(*score.Mean-sum/float64(n)) > 1e-9 {
		t.Errorf("score stats %+v, want nulls %d min %v max %v mean %v", score, nulls, lo, hi, sum/float64(n))
	}
	if vip := u.Columns[3]; *vip.TrueCount != trues {
		t.Errorf("true count %d, want %d", *vip.TrueCount, trues)
	}
	if id := u.Columns[0]; id.Min != int64(1) || id.Max != int64(300) || *id.Mean != 150.5 {
		t.Errorf("id stats %+v", id)
	}
	if seen := u.Columns[4]; !strings.HasPrefix(seen.Min.(string), "2025-0") || seen.BaseType != "TIMESTAMP" {
		t.Errorf("seen stats %+v", seen)
	}
}

func TestExportConcatenatesParts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		generate func(t *testing.T, p *plan.Plan, dir string, format sink.Format, parts, part int)
		sources  []string
	}{
		{"part folders", generateTo, []string{"u/part-00000-of-00003.parquet", "u/part-00001-of-00003.parquet", "u/part-00002-of-00003.parquet"}},
		{"earlier names", generateLegacyTo, []string{"u.part-0-of-3.parquet", "u.part-1-of-3.parquet", "u.part-2-of-3.parquet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testExportConcatenatesParts(t, tc.generate, tc.sources)
		})
	}
}

func testExportConcatenatesParts(t *testing.T, generate func(t *testing.T, p *plan.Plan, dir string, format sink.Format, parts, part int), sources []string) {
	p := exportPlan(t)
	pq, ref, out := t.TempDir(), t.TempDir(), t.TempDir()
	for k := range 3 {
		generate(t, p, pq, sink.Parquet, 3, k)
	}
	generateTo(t, p, ref, sink.CSV, 1, 0)
	ds, err := Export(context.Background(), ExportOptions{Plan: p, Schema: []byte(exportSchema), DataDir: pq, OutDir: out,
		SlicedAboveRows: 500, SliceRows: 200, Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ds.Tables[0].Sources, sources) {
		t.Errorf("sources %v, want %v", ds.Tables[0].Sources, sources)
	}
	if ds.Seed == nil || *ds.Seed != 5 {
		t.Errorf("seed %v, want 5 from the parts' footers", ds.Seed)
	}
	want, _ := os.ReadFile(filepath.Join(ref, "u.csv"))
	got, _ := os.ReadFile(filepath.Join(out, "u.csv"))
	if string(got) != string(want) {
		t.Error("parts concatenated differ from a single run")
	}
	// e has more than 500 rows: a sliced table whose slices hold the rows
	// of the single run in order.
	e := ds.Tables[1]
	if !e.Sliced || e.Slices != int((e.Rows+199)/200) {
		t.Fatalf("e: %+v", e)
	}
	var all strings.Builder
	for i := range e.Slices {
		all.WriteString(gunzipFile(t, filepath.Join(out, "e.csv", fmt.Sprintf("part-%05d.csv.gz", i))))
	}
	wantE, _ := os.ReadFile(filepath.Join(ref, "e.csv"))
	if body := string(wantE)[strings.IndexByte(string(wantE), '\n')+1:]; all.String() != body {
		t.Error("slices differ from the single run")
	}
	if m, _ := os.ReadFile(filepath.Join(out, "e.csv.manifest")); strings.Contains(string(m), "destination") ||
		!strings.Contains(string(m), `"columns"`) {
		t.Errorf("sliced legacy manifest without bucket:\n%s", m)
	}
}

func TestExportErrors(t *testing.T) {
	p := exportPlan(t)
	pq := t.TempDir()
	generateTo(t, p, pq, sink.Parquet, 2, 0)
	_, err := Export(context.Background(), ExportOptions{Plan: p, DataDir: pq, OutDir: t.TempDir(), Log: quietLog()})
	if !input.IsUser(err) || !strings.Contains(err.Error(), `the Parquet files of "u": part 1 is missing (of parts 0 to 1)`) {
		t.Errorf("missing part: %v", err)
	}
	// A file from another schema.
	other := t.TempDir()
	generateTo(t, p, other, sink.Parquet, 1, 0)
	if b, err := os.ReadFile(filepath.Join(other, "e.parquet")); err != nil {
		t.Fatal(err)
	} else if err := os.WriteFile(filepath.Join(other, "u.parquet"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Export(context.Background(), ExportOptions{Plan: p, DataDir: other, OutDir: t.TempDir(), Log: quietLog()})
	if !input.IsUser(err) || !strings.Contains(err.Error(), "2 columns, the schema has 6; was it generated from this schema?") {
		t.Errorf("schema mismatch: %v", err)
	}
	if err := os.WriteFile(filepath.Join(other, "u.parquet"), []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Export(context.Background(), ExportOptions{Plan: p, DataDir: other, OutDir: t.TempDir(), Log: quietLog()})
	if !input.IsUser(err) || !strings.Contains(err.Error(), "not a readable Parquet file") {
		t.Errorf("bad file: %v", err)
	}
	_, err = Export(context.Background(), ExportOptions{Plan: p, DataDir: filepath.Join(other, "nope"), OutDir: t.TempDir()})
	if !input.IsUser(err) {
		t.Errorf("missing dir: %v", err)
	}
	_, err = Export(context.Background(), ExportOptions{Plan: p, DataDir: other, OutDir: t.TempDir(), Bucket: "x"})
	if !input.IsUser(err) || !strings.Contains(err.Error(), "bucket") {
		t.Errorf("bad bucket: %v", err)
	}
	// A table without any file is an error naming it, and nothing is
	// written: an export holds every table of the schema or none.
	only := t.TempDir()
	generateTo(t, p, only, sink.Parquet, 1, 0)
	_ = os.Remove(filepath.Join(only, "e.parquet"))
	out := filepath.Join(t.TempDir(), "out")
	ds, err := Export(context.Background(), ExportOptions{Plan: p, DataDir: only, OutDir: out, Log: quietLog()})
	if !input.IsUser(err) || !strings.Contains(err.Error(), ": no Parquet file (nor parts) for 1 of the schema's ") ||
		!strings.HasSuffix(strings.SplitN(err.Error(), "; ", 2)[0], " tables: e") {
		t.Errorf("missing table: %v %+v", err, ds)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a failed export wrote %v", entries)
	}
	// A folder of CSV output: export says what it found and what it reads.
	csvDir := t.TempDir()
	generateTo(t, p, csvDir, sink.CSV, 1, 0)
	_, err = Export(context.Background(), ExportOptions{Plan: p, DataDir: csvDir, OutDir: out, Log: quietLog()})
	if !input.IsUser(err) || !strings.Contains(err.Error(), "no Parquet table files in "+csvDir+": it holds CSV files of ") ||
		!strings.Contains(err.Error(), "--format parquet") {
		t.Errorf("CSV folder: %v", err)
	}
}
