package dsl

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var updateJSONSchema = flag.Bool("update-jsonschema", false, "rewrite schema/datagen.schema.json from JSONSchema()")

// shippedJSONSchema is the copy of JSONSchema() in the repository.
const shippedJSONSchema = "../../schema/datagen.schema.json"

// compiledJSONSchema compiles JSONSchema() with a draft 2020-12 validator.
func compiledJSONSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	if err != nil {
		t.Fatalf("JSONSchema() is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(JSONSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(JSONSchemaID)
	if err != nil {
		t.Fatalf("JSONSchema() does not compile: %v", err)
	}
	return s
}

// jsValidate validates a JSON document against s; nil when it conforms.
func jsValidate(t testing.TB, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return s.Validate(inst)
}

func TestJSONSchemaIsUpToDate(t *testing.T) {
	got := JSONSchema()
	if !bytes.Equal(got, JSONSchema()) {
		t.Fatal("JSONSchema() differs between calls")
	}
	if *updateJSONSchema {
		if err := os.MkdirAll(filepath.Dir(shippedJSONSchema), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shippedJSONSchema, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(shippedJSONSchema)
	if err != nil {
		t.Fatalf("%v (write it with go test ./src/dsl -run JSONSchemaIsUpToDate -update-jsonschema)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date: rewrite it with go test ./src/dsl -run JSONSchemaIsUpToDate -update-jsonschema", shippedJSONSchema)
	}
}

// bundledExamples lists every example schema shipped in the repository.
func bundledExamples(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{examplesDir + "/*.json", "../../example/*.json", "../../docs/examples/*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) < 15 {
		t.Fatalf("found only %d examples", len(out))
	}
	return out
}

func TestJSONSchemaAcceptsBundledExamples(t *testing.T) {
	s := compiledJSONSchema(t)
	for _, path := range bundledExamples(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := jsValidate(t, s, data); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	if err := jsValidate(t, s, []byte(baseSchema)); err != nil {
		t.Errorf("base schema: %v", err)
	}
}

// semanticOnly are the bad-schema cases that the decoder rejects and the
// JSON Schema cannot: they depend on other parts of the document (tables
// and columns that exist, counts, order, types of other columns) or on
// syntax that JSON Schema does not parse (timestamps, frequencies, regular
// expressions, expressions, weights_kind arguments).
var semanticOnly = map[string]string{
	"bad timeframe date":              "calendar validity of an ISO 8601 timestamp",
	"timeframe start after end":       "comparing two timestamps",
	"bad timeframe freq":              "frequency syntax (pandas offset aliases with multiples and anchors)",
	"duplicate node id":               "uniqueness of a member across array items",
	"node ids differing in case":      "uniqueness without case across array items",
	"column names differing in case":  "uniqueness without case across array items",
	"pk not a column":                 "reference to a column of the node",
	"time_column not a column":        "reference to a column of the node",
	"arrivals on a fact with parents": "a rule between a node's kind and its parents",
	"time_column not a time":          "the type of another column",
	"unknown parent":                  "reference to another node",
	"uniform fanout min above max":    "comparing two values",
	"fanout clamp reversed":           "comparing two values",
	"duplicate column name":           "uniqueness of a member across array items",
	"weights length":                  "the weight count depends on the number of choices",
	"weights sum to zero":             "a sum of values",
	"zipf exponent":                   "the number inside the weights_kind string",
	"head_tail share":                 "the numbers inside the weights_kind string",
	"choices_ref unknown column":      "reference to a column of another node",
	"choice not an int":               "the column's type decides how choices are cast",
	"choice not a timestamp":          "the column's type decides how choices are cast",
	"uniform low above high":          "comparing two values",
	"distribution clamp reversed":     "comparing two values",
	"empirical quantiles decreasing":  "comparing neighbouring array items",
	"within reversed":                 "comparing two timestamps",
	"within bad end":                  "calendar validity of an ISO 8601 timestamp",
	"bad freq":                        "frequency syntax (pandas offset aliases with multiples and anchors)",
	"bad weekly anchor":               "frequency syntax (pandas offset aliases with multiples and anchors)",
	"faker locale_from":               "reference to a column of the node",
	"lookup unknown table":            "reference to another node",
	"lookup unknown column":           "reference to a column of another node",
	"lookup on unknown local":         "reference to a column of the node",
	"lookup on unknown remote":        "reference to a column of another node",
	"blank expression":                "a string of spaces is not an expression",
	"vocab enum_list lengths":         "lengths of arrays in different columns",
	"vocab without enum_list":         "a column of some item must use enum_list",
	"unknown effect table":            "reference to another node",
	"effect window column":            "reference to a column of another node",
	"effect window column type":       "the type of a column of another node",
	"effect field missing":            "reference to a column of another node",
	"effect field type":               "the type of a column of another node",
	"effect on local":                 "reference to a column of the node",
	"effect on remote":                "reference to a column of another node",
	"effect ts type":                  "the type of another column",
	"effect ts unknown":               "reference to a column of the node",
	"node effect unknown table":       "reference to another node",
	"trend reference type":            "the type of another column",
	"trend reference unknown":         "reference to a column of the node",
	"time_jitter on float":            "the modifier depends on the column's type",
	"multiply on datetime":            "the modifier depends on the column's type",
	"column regex":                    "regular expression syntax",
	"column enum_ref":                 "reference to another node",
	"unique unknown column":           "reference to a column of another node",
	"range unknown table":             "reference to another node",
	"range reversed":                  "comparing two values",
	"inequality side":                 "reference to a column of another node",
	"python regex":                    "regular expression syntax",
	"python backreference":            "regular expression syntax",
	"enum_ref unknown":                "reference to a column of another node",
	"weekend share timestamp type":    "the type of a column of another node",
	"mean_in_range table":             "reference to another node",
	"mean_in_range column type":       "the type of a column of another node",
	"composite table":                 "reference to another node",
	"influence weights":               "the weight count depends on the dimension",
	"influence effect table":          "reference to another node",
	"dag missing node":                "the dag must list every node",
	"dag duplicate":                   "uniqueness across nested arrays",
	"dag unknown node":                "reference to a node",
	"dag parent order":                "the order of nodes depends on their references",
	"rows out of range":               "the 64-bit integer range",
	"aggregate of a non-child":        "reference to another node",
	"aggregate of a string":           "the type of a column of another node",
	"aggregate mean not nullable":     "the function and the column's nullable flag",
	"aggregate where":                 "expression syntax and references",
	"aggregate read by its child":     "references between nodes",
	"decimal scale above precision":   "comparing two values",
	"sequential longer than its grid": "the grid length depends on the window, the frequency and the row count",
	"lifetime of another table":       "reference to the node's primary parent",
	"lifetime not a time":             "the type of a column of another node",
	"lifetime two tables":             "comparing two references",
	"sequential with seasonality":     "a modifier of the column depends on its generator",
}

func TestJSONSchemaAgreesWithTheDecoderOnBadSchemas(t *testing.T) {
	s := compiledJSONSchema(t)
	names := map[string]bool{}
	for _, tc := range badSchemaCases() {
		names[tc.name] = true
		d := baseDoc(t)
		tc.edit(t, d)
		data := encode(t, d)
		if _, _, err := Parse(data, Options{}); err == nil {
			t.Fatalf("%s: the decoder accepts it", tc.name)
		}
		jsErr := jsValidate(t, s, data)
		why, semantic := semanticOnly[tc.name]
		switch {
		case semantic && jsErr == nil:
		case semantic:
			t.Errorf("%s is listed as semantic (%s) but the JSON Schema rejects it: remove it from semanticOnly (%v)", tc.name, why, jsErr)
		case jsErr == nil:
			t.Errorf("%s: the decoder rejects it (%s: %s), the JSON Schema accepts it", tc.name, tc.path, tc.msg)
		}
	}
	for name := range semanticOnly {
		if !names[name] {
			t.Errorf("semanticOnly lists %q, which is not a bad-schema case", name)
		}
	}
}

func TestJSONSchemaKeyIsAnnotation(t *testing.T) {
	plain, _, err := Parse([]byte(baseSchema), Options{})
	if err != nil {
		t.Fatal(err)
	}
	with := strings.Replace(baseSchema, "{", `{"$schema": "../schema/datagen.schema.json",`, 1)
	s, _, err := Parse([]byte(with), Options{})
	if err != nil {
		t.Fatalf("$schema rejected: %v", err)
	}
	if s.Hash() != plain.Hash() {
		t.Errorf("$schema changes the hash")
	}
	if err := jsValidate(t, compiledJSONSchema(t), []byte(with)); err != nil {
		t.Errorf("JSON Schema rejects $schema: %v", err)
	}
	_, _, err = Parse([]byte(strings.Replace(baseSchema, "{", `{"$schema": 5,`, 1)), Options{})
	if err == nil || !strings.Contains(err.Error(), "$schema: expected a string") {
		t.Errorf("$schema 5: %v", err)
	}
}

// TestJSONSchemaDescribesEveryKey checks that every property of the JSON
// Schema has a description, and that the enums come from the decoder.
func TestJSONSchemaDescribesEveryKey(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(JSONSchema(), &root); err != nil {
		t.Fatal(err)
	}
	var missing []string
	var walkSchema func(v any, path string)
	walkSchema = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok && x["additionalProperties"] == false {
				for k, p := range props {
					pm, _ := p.(map[string]any)
					if _, ok := pm["description"]; !ok && pm["$ref"] == nil {
						missing = append(missing, path+".properties."+k)
					}
				}
			}
			for k, e := range x {
				walkSchema(e, path+"."+k)
			}
		case []any:
			for i, e := range x {
				walkSchema(e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walkSchema(root, "")
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("properties without a description:\n%s", strings.Join(missing, "\n"))
	}
	defs := root["$defs"].(map[string]any)
	kinds := defs["Node"].(map[string]any)["properties"].(map[string]any)["kind"].(map[string]any)["enum"].([]any)
	if !slices.Equal(toStrings(kinds), nodeKinds) {
		t.Errorf("node kinds %v, decoder %v", kinds, nodeKinds)
	}
	gens := defs["Generator"].(map[string]any)["properties"].(map[string]any)
	for _, g := range generatorNames {
		if gens[g] == nil {
			t.Errorf("generator %s missing", g)
		}
	}
}

func toStrings(v []any) []string {
	out := make([]string, 0, len(v))
	for _, x := range v {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestJSONSchemaAcceptsEmptyArraysForObjects: Keboola stores an empty
// object of a configuration as []; the decoder and the JSON Schema both
// read [] as {} where an object without required keys is expected.
func TestJSONSchemaAcceptsEmptyArraysForObjects(t *testing.T) {
	s := compiledJSONSchema(t)
	d := baseDoc(t)
	set(t, d, "constraints", `[]`)
	set(t, d, jOrder+".modifiers.0.args.on", `[]`)
	set(t, d, jUser+".columns.0.generator.sequence", `[]`)
	data := encode(t, d)
	if _, _, err := Parse(data, Options{}); err != nil {
		t.Fatalf("decoder: %v", err)
	}
	if err := jsValidate(t, s, data); err != nil {
		t.Errorf("JSON Schema: %v", err)
	}
	// constraints is optional for both.
	without := baseDoc(t)
	del(t, without, "constraints")
	if err := jsValidate(t, s, encode(t, without)); err != nil {
		t.Errorf("JSON Schema without constraints: %v", err)
	}
	// A non-empty array is not an object for either.
	set(t, d, "constraints", `[1]`)
	data = encode(t, d)
	if _, _, err := Parse(data, Options{}); err == nil {
		t.Error("decoder accepts constraints [1]")
	}
	if err := jsValidate(t, s, data); err == nil {
		t.Error("JSON Schema accepts constraints [1]")
	}
}
