package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIndexedParts runs `datagen index` and then four parts that find the
// index in their folder: the files equal those of parts without it, and
// finalize accepts them. A part of another run stops naming the
// difference, and an index of a bad schema writes nothing.
func TestIndexedParts(t *testing.T) {
	const schema = "../../src/engine/testdata/scale.json"
	common := []string{"--scale", "0.0001", "--seed", "5"}
	dir := t.TempDir()
	with, without := filepath.Join(dir, "with"), filepath.Join(dir, "without")
	out, stderr, code := datagen(t, append([]string{"index", schema, "--parts", "4", "-o", with}, common...)...)
	if code != 0 || !strings.Contains(out, "Wrote the count index of 4 parts (1 facts split by parent range) to "+with+"/.index-of-00004.json") {
		t.Fatalf("index: exit %d, %q %q", code, out, stderr)
	}
	for k := range 4 {
		for _, o := range []string{with, without} {
			args := append([]string{"generate", schema, "--parts", "4", "--part", fmt.Sprint(k), "-o", o, "--format", "csv"}, common...)
			_, stderr, code := datagen(t, args...)
			if code != 0 {
				t.Fatalf("%q: exit %d: %s", args, code, stderr)
			}
			if used := strings.Contains(stderr, "Using the count index "); used != (o == with) {
				t.Errorf("part %d into %s: index used %v: %s", k, o, used, stderr)
			}
		}
	}
	for _, table := range []string{"customers", "orders"} {
		for k := range 4 {
			name := filepath.Join(table, fmt.Sprintf("part-%05d-of-00004.csv", k))
			a, err1 := os.ReadFile(filepath.Join(with, name))
			b, err2 := os.ReadFile(filepath.Join(without, name))
			if err1 != nil || err2 != nil || string(a) != string(b) {
				t.Errorf("%s differs with the index (%v, %v)", name, err1, err2)
			}
		}
	}
	if _, stderr, code := datagen(t, "finalize", with); code != 0 {
		t.Errorf("finalize: exit %d: %s", code, stderr)
	}

	// A part of another run.
	args := []string{"generate", schema, "--parts", "4", "--part", "2", "-o", with, "--format", "csv", "--scale", "0.0002", "--seed", "6"}
	_, stderr, code = datagen(t, args...)
	if want := with + "/.index-of-00004.json was computed for another run (seed 5, this run 6; scale 0.0001, this run 0.0002): run `datagen index` again"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("another run: exit %d, want 1 and %q in %q", code, want, stderr)
	}

	// An invalid schema: exit 1, no folder.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"nodes": [{"id": "x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "fresh")
	if _, stderr, code := datagen(t, "index", bad, "--parts", "4", "-o", fresh); code != 1 || !strings.Contains(stderr, "bad.json") {
		t.Errorf("bad schema: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("a failed index left %s behind (%v)", fresh, err)
	}
	if _, stderr, code := datagen(t, "index", schema, "-o", fresh); code != 1 || !strings.Contains(stderr, "--parts must be at least 2") {
		t.Errorf("no --parts: exit %d: %s", code, stderr)
	}
}

// TestIndexOfOpenTimelineNeedsUntil: the index of an open timeline is
// computed for one --until, which every part must give too; without it
// the index is refused, and with it the parts use it.
func TestIndexOfOpenTimelineNeedsUntil(t *testing.T) {
	const schema = "../../docs/examples/shop_stream.json"
	dir := filepath.Join(t.TempDir(), "run")
	_, stderr, code := datagen(t, "index", schema, "--parts", "2", "-o", dir, "--scale", "0.1")
	if want := schema + " has an open timeline: give --until, and the same --until to the index and every part of the run"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("index without --until: exit %d, want 1 and %q in %q", code, want, stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused index left %s behind (%v)", dir, err)
	}
	until := []string{"--until", "2025-02-01", "--scale", "0.1"}
	if _, stderr, code := datagen(t, append([]string{"index", schema, "--parts", "2", "-o", dir}, until...)...); code != 0 {
		t.Fatalf("index with --until: exit %d: %s", code, stderr)
	}
	for k := range 2 {
		_, stderr, code := datagen(t, append([]string{"generate", schema, "--parts", "2", "--part", fmt.Sprint(k), "-o", dir, "--format", "csv"}, until...)...)
		if code != 0 || !strings.Contains(stderr, "Using the count index ") {
			t.Errorf("part %d: exit %d: %s", k, code, stderr)
		}
	}
}

// TestOutputIsAFile: -o naming a file is the same user error with and
// without --parts (a split run looks for its count index there first),
// and for the index.
func TestOutputIsAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "afile")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"generate", shop, "-o", file},
		{"generate", shop, "-o", file, "--parts", "2"},
		{"generate", shop, "-o", file, "--parts", "2", "--part", "1"},
		{"index", shop, "-o", file, "--parts", "2"},
	} {
		_, stderr, code := datagen(t, args...)
		if want := file + " exists and is not a folder"; code != 1 || !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, want 1 and %q in %q", args, code, want, stderr)
		}
	}
}
