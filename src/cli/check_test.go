package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckComponentConfig: check on a component's config.json checks the
// schema under parameters.schema and says so; its problems name the file
// and where the schema is.
func TestCheckComponentConfig(t *testing.T) {
	const cfg = "../../example/data/config.json"
	stdout, stderr, code := datagen(t, "check", cfg)
	if code != 0 || !strings.Contains(stdout, "is a component configuration: checking the schema under parameters.schema") ||
		!strings.Contains(stdout, cfg+" (parameters.schema): valid (2 tables") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(b), `"freq": "h"`, `"freq": "hx"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = datagen(t, "check", bad, "--quiet")
	if code != 1 || !strings.Contains(stderr, bad+" (parameters.schema): 1 problem(s):") || !strings.Contains(stderr, `timeframe.freq: frequency "hx"`) {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

// TestCheckSequenceOnDatetime: a sequence on a datetime column is one
// error; no warning says it will be cast before the error says it cannot.
func TestCheckSequenceOnDatetime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	schema := `{"version": "1.0", "metadata": {"name": "x"},
 "timeframe": {"start": "2024-01-01", "end": "2024-01-31", "freq": "D"},
 "nodes": [{"id": "t", "kind": "entity", "rows": 5, "pk": "id", "columns": [
   {"name": "id", "type": "int", "generator": {"sequence": {}}},
   {"name": "at", "type": "datetime", "generator": {"sequence": {"start": 1}}}]}]}`
	if err := os.WriteFile(path, []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := datagen(t, "check", path)
	if code != 1 || !strings.Contains(stderr, `columns[1](at).generator: sequence yields integers, which cannot become datetime values`) ||
		strings.Contains(stderr, "warning") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

// TestCheckCountsVersions: check prints the versions an entity with
// history writes, and refuses them beyond --max-memory.
func TestCheckCountsVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	schema := `{"version": "1.0", "metadata": {"name": "x"},
 "timeframe": {"start": "2024-01-01", "end": "2024-01-08", "freq": "h"},
 "nodes": [{"id": "customer", "kind": "entity", "rows": 1000, "pk": "id", "history": {"as": "versions"}, "columns": [
   {"name": "id", "type": "int", "generator": {"sequence": {}}},
   {"name": "signup_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
   {"name": "plan", "type": "string", "generator": {"choice": {"choices": ["free", "pro"]}}, "changes": {"every": "1s", "p": 0.5}}]}]}`
	if err := os.WriteFile(path, []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := datagen(t, "check", path)
	if code != 0 || !strings.Contains(stdout, "customer: about 3.024e+08 versions written (1000 entities)") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	_, stderr, code = datagen(t, "check", path, "--max-memory", "50MiB")
	if code != 1 || !strings.Contains(stderr, "more than the limit of 50.0 MiB") {
		t.Errorf("--max-memory 50MiB: exit %d\n%s", code, stderr)
	}
}

// TestSampledExamples: check, preview and generate --dry-run-sample run
// every bundled example capped by a sample, including tables with a
// funnel or states that grow in an open timeline (saas_stream.json).
func TestSampledExamples(t *testing.T) {
	paths, _ := filepath.Glob("../../docs/examples/*.json")
	more, _ := filepath.Glob("../../example/*.json")
	paths = append(paths, more...)
	saas := false
	for _, p := range paths {
		saas = saas || filepath.Base(p) == "saas_stream.json"
	}
	if !saas {
		t.Fatalf("saas_stream.json is not among %v", paths)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			stdout, stderr, code := datagen(t, "check", path)
			if code != 0 || !strings.Contains(stdout, path+": valid (") {
				t.Errorf("check: exit %d\n%s\n%s", code, stdout, stderr)
			}
			stdout, stderr, code = datagen(t, "preview", path, "--rows", "3")
			if code != 0 || !strings.Contains(stdout, "(first 3 of") && !strings.Contains(stdout, ", first 3)") {
				t.Errorf("preview: exit %d\n%s\n%s", code, stdout, stderr)
			}
			_, stderr, code = datagen(t, "generate", path, "-o", t.TempDir(), "--format", "csv", "--dry-run-sample", "150", "--quiet")
			if code != 0 {
				t.Errorf("generate --dry-run-sample: exit %d\n%s", code, stderr)
			}
		})
	}
}
