package twin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"datagen/src/twin"
)

// TestRelations: a parent's total is the sum of its lines' amounts and
// its item count their number; a line's time is its order's; an order
// ends 7 days after it starts. Infer writes each relation as a generator
// (aggregate, lookup, expression), not as independent distributions.
func TestRelations(t *testing.T) {
	dir := t.TempDir()
	var orders, lines []string
	line := 1
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for o := 1; o <= 300; o++ {
		n := 1 + (o*7)%5
		at := t0.Add(time.Duration(o*37) * time.Hour)
		total := 0.0
		for k := 0; k < n; k++ {
			amount := float64((o*13+k*29)%97) + 0.25
			total += amount
			lines = append(lines, fmt.Sprintf("%d,%d,%.2f,%s", line, o, amount, at.Format(time.RFC3339)))
			line++
		}
		orders = append(orders, fmt.Sprintf("%d,%s,%s,%.2f,%d", o, at.Format(time.RFC3339), at.Add(7*24*time.Hour).Format(time.RFC3339), total, n))
	}
	writeCSV(t, filepath.Join(dir, "orders.csv"), "order_id,starts_at,ends_at,total,items", orders)
	writeCSV(t, filepath.Join(dir, "order_line.csv"), "line_id,order_id,amount,ordered_at", lines)
	res, err := twin.Infer(context.Background(), []string{dir}, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Nodes []struct {
			ID      string
			Columns []struct {
				Name      string
				Generator map[string]map[string]any
			}
		}
	}
	if err := json.Unmarshal(res.Schema, &doc); err != nil {
		t.Fatal(err)
	}
	gens := map[string]map[string]map[string]any{}
	for _, n := range doc.Nodes {
		for _, c := range n.Columns {
			gens[n.ID+"."+c.Name] = c.Generator
		}
	}
	for _, c := range []struct {
		col, kind, key string
		want           any
	}{
		{"orders.total", "aggregate", "from", "order_line.amount"},
		{"orders.total", "aggregate", "fn", "sum"},
		{"orders.items", "aggregate", "fn", "count"},
		{"order_line.ordered_at", "lookup", "from", "orders.starts_at"},
		{"orders.ends_at", "expression", "code", "starts_at + days(7)"},
	} {
		g := gens[c.col][c.kind]
		if g == nil || g[c.key] != c.want {
			t.Errorf("%s: generator %v, want %s with %s %v", c.col, gens[c.col], c.kind, c.key, c.want)
		}
	}
	dir2 := t.TempDir()
	schema := filepath.Join(dir2, "schema.json")
	run(t, "infer", dir, "-o", schema)
	run(t, "generate", schema, "-o", filepath.Join(dir2, "twin"), "--format", "csv", "--seed", "7", "--quiet")
}
