package inputtest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestPlatformConfig(t *testing.T) {
	in := `{"action": "run", "storage": {}, "image_parameters": {}, "runtime": {},
	  "parameters": {"schema": {"constraints": {}, "nodes": [{"id": "u", "fanout": {}, "list": [], "m": {"0": "a", "1": "b"},
	    "n": {"1": "a"}, "s": "a/b é 😀"}]}, "empty": {}, "deep": {"x": {"y": {}}}}}`
	want := `{"action": "run", "storage": {}, "image_parameters": {}, "runtime": [],
	  "parameters": {"schema": {"constraints": [], "nodes": [{"id": "u", "fanout": [], "list": [], "m": ["a", "b"],
	    "n": {"1": "a"}, "s": "a/b é 😀"}]}, "empty": [], "deep": {"x": {"y": []}}}}`
	got, err := PlatformConfig([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, frag := range []string{`"s": "a\/b \u00e9 \ud83d\ude00"`, "\n    \"parameters\": {\n        \"schema\": {"} {
		if !strings.Contains(string(got), frag) {
			t.Errorf("output lacks %q:\n%s", frag, got)
		}
	}
	// An empty parameters object stays an object.
	got, err = PlatformConfig([]byte(`{"parameters": {}}`))
	if err != nil || string(got) != "{\n    \"parameters\": {}\n}" {
		t.Errorf("empty parameters: %q, %v", got, err)
	}
}

func TestPlatformState(t *testing.T) {
	for in, want := range map[string]string{
		`{}`:                `[]`,
		`{"a": {}, "b": 1}`: "{\n    \"a\": [],\n    \"b\": 1\n}",
		`{"0": {"x": "y"}}`: "[\n    {\n        \"x\": \"y\"\n    }\n]",
	} {
		got, err := PlatformState([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("PlatformState(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
}
