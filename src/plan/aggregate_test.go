package plan

import (
	"strings"
	"testing"

	"datagen/src/dsl"
)

func aggDoc(lineCols string) string {
	return head + `"nodes":[
	 {"id":"orders","kind":"entity","rows":5,"pk":"id","columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"total","type":"float","generator":{"aggregate":{"from":"line.amount","fn":"sum"}}},
	   {"name":"taxed","type":"float","generator":{"expression":{"code":"total * 1.2"}}},
	   {"name":"tag","type":"string","generator":{"choice":{"choices":["a","b"]}}}]},
	 {"id":"line","kind":"fact","parents":["orders"],"pk":"id","fanout":{"distribution":"uniform","min":0,"max":3},"columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"amount","type":"float","generator":{"lookup":{"from":"price.p"}}}` + lineCols + `]},
	 {"id":"price","kind":"entity","rows":4,"pk":"p","columns":[{"name":"p","type":"float","generator":{"sequence":{}}}]}
	],"constraints":{}}`
}

func TestAggregateDefersReadersAndOrdersAfterTheChildsDeps(t *testing.T) {
	p, err := New(parse(t, aggDoc(`,{"name":"tag","type":"string","generator":{"lookup":{"from":"orders.tag"}}}`)))
	if err != nil {
		t.Fatal(err)
	}
	o := p.ByID["orders"]
	if len(o.Aggregates) != 1 || o.Aggregates[0].Child != p.ByID["line"] || o.Aggregates[0].Source != 1 {
		t.Fatalf("aggregates %+v", o.Aggregates)
	}
	if got := o.Aggregates[0].Needs; len(got) != 3 || got[0] || !got[1] || got[2] {
		t.Errorf("needs %v: the scan of line computes amount only", got)
	}
	for i, want := range []bool{false, true, true, false} {
		if o.Cols[i].Deferred != want {
			t.Errorf("column %s deferred %v, want %v", o.Cols[i].Spec.Name, o.Cols[i].Deferred, want)
		}
	}
	var ids []string
	for _, tb := range p.Order {
		ids = append(ids, tb.ID())
	}
	if got := strings.Join(ids, ","); got != "price,orders,line" {
		t.Errorf("order %s, want price,orders,line: the child's lookup table comes first", got)
	}
}

func TestAggregateCycle(t *testing.T) {
	for _, c := range []struct{ name, cols, want string }{
		{"reads the aggregate through an expression", `,{"name":"x","type":"float","generator":{"lookup":{"from":"orders.taxed"}}}`,
			`"line" reads column "taxed" of "orders", which is computed from the rows of "line": a cycle`},
		{"reads the aggregate", `,{"name":"x","type":"float","generator":{"lookup":{"from":"orders.total"}}}`,
			`a cycle`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _, err := dsl.Parse([]byte(aggDoc(c.cols)), dsl.Options{})
			if err == nil {
				_, err = New(s)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}
