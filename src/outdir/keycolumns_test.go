package outdir

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestKeyColumnsJSON(t *testing.T) {
	for in, want := range map[string]KeyColumns{
		`{"primary_key": ["order_id", "line_no"]}`: {"order_id", "line_no"},
		`{"primary_key": "order_id"}`:              {"order_id"},
		`{"primary_key": null}`:                    nil,
	} {
		var tm TableMetadata
		if err := json.Unmarshal([]byte(in), &tm); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(tm.PrimaryKey, want) {
			t.Errorf("%s: %q, want %q", in, tm.PrimaryKey, want)
		}
	}
	var tm TableMetadata
	if err := json.Unmarshal([]byte(`{"primary_key": 5}`), &tm); err == nil {
		t.Error("a number was accepted as a primary key")
	}
	b, _ := json.Marshal(TableMetadata{PrimaryKey: KeyColumns{"a", "b"}})
	if want := `"primary_key":["a","b"]`; !strings.Contains(string(b), want) {
		t.Errorf("marshalled %s, want %s", b, want)
	}
}
