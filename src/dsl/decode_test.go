package dsl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSyntaxErrorPosition(t *testing.T) {
	cases := []struct {
		in        string
		line, col int
		msg       string
	}{
		{"{\n  \"version\": \"1.0\",\n  \"nodes\": [1,, 2]\n}", 3, 15, "invalid character ','"},
		{"{\"a\": 1", 1, 8, "unexpected end of input"},
		{"{\"a\": 1}\n{}", 2, 1, "after the top-level value"},
		{"\n\n  {\"a\": NaN}", 3, 9, "invalid character 'N'"},
		{"", 1, 1, "unexpected end of input"},
	}
	for _, tc := range cases {
		_, _, err := Parse([]byte(tc.in), Options{})
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: want *SyntaxError, got %v", tc.in, err)
			continue
		}
		if se.Line != tc.line || se.Column != tc.col || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("%q: got line %d col %d %q, want line %d col %d %q", tc.in, se.Line, se.Column, se.Msg, tc.line, tc.col, tc.msg)
		}
		if !strings.HasPrefix(se.Error(), fmt.Sprintf("invalid JSON at line %d, column %d: ", tc.line, tc.col)) {
			t.Errorf("Error() = %q", se.Error())
		}
	}
}

func TestDeepNestingIsAnError(t *testing.T) {
	in := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	_, _, err := Parse([]byte(in), Options{})
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "nesting deeper than") {
		t.Fatalf("got %v", err)
	}
}

func TestDuplicateKeys(t *testing.T) {
	in := strings.Replace(baseSchema, `"rows": 100,`, `"rows": 100, "rows": 200,`, 1)
	in = strings.Replace(in, `"domain": "tests"`, `"domain": "a", "domain": "b"`, 1)
	in = strings.Replace(in, `"mean": 35, "std": 10`, `"mean": 35, "std": 10, "std": 11`, 1)
	_, _, err := Parse([]byte(in), Options{Lenient: true})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	for _, w := range []expect{
		{pUser + ".rows", `key "rows" is given more than once`},
		{"metadata.domain", `key "domain" is given more than once`},
		{pAge + ".generator.distribution.params.std", `key "std" is given more than once`},
	} {
		if _, ok := findProblem(ps, w.path, w.msg); !ok {
			t.Errorf("missing %s: %s in\n%v", w.path, w.msg, err)
		}
	}
	if len(ps) != 3 {
		t.Errorf("got %d problems:\n%v", len(ps), err)
	}
}

func TestUnknownKeysStrictAndLenient(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jUser+".columns.0.nulable", `false`)
	set(t, d, jAge+".generator.distribution.params.stdev", `3`)
	set(t, d, jOrder+".fanout.lamda", `3`)
	set(t, d, "metadata.owner", `"team"`)                    // metadata takes any key
	set(t, d, jUser+".columns.0.comment", `"an annotation"`) // annotations are allowed
	set(t, d, jOrder+".description", `"orders"`)
	set(t, d, jOrdAt+".generator.comment", `"ok"`)
	want := []expect{
		{pUser + ".columns[0](user_id).nulable", `unknown key "nulable"`},
		{pAge + ".generator.distribution.params.stdev", `unknown normal parameter "stdev"`},
		{pOrder + ".fanout.lamda", `unknown key "lamda"`},
	}
	_, _, err := Parse(encode(t, d), Options{})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	checkProblems(t, ps, want, false)

	s, warns, err := Parse(encode(t, d), Options{Lenient: true})
	if err != nil {
		t.Fatalf("lenient: %v", err)
	}
	checkProblems(t, warns, []expect{
		{pUser + ".columns[0](user_id).nulable", `unknown key "nulable" is ignored`},
		{pAge + ".generator.distribution.params.stdev", `unknown normal parameter "stdev" is ignored`},
		{pOrder + ".fanout.lamda", `unknown key "lamda" is ignored`},
	}, true)
	if s.Metadata.Extra["owner"] != "team" || s.Node("order").Description != "orders" {
		t.Errorf("metadata extra / description not kept: %+v", s.Metadata)
	}
	if p := s.Node("user").Column("age").Generator.Distribution.Params; !reflect.DeepEqual(p, map[string]float64{"mean": 35, "std": 10}) {
		t.Errorf("ignored param kept: %v", p)
	}
}

func TestSuggestions(t *testing.T) {
	cases := []struct {
		edit       edit
		path, sugg string
	}{
		{setTo(jUser+".columns.0.nulable", `true`), pUser + ".columns[0](user_id).nulable", `did you mean "nullable"?`},
		{setTo(jUser+".colums", `[]`), pUser + ".colums", `did you mean "columns"?`},
		{setTo("targts", `{}`), "targts", `did you mean "targets"?`},
		{setTo(jUser+".columns.0.generator", `{"sequense": {}}`), pUser + ".columns[0](user_id).generator.sequense", `did you mean "sequence"?`},
		{setTo(jAge+".generator.distribution.params.sd", `1`), pAge + ".generator.distribution.params.sd", `did you mean "std"?`},
		{setTo(jAge+".generator.distribution.type", `"Normal"`), pAge + ".generator.distribution.type", `did you mean "normal"?`},
		{setTo(jAmount+".modifiers.0.transform", `"jiter"`), pAmount + ".modifiers[0].transform", `did you mean "jitter"?`},
		{setTo(jAmount+".type", `"double"`), pAmount + ".type", `did you mean "float"?`},
		{setTo(jOrdAt+".generator.datetime_series.freq", `"hourly"`), pOrdAt + ".generator.datetime_series.freq", `did you mean "h"?`},
		{setTo(jOrdAt+".generator.datetime_series.freq", `"15mins"`), pOrdAt + ".generator.datetime_series.freq", `did you mean "15min"?`},
		{setTo(jOrdAt+".generator.datetime_series.freq", `"Ms"`), pOrdAt + ".generator.datetime_series.freq", `did you mean "MS"?`},
		{setTo(jOrder+".parents", `["usr"]`), pOrder + ".parents[0]", `did you mean "user"?`},
		{setTo(jTrend+".time_reference", `"orderd_at"`), pTrend + ".time_reference", `did you mean "ordered_at"?`},
		{setTo("constraints.inequalities.0.op", `"=<"`), "constraints.inequalities[0].op", `did you mean "<="?`},
		{setTo(jAge+".generator.distribution.type", `"poison"`), pAge + ".generator.distribution.type", `did you mean "poisson"?`},
	}
	for _, tc := range cases {
		d := baseDoc(t)
		tc.edit(t, d)
		_, _, err := Parse(encode(t, d), Options{})
		var ps Problems
		if !errors.As(err, &ps) {
			t.Errorf("%s: want Problems, got %v", tc.path, err)
			continue
		}
		found := false
		for _, p := range ps {
			if p.Path == tc.path && strings.Contains(p.Suggestion, tc.sugg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no suggestion %q in\n%v", tc.path, tc.sugg, err)
		}
	}
}

func TestLenientCoercions(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jUser+".rows", `"100"`)
	set(t, d, jAmount+".nullable", `"yes"`)
	set(t, d, jAge+".generator.distribution.params.mean", `"35.5"`)
	_, _, err := Parse(encode(t, d), Options{})
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 3 {
		t.Fatalf("strict: want 3 problems, got %v", err)
	}
	s, warns, err := Parse(encode(t, d), Options{Lenient: true})
	if err != nil {
		t.Fatalf("lenient: %v", err)
	}
	if len(warns) != 3 {
		t.Errorf("want 3 warnings, got %v", Problems(warns))
	}
	if *s.Node("user").Rows != 100 || !s.Node("order").Column("amount").Nullable ||
		s.Node("user").Column("age").Generator.Distribution.Params["mean"] != 35.5 {
		t.Error("coerced values not kept")
	}
}

func TestIntegerCoercion(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jUser+".rows", `100.0`)
	set(t, d, jUser+".columns.0.generator.sequence.start", `1e3`)
	s, _, err := Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// encoding/json writes 100.0 as 100; feed the literal text directly too.
	in := strings.Replace(baseSchema, `"rows": 100,`, `"rows": 100.0,`, 1)
	s2, _, err := Parse([]byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if *s.Node("user").Rows != 100 || *s2.Node("user").Rows != 100 || s.Node("user").Column("user_id").Generator.Sequence.Start != 1000 {
		t.Error("integral numbers not accepted as integers")
	}
}

func TestLookupOnShapes(t *testing.T) {
	d := baseDoc(t)
	// New shape: local column -> source column.
	set(t, d, jOrder+".columns.7.generator.lookup.on", `{"user_id": "user_id"}`)
	s, warns, err := Parse(encode(t, d), Options{})
	if err != nil || len(warns) != 0 {
		t.Fatalf("new shape: %v %v", err, warns)
	}
	l := s.Node("order").Column("country_copy").Generator.Lookup
	if l.LegacyOn || !reflect.DeepEqual(l.On, []KeyPair{{"user_id", "user_id"}}) {
		t.Errorf("new shape: %+v", l)
	}
	// Legacy shape: the key is decoration, the value names both sides.
	set(t, d, jOrder+".columns.7.generator.lookup.on", `{"this_key": "user_id"}`)
	s, warns, err = Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, warns, []expect{{pOrder + ".columns[7](country_copy).generator.lookup.on.this_key", "legacy lookup.on shape"}}, true)
	l = s.Node("order").Column("country_copy").Generator.Lookup
	if !l.LegacyOn || !reflect.DeepEqual(l.On, []KeyPair{{"user_id", "user_id"}}) {
		t.Errorf("legacy shape: %+v", l)
	}
	// Several pairs keep document order.
	in := strings.Replace(baseSchema, `"on": {"user_id": "user_id"}`, `"on": {"user_id": "user_id", "category": "country"}`, 1)
	s, _, err = Parse([]byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Node("order").Column("country_copy").Generator.Lookup.On; !reflect.DeepEqual(got, []KeyPair{{"user_id", "user_id"}, {"category", "country"}}) {
		t.Errorf("pairs: %+v", got)
	}
}

func TestLikelyMistakeWarnings(t *testing.T) {
	// An empty path means: no warning at all.
	cases := []struct {
		edit      edit
		path, msg string
	}{
		{edit: setTo(jCountry+".generator", `{"distribution": {"type": "normal", "params": {}, "clamp": [0, 1]}}`),
			path: pCountry + ".generator", msg: "distribution on a string column"},
		{edit: setTo(jAge+".generator", `{"datetime_series": {"within": "timeframe", "freq": "D"}}`),
			path: pAge + ".generator", msg: "datetime_series on a int column"},
		{edit: setTo("nodes.1.columns.0.modifiers", `[{"transform": "seasonality", "args": {"dimension": "hour", "weights": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}}]`),
			path: pStatus + ".columns[0](code).modifiers[0].transform", msg: `node "status" has none; it is ignored`},
		{edit: setTo(jOrdAt+".generator", `{"choice": {"choices": ["2024-01-01"]}}`),
			path: pOrdAt + ".modifiers[0].transform", msg: "only shapes a datetime_series generator; it is ignored"},
		{edit: setTo(jUser+".modifiers", `[{"transform": "effect", "args": {"effect_table": "promo", "map": {"field": "mult"}}}]`),
			path: pUser + ".modifiers[0]", msg: "effect is ignored on a node without a fanout"},
		{edit: setTo(jAmount+".modifiers.2.args.ts", `null`),
			path: "", msg: ""},
		{edit: setTo(jAge+".generator", `{"choice": {"choices": [20, 30.5]}}`),
			path: pAge + ".generator.choice.choices[1]", msg: "30.5 is rounded to the nearest int"},
		{edit: setTo(jCountry+".generator.choice.choices", `["US", null, "CZ"]`),
			path: pCountry + ".generator.choice.choices[1]", msg: "null value in a column that is not nullable"},
		{edit: setTo(jAmount+".modifiers.0", `{"transform": "add", "args": {"value": 1, "unit": "hours"}}`),
			path: pAmount + ".modifiers[0].args.unit", msg: "unit only applies to datetime and date columns"},
		{edit: setTo(jCountry+".generator.choice.weights_kind", `"zipf@2"`),
			path: pCountry + ".generator.choice.weights_kind", msg: "weights_kind is ignored when weights are given"},
		{edit: setTo(jOrder+".rows", `10`),
			path: pOrder + ".rows", msg: "rows is ignored on a fact with parents"},
		{edit: setTo("nodes.2.columns.1.generator", `{"enum_list": {"values": ["A", "B"]}}`),
			path: "nodes[2](promo).columns[1](category).generator.enum_list", msg: "enum_list has 2 values but node \"promo\" has 10 rows"},
	}
	for _, tc := range cases {
		d := baseDoc(t)
		tc.edit(t, d)
		_, warns, err := Parse(encode(t, d), Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		if tc.path == "" {
			if len(warns) != 0 {
				t.Errorf("unexpected warnings: %v", Problems(warns))
			}
			continue
		}
		if _, ok := findProblem(warns, tc.path, tc.msg); !ok {
			t.Errorf("no warning %s: %s in %v", tc.path, tc.msg, Problems(warns))
		}
	}
}

func TestIgnoredModifiersAreDropped(t *testing.T) {
	d := baseDoc(t)
	// outliers on a datetime column are kept (they shift timestamps by
	// days); a node-level effect on an entity can do nothing and is
	// dropped with a warning.
	set(t, d, jOrdAt+".modifiers", `[{"transform": "time_jitter", "args": {"std_minutes": 3}},
		{"transform": "outliers", "args": {"rate": 0.1, "mode": "drop"}},
		{"transform": "add", "args": {"value": 2, "unit": "days"}}]`)
	set(t, d, "nodes.2.modifiers", `[{"transform": "effect", "args": {"effect_table": "user", "map": {"field": "age"}}}]`)
	for _, lenient := range []bool{false, true} {
		s, warns, err := Parse(encode(t, d), Options{Lenient: lenient})
		if err != nil {
			t.Fatalf("lenient=%v: %v", lenient, err)
		}
		if len(warns) != 1 {
			t.Errorf("lenient=%v: warnings: %v", lenient, Problems(warns))
		}
		mods := s.Node("order").Column("ordered_at").Modifiers
		if len(mods) != 3 || mods[1].Transform != TOutliers || mods[2].Add.Unit != "days" {
			t.Errorf("lenient=%v: modifiers: %+v", lenient, mods)
		}
		if len(s.Node("promo").Modifiers) != 0 {
			t.Errorf("lenient=%v: node-level effect on an entity not dropped", lenient)
		}
	}
}

func TestEffectDefaults(t *testing.T) {
	s, _, err := Parse([]byte(baseSchema), Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := s.Node("order").Column("amount").Modifiers[2].Effect
	if e.Op != "mul" || e.Default != 1 || e.TS != "ordered_at" || e.Overlap != "product" ||
		!reflect.DeepEqual(e.On, []KeyPair{{"category", "category"}}) {
		t.Errorf("effect: %+v", e)
	}
	d := baseDoc(t)
	set(t, d, jEffect+".map", `{"field": "mult", "op": "add"}`)
	s, _, err = Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Node("order").Column("amount").Modifiers[2].Effect; e.Op != "add" || e.Default != 0 {
		t.Errorf("add default: %+v", e)
	}
	o := s.Node("order").Column("amount").Modifiers[1].Outliers
	if o.MagnitudeDist.Type != "lognormal" || o.MagnitudeDist.Params["sigma"] != 0.5 || *o.MagnitudeDist.ClampMin != 0.1 || *o.MagnitudeDist.ClampMax != 10 {
		t.Errorf("outliers defaults: %+v", o.MagnitudeDist)
	}
	tr := s.Node("order").Column("amount").Modifiers[3].Trend
	if tr.Type != "linear" || tr.GrowthRate != 0.1 || tr.A != 0.1 || tr.B != 1 {
		t.Errorf("trend: %+v", tr)
	}
}

func TestTrendAliases(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jTrend, `{"trend_type": "logarithmic", "reference_column": "ordered_at", "params": {"a": 0.3, "b": 2}}`)
	s, warns, err := Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, warns, []expect{
		{pTrend + ".trend_type", "trend_type is read as type"},
		{pTrend + ".reference_column", "reference_column is read as time_reference"},
	}, true)
	tr := s.Node("order").Column("amount").Modifiers[3].Trend
	if tr.Type != "logarithmic" || tr.TimeReference != "ordered_at" || tr.A != 0.3 || tr.B != 2 {
		t.Errorf("trend: %+v", tr)
	}
}

func TestFanoutAliasAndClamp(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jOrder+".fanout", `{"distribution": "poisson", "lambda_": 2.5, "clamp": [1, 9]}`)
	s, warns, err := Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, warns, []expect{{pOrder + ".fanout.lambda_", "lambda_ is read as lambda"}}, true)
	f := s.Node("order").Fanout
	if *f.Lambda != 2.5 || !reflect.DeepEqual(f.Clamp, []int64{1, 9}) || f.Min != nil {
		t.Errorf("fanout: %+v", f)
	}
}

func TestFakerAndExpressionChecks(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jUser+".columns.1.generator.faker", `{"method": "nmae", "args": {"x": 1}}`)
	set(t, d, jOrder+".columns.6.generator.expression.code", `"amout * 2"`)
	_, _, err := Parse(encode(t, d), Options{})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	checkProblems(t, ps, []expect{
		{pUser + ".columns[1](name).generator.faker", `unknown faker method "nmae"; did you mean "name"`},
		{pOrder + ".columns[6](total).generator.expression.code", `unknown column "amout" (did you mean "amount"?)`},
	}, false)
}

func TestHash(t *testing.T) {
	s1, _, err := Parse([]byte(baseSchema), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Same document, different formatting, key order and number spelling.
	d := baseDoc(t)
	s2, _, err := Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	in3 := strings.Replace(baseSchema, `"rows": 100,`, `"rows": 100.0,`, 1)
	s3, _, err := Parse([]byte(in3), Options{})
	if err != nil {
		t.Fatal(err)
	}
	set(t, d, jUser+".rows", `101`)
	s4, _, err := Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	h1, h2, h3, h4 := s1.Hash(), s2.Hash(), s3.Hash(), s4.Hash()
	if len(h1) != 64 || h1 != h2 || h1 != h3 {
		t.Errorf("hash not stable: %s %s %s", h1, h2, h3)
	}
	if h4 == h1 {
		t.Error("hash unchanged by a value change")
	}
	if s1.Hash() != h1 {
		t.Error("hash changed between calls")
	}
	// A Schema built in code still has a stable hash.
	built := &Schema{Version: Version, Metadata: Metadata{Name: "x"}}
	copyOf := *built
	if built.Hash() == "" || built.Hash() != copyOf.Hash() {
		t.Error("hash of a built schema")
	}
}

func TestCanonicalJSON(t *testing.T) {
	got, err := CanonicalJSON([]byte(` { "b" : [1.0, 2.50, -0, 1e2, 1.5e300, "x<y"], "a": {"d": null, "c": true},
		"s": "q\"b\\c\n\u0001\u00e9\/" } `))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":{"c":true,"d":null},"b":[1,2.5,0,100,1.5e+300,"x<y"],"s":"q\"b\\c\n\u0001é/"}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  oops\n}"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := Load(bad, Options{})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 2 || !strings.HasPrefix(err.Error(), bad+": invalid JSON at line 2") {
		t.Errorf("syntax error: %v", err)
	}
	if _, _, err := Load(filepath.Join(dir, "missing.json"), Options{}); err == nil || !strings.Contains(err.Error(), "reading schema") {
		t.Errorf("missing file: %v", err)
	}
}

func TestProblemFormatting(t *testing.T) {
	ps := Problems{
		{Path: "nodes[0](a).pk", Message: `pk "x" is not a column`, Suggestion: `did you mean "id"?`},
		{Message: `missing required key "nodes"`},
	}
	want := "nodes[0](a).pk: pk \"x\" is not a column (did you mean \"id\"?)\nmissing required key \"nodes\""
	if ps.Error() != want {
		t.Errorf("got %q", ps.Error())
	}
}

func TestParseWeightsKind(t *testing.T) {
	good := map[string]WeightsKind{
		"uniform":              {Kind: "uniform"},
		"zipf@1.5":             {Kind: "zipf", A: 1.5},
		"head_tail@{0.7,2.0}":  {Kind: "head_tail", H: 0.7, A: 2},
		"head_tail@{ 0.6 , 1}": {Kind: "head_tail", H: 0.6, A: 1},
	}
	for in, want := range good {
		if got, err := ParseWeightsKind(in); err != nil || got != want {
			t.Errorf("ParseWeightsKind(%q) = %+v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "Uniform", "zipf", "zipf@", "zipf@0", "zipf@x", "head_tail@0.7,2", "head_tail@{0.7}",
		"head_tail@{0,2}", "head_tail@{1,2}", "head_tail@{0.5,-1}", "pareto@1"} {
		if _, err := ParseWeightsKind(in); err == nil {
			t.Errorf("ParseWeightsKind(%q) accepted", in)
		}
	}
}

func TestEffectKeyMissingLocally(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jEffect+".on", `{"categ": "category"}`)
	s, warns, err := Parse(encode(t, d), Options{Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, warns, []expect{{pEffect + ".on.categ", "so this key is ignored"}}, true)
	if on := s.Node("order").Column("amount").Modifiers[2].Effect.On; len(on) != 0 {
		t.Errorf("key kept: %+v", on)
	}
	// At node level the key is matched against the parents: a warning in
	// strict mode too.
	d = baseDoc(t)
	set(t, d, jOrder+".modifiers.0.args.on", `{"promo_id": "promo_id"}`)
	_, warns, err = Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, warns, []expect{{pOrder + ".modifiers[0].args.on.promo_id", `"promo_id" is not a column of the parents of "order"`}}, true)
}

func TestLenientEffectWithoutFieldIsAConstant(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jEffect+".map", `{"field": "no_such_column", "op": "mul", "default": 1.5}`)
	if _, _, err := Parse(encode(t, d), Options{}); err == nil {
		t.Fatal("strict mode accepted an effect field that is not a column")
	}
	s, _, err := Parse(encode(t, d), Options{Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	m := s.Node("order").Column("amount").Modifiers[2]
	if m.Transform != TMultiply || m.Multiply == nil || m.Multiply.Factor != 1.5 {
		t.Errorf("modifier %+v, want multiply by the default 1.5", m)
	}
}

// TestEmptyArrayIsAnEmptyObject decodes documents in which empty objects
// are written as [], as the Keboola platform writes them: every one decodes
// as the document with {}.
func TestEmptyArrayIsAnEmptyObject(t *testing.T) {
	paths := []string{
		"nodes.2.columns.0.generator.sequence", // {"sequence": {}}
		"nodes.3.modifiers.0.args.on",          // an effect's "on": {}
		"nodes.3.columns.5.modifiers.0.args.mapping",
		"targets.composite_effect.tolerance",
		"constraints",
	}
	for _, p := range paths {
		withObj, withArr := baseDoc(t), baseDoc(t)
		set(t, withObj, p, `{}`)
		set(t, withArr, p, `[]`)
		want, _, err := Parse(encode(t, withObj), Options{})
		if err != nil {
			t.Fatalf("%s as {}: %v", p, err)
		}
		got, _, err := Parse(encode(t, withArr), Options{})
		if err != nil {
			t.Errorf("%s as []: %v", p, err)
			continue
		}
		if !reflect.DeepEqual(got.Nodes, want.Nodes) || !reflect.DeepEqual(got.Constraints, want.Constraints) ||
			!reflect.DeepEqual(got.Targets, want.Targets) {
			t.Errorf("%s as [] decodes differently", p)
		}
	}
	// A map keyed "0", "1", ... is written by the platform as a list.
	withObj, withArr := baseDoc(t), baseDoc(t)
	set(t, withObj, "nodes.3.columns.5.modifiers.0.args.mapping", `{"0": "no", "1": null}`)
	set(t, withArr, "nodes.3.columns.5.modifiers.0.args.mapping", `["no", null]`)
	want, _, err := Parse(encode(t, withObj), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Parse(encode(t, withArr), Options{})
	if err != nil {
		t.Fatalf("mapping as a list: %v", err)
	}
	if !reflect.DeepEqual(got.Nodes, want.Nodes) {
		t.Error("mapping as a list decodes differently")
	}
	// Without constraints the document is valid too.
	d := baseDoc(t)
	del(t, d, "constraints")
	if _, _, err := Parse(encode(t, d), Options{}); err != nil {
		t.Errorf("without constraints: %v", err)
	}
	// A schema is written as an object: an array, even an empty one, is
	// not a document (an empty array stands for {} only inside a Keboola
	// configuration).
	_, _, err = Parse([]byte(`[]`), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "the document must be a JSON object, got") || strings.Contains(err.Error(), "missing required key") {
		t.Errorf("[] as the document: %v", err)
	}
	_, _, err = Parse([]byte(`[1]`), Options{})
	if err == nil || err.Error() != "the document must be a JSON object, got an array" {
		t.Errorf("[1] as the document: %v", err)
	}
}
