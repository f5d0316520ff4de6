package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// shop is the bundled example schema.
const shop = "../../example/shop.json"

// datagen runs the command line in-process with an empty environment and
// returns stdout, stderr and the exit code.
func datagen(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return datagenEnv(t, map[string]string{}, args...)
}

// datagenEnv runs the command line in-process with the environment env.
func datagenEnv(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Environ: env, Version: "test"})
	return out.String(), errb.String(), code
}

// example returns the path of an example schema shipped in the repository.
func example(name string) string {
	return filepath.Join("..", "dsl", "testdata", "examples", name)
}

func TestGenerateBundledExample(t *testing.T) {
	out := t.TempDir()
	stdout, stderr, code := datagen(t, "generate", shop, "-o", out, "--format", "csv", "--seed", "42")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if abs, _ := filepath.Abs(out); !strings.Contains(stdout, "Wrote 6 tables") || !strings.Contains(stdout, abs) {
		t.Errorf("stdout does not say where the tables are: %q", stdout)
	}
	for _, f := range []string{"customer.csv", "product.csv", "promotion.csv", "orders.csv", "order_line.csv", "order_status.csv", ".metadata.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	var meta struct {
		Seed          int64  `json:"seed"`
		SchemaHash    string `json:"schema_hash"`
		FormatVersion int    `json:"format_version"`
		Tables        map[string]struct {
			Rows int64 `json:"rows"`
		} `json:"tables"`
	}
	b, err := os.ReadFile(filepath.Join(out, ".metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Seed != 42 || !strings.HasPrefix(meta.SchemaHash, "sha256:") || meta.FormatVersion != 3 {
		t.Errorf("metadata: %+v", meta)
	}
	if meta.Tables["customer"].Rows != 2000 || meta.Tables["orders"].Rows < 2000 {
		t.Errorf("row counts: %+v", meta.Tables)
	}
	data, _ := os.ReadFile(filepath.Join(out, "customer.csv"))
	lines := strings.Count(string(data), "\n")
	if lines < 2001 { // header + 2000 rows (addresses never contain newlines here)
		t.Errorf("customer.csv has %d lines", lines)
	}
}

func TestFailedRunKeepsPreviousTables(t *testing.T) {
	out := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", out, "--format", "csv"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(filepath.Join(out, "customer.csv"))
	// A join on a non-unique key fails at generation time, after some
	// tables were already generated.
	bad := filepath.Join(t.TempDir(), "bad.json")
	schema := `{"version":"1.0","metadata":{"name":"x"},"timeframe":{"start":"2024-01-01","end":"2024-02-01","freq":"D"},
"nodes":[
 {"id":"customer","kind":"entity","rows":5,"pk":"id","columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1,"step":1}}},
   {"name":"group","type":"int","generator":{"choice":{"choices":[1,2]}}}]},
 {"id":"sale","kind":"entity","rows":5,"pk":"id","columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1,"step":1}}},
   {"name":"group","type":"int","generator":{"choice":{"choices":[1,2]}}},
   {"name":"cust","type":"int","generator":{"lookup":{"from":"customer.id","on":{"group":"group"}}}}]}],
"constraints":{}}`
	if err := os.WriteFile(bad, []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := datagen(t, "generate", bad, "-o", out, "--format", "csv")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	if !strings.Contains(stderr, "unique") || !strings.Contains(stderr, `"sale"`) {
		t.Errorf("error does not explain the duplicate join key: %s", stderr)
	}
	after, _ := os.ReadFile(filepath.Join(out, "customer.csv"))
	if !bytes.Equal(before, after) {
		t.Error("the failed run changed customer.csv")
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.Contains(e.Name(), "tmp") || e.Name() == "sale.csv" {
			t.Errorf("failed run left %s behind", e.Name())
		}
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version":"1.0","metadata":{"name":"x"},"timeframe":{"start":"2024-01-01","end":"2024-02-01","freq":"D"},"nodes":[{"id":"a","kind":"entity","pk":"id","columns":[{"name":"id","type":"int","generator":{"sequnce":{}}}]}],"constraints":{}}`), 0o644)
	nulls := filepath.Join(dir, "nulls.json")
	os.WriteFile(nulls, []byte(`{"version":"1.0","metadata":{"name":"x"},"timeframe":{"start":"2024-01-01","end":"2024-02-01","freq":"D"},"nodes":[{"id":"a","kind":"entity","rows":10,"pk":"id","columns":[{"name":"id","type":"int","generator":{"sequence":{}}},{"name":"ratio","type":"float","generator":{"expression":{"code":"1 / (id - 3)"}}}]}],"constraints":{}}`), 0o644)
	huge := filepath.Join(dir, "huge.json")
	os.WriteFile(huge, []byte(`{"version":"1.0","metadata":{"name":"x"},"timeframe":{"start":"2024-01-01","end":"2024-02-01","freq":"D"},"nodes":[{"id":"a","kind":"entity","rows":1000000000000,"pk":"id","columns":[{"name":"id","type":"int","generator":{"sequence":{}}}]},`+
		`{"id":"b","kind":"fact","pk":"bid","parents":["a"],"fanout":{"distribution":"poisson","lambda":0.5,"min":0,"max":3},"columns":[{"name":"bid","type":"int","generator":{"sequence":{}}},{"name":"aid","type":"int","generator":{"lookup":{"from":"a.id"}}}]}]}`), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", huge}, 1, "a run at scale 1 needs about 15.5 TiB of memory, more than the limit of 8.0 GiB"},
		{[]string{"generate", huge, "-o", dir}, 1, "the run needs about 15.5 TiB of memory, more than the limit of 8.0 GiB (most for table \"a\""},
		{[]string{"check", shop, "--scale", "2"}, 0, "a run at scale 2 holds about"},
		{[]string{"check", shop, "--scale", "1e9"}, 1, "scale must be a number greater than 0 and at most 1e+06, got 1e+09"},
		{[]string{"generate", shop, "-o", dir, "--scale", "1e15"}, 1, "--scale must be at most 1e+06"},
		{[]string{"generate", shop, "-o", dir, "--scale", "NaN"}, 1, "--scale must be a positive number"},
		{[]string{"generate", shop, "-o", dir, "--max-memory", "lots"}, 1, `"lots" is not a memory size`},
		{[]string{"check", nulls}, 1, "row 2 is null, but the column is not nullable"},
		{[]string{"generate", nulls, "-o", dir}, 1, "declare \"nullable\": true"},
		{[]string{"check", shop}, 0, "valid"},
		{[]string{"check", bad}, 1, "nodes[0]"},
		{[]string{"check", filepath.Join(dir, "missing.json")}, 1, "missing.json"},
		{[]string{"generate", shop, "-o", dir, "--format", "xml"}, 1, "format"},
		{[]string{"generate", shop, "-o", dir, "--parts", "4", "--part", "4"}, 1, "--part"},
		{[]string{"generate", "--no-such-flag"}, 1, "unknown flag"},
	}
	for _, c := range cases {
		stdout, stderr, code := datagen(t, c.args...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("%v: exit %d (want %d), output %q (want it to mention %q)", c.args, code, c.code, stdout+stderr, c.want)
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Errorf("%v: stack trace in output: %s", c.args, stderr)
		}
	}
}

func TestBundledExamples(t *testing.T) {
	generates := []string{"bank.json", "gov_scaled.json", "test_patterns.json", "simple_users_events.json",
		"ecomm.json", "ecommerce_conversion_funnel.json", "healthcare_appointments_vintage.json",
		"manufacturing_sensors_vintage.json", "saas_onboarding_integrated.json",
		"saas_subscription_vintage.json", "vintage_effects_demo.json"}
	for _, name := range generates {
		t.Run(name, func(t *testing.T) {
			path := example(name)
			out := t.TempDir()
			_, stderr, code := datagen(t, "generate", path, "-o", out, "--lenient", "--dry-run-sample", "20000", "--format", "csv")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
		})
	}
}

func readMeta(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func tableRows(m map[string]any, id string) float64 {
	return m["tables"].(map[string]any)[id].(map[string]any)["rows"].(float64)
}

func TestScaleSampleAndParts(t *testing.T) {
	schema := shop
	scaled := t.TempDir()
	if _, stderr, code := datagen(t, "generate", schema, "-o", scaled, "--scale", "2.5", "--format", "csv"); code != 0 {
		t.Fatal(stderr)
	}
	m := readMeta(t, filepath.Join(scaled, ".metadata.json"))
	if tableRows(m, "customer") != 5000 || tableRows(m, "product") != 750 || tableRows(m, "order_status") != 5 {
		t.Errorf("--scale 2.5: customer %v, product %v, order_status %v rows", tableRows(m, "customer"), tableRows(m, "product"), tableRows(m, "order_status"))
	}
	sample := t.TempDir()
	if _, stderr, code := datagen(t, "generate", schema, "-o", sample, "--dry-run-sample", "100", "--format", "csv"); code != 0 {
		t.Fatal(stderr)
	}
	m = readMeta(t, filepath.Join(sample, ".metadata.json"))
	for _, id := range []string{"customer", "orders", "order_line"} {
		if tableRows(m, id) != 100 {
			t.Errorf("--dry-run-sample 100: %s has %v rows", id, tableRows(m, id))
		}
	}
	whole := t.TempDir()
	if _, stderr, code := datagen(t, "generate", schema, "-o", whole, "--format", "csv", "--workers", "1"); code != 0 {
		t.Fatal(stderr)
	}
	parts := t.TempDir()
	for k := 0; k < 3; k++ {
		if _, stderr, code := datagen(t, "generate", schema, "-o", parts, "--format", "csv", "--parts", "3", "--part", strconv.Itoa(k)); code != 0 {
			t.Fatal(stderr)
		}
	}
	for _, id := range []string{"customer", "orders", "order_line", "order_status"} {
		want, _ := os.ReadFile(filepath.Join(whole, id+".csv"))
		var got []byte
		for k := 0; k < 3; k++ {
			b, err := os.ReadFile(filepath.Join(parts, id, fmt.Sprintf("part-%05d-of-00003.csv", k)))
			if err != nil {
				t.Fatal(err)
			}
			if k > 0 {
				b = b[bytes.IndexByte(b, '\n')+1:]
			}
			got = append(got, b...)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the 3 parts concatenated differ from the single run", id)
		}
	}
}

func TestGenerateUploadFlags(t *testing.T) {
	out := t.TempDir()
	_, stderr, code := datagen(t, "generate", shop, "-o", out, "--upload")
	if code != 1 || !strings.Contains(stderr, "--upload needs --format csv") || !strings.Contains(stderr, "--upload needs --bucket") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a rejected --upload generated files: %v", entries)
	}
	// A malformed URL or bucket id is reported before anything is generated.
	_, stderr, code = datagenEnv(t, map[string]string{"KBC_TOKEN": "t"}, "generate", shop, "-o", out, "--format", "csv",
		"--upload", "--bucket", "datagen", "--url", "connection.keboola.com")
	if code != 1 || !strings.Contains(stderr, `the Storage API URL "connection.keboola.com" is not an http(s) URL`) ||
		!strings.Contains(stderr, `--bucket: bucket id "datagen": want <stage>.<name>`) {
		t.Errorf("malformed URL and bucket: exit %d: %s", code, stderr)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a rejected --upload generated files: %v", entries)
	}
	// A Storage API that cannot be reached: the tables are generated and
	// staged with their manifests, the upload fails with an actionable
	// message, and nothing is published: an earlier output stays as it was.
	if _, stderr, code := datagen(t, "generate", shop, "-o", out, "--format", "csv", "--seed", "1", "--quiet"); code != 0 {
		t.Fatalf("earlier run: exit %d: %s", code, stderr)
	}
	before := snapshot(t, out)
	stdout, stderr, code := datagenEnv(t, map[string]string{"KBC_TOKEN": "secret-token-123"}, "generate", shop, "-o", out,
		"--format", "csv", "--upload", "--bucket", "in.c-test", "--url", "http://127.0.0.1:9")
	if code != 1 {
		t.Fatalf("exit %d, output %s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "secret-token-123") {
		t.Error("the token appears in the output")
	}
	if !strings.Contains(stderr, "upload failed; no table was written") || strings.Contains(stdout, "Wrote") {
		t.Errorf("the output does not say that nothing was published:\n%s%s", stdout, stderr)
	}
	sameFiles(t, "after a failed upload", before, snapshot(t, out))
}

// TestWriteManifests checks the manifests generate --upload stages beside
// the tables: primary key and columns.
func TestWriteManifests(t *testing.T) {
	e := &cliEnv{stderr: io.Discard}
	p, _, err := e.loadPlan(shop, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := writeManifests(p, dir, false); err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(filepath.Join(dir, "orders.csv.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(m), `"primary_key": [`) || !strings.Contains(string(m), `"order_id"`) {
		t.Errorf("manifest: %s", m)
	}
}

// TestGenerateValidateMatchesValidate checks that the checks computed while
// generating give the same results as a separate validate run.
func TestGenerateValidateMatchesValidate(t *testing.T) {
	out := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", out, "--format", "csv", "--validate"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	other := filepath.Join(t.TempDir(), "report.json")
	if _, stderr, code := datagen(t, "validate", shop, "--data-dir", out, "--report", other, "--quiet"); code != 0 {
		t.Fatalf("validate: exit %d: %s", code, stderr)
	}
	type result struct {
		Name    string `json:"name"`
		Passed  bool   `json:"passed"`
		Message string `json:"message"`
	}
	var a, b struct {
		Summary struct {
			QualityScore float64 `json:"quality_score"`
			Total        int     `json:"total_validations"`
		} `json:"summary"`
		All []result `json:"all_results"`
	}
	for path, dst := range map[string]any{filepath.Join(out, "validation_report.json"): &a, other: &b} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatal(err)
		}
	}
	if a.Summary != b.Summary || len(a.All) != len(b.All) || a.Summary.Total < 50 {
		t.Fatalf("summaries differ: %+v vs %+v (%d vs %d results)", a.Summary, b.Summary, len(a.All), len(b.All))
	}
	for i := range a.All {
		if a.All[i].Name != b.All[i].Name || a.All[i].Passed != b.All[i].Passed {
			t.Errorf("result %d: %+v vs %+v", i, a.All[i], b.All[i])
		}
	}
	// The whole reports agree, statistics and histograms included, but for
	// the run metadata and the file names (none while generating).
	var ra, rb any
	for path, dst := range map[string]*any{filepath.Join(out, "validation_report.json"): &ra, other: &rb} {
		raw, _ := os.ReadFile(path)
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatal(err)
		}
		delete((*dst).(map[string]any), "metadata")
		dropKey(*dst, "file")
	}
	if !reflect.DeepEqual(ra, rb) {
		t.Error("the report computed while generating differs from the one of datagen validate")
	}
}

// dropKey removes key from every object in v.
func dropKey(v any, key string) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, key)
		for _, y := range x {
			dropKey(y, key)
		}
	case []any:
		for _, y := range x {
			dropKey(y, key)
		}
	}
}

// TestGenerateBothFormats: --format csv,parquet writes both files of
// every table in one run, each byte for byte what a run of that format
// alone writes.
func TestGenerateBothFormats(t *testing.T) {
	both := t.TempDir()
	if _, errs, code := datagen(t, "generate", shop, "-o", both, "--format", "csv,parquet", "--quiet", "--seed", "3"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, format := range []string{"csv", "parquet"} {
		one := t.TempDir()
		if _, errs, code := datagen(t, "generate", shop, "-o", one, "--format", format, "--quiet", "--seed", "3"); code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errs)
		}
		for _, id := range []string{"customer", "orders", "order_line"} {
			a, err1 := os.ReadFile(filepath.Join(both, id+"."+format))
			b, err2 := os.ReadFile(filepath.Join(one, id+"."+format))
			if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
				t.Errorf("%s.%s differs from a %s-only run (%v, %v)", id, format, format, err1, err2)
			}
		}
	}
	if _, stderr, code := datagen(t, "generate", shop, "-o", filepath.Join(both, "x"), "--format", "csv,csv"); code != 1 || !strings.Contains(stderr, `"csv" is listed twice`) {
		t.Errorf("--format csv,csv: exit %d: %s", code, stderr)
	}
}

// TestLogLines: without a terminal generate and export log plain lines,
// as run does ("Generated table customer rows=..."); --log-format json
// logs one JSON object a line.
func TestLogLines(t *testing.T) {
	out := t.TempDir()
	_, stderr, code := datagen(t, "generate", shop, "-o", out)
	if code != 0 || !strings.Contains(stderr, "Generated table customer rows=2000 ") || !strings.Contains(stderr, "Generated 6 tables rows=") ||
		strings.Contains(stderr, "level=") {
		t.Errorf("generate: exit %d\n%s", code, stderr)
	}
	_, stderr, code = datagen(t, "export", shop, "-d", out, "-o", t.TempDir())
	if code != 0 || !strings.Contains(stderr, "Exported table customer ") || strings.Contains(stderr, "level=") {
		t.Errorf("export: exit %d\n%s", code, stderr)
	}
	_, stderr, code = datagen(t, "generate", shop, "-o", out, "--log-format", "json")
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, stderr)
	}
	lines := 0
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["msg"] == nil {
			t.Errorf("not a JSON log line: %q", l)
		}
		lines++
	}
	if lines < 7 {
		t.Errorf("%d JSON lines, want one per table and a last one", lines)
	}
	if _, stderr, code := datagen(t, "generate", shop, "-o", out, "--log-format", "xml"); code != 1 || !strings.Contains(stderr, "--log-format must be plain or json") {
		t.Errorf("--log-format xml: exit %d: %s", code, stderr)
	}
}
