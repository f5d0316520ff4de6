package dsl_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"datagen/src/dsl"
	"datagen/src/plan"
)

// probeKey is a key no object of the language has.
const probeKey = "zz_probe"

// openObjects end the paths of the objects whose keys are data (names of
// columns, segments, states, values, metadata keys), not keys of the
// language: an unknown key is not a mistake there.
var openObjects = []string{".on", ".mapping", ".args", ".metadata", ".behaviors", ".segments", ".states",
	".next_states", ".segment_variation", ".state_multipliers", ".age_based_multipliers", ".params"}

func isOpenObject(path string) bool {
	if path == "metadata" {
		return true
	}
	for _, s := range openObjects {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return false
}

// objectsIn returns every object of v with its dotted JSON path.
func objectsIn(v any, path string, out map[string]map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		out[path] = x
		for k, e := range x {
			objectsIn(e, strings.TrimPrefix(path+"."+k, "."), out)
		}
	case []any:
		for i, e := range x {
			objectsIn(e, strings.TrimPrefix(path+"."+strconv.Itoa(i), "."), out)
		}
	}
}

// TestJSONSchemaAgreesWithTheDecoderOnUnknownKeys adds an unknown key to
// each object of every bundled example in turn: the decoder and planner
// (strict) and the JSON Schema must both reject it, except in the objects
// whose keys are data.
func TestJSONSchemaAgreesWithTheDecoderOnUnknownKeys(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(dsl.JSONSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(dsl.JSONSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(dsl.JSONSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, pat := range []string{"testdata/examples/*.json", "../../example/*.json", "../../docs/examples/*.json"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	checked := 0
	// One probe per shape of path ("nodes.*.columns.*.generator") and
	// example keeps the test fast.
	digits := regexp.MustCompile(`\.[0-9]+`)
	for _, path := range files {
		shapes := map[string]bool{}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := dsl.Parse(data, dsl.Options{}); err != nil {
			continue // an example of the predecessor that needs --lenient
		}
		var probe map[string]map[string]any
		var root any
		// Decode once to list the paths, then once per probe.
		if err := json.Unmarshal(data, &root); err != nil {
			t.Fatal(err)
		}
		probe = map[string]map[string]any{}
		objectsIn(root, "", probe)
		paths := make([]string, 0, len(probe))
		for p := range probe {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			shape := digits.ReplaceAllString(p, ".*")
			if isOpenObject(p) || shapes[shape] {
				continue
			}
			shapes[shape] = true
			var d any
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			objs := map[string]map[string]any{}
			objectsIn(d, "", objs)
			objs[p][probeKey] = "x"
			edited, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			decErr := decodeAndPlan(edited)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(edited))
			if err != nil {
				t.Fatal(err)
			}
			jsErr := schema.Validate(inst)
			if decErr == nil || jsErr == nil {
				t.Errorf("%s: unknown key in %q: rejected by the decoder %v, by the JSON Schema %v", filepath.Base(path), p, decErr != nil, jsErr != nil)
			}
			checked++
		}
	}
	if checked < 200 {
		t.Errorf("only %d objects probed", checked)
	}
}

// decodeAndPlan parses and plans a document strictly (behaviour blocks are
// checked by the planner).
func decodeAndPlan(data []byte) error {
	s, _, err := dsl.Parse(data, dsl.Options{})
	if err != nil {
		return err
	}
	_, err = plan.New(s)
	return err
}

// Keys the decoder reads, found in its source: the arguments of Object
// calls and the key lists in src/dsl, the key reads of src/behavior.
var (
	objectCall   = regexp.MustCompile(`(?s)\.Object\(([^()]|\([^()]*\))*\)`)
	keyList      = regexp.MustCompile(`(?s)(?:Keys?|Fields)\s*=\s*(?:append\()?\[\]string\{[^}]*\}|items\([^)]*\)|distParams\s*=\s*map[^\n]*|GeneratorKind = "[a-z_]+"`)
	behaviorRead = regexp.MustCompile(`\b(?:get|str|num|has|integer|boolean|numIn|column|read)\((?:o, )?"([a-z_]+)"|parseUnit\(\w+, "([a-z_]+)"|range \[\]string\{"([a-z_]+)", "([a-z_]+)", "([a-z_]+)"\}`)
	quoted       = regexp.MustCompile(`"([a-z_$]+)"`)
)

// decoderKeys returns the object keys the decoder and the behaviour
// reader accept.
func decoderKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	read := func(pattern string) []string {
		files, _ := filepath.Glob(pattern)
		var out []string
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "jsonschema.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
		return out
	}
	for _, src := range read("*.go") {
		for _, m := range append(objectCall.FindAllString(src, -1), keyList.FindAllString(src, -1)...) {
			for _, q := range quoted.FindAllStringSubmatch(m, -1) {
				keys[q[1]] = true
			}
		}
	}
	for _, src := range read("../behavior/*.go") {
		for _, m := range behaviorRead.FindAllStringSubmatch(src, -1) {
			for _, k := range m[1:] {
				if k != "" {
					keys[k] = true
				}
			}
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d decoder keys: %v", len(keys), keys)
	}
	return keys
}

// schemaProperties returns every property name the JSON Schema declares.
func schemaProperties(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if props, ok := x["properties"].(map[string]any); ok {
			for k := range props {
				out[k] = true
			}
		}
		for _, e := range x {
			schemaProperties(e, out)
		}
	case []any:
		for _, e := range x {
			schemaProperties(e, out)
		}
	}
}

// TestJSONSchemaCoversTheDecoderKeys compares the keys the decoder reads
// (from its source) with the properties the JSON Schema declares, so that
// a key added to either is added to the other.
func TestJSONSchemaCoversTheDecoderKeys(t *testing.T) {
	dec := decoderKeys(t)
	var root any
	if err := json.Unmarshal(dsl.JSONSchema(), &root); err != nil {
		t.Fatal(err)
	}
	props := map[string]bool{}
	schemaProperties(root, props)
	// The distribution types key the decoder's table of parameters; they
	// are values of "type", not keys.
	notKeys := map[string]bool{"normal": true, "lognormal": true, "uniform": true, "poisson": true, "empirical": true}
	var missing, unknown []string
	for k := range dec {
		if !props[k] && !notKeys[k] {
			missing = append(missing, k)
		}
	}
	for k := range props {
		if !dec[k] && k != dsl.JSONSchemaKey && k != "comment" && k != "description" {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(unknown)
	if len(missing) > 0 {
		t.Errorf("the decoder reads keys the JSON Schema does not declare: %v", missing)
	}
	if len(unknown) > 0 {
		t.Errorf("the JSON Schema declares keys the decoder does not read: %v", unknown)
	}
}
