package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/plan"
)

const nonFiniteSchema = `{"version": "1.0", "metadata": {"name": "nf"},
 "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T00:00:00Z", "freq": "D"},
 "nodes": [{"id": "t", "kind": "entity", "pk": "id", "rows": 50, "columns": [
  {"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
  %s]}]}`

// A float that overflows to an infinity (or becomes NaN) is never written as
// an empty field of a column declared not nullable: the run stops naming
// the table, the column and the step that produced it; in a nullable column
// the value becomes null.
func TestNonFiniteFloats(t *testing.T) {
	cases := []struct {
		name, col string
		want      string // error text; "" = the run succeeds
		nulls     int    // nulls expected in column x when it succeeds
	}{
		{"multiply overflow", `{"name": "x", "type": "float", "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 1.5}}},
		  "modifiers": [{"transform": "multiply", "args": {"factor": 1e308}}, {"transform": "multiply", "args": {"factor": 1e308}}]}`,
			`table "t", column "x": modifiers[1] (multiply) made row 0 +Inf`, 0},
		{"lognormal overflow", `{"name": "x", "type": "float", "generator": {"distribution": {"type": "lognormal", "params": {"mean": 700, "sigma": 20}}}}`,
			`table "t", column "x": the generator made row `, 0},
		{"int column", `{"name": "x", "type": "int", "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 1.5}}},
		  "modifiers": [{"transform": "multiply", "args": {"factor": 1e308}}, {"transform": "multiply", "args": {"factor": -1e308}}]}`,
			`table "t", column "x": modifiers[1] (multiply) made row 0 -Inf`, 0},
		{"nullable becomes null", `{"name": "x", "type": "float", "nullable": true, "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 1.5}}},
		  "modifiers": [{"transform": "multiply", "args": {"factor": 1e308}}, {"transform": "multiply", "args": {"factor": 1e308}}]}`,
			"", 50},
		{"add beyond 9999", `{"name": "x", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}},
		  "modifiers": [{"transform": "add", "args": {"value": 3e11, "unit": "seconds"}}]}`,
			`table "t", column "x": modifiers[0] (add) made row 0 an instant outside years 1-9999 (11531-02-09T05:20:00Z)`, 0},
		{"add before year 1", `{"name": "x", "type": "date", "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}},
		  "modifiers": [{"transform": "add", "args": {"value": -800000, "unit": "days"}}]}`,
			`table "t", column "x": modifiers[0] (add) made row 0 an instant outside years 1-9999 (-0166-02-28T00:00:00Z)`, 0},
		{"add nullable", `{"name": "x", "type": "datetime", "nullable": true, "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}},
		  "modifiers": [{"transform": "add", "args": {"value": 3e11, "unit": "seconds"}}]}`, "", 50},
		{"expression wraps", `{"name": "a", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}}},
		  {"name": "x", "type": "datetime", "generator": {"expression": {"code": "a + days(9223372036854775807)"}}}`,
			`table "t", column "x": row 0 is null`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := parsePlan(t, []byte(strings.Replace(nonFiniteSchema, "%s", c.col, 1)), false)
			var got *column.Vector
			_, err := engine.Run(context.Background(), p, engine.Options{Seed: 1, Workers: 1,
				Open: func(tb *plan.Table, fields []column.Field) (engine.Writer, error) {
					return &grab{fn: func(b *column.Block) {
						got = &column.Vector{}
						*got = *b.Cols[1]
						got.Null = append([]bool(nil), b.Cols[1].Null...)
					}}, nil
				}})
			if c.want != "" {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %v, want %q", err, c.want)
				}
				if !input.IsUser(err) {
					t.Errorf("%v is not a user error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for i := 0; i < got.Len(); i++ {
				if got.IsNull(i) {
					n++
				}
			}
			if n != c.nulls {
				t.Errorf("%d nulls, want %d", n, c.nulls)
			}
		})
	}
}

type grab struct{ fn func(*column.Block) }

func (g *grab) WriteBlock(b *column.Block) error { g.fn(b); return nil }
func (g *grab) Commit() error                    { return nil }
func (g *grab) Abort()                           {}

// failing is a writer whose errors name the table already, as the
// component's Keboola table writers do.
type failing struct {
	id            string
	block, commit bool
}

func (f *failing) WriteBlock(*column.Block) error {
	if f.block {
		return fmt.Errorf("table %q: writing slice 3: no space left on device", f.id)
	}
	return nil
}

func (f *failing) Commit() error {
	if f.commit {
		return fmt.Errorf("table %q: closing: no space left on device", f.id)
	}
	return nil
}
func (f *failing) Abort() {}

// An error is prefixed with its table once.
func TestTableErrorPrefixOnce(t *testing.T) {
	p := parsePlan(t, []byte(strings.Replace(nonFiniteSchema, ",\n  %s", "", 1)), false)
	for _, f := range []*failing{{id: "t", block: true}, {id: "t", commit: true}} {
		_, err := engine.Run(context.Background(), p, engine.Options{Seed: 1, Workers: 1,
			Open: func(*plan.Table, []column.Field) (engine.Writer, error) { return f, nil }})
		if err == nil || strings.Count(err.Error(), `table "t"`) != 1 {
			t.Errorf("error %v: want one table prefix", err)
		}
	}
}
