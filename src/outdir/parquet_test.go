package outdir_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"datagen/src/column"
	"datagen/src/outdir"
	"datagen/src/sink"
)

var pqFields = []column.Field{
	{Name: "id", Type: column.Int},
	{Name: "x", Type: column.Float, Nullable: true},
	{Name: "s", Type: column.String, Nullable: true},
	{Name: "b", Type: column.Bool},
	{Name: "at", Type: column.Timestamp, Nullable: true},
	{Name: "day", Type: column.Date},
}

// pqBlock returns rows [start, start+n): values derived from the row
// index, nulls where it is 3 modulo 7 in the nullable columns.
func pqBlock(start, n int) *column.Block {
	b := &column.Block{Start: int64(start), Rows: n}
	for _, f := range pqFields {
		v := &column.Vector{}
		v.Reset(f.Type, n)
		b.Cols = append(b.Cols, v)
	}
	for k := 0; k < n; k++ {
		i := int64(start + k)
		b.Cols[0].Ints[k] = i
		b.Cols[1].Floats[k] = float64(i) / 4
		b.Cols[2].Strs[k] = string(rune('a' + i%26))
		b.Cols[3].Bools[k] = i%2 == 0
		b.Cols[4].Ints[k] = 1_700_000_000_000_000 + i*1_000_123
		b.Cols[5].Ints[k] = (19_000 + i) * column.MicrosPerDay
		if i%7 == 3 {
			for _, c := range []int{1, 2, 4} {
				b.Cols[c].SetNull(k)
			}
		}
	}
	return b
}

func TestParquetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	const rows = 2500
	w, err := sink.Open(dir, "t", sink.Parquet, pqFields, sink.Options{RowGroupRows: 1024, Metadata: map[string]string{"datagen.seed": "7"}})
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < rows; s += 1000 {
		if err := w.WriteBlock(pqBlock(s, min(1000, rows-s))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	p, err := outdir.OpenParquet(filepath.Join(dir, "t.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.NumRows() != rows || len(p.Columns) != len(pqFields) || p.Columns[4] != "at" {
		t.Fatalf("rows %d, columns %q", p.NumRows(), p.Columns)
	}
	if v, ok := p.Metadata("datagen.seed"); !ok || v != "7" {
		t.Errorf("footer metadata %q %v", v, ok)
	}
	// Read the columns in reverse order, with "b" declared a string: it
	// cannot be read so, and comes back as nulls.
	fields := make([]column.Field, len(pqFields))
	idx := make([]int, len(pqFields))
	for i := range pqFields {
		idx[i] = len(pqFields) - 1 - i
		fields[idx[i]] = pqFields[i]
	}
	fields[idx[3]].Type = column.String
	if ok, note := p.Check(3, column.String); ok || note == "" {
		t.Errorf("Check(bool as string) = %v, %q", ok, note)
	}
	var seen int
	err = p.Read(context.Background(), fields, idx, func(b *column.Block) error {
		want := pqBlock(int(b.Start), b.Rows)
		if b.Start != int64(seen) {
			t.Fatalf("block starts at %d after %d rows", b.Start, seen)
		}
		for i := range pqFields {
			got, exp := b.Cols[idx[i]], want.Cols[i]
			for k := 0; k < b.Rows; k++ {
				if i == 3 {
					if !got.IsNull(k) {
						t.Fatalf("bool read as string: row %d not null", seen+k)
					}
					continue
				}
				if got.IsNull(k) != exp.IsNull(k) {
					t.Fatalf("column %s row %d: null %v, want %v", pqFields[i].Name, seen+k, got.IsNull(k), exp.IsNull(k))
				}
				if exp.IsNull(k) {
					continue
				}
				var ok bool
				switch exp.Type {
				case column.Float:
					ok = got.Floats[k] == exp.Floats[k]
				case column.String:
					ok = got.Strs[k] == exp.Strs[k]
				default:
					ok = got.Ints[k] == exp.Ints[k]
				}
				if !ok {
					t.Fatalf("column %s row %d differs", pqFields[i].Name, seen+k)
				}
			}
		}
		seen += b.Rows
		return nil
	})
	if err != nil || seen != rows {
		t.Fatalf("Read = %v after %d rows", err, seen)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	identity := []int{0, 1, 2, 3, 4, 5}
	if err := p.Read(ctx, pqFields, identity, func(*column.Block) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v", err)
	}
}
