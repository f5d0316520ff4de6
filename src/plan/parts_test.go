package plan

import (
	"testing"

	"datagen/src/dsl"
)

func TestRowPure(t *testing.T) {
	doc := `{"version": "1.0", "metadata": {"name": "x"},
 "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z", "freq": "D"},
 "nodes": [{"id": "a", "kind": "entity", "rows": 10, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {"start": 5, "step": 3}}},
    {"name": "plain", "type": "int", "generator": {"sequence": {}}},
    {"name": "text", "type": "string", "generator": {"sequence": {}}},
    {"name": "nulls", "type": "int", "nullable": true, "null_rate": 0.1, "generator": {"sequence": {}}},
    {"name": "scaled", "type": "int", "generator": {"sequence": {}}, "modifiers": [{"transform": "multiply", "args": {"factor": 2}}]},
    {"name": "drawn", "type": "int", "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 9}}}}]}]}`
	s, _, err := dsl.Parse([]byte(doc), dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	a := p.ByID["a"]
	for _, c := range []struct {
		col         string
		start, step int64
		ok          bool
	}{
		{"id", 5, 3, true}, {"plain", 1, 1, true},
		{"text", 0, 0, false}, {"nulls", 0, 0, false}, {"scaled", 0, 0, false}, {"drawn", 0, 0, false}, {"missing", 0, 0, false},
	} {
		start, step, ok := a.RowPure(c.col)
		if ok != c.ok || ok && (start != c.start || step != c.step) {
			t.Errorf("%s: RowPure = %d, %d, %t; want %d, %d, %t", c.col, start, step, ok, c.start, c.step, c.ok)
		}
	}
}
