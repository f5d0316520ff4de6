package outdir_test

import (
	"context"
	"path/filepath"
	"testing"

	"datagen/src/column"
	"datagen/src/outdir"
	"datagen/src/sink"
)

// TestParquetDecimalRoundTrip: a decimal column is written as Parquet
// DECIMAL(precision, scale) and read back as the same floats, nulls kept.
func TestParquetDecimalRoundTrip(t *testing.T) {
	dir := t.TempDir()
	fields := []column.Field{{Name: "amount", Type: column.Float, Nullable: true, Precision: 12, Scale: 2}}
	vals := []float64{0, 0.01, 12.5, -3.07, 9999999999.99, 171.17, 0.1 + 0.2}
	b := &column.Block{Rows: len(vals) + 1, Cols: []*column.Vector{{}}}
	b.Cols[0].Reset(column.Float, len(vals)+1)
	for i, x := range vals {
		b.Cols[0].Floats[i] = column.RoundHalfEven(x, 2)
	}
	b.Cols[0].SetNull(len(vals))
	w, err := sink.Open(dir, "t", sink.Parquet, fields, sink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteBlock(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	f, err := outdir.OpenParquet(filepath.Join(dir, "t.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ok, note := f.Check(0, column.Float); !ok {
		t.Fatalf("a decimal column does not read as float: %s", note)
	}
	var got []float64
	nulls := 0
	err = f.Read(context.Background(), fields, []int{0}, func(blk *column.Block) error {
		for i := 0; i < blk.Rows; i++ {
			if blk.Cols[0].IsNull(i) {
				nulls++
				continue
			}
			got = append(got, blk.Cols[0].Floats[i])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if nulls != 1 || len(got) != len(vals) {
		t.Fatalf("%d values and %d nulls, want %d and 1", len(got), nulls, len(vals))
	}
	for i, x := range vals {
		if want := column.RoundHalfEven(x, 2); got[i] != want {
			t.Errorf("value %d: read %v, wrote %v", i, got[i], want)
		}
	}
}
