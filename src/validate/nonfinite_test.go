package validate

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// Tables written by other tools (or older versions) may hold NaN and
// infinities: the report is still written, as valid JSON.
func TestReportWithNonFiniteValues(t *testing.T) {
	s := parseSchema(t, testSchema)
	for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		d := generate(t, s, 7)
		amt := d["orders"].col("amount")
		// Every value non-finite, and one in the middle: both the moments and
		// the quantiles see them.
		for i := range amt.Floats {
			if i%2 == 0 {
				amt.Floats[i] = bad
			}
		}
		d["customer"].col("max_amount").Floats[3] = bad
		rep := feed(t, s, d)
		var buf bytes.Buffer
		if err := rep.WriteJSON(&buf); err != nil {
			t.Fatalf("%v: %v", bad, err)
		}
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatalf("%v: %v", bad, err)
		}
		var html bytes.Buffer
		if err := rep.WriteHTML(&html); err != nil {
			t.Fatalf("%v: html: %v", bad, err)
		}
	}
}
