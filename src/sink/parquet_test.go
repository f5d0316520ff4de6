package sink

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"datagen/src/column"
)

// readParquet opens a Parquet file with arrow-go's reader and reads it
// whole.
func readParquet(t *testing.T, path string) (*file.Reader, arrow.Table) {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdr.Close() })
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tbl.Release)
	return rdr, tbl
}

// checkTable asserts that tbl holds exactly the rows of blocks.
func checkTable(t *testing.T, tbl arrow.Table, fields []column.Field, blocks ...*column.Block) {
	t.Helper()
	var rows int64
	for _, b := range blocks {
		rows += int64(b.Rows)
	}
	if tbl.NumRows() != rows || tbl.NumCols() != int64(len(fields)) {
		t.Fatalf("table has %d rows × %d cols, want %d × %d", tbl.NumRows(), tbl.NumCols(), rows, len(fields))
	}
	for c, f := range fields {
		var chunks []arrow.Array
		chunks = append(chunks, tbl.Column(c).Data().Chunks()...)
		ci, off := 0, 0
		for _, b := range blocks {
			v := b.Cols[c]
			for i := range b.Rows {
				for off == chunks[ci].Len() {
					ci, off = ci+1, 0
				}
				a := chunks[ci]
				if a.IsNull(off) != v.IsNull(i) {
					t.Fatalf("column %q row %d: null = %v, want %v", f.Name, b.Start+int64(i), a.IsNull(off), v.IsNull(i))
				}
				if !v.IsNull(i) {
					var got, want any
					switch f.Type {
					case column.Int:
						got, want = a.(*array.Int64).Value(off), v.Ints[i]
					case column.Float:
						if f.Precision > 0 {
							got, want = a.(*array.Decimal128).Value(off).LowBits(), uint64(math.Round(v.Floats[i]*column.Pow10(f.Scale)))
							break
						}
						g := a.(*array.Float64).Value(off)
						got, want = math.Float64bits(g), math.Float64bits(v.Floats[i])
					case column.String:
						got, want = a.(*array.String).Value(off), v.Strs[i]
					case column.Bool:
						got, want = a.(*array.Boolean).Value(off), v.Bools[i]
					case column.Timestamp:
						got, want = int64(a.(*array.Timestamp).Value(off)), v.Ints[i]
					case column.Date:
						got, want = int64(a.(*array.Date32).Value(off))*column.MicrosPerDay, v.Ints[i]
					}
					if got != want {
						t.Fatalf("column %q row %d: got %v, want %v", f.Name, b.Start+int64(i), got, want)
					}
				}
				off++
			}
		}
	}
}

func TestParquetRoundTrip(t *testing.T) {
	fields := []column.Field{
		{Name: "id", Type: column.Int},
		{Name: "amount", Type: column.Float, Nullable: true},
		{Name: "name", Type: column.String, Nullable: true, Description: "who, \"quoted\""},
		{Name: "active", Type: column.Bool, Nullable: true},
		{Name: "created_at", Type: column.Timestamp},
		{Name: "day", Type: column.Date, Nullable: true},
		{Name: "label", Type: column.String},
	}
	b := &column.Block{Rows: 6, Cols: []*column.Vector{
		{Type: column.Int, Ints: []int64{1, -42, math.MaxInt64, math.MinInt64, 0, 5}},
		{Type: column.Float, Floats: []float64{1.5, 0, math.Copysign(0, -1), math.NaN(), math.Inf(-1), 1e-300}},
		{Type: column.String, Strs: []string{"plain", "", "", "žluťoučký kůň 🐴", "a,b\n\"c\"", " "}},
		{Type: column.Bool, Bools: []bool{true, false, true, false, false, true}},
		{Type: column.Timestamp, Ints: []int64{
			us(t, "2024-01-01T13:45:00Z"), 0, -1, us(t, "1900-03-01T00:00:01.5Z"), us(t, "9999-12-31T23:59:59.999999Z"), 1,
		}},
		{Type: column.Date, Ints: []int64{
			us(t, "2024-01-01T00:00:00Z"), 0, -column.MicrosPerDay, us(t, "1900-03-01T00:00:00Z"), us(t, "9999-12-31T00:00:00Z"), 0,
		}},
		{Type: column.String, Strs: []string{"", "x", "y", "", "z", ""}},
	}}
	b.Cols[1].SetNull(1)
	b.Cols[2].SetNull(1)
	b.Cols[3].SetNull(1)
	b.Cols[5].SetNull(1)
	b.Cols[5].SetNull(5)

	dir := t.TempDir()
	st := writeTable(t, dir, "t", Parquet, fields, Options{Metadata: map[string]string{"datagen.seed": "42"}}, b)
	if st.Path != filepath.Join(dir, "t.parquet") || st.Rows != 6 || st.Bytes != int64(len(readFile(t, st.Path))) {
		t.Errorf("stats = %+v", st)
	}
	rdr, tbl := readParquet(t, st.Path)
	checkTable(t, tbl, fields, b)

	// Arrow types and nullability.
	wantTypes := []arrow.DataType{
		arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String,
		arrow.FixedWidthTypes.Boolean, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
		arrow.FixedWidthTypes.Date32, arrow.BinaryTypes.String,
	}
	for i, f := range tbl.Schema().Fields() {
		if f.Name != fields[i].Name || !arrow.TypeEqual(f.Type, wantTypes[i]) || f.Nullable != fields[i].Nullable {
			t.Errorf("field %d = %s %v nullable=%v, want %s %v nullable=%v",
				i, f.Name, f.Type, f.Nullable, fields[i].Name, wantTypes[i], fields[i].Nullable)
		}
	}

	// Parquet physical and logical types.
	sc := rdr.MetaData().Schema
	ts, ok := sc.Column(4).LogicalType().(schema.TimestampLogicalType)
	if !ok || !ts.IsAdjustedToUTC() || ts.TimeUnit() != schema.TimeUnitMicros || sc.Column(4).PhysicalType() != parquet.Types.Int64 {
		t.Errorf("created_at: %v %v, want INT64 TIMESTAMP(MICROS, UTC)", sc.Column(4).PhysicalType(), sc.Column(4).LogicalType())
	}
	if _, ok := sc.Column(5).LogicalType().(schema.DateLogicalType); !ok || sc.Column(5).PhysicalType() != parquet.Types.Int32 {
		t.Errorf("day: %v %v, want INT32 DATE", sc.Column(5).PhysicalType(), sc.Column(5).LogicalType())
	}
	if _, ok := sc.Column(2).LogicalType().(schema.StringLogicalType); !ok {
		t.Errorf("name: logical type %v, want STRING", sc.Column(2).LogicalType())
	}
	if cc, err := rdr.MetaData().RowGroup(0).ColumnChunk(0); err != nil || cc.Compression() != compress.Codecs.Snappy {
		t.Errorf("compression %v (%v), want snappy", cc.Compression(), err)
	}

	// Footer metadata: column descriptions and the extra key.
	kv := rdr.MetaData().KeyValueMetadata()
	var cols []struct {
		Name, Type, Description string
		Nullable                bool
	}
	if err := json.Unmarshal([]byte(*kv.FindValue(MetadataColumnsKey)), &cols); err != nil {
		t.Fatal(err)
	}
	if len(cols) != len(fields) || cols[2].Description != fields[2].Description || cols[4].Type != "datetime" || !cols[1].Nullable || cols[0].Nullable {
		t.Errorf("column metadata = %+v", cols)
	}
	if v := kv.FindValue("datagen.seed"); v == nil || *v != "42" {
		t.Errorf("datagen.seed = %v, want 42", v)
	}
}

// Many blocks of awkward sizes, several row groups, and byte-identical
// output however the rows are split into blocks.
func TestParquetBlocksAndRowGroups(t *testing.T) {
	const n = 50_000
	full := mixedBlock(11, 0, n)
	var blocks []*column.Block
	for lo, step := 0, 1; lo < n; lo, step = lo+step, step*2+3 {
		blocks = append(blocks, slice(full, lo, min(lo+step, n)))
	}
	var fixed []*column.Block
	for lo := 0; lo < n; lo += 1000 {
		fixed = append(fixed, slice(full, lo, min(lo+1000, n)))
	}

	for _, comp := range []string{"", "zstd", "none"} {
		opts := Options{Compression: comp, RowGroupRows: 7000} // rounded up to 8192
		dir := t.TempDir()
		one := writeTable(t, dir, "one", Parquet, mixedFields, opts, full)
		many := writeTable(t, dir, "many", Parquet, mixedFields, opts, blocks...)
		thousand := writeTable(t, dir, "thousand", Parquet, mixedFields, opts, fixed...)
		a := readFile(t, one.Path)
		if a != readFile(t, many.Path) || a != readFile(t, thousand.Path) {
			t.Fatalf("compression %q: output depends on block sizes", comp)
		}
		rdr, tbl := readParquet(t, many.Path)
		checkTable(t, tbl, mixedFields, full)
		if got, want := rdr.NumRowGroups(), (n+8191)/8192; got != want {
			t.Errorf("compression %q: %d row groups, want %d", comp, got, want)
		}
		for g := range rdr.NumRowGroups() {
			want := int64(min(8192, n-g*8192))
			if got := rdr.MetaData().RowGroup(g).NumRows(); got != want {
				t.Errorf("row group %d: %d rows, want %d", g, got, want)
			}
		}
		wantCodec := map[string]compress.Compression{"": compress.Codecs.Snappy, "zstd": compress.Codecs.Zstd, "none": compress.Codecs.Uncompressed}[comp]
		if cc, err := rdr.MetaData().RowGroup(0).ColumnChunk(2); err != nil || cc.Compression() != wantCodec {
			t.Errorf("compression %q: codec %v (%v)", comp, cc.Compression(), err)
		}
	}
}

func TestParquetEmptyTable(t *testing.T) {
	dir := t.TempDir()
	st := writeTable(t, dir, "empty", Parquet, mixedFields, Options{})
	rdr, tbl := readParquet(t, st.Path)
	if tbl.NumRows() != 0 || tbl.NumCols() != int64(len(mixedFields)) || rdr.NumRowGroups() != 0 || st.Rows != 0 {
		t.Errorf("empty table: %d rows, %d cols, %d row groups, stats %+v", tbl.NumRows(), tbl.NumCols(), rdr.NumRowGroups(), st)
	}
}

func TestDefaultRowGroupRows(t *testing.T) {
	tests := []struct {
		fields []column.Field
		want   int
	}{
		{mixedFields, pqMaxGroupRows},
		{[]column.Field{{Name: "b", Type: column.Bool}}, pqMaxGroupRows},
		{manyStrings(40), 128 << 20 / (40 * 32) / pqBatch * pqBatch},
		{manyStrings(500), pqMinGroupRows},
	}
	for _, tt := range tests {
		if got := defaultRowGroupRows(tt.fields); got != tt.want {
			t.Errorf("%d fields: %d rows, want %d", len(tt.fields), got, tt.want)
		}
	}
}

func manyStrings(n int) []column.Field {
	fs := make([]column.Field, n)
	for i := range fs {
		fs[i] = column.Field{Name: "s" + strings.Repeat("x", i), Type: column.String}
	}
	return fs
}

// Strings from a pool and low-cardinality numbers are dictionary-encoded;
// unique ints and floats fall back to plain encoding.
func TestParquetDictionaryChoice(t *testing.T) {
	const n = 300_000
	fields := []column.Field{
		{Name: "id", Type: column.Int},
		{Name: "qty", Type: column.Int},
		{Name: "x", Type: column.Float},
		{Name: "s", Type: column.String},
		{Name: "d", Type: column.Date},
	}
	b := &column.Block{Rows: n, Cols: make([]*column.Vector, len(fields))}
	for c, f := range fields {
		b.Cols[c] = &column.Vector{}
		b.Cols[c].Reset(f.Type, n)
	}
	for i := range n {
		b.Cols[0].Ints[i] = int64(i) * 7919
		b.Cols[1].Ints[i] = int64(i % 10)
		b.Cols[2].Floats[i] = math.Sqrt(float64(i))
		b.Cols[3].Strs[i] = pool[i%len(pool)]
		b.Cols[4].Ints[i] = int64(i%500) * column.MicrosPerDay
	}
	st := writeTable(t, t.TempDir(), "t", Parquet, fields, Options{}, b)
	rdr, tbl := readParquet(t, st.Path)
	checkTable(t, tbl, fields, b)
	want := []bool{false, true, false, true, true}
	for c := range fields {
		cc, err := rdr.MetaData().RowGroup(0).ColumnChunk(c)
		if err != nil {
			t.Fatal(err)
		}
		// A chunk whose dictionary was dropped may still list the
		// dictionary encoding for its first pages; a kept dictionary
		// leaves no plain data pages.
		dict := slices.Contains(cc.Encodings(), parquet.Encodings.RLEDict)
		plainPages := false
		for _, e := range cc.EncodingStats() {
			if e.Encoding == parquet.Encodings.Plain && strings.HasPrefix(e.PageType.String(), "DATA_PAGE") {
				plainPages = true
			}
		}
		if got := dict && !plainPages; got != want[c] {
			t.Errorf("column %q: encodings %v, stats %v; want dictionary only = %v", fields[c].Name, cc.Encodings(), cc.EncodingStats(), want[c])
		}
	}
}
