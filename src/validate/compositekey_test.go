package validate

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// compositeSchema has a composite key (line) and a child (shipment) of the
// composite-keyed table that copies both key parts.
const compositeSchema = `{
  "version": "1.0",
  "metadata": {"name": "composite"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-03-31T23:59:59Z", "freq": "h"},
  "nodes": [
    {"id": "orders", "kind": "entity", "rows": 40, "pk": "order_id",
     "columns": [{"name": "order_id", "type": "int", "generator": {"sequence": {}}}]},
    {"id": "line", "kind": "fact", "parents": ["orders"], "pk": ["order_id", "sku", "line_no"],
     "fanout": {"distribution": "uniform", "min": 1, "max": 4},
     "columns": [
       {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.order_id"}}},
       {"name": "sku", "type": "string", "generator": {"choice": {"choices": ["A", "B"]}}},
       {"name": "line_no", "type": "int", "generator": {"sequence": {}}},
       {"name": "qty", "type": "int", "generator": {"distribution": {"type": "poisson", "params": {"lambda": 3}}}}
     ]},
    {"id": "shipment", "kind": "fact", "parents": ["line"], "pk": "shipment_id",
     "fanout": {"distribution": "uniform", "min": 0, "max": 2},
     "columns": [
       {"name": "shipment_id", "type": "int", "generator": {"sequence": {}}},
       {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "line.order_id"}}},
       {"name": "line_no", "type": "int", "generator": {"lookup": {"from": "line.line_no"}}}
     ]},
    {"id": "delivery", "kind": "fact", "parents": ["line"], "pk": "delivery_id",
     "fanout": {"distribution": "uniform", "min": 1, "max": 1},
     "columns": [
       {"name": "delivery_id", "type": "int", "generator": {"sequence": {}}},
       {"name": "line", "type": "int", "generator": {"lookup": {"from": "line.line_no"}}},
       {"name": "order", "type": "int", "generator": {"lookup": {"from": "line.order_id"}}},
       {"name": "item", "type": "string", "generator": {"lookup": {"from": "line.sku"}}}
     ]}
  ],
  "constraints": {}
}`

func TestCompositeKeyPasses(t *testing.T) {
	s := parseSchema(t, compositeSchema)
	rep := feed(t, s, generate(t, s, 3))
	for _, f := range rep.Failures {
		t.Errorf("%s: %s", f.Name, f.Message)
	}
	r := result(t, rep, "line.pk_unique")
	rows := r.Details["total_rows"].(int64)
	if !r.Passed || !r.Hard || r.Message != "primary key (order_id, sku, line_no) of line is unique ("+strconv.FormatInt(rows, 10)+" values)" {
		t.Errorf("line.pk_unique: passed %v hard %v %q", r.Passed, r.Hard, r.Message)
	}
	if !reflect.DeepEqual(r.Details["columns"], []string{"order_id", "sku", "line_no"}) {
		t.Errorf("details = %v", r.Details)
	}
	// Each key part a child copies is checked against the parent's column.
	for _, n := range []string{"shipment.fk_line.order_id.integrity", "shipment.fk_line.line_no.integrity"} {
		if r := result(t, rep, n); !r.Passed || r.Details["checked_rows"].(int64) == 0 {
			t.Errorf("%s: passed %v, %v", n, r.Passed, r.Details)
		}
	}
	// delivery copies the whole key (in another column order): one check
	// of the tuples.
	r = result(t, rep, "delivery.fk_line.integrity")
	if !r.Passed || !r.Hard || r.Details["checked_rows"].(int64) != rows ||
		r.Message != "every foreign key value of delivery.(order, item, line) occurs in line.(order_id, sku, line_no) ("+strconv.FormatInt(rows, 10)+" rows)" {
		t.Errorf("delivery.fk_line.integrity: passed %v %q %v", r.Passed, r.Message, r.Details)
	}
	for _, res := range rep.Results {
		if strings.HasPrefix(res.Name, "delivery.fk_line.") && res.Name != "delivery.fk_line.integrity" {
			t.Errorf("per-part check %s for a child that copies the whole key", res.Name)
		}
	}
	// The part shipment does not copy (sku) is named in the recommendations.
	want := `"shipment" has parent "line" but no column copies line.sku`
	found := false
	for _, rec := range rep.Recommendations {
		found = found || strings.HasPrefix(rec, want)
		if strings.Contains(rec, "line.order_id") || strings.Contains(rec, "line.line_no") {
			t.Errorf("recommendation for a copied key part: %s", rec)
		}
	}
	if !found {
		t.Errorf("no recommendation %q in %q", want, rep.Recommendations)
	}
}

func TestCompositeKeyFailures(t *testing.T) {
	s := parseSchema(t, compositeSchema)
	base := generate(t, s, 3)
	cases := []struct {
		name   string
		break_ func(m *memTab)
		msg    string // exact message of line.pk_unique; "" = passes
	}{
		{"one part repeats, the tuple does not", func(m *memTab) {
			o := m.col("order_id").Ints
			j := 1
			for o[j] == o[0] {
				j++
			}
			m.col("line_no").Ints[j] = m.col("line_no").Ints[0]
		}, ""},
		{"duplicate tuple", func(m *memTab) {
			m.col("order_id").Ints[2], m.col("sku").Strs[2], m.col("line_no").Ints[2] = 5, "B", 9
			m.col("order_id").Ints[7], m.col("sku").Strs[7], m.col("line_no").Ints[7] = 5, "B", 9
		}, "1 duplicate primary key value(s) (order_id, sku, line_no) in line, e.g. (5, B, 9)"},
		{"null part", func(m *memTab) {
			m.col("line_no").SetNull(4)
			m.col("line_no").SetNull(5)
		}, "primary key (order_id, sku, line_no) of line has 2 row(s) with a null part (line_no: 2)"},
		{"empty string part", func(m *memTab) {
			m.col("sku").Strs[3] = ""
		}, "primary key (order_id, sku, line_no) of line has 1 row(s) with an empty string part (sku: 1); " + emptyKeyWhy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := map[string]*memTab{}
			for k, m := range base {
				d[k] = m.clone()
			}
			tc.break_(d["line"])
			rep := feed(t, s, d)
			r := result(t, rep, "line.pk_unique")
			if tc.msg == "" {
				if !r.Passed {
					t.Errorf("failed: %s", r.Message)
				}
				return
			}
			if r.Passed || !r.Hard || r.Message != tc.msg {
				t.Errorf("passed %v hard %v\ngot:  %s\nwant: %s", r.Passed, r.Hard, r.Message, tc.msg)
			}
			if rep.Summary.HardFailures == 0 {
				t.Error("no hard failure counted")
			}
		})
	}
}

func TestSingleStringKeyWithEmptyValue(t *testing.T) {
	s := parseSchema(t, testSchema)
	d := generate(t, s, 7)
	d["status"].col("value").Strs[1] = ""
	rep := feed(t, s, d)
	r := result(t, rep, "status.pk_unique")
	want := "primary key status.value has 1 empty string(s); " + emptyKeyWhy
	if r.Passed || !r.Hard || r.Message != want {
		t.Errorf("passed %v hard %v\ngot:  %s\nwant: %s", r.Passed, r.Hard, r.Message, want)
	}
	if r.Details["empty_count"].(int64) != 1 {
		t.Errorf("details %v", r.Details)
	}
}

// TestCompositeForeignKeyComparesTuples breaks one delivery row so that
// each part still occurs in the parent but the tuple does not.
func TestCompositeForeignKeyComparesTuples(t *testing.T) {
	s := parseSchema(t, compositeSchema)
	d := generate(t, s, 3)
	del := d["delivery"]
	lines := d["line"]
	// A line number that exists, with an order it does not belong to.
	ln, ord := lines.col("line_no").Ints, lines.col("order_id").Ints
	var other int64 = -1
	for i := range ord {
		if ord[i] != ord[0] {
			other = ord[i]
			break
		}
	}
	if other < 0 {
		t.Fatal("every line belongs to one order")
	}
	row := -1
	for i, v := range del.col("line").Ints {
		if v == ln[0] {
			row = i
		}
	}
	if row < 0 {
		t.Fatal("no delivery of line 0")
	}
	del.col("order").Ints[row] = other
	rep := feed(t, s, d)
	r := result(t, rep, "delivery.fk_line.integrity")
	want := fmt.Sprintf("1 of %d rows of delivery.(order, item, line) (e.g. (%d, %s, %d)) do not occur in line.(order_id, sku, line_no)",
		del.rows(), other, del.col("item").Strs[row], ln[0])
	if r.Passed || !r.Hard || r.Message != want {
		t.Errorf("passed %v hard %v\ngot:  %s\nwant: %s", r.Passed, r.Hard, r.Message, want)
	}
}
