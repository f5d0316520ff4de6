package upload

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	kbcmanifest "datagen/src/keboola/manifest"
)

// keyedSchema has a composite primary key and custom table and column
// metadata.
const keyedSchema = `{"version": "1.0", "metadata": {"name": "keys"},
  "timeframe": {"start": "2024-01-01", "end": "2024-01-02", "freq": "D"},
  "nodes": [{"id": "line", "kind": "entity", "rows": 3, "pk": ["order_id", "line_no"],
    "description": "Order lines", "metadata": {"owner": "sales", "domain.tier": "gold"},
    "columns": [
      {"name": "line_no", "type": "int", "generator": {"sequence": {}}},
      {"name": "order_id", "type": "int", "generator": {"sequence": {}}, "metadata": {"pii": "false"}},
      {"name": "sku", "type": "string", "generator": {"choice": {"choices": ["a"]}}, "metadata": {"source": "erp"}}]}],
  "constraints": {}}`

// TestSchemaKeysAndMetadataReachStorage writes the manifests datagen makes
// for a composite key with custom metadata, in both flavours, and checks
// the primary key, the typed definition and the metadata Storage receives.
func TestSchemaKeysAndMetadataReachStorage(t *testing.T) {
	s, _, err := dsl.Parse([]byte(keyedSchema), dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fields := []column.Field{{Name: "line_no", Type: column.Int}, {Name: "order_id", Type: column.Int},
		{Name: "sku", Type: column.String}}
	rows := [][]string{{"1", "10", "a"}, {"2", "10", ""}, {"1", "11", "a"}}
	for _, fl := range []kbcmanifest.Flavour{kbcmanifest.Legacy, kbcmanifest.Schema} {
		t.Run(fl.String(), func(t *testing.T) {
			env := newEnv(t, newS3Emu(t))
			env.kbc.features = []string{"new-native-types"}
			m := kbcmanifest.ForNode(&s.Nodes[0], fields)
			m.HasHeader = true
			m.Metadata = []kbcmanifest.KV{{Key: "datagen.kind", Value: "entity"}}
			b, err := m.Marshal(fl)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(env.dir, "line.csv"), csvBytes(t, headed([]string{"line_no", "order_id", "sku"}, rows)))
			writeFile(t, filepath.Join(env.dir, "line.csv.manifest"), b)
			if _, err := env.run(nil); err != nil {
				t.Fatalf("Run: %v\nlogs:\n%s", err, env.logs)
			}
			assertRows(t, env.kbc, "in.c-datagen.line", []string{"line_no", "order_id", "sku"}, rows)
			tb := env.kbc.table("in.c-datagen.line")
			// The legacy manifest keeps the declared key order; the schema
			// manifest marks key columns, so the order is the column order.
			wantPK := []string{"order_id", "line_no"}
			if fl == kbcmanifest.Schema {
				wantPK = []string{"line_no", "order_id"}
			}
			if !reflect.DeepEqual(tb.PK, wantPK) {
				t.Errorf("primary key = %q, want %q", tb.PK, wantPK)
			}
			meta := tb.Meta[DefaultProvider]
			if meta["owner"] != "sales" || meta["domain.tier"] != "gold" || meta["datagen.kind"] != "entity" ||
				meta["KBC.description"] != "Order lines" {
				t.Errorf("table metadata = %v", meta)
			}
			cm := tb.ColMeta[DefaultProvider]
			if cm["order_id"]["pii"] != "false" || cm["sku"]["source"] != "erp" {
				t.Errorf("column metadata = %v", cm)
			}
			if cm["sku"]["KBC.datatype.nullable"] != "1" || cm["line_no"]["KBC.datatype.nullable"] != "0" {
				t.Errorf("nullability metadata = %v", cm)
			}
			if fl != kbcmanifest.Schema {
				return
			}
			// The typed table: key parts NOT NULL, the string column nullable
			// so that its empty string imports as NULL.
			if !tb.Typed {
				t.Fatal("schema manifest did not create a typed table")
			}
			def, _ := json.Marshal(tb.Definition)
			want := `[{"basetype":"INTEGER","definition":{"nullable":false},"name":"line_no"},` +
				`{"basetype":"INTEGER","definition":{"nullable":false},"name":"order_id"},` +
				`{"basetype":"STRING","name":"sku"}]`
			if string(def) != want {
				t.Errorf("typed definition\ngot:  %s\nwant: %s", def, want)
			}
		})
	}
}
