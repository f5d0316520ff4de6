package plan

import "testing"

// Fields carries what the schema fixes about each column's cardinality.
func TestFieldsCardinality(t *testing.T) {
	s := parse(t, head+`"nodes":[{"id":"t","kind":"entity","rows":5,"pk":"id","columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"status","type":"string","generator":{"choice":{"choices":["a","b","c"]}}},
	   {"name":"shifted","type":"int","generator":{"choice":{"choices":[1,2]}},"modifiers":[{"transform":"add","args":{"value":3}}]},
	   {"name":"flag","type":"bool","generator":{"choice":{"choices":[true,false,null]}}},
	   {"name":"kind","type":"string","generator":{"enum_list":{"values":["x","y"]}}},
	   {"name":"x","type":"float","generator":{"distribution":{"type":"uniform","params":{"low":0,"high":1}}}},
	   {"name":"ref","type":"string","generator":{"choice":{"choices_ref":"t.status"}}}]}
	],"constraints":{}}`)
	p, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		distinct int
		unique   bool
	}{{0, true}, {3, false}, {0, false}, {3, false}, {2, false}, {0, false}, {0, false}}
	for i, f := range p.ByID["t"].Fields() {
		if f.Distinct != want[i].distinct || f.Unique != want[i].unique {
			t.Errorf("column %q: Distinct %d Unique %v, want %d %v", f.Name, f.Distinct, f.Unique, want[i].distinct, want[i].unique)
		}
	}
}
