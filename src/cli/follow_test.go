package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"datagen/src/objstore"
	"datagen/src/outdir"
)

// fakeClock is a clock that never waits: After advances it by d and
// fires at once. With block set, After instead reports on block and never
// fires.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	ticks int
	block chan struct{}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ticks++
	if c.block != nil {
		close(c.block)
		c.block = nil
		return make(chan time.Time)
	}
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// runClock runs the command line with clock and returns stdout, stderr
// and the exit code.
func runClock(clock Clock, args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Environ: map[string]string{}, Version: "test", Clock: clock})
	return out.String(), errb.String(), code
}

// sortedLines returns the lines of s, sorted.
func sortedLines(s string) []string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(l)
	return l
}

func TestFollowEmitsTheWindowedRows(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)
	cases := []struct {
		name   string
		schema string
		now    time.Time
		tick   string
		// window is the --from/--until of both runs.
		window  []string
		windows int
	}{
		// (-inf, now), 4 ticks of 80 days inside the timeframe, then the
		// unbounded rest.
		{"from the beginning", shop, start.Add(40 * 24 * time.Hour), "1920h", nil, 6},
		{"between --from and --until", shop, start.Add(100 * 24 * time.Hour), "720h",
			[]string{"--from", "2025-02-01", "--until", "2025-06-15T12:00:00Z"}, 4},
		// An open timeline, whose tables grow with the clock.
		{"open timeline", "../../docs/examples/shop_stream.json", start.Add(10 * 24 * time.Hour), "240h",
			[]string{"--until", "2025-02-15"}, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, stderr, code := runClock(nil, append([]string{"generate", c.schema, "-o", "-", "--seed", "7"}, c.window...)...)
			if code != 0 {
				t.Fatalf("generate -o -: exit %d: %s", code, stderr)
			}
			clock := &fakeClock{now: c.now}
			args := append([]string{"generate", c.schema, "-o", "-", "--seed", "7", "--follow", "--tick", c.tick, "--workers", "3"}, c.window...)
			got, stderr, code := runClock(clock, args...)
			if code != 0 {
				t.Fatalf("--follow: exit %d: %s", code, stderr)
			}
			if n := strings.Count(stderr, "window ["); n != c.windows {
				t.Errorf("%d windows, want %d:\n%s", n, c.windows, stderr)
			}
			if clock.Now().Before(end) && c.window == nil {
				t.Errorf("follow ended at %s, before the end of the timeframe", clock.Now())
			}
			w, g := sortedLines(want), sortedLines(got)
			if len(w) < 1000 {
				t.Fatalf("only %d rows", len(w))
			}
			if !slices.Equal(w, g) {
				t.Errorf("--follow wrote %d rows, the windowed run %d, or other rows", len(g), len(w))
			}
		})
	}
}

func TestFollowStopsOnASignal(t *testing.T) {
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	first, stderr, code := runClock(nil, "generate", shop, "-o", "-", "--until", "2025-03-01", "--seed", "7")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range signalCases[:2] {
		t.Run(s.name, func(t *testing.T) {
			sig := newFakeSignals()
			clock := &fakeClock{now: now, block: make(chan struct{})}
			waiting := clock.block
			var out, errb bytes.Buffer
			done := make(chan int)
			go func() {
				done <- run(context.Background(), []string{"generate", shop, "-o", "-", "--follow", "--seed", "7"},
					Env{Stdout: &out, Stderr: &errb, Environ: map[string]string{}, Version: "test", Clock: clock}, sig.signals())
			}()
			<-waiting
			if !sig.send(syscall.Signal(s.sig)) {
				t.Fatal("--follow does not listen for signals")
			}
			if code := <-done; code != s.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, s.code, errb.String())
			}
			if out.String() != first {
				t.Errorf("stdout holds %d bytes, the window before the signal %d", out.Len(), len(first))
			}
			if msg := "datagen generate: cancelled by " + s.name + "\n"; !strings.HasSuffix(errb.String(), msg) {
				t.Errorf("stderr does not end with %q:\n%s", msg, errb.String())
			}
		})
	}
}

func TestFollowFolders(t *testing.T) {
	dir := t.TempDir()
	clock := &fakeClock{now: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)}
	_, stderr, code := runClock(clock, "generate", shop, "-o", dir, "--format", "csv", "--follow", "--tick", "720h", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files := snapshot(t, dir)
	for _, name := range []string{"begin--20251101T000000.000000Z/orders.csv", "20251101T000000.000000Z--20251201T000000.000000Z/orders.csv",
		"20251201T000000.000000Z--20251231T000000.000000Z/orders.csv", "20251231T000000.000000Z--end/orders.csv",
		"20251231T000000.000000Z--end/.metadata.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("no %s; files: %v", name, keys(files))
		}
	}
	if len(files) != 4*7 {
		t.Errorf("%d files, want 4 windows of 6 tables and .metadata.json: %v", len(files), keys(files))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestFollowFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--tick", "1s"}, "--tick works only with --follow"},
		{[]string{"--follow", "--tick", "0s"}, "--tick must be positive"},
		{[]string{"--follow", "--validate"}, "--follow cannot be combined with --validate"},
		{[]string{"-o", "-", "--validate"}, "-o - (NDJSON on stdout) cannot be combined with --validate"},
		{[]string{"-o", "-", "--format", "parquet"}, "-o - (NDJSON on stdout) writes NDJSON: --format parquet cannot apply"},
		{[]string{"-o", "-", "--format", "csv,parquet"}, "-o - (NDJSON on stdout) writes NDJSON: --format csv,parquet cannot apply"},
		{[]string{"-o", "-", "--compression", "zstd"}, "-o - (NDJSON on stdout) writes NDJSON: --compression (Parquet) cannot apply"},
	} {
		_, stderr, code := runClock(&fakeClock{}, append([]string{"generate", shop}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", c.args, code, stderr, c.msg)
		}
	}
}

// TestFollowReportsWindows: each window is reported on stderr as one line
// (documented begin/end labels for an open side), in NDJSON and folder
// modes alike, or as one JSON object with --log-format json.
func TestFollowReportsWindows(t *testing.T) {
	now := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	lineRE := regexp.MustCompile(`^window \[(begin|\d{4}-\d\d-\d\dT[0-9:]+Z), (end|\d{4}-\d\d-\d\dT[0-9:]+Z)\): \d+ rows( in .+)?$`)
	dir := t.TempDir()
	for _, c := range []struct {
		name  string
		args  []string
		first string
	}{
		{"ndjson", []string{"-o", "-"}, "window [begin, 2025-11-01T00:00:00Z): "},
		{"folders", []string{"-o", dir, "--format", "csv"}, "window [begin, 2025-11-01T00:00:00Z): "},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, code := runClock(&fakeClock{now: now}, append([]string{"generate", shop, "--follow", "--tick", "720h"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) != 4 || !strings.HasPrefix(lines[0], c.first) || !strings.HasPrefix(lines[3], "window [2025-12-31T00:00:00Z, end): ") {
				t.Errorf("stderr, want 4 window lines from begin to end:\n%s", stderr)
			}
			for _, l := range lines {
				if !lineRE.MatchString(l) {
					t.Errorf("not a window line: %q", l)
				}
			}
			if c.name == "folders" {
				if out != "" {
					t.Errorf("stdout: %q", out)
				}
				if want := " in " + filepath.Join(dir, "begin--20251101T000000.000000Z"); !strings.HasSuffix(lines[0], want) {
					t.Errorf("first line %q does not end with %q", lines[0], want)
				}
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		_, stderr, code := runClock(&fakeClock{now: now}, "generate", shop, "-o", "-", "--follow", "--tick", "720h", "--log-format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if len(lines) != 4 {
			t.Fatalf("%d lines, want 4:\n%s", len(lines), stderr)
		}
		for i, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("not JSON: %q", l)
			}
			msg, _ := m["msg"].(string)
			if !lineRE.MatchString(msg) || m["rows"] == nil || (i == 0 && m["from"] != "begin") || (i == 3 && m["until"] != "end") {
				t.Errorf("line %d: %q", i, l)
			}
		}
	})
}

// TestFollowToObjectStorage: --follow into an object storage prefix
// writes one folder per window, each committed whole (its .metadata.json
// last, no journal left), with the bytes of the same windows written into
// a local folder.
func TestFollowToObjectStorage(t *testing.T) {
	start := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	args := []string{"generate", shop, "--format", "csv", "--follow", "--tick", "720h", "--quiet", "--seed", "7"}
	if _, stderr, code := runClock(&fakeClock{now: start}, append(args, "-o", dir)...); code != 0 {
		t.Fatalf("into a folder: exit %d: %s", code, stderr)
	}
	want := snapshot(t, dir)
	backend, env := s3Env(t, "lake")
	var out, errb bytes.Buffer
	code := Run(context.Background(), append(args, "-o", "s3://lake/stream"),
		Env{Stdout: &out, Stderr: &errb, Environ: env, Version: "test", Clock: &fakeClock{now: start}})
	if code != 0 {
		t.Fatalf("into s3://: exit %d: %s", code, errb.String())
	}
	got := map[string]string{}
	for k, v := range s3Objects(t, backend, "lake", "stream/") {
		got[filepath.FromSlash(k)] = string(v)
	}
	if len(got) != len(want) || len(want) != 4*7 {
		t.Errorf("%d objects, %d local files, want 4 windows of 6 tables and .metadata.json: %v", len(got), len(want), keys(got))
	}
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("no object %s", name)
		case filepath.Base(name) == ".metadata.json":
			// Its generation time and seconds differ.
			if !strings.Contains(g, `"window"`) {
				t.Errorf("%s: %s", name, g)
			}
		case g != w:
			t.Errorf("%s: %d bytes, the local file has %d", name, len(g), len(w))
		}
	}
}

// TestFollowRestartRecoversWindow: a stream restarted at once after it
// was killed in the middle of a window's commit rolls that window back,
// although its journal is young: the restarted stream's windows are other
// folders, and the dead window's tables must not stay visible beside
// them.
func TestFollowRestartRecoversWindow(t *testing.T) {
	start := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	backend, env := s3Env(t, "lake")
	store, err := objstore.Open(context.Background(), objstore.Location{Scheme: "s3", Bucket: "lake"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	const dead = "20251031T000000.000000Z--20251031T120000.000000Z"
	tx, err := outdir.BeginRemote(context.Background(), store, "stream/"+dead+"/", outdir.Options{Scratch: t.TempDir(),
		Step: func(entry string) error {
			if entry == outdir.MetadataFile(outdir.Part{}) {
				runtime.Goexit() // killed: no rollback runs
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := tx.Create("orders.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("id\n1\n")); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.WriteFile(outdir.MetadataFile(outdir.Part{}), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = tx.Commit(context.Background())
	}()
	<-done
	if got := keys(s3Objects(t, backend, "lake", "stream/")); !slices.Equal(got, []string{dead + "/.datagen-journal.json", dead + "/orders.csv"}) {
		t.Fatalf("after the crash: %v", got)
	}
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"generate", shop, "--format", "csv", "--follow", "--tick", "720h", "--seed", "7", "-o", "s3://lake/stream"},
		Env{Stdout: &out, Stderr: &errb, Environ: env, Version: "test", Clock: &fakeClock{now: start}})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if want := "the commit, begun at "; !strings.Contains(errb.String(), want) ||
		!strings.Contains(errb.String(), "was interrupted ("+dead+"/.datagen-journal.json): rolled back, 2 object(s) removed") {
		t.Errorf("stderr does not report the rollback:\n%s", errb.String())
	}
	for _, k := range keys(s3Objects(t, backend, "lake", "stream/")) {
		if strings.HasPrefix(k, dead+"/") {
			t.Errorf("the killed window's %s is still there", k)
		}
	}
}
