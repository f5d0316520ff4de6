package validate

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"datagen/src/sink"
)

func TestHistoryTablesValidateOnTheirFirstVersions(t *testing.T) {
	for _, as := range []string{"versions", "events"} {
		t.Run(as, func(t *testing.T) {
			src := strings.Replace(testSchema, `"rows": 400, "pk": "customer_id",`,
				`"rows": 400, "pk": "customer_id", "history": {"as": "`+as+`"},`, 1)
			src = strings.Replace(src, `"weights": [0.7, 0.3]}}},`, `"weights": [0.7, 0.3]}}, "changes": {"every": "7d", "p": 0.3}},`, 1)
			src = strings.Replace(src, `"clamp": [18, 80]}}},`, `"clamp": [18, 80]}}, "changes": {"every": "14d", "p": 0.2}},`, 1)
			s := parseSchema(t, src)
			data := generate(t, s, 7)
			cust := data["customer"]
			if cust.rows() < 2*400 {
				t.Fatalf("only %d rows of 400 customers", cust.rows())
			}
			rep := feed(t, s, data)
			if len(rep.Failures) > 0 {
				t.Fatalf("failures: %v", failedNames(rep))
			}
			if r := result(t, rep, "customer.types"); fmt.Sprint(r.Details["extra_columns"]) != "[]" {
				t.Errorf("history columns reported as extra: %v", r.Details["extra_columns"])
			}
			if r := result(t, rep, "customer.history"); !r.Passed || r.Details["entities"] != int64(400) {
				t.Errorf("history check: %+v", r)
			}
			// The same data read back from files, split into parts so that
			// an entity's versions span two files.
			for _, format := range []sink.Format{sink.CSV, sink.Parquet} {
				dir := t.TempDir()
				writeTables(t, dir, s, data, format, 3)
				back := readBack(t, dir, s)
				if len(back.Failures) > 0 {
					t.Fatalf("%s read back: failures %v", format, failedNames(back))
				}
				if r := result(t, back, "customer.history"); !r.Passed || r.Details["entities"] != int64(400) {
					t.Errorf("%s read back: history check: %+v", format, r)
				}
			}
			// A broken history fails the history check.
			broken := cust.clone()
			if as == "versions" {
				vt := broken.col("valid_to")
				i := slices.IndexFunc(vt.Null, func(null bool) bool { return !null })
				vt.Ints[i]++
			} else {
				op := broken.col("operation").Strs
				op[slices.Index(op, "update")] = "insert"
			}
			data["customer"] = broken
			rep = feed(t, s, data)
			if r := result(t, rep, "customer.history"); r.Passed || !r.Hard {
				t.Errorf("a broken history passed: %+v", r)
			} else if !strings.Contains(r.Message, "1 problem(s)") {
				t.Errorf("history check message: %s", r.Message)
			}
			// A key repeated by another entity is still a duplicate.
			bad := cust.clone()
			ids := bad.col("customer_id").Ints
			third := slices.Index(ids, 3)
			ids[third] = 1
			if as == "events" {
				ids[third+1] = 1
			}
			data["customer"] = bad
			rep = feed(t, s, data)
			if r := result(t, rep, "customer.pk_unique"); r.Passed {
				t.Errorf("a repeated key passed: %+v", r)
			}
		})
	}
}

// TestMembershipInAChangingColumn: a lookup copies the version of a
// changing column current at the reading row's time, so a foreign key or
// an enum_ref into that column is checked against every version's values;
// a value no version holds still fails.
func TestMembershipInAChangingColumn(t *testing.T) {
	src := `{
  "version": "1.0", "metadata": {"name": "scd-members"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2025-01-01T00:00:00Z", "freq": "h"},
  "nodes": [
    {"id": "customer", "kind": "entity", "rows": 300, "pk": "customer_id", "history": {"as": "versions"},
     "columns": [
       {"name": "customer_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
       {"name": "signup_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
       {"name": "score", "type": "float", "generator": {"distribution": {"type": "normal", "params": {"mean": 50, "std": 10}}},
        "changes": {"every": "30d", "p": 0.4}}
     ]},
    {"id": "orders", "kind": "fact", "parents": ["customer"], "pk": "order_id",
     "fanout": {"distribution": "uniform", "min": 2, "max": 6},
     "columns": [
       {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
       {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}},
       {"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {"within": {"start_col": "customer.signup_at"}, "freq": "min"}}},
       {"name": "score", "type": "float", "generator": {"lookup": {"from": "customer.score"}}}
     ]}
  ],
  "constraints": {
    "foreign_keys": [{"from": "orders.score", "to": "customer.score"}],
    "enum": [{"attr": "orders.score", "enum_ref": "customer.score"}]
  }
}`
	s := parseSchema(t, src)
	data := generate(t, s, 3)
	// Some orders copy a later version's score.
	cust, orders := data["customer"], data["orders"]
	first := map[float64]bool{}
	ids, scores := cust.col("customer_id").Ints, cust.col("score").Floats
	for i := range ids {
		if i == 0 || ids[i] != ids[i-1] {
			first[scores[i]] = true
		}
	}
	later := 0
	for _, x := range orders.col("score").Floats {
		if !first[x] {
			later++
		}
	}
	if later < 50 {
		t.Fatalf("only %d orders copy a later version", later)
	}
	names := []string{"orders.fk_constraint.score_to_customer.score", "orders.score.enum"}
	rep := feed(t, s, data)
	for _, name := range names {
		if r := result(t, rep, name); !r.Passed {
			t.Errorf("%s: %s", name, r.Message)
		}
	}
	bad := orders.clone()
	bad.col("score").Floats[0] = -1234.5
	data["orders"] = bad
	rep = feed(t, s, data)
	for _, name := range names {
		if r := result(t, rep, name); r.Passed {
			t.Errorf("%s passed a score no version holds: %s", name, r.Message)
		}
	}
}

// TestInequalityWithAChangingParentColumn: a cross-table inequality with
// a changing parent column compares each child row with the parent's
// version current at the child's time column, as a lookup copies it.
func TestInequalityWithAChangingParentColumn(t *testing.T) {
	src := `{
  "version": "1.0", "metadata": {"name": "scd-inequality"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2025-01-01T00:00:00Z", "freq": "h"},
  "nodes": [
    {"id": "customer", "kind": "entity", "rows": 300, "pk": "customer_id", "history": {"as": "AS"},
     "columns": [
       {"name": "customer_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
       {"name": "signup_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
       {"name": "credit_limit", "type": "float", "decimals": 2,
        "generator": {"distribution": {"type": "uniform", "params": {"low": 100, "high": 10000}}},
        "changes": {"every": "30d", "p": 0.4}}
     ]},
    {"id": "orders", "kind": "fact", "parents": ["customer"], "pk": "order_id",
     "fanout": {"distribution": "uniform", "min": 2, "max": 6},
     "columns": [
       {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
       {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}},
       {"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {"within": {"start_col": "customer.signup_at"}, "freq": "min"}}},
       {"name": "credit_limit", "type": "float", "generator": {"lookup": {"from": "customer.credit_limit"}}},
       {"name": "amount", "type": "float", "generator": {"expression": {"code": "credit_limit"}}}
     ]},
    {"id": "order_line", "kind": "fact", "parents": ["orders"], "pk": "line_id",
     "fanout": {"distribution": "uniform", "min": 1, "max": 2},
     "columns": [
       {"name": "line_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
       {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.order_id"}}},
       {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "orders.customer_id"}}},
       {"name": "price", "type": "float", "generator": {"lookup": {"from": "orders.credit_limit"}}}
     ]}
  ],
  "constraints": {"inequalities": [{"left": "orders.amount", "op": "<=", "right": "customer.credit_limit"},
                                   {"left": "customer.credit_limit", "op": ">=", "right": "orders.amount"},
                                   {"left": "order_line.price", "op": "<=", "right": "customer.credit_limit"}],
                  "foreign_keys": [{"from": "order_line.customer_id", "to": "customer.customer_id"}]}
}`
	for _, as := range []string{"versions", "events"} {
		t.Run(as, func(t *testing.T) {
			s := parseSchema(t, strings.Replace(src, "AS", as, 1))
			data := generate(t, s, 5)
			// order_line takes its order's time: its price, the order's
			// copy, is compared with the version at the order's time.
			names := []string{"orders.inequality.orders.amount_<=_customer.credit_limit", "orders.inequality.customer.credit_limit_>=_orders.amount",
				"order_line.inequality.order_line.price_<=_customer.credit_limit"}
			rep := feed(t, s, data)
			for _, name := range names {
				if r := result(t, rep, name); !r.Passed || r.Details["checked"].(int64) < 1000 {
					t.Errorf("%s: %s", name, r.Message)
				}
			}
			// The same data read back from files, an entity's versions
			// spanning two of them.
			for _, format := range []sink.Format{sink.CSV, sink.Parquet} {
				dir := t.TempDir()
				writeTables(t, dir, s, data, format, 3)
				back := readBack(t, dir, s)
				for _, name := range names {
					if r := result(t, back, name); !r.Passed {
						t.Errorf("%s read back: %s: %s", format, name, r.Message)
					}
				}
			}
			// An amount above the version at the order's time fails,
			// even if the first version allowed it.
			orders := data["orders"]
			bad := orders.clone()
			amount := bad.col("amount").Floats
			ids := data["customer"].col("customer_id").Ints
			limits := data["customer"].col("credit_limit").Floats
			first := map[int64]float64{}
			for i, id := range ids {
				if _, ok := first[id]; !ok {
					first[id] = limits[i]
				}
			}
			broken := 0
			for i, id := range bad.col("customer_id").Ints {
				if lim := first[id]; amount[i] < lim {
					amount[i] = lim // allowed by the first version only
					broken++
					break
				}
			}
			if broken == 0 {
				t.Fatal("no order copies a lower limit than its customer's first")
			}
			data["orders"] = bad
			rep = feed(t, s, data)
			for _, name := range names[:2] {
				if r := result(t, rep, name); r.Passed || r.Details["violations"] != int64(1) {
					t.Errorf("%s: %s", name, r.Message)
				}
			}
		})
	}
}
