package sink

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"datagen/src/column"
)

func TestAtomicity(t *testing.T) {
	for _, format := range []Format{CSV, Parquet} {
		t.Run(string(format), func(t *testing.T) {
			dir := t.TempDir()
			final := filepath.Join(dir, FileName("t", format, Options{}))

			// Nothing under the final name before Commit; one hidden temp
			// file in the same directory.
			w, err := Open(dir, "t", format, mixedFields, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WriteBlock(mixedBlock(1, 0, 3000)); err != nil {
				t.Fatal(err)
			}
			names := dirEntries(t, dir)
			prefix := "." + filepath.Base(final) + ".tmp-"
			if len(names) != 1 || !strings.HasPrefix(names[0], prefix) {
				t.Fatalf("before commit the directory holds %q, want one %s* file", names, prefix)
			}
			err = w.Commit()
			st := w.Stats()
			if err != nil {
				t.Fatal(err)
			}
			if names := dirEntries(t, dir); !slices.Equal(names, []string{filepath.Base(final)}) {
				t.Fatalf("after commit the directory holds %q", names)
			}
			committed := readFile(t, final)
			if st.Path != final || st.Bytes != int64(len(committed)) || st.Rows != 3000 {
				t.Errorf("stats %+v, file %d bytes", st, len(committed))
			}
			// The mode is that of an ordinarily created file (0666 &^ umask).
			ref, err := os.Create(filepath.Join(t.TempDir(), "ref"))
			if err != nil {
				t.Fatal(err)
			}
			ref.Close()
			refInfo, _ := os.Stat(ref.Name())
			if fi, err := os.Stat(final); err != nil || fi.Mode() != refInfo.Mode() {
				t.Errorf("file mode %v (%v), want %v", fi.Mode(), err, refInfo.Mode())
			}

			// Abort leaves the committed file exactly as it was.
			w, err = Open(dir, "t", format, mixedFields, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WriteBlock(mixedBlock(2, 0, 500)); err != nil {
				t.Fatal(err)
			}
			w.Abort()
			w.Abort() // idempotent
			if got := readFile(t, final); got != committed {
				t.Error("Abort changed the existing file")
			}
			if names := dirEntries(t, dir); hasTemp(names) || len(names) != 1 {
				t.Errorf("after abort the directory holds %q", names)
			}
			if err := w.WriteBlock(mixedBlock(2, 500, 10)); err == nil {
				t.Error("WriteBlock after Abort succeeded")
			}
			if err := w.Commit(); err == nil {
				t.Error("Commit after Abort succeeded")
			}

			// A second commit replaces the file; Abort after Commit keeps it.
			w, err = Open(dir, "t", format, mixedFields, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WriteBlock(mixedBlock(3, 0, 10)); err != nil {
				t.Fatal(err)
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			w.Abort()
			replaced := readFile(t, final)
			if replaced == committed {
				t.Error("second commit did not replace the file")
			}
			if err := w.Commit(); err == nil {
				t.Error("second Commit succeeded")
			}
			if names := dirEntries(t, dir); len(names) != 1 {
				t.Errorf("directory holds %q", names)
			}
		})
	}
}

// A failed WriteBlock poisons the writer: Commit reports the error and
// removes the temporary file without touching the final name.
func TestFailedWriteAbortsOnCommit(t *testing.T) {
	for _, format := range []Format{CSV, Parquet} {
		dir := t.TempDir()
		w, err := Open(dir, "t", format, mixedFields, Options{})
		if err != nil {
			t.Fatal(err)
		}
		bad := mixedBlock(1, 0, 10)
		bad.Cols[0].SetNull(3) // id is not nullable
		err = w.WriteBlock(bad)
		if err == nil || err.Error() != `block at row 0: column "id" is not nullable but row 3 is null` {
			t.Fatalf("%s: err = %v", format, err)
		}
		if err2 := w.WriteBlock(mixedBlock(1, 10, 10)); err2 != err {
			t.Errorf("%s: WriteBlock after failure returned %v, want the first error", format, err2)
		}
		if err := w.Commit(); err == nil {
			t.Errorf("%s: Commit after failed WriteBlock succeeded", format)
		}
		if names := dirEntries(t, dir); len(names) != 0 {
			t.Errorf("%s: directory holds %q after failed write", format, names)
		}
	}
}

func TestBlockValidation(t *testing.T) {
	good := func() *column.Block { return mixedBlock(1, 100, 4) }
	tests := []struct {
		name   string
		mutate func(b *column.Block)
		want   string
	}{
		{"columns", func(b *column.Block) { b.Cols = b.Cols[:5] }, "block at row 100: 5 columns, schema has 6"},
		{"nil vector", func(b *column.Block) { b.Cols[2] = nil }, `block at row 100: column "name": missing vector`},
		{"type", func(b *column.Block) { b.Cols[1] = &column.Vector{Type: column.Int, Ints: make([]int64, 4)} },
			`block at row 100: column "amount": vector type int, schema type float`},
		{"length", func(b *column.Block) { b.Cols[3].Bools = b.Cols[3].Bools[:3] },
			`block at row 100: column "active": 3 values for 4 rows`},
		{"null length", func(b *column.Block) { b.Cols[4].Null = make([]bool, 2) },
			`block at row 100: column "created_at": 2 null flags for 4 rows`},
		{"negative rows", func(b *column.Block) { b.Rows = -1 }, "block at row 100: negative row count -1"},
		{"non-nullable null", func(b *column.Block) { b.Cols[5].SetNull(2) },
			`block at row 100: column "birth_date" is not nullable but row 102 is null`},
	}
	for _, tt := range tests {
		b := good()
		tt.mutate(b)
		if err := checkBlock(b, mixedFields); err == nil || err.Error() != tt.want {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := checkBlock(good(), mixedFields); err != nil {
		t.Errorf("valid block: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	ok := []column.Field{{Name: "a", Type: column.Int}}
	tests := []struct {
		name   string
		table  string
		format Format
		fields []column.Field
		opts   Options
		want   string
	}{
		{"empty name", "", CSV, ok, Options{}, "empty table name"},
		{"separator", "a/b", CSV, ok, Options{}, `invalid table name "a/b": must not contain a path separator or NUL`},
		{"dotdot", "..", CSV, ok, Options{}, `invalid table name ".."`},
		{"format", "t", "xml", ok, Options{}, `table "t": unknown output format "xml" (want "csv" or "parquet")`},
		{"no columns", "t", CSV, nil, Options{}, `table "t": no columns`},
		{"empty column", "t", CSV, []column.Field{{Type: column.Int}}, Options{}, `table "t": column 0: empty name`},
		{"duplicate", "t", Parquet, []column.Field{{Name: "a", Type: column.Int}, {Name: "a", Type: column.Bool}}, Options{},
			`table "t": column 1: name "a" already used by column 0`},
		{"bad type", "t", CSV, []column.Field{{Name: "a"}}, Options{}, `table "t": column "a": unsupported type invalid`},
		{"compression", "t", Parquet, ok, Options{Compression: "lz5"}, `table "t": unknown parquet compression "lz5" (want "snappy", "zstd" or "none")`},
		{"gzip level", "t", CSV, ok, Options{Gzip: true, GzipLevel: 10}, `table "t": gzip level 10 out of range 1..9`},
		{"row group", "t", Parquet, ok, Options{RowGroupRows: -5}, `table "t": row group size -5 rows is negative`},
		{"metadata", "t", Parquet, ok, Options{Metadata: map[string]string{"k": "\xff"}}, `table "t": parquet metadata key "k": not valid UTF-8`},
	}
	for _, tt := range tests {
		w, err := Open(dir, tt.table, tt.format, tt.fields, tt.opts)
		if err == nil {
			w.Abort()
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s: err = %q, want %q", tt.name, err, tt.want)
		}
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("failed Opens left %q", names)
	}
}

func TestOpenCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "tables", "events.csv")
	st := writeTable(t, dir, "part-0001", CSV, mixedFields, Options{Gzip: true, NoHeader: true}, mixedBlock(1, 0, 10))
	if st.Path != filepath.Join(dir, "part-0001.csv.gz") {
		t.Errorf("path %s", st.Path)
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"csv", "parquet"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	if _, err := ParseFormat("CSV"); err == nil {
		t.Error(`ParseFormat("CSV") succeeded`)
	}
}
