package upload

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"datagen/src/input"
)

func TestReadHeader(t *testing.T) {
	semi := dialect{Delim: ';', Encl: '\''}
	tests := []struct {
		in   string
		d    dialect
		want []string
		n    int64
		err  string
	}{
		{"a,b,c\n1,2,3\n", defaultDialect, []string{"a", "b", "c"}, 6, ""},
		{"a,b\r\n1,2\r\n", defaultDialect, []string{"a", "b"}, 5, ""},
		{`"a,1","b""q",c` + "\nx", defaultDialect, []string{"a,1", `b"q`, "c"}, 15, ""},
		{"\"multi\nline\",b\n", defaultDialect, []string{"multi\nline", "b"}, 15, ""},
		{"only", defaultDialect, []string{"only"}, 4, ""},
		{"'a;b';c\n", semi, []string{"a;b", "c"}, 8, ""},
		{"", defaultDialect, nil, 0, "empty"},
		{`"open,b` + "\n", defaultDialect, nil, 0, "unterminated"},
	}
	for _, tc := range tests {
		got, n, err := readHeader(strings.NewReader(tc.in), tc.d)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("readHeader(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") || n != tc.n {
			t.Errorf("readHeader(%q) = %q, %d, %v; want %q, %d", tc.in, got, n, err, tc.want, tc.n)
		}
	}
}

func TestHeaderLine(t *testing.T) {
	got := string(headerLine([]string{"a", `b"c`, "d,e"}, defaultDialect))
	if got != "\"a\",\"b\"\"c\",\"d,e\"\n" {
		t.Errorf("headerLine = %q", got)
	}
	cols, _, err := readHeader(strings.NewReader(got), defaultDialect)
	if err != nil || strings.Join(cols, "|") != `a|b"c|d,e` {
		t.Errorf("round trip = %q, %v", cols, err)
	}
}

// tricky renders n rows whose fields hold quotes, delimiters and newlines.
func tricky(t testing.TB, n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	pieces := []string{"x", "a,b", `q"q`, "l1\nl2", "", `""`, "\r\n", "ü"}
	rows := make([][]string, n)
	for i := range rows {
		row := make([]string, 3)
		for j := range row {
			var b strings.Builder
			for k := r.IntN(4); k >= 0; k-- {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
			row[j] = b.String()
		}
		rows[i] = row
	}
	return csvBytes(t, rows)
}

// TestRowCounter feeds CSV in random chunk sizes and compares the count
// with encoding/csv.
func TestRowCounter(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		n := int(seed * 37)
		data := tricky(t, n, seed)
		if seed%2 == 0 {
			data = bytes.TrimSuffix(data, []byte("\n")) // unterminated last record
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(seed, 2))
		c := rowCounter{d: defaultDialect}
		for rest := data; len(rest) > 0; {
			k := min(1+r.IntN(40), len(rest))
			c.Write(rest[:k])
			rest = rest[k:]
		}
		if got := c.records(); got != int64(len(recs)) || len(recs) != n {
			t.Errorf("seed %d: counted %d records, encoding/csv %d, generated %d", seed, got, len(recs), n)
		}
	}
	var c rowCounter
	c.d = defaultDialect
	if c.records() != 0 {
		t.Errorf("empty input counts %d", c.records())
	}
}

// TestFindSplits checks that every slice holds whole records and the
// slices add up to the input.
func TestFindSplits(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		hdr := []byte("h1,h2,h3\n")
		body := tricky(t, 400, seed)
		data := append(append([]byte{}, hdr...), body...)
		want, _ := csv.NewReader(bytes.NewReader(body)).ReadAll()
		target := int64(200 + seed*97)
		splits, err := findSplits(bytes.NewReader(data), int64(len(hdr)), int64(len(data)), target, defaultDialect)
		if err != nil {
			t.Fatal(err)
		}
		if len(splits) == 0 {
			t.Errorf("seed %d: no splits for %d bytes at %d", seed, len(body), target)
		}
		bounds := append(append([]int64{int64(len(hdr))}, splits...), int64(len(data)))
		var got [][]string
		for i := 0; i+1 < len(bounds); i++ {
			if size := bounds[i+1] - bounds[i]; size <= 0 || i+2 < len(bounds) && size < target {
				t.Fatalf("seed %d: slice %d has %d bytes (target %d): %v", seed, i, size, target, bounds)
			}
			recs, err := csv.NewReader(bytes.NewReader(data[bounds[i]:bounds[i+1]])).ReadAll()
			if err != nil {
				t.Fatalf("seed %d slice %d is not whole records: %v", seed, i, err)
			}
			got = append(got, recs...)
		}
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d records from slices, want %d", seed, len(got), len(want))
		}
		for i := range want {
			if strings.Join(got[i], "\x00") != strings.Join(want[i], "\x00") {
				t.Fatalf("seed %d record %d differs", seed, i)
			}
		}
	}
	if s, _ := findSplits(bytes.NewReader([]byte("a\nb\n")), 0, 4, 100, defaultDialect); s != nil {
		t.Errorf("small input split: %v", s)
	}
}

func TestParseManifestErrors(t *testing.T) {
	tests := []struct{ in, err string }{
		{`[]`, "not a JSON object"},
		{`{"schema":[{"name":"a"}],"columns":["a"]}`, `"columns" cannot be combined with "schema"`},
		{`{"schema":[{"name":"a","data_type":{"base":{"type":"TEXT"}}}]}`, `schema[0] (a).data_type.base.type "TEXT": want one of`},
		{`{"schema":[{"data_type":{}}]}`, "schema[0]: name is required"},
		{`{"schema":[{"name":"a","data_type":{"oracle":{"type":"X"}}}]}`, `key "oracle" is not one of`},
		{`{"delimiter":";;"}`, "must be exactly one"},
		{`{"enclosure":""}`, "files without enclosure are not supported"},
		{`{"delimiter":"\"","enclosure":"\""}`, "both"},
		{`{"delete_where":[{"where_filters":[]}]}`, "delete_where is not supported"},
		{`{"description":"a","table_metadata":{"KBC.description":"b"}}`, "exclude each other"},
		{`{"primary_key":"id"}`, "cannot unmarshal"},
	}
	for _, tc := range tests {
		_, _, err := parseManifest([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("parseManifest(%s) error %v, want %q", tc.in, err, tc.err)
		}
	}
	// Manifests written by PHP components hold [] for empty objects.
	m, _, err := parseManifest([]byte(`{"destination":"in.c-x.t","table_metadata":[],
	  "schema":[{"name":"a","data_type":[],"metadata":[]}]}`))
	if err != nil || m.TableMetadata != nil || m.Schema[0].DataType != nil || m.Schema[0].Metadata != nil {
		t.Errorf("empty arrays as objects: %+v, %v", m, err)
	}
	m, _, err = parseManifest([]byte(`{"destination":"in.c-x.t","columns":["a"],"column_metadata":[],"metadata":[]}`))
	if err != nil || m.ColumnMetadata != nil {
		t.Errorf("empty column_metadata: %+v, %v", m, err)
	}
	if _, _, err := parseManifest([]byte(`{"column_metadata":[1]}`)); err == nil {
		t.Error("a non-empty array as column_metadata was accepted")
	}
	var warns []string
	m, warns, err = parseManifest([]byte(`{"incremental":true,"write_always":true,"colums":["x"],"table_metadata":{"n":3}}`))
	if err != nil || !*m.Incremental || len(warns) != 1 || warns[0] != `unknown key "colums" ignored (did you mean "columns"?)` || m.TableMetadata["n"] != "3" {
		t.Errorf("parseManifest = %+v, %v, %v", m, warns, err)
	}
}

// TestScanDirProblems: every problem of a folder is reported at once, each
// naming its file.
func TestScanDirProblems(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ok.csv"), []byte("a,b\n1,2\n"))
	writeFile(t, filepath.Join(dir, "sliced.csv", "p1"), []byte("1,2\n"))
	writeFile(t, filepath.Join(dir, "pk.csv"), []byte("a,b\n"))
	writeManifest(t, filepath.Join(dir, "pk.csv.manifest"), map[string]any{"primary_key": []string{"zz"}})
	writeFile(t, filepath.Join(dir, "dup.csv"), []byte("a,a\n"))
	writeFile(t, filepath.Join(dir, "empty.csv"), nil)
	writeFile(t, filepath.Join(dir, "orphan.csv.manifest"), []byte(`{}`))
	writeFile(t, filepath.Join(dir, "ts.csv"), []byte("_timestamp,b\n"))
	writeFile(t, filepath.Join(dir, "bad.csv"), []byte("a\n"))
	writeManifest(t, filepath.Join(dir, "bad.csv.manifest"), map[string]any{"destination": "in.c-x.bad name"})
	_, _, err := scanDir(dir, scanOptions{bucket: "in.c-x"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`sliced.csv: a sliced table needs its columns in the manifest`,
		`pk.csv: primary key column "zz" is not among the columns [a b]`,
		`dup.csv: column "a" appears twice`,
		`empty.csv: header: the file is empty`,
		`orphan.csv.manifest: manifest without a data file`,
		`ts.csv: column name _timestamp is reserved`,
		`bad.csv: manifest destination: table id "in.c-x.bad name"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "ok.csv") || !input.IsUser(err) {
		t.Errorf("unexpected: %v (user error %v)", err, input.IsUser(err))
	}

	dir2 := t.TempDir()
	writeFile(t, filepath.Join(dir2, "orders.csv"), []byte("a\n"))
	writeFile(t, filepath.Join(dir2, "in.c-x.orders.csv"), []byte("a\n"))
	if _, _, err := scanDir(dir2, scanOptions{bucket: "in.c-x"}); err == nil || !strings.Contains(err.Error(), "both go to table in.c-x.orders") {
		t.Errorf("duplicate destination: %v", err)
	}
	if _, _, err := scanDir(dir2, scanOptions{}); err == nil || !strings.Contains(err.Error(), "orders.csv: no destination bucket") {
		t.Errorf("missing bucket: %v", err)
	}
}

func TestScanDestinations(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.csv"), []byte("x\n"))
	writeManifest(t, filepath.Join(dir, "a.csv.manifest"), map[string]any{"destination": "out.c-m.renamed"})
	writeFile(t, filepath.Join(dir, "in.c-f.fromname.csv"), []byte("x\n"))
	specs, _, err := scanDir(dir, scanOptions{prefix: "demo_"})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{specs[0].tableID, specs[1].tableID}
	if got[0] != "out.c-m.demo_renamed" || got[1] != "in.c-f.demo_fromname" {
		t.Errorf("destinations %v", got)
	}
	specs, _, err = scanDir(dir, scanOptions{bucket: "in.c-b"})
	if err != nil || specs[0].tableID != "in.c-b.renamed" || specs[1].tableID != "in.c-b.fromname" {
		t.Errorf("with --bucket: %v %v", specs, err)
	}
}

// TestScanBareDestination: a manifest destination that is only a table
// name goes to the default bucket, as output mapping does with the
// configuration's default bucket.
func TestScanBareDestination(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.csv"), []byte("x\n"))
	writeManifest(t, filepath.Join(dir, "a.csv.manifest"), map[string]any{"destination": "orders"})
	specs, _, err := scanDir(dir, scanOptions{defaultBucket: "in.c-keboola-ex-datagen-7"})
	if err != nil || len(specs) != 1 || specs[0].tableID != "in.c-keboola-ex-datagen-7.orders" {
		t.Fatalf("specs %v, err %v", specs, err)
	}
	specs, _, err = scanDir(dir, scanOptions{bucket: "out.c-x", defaultBucket: "in.c-keboola-ex-datagen-7"})
	if err != nil || specs[0].tableID != "out.c-x.orders" {
		t.Errorf("an explicit bucket wins: %v %v", specs, err)
	}
	if _, _, err := scanDir(dir, scanOptions{}); err == nil {
		t.Error("a bare destination without a default bucket was accepted")
	}
}

// discardStore is an objectStore that only counts bytes.
type discardStore struct{ n int64 }

func (d *discardStore) put(_ context.Context, _ string, r io.Reader) error {
	n, err := io.Copy(io.Discard, r)
	d.n += n
	return err
}
func (d *discardStore) url(s string) string { return s }
func (d *discardStore) close() error        { return nil }

func TestPutPartRejectsCorruptGzip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.gz")
	good := gzBytes(t, []byte("a,b\n1,2\n"))
	writeFile(t, path, append(good[:len(good)-6:len(good)-6], 0, 0, 0, 0, 0, 0))
	_, err := putPart(context.Background(), &discardStore{}, part{file: sourceFile{path: path, name: "x.gz", gzip: true}, n: -1}, defaultDialect, 6, &progress{})
	if err == nil || !strings.Contains(err.Error(), "x.gz is not valid gzip") {
		t.Errorf("error %v", err)
	}
}

func BenchmarkRowCounter(b *testing.B) {
	data := tricky(b, 20000, 7)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		c := rowCounter{d: defaultDialect}
		c.Write(data)
	}
}

func BenchmarkFindSplits(b *testing.B) {
	data := tricky(b, 20000, 7)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := findSplits(bytes.NewReader(data), 0, int64(len(data)), 64<<10, defaultDialect); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPutPartGzip(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "t.csv")
	rows := sampleRows(100000, 1)
	data := csvBytes(b, headed(sampleHeader, rows))
	writeFile(b, path, data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := putPart(context.Background(), &discardStore{}, part{file: sourceFile{path: path, name: "t.csv"}, n: -1, skipHeader: true}, defaultDialect, 6, &progress{}); err != nil {
			b.Fatal(err)
		}
	}
}
