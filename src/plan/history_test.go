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
	for _, want := range []string{
		`nodes[0](customer).columns[3](label): column "label" reads the changing column(s) tier but does not change with them`,
		`nodes[1](orders).columns[1](tier).generator.lookup: customer.tier changes over time, but a lookup copies the value of "customer"'s first version`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning %q in:\n%s", want, all)
		}
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
