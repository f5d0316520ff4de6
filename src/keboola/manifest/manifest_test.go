package manifest

import (
	"encoding/json"
	"strings"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
)

func TestChooseFlavour(t *testing.T) {
	tests := []struct {
		env, cfg string
		want     Flavour
	}{
		{"", "", Legacy},
		{"", "authoritative", Legacy}, // project without native types ignores schema
		{"authoritative", "", Schema},
		{"hints", "", Schema},
		{"none", "", Legacy},
		{"authoritative", "none", Legacy},
		{"none", "hints", Schema},
		{"bogus", "", Legacy},
	}
	for _, tt := range tests {
		if got := ChooseFlavour(tt.env, tt.cfg); got != tt.want {
			t.Errorf("ChooseFlavour(%q, %q) = %v, want %v", tt.env, tt.cfg, got, tt.want)
		}
	}
}

func table() *Table {
	fields := []column.Field{
		{Name: "id", Type: column.Int, Description: "Row id"},
		{Name: "amount", Type: column.Float, Nullable: true},
		{Name: "name", Type: column.String},
		{Name: "ok", Type: column.Bool},
		{Name: "at", Type: column.Timestamp},
		{Name: "day", Type: column.Date, Nullable: true},
	}
	return &Table{Destination: "in.c-x.t", Incremental: true, Description: `Say "hi" <b>`,
		Columns: FromFields(fields, []string{"id"}), Metadata: []KV{{"datagen.seed", "7"}}}
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	c, _ := json.Marshal(v)
	return string(c)
}

func TestMarshalLegacyWithHeader(t *testing.T) {
	tb := table()
	tb.HasHeader = true
	b, err := tb.Marshal(Legacy)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"columns"`) {
		t.Errorf("a legacy manifest of a file with a header must not list columns (it would make the file headless):\n%s", b)
	}
	if !strings.Contains(string(b), `"value": "Say \"hi\" <b>"`) {
		t.Errorf("description not written verbatim (no HTML escaping):\n%s", b)
	}
	want := `{"column_metadata":{` +
		`"amount":[{"key":"KBC.datatype.basetype","value":"FLOAT"},{"key":"KBC.datatype.nullable","value":"1"}],` +
		`"at":[{"key":"KBC.datatype.basetype","value":"TIMESTAMP"},{"key":"KBC.datatype.nullable","value":"0"}],` +
		`"day":[{"key":"KBC.datatype.basetype","value":"DATE"},{"key":"KBC.datatype.nullable","value":"1"}],` +
		`"id":[{"key":"KBC.datatype.basetype","value":"INTEGER"},{"key":"KBC.datatype.nullable","value":"0"},{"key":"KBC.description","value":"Row id"}],` +
		`"name":[{"key":"KBC.datatype.basetype","value":"STRING"},{"key":"KBC.datatype.nullable","value":"1"}],` +
		`"ok":[{"key":"KBC.datatype.basetype","value":"BOOLEAN"},{"key":"KBC.datatype.nullable","value":"0"}]},` +
		`"delimiter":",","destination":"in.c-x.t","enclosure":"\"","incremental":true,` +
		`"metadata":[{"key":"KBC.description","value":"Say \"hi\" \u003cb\u003e"},{"key":"datagen.seed","value":"7"}],` +
		`"primary_key":["id"]}`
	if got := compact(t, b); got != want {
		t.Errorf("legacy manifest\ngot:  %s\nwant: %s", got, want)
	}
	if !strings.HasSuffix(string(b), "}\n") {
		t.Error("manifest must end with a newline")
	}
}

func TestMarshalLegacyHeadless(t *testing.T) {
	tb := table()
	tb.HasHeader = false
	b, err := tb.Marshal(Legacy)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Columns []string `json:"columns"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Columns, ","); got != "id,amount,name,ok,at,day" {
		t.Errorf("columns = %s", got)
	}
}

func TestMarshalSchema(t *testing.T) {
	for _, header := range []bool{true, false} {
		tb := table()
		tb.HasHeader = header
		b, err := tb.Marshal(Schema)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{`"columns"`, `"primary_key": [`, `"metadata"`, `"column_metadata"`} {
			if strings.Contains(string(b), k) {
				t.Errorf("schema manifest must not contain %s (output mapping rejects it next to schema)", k)
			}
		}
		want := `{"delimiter":",","description":"Say \"hi\" \u003cb\u003e","destination":"in.c-x.t","enclosure":"\"",` +
			`"has_header":` + map[bool]string{true: "true", false: "false"}[header] + `,"incremental":true,"manifest_type":"output",` +
			`"schema":[` +
			`{"data_type":{"base":{"type":"INTEGER"}},"description":"Row id","name":"id","nullable":false,"primary_key":true},` +
			`{"data_type":{"base":{"type":"FLOAT"}},"name":"amount","nullable":true},` +
			`{"data_type":{"base":{"type":"STRING"}},"name":"name","nullable":true},` +
			`{"data_type":{"base":{"type":"BOOLEAN"}},"name":"ok","nullable":false},` +
			`{"data_type":{"base":{"type":"TIMESTAMP"}},"name":"at","nullable":false},` +
			`{"data_type":{"base":{"type":"DATE"}},"name":"day","nullable":true}],` +
			`"table_metadata":{"datagen.seed":"7"}}`
		if got := compact(t, b); got != want {
			t.Errorf("schema manifest (header %v)\ngot:  %s\nwant: %s", header, got, want)
		}
	}
}

func TestFromFieldsPrimaryKeyNotNullable(t *testing.T) {
	cols := FromFields([]column.Field{{Name: "k", Type: column.String, Nullable: true}}, []string{"k"})
	if cols[0].Nullable || !cols[0].PrimaryKey {
		t.Errorf("primary key column: %+v", cols[0])
	}
}

func TestFromFieldsNullability(t *testing.T) {
	fields := []column.Field{
		{Name: "code", Type: column.String},                 // key part: strict
		{Name: "label", Type: column.String},                // "" would become NULL: nullable
		{Name: "n", Type: column.Int},                       // keeps NOT NULL
		{Name: "opt", Type: column.Float, Nullable: true},   // nullable as declared
		{Name: "line", Type: column.Int, Nullable: true},    // key part: strict
		{Name: "note", Type: column.String, Nullable: true}, // nullable as declared
	}
	want := map[string]bool{"code": false, "label": true, "n": false, "opt": true, "line": false, "note": true}
	for _, c := range FromFields(fields, []string{"line", "code"}) {
		if c.Nullable != want[c.Name] {
			t.Errorf("%s: nullable %v, want %v", c.Name, c.Nullable, want[c.Name])
		}
		if c.PrimaryKey != (c.Name == "line" || c.Name == "code") {
			t.Errorf("%s: primary key %v", c.Name, c.PrimaryKey)
		}
	}
}

func nodeSchema(t *testing.T) *dsl.Node {
	t.Helper()
	doc := `{"version": "1.0", "metadata": {"name": "m"},
	  "timeframe": {"start": "2024-01-01", "end": "2024-01-02", "freq": "D"},
	  "nodes": [{"id": "line", "kind": "entity", "rows": 3, "pk": ["order_id", "line_no"],
	    "description": "Order lines", "metadata": {"owner": "sales", "domain.tier": "gold"},
	    "columns": [
	      {"name": "line_no", "type": "int", "generator": {"sequence": {}}},
	      {"name": "order_id", "type": "int", "generator": {"sequence": {}}, "metadata": {"pii": "false"}},
	      {"name": "sku", "type": "string", "generator": {"choice": {"choices": ["a", ""]}},
	       "description": "Stock unit", "metadata": {"source": "erp", "classification": "internal"}}]}],
	  "constraints": {}}`
	s, _, err := dsl.Parse([]byte(doc), dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &s.Nodes[0]
}

func TestForNodeLegacy(t *testing.T) {
	n := nodeSchema(t)
	fields := []column.Field{{Name: "line_no", Type: column.Int}, {Name: "order_id", Type: column.Int},
		{Name: "sku", Type: column.String, Description: "Stock unit"}}
	tb := ForNode(n, fields)
	tb.HasHeader = true
	tb.Metadata = []KV{{"datagen.kind", "entity"}}
	b, err := tb.Marshal(Legacy)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"column_metadata":{` +
		`"line_no":[{"key":"KBC.datatype.basetype","value":"INTEGER"},{"key":"KBC.datatype.nullable","value":"0"}],` +
		`"order_id":[{"key":"KBC.datatype.basetype","value":"INTEGER"},{"key":"KBC.datatype.nullable","value":"0"},{"key":"pii","value":"false"}],` +
		`"sku":[{"key":"KBC.datatype.basetype","value":"STRING"},{"key":"KBC.datatype.nullable","value":"1"},{"key":"KBC.description","value":"Stock unit"},` +
		`{"key":"source","value":"erp"},{"key":"classification","value":"internal"}]},` +
		`"delimiter":",","enclosure":"\"","incremental":false,` +
		`"metadata":[{"key":"KBC.description","value":"Order lines"},{"key":"datagen.kind","value":"entity"},` +
		`{"key":"owner","value":"sales"},{"key":"domain.tier","value":"gold"}],` +
		`"primary_key":["order_id","line_no"]}`
	if got := compact(t, b); got != want {
		t.Errorf("legacy manifest\ngot:  %s\nwant: %s", got, want)
	}
}

func TestForNodeSchema(t *testing.T) {
	n := nodeSchema(t)
	fields := []column.Field{{Name: "line_no", Type: column.Int}, {Name: "order_id", Type: column.Int},
		{Name: "sku", Type: column.String, Description: "Stock unit"}}
	tb := ForNode(n, fields)
	tb.HasHeader = true
	tb.Metadata = []KV{{"datagen.kind", "entity"}}
	b, err := tb.Marshal(Schema)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"delimiter":",","description":"Order lines","enclosure":"\"","has_header":true,"incremental":false,"manifest_type":"output",` +
		`"schema":[` +
		`{"data_type":{"base":{"type":"INTEGER"}},"name":"line_no","nullable":false,"primary_key":true},` +
		`{"data_type":{"base":{"type":"INTEGER"}},"metadata":{"pii":"false"},"name":"order_id","nullable":false,"primary_key":true},` +
		`{"data_type":{"base":{"type":"STRING"}},"description":"Stock unit","metadata":{"classification":"internal","source":"erp"},"name":"sku","nullable":true}],` +
		`"table_metadata":{"datagen.kind":"entity","domain.tier":"gold","owner":"sales"}}`
	if got := compact(t, b); got != want {
		t.Errorf("schema manifest\ngot:  %s\nwant: %s", got, want)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		tb   Table
		want string
	}{
		{Table{}, "has no columns"},
		{Table{Columns: []Column{{Name: ""}}}, "column 0 has an empty name"},
		{Table{Columns: []Column{{Name: "a"}, {Name: "a"}}}, `column "a" appears twice`},
		{Table{Columns: []Column{{Name: "a", PrimaryKey: true, Nullable: true}}}, `primary key column "a" must not be nullable`},
		{Table{Columns: []Column{{Name: "a", PrimaryKey: true}}, PrimaryKey: []string{"b"}}, `primary key column "b" is not a column`},
		{Table{Columns: []Column{{Name: "a", PrimaryKey: true}, {Name: "b"}}, PrimaryKey: []string{"a", "b"}}, `does not match the columns marked as keys`},
		{Table{Columns: []Column{{Name: "a", PrimaryKey: true}, {Name: "b", PrimaryKey: true}}, PrimaryKey: []string{"a"}}, `does not match the columns marked as keys`},
		{Table{Columns: []Column{{Name: "a", PrimaryKey: true}}, PrimaryKey: []string{"a", "a"}}, `does not match the columns marked as keys`},
		{Table{Columns: []Column{{Name: "a", Metadata: []KV{{"x", "1"}, {"x", "2"}}}}}, `column "a": metadata key "x" is given twice`},
		{Table{Columns: []Column{{Name: "a"}}, Metadata: []KV{{"k", "1"}}, Custom: []KV{{"k", "2"}}}, `table metadata key "k" is given twice`},
	}
	for _, tt := range tests {
		_, err := tt.tb.Marshal(Legacy)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("table %+v: error %v, want %q", tt.tb, err, tt.want)
		}
	}
}

func TestValidName(t *testing.T) {
	for s, want := range map[string]bool{"orders": true, "demo_orders-2": true, "": false, "a b": false,
		"a.b": false, "žluť": false, "A9": true} {
		if got := ValidName(s); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseFlavour(t *testing.T) {
	if f, err := ParseFlavour("schema"); err != nil || f != Schema {
		t.Errorf("schema: %v %v", f, err)
	}
	if f, err := ParseFlavour("legacy"); err != nil || f != Legacy {
		t.Errorf("legacy: %v %v", f, err)
	}
	if _, err := ParseFlavour("new"); err == nil {
		t.Error("unknown flavour accepted")
	}
}

// TestDecimalColumnIsNumeric: a decimal field is a NUMERIC column with its
// precision and scale as the length, in both flavours.
func TestDecimalColumnIsNumeric(t *testing.T) {
	tb := &Table{Destination: "in.c-x.t", Columns: FromFields([]column.Field{
		{Name: "id", Type: column.Int}, {Name: "amount", Type: column.Float, Precision: 12, Scale: 2}}, []string{"id"})}
	legacy, err := tb.Marshal(Legacy)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"amount":[{"key":"KBC.datatype.basetype","value":"NUMERIC"},{"key":"KBC.datatype.length","value":"12,2"},{"key":"KBC.datatype.nullable","value":"0"}]`; !strings.Contains(compact(t, legacy), want) {
		t.Errorf("legacy manifest lacks %s:\n%s", want, legacy)
	}
	schema, err := tb.Marshal(Schema)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"data_type":{"base":{"length":"12,2","type":"NUMERIC"}}`; !strings.Contains(compact(t, schema), want) {
		t.Errorf("schema manifest lacks %s:\n%s", want, schema)
	}
}
