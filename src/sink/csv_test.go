package sink

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"datagen/src/column"
)

func TestCSVExactBytes(t *testing.T) {
	fields := []column.Field{
		{Name: "id", Type: column.Int},
		{Name: "amount", Type: column.Float, Nullable: true},
		{Name: "name", Type: column.String, Nullable: true},
		{Name: "active", Type: column.Bool, Nullable: true},
		{Name: "created_at", Type: column.Timestamp, Nullable: true},
		{Name: "day", Type: column.Date, Nullable: true},
	}
	b := &column.Block{Rows: 10, Cols: []*column.Vector{
		{Type: column.Int, Ints: []int64{1, -42, math.MaxInt64, math.MinInt64, 0, 7, 8, 9, 10, 11}},
		{Type: column.Float, Floats: []float64{1.5, 0, math.Copysign(0, -1), 1e21, 1e-7, 123456789.125, math.NaN(), 0.1, math.Inf(1), -1e-6}},
		{Type: column.String, Strs: []string{"plain", "", "", "a,b", `say "hi"`, "line\nbreak\r\n", "žluťoučký kůň 🐴", " padded ", `"`, "cr\ronly"}},
		{Type: column.Bool, Bools: []bool{true, false, true, false, true, false, true, false, true, false}},
		{Type: column.Timestamp, Ints: []int64{
			us(t, "2024-01-01T13:45:00Z"), 0, us(t, "2024-01-01T13:45:00.123456Z"), -1,
			us(t, "2024-02-29T00:00:00.1Z"), us(t, "1900-03-01T00:00:01Z"), us(t, "9999-12-31T23:59:59.999999Z"),
			us(t, "0001-01-01T00:00:00Z"), us(t, "2000-02-29T12:00:00.000001Z"), us(t, "1969-07-20T20:17:40Z"),
		}},
		{Type: column.Date, Ints: []int64{
			us(t, "2024-01-01T00:00:00Z"), 0, -column.MicrosPerDay, us(t, "1900-03-01T00:00:00Z"),
			us(t, "2024-02-29T00:00:00Z"), us(t, "9999-12-31T00:00:00Z"), us(t, "0001-01-01T00:00:00Z"),
			us(t, "2000-02-29T00:00:00Z"), us(t, "2100-03-01T00:00:00Z"), us(t, "1969-07-20T00:00:00Z"),
		}},
	}}
	b.Cols[1].SetNull(1)
	b.Cols[2].SetNull(1)
	b.Cols[3].SetNull(1)
	b.Cols[4].SetNull(1)
	b.Cols[5].SetNull(1)

	want := "id,amount,name,active,created_at,day\n" +
		"1,1.5,plain,true,2024-01-01T13:45:00Z,2024-01-01\n" +
		"-42,,,,,\n" +
		"9223372036854775807,0,,true,2024-01-01T13:45:00.123456Z,1969-12-31\n" +
		"-9223372036854775808,1e+21,\"a,b\",false,1969-12-31T23:59:59.999999Z,1900-03-01\n" +
		"0,1e-07,\"say \"\"hi\"\"\",true,2024-02-29T00:00:00.100000Z,2024-02-29\n" +
		"7,123456789.125,\"line\nbreak\r\n\",false,1900-03-01T00:00:01Z,9999-12-31\n" +
		"8,,žluťoučký kůň 🐴,true,9999-12-31T23:59:59.999999Z,0001-01-01\n" +
		"9,0.1, padded ,false,0001-01-01T00:00:00Z,2000-02-29\n" +
		"10,,\"\"\"\",true,2000-02-29T12:00:00.000001Z,2100-03-01\n" +
		"11,-0.000001,\"cr\ronly\",false,1969-07-20T20:17:40Z,1969-07-20\n"

	dir := t.TempDir()
	st := writeTable(t, dir, "t", CSV, fields, Options{}, b)
	got := readFile(t, filepath.Join(dir, "t.csv"))
	if got != want {
		t.Errorf("CSV mismatch\n got: %q\nwant: %q", got, want)
	}
	if st.Rows != 10 || st.Bytes != int64(len(want)) || st.Path != filepath.Join(dir, "t.csv") {
		t.Errorf("stats = %+v, want 10 rows, %d bytes, path t.csv", st, len(want))
	}

	// A standard RFC 4180 reader sees the same values.
	r := csv.NewReader(strings.NewReader(got))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 11 || recs[6][2] != "line\nbreak\n" || recs[5][2] != `say "hi"` || recs[8][2] != " padded " {
		// encoding/csv normalises \r\n inside quoted fields to \n.
		t.Errorf("encoding/csv read back %q", recs)
	}
}

func TestCSVHeaderQuoting(t *testing.T) {
	fields := []column.Field{
		{Name: "a,b", Type: column.Int},
		{Name: `q"uote`, Type: column.Int},
		{Name: "plain name", Type: column.Int},
	}
	b := &column.Block{Rows: 1, Cols: []*column.Vector{
		{Type: column.Int, Ints: []int64{1}}, {Type: column.Int, Ints: []int64{2}}, {Type: column.Int, Ints: []int64{3}},
	}}
	dir := t.TempDir()
	writeTable(t, dir, "h", CSV, fields, Options{}, b)
	if got, want := readFile(t, filepath.Join(dir, "h.csv")), "\"a,b\",\"q\"\"uote\",plain name\n1,2,3\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	writeTable(t, dir, "n", CSV, fields, Options{NoHeader: true}, b)
	if got, want := readFile(t, filepath.Join(dir, "n.csv")), "1,2,3\n"; got != want {
		t.Errorf("without header: got %q, want %q", got, want)
	}
}

// Splitting the rows into blocks of any size gives the same bytes, with and
// without gzip.
func TestCSVBlockSplitInvariance(t *testing.T) {
	full := mixedBlock(7, 0, 20_000)
	for _, opts := range []Options{{}, {Gzip: true}, {Gzip: true, GzipLevel: 9}} {
		dir := t.TempDir()
		writeTable(t, dir, "one", CSV, mixedFields, opts, full)
		var blocks []*column.Block
		for lo, step := 0, 1; lo < full.Rows; lo, step = lo+step, step*3+1 {
			blocks = append(blocks, slice(full, lo, min(lo+step, full.Rows)))
		}
		st := writeTable(t, dir, "many", CSV, mixedFields, opts, blocks...)
		name := FileName("one", CSV, opts)
		a, b := readFile(t, filepath.Join(dir, name)), readFile(t, st.Path)
		if a != b {
			t.Fatalf("opts %+v: output depends on block sizes (%d vs %d bytes)", opts, len(a), len(b))
		}
		if st.Rows != int64(full.Rows) || st.Bytes != int64(len(b)) {
			t.Errorf("opts %+v: stats %+v, want %d rows and %d bytes", opts, st, full.Rows, len(b))
		}
	}
}

func TestCSVGzip(t *testing.T) {
	dir := t.TempDir()
	blk := mixedBlock(1, 0, 5000)
	plain := writeTable(t, dir, "t", CSV, mixedFields, Options{}, blk)
	gz := writeTable(t, dir, "t", CSV, mixedFields, Options{Gzip: true, NoHeader: true}, blk)
	if filepath.Base(gz.Path) != "t.csv.gz" {
		t.Fatalf("gzip path %s, want t.csv.gz", gz.Path)
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(readFile(t, gz.Path))))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want := readFile(t, plain.Path)
	want = want[strings.IndexByte(want, '\n')+1:] // drop the header
	if string(got) != want {
		t.Errorf("gunzipped output differs from plain CSV without header (%d vs %d bytes)", len(got), len(want))
	}
	if gz.Bytes >= plain.Bytes {
		t.Errorf("gzip output %d bytes not smaller than plain %d", gz.Bytes, plain.Bytes)
	}
}

// Null flags on a non-nullable column, nulls that are all false, and
// empty blocks.
func TestCSVNullHandling(t *testing.T) {
	fields := []column.Field{{Name: "a", Type: column.Int}, {Name: "b", Type: column.String, Nullable: true}}
	dir := t.TempDir()
	b := &column.Block{Rows: 2, Cols: []*column.Vector{
		{Type: column.Int, Ints: []int64{1, 2}, Null: []bool{false, false}},
		{Type: column.String, Strs: []string{"x", "y"}, Null: []bool{true, false}},
	}}
	empty := &column.Block{Start: 2, Cols: []*column.Vector{{Type: column.Int}, {Type: column.String}}}
	writeTable(t, dir, "t", CSV, fields, Options{}, b, empty)
	if got, want := readFile(t, filepath.Join(dir, "t.csv")), "a,b\n1,\n2,y\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Random strings made of the characters that matter to CSV survive a round
// trip through a standard RFC 4180 reader.
func TestCSVQuotingRoundTrip(t *testing.T) {
	const n = 5000
	alphabet := []string{"a", ",", `"`, "\n", " ", "é", "\r\n", "😀", "'"}
	r := rand.New(rand.NewPCG(5, 6))
	fields := []column.Field{{Name: "s", Type: column.String}, {Name: "t", Type: column.String}}
	b := &column.Block{Rows: n, Cols: []*column.Vector{
		{Type: column.String, Strs: make([]string, n)}, {Type: column.String, Strs: make([]string, n)},
	}}
	for i := range n {
		for c := range 2 {
			var sb strings.Builder
			for range r.IntN(8) {
				sb.WriteString(alphabet[r.IntN(len(alphabet))])
			}
			b.Cols[c].Strs[i] = sb.String()
		}
	}
	dir := t.TempDir()
	st := writeTable(t, dir, "q", CSV, fields, Options{NoHeader: true}, b)
	recs, err := csv.NewReader(strings.NewReader(readFile(t, st.Path))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("read %d records, want %d", len(recs), n)
	}
	for i, rec := range recs {
		for c := range 2 {
			// encoding/csv turns CRLF inside a quoted field into LF.
			if want := strings.ReplaceAll(b.Cols[c].Strs[i], "\r\n", "\n"); rec[c] != want {
				t.Fatalf("row %d column %d: read %q, want %q", i, c, rec[c], want)
			}
		}
	}
}

// In a single-column table an empty value is written as "" so that no line
// is blank.
func TestCSVSingleColumnEmpty(t *testing.T) {
	fields := []column.Field{{Name: "s", Type: column.String, Nullable: true}}
	b := &column.Block{Rows: 4, Cols: []*column.Vector{
		{Type: column.String, Strs: []string{"a", "", "", "b"}, Null: []bool{false, false, true, false}},
	}}
	dir := t.TempDir()
	st := writeTable(t, dir, "one", CSV, fields, Options{}, b)
	if got, want := readFile(t, st.Path), "s\na\n\"\"\n\"\"\nb\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// needsQuotes agrees with a byte-by-byte scan for every byte value at
// every position of strings up to 19 bytes, over fillers that include
// zero bytes, the bytes next to the special ones and multi-byte UTF-8.
func TestNeedsQuotes(t *testing.T) {
	for _, fill := range []byte{'a', 0, 0x80, 0xff, ',' - 1, ',' + 1, '"' + 1, '\r' - 1, '\n' + 1, 0x2c ^ 0x80} {
		for n := 0; n < 20; n++ {
			for pos := 0; pos < n; pos++ {
				for c := 0; c < 256; c++ {
					b := bytes.Repeat([]byte{fill}, n)
					b[pos] = byte(c)
					s := string(b)
					if got, want := needsQuotes(s), strings.ContainsAny(s, ",\"\r\n"); got != want {
						t.Fatalf("needsQuotes(%q) = %v, want %v", s, got, want)
					}
				}
			}
		}
	}
	for _, s := range []string{"", "Frankie Bayer", "7925 W Washington Avenue\nBrooklyn, NY", "žluťoučký kůň", `say "hi"`} {
		if got, want := needsQuotes(s), strings.ContainsAny(s, ",\"\r\n"); got != want {
			t.Errorf("needsQuotes(%q) = %v, want %v", s, got, want)
		}
	}
}
