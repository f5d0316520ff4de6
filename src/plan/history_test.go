package plan

import (
	"strings"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
)

func TestHistoryResolved(t *testing.T) {
	s := parse(t, head+`"nodes":[
	 {"id":"customer","kind":"entity","rows":5,"pk":"id","history":{"as":"versions"},"columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"tier","type":"string","generator":{"choice":{"choices":["a","b"]}},"changes":{"every":"30d","p":0.1}},
	   {"name":"since","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
	   {"name":"label","type":"string","generator":{"expression":{"code":"tier + '!'"}}}]},
	 {"id":"orders","kind":"fact","pk":"id","parents":["customer"],"columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"tier","type":"string","generator":{"lookup":{"from":"customer.tier"}}}]}
	]}`)
	p, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	h := p.ByID["customer"].History
	if h == nil || h.As != dsl.HistoryVersions || len(h.Changing) != 1 || h.Changing[0] != 1 || h.Start != 2 {
		t.Fatalf("history = %+v", h)
	}
	f := p.ByID["customer"].Fields()
	if len(f) != 7 || f[4].Name != "valid_from" || f[5].Name != "valid_to" || !f[5].Nullable || f[6].Type != column.Bool {
		t.Errorf("fields %+v", f)
	}
	if p.ByID["orders"].History != nil || len(p.ByID["orders"].Fields()) != 2 {
		t.Errorf("orders has history")
	}
	var got []string
	for _, w := range p.Warnings {
		got = append(got, w.Path+": "+w.Message)
	}
	all := strings.Join(got, "\n")
	want := `nodes[0](customer).columns[3](label): column "label" reads the changing column(s) tier but does not change with them`
	if !strings.Contains(all, want) || len(p.Warnings) != 1 {
		t.Errorf("warnings:\n%s\nwant only %q", all, want)
	}
	// orders takes its customer's time: its lookup reads the version
	// current then, and customer keeps the versions of tier.
	if o := p.ByID["orders"]; !o.ParentTime || !o.Cols[1].AtTime {
		t.Errorf("orders: ParentTime %v, AtTime %v", o.ParentTime, o.Cols[1].AtTime)
	}
	if r := h.Read; len(r) != 1 || r[0] != 1 {
		t.Errorf("History.Read = %v, want [1]", r)
	}
}

// TestVersionedLookups checks how a lookup of a changing column reads
// its versions: at the reading row's time column, computed first; at
// the primary parent's time; without a time (a warning); and the cycles
// a time column that reads the lookup would make.
func TestVersionedLookups(t *testing.T) {
	const customer = `{"id":"customer","kind":"entity","rows":5,"pk":"id","history":{"as":"versions"},"columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"since","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
	   {"name":"tier","type":"string","generator":{"choice":{"choices":["a","b"]}},"changes":{"every":"30d","p":0.1}},
	   {"name":"seen","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}},"changes":{"every":"30d","p":0.1}}]}`
	cases := []struct {
		name, orders string
		// reads are the reads of orders.tier; order the names of orders'
		// columns in evaluation order.
		atTime bool
		reads  string
		order  string
		warn   string
		err    string
	}{
		{name: "own time column, declared after the lookup",
			orders: `"columns":[
			   {"name":"tier","type":"string","generator":{"lookup":{"from":"customer.tier"}}},
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"h"}}}]`,
			atTime: true, reads: "at", order: "id at tier"},
		{name: "the primary parent's time",
			orders: `"parents":["customer"],"columns":[
			   {"name":"tier","type":"string","generator":{"lookup":{"from":"customer.tier"}}},
			   {"name":"id","type":"int","generator":{"sequence":{}}}]`,
			atTime: true, reads: "", order: "tier id"},
		{name: "no time",
			orders: `"time_column":null,"parents":["customer"],"columns":[
			   {"name":"tier","type":"string","generator":{"lookup":{"from":"customer.tier"}}},
			   {"name":"id","type":"int","generator":{"sequence":{}}}]`,
			reads: "", order: "tier id",
			warn: `nodes[1](orders).columns[0](tier).generator.lookup: customer.tier changes over time, but "orders" has no time column (nor a primary parent with one): the lookup copies the value of "customer"'s first version`},
		{name: "the time column is the lookup",
			orders: `"time_column":"seen","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"seen","type":"datetime","generator":{"lookup":{"from":"customer.seen"}}}]`,
			err: `nodes[1](orders).columns[1](seen).generator.lookup: customer.seen changes over time, so this lookup reads the version current at the row's time column "seen", but "seen" is computed from "seen": a cycle`},
		{name: "the time column reads the lookup",
			orders: `"time_column":"at","columns":[
			   {"name":"id","type":"int","generator":{"sequence":{}}},
			   {"name":"seen","type":"datetime","generator":{"lookup":{"from":"customer.seen"}}},
			   {"name":"at","type":"datetime","generator":{"expression":{"code":"seen + hours(1)"}}}]`,
			err: `nodes[1](orders).columns[1](seen).generator.lookup: customer.seen changes over time, so this lookup reads the version current at the row's time column "at", but "at" is computed from "seen": a cycle`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind := "entity"
			if strings.Contains(c.orders, "parents") {
				kind = "fact"
			}
			s := parse(t, head+`"nodes":[`+customer+`,{"id":"orders","kind":"`+kind+`","rows":5,"pk":"id",`+c.orders+`}]}`)
			p, err := New(s)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			o := p.ByID["orders"]
			tier := o.Cols[o.ColumnIndex("tier")]
			if tier.AtTime != c.atTime || strings.Join(tier.Reads, " ") != c.reads {
				t.Errorf("AtTime %v, reads %q; want %v, %q", tier.AtTime, tier.Reads, c.atTime, c.reads)
			}
			var order []string
			for _, i := range o.EvalOrder {
				order = append(order, o.Cols[i].Spec.Name)
			}
			if got := strings.Join(order, " "); got != c.order {
				t.Errorf("evaluation order %q, want %q", got, c.order)
			}
			var warns []string
			for _, w := range p.Warnings {
				warns = append(warns, w.Path+": "+w.Message)
			}
			if got := strings.Join(warns, "\n"); got != c.warn {
				t.Errorf("warnings:\n%s\nwant:\n%s", got, c.warn)
			}
			if want := c.atTime; (len(p.ByID["customer"].History.Read) > 0) != want {
				t.Errorf("History.Read = %v", p.ByID["customer"].History.Read)
			}
		})
	}
}

// TestParentTimeChains: a table without a time column takes its primary
// parent's time at any depth, and each middle table keeps its rows' time
// for its children.
func TestParentTimeChains(t *testing.T) {
	s := parse(t, head+`"nodes":[
	 {"id":"orders","kind":"entity","rows":5,"pk":"id","columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"h"}}}]},
	 {"id":"line","kind":"fact","pk":"id","parents":["orders"],"columns":[{"name":"id","type":"int","generator":{"sequence":{}}}]},
	 {"id":"note","kind":"fact","pk":"id","parents":["line"],"columns":[{"name":"id","type":"int","generator":{"sequence":{}}}]},
	 {"id":"tag","kind":"fact","pk":"id","parents":["note"],"columns":[{"name":"id","type":"int","generator":{"sequence":{}}}]},
	 {"id":"off","kind":"fact","pk":"id","parents":["note"],"time_column":null,"columns":[{"name":"id","type":"int","generator":{"sequence":{}}}]},
	 {"id":"deep","kind":"fact","pk":"id","parents":["off"],"columns":[{"name":"id","type":"int","generator":{"sequence":{}}}]}
	]}`)
	p, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id         string
		parentTime bool
		rowTime    string
		keeps      bool
	}{
		{"orders", false, "at", true},
		{"line", true, RowTime, true},
		{"note", true, RowTime, true},
		{"tag", true, RowTime, false},
		{"off", false, "", false},
		{"deep", false, "", false},
	} {
		tb := p.ByID[c.id]
		if tb.ParentTime != c.parentTime || tb.RowTimeName() != c.rowTime || tb.Keep[tb.RowTimeName()] != c.keeps {
			t.Errorf("%s: ParentTime %v, RowTimeName %q, kept %v; want %v, %q, %v",
				c.id, tb.ParentTime, tb.RowTimeName(), tb.Keep[tb.RowTimeName()], c.parentTime, c.rowTime, c.keeps)
		}
	}
	// A child that takes its parent's time reads it at its own parent
	// row, so a split run keeps the parent's part only.
	if !p.ReadsWithinPart(p.ByID["tag"], p.ByID["note"], true) {
		t.Errorf("tag reads note's row time outside its parent row")
	}
}

// TestHistoryDefaultTimeColumnCannotChange: the default time column is
// refused as a changing column, as a declared one is.
func TestHistoryDefaultTimeColumnCannotChange(t *testing.T) {
	s := parse(t, head+`"nodes":[
	 {"id":"customer","kind":"entity","rows":5,"pk":"id","history":{"as":"versions"},"columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"signup_at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"h"}},"changes":{"every":"30d","p":0.1}},
	   {"name":"tier","type":"string","generator":{"choice":{"choices":["a","b"]}},"changes":{"every":"30d","p":0.1}}]}
	]}`)
	_, err := New(s)
	want := `nodes[0](customer).columns[1](signup_at).changes: the time column "signup_at" cannot change`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}
