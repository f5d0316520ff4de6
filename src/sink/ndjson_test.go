package sink

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"datagen/src/column"
)

func TestNDJSONLinesAreJSON(t *testing.T) {
	fields := []column.Field{{Name: "id", Type: column.Int}, {Name: "x", Type: column.Float, Nullable: true},
		{Name: "s", Type: column.String}, {Name: "ok", Type: column.Bool}, {Name: "at", Type: column.Timestamp}, {Name: "day", Type: column.Date}}
	strs := []string{"plain", "quote \" back\\slash\nnew\ttab\x01 ünï \xff"}
	b := &column.Block{Rows: 2, Cols: []*column.Vector{
		{Type: column.Int, Ints: []int64{1, -2}},
		{Type: column.Float, Floats: []float64{1.5, 0}, Null: []bool{false, true}},
		{Type: column.String, Strs: strs},
		{Type: column.Bool, Bools: []bool{true, false}},
		{Type: column.Timestamp, Ints: []int64{1_700_000_000_123_456, 0}},
		{Type: column.Date, Ints: []int64{86400e6, 0}},
	}}
	var out bytes.Buffer
	w := NewNDJSON(&out, "t", fields)
	if err := w.WriteBlock(b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 || w.Rows != 2 {
		t.Fatalf("%d lines, %d rows counted:\n%s", len(lines), w.Rows, out.String())
	}
	want := []map[string]any{
		{"_table": "t", "id": 1.0, "x": 1.5, "s": "plain", "ok": true, "at": "2023-11-14T22:13:20.123456Z", "day": "1970-01-02"},
		{"_table": "t", "id": -2.0, "x": nil, "s": "quote \" back\\slash\nnew\ttab\x01 ünï \ufffd", "ok": false, "at": "1970-01-01T00:00:00Z", "day": "1970-01-01"},
	}
	for i, l := range lines {
		var got map[string]any
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i, err, l)
		}
		for k, v := range want[i] {
			if got[k] != v {
				t.Errorf("line %d: %s = %#v, want %#v", i, k, got[k], v)
			}
		}
		if len(got) != len(want[i]) {
			t.Errorf("line %d has %d members: %s", i, len(got), l)
		}
	}
	if !strings.HasPrefix(lines[0], `{"_table":"t","id":1,`) {
		t.Errorf("members out of order: %s", lines[0])
	}
}
