package functional

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"datagen/src/cli"
	"datagen/src/input/inputtest"
	"datagen/src/templates"
)

// platformCase is a configuration shipped with datagen: a data folder
// (config.json and, optionally, in/state.json) or a config.json alone.
type platformCase struct {
	name   string
	dir    string // data folder to copy, or ""
	config []byte
}

// platformSampleRows caps the tables of the example schemas: the golden
// tests generate them whole; here what matters is that the configuration
// is read as the platform writes it.
const platformSampleRows = 300

// TestPlatformConversion runs every bundled configuration, the form's
// default, every example schema and every template with `datagen run` twice: as written,
// and after the conversion the platform applies to config.json (every
// nested {} becomes [], see inputtest.PlatformConfig; in/state.json is
// written as the platform writes it, [] on a first run). Both runs must exit
// 0 with a table and a manifest per node, and the converted run must write
// the same tables and manifests (the schema's hash aside: it is the hash of
// the document as written).
func TestPlatformConversion(t *testing.T) {
	cases := platformCases(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			converted, err := inputtest.PlatformConfig(c.config)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(c.config), "{}"); n > 0 && !bytes.Contains(converted, []byte("[]")) {
				t.Fatalf("the conversion left the %d empty objects of config.json alone", n)
			}
			plain := runPlatformCase(t, c, c.config, false)
			conv := runPlatformCase(t, c, converted, true)
			comparePlatformOut(t, plain, conv)
		})
	}
}

// platformCases lists the configurations: component_config/sample-config,
// example/data, the default of the form (component_config/configSchema.json)
// and a configuration around each example schema (example/*.json,
// src/dsl/testdata/examples/*.json) and each template (package templates).
func platformCases(t *testing.T) []platformCase {
	root := filepath.Join("..", "..")
	var cases []platformCase
	for _, d := range []struct{ name, dir string }{
		{"sample-config", filepath.Join(root, "component_config", "sample-config")},
		{"example-data", filepath.Join(root, "example", "data")},
	} {
		b, err := os.ReadFile(filepath.Join(d.dir, "config.json"))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, platformCase{name: d.name, dir: d.dir, config: b})
	}
	cases = append(cases, platformCase{name: "form-default", config: formDefaultConfig(t, filepath.Join(root, "component_config", "configSchema.json"))})
	var schemas []string
	for _, pattern := range []string{filepath.Join(root, "example", "*.json"), filepath.Join(root, "src", "dsl", "testdata", "examples", "*.json")} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		schemas = append(schemas, m...)
	}
	if len(schemas) < 10 {
		t.Fatalf("found only %d example schemas", len(schemas))
	}
	add := func(name string, doc []byte) {
		config, err := json.MarshalIndent(map[string]any{"parameters": map[string]any{
			"schema": json.RawMessage(doc), "lenient": true, "sample_rows": platformSampleRows}}, "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cases = append(cases, platformCase{name: name, config: config})
	}
	for _, p := range schemas {
		doc, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		add(filepath.Base(filepath.Dir(p))+"-"+strings.TrimSuffix(filepath.Base(p), ".json"), doc)
	}
	// Objects keyed "0", "1", ... reach the component as lists.
	add("numeric-keys", []byte(numericKeysSchema))
	for _, name := range templates.Names() {
		doc, err := templates.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		add("template-"+name, doc)
	}
	return cases
}

// numericKeysSchema has a map whose keys are "0", "1", ...: the platform
// writes it as a list.
const numericKeysSchema = `{
  "version": "1.0",
  "metadata": {"name": "NumericKeys"},
  "timeframe": {"start": "2024-01-01", "end": "2024-12-31", "freq": "D"},
  "nodes": [
    {"id": "flag", "kind": "entity", "rows": 50, "pk": "flag_id",
     "columns": [
      {"name": "flag_id", "type": "int", "generator": {"sequence": {}}},
      {"name": "state", "type": "string", "generator": {"choice": {"choices": ["0", "1"]}},
       "modifiers": [{"transform": "map_values", "args": {"mapping": {"0": "no", "1": "yes"}}}]}
    ]}
  ]
}`

// formDefaultConfig is the configuration a new configuration's form saves:
// every property's default, nested as the form nests them.
func formDefaultConfig(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type prop struct {
		Default    json.RawMessage  `json:"default"`
		Properties map[string]*prop `json:"properties"`
	}
	var root prop
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	var defaults func(p *prop) (any, bool)
	defaults = func(p *prop) (any, bool) {
		if p.Default != nil {
			return p.Default, true
		}
		if p.Properties == nil {
			return nil, false
		}
		obj := map[string]any{}
		for k, c := range p.Properties {
			if v, ok := defaults(c); ok {
				obj[k] = v
			}
		}
		return obj, true
	}
	params, _ := defaults(&root)
	config, err := json.MarshalIndent(map[string]any{"parameters": params}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(config, []byte(`"schema"`)) {
		t.Fatalf("the form has no default schema:\n%s", config)
	}
	return config
}

// runPlatformCase runs `datagen run` on a copy of the case's data folder
// with config as config.json and returns the out folder. With platform,
// in/state.json is written as the platform writes it: converted, and []
// when the case has none (a first run).
func runPlatformCase(t *testing.T, c platformCase, config []byte, platform bool) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	if c.dir != "" {
		if err := copyTree(c.dir, data); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"in/tables", "in/files", "out/tables", "out/files"} {
		if err := os.MkdirAll(filepath.Join(data, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(data, "config.json"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	if platform {
		statePath := filepath.Join(data, "in", "state.json")
		state, err := os.ReadFile(statePath)
		if os.IsNotExist(err) {
			state, err = []byte("{}"), nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if state, err = inputtest.PlatformState(state); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(statePath, state, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env, err := caseEnv(c.name, data)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"run"}, cli.Env{Stdout: &stdout, Stderr: &stderr, Environ: env, Version: "test"})
	if code != 0 {
		t.Fatalf("exit code %d\nconfig.json:\n%s\nstdout:\n%s\nstderr:\n%s", code, config, stdout.String(), stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("a successful run wrote to stderr:\n%s", stderr.String())
	}
	out := filepath.Join(data, "out")
	var manifests, tables int
	for _, f := range listFiles(t, filepath.Join(out, "tables")) {
		if strings.HasSuffix(f, ".manifest") {
			manifests++
			if _, err := os.Stat(filepath.Join(out, "tables", strings.TrimSuffix(f, ".manifest"))); err != nil {
				t.Errorf("%s has no table", f)
			}
		} else {
			tables++
		}
	}
	if manifests == 0 || tables == 0 {
		t.Fatalf("no tables and manifests in out/tables (%d manifests, %d files)", manifests, tables)
	}
	return out
}

// comparePlatformOut compares the tables and manifests of two runs. The
// manifests' datagen.schema_sha256 is the hash of the schema as written,
// which the conversion changes; it is left out.
func comparePlatformOut(t *testing.T, want, got string) {
	t.Helper()
	want, got = filepath.Join(want, "tables"), filepath.Join(got, "tables")
	wf, gf := listFiles(t, want), listFiles(t, got)
	if !slices.Equal(wf, gf) {
		t.Fatalf("the converted configuration wrote other files\nwant: %v\ngot:  %v", wf, gf)
	}
	for _, f := range wf {
		wb, err := os.ReadFile(filepath.Join(want, f))
		if err != nil {
			t.Fatal(err)
		}
		gb, err := os.ReadFile(filepath.Join(got, f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".manifest") {
			wj, gj := withoutSchemaHash(t, f, wb), withoutSchemaHash(t, f, gb)
			if !reflect.DeepEqual(wj, gj) {
				t.Errorf("%s differs\nwant:\n%s\ngot:\n%s", f, wb, gb)
			}
			continue
		}
		if strings.HasSuffix(f, ".gz") {
			wb, gb = gunzip(t, f, wb), gunzip(t, f, gb)
		}
		if !bytes.Equal(wb, gb) {
			t.Errorf("%s differs\n%s", f, firstDiff(wb, gb))
		}
	}
}

// withoutSchemaHash parses a manifest and drops its schema hash entry.
func withoutSchemaHash(t *testing.T, name string, b []byte) any {
	v := parseJSON(t, name, b)
	if m, ok := v.(map[string]any); ok {
		if md, ok := m["metadata"].([]any); ok {
			m["metadata"] = slices.DeleteFunc(md, func(e any) bool {
				x, _ := e.(map[string]any)
				return x["key"] == "datagen.schema_sha256"
			})
		}
	}
	return v
}
