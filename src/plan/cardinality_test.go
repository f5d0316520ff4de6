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
	}{{0, true}, {3, false}, {0, false}, {2, false}, {2, false}, {0, false}, {0, false}}
	for i, f := range p.ByID["t"].Fields() {
		if f.Distinct != want[i].distinct || f.Unique != want[i].unique {
			t.Errorf("column %q: Distinct %d Unique %v, want %d %v", f.Name, f.Distinct, f.Unique, want[i].distinct, want[i].unique)
		}
	}
}

// A lookup takes the bound of its source column; from the primary parent
// row (no join) its values come in runs.
func TestFieldsCardinalityLookups(t *testing.T) {
	s := parse(t, head+`"nodes":[
	 {"id":"p","kind":"entity","rows":5,"pk":"id","columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"tier","type":"string","generator":{"choice":{"choices":["a","b","c"]}}}]},
	 {"id":"o","kind":"entity","rows":4,"pk":"k","columns":[
	   {"name":"k","type":"int","generator":{"sequence":{}}},
	   {"name":"lvl","type":"int","generator":{"choice":{"choices":[1,2,3,4]}}}]},
	 {"id":"c","kind":"fact","parents":["p"],"pk":"id","fanout":{"distribution":"uniform","min":0,"max":3},"columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"p_id","type":"int","generator":{"lookup":{"from":"p.id"}}},
	   {"name":"tier","type":"string","generator":{"lookup":{"from":"p.tier"}}},
	   {"name":"k","type":"int","generator":{"lookup":{"from":"o.k"}}},
	   {"name":"lvl","type":"int","generator":{"lookup":{"from":"o.lvl","on":{"k":"k"}}}}]}
	],"constraints":{}}`)
	p, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		distinct     int
		unique, runs bool
	}{{0, true, false}, {0, false, true}, {3, false, true}, {0, false, false}, {4, false, false}}
	for i, f := range p.ByID["c"].Fields() {
		if f.Distinct != want[i].distinct || f.Unique != want[i].unique || f.Runs != want[i].runs {
			t.Errorf("column %q: Distinct %d Unique %v Runs %v, want %+v", f.Name, f.Distinct, f.Unique, f.Runs, want[i])
		}
	}
}
