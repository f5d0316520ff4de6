package plan

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"datagen/src/dsl"
)

// TestWideTableChecksInLinearTime checks and plans a table of 40,000
// columns, each expression reading the column before it. Checking used to
// be quadratic in the columns (nearly 4 minutes for this table); it now takes
// a few seconds, so the generous bound (for busy machines) fails only when the
// quadratic cost is back.
func TestWideTableChecksInLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("40,000 columns")
	}
	var b strings.Builder
	b.WriteString(`{"version": "1.0", "metadata": {"name": "wide"},
	 "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T00:00:00Z", "freq": "D"},
	 "nodes": [{"id": "t", "kind": "entity", "pk": "c0", "rows": 3, "columns": [
	  {"name": "c0", "type": "int", "generator": {"sequence": {}}}`)
	const n = 40_000
	for i := 1; i < n; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, `, {"name": "c%d", "type": "int", "generator": {"expression": {"code": "c%d + 1"}}}`, i, i-1)
		} else {
			fmt.Fprintf(&b, `, {"name": "c%d", "type": "int", "generator": {"sequence": {}}}`, i)
		}
	}
	b.WriteString(`]}]}`)
	start := time.Now()
	s, _, err := dsl.Parse([]byte(b.String()), dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("checking and planning %d columns took %v", n, d)
	}
	if got := p.Order[0].EvalOrder; len(got) != n || got[0] != 0 || got[n-1] != n-1 {
		t.Errorf("evaluation order: %d columns, first %d, last %d", len(got), got[0], got[n-1])
	}
}
