package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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

// runPartProcesses runs the n parts of a split run as n child processes
// of the test binary, started together; each gets JOB_COMPLETION_INDEX=k
// and env besides the process environment, and runs the command line
// args(k). It fails the test naming every part that failed.
func runPartProcesses(t *testing.T, n int, env []string, args func(k int) []string) {
	t.Helper()
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for k := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPartProcessChild$", "-test.count=1")
		cmd.Env = append(append(os.Environ(), env...), "JOB_COMPLETION_INDEX="+strconv.Itoa(k),
			"DATAGEN_PART_CHILD_ARGS="+strings.Join(args(k), "\x1f"))
		outs[k] = &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = outs[k], outs[k]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[k] = cmd
	}
	for k, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("part %d: %v\n%s", k, err, outs[k])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// TestPartProcessChild is the child process of runPartProcesses: it runs
// the command line it is given with the process's environment.
func TestPartProcessChild(t *testing.T) {
	args := os.Getenv("DATAGEN_PART_CHILD_ARGS")
	if args == "" {
		t.Skip("run by runPartProcesses")
	}
	var out, errb bytes.Buffer
	if code := Run(context.Background(), strings.Split(args, "\x1f"), Env{Stdout: &out, Stderr: &errb, Version: "test"}); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
}

// TestConcurrentPartsFinalize runs the four parts of a split run at the
// same time, as four processes, into one folder (one of them taking its
// part from JOB_COMPLETION_INDEX only, as in a Kubernetes Indexed Job):
// their union is the single run byte for byte, finalize accepts it and
// sums the rows, and finalize fails naming a part that is removed.
func TestConcurrentPartsFinalize(t *testing.T) {
	whole := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", whole, "--format", "csv", "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	dir := filepath.Join(t.TempDir(), "out")
	const n = 4
	// Parts 0-2 are given --part, part 3 takes JOB_COMPLETION_INDEX.
	runPartProcesses(t, n, nil, func(k int) []string {
		args := []string{"generate", shop, "-o", dir, "--format", "csv", "--quiet", "--workers", "1", "--parts", strconv.Itoa(n)}
		if k < 3 {
			args = append(args, "--part", strconv.Itoa(k))
		}
		return args
	})
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
	// A part's manifest names its part; the finalized metadata, of every
	// part, names none.
	if part, ok := total["part"]; ok || total["parts"] != float64(n) {
		t.Errorf("finalized metadata: part %v (%v), parts %v; want no part and %d parts", part, ok, total["parts"], n)
	}
	if m := readMeta(t, filepath.Join(dir, ".metadata.part-00002-of-00004.json")); m["part"] != float64(2) || m["parts"] != float64(n) {
		t.Errorf("manifest of part 2: part %v of %v", m["part"], m["parts"])
	}
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
		"orders/part-00002-of-00004.csv: its part's manifest is missing"} {
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
	_, stderr, code = datagenEnv(t, map[string]string{"JOB_COMPLETION_INDEX": "x"}, "generate", shop, "-o", dir, "--parts", "3")
	if want := `JOB_COMPLETION_INDEX must be a part number (0, 1, ...), got "x"`; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("JOB_COMPLETION_INDEX x: exit %d, stderr %q", code, stderr)
	}
	// Without --parts the index is not a part: a whole run.
	whole := t.TempDir()
	if _, stderr, code := datagenEnv(t, map[string]string{"JOB_COMPLETION_INDEX": "5"}, "generate", shop, "-o", whole,
		"--format", "csv", "--quiet", "--dry-run-sample", "10"); code != 0 {
		t.Fatalf("JOB_COMPLETION_INDEX without --parts: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(whole, "orders.csv")); err != nil {
		t.Errorf("JOB_COMPLETION_INDEX without --parts: %v", err)
	}
}

// TestFinalizeChangedFiles: a part file whose size differs from its
// manifest fails finalize; one of the same size with other bytes fails
// only with --verify.
func TestFinalizeChangedFiles(t *testing.T) {
	dir := t.TempDir()
	for k := range 2 {
		if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", "csv", "--quiet", "--parts", "2",
			"--part", strconv.Itoa(k), "--dry-run-sample", "50"); code != 0 {
			t.Fatal(stderr)
		}
	}
	file := filepath.Join(dir, "customer", "part-00001-of-00002.csv")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Clone(orig)
	changed[len(changed)-2] ^= 1 // same size, other bytes
	if err := os.WriteFile(file, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := datagen(t, "finalize", dir); code != 0 {
		t.Errorf("same sizes without --verify: exit %d: %s", code, stderr)
	}
	_, stderr, code := datagen(t, "finalize", dir, "--verify")
	if want := "part 1: customer/part-00001-of-00002.csv: SHA-256 "; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("--verify: exit %d, want 1 and %q in %q", code, want, stderr)
	}
	if err := os.WriteFile(file, append(orig, "9999,x\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = datagen(t, "finalize", dir)
	want := fmt.Sprintf("part 1: customer/part-00001-of-00002.csv has %d bytes, its manifest .metadata.part-00001-of-00002.json says %d", len(orig)+7, len(orig))
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("longer file: exit %d, want 1 and %q in %q", code, want, stderr)
	}
}

// TestExportSplitRun: export reads the part folders of a split run,
// before and after finalize and next to CSV parts, and writes the tables
// of an export of the single run byte for byte.
func TestExportSplitRun(t *testing.T) {
	single, ref := t.TempDir(), t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", single, "--format", "parquet", "--seed", "3"); code != 0 {
		t.Fatalf("single run: exit %d: %s", code, stderr)
	}
	if _, stderr, code := datagen(t, "export", shop, "-d", single, "-o", ref); code != 0 {
		t.Fatalf("export of the single run: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		name     string
		format   string
		finalize bool
	}{
		{"parts", "parquet", false},
		{"finalized", "parquet", true},
		{"csv and parquet", "csv,parquet", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, out := t.TempDir(), t.TempDir()
			for k := range 2 {
				if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", tc.format, "--seed", "3",
					"--parts", "2", "--part", strconv.Itoa(k)); code != 0 {
					t.Fatalf("part %d: exit %d: %s", k, code, stderr)
				}
			}
			if tc.finalize {
				if _, stderr, code := datagen(t, "finalize", dir); code != 0 {
					t.Fatalf("finalize: exit %d: %s", code, stderr)
				}
			}
			if _, stderr, code := datagen(t, "export", shop, "-d", dir, "-o", out); code != 0 {
				t.Fatalf("export: exit %d: %s", code, stderr)
			}
			for _, id := range shopTables {
				for _, f := range []string{id + ".csv", id + ".csv.manifest"} {
					want, err1 := os.ReadFile(filepath.Join(ref, f))
					got, err2 := os.ReadFile(filepath.Join(out, f))
					if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
						t.Errorf("%s differs from the export of the single run (%v, %v)", f, err1, err2)
					}
				}
			}
			b, err := os.ReadFile(filepath.Join(out, "dataset.json"))
			if err != nil || !strings.Contains(string(b), `"orders/part-00001-of-00002.parquet"`) || !strings.Contains(string(b), `"seed": 3`) {
				t.Errorf("dataset.json (%v):\n%s", err, b)
			}
		})
	}
}

// TestRerunPartRemovesFinalizedMetadata: a part that runs again into a
// finalized folder removes its .metadata.json (it would describe parts
// that are no longer there), locally and in object storage; finalize
// then writes it anew.
func TestRerunPartRemovesFinalizedMetadata(t *testing.T) {
	backend, env := s3Env(t, "lake")
	for _, tc := range []struct {
		name string
		out  string
		meta func() (string, bool)
	}{
		{"local", filepath.Join(t.TempDir(), "st"), nil},
		{"s3", "s3://lake/st", func() (string, bool) {
			m, ok := s3Objects(t, backend, "lake", "st/.metadata.json")[""]
			return string(m), ok
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			meta := tc.meta
			if meta == nil {
				meta = func() (string, bool) {
					b, err := os.ReadFile(filepath.Join(tc.out, ".metadata.json"))
					return string(b), err == nil
				}
			}
			gen := func(seed, k string) {
				t.Helper()
				if _, stderr, code := datagenEnv(t, env, "generate", shop, "-o", tc.out, "--format", "csv", "--seed", seed,
					"--parts", "2", "--part", k, "--quiet"); code != 0 {
					t.Fatalf("part %s: exit %d: %s", k, code, stderr)
				}
			}
			gen("7", "0")
			gen("7", "1")
			if _, stderr, code := datagenEnv(t, env, "finalize", tc.out); code != 0 {
				t.Fatalf("finalize: exit %d: %s", code, stderr)
			}
			if m, ok := meta(); !ok || !strings.Contains(m, `"seed": 7`) {
				t.Fatalf("finalized .metadata.json: %v %s", ok, m)
			}
			gen("9", "0")
			if m, ok := meta(); ok {
				t.Errorf("a rerun part left the finalized .metadata.json:\n%s", m)
			}
			gen("9", "1")
			if _, stderr, code := datagenEnv(t, env, "finalize", tc.out); code != 0 {
				t.Fatalf("finalize again: exit %d: %s", code, stderr)
			}
			if m, ok := meta(); !ok || !strings.Contains(m, `"seed": 9`) {
				t.Errorf(".metadata.json after finalizing again: %v %s", ok, m)
			}
		})
	}
}

// TestFinalizeNamesTheStrayPart: the run is the number of parts most
// manifests hold. A manifest of another split is the one problem named,
// with its files, and the files of a part whose manifest is missing are
// named as such.
func TestFinalizeNamesTheStrayPart(t *testing.T) {
	gen := func(t *testing.T, dir string, parts, k int) {
		t.Helper()
		if _, stderr, code := datagen(t, "generate", shop, "-o", dir, "--format", "csv", "--quiet", "--parts", strconv.Itoa(parts),
			"--part", strconv.Itoa(k), "--dry-run-sample", "40"); code != 0 {
			t.Fatal(stderr)
		}
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   []string
	}{
		{"a part of another split", func(t *testing.T, dir string) { gen(t, dir, 2, 0) }, []string{
			".metadata.part-00000-of-00002.json is a part of a run split into 2 parts; this run has 4: remove it and the 6 files it lists",
		}},
		{"a manifest removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, ".metadata.part-00002-of-00004.json")); err != nil {
				t.Fatal(err)
			}
		}, append([]string{"1 of 4 parts are missing: part 2 (.metadata.part-00002-of-00004.json)"}, func() []string {
			var out []string
			for _, id := range []string{"customer", "order_line", "order_status", "orders", "product", "promotion"} {
				out = append(out, id+"/part-00002-of-00004.csv: its part's manifest is missing")
			}
			return out
		}()...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for k := range 4 {
				gen(t, dir, 4, k)
			}
			tc.change(t, dir)
			_, stderr, code := datagen(t, "finalize", dir)
			head := fmt.Sprintf("%s is not a complete split run (%d problem(s)):", dir, len(tc.want))
			got := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != 1 || len(got) != len(tc.want)+1 || !strings.HasSuffix(got[0], head) {
				t.Fatalf("exit %d, want 1 and %q with %d problems:\n%s", code, head, len(tc.want), stderr)
			}
			for i, w := range tc.want {
				if strings.TrimSpace(got[i+1]) != w {
					t.Errorf("problem %d: %q, want %q", i, strings.TrimSpace(got[i+1]), w)
				}
			}
		})
	}
}

// TestFinalizeOtherSplitJournal: a commit journal of a part of another
// split in the prefix does not stop finalize of a complete run: it is
// told on stderr.
func TestFinalizeOtherSplitJournal(t *testing.T) {
	backend, env := s3Env(t, "lake")
	for k := range 2 {
		if _, stderr, code := datagenEnv(t, env, "generate", shop, "-o", "s3://lake/st", "--format", "csv", "--seed", "7",
			"--parts", "2", "--part", strconv.Itoa(k), "--quiet"); code != 0 {
			t.Fatalf("part %d: exit %d: %s", k, code, stderr)
		}
	}
	body := []byte(`{"started":"2000-01-01T00:00:00Z","objects":[{"path":"orders/part-00001-of-00003.csv"}],"last":"orders/part-00001-of-00003.csv","last_sha256":"0"}`)
	if _, err := backend.PutObject("lake", "st/.datagen-journal.part-00001-of-00003.json", nil, bytes.NewReader(body), int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := datagenEnv(t, env, "finalize", "s3://lake/st")
	if code != 0 {
		t.Fatalf("finalize: exit %d: %s", code, stderr)
	}
	// The store wrote the journal just now: it may be a commit in progress.
	want := "s3://lake/st/: part 1's commit began at 2000-01-01T00:00:00Z and has not finished (.datagen-journal.part-00001-of-00003.json)"
	if !strings.Contains(stderr, want) || !strings.Contains(stderr, "(a run split into 3 parts; this run has 2)\n") {
		t.Errorf("stderr:\n%s\nwant %q", stderr, want)
	}
}

// TestFinalizeNotAFolder: a missing folder or a file is named as such in
// one line, exit 1.
func TestFinalizeNotAFolder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.csv")
	if err := os.WriteFile(file, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nonexist")
	for _, tc := range []struct{ arg, want string }{
		{missing, "error: " + missing + ": no such folder\n"},
		{file, "error: " + file + " is not a folder\n"},
	} {
		stdout, stderr, code := datagen(t, "finalize", tc.arg)
		if code != 1 || stderr != tc.want || stdout != "" {
			t.Errorf("finalize %s: exit %d, stdout %q, stderr %q; want 1 and %q", tc.arg, code, stdout, stderr, tc.want)
		}
	}
}
