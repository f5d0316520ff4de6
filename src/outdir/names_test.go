package outdir

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	for _, c := range []struct {
		format string
		gzip   bool
		part   Part
		want   string
	}{
		{CSV, false, Part{}, "orders.csv"},
		{CSV, true, Part{}, "orders.csv.gz"},
		{Parquet, true, Part{}, "orders.parquet"},
		{Parquet, false, Part{K: 0, N: 1}, "orders.parquet"},
		{CSV, false, Part{K: 2, N: 4}, "orders/part-00002-of-00004.csv"},
		{Parquet, false, Part{K: 7, N: 1000}, "orders/part-00007-of-01000.parquet"},
		{CSV, true, Part{K: 12, N: 123456}, "orders/part-000012-of-123456.csv.gz"},
	} {
		if got := TableFile("orders", c.format, c.gzip, c.part); got != c.want {
			t.Errorf("TableFile(%s, %v, %v) = %s, want %s", c.format, c.gzip, c.part, got, c.want)
		}
	}
	if got := MetadataFile(Part{K: 1, N: 3}); got != ".metadata.part-00001-of-00003.json" {
		t.Errorf("MetadataFile = %s", got)
	}
	for _, c := range []struct {
		name string
		part Part
		ok   bool
	}{
		{".metadata.part-00001-of-00003.json", Part{K: 1, N: 3}, true},
		{".metadata.part-000012-of-123456.json", Part{K: 12, N: 123456}, true},
		{".metadata.part-00003-of-00003.json", Part{}, false},
		{".metadata.part-1-of-3.json", Part{}, false},
		{".metadata.json", Part{}, false},
	} {
		if p, ok := ParseMetadataFile(c.name); p != c.part || ok != c.ok {
			t.Errorf("ParseMetadataFile(%s) = %v, %v", c.name, p, ok)
		}
	}
}

func TestFindFiles(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.parquet", "a.csv", "b.part-0-of-2.csv.gz", "b.part-1-of-2.csv.gz",
		"c.part-0-of-3.parquet", "c.part-2-of-3.parquet", "d.part-0-of-2.parquet", "d.part-1-of-3.parquet", ".a.parquet.tmp-x",
		"f/part-00000-of-00002.csv", "f/part-00001-of-00002.csv", "f/.part-00001-of-00002.csv.tmp-x", "g/part-00001-of-00002.parquet"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, n), "")
	}
	got, err := FindFiles(dir, []string{"a", "b", "c", "d", "e", "f", "g"})
	if err != nil {
		t.Fatal(err)
	}
	p := func(n string) string { return filepath.Join(dir, n) }
	want := map[string]*TableFiles{
		"a": {Table: "a", Format: Parquet, Paths: []string{p("a.parquet")}},
		"b": {Table: "b", Format: CSV, Paths: []string{p("b.part-0-of-2.csv.gz"), p("b.part-1-of-2.csv.gz")}},
		"c": {Table: "c", Format: Parquet, Problem: "part 1 is missing (of parts 0 to 2)"},
		"d": {Table: "d", Format: Parquet, Problem: "part files come from runs split into different numbers of parts (2, 3)"},
		"f": {Table: "f", Format: CSV, Paths: []string{p("f/part-00000-of-00002.csv"), p("f/part-00001-of-00002.csv")}},
		"g": {Table: "g", Format: Parquet, Problem: "part 0 is missing (of parts 0 to 1)"},
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			t.Errorf("%s: got %+v, want %+v", k, got[k], want[k])
		}
	}
	// The format of .metadata.json wins; a format filter limits the search.
	write(t, filepath.Join(dir, ".metadata.json"), `{"format":"csv"}`)
	got, _ = FindFiles(dir, []string{"a"})
	if got["a"].Format != CSV {
		t.Errorf("with metadata format csv: %+v", got["a"])
	}
	got, _ = FindFiles(dir, []string{"a", "b"}, Parquet)
	if got["a"].Format != Parquet || got["b"] != nil {
		t.Errorf("parquet only: %+v %+v", got["a"], got["b"])
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".metadata.json")
	if err := WriteFileAtomic(path, []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte(`{"a":2}`)); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != `{"a":2}` {
		t.Errorf("content %q", got)
	}
	if names := names(t, dir); !slices.Equal(names, []string{".metadata.json"}) {
		t.Errorf("directory holds %q", names)
	}
	err := WriteFileAtomic(filepath.Join(dir, "missing", "x.json"), nil)
	if err == nil || !strings.Contains(err.Error(), "missing/x.json") {
		t.Errorf("write into a missing directory: %v", err)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// A value JSON cannot hold is an error, not a one-byte .metadata.json.
func TestMetadataMarshalError(t *testing.T) {
	m := &Metadata{Scale: math.NaN()}
	if b, err := m.Marshal(); err == nil || !strings.Contains(err.Error(), ".metadata.json") {
		t.Errorf("Marshal of a NaN scale: %q, %v", b, err)
	}
	m.Scale = 2
	if b, err := m.Marshal(); err != nil || !strings.Contains(string(b), `"scale": 2`) {
		t.Errorf("Marshal: %q, %v", b, err)
	}
}
