package component

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sirupsen/logrus"

	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/keboola/manifest"
)

// hashTree returns the SHA-256 of every file (and the name of every
// folder) under dir.
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// triggerWriter calls fire once when the text written to it contains on.
type triggerWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	on   string
	fire func()
}

func (w *triggerWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.on != "" && strings.Contains(w.buf.String(), w.on) {
		w.on = ""
		w.fire()
	}
	return len(p), nil
}

// blockCanceller cancels the run when its table receives block n.
type blockCanceller struct {
	engine.Writer
	n, seen int
	cancel  func()
}

func (c *blockCanceller) WriteBlock(b *column.Block) error {
	if c.seen++; c.seen == c.n {
		c.cancel()
	}
	return c.Writer.WriteBlock(b)
}

// cancelConfig generates three tables, the largest in two blocks and as a
// sliced table, with the validation gate teed to the tables.
func cancelConfig(t *testing.T, seed int) string {
	schema, err := os.ReadFile("../../engine/testdata/mini.json")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"parameters": {"schema": %s, "seed": %d, "scale": 12, "workers": 2,
	  "output": {"sliced_above_rows": 20000, "slice_rows": 30000},
	  "validation": {"min_score": 1, "on_failure": "warn"},
	  "destination": {"bucket": "in.c-test"}}}`, schema, seed)
}

// TestComponentCancelledAnywhereLeavesTheEarlierRun cancels component runs
// before the first table, inside the first and the last table, between
// tables, after the tables are written and before every step of the
// commit: the run fails with the cancellation and the data folder (tables,
// manifests, state, usage) is as the earlier run left it, with no
// temporary file anywhere.
func TestComponentCancelledAnywhereLeavesTheEarlierRun(t *testing.T) {
	type point struct {
		// table cancels when it receives block n.
		table string
		n     int
		// on cancels when the log says this.
		on string
		// step cancels before commit step step (1-based).
		step int
	}
	run := func(t *testing.T, dir string, p point) (int, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if p == (point{}) {
			cancel()
		}
		steps := 0
		stdout := &triggerWriter{on: p.on, fire: cancel}
		o := Options{Stdout: stdout, Stderr: stdout, Environ: map[string]string{"KBC_DATADIR": dir}, Version: "test",
			commitStep: func(string) error {
				if steps++; steps == p.step {
					cancel()
				}
				return nil
			},
			wrap: func(table string, w engine.Writer) engine.Writer {
				if table != p.table {
					return w
				}
				if _, ok := w.(engine.Encoder); !ok {
					t.Error("the table writer does not encode blocks concurrently")
				}
				return &blockCanceller{Writer: w, n: p.n, cancel: cancel}
			}}
		_, err := Run(ctx, o)
		return steps, err
	}
	// The earlier run, copied into every data folder; the next runs use
	// another seed, so that a commit of theirs cannot go unnoticed.
	dir := dataDir(t, cancelConfig(t, 1), `{"k": 1}`)
	if _, err := run(t, dir, point{step: -1}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cancelConfig(t, 2)), 0o644); err != nil {
		t.Fatal(err)
	}
	earlier := func(t *testing.T) string {
		dst := filepath.Join(t.TempDir(), "data")
		if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		return dst
	}
	probe := earlier(t)
	steps, err := run(t, probe, point{step: -1})
	if err != nil {
		t.Fatal(err)
	}
	tables := hashTree(t, filepath.Join(probe, "out", "tables"))
	if _, ok := tables["txn.csv/"]; !ok {
		t.Fatalf("txn is not a sliced table: %v", tables)
	}
	// 4 tables with 4 manifests, state.json, usage.json, the final check.
	if steps != 11 {
		t.Fatalf("%d commit steps, want 11", steps)
	}
	points := map[string]point{
		"before the first table": {},
		"inside the first table": {table: "status", n: 1},
		"inside the last table":  {table: "txn", n: 1},
		"between tables":         {on: "Generated table promo"},
		"after the tables":       {on: "Staged table"},
	}
	for i := 1; i <= steps; i++ {
		points[fmt.Sprintf("commit step %d", i)] = point{step: i}
	}
	for name, p := range points {
		t.Run(name, func(t *testing.T) {
			dir := earlier(t)
			root := filepath.Dir(dir)
			before := hashTree(t, root)
			_, err := run(t, dir, p)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("run = %v, want a cancellation", err)
			}
			after := hashTree(t, root)
			for f, h := range before {
				if g, ok := after[f]; !ok {
					t.Errorf("%s was removed", f)
				} else if g != h {
					t.Errorf("%s changed", f)
				}
			}
			for f := range after {
				if _, ok := before[f]; !ok {
					t.Errorf("%s appeared", f)
				}
			}
		})
	}
}

// TestExportCancelledAnywhereLeavesTheEarlierExport cancels an export
// inside its first table, after it and before every step of its commit:
// the export fails with the cancellation and an earlier export into the
// same folder is intact, with no temporary file beside it.
func TestExportCancelledAnywhereLeavesTheEarlierExport(t *testing.T) {
	p := exportPlan(t)
	data := t.TempDir()
	generateTo(t, p, data, "parquet", 1, 0)
	export := func(ctx context.Context, out string, log io.Writer, step func(string) error) error {
		l := logrus.New()
		l.SetOutput(log)
		_, err := Export(ctx, ExportOptions{Plan: p, Schema: []byte(exportSchema), DataDir: data, OutDir: out,
			Bucket: "in.c-x", Flavour: manifest.Legacy, SlicedAboveRows: 500, SliceRows: 400, Log: l, commitStep: step})
		return err
	}
	steps := 0
	probe := filepath.Join(t.TempDir(), "out")
	if err := export(context.Background(), probe, io.Discard, func(string) error { steps++; return nil }); err != nil {
		t.Fatal(err)
	}
	// u and e (sliced) with manifests, dataset.json, the final check.
	if steps != 6 {
		t.Fatalf("%d commit steps, want 6", steps)
	}
	type point struct {
		on   string
		step int
	}
	points := map[string]point{"after the first table": {on: "Exported table u"}, "before the start": {}}
	for i := 1; i <= steps; i++ {
		points[fmt.Sprintf("commit step %d", i)] = point{step: i}
	}
	for name, pt := range points {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "out")
			if err := export(context.Background(), out, io.Discard, nil); err != nil {
				t.Fatal(err)
			}
			// An earlier export with other content under the same names.
			if err := os.WriteFile(filepath.Join(out, DatasetFile), []byte("{}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			before := hashTree(t, root)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if pt == (point{}) {
				cancel()
			}
			n := 0
			err := export(ctx, out, &triggerWriter{on: pt.on, fire: cancel}, func(string) error {
				if n++; n == pt.step {
					cancel()
				}
				return nil
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("export = %v, want a cancellation", err)
			}
			after := hashTree(t, root)
			if len(after) != len(before) {
				t.Errorf("entries before %d, after %d: %v", len(before), len(after), after)
			}
			for f, h := range before {
				if after[f] != h {
					t.Errorf("%s changed or was removed", f)
				}
			}
		})
	}
}

// TestRunSweepsWhatAKilledRunLeft leaves the scratch folder of a killed
// run beside out/ and checks that the next run removes it and says so.
func TestRunSweepsWhatAKilledRunLeft(t *testing.T) {
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`}}`, "")
	dead := filepath.Join(dir, ".out.datagen-tmp", "run-dead", "new", "tables", "u.csv")
	if err := os.MkdirAll(filepath.Dir(dead), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dead, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(dir, "out", "tables", ".u.csv.tmp-3k2j9")
	if err := os.MkdirAll(filepath.Dir(legacy), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacy, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stdout, _, err := runIn(t, dir, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "Removed 2 temporary entries left by an interrupted run") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, p := range []string{filepath.Join(dir, ".out.datagen-tmp"), legacy} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is left: %v", p, err)
		}
	}
}
