package plan

import (
	"strings"
	"testing"

	"datagen/src/dsl"
)

func parse(t *testing.T, doc string) *dsl.Schema {
	t.Helper()
	s, _, err := dsl.Parse([]byte(doc), dsl.Options{})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}

const head = `{"version":"1.0","metadata":{"name":"p"},"timeframe":{"start":"2024-01-01","end":"2024-12-31","freq":"D"},`

func TestOrderIncludesEffectTablesAndChoicesRef(t *testing.T) {
	// "a_fact" sorts before "promo" and "z_vocab"; it still comes after
	// both because it reads them (an effect table and a choices_ref).
	s := parse(t, head+`"nodes":[
	 {"id":"a_fact","kind":"entity","rows":5,"pk":"id","columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
	   {"name":"kind","type":"string","generator":{"choice":{"choices_ref":"z_vocab.v"}}},
	   {"name":"x","type":"float","generator":{"distribution":{"type":"uniform","params":{"low":0,"high":1}}},
	    "modifiers":[{"transform":"effect","args":{"effect_table":"promo","on":{},"window":{"start_col":"s","end_col":"e"},"map":{"field":"m","op":"mul","default":1}}}]}]},
	 {"id":"promo","kind":"entity","rows":3,"pk":"id","columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"s","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
	   {"name":"e","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
	   {"name":"m","type":"float","generator":{"choice":{"choices":[2]}}}]},
	 {"id":"z_vocab","kind":"vocab","pk":"v","columns":[{"name":"v","type":"string","generator":{"enum_list":{"values":["a","b"]}}}]}
	],"constraints":{}}`)
	p, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tb := range p.Order {
		ids = append(ids, tb.ID())
	}
	if got := strings.Join(ids, ","); got != "promo,z_vocab,a_fact" {
		t.Errorf("order %s, want promo,z_vocab,a_fact", got)
	}
	a := p.ByID["a_fact"]
	if a.Cols[3].TS != "at" {
		t.Errorf("effect timestamp %q, want the node's datetime column \"at\"", a.Cols[3].TS)
	}
	if !p.ByID["z_vocab"].Keep["v"] || !p.ByID["promo"].Keep["m"] {
		t.Error("columns read by other tables are not kept")
	}
}

func TestColumnOrderFollowsReads(t *testing.T) {
	s := parse(t, head+`"nodes":[{"id":"t","kind":"entity","rows":5,"pk":"id","columns":[
	   {"name":"total","type":"float","generator":{"expression":{"code":"price * qty"}}},
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"price","type":"float","generator":{"expression":{"code":"qty * 2.5"}}},
	   {"name":"qty","type":"int","generator":{"choice":{"choices":[1,2,3]}}}]}],"constraints":{}}`)
	p, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, i := range p.ByID["t"].EvalOrder {
		names = append(names, p.ByID["t"].Cols[i].Spec.Name)
	}
	if got := strings.Join(names, ","); got != "id,qty,price,total" {
		t.Errorf("evaluation order %s, want id,qty,price,total", got)
	}
}

func TestPlanErrors(t *testing.T) {
	cases := []struct{ name, nodes, want string }{
		{"column cycle", `[{"id":"t","kind":"entity","rows":5,"pk":"a","columns":[
		   {"name":"a","type":"float","generator":{"expression":{"code":"b + 1"}}},
		   {"name":"b","type":"float","generator":{"expression":{"code":"a + 1"}}}]}]`,
			`nodes[0](t).columns: columns of "t" read each other in a cycle: a, b`},
		{"behaviour block", `[{"id":"t","kind":"entity","rows":5,"pk":"a","segment_behavior":{"segment_column":"a"},"columns":[
		   {"name":"a","type":"int","generator":{"sequence":{}}}]}]`,
			`nodes[0](t).segment_behavior: segment_behavior needs "behaviors"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _, err := dsl.Parse([]byte(head+`"nodes":`+c.nodes+`,"constraints":{}}`), dsl.Options{})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			_, err = New(s)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}
