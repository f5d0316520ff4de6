package validate

import (
	"slices"
	"testing"

	"datagen/src/column"
)

const declaredSchema = `{
  "version": "1.0", "metadata": {"name": "declared"},
  "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-12-31T23:59:59Z", "freq": "D"},
  "nodes": [
    {"id": "customer", "kind": "entity", "rows": 200, "pk": "customer_id", "columns": [
      {"name": "customer_id", "type": "int", "generator": {"sequence": {}}},
      {"name": "signup", "type": "date", "generator": {"datetime_series": {"within": {"start": "2024-06-01", "end": "2025-06-01"}, "freq": "D"}}},
      {"name": "left_at", "type": "datetime", "nullable": true, "null_rate": 0.5, "generator": {"expression": {"code": "datetime(signup) + days(200)"}}}
    ]},
    {"id": "orders", "kind": "fact", "parents": ["customer"], "pk": "order_id", "fanout": {"distribution": "poisson", "lambda": 3},
     "columns": [
      {"name": "order_id", "type": "int", "generator": {"sequence": {}}},
      {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}},
      {"name": "ordered_at", "type": "datetime", "nullable": true, "generator": {"datetime_series": {"within": {"start_col": "customer.signup", "end_col": "customer.left_at"}, "freq": "h"}}},
      {"name": "total", "type": "decimal", "precision": 10, "scale": 2, "generator": {"aggregate": {"from": "line.amount", "fn": "sum"}}},
      {"name": "big", "type": "int", "generator": {"aggregate": {"from": "line.qty", "fn": "count", "where": "qty >= 3"}}},
      {"name": "top", "type": "float", "nullable": true, "generator": {"aggregate": {"from": "line.amount", "fn": "max"}}}
    ]},
    {"id": "line", "kind": "fact", "parents": ["orders"], "pk": "line_id", "fanout": {"distribution": "uniform", "min": 0, "max": 4},
     "columns": [
      {"name": "line_id", "type": "int", "generator": {"sequence": {}}},
      {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.order_id"}}},
      {"name": "qty", "type": "int", "generator": {"distribution": {"type": "poisson", "params": {"lambda": 2}}}},
      {"name": "amount", "type": "float", "decimals": 2, "generator": {"distribution": {"type": "lognormal", "params": {"mean": 3, "sigma": 0.5}}}}
    ]}
  ]
}`

func TestDeclaredChecks(t *testing.T) {
	s := parseSchema(t, declaredSchema)
	base := generate(t, s, 3)
	declared := []string{"orders.total.decimals", "line.amount.decimals", "orders.total.aggregate", "orders.big.aggregate",
		"orders.top.aggregate", "orders.ordered_at.lifetime"}
	rep := feed(t, s, base)
	for _, name := range declared {
		if r := result(t, rep, name); !r.Passed || !r.Hard {
			t.Errorf("%s: passed %v, hard %v: %s", name, r.Passed, r.Hard, r.Message)
		}
	}
	for _, c := range []struct {
		name   string
		break_ func(d map[string]*memTab)
		fail   []string
	}{
		{"total off by a cent", func(d map[string]*memTab) {
			tot := d["orders"].col("total")
			for i := range tot.Floats {
				if tot.Floats[i] > 0 {
					tot.Floats[i] = column.RoundHalfEven(tot.Floats[i]+0.01, 2)
					return
				}
			}
		}, []string{"orders.total.aggregate"}},
		{"three decimals", func(d map[string]*memTab) {
			d["line"].col("amount").Floats[0] = 9999.991
		}, []string{"line.amount.decimals", "orders.total.aggregate", "orders.top.aggregate"}},
		{"count filtered", func(d map[string]*memTab) {
			d["line"].col("qty").Ints[0] += 10
		}, []string{"orders.big.aggregate"}},
		{"event before signup", func(d map[string]*memTab) {
			at := d["orders"].col("ordered_at")
			for i := range at.Ints {
				if !at.IsNull(i) {
					at.Ints[i] = 0
					return
				}
			}
		}, []string{"orders.ordered_at.lifetime"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := cloneAll(base)
			c.break_(d)
			rep := feed(t, s, d)
			var failed []string
			for _, name := range failedNames(rep) {
				if slices.Contains(declared, name) {
					failed = append(failed, name)
				}
			}
			slices.Sort(failed)
			want := slices.Clone(c.fail)
			slices.Sort(want)
			if !slices.Equal(failed, want) {
				t.Errorf("failed %v, want %v", failed, want)
			}
		})
	}
}
