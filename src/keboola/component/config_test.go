package component

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"datagen/src/input"
)

const tinySchema = `{"version": "1.0", "metadata": {"name": "T"},
 "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-01-31T00:00:00Z", "freq": "h"},
 "nodes": [{"id": "u", "kind": "entity", "rows": 3, "pk": "id",
   "columns": [{"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}}]}],
 "constraints": {}}`

func config(params string) []byte {
	return []byte(`{"parameters": ` + params + `}`)
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig(config(`{"schema": ` + tinySchema + `}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Parameters{Schema: []byte(tinySchema), Seed: 42, Scale: 1, MaxMemory: 8 << 30, Parts: 1, PreviewRows: 10,
		Output:     Output{SlicedAboveRows: 5_000_000, SlicedAboveMB: 512, SliceMB: 256},
		Validation: Validation{OnFailure: "fail"}, Mode: ModeGenerate, TwinK: DefaultTwinK}
	if !reflect.DeepEqual(c.Parameters, want) {
		t.Errorf("defaults\ngot:  %+v\nwant: %+v", c.Parameters, want)
	}
	if c.Action != "run" || c.DataTypeSupport != "" || c.DefaultBucket != "" {
		t.Errorf("action %q, data type support %q, default bucket %q", c.Action, c.DataTypeSupport, c.DefaultBucket)
	}
}

func TestParseConfigSchemaAsString(t *testing.T) {
	s, _ := json.Marshal(tinySchema)
	c, err := ParseConfig(config(`{"schema": ` + string(s) + `}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Parameters.Schema) != tinySchema {
		t.Errorf("schema = %s", c.Parameters.Schema)
	}
}

func TestParseConfigAllParameters(t *testing.T) {
	c, err := ParseConfig([]byte(`{
	  "action": "run",
	  "storage": {"output": {"data_type_support": "hints", "tables": [], "default_bucket": "in.c-ex-datagen-123"}},
	  "image_parameters": {"#x": "img-secret"}, "authorization": {"oauth_api": {}}, "runtime": {"safe": true},
	  "new_platform_key": [1, 2],
	  "parameters": {"schema": ` + tinySchema + `, "lenient": true, "seed": -5, "scale": 2.5, "max_memory": "512MiB", "sample_rows": 100,
	    "preview_rows": 25, "workers": 3, "parts": 4, "part": 3, "debug": true,
	    "destination": {"bucket": "out.c-syn", "table_prefix": "demo_", "incremental": true},
	    "output": {"gzip": true, "sliced_above_rows": 10, "sliced_above_mb": 0, "slice_rows": 7, "slice_mb": 1},
	    "validation": {"min_score": 80.5, "on_failure": "warn"},
	    "upload": {"url": "https://connection.keboola.com", "#storage_token": "tok-123"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Parameters
	want := Parameters{Schema: []byte(tinySchema), Lenient: true, Seed: -5, Scale: 2.5, MaxMemory: 512 << 20, SampleRows: 100, PreviewRows: 25, Workers: 3,
		Parts: 4, Part: 3, Debug: true,
		Destination: Destination{Bucket: "out.c-syn", TablePrefix: "demo_", Incremental: true},
		Output:      Output{Gzip: true, SlicedAboveRows: 10, SlicedAboveMB: 0, SliceRows: 7, SliceMB: 1},
		Validation:  Validation{MinScore: 80.5, OnFailure: "warn"},
		Upload:      Upload{URL: "https://connection.keboola.com", Token: "tok-123"}, Mode: ModeGenerate, TwinK: DefaultTwinK}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("parameters\ngot:  %+v\nwant: %+v", p, want)
	}
	if c.DataTypeSupport != "hints" || c.DefaultBucket != "in.c-ex-datagen-123" {
		t.Errorf("data type support %q, default bucket %q", c.DataTypeSupport, c.DefaultBucket)
	}
	slices.Sort(c.Secrets)
	if !slices.Equal(c.Secrets, []string{"img-secret", "tok-123"}) {
		t.Errorf("secrets = %v", c.Secrets)
	}
}

// TestParseConfigEmptyArrays reads a configuration as the platform writes
// it: every nested empty object is an empty array.
func TestParseConfigEmptyArrays(t *testing.T) {
	c, err := ParseConfig([]byte(`{"storage": {}, "image_parameters": [], "parameters": {"schema": ` + tinySchema + `,
	  "destination": [], "output": [], "validation": [], "upload": []}}`))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := ParseConfig(config(`{"schema": ` + tinySchema + `}`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Parameters, plain.Parameters) {
		t.Errorf("empty arrays as sections\ngot:  %+v\nwant: %+v", c.Parameters, plain.Parameters)
	}
	_, err = ParseConfig([]byte(`{"parameters": {"schema": {}, "destination": [1]}}`))
	if err == nil || !strings.Contains(err.Error(), "parameters.destination: expected an object, got an array") {
		t.Errorf("a non-empty array: %v", err)
	}
}

func TestParseConfigProblems(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   []string
	}{
		{"not an object", `[1]`, []string{"config.json is not a JSON object"}},
		{"no parameters", `{"storage": {}}`, []string{"parameters: missing"}},
		{"parameters not an object", `{"parameters": "x"}`, []string{`parameters: expected an object, got string "x"`}},
		{"no schema", `{"parameters": {}}`, []string{"parameters.schema: missing"}},
		{"schema wrong type", `{"parameters": {"schema": 5}}`,
			[]string{"parameters.schema: expected the DSL document as a JSON object or a JSON string, got number 5"}},
		{"empty schema string", `{"parameters": {"schema": "  "}}`, []string{"parameters.schema: empty"}},
		{"every problem at once", `{"action": 5, "storage": {"output": {"data_type_support": "full"}},
		  "parameters": {"schema": {}, "seed": "7", "sed": 1, "scale": 0, "sample_rows": -1, "workers": 2.5,
		   "parts": 0, "part": -1, "debug": "yes", "lenient": null,
		   "destination": {"bucket": "datagen", "table_prefix": "a b", "incremental": 1, "bukket": 1},
		   "output": {"gzip": "no", "sliced_above_rows": -3, "slice_mb": 0, "slice_rows": 1e30},
		   "validation": {"min_score": 101, "on_failure": "stop"},
		   "upload": {"url": "connection.keboola.com", "#storage_token": 12345}}}`,
			[]string{
				"action: expected a string",
				`storage.output.data_type_support: unknown value "full" (want authoritative, hints or none)`,
				`parameters.sed: unknown key "sed" (did you mean "seed"?)`,
				`parameters.seed: expected an integer, got string "7" (write it without quotes)`,
				"parameters.scale: must be greater than 0 and at most 1e+06, got 0",
				"parameters.sample_rows: must be at least 0, got -1",
				"parameters.workers: expected an integer, got 2.5",
				"parameters.parts: must be between 1 and 1000000, got 0",
				"parameters.part: must be between 0 and 999999, got -1",
				`parameters.debug: expected true or false, got string "yes" (write true or false)`,
				"parameters.lenient: expected true or false, got null",
				`parameters.destination.bukket: unknown key "bukket" (did you mean "bucket"?)`,
				`parameters.destination.bucket: "datagen" is not a bucket id: write the stage and the bucket name, e.g. "in.c-datagen"`,
				`parameters.destination.table_prefix: "a b" may contain only letters, digits, '-' and '_'`,
				"parameters.destination.incremental: expected true or false, got number 1 (write true or false)",
				`parameters.output.gzip: expected true or false, got string "no" (write true or false)`,
				"parameters.output.sliced_above_rows: must be at least 0, got -3",
				"parameters.output.slice_rows: integer 1e30 is out of range",
				"parameters.output.slice_mb: must be between 1 and 1048576, got 0",
				"parameters.validation.min_score: must be between 0 and 100, got 101",
				`parameters.validation.on_failure: must be "fail" or "warn", got "stop"`,
				`parameters.upload.url: "connection.keboola.com" is not a Storage API URL such as https://connection.keboola.com`,
				"parameters.upload.#storage_token: expected a string",
			}},
		{"part beyond parts", `{"parameters": {"schema": {}, "parts": 3, "part": 3}}`,
			[]string{"parameters.part: must be between 0 and 2 (parts is 3), got 3"}},
		{"continuous sample", `{"parameters": {"schema": {}, "continuous": true, "sample_rows": 100}}`,
			[]string{"parameters.sample_rows: is 100, and parameters.continuous is true: a continuous run writes every row of its window"}},
		{"unknown key far from any", `{"parameters": {"schema": {}, "zzzzzzzz": 1}}`,
			[]string{`parameters.zzzzzzzz: unknown key "zzzzzzzz" (allowed keys: schema, lenient, seed`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.config))
			if err == nil {
				t.Fatal("no error")
			}
			if !input.IsUser(err) {
				t.Errorf("%v is not a user error", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(lines), len(tt.want), err)
			}
			for _, w := range tt.want {
				found := false
				for _, l := range lines {
					if strings.HasPrefix(l, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("missing problem %q in:\n%s", w, err)
				}
			}
		})
	}
}

func TestParseConfigDoesNotEchoSecrets(t *testing.T) {
	_, err := ParseConfig([]byte(`{"parameters": {"schema": {}, "upload": {"#storage_token": ["very-secret"]}}}`))
	if err == nil || strings.Contains(err.Error(), "very-secret") {
		t.Fatalf("error %v", err)
	}
	var ps input.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Path != "parameters.upload.#storage_token" {
		t.Errorf("problems %#v", ps)
	}
}

// repoFile returns the path of a file at the repository root.
func repoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", ".."}, parts...)...)
}

// TestConfigSchemaMatchesDecoder checks that the UI form
// (component_config/configSchema.json) offers exactly the parameters the
// decoder accepts, with the same defaults.
func TestConfigSchemaMatchesDecoder(t *testing.T) {
	b, err := os.ReadFile(repoFile("component_config", "configSchema.json"))
	if err != nil {
		t.Fatal(err)
	}
	type prop struct {
		Type          any              `json:"type"`
		Default       json.RawMessage  `json:"default"`
		PropertyOrder int              `json:"propertyOrder"`
		Properties    map[string]*prop `json:"properties"`
		Description   string           `json:"description"`
		Title         string           `json:"title"`
	}
	var root prop
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	check := func(at string, props map[string]*prop, known []string) map[string]json.RawMessage {
		var keys []string
		orders := map[int]string{}
		defaults := map[string]json.RawMessage{}
		for k, p := range props {
			keys = append(keys, k)
			if p.Title == "" || strings.ContainsAny(p.Title, ":.") {
				t.Errorf("%s.%s: title %q: every property needs a short title without a colon or period", at, k, p.Title)
			}
			if p.Description == "" {
				t.Errorf("%s.%s has no description", at, k)
			}
			if p.PropertyOrder == 0 {
				t.Errorf("%s.%s has no propertyOrder", at, k)
			} else if o, dup := orders[p.PropertyOrder]; dup {
				t.Errorf("%s.%s and %s share propertyOrder %d", at, k, o, p.PropertyOrder)
			}
			orders[p.PropertyOrder] = k
			if p.Default != nil {
				defaults[k] = p.Default
			}
		}
		slices.Sort(keys)
		k2 := slices.Clone(known)
		slices.Sort(k2)
		if !slices.Equal(keys, k2) {
			t.Errorf("%s: form keys %v, decoder keys %v", at, keys, k2)
		}
		return defaults
	}
	top := check("parameters", root.Properties, parameterKeys)
	sections := map[string][]string{"destination": destinationKeys, "output": outputKeys,
		"validation": validationKeys, "upload": uploadKeys}
	// Build a parameters object from the form's defaults and decode it: it
	// must give the decoder's own defaults.
	params := map[string]any{}
	for k, v := range top {
		params[k] = v
	}
	for name, known := range sections {
		p := root.Properties[name]
		if p == nil {
			t.Fatalf("form has no %s section", name)
		}
		d := check("parameters."+name, p.Properties, known)
		obj := map[string]json.RawMessage{}
		for k, v := range d {
			obj[k] = v
		}
		params[name] = obj
	}
	fromForm, err := json.Marshal(map[string]any{"parameters": params})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(fromForm)
	if err != nil {
		t.Fatalf("the form's defaults do not decode: %v", err)
	}
	plain, err := ParseConfig(config(`{"schema": ` + string(top["schema"]) + `}`))
	if err != nil {
		t.Fatal(err)
	}
	c.Parameters.Schema, plain.Parameters.Schema = nil, nil
	if !reflect.DeepEqual(c.Parameters, plain.Parameters) {
		t.Errorf("form defaults differ from decoder defaults\nform:    %+v\ndecoder: %+v", c.Parameters, plain.Parameters)
	}
}

// TestShippedConfigsParse decodes every config.json shipped with the
// repository (sample config, example data folder).
func TestShippedConfigsParse(t *testing.T) {
	for _, p := range []string{repoFile("component_config", "sample-config", "config.json"),
		repoFile("example", "data", "config.json")} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseConfig(b)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if _, _, err := loadSchema(c.Parameters, NewLogger(os.Stdout, nil, false)); err != nil {
			t.Errorf("%s: schema: %v", p, err)
		}
	}
}

// TestConfigRowSchema checks the form of a configuration row
// (component_config/configRowSchema.json): it offers exactly the
// parameters a row sets, parts and part, both required, with the bounds
// of the configuration's form and of the decoder; a row's parameters
// merged over the configuration's select the row's part.
func TestConfigRowSchema(t *testing.T) {
	type prop struct {
		Type          string `json:"type"`
		Title         string `json:"title"`
		Description   string `json:"description"`
		PropertyOrder int    `json:"propertyOrder"`
		Minimum       *int64 `json:"minimum"`
		Maximum       *int64 `json:"maximum"`
		Default       any    `json:"default"`
	}
	type form struct {
		Type       string           `json:"type"`
		Required   []string         `json:"required"`
		Properties map[string]*prop `json:"properties"`
	}
	read := func(name string) form {
		b, err := os.ReadFile(repoFile("component_config", name))
		if err != nil {
			t.Fatal(err)
		}
		var f form
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return f
	}
	row, root := read("configRowSchema.json"), read("configSchema.json")
	rowKeys := []string{"part", "parts"}
	var keys []string
	for k := range row.Properties {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	required := slices.Sorted(slices.Values(row.Required))
	if row.Type != "object" || !slices.Equal(keys, rowKeys) || !slices.Equal(required, rowKeys) {
		t.Fatalf("row form: type %q, keys %v, required %v; want an object of %v, all required", row.Type, keys, required, rowKeys)
	}
	orders := map[int]bool{}
	for _, k := range rowKeys {
		p, r := row.Properties[k], root.Properties[k]
		if !slices.Contains(parameterKeys, k) || r == nil {
			t.Fatalf("row key %q is not a parameter of the configuration", k)
		}
		if p.Title == "" || strings.ContainsAny(p.Title, ":.") || p.Description == "" || p.PropertyOrder == 0 || orders[p.PropertyOrder] {
			t.Errorf("row key %q: title %q, description %q, propertyOrder %d", k, p.Title, p.Description, p.PropertyOrder)
		}
		orders[p.PropertyOrder] = true
		if p.Default != nil {
			t.Errorf("row key %q has a default: a new row would run that part instead of asking", k)
		}
		if p.Type != r.Type || p.Minimum == nil || p.Maximum == nil || r.Minimum == nil || r.Maximum == nil ||
			*p.Minimum != *r.Minimum || *p.Maximum != *r.Maximum {
			t.Errorf("row key %q: %+v, the configuration's form has %+v", k, p, r)
		}
	}
	// The decoder accepts the form's bounds and nothing beyond them.
	lo, hi := row.Properties["part"], row.Properties["parts"]
	cases := []struct {
		row  string
		want string // the error, or "" for Parts/Part below
		n, k int
	}{
		{row: `"parts": 4, "part": 3`, n: 4, k: 3},
		{row: fmt.Sprintf(`"parts": %d, "part": %d`, *hi.Maximum, *lo.Maximum), n: int(*hi.Maximum), k: int(*lo.Maximum)},
		{row: fmt.Sprintf(`"parts": %d, "part": %d`, *hi.Minimum, *lo.Minimum), n: int(*hi.Minimum), k: int(*lo.Minimum)},
		{row: `"parts": 4, "part": 4`, want: "parameters.part"},
		{row: fmt.Sprintf(`"parts": %d, "part": 0`, *hi.Maximum+1), want: "parameters.parts"},
		{row: fmt.Sprintf(`"parts": 2, "part": %d`, *lo.Minimum-1), want: "parameters.part"},
		{row: fmt.Sprintf(`"parts": %d, "part": 0`, *hi.Minimum-1), want: "parameters.parts"},
	}
	for _, c := range cases {
		// The row's parameters are merged over the configuration's,
		// which has its form's defaults of parts and part.
		params := map[string]any{"schema": json.RawMessage(tinySchema), "parts": 1, "part": 0}
		var over map[string]any
		if err := json.Unmarshal([]byte("{"+c.row+"}"), &over); err != nil {
			t.Fatal(err)
		}
		maps.Copy(params, over)
		b, err := json.Marshal(params)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := ParseConfig(config(string(b)))
		if c.want != "" {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("row {%s}: %v, want an error naming %s", c.row, err, c.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("row {%s}: %v", c.row, err)
			continue
		}
		if cfg.Parameters.Parts != c.n || cfg.Parameters.Part != c.k {
			t.Errorf("row {%s}: part %d of %d", c.row, cfg.Parameters.Part, cfg.Parameters.Parts)
		}
	}
}
