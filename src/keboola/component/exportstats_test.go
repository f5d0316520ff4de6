package component

import (
	"math"
	"strings"
	"testing"

	"datagen/src/column"
)

// dataset.json is written even when a Parquet file holds infinities (from
// another tool or an older version): non-finite statistics are left out.
func TestDatasetStatsWithInfinities(t *testing.T) {
	for _, bad := range []float64{math.Inf(1), math.Inf(-1)} {
		s := ColumnStats{Name: "x", Type: "float", typ: column.Float}
		s.add(&column.Vector{Type: column.Float, Floats: []float64{1, bad, 2}})
		s.finish()
		b, err := marshalJSON(&Dataset{Tables: []DatasetTable{{ID: "t", Columns: []ColumnStats{s}}}})
		if err != nil {
			t.Fatalf("%v: %v", bad, err)
		}
		if strings.Contains(string(b), `"mean"`) {
			t.Errorf("%v: a mean in %s", bad, b)
		}
	}
}
