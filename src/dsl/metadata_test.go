package dsl

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// parseEdited applies e to the base document and parses it.
func parseEdited(t *testing.T, e edit) (*Schema, Problems) {
	t.Helper()
	d := baseDoc(t)
	e(t, d)
	s, _, err := Parse(encode(t, d), Options{})
	if err == nil {
		return s, nil
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is %T, want Problems: %v", err, err)
	}
	return nil, ps
}

func TestCompositePrimaryKey(t *testing.T) {
	s, ps := parseEdited(t, setTo(jOrder+".pk", `["user_id", "order_id"]`))
	if ps != nil {
		t.Fatal(ps)
	}
	o := s.Node("order")
	if !reflect.DeepEqual(o.PK, []string{"user_id", "order_id"}) {
		t.Errorf("pk = %q, want [user_id order_id] in key order", o.PK)
	}
	if !o.IsPK("order_id") || !o.IsPK("user_id") || o.IsPK("amount") {
		t.Errorf("IsPK wrong for %q", o.PK)
	}
	if u := s.Node("user"); !reflect.DeepEqual(u.PK, []string{"user_id"}) {
		t.Errorf("a string pk = %q, want [user_id]", u.PK)
	}
	// A one-element list is the same key as the string.
	s, ps = parseEdited(t, setTo(jUser+".pk", `["user_id"]`))
	if ps != nil || !reflect.DeepEqual(s.Node("user").PK, []string{"user_id"}) {
		t.Errorf("pk [\"user_id\"]: %v %v", s, ps)
	}
}

func TestBadPrimaryKeys(t *testing.T) {
	cases := []struct {
		name, value, path, msg string
	}{
		{"empty list", `[]`, pOrder + ".pk", "pk must not be an empty list"},
		{"number", `5`, pOrder + ".pk", "expected a column name or a list of column names, got number 5"},
		{"object", `{"a": 1}`, pOrder + ".pk", "expected a column name or a list of column names, got an object"},
		{"empty string", `""`, pOrder + ".pk", "must not be empty"},
		{"empty element", `["order_id", " "]`, pOrder + ".pk[1]", "must not be empty"},
		{"number element", `["order_id", 3]`, pOrder + ".pk[1]", "expected a string, got number 3"},
		{"unknown element", `["order_id", "line"]`, pOrder + ".pk[1]", `pk "line" is not a column of node "order"`},
		{"duplicate element", `["order_id", "user_id", "order_id"]`, pOrder + ".pk[2]", `column "order_id" is listed twice in pk (also pk[0])`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := parseEdited(t, setTo(jOrder+".pk", tc.value))
			if _, ok := findProblem(ps, tc.path, tc.msg); !ok {
				t.Errorf("no error at %q containing %q; got:\n%v", tc.path, tc.msg, ps)
			}
		})
	}
	// A suggestion names the closest column.
	_, ps := parseEdited(t, setTo(jOrder+".pk", `["order_id", "user_idd"]`))
	if p, ok := findProblem(ps, pOrder+".pk[1]", "is not a column"); !ok || !strings.Contains(p.Suggestion, `"user_id"`) {
		t.Errorf("want a suggestion of user_id, got %+v (%v)", p, ps)
	}
}

func TestCustomMetadata(t *testing.T) {
	s, ps := parseEdited(t, edits(
		setTo(jOrder+".metadata", `{"owner": "sales", "KBC.projectTag": "orders", "domain_tier-2": ""}`),
		setTo(jAmount+".metadata", `{"unit": "EUR", "pii": "false"}`)))
	if ps != nil {
		t.Fatal(ps)
	}
	o := s.Node("order")
	// The edited document is re-encoded with sorted keys; document order
	// is kept (TestDocumentOrder).
	want := []MetadataEntry{{"KBC.projectTag", "orders"}, {"domain_tier-2", ""}, {"owner", "sales"}}
	if !reflect.DeepEqual(o.Metadata, want) {
		t.Errorf("node metadata = %+v, want %+v", o.Metadata, want)
	}
	if got := o.Column("amount").Metadata; !reflect.DeepEqual(got, []MetadataEntry{{"pii", "false"}, {"unit", "EUR"}}) {
		t.Errorf("column metadata = %+v", got)
	}
	if s.Node("user").Metadata != nil || o.Column("order_id").Metadata != nil {
		t.Error("metadata set where the schema has none")
	}
	// An empty object, also as the [] Keboola writes for it, is no metadata.
	for _, empty := range []string{`{}`, `[]`} {
		s, ps := parseEdited(t, setTo(jAmount+".metadata", empty))
		if ps != nil || s.Node("order").Column("amount").Metadata != nil {
			t.Errorf("metadata %s: %v", empty, ps)
		}
	}
	// The document's own "metadata" (dataset name and extra keys) is unaffected.
	if s.Metadata.Name != "base" || s.Metadata.Extra["domain"] != "tests" {
		t.Errorf("document metadata = %+v", s.Metadata)
	}
}

func TestMetadataDocumentOrder(t *testing.T) {
	doc := strings.Replace(baseSchema, `{"id": "promo", "kind": "entity",`,
		`{"id": "promo", "metadata": {"z": "1", "a": "2", "m": "3"}, "kind": "entity",`, 1)
	s, _, err := Parse([]byte(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Node("promo").Metadata; !reflect.DeepEqual(got, []MetadataEntry{{"z", "1"}, {"a", "2"}, {"m", "3"}}) {
		t.Errorf("metadata = %+v, want document order z, a, m", got)
	}
}

func TestBadCustomMetadata(t *testing.T) {
	long := strings.Repeat("k", MaxMetadataKeyLen+1)
	cases := []struct {
		name, at, value, path, msg string
	}{
		{"not an object", jOrder, `["a"]`, pOrder + ".metadata", "expected an object, got an array"},
		{"string", jAmount, `"EUR"`, pAmount + ".metadata", `expected an object, got string "EUR"`},
		{"number value", jOrder, `{"tier": 2}`, pOrder + ".metadata.tier", "metadata values are strings, got number 2"},
		{"bool value", jAmount, `{"pii": false}`, pAmount + ".metadata.pii", "metadata values are strings, got false"},
		{"null value", jOrder, `{"tier": null}`, pOrder + ".metadata.tier", "metadata values are strings, got null"},
		{"object value", jOrder, `{"tier": {"a": "b"}}`, pOrder + ".metadata.tier", "metadata values are strings, got an object"},
		{"bad character", jOrder, `{"team owner": "x"}`, pOrder + ".metadata.team owner", `contains ' '; Keboola Storage accepts only letters, digits, '.', '_' and '-'`},
		{"percent", jAmount, `{"%x": "x"}`, pAmount + ".metadata.%x", `contains '%'`},
		{"empty key", jOrder, `{"": "x"}`, pOrder + ".metadata.", "metadata key must not be empty"},
		{"too long", jOrder, `{"` + long + `": "x"}`, pOrder + ".metadata." + long, "is 256 characters long; Keboola Storage accepts at most 255"},
		{"description key", jAmount, `{"KBC.description": "x"}`, pAmount + ".metadata.KBC.description", `is reserved: write it as "description"`},
		{"datatype key", jAmount, `{"kbc.datatype.basetype": "STRING"}`, pAmount + ".metadata.kbc.datatype.basetype", `reserved prefix "KBC.datatype."`},
		{"platform key", jOrder, `{"KBC.createdBy.component.id": "x"}`, pOrder + ".metadata.KBC.createdBy.component.id", "Keboola sets it itself"},
		{"datagen key", jOrder, `{"datagen.kind": "fact"}`, pOrder + ".metadata.datagen.kind", "datagen writes its own keys"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := parseEdited(t, setTo(tc.at+".metadata", tc.value))
			if _, ok := findProblem(ps, tc.path, tc.msg); !ok {
				t.Errorf("no error at %q containing %q; got:\n%v", tc.path, tc.msg, ps)
			}
		})
	}
	_, ps := parseEdited(t, setTo(jOrder+".metadata", `{"tier": 2}`))
	if p, _ := findProblem(ps, pOrder+".metadata.tier", ""); p.Suggestion != `write it as a string: "2"` {
		t.Errorf("suggestion = %q", p.Suggestion)
	}
}

func TestCheckMetadataKey(t *testing.T) {
	for k, ok := range map[string]bool{
		"owner": true, "KBC.projectTag": true, "a-b_c.d9": true, "datagenx": true, "KBC.descriptionx": true,
		"KBC.description": false, "KBC.datatype.length": false, "datagen.seed": false, "a:b": false, "a/b": false,
		"žluť": false, "": false, strings.Repeat("a", 255): true, strings.Repeat("a", 256): false,
	} {
		if err := CheckMetadataKey(k); (err == nil) != ok {
			t.Errorf("CheckMetadataKey(%q) = %v, want ok=%v", k, err, ok)
		}
	}
}

func TestEmptyStringInKeyColumn(t *testing.T) {
	const why = `an empty string in key column %q: ` + emptyKeyReason
	cases := []struct {
		name, path, col string
		edit            edit
	}{
		{"enum_list value", pStatus + ".columns[0](code).generator.enum_list.values[1]", "code",
			setTo("nodes.1.columns.0.generator.enum_list.values", `["new", "", "void"]`)},
		{"choice in a composite key", pOrder + ".columns[3](category).generator.choice.choices[1]", "category",
			edits(setTo(jOrder+".pk", `["order_id", "category"]`), setTo(jOrder+".columns.3.generator.choice.choices", `["A", ""]`))},
		{"map_values target", pOrder + ".columns[5](status).modifiers[0].args.mapping.void", "status",
			edits(setTo(jOrder+".pk", `["order_id", "status"]`), setTo(jOrder+".columns.5.modifiers.0.args.mapping", `{"void": ""}`))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := parseEdited(t, tc.edit)
			if _, ok := findProblem(ps, tc.path, strings.Replace(why, "%q", `"`+tc.col+`"`, 1)); !ok {
				t.Errorf("no error at %q; got:\n%v", tc.path, ps)
			}
		})
	}
	// The same values outside the key are fine.
	if _, ps := parseEdited(t, setTo(jOrder+".columns.3.generator.choice.choices", `["A", ""]`)); ps != nil {
		t.Errorf("empty string in a column outside the key: %v", ps)
	}
}

func TestNullableKeyColumn(t *testing.T) {
	// A null_rate on a key part is an error.
	_, ps := parseEdited(t, edits(setTo(jOrder+".pk", `["order_id", "category"]`),
		setTo(jOrder+".columns.3.nullable", `true`), setTo(jOrder+".columns.3.null_rate", `0.1`)))
	path := pOrder + ".columns[3](category).null_rate"
	if _, ok := findProblem(ps, path, `key column "category" has null_rate 0.1: a primary key column cannot hold nulls`); !ok {
		t.Errorf("no error at %s; got:\n%v", path, ps)
	}
	// nullable alone is a warning.
	d := baseDoc(t)
	setTo(jUser+".columns.0.nullable", `true`)(t, d)
	s, warns, err := Parse(encode(t, d), Options{})
	if err != nil || s == nil {
		t.Fatalf("nullable key column: %v", err)
	}
	if p, ok := findProblem(warns, pUser+".columns[0](user_id).nullable", `key column "user_id" is nullable`); !ok || !p.Warning {
		t.Errorf("no warning; got %v", Problems(warns))
	}
}
