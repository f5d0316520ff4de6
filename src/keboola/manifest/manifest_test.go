package manifest

import (
	"encoding/json"
	"strings"
	"testing"

	"datagen/src/column"
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
		Columns: FromFields(fields, "id"), Metadata: []KV{{"datagen.seed", "7"}}}
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
		`"name":[{"key":"KBC.datatype.basetype","value":"STRING"},{"key":"KBC.datatype.nullable","value":"0"}],` +
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
			`{"data_type":{"base":{"type":"STRING"}},"name":"name","nullable":false},` +
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
	cols := FromFields([]column.Field{{Name: "k", Type: column.String, Nullable: true}}, "k")
	if cols[0].Nullable || !cols[0].PrimaryKey {
		t.Errorf("primary key column: %+v", cols[0])
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		cols []Column
		want string
	}{
		{nil, "has no columns"},
		{[]Column{{Name: ""}}, "column 0 has an empty name"},
		{[]Column{{Name: "a"}, {Name: "a"}}, `column "a" appears twice`},
		{[]Column{{Name: "a", PrimaryKey: true, Nullable: true}}, `primary key column "a" must not be nullable`},
	}
	for _, tt := range tests {
		tb := &Table{Columns: tt.cols}
		_, err := tb.Marshal(Legacy)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("columns %+v: error %v, want %q", tt.cols, err, tt.want)
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
