package preview

import (
	"bufio"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/plan"
	"datagen/src/sink"
)

func loadPlan(t *testing.T, path string) *plan.Plan {
	t.Helper()
	s, _, err := dsl.Load(path, dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// csvHead generates p as CSV and returns the first n records (after the
// header) of every table.
func csvHead(t *testing.T, p *plan.Plan, n int) map[string][][]string {
	t.Helper()
	dir := t.TempDir()
	_, err := engine.Run(context.Background(), p, engine.Options{Seed: 42, Workers: 2,
		Open: func(tb *plan.Table, fields []column.Field) (engine.Writer, error) {
			return sink.Open(dir, tb.ID(), sink.CSV, fields, sink.Options{})
		}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	for _, tb := range p.Order {
		f, err := os.Open(filepath.Join(dir, tb.ID()+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bufio.NewReader(f))
		if _, err := r.Read(); err != nil {
			t.Fatal(err)
		}
		for range n {
			rec, err := r.Read()
			if err != nil {
				break
			}
			out[tb.ID()] = append(out[tb.ID()], rec)
		}
		f.Close()
	}
	return out
}

func TestSampleEqualsFirstRowsOfARun(t *testing.T) {
	for _, path := range []string{"../../example/shop.json", "../../docs/examples/shop_effects.json"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := loadPlan(t, path)
			res, err := Sample(context.Background(), p, Options{Rows: 7, Seed: 42, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if res.Sampled {
				t.Fatal("a small example was sampled")
			}
			want := csvHead(t, p, 7)
			if len(res.Tables) != len(p.Order) {
				t.Fatalf("%d tables, want %d", len(res.Tables), len(p.Order))
			}
			for _, tb := range res.Tables {
				if len(tb.Rows) != len(want[tb.ID]) {
					t.Fatalf("%s: %d rows, want %d", tb.ID, len(tb.Rows), len(want[tb.ID]))
				}
				for i, row := range tb.Rows {
					for j, c := range row {
						if got := c.Text; got != want[tb.ID][i][j] || (c.Null && want[tb.ID][i][j] != "") {
							t.Errorf("%s row %d column %s: %q (null %v), the CSV has %q", tb.ID, i, tb.Columns[j], got, c.Null, want[tb.ID][i][j])
						}
					}
				}
			}
		})
	}
}

func TestSampleSelectsTablesAndCountsRows(t *testing.T) {
	p := loadPlan(t, "../../example/shop.json")
	res, err := Sample(context.Background(), p, Options{Rows: 3, Tables: []string{"orders", "customer"}, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tb := range res.Tables {
		ids = append(ids, tb.ID)
		if len(tb.Rows) != 3 {
			t.Errorf("%s: %d rows, want 3", tb.ID, len(tb.Rows))
		}
	}
	// Generation order, not the order asked for.
	if strings.Join(ids, ",") != "customer,orders" {
		t.Errorf("tables %v, want customer, orders", ids)
	}
	if res.Tables[0].Total != 2000 {
		t.Errorf("customer total %d, want 2000", res.Tables[0].Total)
	}

	_, err = Sample(context.Background(), p, Options{Tables: []string{"order"}})
	if err == nil || !input.IsUser(err) || !strings.Contains(err.Error(), `no table "order"`) || !strings.Contains(err.Error(), "orders") {
		t.Errorf("unknown table: %v", err)
	}
}

func TestSampleFallsBackToASampleRun(t *testing.T) {
	p := loadPlan(t, "../../example/shop.json")
	res, err := Sample(context.Background(), p, Options{Rows: 5, Seed: 42, MaxRows: 1000, SampleRows: 50})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Sampled || res.SampleRows != 50 {
		t.Fatalf("sampled %v with %d rows, want a 50-row sample", res.Sampled, res.SampleRows)
	}
	for _, tb := range res.Tables {
		if tb.Total > 50 || len(tb.Rows) != min(5, int(tb.Total)) {
			t.Errorf("%s: total %d, %d rows", tb.ID, tb.Total, len(tb.Rows))
		}
	}
	// The entity's own columns do not depend on the cap.
	full, err := Sample(context.Background(), p, Options{Rows: 5, Seed: 42, Tables: []string{"customer"}})
	if err != nil {
		t.Fatal(err)
	}
	var sampled *Table
	for _, tb := range res.Tables {
		if tb.ID == "customer" {
			sampled = tb
		}
	}
	for i := range full.Tables[0].Rows {
		for j := range full.Tables[0].Rows[i] {
			if full.Tables[0].Rows[i][j] != sampled.Rows[i][j] {
				t.Errorf("customer row %d column %d: sample %v, full %v", i, j, sampled.Rows[i][j], full.Tables[0].Rows[i][j])
			}
		}
	}
}

func TestWrite(t *testing.T) {
	tb := &Table{ID: "t", Total: 12,
		Fields:  []column.Field{{Name: "id", Type: column.Int}, {Name: "name", Type: column.String}, {Name: "amount", Type: column.Float}},
		Columns: []string{"id", "name", "amount"},
		Rows: [][]Cell{
			{{Text: "1"}, {Text: "Ann"}, {Text: "1.5"}},
			{{Text: "10"}, {Text: "line\nbreak " + strings.Repeat("x", 50)}, {Null: true}},
		}}
	var b strings.Builder
	if err := Write(&b, tb); err != nil {
		t.Fatal(err)
	}
	want := "t (12 rows, first 2)\n" +
		"id  name                                      amount\n" +
		"--  ----------------------------------------  ------\n" +
		" 1  Ann                                          1.5\n" +
		"10  line⏎break xxxxxxxxxxxxxxxxxxxxxxxxxxxx…       ∅\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
