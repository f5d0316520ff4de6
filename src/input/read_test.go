package input

import (
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) *Value {
	t.Helper()
	v, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseTree(t *testing.T) {
	v := mustParse(t, ` {"b": 1, "a": [true, null, "x/é"], "b": 2.50, "o": {}} `)
	if v.Kind != ObjectKind || !reflect.DeepEqual(v.Keys(), []string{"b", "a", "o"}) {
		t.Fatalf("keys %v", v.Keys())
	}
	if !reflect.DeepEqual(v.Dups, []string{"b"}) || v.Get("b").Num.String() != "2.50" {
		t.Errorf("duplicate: dups %v, b %s", v.Dups, v.Get("b").Num)
	}
	if a := v.Get("a"); a.Kind != ArrayKind || len(a.Arr) != 3 || !a.Arr[0].Bool || a.Arr[1].Kind != NullKind || a.Arr[2].Str != "x/é" {
		t.Errorf("array %+v", a)
	}
	if string(v.Get("a").Raw) != `[true, null, "x/é"]` || string(v.Get("o").Raw) != `{}` {
		t.Errorf("raw %q %q", v.Get("a").Raw, v.Get("o").Raw)
	}
	if v.Get("missing") != nil || v.Get("a").Get("x") != nil || (*Value)(nil).Get("x") != nil {
		t.Error("Get of a missing key or on a non-object")
	}
}

func TestParseSyntaxErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": 1,}`:     "invalid JSON at line 1, column 9:",
		"{\n  \"a\" 1}": "invalid JSON at line 2, column 7:",
		`{"a": 1} x`:    "invalid JSON at line 1, column 10: invalid character 'x' after top-level value",
		`{"a": [1, 2`:   "invalid JSON at line 1, column 12: unexpected end of input",
		``:              "invalid JSON at line 1, column 1: unexpected end of input",
	} {
		_, err := Parse([]byte(in))
		se, ok := err.(*SyntaxError)
		if !ok || !strings.HasPrefix(se.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
		if !IsUser(err) {
			t.Errorf("Parse(%q): a syntax error is not a user error", in)
		}
	}
	if _, err := Parse([]byte(strings.Repeat("[", 300) + strings.Repeat("]", 300))); err == nil ||
		!strings.Contains(err.Error(), "nesting deeper than 256 levels") {
		t.Errorf("deep nesting: %v", err)
	}
}

func TestIsObject(t *testing.T) {
	for in, want := range map[string]bool{`{}`: true, `{"a": 1}`: true, `[]`: true, `[1]`: false, `"x"`: false, `null`: false} {
		if got := mustParse(t, in).IsObject(); got != want {
			t.Errorf("IsObject(%s) = %v, want %v", in, got, want)
		}
	}
	if (*Value)(nil).IsObject() {
		t.Error("IsObject(nil)")
	}
}

func TestReaderObject(t *testing.T) {
	r := &Reader{Annotations: []string{"comment"}}
	doc := mustParse(t, `{"seed": 1, "sed": 2, "comment": "x", "seed": 3, "list": [], "null": null}`)
	o := r.Object(doc, "parameters", "seed", "list", "null", "missing")
	if o == nil {
		t.Fatal("not an object")
	}
	if o.Get("null") != nil || !o.Has("null") || o.Has("missing") || o.Get("missing") != nil {
		t.Error("null and absent members")
	}
	if n, ok := r.Integer(o.Get("seed"), o.At("seed")); !ok || n != 3 {
		t.Errorf("seed = %d, %v", n, ok)
	}
	o.Required("missing")
	o.Required("null")
	want := []string{
		`parameters.seed: key "seed" is given more than once (remove one of them)`,
		`parameters.sed: unknown key "sed" (did you mean "seed"?)`,
		`parameters: missing required key "missing"`,
		`parameters.null: "null" is required and cannot be null`,
	}
	if got := lines(r.Problems()); !reflect.DeepEqual(got, want) {
		t.Errorf("problems\ngot:  %q\nwant: %q", got, want)
	}
}

func TestReaderEmptyArrayIsAnObject(t *testing.T) {
	r := &Reader{}
	doc := mustParse(t, `{"a": [], "b": [1], "c": "x"}`)
	if o := r.Object(doc.Get("a"), "a", "k"); o == nil || o.Get("k") != nil || len(o.Keys()) != 0 {
		t.Errorf("[] as an object: %+v", o)
	}
	if o := r.Open(doc.Get("a"), "a"); o == nil {
		t.Error("Open([]) = nil")
	}
	if m := r.AnyObject(doc.Get("a"), "a"); m == nil || len(m) != 0 {
		t.Errorf("AnyObject([]) = %#v", m)
	}
	r.Object(doc.Get("b"), "b")
	r.AnyObject(doc.Get("c"), "c")
	want := []string{"b: expected an object, got an array", `c: expected an object, got string "x"`}
	if got := lines(r.Problems()); !reflect.DeepEqual(got, want) {
		t.Errorf("problems\ngot:  %q\nwant: %q", got, want)
	}
}

func TestReaderOpenDone(t *testing.T) {
	r := &Reader{Annotations: []string{"description"}}
	o := r.Open(mustParse(t, `{"curve": [1], "time_unit": "week", "aplies_to": "x", "description": "d", "zzz": 1}`), "b")
	o.Get("curve")
	o.Get("time_unit")
	o.Get("applies_to") // absent, but a known key
	o.Done()
	want := []string{
		`b.aplies_to: unknown key "aplies_to" (did you mean "applies_to"?)`,
		`b.zzz: unknown key "zzz" (allowed keys: applies_to, curve, time_unit)`,
	}
	if got := lines(r.Problems()); !reflect.DeepEqual(got, want) {
		t.Errorf("problems\ngot:  %q\nwant: %q", got, want)
	}
	lenient := &Reader{Reporter: Reporter{Lenient: true}}
	lenient.Object(mustParse(t, `{"x": 1}`), "p", "y")
	if ps := lenient.Problems(); len(ps) != 1 || !ps[0].Warning || ps[0].Message != `unknown key "x" is ignored` {
		t.Errorf("lenient unknown key: %+v", ps)
	}
}

func TestReaderValues(t *testing.T) {
	doc := mustParse(t, `{"s": "x", "e": " ", "n": 5.0, "f": 5.5, "big": 1e400, "ns": "7", "b": true, "yes": "yes",
		"one": 1, "arr": ["a", 2], "nums": [1, "x"], "sc": [1, "a", true, null, [1]]}`)
	type call struct {
		name string
		f    func(r *Reader) (any, bool)
		want any
		ok   bool
	}
	at := func(k string) *Value { return doc.Get(k) }
	calls := []call{
		{"Str", func(r *Reader) (any, bool) { return r.Str(at("s"), "s") }, "x", true},
		{"Str of a number", func(r *Reader) (any, bool) { return r.Str(at("n"), "n") }, "", false},
		{"NonEmptyStr", func(r *Reader) (any, bool) { return r.NonEmptyStr(at("e"), "e") }, "", false},
		{"Num", func(r *Reader) (any, bool) { return r.Num(at("f"), "f") }, 5.5, true},
		{"Num out of range", func(r *Reader) (any, bool) { return r.Num(at("big"), "big") }, 0.0, false},
		{"Num of a numeric string", func(r *Reader) (any, bool) { return r.Num(at("ns"), "ns") }, 7.0, false},
		{"Integer 5.0", func(r *Reader) (any, bool) { return r.Integer(at("n"), "n") }, int64(5), true},
		{"Integer 5.5", func(r *Reader) (any, bool) { return r.Integer(at("f"), "f") }, int64(0), false},
		{"Bool", func(r *Reader) (any, bool) { return r.Bool(at("b"), "b") }, true, true},
		{"Bool of yes", func(r *Reader) (any, bool) { return r.Bool(at("yes"), "yes") }, true, false},
		{"Strings", func(r *Reader) (any, bool) { return r.Strings(at("arr"), "arr") }, []string{"a", ""}, false},
		{"Numbers", func(r *Reader) (any, bool) { return r.Numbers(at("nums"), "nums") }, []float64{1, 0}, false},
		{"Scalars", func(r *Reader) (any, bool) { return r.Scalars(at("sc"), "sc") }, []any{1.0, "a", true, nil, nil}, false},
		{"Array of a string", func(r *Reader) (any, bool) { v, ok := r.Array(at("s"), "s"); return len(v), ok }, 0, false},
	}
	for _, c := range calls {
		r := &Reader{}
		got, ok := c.f(r)
		if ok != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s = %#v, %v; want %#v, %v (%v)", c.name, got, ok, c.want, c.ok, r.Problems())
		}
		if ok == r.Problems().HasErrors() {
			t.Errorf("%s: ok %v but problems %v", c.name, ok, r.Problems())
		}
	}
	// Lenient: the shapes older documents used are read, with a warning.
	r := &Reader{Reporter: Reporter{Lenient: true}}
	if f, ok := r.Num(at("ns"), "ns"); !ok || f != 7 {
		t.Errorf("lenient numeric string: %v %v", f, ok)
	}
	if b, ok := r.Bool(at("one"), "one"); !ok || !b {
		t.Errorf("lenient 1: %v %v", b, ok)
	}
	want := []string{`ns: expected a number, got string "7" (write it without quotes)`, "one: expected true or false, got number 1 (write true or false)"}
	if got := lines(r.Problems()); !reflect.DeepEqual(got, want) || r.Problems().HasErrors() {
		t.Errorf("lenient warnings %q", got)
	}
}

func TestReaderAny(t *testing.T) {
	r := &Reader{}
	got := r.Any(mustParse(t, `{"a": [1, "x", null, {"b": false, "b": true}]}`), "root")
	want := map[string]any{"a": []any{1.0, "x", nil, map[string]any{"b": true}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Any = %#v", got)
	}
	if ps := lines(r.Problems()); len(ps) != 1 || ps[0] != `root.a[3].b: key "b" is given more than once (remove one of them)` {
		t.Errorf("problems %q", ps)
	}
}

func lines(ps Problems) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
