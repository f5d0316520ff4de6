package plan

import (
	"strings"
	"testing"
)

// openDoc is an open timeline: customers arrive, orders fan out per day,
// lines per order; with the nodes of extra appended.
func openDoc(orderCols, extra string) string {
	return `{"version":"1.0","metadata":{"name":"o"},"timeframe":{"start":"2025-01-01","end":"open","freq":"h"},"nodes":[
	 {"id":"customer","kind":"entity","pk":"id","arrivals":{"per":"day","mean":10},"columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"min"}}}]},
	 {"id":"orders","kind":"fact","parents":["customer"],"pk":"id","fanout":{"per":"day","lambda":0.5},"columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}}` + orderCols + `]}` + extra + `
	],"constraints":{}}`
}

func TestOpenTimelinePlans(t *testing.T) {
	p, err := New(parse(t, openDoc("", "")))
	if err != nil {
		t.Fatal(err)
	}
	c, o := p.ByID["customer"], p.ByID["orders"]
	if !c.Grows() || !o.Grows() || !o.PerUnit() || c.PerUnit() {
		t.Errorf("grows: customer %v, orders %v (per unit %v)", c.Grows(), o.Grows(), o.PerUnit())
	}
	if c.TimeColumn() != "at" || o.TimeColumn() != "at" {
		t.Errorf("time columns %q, %q", c.TimeColumn(), o.TimeColumn())
	}
	if !c.Keep["at"] {
		t.Error("a per-unit fact's parent does not keep its time column")
	}
}

func TestOpenTimelineErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, path, msg string
	}{
		{"a column drawn from the open timeframe",
			openDoc(`,{"name":"shipped_at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"h"}}}`, ""),
			"nodes[1](orders).columns[3](shipped_at).generator.datetime_series.within", "only the time column of a node with arrivals or a per-unit fanout"},
		{"a lifetime in an open timeline", openDoc("", `,{"id":"visit","kind":"fact","parents":["customer"],"pk":"id","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":{"start_col":"customer.at"},"freq":"h"}}}]}`),
			"nodes[2](visit).columns[1](at).generator.datetime_series.within", "use a per-unit fanout (fanout.per)"},
		{"a random lookup into a growing table", openDoc("", `,{"id":"review","kind":"entity","rows":5,"pk":"id","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"order_id","type":"int","generator":{"lookup":{"from":"orders.id"}}}]}`),
			"nodes[2](review)", `"review" reads rows of "orders", which grows with the open timeline`},
		{"outliers on a growing table",
			openDoc(`,{"name":"amount","type":"float","generator":{"distribution":{"type":"uniform","params":{"low":1,"high":2}}},"modifiers":[{"transform":"outliers","args":{"rate":0.01,"mode":"spike"}}]}`, ""),
			"nodes[1](orders).columns[3](amount).modifiers[0]", "outliers pick a share of all rows"},
		{"arrivals without a time column", strings.Replace(openDoc("", ""), `"datetime_series":{"within":"timeframe","freq":"min"}`, `"datetime_series":{"within":{"start":"2024-01-01","end":"2024-12-31"},"freq":"min"}`, 1),
			"nodes[0](customer).time_column", `"customer" has arrivals but no time column drawn from the timeframe`},
		{"an aggregate over a per-unit fact", strings.Replace(openDoc("", ""), `{"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"min"}}}]},`, `{"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"min"}}},
	   {"name":"n","type":"int","generator":{"aggregate":{"from":"orders.id","fn":"count"}}}]},`, 1),
			"nodes[0](customer).columns[2](n).generator.aggregate", "its children of a parent row are spread over units"},
		{"a node-level effect on a per-unit fact", strings.Replace(openDoc("", `,{"id":"promo","kind":"entity","rows":2,"pk":"id","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"s","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"MS","sequential":true}}},
			   {"name":"e","type":"datetime","generator":{"expression":{"code":"s + days(3)"}}},
			   {"name":"m","type":"float","generator":{"choice":{"choices":[2]}}}]}`),
			`"fanout":{"per":"day","lambda":0.5},`, `"fanout":{"per":"day","lambda":0.5},"modifiers":[{"transform":"effect","args":{"effect_table":"promo","on":{},"window":{"start_col":"s","end_col":"e"},"map":{"field":"m","op":"mul","default":1}}}],`, 1),
			"nodes[1](orders).modifiers[0]", "fanout.per draws a count per unit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(parse(t, tc.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.path+": ") || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %v\nwant %s: ...%s...", err, tc.path, tc.msg)
			}
		})
	}
}
