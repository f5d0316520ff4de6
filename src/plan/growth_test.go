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

// promoNode is a monthly calendar of promotions, an effect table.
const promoNode = `,{"id":"promo","kind":"entity","pk":"id","columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"s","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"MS","sequential":true}}},
	   {"name":"e","type":"datetime","generator":{"expression":{"code":"s + days(3)"}}},
	   {"name":"m","type":"float","generator":{"choice":{"choices":[2]}}}]}`

// segmentBlock and vintageBlock give openDoc's customer segments (by its
// id: customer 1 is in segment "1") and cohorts.
const (
	segmentBlock = `"segment_behavior":{"segment_column":"id","behaviors":{"1":{"fanout_multiplier":3}}},`
	vintageBlock = `"vintage_behavior":{"created_at_column":"at","age_based_multipliers":{"r":{"curve":[1,0.5],"time_unit":"month","applies_to":"fanout"}}},`
)

// TestOpenTimelineBehaviour plans behaviour blocks on growing tables: the
// segments and cohorts of a growing entity shape its per-unit fact, whose
// cohort ages are measured at its time column; funnels, state chains
// (which grow in an open timeline whatever their parent), outliers and a
// node-level effect on a per-unit fact.
func TestOpenTimelineBehaviour(t *testing.T) {
	doc := strings.Replace(openDoc(`,{"name":"amount","type":"float","generator":{"distribution":{"type":"uniform","params":{"low":1,"high":2}}},"modifiers":[{"transform":"outliers","args":{"rate":0.01,"mode":"spike"}}]}`,
		promoNode+`,{"id":"funnel","kind":"fact","parents":["customer"],"pk":"id",
		   "stage_config":{"stages":[{"stage_name":"a"},{"stage_name":"b","transition_rate":0.5}]},"columns":[
		   {"name":"id","type":"int","generator":{"sequence":{}}},
		   {"name":"stage_name","type":"string","generator":{"choice":{"choices":["a"]}}},
		   {"name":"reached_at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}}]},
		 {"id":"sub","kind":"fact","parents":["customer"],"pk":"id",
		   "state_transition_model":{"initial_state":"on","states":{"on":{"next_states":{"off":0.1}},"off":{"terminal":true}}},"columns":[
		   {"name":"id","type":"int","generator":{"sequence":{}}},
		   {"name":"state","type":"string","generator":{"choice":{"choices":["on"]}}},
		   {"name":"period_start","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
		   {"name":"period_end","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}}]},
		 {"id":"plan","kind":"entity","rows":3,"pk":"id","columns":[{"name":"id","type":"int","generator":{"sequence":{}}}]},
		 {"id":"fixed_sub","kind":"fact","parents":["plan"],"pk":"id",
		   "state_transition_model":{"initial_state":"on","states":{"on":{"next_states":{"off":0.1}},"off":{"terminal":true}}},"columns":[
		   {"name":"id","type":"int","generator":{"sequence":{}}},
		   {"name":"state","type":"string","generator":{"choice":{"choices":["on"]}}},
		   {"name":"period_start","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}}]}`),
		`"arrivals":{"per":"day","mean":10},`, `"arrivals":{"per":"day","mean":10},`+segmentBlock+vintageBlock, 1)
	doc = strings.Replace(doc, `"fanout":{"per":"day","lambda":0.5},`, `"fanout":{"per":"day","lambda":0.5},"modifiers":[{"transform":"effect","args":{"effect_table":"promo","on":{},"window":{"start_col":"s","end_col":"e"},"map":{"field":"m","op":"mul","default":1}}}],`, 1)
	p, err := New(parse(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	o := p.ByID["orders"]
	l := o.Behavior.VintageLink
	if l == nil || !l.PerUnit || l.Thin || l.EventColumn != "at" || len(l.Bounded) != 0 {
		t.Errorf("vintage link of the per-unit fact: %+v", l)
	}
	if len(o.Behavior.SegmentLinks) != 1 || !o.Behavior.SegmentLinks[0].Fanout {
		t.Errorf("segment links of the per-unit fact: %+v", o.Behavior.SegmentLinks)
	}
	for _, id := range []string{"funnel", "sub", "fixed_sub"} {
		if f := p.ByID[id]; !f.Grows() || f.TimeColumn() == "" {
			t.Errorf("%s: grows %v, time column %q", id, f.Grows(), f.TimeColumn())
		}
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
		{"arrivals without a time column", strings.Replace(openDoc("", ""), `"datetime_series":{"within":"timeframe","freq":"min"}`, `"datetime_series":{"within":{"start":"2024-01-01","end":"2024-12-31"},"freq":"min"}`, 1),
			"nodes[0](customer).time_column", `"customer" has arrivals but no time column drawn from the timeframe`},
		{"an aggregate over a per-unit fact", strings.Replace(openDoc("", ""), `{"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"min"}}}]},`, `{"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"min"}}},
	   {"name":"n","type":"int","generator":{"aggregate":{"from":"orders.id","fn":"count"}}}]},`, 1),
			"nodes[0](customer).columns[2](n).generator.aggregate", "its children of a parent row are spread over units"},
		{"a node-level effect on a per-unit fact matched at a column", strings.Replace(openDoc("", promoNode),
			`"fanout":{"per":"day","lambda":0.5},`, `"fanout":{"per":"day","lambda":0.5},"modifiers":[{"transform":"effect","args":{"effect_table":"promo","on":{},"window":{"start_col":"s","end_col":"e"},"map":{"field":"m","op":"mul","default":1},"ts":"at"}}],`, 1),
			"nodes[1](orders).modifiers[0].args.ts", "matched at each unit"},
		{"a state fact in an open timeline whose time is not its period start", openDoc("", `,{"id":"sub","kind":"fact","parents":["customer"],"pk":"id",
			   "state_transition_model":{"initial_state":"on","states":{"on":{"next_states":{"off":0.1}},"off":{"terminal":true}}},"columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"state","type":"string","generator":{"choice":{"choices":["on"]}}}]}`),
			"nodes[2](sub).time_column", `the rows of "sub" are written as their periods start: its time column must be its period start column`},
		{"an aggregate over a state fact in an open timeline", strings.Replace(openDoc("", `,{"id":"sub","kind":"fact","parents":["customer"],"pk":"id",
			   "state_transition_model":{"initial_state":"on","states":{"on":{"next_states":{"off":0.1}},"off":{"terminal":true}}},"columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"state","type":"string","generator":{"choice":{"choices":["on"]}}},
			   {"name":"period_start","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}}]}`),
			`{"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"min"}}}]},`, `{"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"min"}}},
	   {"name":"n","type":"int","generator":{"aggregate":{"from":"sub.id","fn":"count"}}}]},`, 1),
			"nodes[0](customer).columns[2](n).generator.aggregate", "the periods of a state machine in an open timeline"},
		{"vintage fanout curves on a growing fact without an event time", strings.Replace(openDoc("", `,{"id":"note","kind":"fact","parents":["customer"],"pk":"id","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}}]}`), `"arrivals":{"per":"day","mean":10},`, `"arrivals":{"per":"day","mean":10},`+vintageBlock, 1),
			"nodes[2](note)", `the vintage fanout curves of "customer" would be read at the timeframe's end`},
		{"segments of a growing non-primary parent", strings.Replace(openDoc("", `,{"id":"agent","kind":"entity","rows":5,"pk":"id","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}}]},
			 {"id":"ticket","kind":"fact","parents":["agent","customer"],"pk":"id","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}}]}`), `"arrivals":{"per":"day","mean":10},`, `"arrivals":{"per":"day","mean":10},`+segmentBlock, 1),
			"nodes[3](ticket)", `"ticket" reads rows of "customer", which grows with the open timeline`},
		{"a random lookup into a calendar", openDoc(`,{"name":"promo_id","type":"int","generator":{"lookup":{"from":"promo.id"}}}`, promoNode),
			"nodes[1](orders).columns[3](promo_id).generator.lookup", `"promo" is a calendar: in an open timeline it has one row per instant of the 100-year reference span, so a random pick of its rows (a lookup without "on", choices_ref) reads rows up to 100 years after the row that picks them: join it with "on" a time key, a column of "orders" holding the calendar instant its row falls in (for a daily calendar the expression datetime(date(at))), or give "promo" "rows" or explicit start and end bounds`},
		{"a lookup of a calendar that is a non-primary parent", openDoc("", promoNode+`,{"id":"ticket","kind":"fact","parents":["customer","promo"],"pk":"id","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
			   {"name":"promo_id","type":"int","generator":{"lookup":{"from":"promo.id"}}}]}`),
			"nodes[3](ticket).columns[2](promo_id).generator.lookup", `"promo" is a calendar`},
		{"choices_ref into a calendar", openDoc(`,{"name":"boost","type":"float","generator":{"choice":{"choices_ref":"promo.m"}}}`, promoNode),
			"nodes[1](orders).columns[3](boost).generator.choice", `"promo" is a calendar`},
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

// TestOpenTimelineCalendarReads: the reads of a calendar that do not pick
// a random row of its reference span are planned: a join on a time key,
// a calendar with explicit bounds or rows, its own fact children, and a
// random lookup into a calendar of a fixed timeframe.
func TestOpenTimelineCalendarReads(t *testing.T) {
	lookup := `,{"name":"promo_id","type":"int","generator":{"lookup":{"from":"promo.id"}}}`
	for _, tc := range []struct{ name, doc string }{
		{"a join on a time key", openDoc(`,{"name":"day","type":"datetime","generator":{"expression":{"code":"datetime(date(at))"}}},
		   {"name":"promo_id","type":"int","generator":{"lookup":{"from":"promo.id","on":{"day":"s"}}}}`,
			strings.Replace(promoNode, `"freq":"MS"`, `"freq":"D"`, 1))},
		{"a calendar with explicit bounds", openDoc(lookup, strings.Replace(promoNode, `"within":"timeframe"`, `"within":{"start":"2025-01-01","end":"2025-12-31"}`, 1))},
		{"a calendar with rows", openDoc(lookup, strings.Replace(promoNode, `"pk":"id",`, `"pk":"id","rows":12,`, 1))},
		{"the calendar's own children", openDoc("", promoNode+`,{"id":"slot","kind":"fact","parents":["promo"],"pk":"id","fanout":{"distribution":"poisson","lambda":2},"columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"promo_id","type":"int","generator":{"lookup":{"from":"promo.id"}}}]}`)},
		{"a fixed timeframe", strings.Replace(openDoc(lookup, promoNode), `"end":"open"`, `"end":"2025-12-31"`, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(parse(t, tc.doc)); err != nil {
				t.Error(err)
			}
		})
	}
}
