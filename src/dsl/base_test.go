package dsl

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// baseSchema is a small valid document that the table-driven tests mutate.
// Node indexes: 0 user, 1 status (vocab), 2 promo, 3 order.
const baseSchema = `{
  "version": "1.0",
  "metadata": {"name": "base", "domain": "tests"},
  "timeframe": {"start": "2024-01-01", "end": "2024-12-31T23:59:59Z", "freq": "h"},
  "nodes": [
    {"id": "user", "kind": "entity", "pk": "user_id", "rows": 100, "columns": [
      {"name": "user_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
      {"name": "name", "type": "string", "generator": {"faker": {"method": "name", "locale_from": "country"}}},
      {"name": "country", "type": "string", "generator": {"choice": {"choices": ["US", "DE", "CZ"], "weights": [0.5, 0.3, 0.2]}}},
      {"name": "age", "type": "int", "generator": {"distribution": {"type": "normal", "params": {"mean": 35, "std": 10}, "clamp": [18, 90]}}},
      {"name": "signup_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}}}
    ]},
    {"id": "status", "kind": "vocab", "pk": "code", "columns": [
      {"name": "code", "type": "string", "generator": {"enum_list": {"values": ["new", "paid", "void"]}}}
    ]},
    {"id": "promo", "kind": "entity", "pk": "promo_id", "rows": 10, "columns": [
      {"name": "promo_id", "type": "int", "generator": {"sequence": {}}},
      {"name": "category", "type": "string", "generator": {"choice": {"choices": ["A", "B"], "weights_kind": "zipf@1.2"}}},
      {"name": "start_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}}},
      {"name": "end_at", "type": "datetime", "generator": {"datetime_series": {"within": {"start": "2024-02-01", "end": "2025-01-01"}, "freq": "D"}}},
      {"name": "mult", "type": "float", "generator": {"distribution": {"type": "uniform", "params": {"low": 0.8, "high": 1.2}, "clamp": [null, null]}}}
    ]},
    {"id": "order", "kind": "fact", "pk": "order_id", "parents": ["user"],
     "fanout": {"distribution": "poisson", "lambda": 3, "min": 0, "max": 20},
     "modifiers": [{"transform": "effect", "args": {"effect_table": "promo", "on": {},
        "window": {"start_col": "start_at", "end_col": "end_at"}, "map": {"field": "mult", "op": "mul", "default": 1}}}],
     "columns": [
      {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1000}}},
      {"name": "user_id", "type": "int", "generator": {"lookup": {"from": "user.user_id"}}},
      {"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h",
         "pattern": {"dimension": "dow", "weights": [1, 1, 1, 1, 1.2, 0.6, 0.4]}}},
       "modifiers": [{"transform": "seasonality", "args": {"dimension": "month", "weights": [1,1,1,1,1,1,1,1,1,1,1.5,2]}}]},
      {"name": "category", "type": "string", "generator": {"choice": {"choices": ["A", "B"]}}},
      {"name": "amount", "type": "float", "nullable": true, "null_rate": 0.01,
       "generator": {"distribution": {"type": "lognormal", "params": {"mean": 3, "sigma": 0.5}, "clamp": [1, 1000]}},
       "modifiers": [
         {"transform": "jitter", "args": {"std": 0.1, "mode": "mul"}},
         {"transform": "outliers", "args": {"rate": 0.01, "mode": "spike"}},
         {"transform": "effect", "args": {"effect_table": "promo", "on": {"category": "category"},
            "window": {"start_col": "start_at", "end_col": "end_at"}, "map": {"field": "mult"}, "ts": "ordered_at", "overlap": "product"}},
         {"transform": "trend", "args": {"type": "linear", "growth_rate": 0.1, "time_reference": "ordered_at"}},
         {"transform": "clamp", "args": {"min": 0, "max": null}}
       ]},
      {"name": "status", "type": "string", "generator": {"choice": {"choices_ref": "status.code", "weights_kind": "head_tail@{0.6,1.5}"}},
       "modifiers": [{"transform": "map_values", "args": {"mapping": {"void": "cancelled"}}}]},
      {"name": "total", "type": "float", "generator": {"expression": {"code": "amount * 1.21"}}},
      {"name": "country_copy", "type": "string", "generator": {"lookup": {"from": "user.country", "on": {"user_id": "user_id"}}}}
    ]}
  ],
  "constraints": {
    "unique": ["user.user_id", "order.order_id"],
    "foreign_keys": [{"from": "order.user_id", "to": "user.user_id"}],
    "ranges": [{"attr": "user.age", "min": 18, "max": 90}],
    "inequalities": [{"left": "promo.start_at", "op": "<=", "right": "promo.end_at"}],
    "pattern": [{"attr": "user.country", "regex": "^[A-Z]{2}$"}],
    "enum": [{"attr": "order.status", "enum_ref": "status.code"}]
  },
  "targets": {
    "weekend_share": {"table": "order", "timestamp": "ordered_at", "min": 0.1, "max": 0.4},
    "mean_in_range": {"table": "order", "column": "amount", "min": 10, "max": 40},
    "composite_effect": {"table": "order", "metric": "volume",
      "influences": [{"kind": "seasonality", "dimension": "dow", "weights": [1, 1, 1, 1, 1.2, 0.6, 0.4]},
                     {"kind": "effect", "table": "promo", "field": "mult", "default": 1},
                     {"kind": "outliers", "rate": 0.01, "mode": "spike"}],
      "tolerance": {"mae": 0.1, "mape": 0.2}}
  },
  "dag": [["user", "status", "promo"], ["order"]]
}`

// doc is a generic JSON document edited by the tests.
type doc = map[string]any

func baseDoc(t testing.TB) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal([]byte(baseSchema), &d); err != nil {
		t.Fatalf("base schema: %v", err)
	}
	return d
}

// walk follows a dotted path ("nodes.3.columns.0.generator") to the parent
// of its last element and returns that parent and the last element.
func walk(t testing.TB, d doc, path string) (any, string) {
	t.Helper()
	parts := strings.Split(path, ".")
	var cur any = d
	for _, p := range parts[:len(parts)-1] {
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[p]
			if !ok {
				t.Fatalf("path %q: no key %q", path, p)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(c) {
				t.Fatalf("path %q: bad index %q", path, p)
			}
			cur = c[i]
		default:
			t.Fatalf("path %q: cannot descend into %T", path, cur)
		}
	}
	return cur, parts[len(parts)-1]
}

// set replaces (or adds) the value at path; value is JSON text.
func set(t testing.TB, d doc, path, value string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(value), &v); err != nil {
		t.Fatalf("set %s: bad JSON %q: %v", path, value, err)
	}
	parent, last := walk(t, d, path)
	switch p := parent.(type) {
	case map[string]any:
		p[last] = v
	case []any:
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i >= len(p) {
			t.Fatalf("set %s: bad index", path)
		}
		p[i] = v
	default:
		t.Fatalf("set %s: parent is %T", path, parent)
	}
}

// del removes the key at path.
func del(t testing.TB, d doc, path string) {
	t.Helper()
	parent, last := walk(t, d, path)
	p, ok := parent.(map[string]any)
	if !ok {
		t.Fatalf("del %s: parent is %T", path, parent)
	}
	if _, ok := p[last]; !ok {
		t.Fatalf("del %s: no such key", path)
	}
	delete(p, last)
}

func encode(t testing.TB, d doc) []byte {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
