package component

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"datagen/src/column"
	"datagen/src/keboola/manifest"
	"datagen/src/sink"
)

var testFields = []column.Field{
	{Name: "id", Type: column.Int},
	{Name: "name", Type: column.String, Nullable: true},
	{Name: "ok", Type: column.Bool},
}

// testBlock returns rows [start, start+n) of a deterministic table.
func testBlock(start int64, n int) *column.Block {
	id := &column.Vector{Type: column.Int, Ints: make([]int64, n)}
	name := &column.Vector{Type: column.String, Strs: make([]string, n)}
	ok := &column.Vector{Type: column.Bool, Bools: make([]bool, n)}
	for i := range n {
		r := start + int64(i)
		id.Ints[i] = r
		name.Strs[i] = fmt.Sprintf("name %d, \"q\"", r)
		if r%5 == 0 {
			name.SetNull(i)
		}
		ok.Bools[i] = r%2 == 0
	}
	return &column.Block{Start: start, Rows: n, Cols: []*column.Vector{id, name, ok}}
}

// referenceCSV is the table written by the sink as one headed CSV.
func referenceCSV(t *testing.T, rows int64, block int) string {
	t.Helper()
	dir := t.TempDir()
	w, err := sink.Open(dir, "ref", sink.CSV, testFields, sink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for s := int64(0); s < rows; s += int64(block) {
		if err := w.WriteBlock(testBlock(s, int(min(int64(block), rows-s)))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(w.Stats().Path)
	return string(b)
}

func writeTable(t *testing.T, o TableOptions, rows int64, block int) (*TableWriter, string) {
	t.Helper()
	dir := t.TempDir()
	o.Dir, o.Name, o.Fields = dir, "t", testFields
	o.Manifest = manifest.Table{Destination: "in.c-b.t", Columns: manifest.FromFields(testFields, []string{"id"})}
	w, err := NewTableWriter(o)
	if err != nil {
		t.Fatal(err)
	}
	for s := int64(0); s < rows; s += int64(block) {
		if err := w.WriteBlock(testBlock(s, int(min(int64(block), rows-s)))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return w, dir
}

func gunzipFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestTableWriterSingleFile(t *testing.T) {
	w, dir := writeTable(t, TableOptions{ExpectedRows: 100, SlicedAboveRows: 100}, 100, 30)
	if got := dirNames(t, dir); !slices.Equal(got, []string{"t.csv", "t.csv.manifest"}) {
		t.Fatalf("files %v", got)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "t.csv"))
	if want := referenceCSV(t, 100, 64); string(b) != want {
		t.Errorf("CSV differs from the sink's output")
	}
	r := w.Report()
	if r.Sliced || r.Rows != 100 || r.Path != "t.csv" || r.Destination != "in.c-b.t" {
		t.Errorf("report %+v", r)
	}
	m, _ := os.ReadFile(filepath.Join(dir, "t.csv.manifest"))
	if strings.Contains(string(m), `"columns"`) {
		t.Errorf("headed file with a legacy manifest listing columns:\n%s", m)
	}
}

func TestTableWriterGzipSingleFile(t *testing.T) {
	_, dir := writeTable(t, TableOptions{ExpectedRows: 10, Gzip: true}, 10, 4)
	if got := dirNames(t, dir); !slices.Equal(got, []string{"t.csv.gz", "t.csv.gz.manifest"}) {
		t.Fatalf("files %v", got)
	}
	if got, want := gunzipFile(t, filepath.Join(dir, "t.csv.gz")), referenceCSV(t, 10, 10); got != want {
		t.Errorf("gzip content differs")
	}
}

func TestTableWriterSlicedByRows(t *testing.T) {
	for _, block := range []int{7, 25, 1000} {
		w, dir := writeTable(t, TableOptions{ExpectedRows: 103, SlicedAboveRows: 100, SliceRows: 25, Flavour: manifest.Schema},
			103, block)
		slicesDir := filepath.Join(dir, "t.csv")
		names := dirNames(t, slicesDir)
		want := []string{"part-00000.csv.gz", "part-00001.csv.gz", "part-00002.csv.gz", "part-00003.csv.gz", "part-00004.csv.gz"}
		if !slices.Equal(names, want) {
			t.Fatalf("block %d: slices %v", block, names)
		}
		var all strings.Builder
		for i, n := range names {
			s := gunzipFile(t, filepath.Join(slicesDir, n))
			lines := strings.Count(s, "\n")
			if wantLines := []int{25, 25, 25, 25, 3}[i]; lines != wantLines {
				t.Errorf("block %d: slice %s has %d rows, want %d", block, n, lines, wantLines)
			}
			all.WriteString(s)
		}
		ref := referenceCSV(t, 103, 50)
		ref = ref[strings.IndexByte(ref, '\n')+1:] // slices are headless
		if all.String() != ref {
			t.Errorf("block %d: concatenated slices differ from the table", block)
		}
		r := w.Report()
		if !r.Sliced || r.Slices != 5 || r.Rows != 103 || r.Path != "t.csv" {
			t.Errorf("report %+v", r)
		}
		var m struct {
			HasHeader *bool `json:"has_header"`
		}
		b, _ := os.ReadFile(filepath.Join(dir, "t.csv.manifest"))
		if err := json.Unmarshal(b, &m); err != nil || m.HasHeader == nil || *m.HasHeader {
			t.Errorf("sliced table manifest must say has_header false:\n%s", b)
		}
		if got := dirNames(t, dir); !slices.Equal(got, []string{"t.csv", "t.csv.manifest"}) {
			t.Errorf("leftover files %v", got)
		}
	}
}

func TestTableWriterSlicedBySize(t *testing.T) {
	// Rows are about 22 bytes: 1000 rows ≈ 22 KB.
	per := 0.0
	{
		w, _ := NewTableWriter(TableOptions{Dir: t.TempDir(), Name: "x", Fields: testFields})
		per = w.estimateRowBytes(testBlock(0, 1000))
	}
	ref := referenceCSV(t, 1000, 1000)
	exact := float64(len(ref)-strings.IndexByte(ref, '\n')-1) / 1000
	if per < exact*0.99 || per > exact*1.01 {
		t.Errorf("estimated row size %.2f, actual %.2f", per, exact)
	}
	// Below the size threshold: one file.
	w, _ := writeTable(t, TableOptions{ExpectedRows: 1000, SlicedAboveBytes: int64(exact * 2000)}, 1000, 100)
	if w.Report().Sliced {
		t.Error("sliced below the size threshold")
	}
	// Above it, with slices of about 5000 bytes.
	w, dir := writeTable(t, TableOptions{ExpectedRows: 1000, SlicedAboveBytes: int64(exact * 500), SliceBytes: 5000}, 1000, 100)
	r := w.Report()
	// The estimate comes from the first block (100 rows here).
	w0, _ := NewTableWriter(TableOptions{Dir: t.TempDir(), Name: "x", Fields: testFields})
	wantRows := int(5000 / w0.estimateRowBytes(testBlock(0, 100)))
	wantSlices := (1000 + wantRows - 1) / wantRows
	if !r.Sliced || r.Slices != wantSlices {
		t.Errorf("report %+v, want %d slices of %d rows", r, wantSlices, wantRows)
	}
	first := gunzipFile(t, filepath.Join(dir, "t.csv", "part-00000.csv.gz"))
	if n := strings.Count(first, "\n"); n != wantRows {
		t.Errorf("first slice has %d rows, want %d", n, wantRows)
	}
}

func TestTableWriterEmptyTable(t *testing.T) {
	w, dir := writeTable(t, TableOptions{ExpectedRows: 0, SlicedAboveRows: 1}, 0, 1)
	b, _ := os.ReadFile(filepath.Join(dir, "t.csv"))
	if string(b) != "id,name,ok\n" || w.Report().Rows != 0 {
		t.Errorf("empty table: %q %+v", b, w.Report())
	}
}

func TestTableWriterAbortLeavesNothing(t *testing.T) {
	for _, sliced := range []bool{false, true} {
		dir := t.TempDir()
		o := TableOptions{Dir: dir, Name: "t", Fields: testFields, ExpectedRows: 50, SliceRows: 10,
			Manifest: manifest.Table{Columns: manifest.FromFields(testFields, []string{"id"})}}
		if sliced {
			o.SlicedAboveRows = 1
		}
		w, err := NewTableWriter(o)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteBlock(testBlock(0, 30)); err != nil {
			t.Fatal(err)
		}
		w.Abort()
		if got := dirNames(t, dir); len(got) != 0 {
			t.Errorf("sliced %v: files left after abort: %v", sliced, got)
		}
		if err := w.WriteBlock(testBlock(30, 1)); err == nil {
			t.Error("write after abort accepted")
		}
	}
}

func TestTableWriterRejectsBadBlock(t *testing.T) {
	dir := t.TempDir()
	w, err := NewTableWriter(TableOptions{Dir: dir, Name: "t", Fields: testFields, ExpectedRows: 5,
		Manifest: manifest.Table{Columns: manifest.FromFields(testFields, []string{"id"})}})
	if err != nil {
		t.Fatal(err)
	}
	b := testBlock(0, 5)
	b.Cols = b.Cols[:2]
	if err := w.WriteBlock(b); err == nil || !strings.Contains(err.Error(), `table "t"`) {
		t.Fatalf("error %v", err)
	}
	if err := w.Commit(); err == nil {
		t.Error("commit after a failed write succeeded")
	}
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("files left: %v", got)
	}
	if _, err := NewTableWriter(TableOptions{Dir: dir, Name: "a b", Fields: testFields}); err == nil {
		t.Error("invalid table name accepted")
	}
}

// TestSliceViewsDoNotAllocatePerRow checks that splitting blocks across
// slices reuses the writer's view vectors.
func TestSliceViewsDoNotAllocatePerRow(t *testing.T) {
	w, _ := NewTableWriter(TableOptions{Dir: t.TempDir(), Name: "x", Fields: testFields})
	b := testBlock(0, 4096)
	allocs := testing.AllocsPerRun(100, func() { _ = w.view(b, 100, 3000) })
	if allocs > 1 {
		t.Errorf("view allocates %.0f times", allocs)
	}
	if v := w.view(b, 100, 3); v.Rows != 3 || v.Start != 100 || v.Cols[0].Ints[0] != 100 || !bytes.Equal(
		[]byte(fmt.Sprint(v.Cols[1].Null)), []byte("[true false false]")) {
		t.Errorf("view %+v", v)
	}
}

func BenchmarkTableWriter(b *testing.B) {
	blk := testBlock(0, 1<<16)
	for _, tc := range []struct {
		name string
		o    TableOptions
	}{
		{"single", TableOptions{}},
		{"sliced", TableOptions{SlicedAboveRows: 1, SliceRows: 1 << 18}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(blk.Rows) * 24) // about 24 CSV bytes per row
			for range b.N {
				dir := b.TempDir()
				o := tc.o
				o.Dir, o.Name, o.Fields, o.ExpectedRows = dir, "t", testFields, 1<<16
				o.Manifest = manifest.Table{Columns: manifest.FromFields(testFields, []string{"id"})}
				w, err := NewTableWriter(o)
				if err != nil {
					b.Fatal(err)
				}
				if err := w.WriteBlock(blk); err != nil {
					b.Fatal(err)
				}
				if err := w.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
