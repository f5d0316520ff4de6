package validate

import (
	"context"
	"slices"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/plan"
)

// testSchema is a small shop with every kind of check.
const testSchema = `{
  "version": "1.0",
  "metadata": {"name": "validate-test"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-03-31T23:59:59Z", "freq": "h"},
  "nodes": [
    {"id": "status", "kind": "vocab", "pk": "value",
     "columns": [{"name": "value", "type": "string", "generator": {"enum_list": {"values": ["new", "paid", "sent"]}}}]},
    {"id": "customer", "kind": "entity", "rows": 400, "pk": "customer_id",
     "columns": [
       {"name": "customer_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
       {"name": "segment", "type": "string", "generator": {"choice": {"choices": ["retail", "pro"], "weights": [0.7, 0.3]}}},
       {"name": "age", "type": "int", "generator": {"distribution": {"type": "normal", "params": {"mean": 40, "std": 10}, "clamp": [18, 80]}}},
       {"name": "code", "type": "string", "generator": {"choice": {"choices": ["AB-1", "CD-2", "EF-3"]}},
        "constraints": {"pattern": "[A-Z]{2}-[0-9]"}},
       {"name": "max_amount", "type": "float", "generator": {"distribution": {"type": "uniform", "params": {"low": 5000, "high": 9000}, "clamp": [5000, 9000]}}},
       {"name": "phone", "type": "string", "nullable": true, "null_rate": 0.2, "generator": {"choice": {"choices": ["123", "456"]}}}
     ]},
    {"id": "orders", "kind": "fact", "parents": ["customer"], "pk": "order_id",
     "fanout": {"distribution": "uniform", "min": 20, "max": 40},
     "columns": [
       {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1000, "step": 1}}},
       {"name": "buyer", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}},
       {"name": "status", "type": "string", "generator": {"choice": {"choices": ["new", "paid", "sent"]}}},
       {"name": "ordered_at", "type": "datetime",
        "generator": {"datetime_series": {"within": "timeframe", "freq": "h", "pattern": {"dimension": "dow", "weights": [1, 1, 1, 1, 1, 3, 3]}}}},
       {"name": "amount", "type": "float", "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 1000}, "clamp": [1, 1000]}}}
     ]}
  ],
  "constraints": {
    "unique": ["customer.customer_id", "orders.order_id"],
    "foreign_keys": [{"from": "orders.buyer", "to": "customer.customer_id"}, {"from": "orders.status", "to": "status.value"}],
    "ranges": [{"attr": "customer.age", "min": 18, "max": 80}],
    "inequalities": [{"left": "orders.amount", "op": ">", "right": "0"}, {"left": "orders.amount", "op": "<", "right": "customer.max_amount"}],
    "pattern": [{"attr": "customer.segment", "regex": "retail|pro"}],
    "enum": [{"attr": "customer.segment", "values": ["retail", "pro"]}, {"attr": "orders.status", "enum_ref": "status.value"}]
  },
  "targets": {
    "weekend_share": {"table": "orders", "timestamp": "ordered_at", "min": 0.5, "max": 0.6},
    "mean_in_range": {"table": "customer", "column": "age", "min": 37, "max": 43}
  }
}`

// memTab is a generated table held in memory.
type memTab struct {
	fields []column.Field
	cols   []*column.Vector
}

func (m *memTab) rows() int { return m.cols[0].Len() }

func (m *memTab) col(name string) *column.Vector {
	for i, f := range m.fields {
		if f.Name == name {
			return m.cols[i]
		}
	}
	return nil
}

// clone deep-copies the table.
func (m *memTab) clone() *memTab {
	c := &memTab{fields: slices.Clone(m.fields)}
	for _, v := range m.cols {
		nv := &column.Vector{Type: v.Type, Ints: slices.Clone(v.Ints), Floats: slices.Clone(v.Floats),
			Strs: slices.Clone(v.Strs), Bools: slices.Clone(v.Bools), Null: slices.Clone(v.Null)}
		c.cols = append(c.cols, nv)
	}
	return c
}

type memWriter struct{ m *memTab }

func (w *memWriter) WriteBlock(b *column.Block) error {
	for i, v := range b.Cols {
		appendVector(w.m.cols[i], v)
	}
	return nil
}
func (w *memWriter) Commit() error { return nil }
func (w *memWriter) Abort()        {}

func parseSchema(t testing.TB, src string) *dsl.Schema {
	t.Helper()
	s, _, err := dsl.Parse([]byte(src), dsl.Options{})
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	return s
}

// generate runs the engine on s and keeps every table in memory.
func generate(t testing.TB, s *dsl.Schema, seed int64) map[string]*memTab {
	t.Helper()
	p, err := plan.New(s)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*memTab{}
	_, err = engine.Run(context.Background(), p, engine.Options{Seed: seed, Workers: 2, BlockRows: 1000,
		Open: func(pt *plan.Table, fields []column.Field) (engine.Writer, error) {
			m := &memTab{fields: fields}
			for _, f := range fields {
				m.cols = append(m.cols, &column.Vector{Type: f.Type})
			}
			out[pt.ID()] = m
			return &memWriter{m}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// feed validates in-memory tables (in plan order, blocks of 777 rows);
// tables absent from data are not fed.
func feed(t testing.TB, s *dsl.Schema, data map[string]*memTab) *Report {
	t.Helper()
	v, err := New(planOf(t, s), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range v.Plan().Order {
		m := data[pt.ID()]
		if m == nil {
			continue
		}
		w, err := v.Table(pt.ID(), m.fields)
		if err != nil {
			t.Fatal(err)
		}
		n := m.rows()
		for lo := 0; lo < n; lo += 777 {
			b := feedBlock(m, lo, min(lo+777, n))
			if err := w.WriteBlock(b); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := v.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// feedBlock returns rows [lo, hi) of m as a block.
func feedBlock(m *memTab, lo, hi int) *column.Block {
	b := &column.Block{Start: int64(lo), Rows: hi - lo}
	for _, c := range m.cols {
		b.Cols = append(b.Cols, slice(c, lo, hi))
	}
	return b
}

func slice(v *column.Vector, i, j int) *column.Vector {
	d := v.Window(i, j)
	return &d
}

func result(t testing.TB, rep *Report, name string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Name == name {
			return r
		}
	}
	var names []string
	for _, r := range rep.Results {
		names = append(names, r.Name)
	}
	t.Fatalf("no result %q; have %v", name, names)
	return Result{}
}

func failedNames(rep *Report) []string {
	var out []string
	for _, r := range rep.Failures {
		out = append(out, r.Name)
	}
	return out
}

func fanoutSpec(lambda float64, lo, hi int64) *dsl.Fanout {
	return &dsl.Fanout{Distribution: "poisson", Lambda: &lambda, Min: &lo, Max: &hi}
}

func parseSchemaLenient(t testing.TB, src string) *dsl.Schema {
	t.Helper()
	s, _, err := dsl.Parse([]byte(src), dsl.Options{Lenient: true})
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	return s
}

// planOf plans a schema that is known to be valid.
func planOf(t testing.TB, s *dsl.Schema) *plan.Plan {
	t.Helper()
	p, err := plan.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
