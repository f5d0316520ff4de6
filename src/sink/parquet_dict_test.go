package sink

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"

	"datagen/src/column"
	"datagen/src/outdir"
)

// checkOurReader reads path with outdir's Parquet reader and asserts that
// it holds exactly the rows of blocks.
func checkOurReader(t *testing.T, path string, fields []column.Field, blocks ...*column.Block) {
	t.Helper()
	p, err := outdir.OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	want := &column.Block{Cols: make([]*column.Vector, len(fields))}
	for c, f := range fields {
		want.Cols[c] = &column.Vector{}
		want.Cols[c].Reset(f.Type, 0)
		for _, b := range blocks {
			want.Cols[c].AppendRange(b.Cols[c], 0, b.Rows)
		}
	}
	for _, b := range blocks {
		want.Rows += b.Rows
	}
	if p.NumRows() != int64(want.Rows) {
		t.Fatalf("%d rows, want %d", p.NumRows(), want.Rows)
	}
	idx := make([]int, len(fields))
	for i := range idx {
		idx[i] = i
	}
	seen := 0
	err = p.Read(context.Background(), fields, idx, func(b *column.Block) error {
		for c, f := range fields {
			got, exp := b.Cols[c], want.Cols[c]
			for i := range b.Rows {
				r := int(b.Start) + i
				if got.IsNull(i) != exp.IsNull(r) {
					return fmt.Errorf("column %q row %d: null %v, want %v", f.Name, r, got.IsNull(i), exp.IsNull(r))
				}
				if exp.IsNull(r) {
					continue
				}
				var ok bool
				switch f.Type {
				case column.Float:
					ok = math.Float64bits(got.Floats[i]) == math.Float64bits(exp.Floats[r]) ||
						math.IsNaN(got.Floats[i]) && math.IsNaN(exp.Floats[r])
				case column.String:
					ok = got.Strs[i] == exp.Strs[r]
				case column.Bool:
					ok = got.Bools[i] == exp.Bools[r]
				default:
					ok = got.Ints[i] == exp.Ints[r]
				}
				if !ok {
					return fmt.Errorf("column %q row %d differs", f.Name, r)
				}
			}
		}
		seen += b.Rows
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != want.Rows {
		t.Fatalf("read %d rows, want %d", seen, want.Rows)
	}
}

// chunkEncoding reports whether column c of row group g has a dictionary
// and whether it has PLAIN data pages.
func chunkEncoding(t *testing.T, rdr *file.Reader, g, c int) (dict, plain bool) {
	t.Helper()
	cc, err := rdr.MetaData().RowGroup(g).ColumnChunk(c)
	if err != nil {
		t.Fatal(err)
	}
	dict = slices.Contains(cc.Encodings(), parquet.Encodings.RLEDict)
	for _, e := range cc.EncodingStats() {
		if e.Encoding == parquet.Encodings.Plain && strings.HasPrefix(e.PageType.String(), "DATA_PAGE") {
			plain = true
		}
	}
	return dict, plain
}

// splits returns the rows of full as one block, as blocks of awkward
// growing sizes and as 1000-row blocks.
func splits(full *column.Block) [][]*column.Block {
	n := full.Rows
	var odd, fixed []*column.Block
	for lo, step := 0, 1; lo < n; lo, step = lo+step, step*2+3 {
		odd = append(odd, slice(full, lo, min(lo+step, n)))
	}
	for lo := 0; lo < n; lo += 1000 {
		fixed = append(fixed, slice(full, lo, min(lo+1000, n)))
	}
	return [][]*column.Block{{full}, odd, fixed}
}

// allTypes is a schema with every type, nullable and not, with and
// without cardinality hints.
var allTypes = []column.Field{
	{Name: "id", Type: column.Int, Unique: true},
	{Name: "qty", Type: column.Int, Nullable: true, Distinct: 10},
	{Name: "fk", Type: column.Int, Runs: true},
	{Name: "price", Type: column.Float, Nullable: true},
	{Name: "rate", Type: column.Float, Distinct: 3},
	{Name: "amount", Type: column.Float, Nullable: true, Precision: 12, Scale: 2},
	{Name: "status", Type: column.String, Distinct: 8},
	{Name: "name", Type: column.String, Nullable: true},
	{Name: "code", Type: column.String, Nullable: true, Unique: true},
	{Name: "flag", Type: column.Bool, Nullable: true},
	{Name: "at", Type: column.Timestamp, Nullable: true},
	{Name: "day", Type: column.Date, Nullable: true},
}

// allTypesBlock returns n rows of allTypes starting at row start, with
// nulls in every nullable column (in whole runs, too).
func allTypesBlock(start int64, n int) *column.Block {
	b := &column.Block{Start: start, Rows: n, Cols: make([]*column.Vector, len(allTypes))}
	for c, f := range allTypes {
		b.Cols[c] = &column.Vector{}
		b.Cols[c].Reset(f.Type, n)
	}
	names := []string{"Ann", "Bob", "Cecílie", "Dan", "", "Eve, \"x\""}
	for i := range n {
		r := start + int64(i)
		b.Cols[0].Ints[i] = 1000 + r
		b.Cols[1].Ints[i] = r % 10
		b.Cols[2].Ints[i] = r / 7
		b.Cols[3].Floats[i] = math.Sqrt(float64(r)) * 1.5
		b.Cols[4].Floats[i] = []float64{0.5, 1, 2.25}[r%3]
		b.Cols[5].Floats[i] = float64(r%100000) / 100
		b.Cols[6].Strs[i] = pool[r%int64(len(pool))]
		b.Cols[7].Strs[i] = names[(r*r)%int64(len(names))]
		b.Cols[8].Strs[i] = fmt.Sprintf("C-%08d", r)
		b.Cols[9].Bools[i] = r%3 == 0
		b.Cols[10].Ints[i] = 1_700_000_000_000_000 + r*1_000_003
		b.Cols[11].Ints[i] = (19000 + r%400) * column.MicrosPerDay
		for _, c := range []int{1, 3, 5, 7, 8, 9, 10, 11} {
			if r%(int64(c)+5) == 0 || r%5000 < 100 {
				b.Cols[c].SetNull(i)
			}
		}
	}
	return b
}

// Every type, with nulls, reads back the same through outdir's reader and
// arrow-go's, whatever the block sizes, in byte-identical files; the
// encodings follow the cardinality hints.
func TestParquetAllTypesRoundTrip(t *testing.T) {
	const n = 40_000
	full := allTypesBlock(0, n)
	for _, opts := range []Options{{}, {RowGroupRows: 9000, Compression: CompressionNone}} {
		path := writeEverySplit(t, allTypes, opts, full)
		_, tbl := readParquet(t, path)
		checkTable(t, tbl, allTypes, full)
	}

	st := writeTable(t, t.TempDir(), "t", Parquet, allTypes, Options{}, full)
	rdr, _ := readParquet(t, st.Path)
	want := map[string]bool{"id": false, "qty": true, "fk": false, "rate": true, "status": true, "name": true, "code": false, "day": true}
	for c, f := range allTypes {
		w, ok := want[f.Name]
		if !ok {
			continue
		}
		dict, plain := chunkEncoding(t, rdr, 0, c)
		if got := dict && !plain; got != w {
			t.Errorf("column %q: dictionary %v, plain pages %v; want dictionary only = %v", f.Name, dict, plain, w)
		}
	}
}

// The statistics of a dictionary-encoded string column are those of its
// values: minimum, maximum, null count, value count, per row group.
func TestParquetStringDictionaryStatistics(t *testing.T) {
	const n = 30_000
	full := allTypesBlock(0, n)
	const groupRows = 3 * pqBatch
	st := writeTable(t, t.TempDir(), "t", Parquet, allTypes, Options{RowGroupRows: groupRows}, full)
	rdr, _ := readParquet(t, st.Path)
	if rdr.NumRowGroups() != (n+groupRows-1)/groupRows {
		t.Fatalf("%d row groups", rdr.NumRowGroups())
	}
	for g := range rdr.NumRowGroups() {
		lo := g * groupRows
		hi := min(lo+groupRows, n)
		for _, c := range []int{6, 7} {
			v := full.Cols[c]
			var minS, maxS string
			nulls, values := 0, 0
			for i := lo; i < hi; i++ {
				if v.IsNull(i) {
					nulls++
					continue
				}
				s := v.Strs[i]
				if values == 0 || s < minS {
					minS = s
				}
				if values == 0 || s > maxS {
					maxS = s
				}
				values++
			}
			cc, err := rdr.MetaData().RowGroup(g).ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			if dict, plain := chunkEncoding(t, rdr, g, c); !dict || plain {
				t.Fatalf("row group %d column %q: not dictionary-encoded", g, allTypes[c].Name)
			}
			s, err := cc.Statistics()
			if err != nil || s == nil {
				t.Fatalf("row group %d column %q: no statistics (%v)", g, allTypes[c].Name, err)
			}
			bs := s.(*metadata.ByteArrayStatistics)
			if !bs.HasMinMax() || string(bs.Min()) != minS || string(bs.Max()) != maxS ||
				bs.NullCount() != int64(nulls) || bs.NumValues() != int64(values) {
				t.Errorf("row group %d column %q: min %q max %q nulls %d values %d; want %q %q %d %d", g, allTypes[c].Name,
					bs.Min(), bs.Max(), bs.NullCount(), bs.NumValues(), minS, maxS, nulls, values)
			}
		}
	}
}

// A string column whose dictionary outgrows pqDictBytes within a row group
// is written PLAIN, the rows before included, and reads back the same.
func TestParquetStringDictionarySpill(t *testing.T) {
	fields := []column.Field{{Name: "s", Type: column.String, Nullable: true}, {Name: "k", Type: column.String}}
	const n = 70_000 // about 30 bytes a value: the dictionary overflows near row 35,000
	full := &column.Block{Rows: n, Cols: []*column.Vector{{}, {}}}
	full.Cols[0].Reset(column.String, n)
	full.Cols[1].Reset(column.String, n)
	for i := range n {
		full.Cols[0].Strs[i] = fmt.Sprintf("unique value number %010d", i)
		full.Cols[1].Strs[i] = pool[i%3]
		if i%11 == 0 {
			full.Cols[0].SetNull(i)
		}
	}
	rdr, tbl := readParquet(t, writeEverySplit(t, fields, Options{}, full))
	checkTable(t, tbl, fields, full)
	if rdr.NumRowGroups() != 1 {
		t.Fatalf("%d row groups, want 1", rdr.NumRowGroups())
	}
	if dict, plain := chunkEncoding(t, rdr, 0, 0); dict || !plain {
		t.Errorf("spilled column: dictionary %v, plain pages %v; want PLAIN only", dict, plain)
	}
	if dict, plain := chunkEncoding(t, rdr, 0, 1); !dict || plain {
		t.Errorf("pooled column: dictionary %v, plain pages %v; want dictionary only", dict, plain)
	}
}

// With the default size, a row group ends at the first check point at
// which its encoded size reaches the bound; where depends only on the
// rows.
func TestParquetRowGroupBytes(t *testing.T) {
	const n = 100_000
	full := allTypesBlock(0, n)
	var first []byte
	for i, blocks := range splits(full) {
		cfg, err := newParquetConfig(allTypes, Options{})
		if err != nil {
			t.Fatal(err)
		}
		cfg.groupBytes = 256 << 10
		var buf bytes.Buffer
		w := writeToBuffer(t, &buf, cfg, blocks)
		if i == 0 {
			first = buf.Bytes()
			rdr, err := file.NewParquetReader(bytes.NewReader(first))
			if err != nil {
				t.Fatal(err)
			}
			if g := rdr.NumRowGroups(); g < 3 {
				t.Fatalf("%d row groups, want several of about 256 KiB", g)
			}
			var rows int64
			for g := range rdr.NumRowGroups() {
				r := rdr.MetaData().RowGroup(g).NumRows()
				if g < rdr.NumRowGroups()-1 && r%pqCheckRows != 0 {
					t.Errorf("row group %d: %d rows, not a multiple of %d", g, r, pqCheckRows)
				}
				rows += r
			}
			if rows != n || w.rows != n {
				t.Errorf("%d rows in row groups, %d written, want %d", rows, w.rows, n)
			}
		} else if !bytes.Equal(buf.Bytes(), first) {
			t.Fatal("row groups depend on block sizes")
		}
	}
}

// A number column whose dictionary pays off on the first page but then
// keeps growing ends its row group before the dictionary reaches its size
// limit: no column chunk mixes dictionary-encoded and PLAIN pages (whose
// order in the footer arrow-go does not keep from run to run), and the
// bytes do not depend on the blocks.
func TestParquetNoMixedChunks(t *testing.T) {
	fields := []column.Field{{Name: "fk", Type: column.Int}, {Name: "at", Type: column.Timestamp, Nullable: true}}
	const n = 400_000
	full := &column.Block{Rows: n, Cols: []*column.Vector{{}, {}}}
	full.Cols[0].Reset(column.Int, n)
	full.Cols[1].Reset(column.Timestamp, n)
	for i := range n {
		full.Cols[0].Ints[i] = int64(i / 2)
		full.Cols[1].Ints[i] = int64(i%1000) * 1_000_000
		if i%13 == 0 {
			full.Cols[1].SetNull(i)
		}
	}
	rdr, _ := readParquet(t, writeEverySplit(t, fields, Options{}, full))
	if rdr.NumRowGroups() < 2 {
		t.Errorf("%d row groups, want the first to end before its dictionary is full", rdr.NumRowGroups())
	}
	for g := range rdr.NumRowGroups() {
		for c := range fields {
			if dict, plain := chunkEncoding(t, rdr, g, c); !dict || plain {
				t.Errorf("row group %d column %q: dictionary %v, plain pages %v; want dictionary only", g, fields[c].Name, dict, plain)
			}
		}
	}
}

// writeEverySplit writes the rows of full as a Parquet table once for
// each way splits cuts them into blocks, checks that the files are the
// same bytes and that our reader reads full back, and returns the path of
// the first file.
func writeEverySplit(t *testing.T, fields []column.Field, opts Options, full *column.Block) string {
	t.Helper()
	dir := t.TempDir()
	var path, first string
	for i, blocks := range splits(full) {
		st := writeTable(t, dir, fmt.Sprintf("t%d", i), Parquet, fields, opts, blocks...)
		if got := readFile(t, st.Path); i == 0 {
			path, first = st.Path, got
		} else if got != first {
			t.Fatalf("options %+v: output depends on block sizes", opts)
		}
	}
	checkOurReader(t, path, fields, full)
	return path
}

// writeToBuffer writes blocks through a writer configured by cfg into buf.
func writeToBuffer(t *testing.T, buf *bytes.Buffer, cfg *parquetConfig, blocks []*column.Block) *parquetWriter {
	t.Helper()
	dir := t.TempDir()
	tf, err := createTemp(dir + "/t.parquet")
	if err != nil {
		t.Fatal(err)
	}
	w, err := newParquetWriter(tf, allTypes, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if err := w.WriteBlock(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	buf.WriteString(readFile(t, w.Stats().Path))
	return w
}

// Writing a block allocates nothing per row: a few allocations per page
// and per row group inside arrow-go, none per value.
func TestParquetWriteBlockAllocs(t *testing.T) {
	for _, fields := range [][]column.Field{mixedFields, allTypes} {
		const rows = 64 * 1024
		var blocks []*column.Block
		for i := range 4 {
			if len(fields) == len(mixedFields) {
				blocks = append(blocks, mixedBlock(1, int64(i)*rows, rows))
			} else {
				blocks = append(blocks, allTypesBlock(int64(i)*rows, rows))
			}
		}
		cfg, err := newParquetConfig(fields, Options{})
		if err != nil {
			t.Fatal(err)
		}
		tf, err := createTemp(t.TempDir() + "/t.parquet")
		if err != nil {
			t.Fatal(err)
		}
		w, err := newParquetWriter(tf, fields, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		k := 0
		allocs := testing.AllocsPerRun(16, func() {
			if err := w.WriteBlock(blocks[k%len(blocks)]); err != nil {
				t.Fatal(err)
			}
			k++
		})
		if perRow := allocs / rows; perRow > 0.01 {
			t.Errorf("%d columns: %.0f allocations per %d-row block (%.4f per row), want under 0.01 per row", len(fields), allocs, rows, perRow)
		}
	}
}
