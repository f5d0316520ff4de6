package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"datagen/src/outdir"
)

// shopTables are the tables of the bundled example.
var shopTables = []string{"customer", "product", "promotion", "order_status", "orders", "order_line"}

// concatParts concatenates the CSV part files of table id in part order,
// keeping the first header only.
func concatParts(t *testing.T, dir, id string, n int) []byte {
	t.Helper()
	var got []byte
	for k := range n {
		b, err := os.ReadFile(filepath.Join(dir, id, outdir.Part{K: k, N: n}.Name()+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if k > 0 {
			b = b[bytes.IndexByte(b, '\n')+1:]
		}
		got = append(got, b...)
	}
	return got
}

// TestConcurrentPartsFinalize runs the four parts of a split run at the
// same time into one folder (one of them taking its part from
// JOB_COMPLETION_INDEX, as in a Kubernetes Indexed Job): their union is
// the single run byte for byte, finalize accepts it and sums the rows,
// and finalize fails naming a part that is removed.
func TestConcurrentPartsFinalize(t *testing.T) {
	whole := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", whole, "--format", "csv", "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	dir := filepath.Join(t.TempDir(), "out")
	const n = 4
	var wg sync.WaitGroup
	errs := make([]string, n)
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"generate", shop, "-o", dir, "--format", "csv", "--quiet", "--workers", "1", "--parts", strconv.Itoa(n)}
			env := map[string]string{}
			if k == 3 {
				env["JOB_COMPLETION_INDEX"] = "3"
			} else {
				args = append(args, "--part", strconv.Itoa(k))
			}
			if _, stderr, code := datagenEnv(t, env, args...); code != 0 {
				errs[k] = fmt.Sprintf("part %d: exit %d: %s", k, code, stderr)
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Fatal(e)
		}
	}
	for _, id := range shopTables {
		want, err := os.ReadFile(filepath.Join(whole, id+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if got := concatParts(t, dir, id, n); !bytes.Equal(got, want) {
			t.Errorf("%s: the %d parts concatenated (%d bytes) differ from the single run (%d bytes)", id, n, len(got), len(want))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".metadata.json")); err == nil {
		t.Fatal(".metadata.json exists before finalize")
	}
	stdout, stderr, code := datagen(t, "finalize", dir, "--verify")
	if code != 0 {
		t.Fatalf("finalize: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "4 parts, 6 tables") {
		t.Errorf("finalize summary: %q", stdout)
	}
	single := readMeta(t, filepath.Join(whole, ".metadata.json"))
	total := readMeta(t, filepath.Join(dir, ".metadata.json"))
	for _, id := range shopTables {
		want := tableRows(single, id)
		tt := total["tables"].(map[string]any)[id].(map[string]any)
		if tt["rows"] != want || tt["rows_written"] != want || tt["file"] != id+"/" {
			t.Errorf("%s: finalized %v, want %v rows", id, tt, want)
		}
	}
	if files := total["files"].([]any); len(files) != n*len(shopTables) {
		t.Errorf("finalized metadata lists %d files, want %d", len(files), n*len(shopTables))
	}

	// A missing part fails, naming it; so does a missing file of a part.
	if err := os.Remove(filepath.Join(dir, ".metadata.part-00002-of-00004.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "orders", "part-00001-of-00004.csv")); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = datagen(t, "finalize", dir)
	for _, want := range []string{"1 of 4 parts are missing: part 2 (.metadata.part-00002-of-00004.json)",
		"part 1: orders/part-00001-of-00004.csv is missing",
		"orders/part-00002-of-00004.csv belongs to no part of this run"} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("finalize without part 2: exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
	}
}

// TestFinalizeInconsistentParts: parts of runs with another seed or
// another number of parts are named.
func TestFinalizeInconsistentParts(t *testing.T) {
	dir := t.TempDir()
	for k, seed := range []string{"1", "2"} {
		if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", "csv", "--quiet", "--parts", "2",
			"--part", strconv.Itoa(k), "--seed", seed, "--dry-run-sample", "50"); code != 0 {
			t.Fatal(stderr)
		}
	}
	_, stderr, code := datagen(t, "finalize", dir)
	if want := ".metadata.part-00001-of-00002.json has seed 2, .metadata.part-00000-of-00002.json has 1"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", "csv", "--quiet", "--parts", "3",
		"--part", "0", "--seed", "1", "--dry-run-sample", "50"); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code = datagen(t, "finalize", dir)
	if want := "split into 3 parts"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	_, stderr, code = datagen(t, "finalize", t.TempDir())
	if want := "holds no part manifests"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("empty folder: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = datagenEnv(t, map[string]string{"JOB_COMPLETION_INDEX": "5"}, "generate", shop, "-o", dir, "--parts", "3")
	if want := "JOB_COMPLETION_INDEX is 5, not a part of --parts 3"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("JOB_COMPLETION_INDEX 5: exit %d, stderr %q", code, stderr)
	}
}
