package pipeline_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/outdir"
	"datagen/src/pipeline"
	"datagen/src/plan"
	"datagen/src/sink"
	"datagen/src/validate"
)

func loadPlan(t *testing.T) *plan.Plan {
	t.Helper()
	data, err := os.ReadFile("../engine/testdata/mini.json")
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := dsl.Parse(data, dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tree returns the SHA-256 of every file under dir by relative path.
func tree(t *testing.T, dir string) map[string]string {
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

func sameTree(t *testing.T, want, got map[string]string) {
	t.Helper()
	for p, h := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s was removed", p)
		} else if g != h {
			t.Errorf("%s changed", p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s appeared", p)
		}
	}
}

// hooks are the points where a test cancels a run.
type hooks struct {
	// block cancels when table gets its n-th block.
	table string
	n     int
	// done cancels at the end of this table.
	done string
	// finish cancels while the run's other files are staged.
	finish bool
	// step cancels before the i-th step of the commit (1-based).
	step int
}

// cancelWriter cancels the run when its table receives block n.
type cancelWriter struct {
	engine.Writer
	n      int
	cancel func()
	seen   int
}

func (c *cancelWriter) WriteBlock(b *column.Block) error {
	if c.seen++; c.seen == c.n {
		c.cancel()
	}
	return c.Writer.WriteBlock(b)
}

// generate runs the pipeline as `datagen generate --validate` does: CSV
// files, the validator as a tee, .metadata.json and the report staged
// with the tables. It returns the steps of the commit it went through.
func generate(ctx context.Context, t *testing.T, p *plan.Plan, dir string, seed int64, h hooks, cancel func()) (int, error) {
	val, err := validate.New(p, validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	files2 := pipeline.TableFiles([]sink.Format{sink.CSV}, sink.Options{}, outdir.Part{}, files)
	var mu sync.Mutex
	steps := 0
	_, err = pipeline.Run(ctx, pipeline.Options{
		Plan: p,
		Engine: engine.Options{Seed: seed, Workers: 2, BlockRows: 100, Progress: func(ev engine.Event) {
			if ev.Done && ev.Table == h.done {
				cancel()
			}
		}},
		Dir: dir,
		Output: outdir.Options{Step: func(string) error {
			mu.Lock()
			defer mu.Unlock()
			if steps++; steps == h.step {
				cancel()
			}
			return nil
		}},
		Validator: val,
		Open: func(tx *outdir.Tx, tb *plan.Table, fields []column.Field) (engine.Writer, error) {
			w, err := files2(tx, tb, fields)
			if err != nil || tb.ID() != h.table {
				return w, err
			}
			if _, ok := w.(engine.Encoder); !ok {
				t.Error("the CSV writer lost its concurrent encoding")
			}
			return &cancelWriter{Writer: w, n: h.n, cancel: cancel}, nil
		},
		Finish: func(tx *outdir.Tx, res *engine.Result) error {
			meta := pipeline.Metadata(p, outdir.RunInfo{Seed: seed, Format: "csv"}, res, files)
			b, err := meta.Marshal()
			if err != nil {
				return err
			}
			if err := tx.WriteFile(outdir.MetadataFile(outdir.Part{}), b); err != nil {
				return err
			}
			rep, err := val.Finish()
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := rep.WriteJSON(&buf); err != nil {
				return err
			}
			if h.finish {
				cancel()
			}
			return tx.WriteFile(outdir.ReportFile, buf.Bytes())
		},
	})
	return steps, err
}

// TestCancelledRunLeavesTheEarlierOutput cancels `generate --validate`'s
// pipeline before, inside and between tables, inside the last table,
// while the run's other files are staged and before every step of the
// commit: the run fails with the cancellation, the earlier output of the
// folder is intact byte for byte, and no temporary file is left.
func TestCancelledRunLeavesTheEarlierOutput(t *testing.T) {
	p := loadPlan(t)
	first, last := p.Order[0].ID(), p.Order[len(p.Order)-1].ID()
	// A run that is not cancelled: its commit steps, and the earlier
	// output the cancelled runs must leave alone.
	root := t.TempDir()
	out := filepath.Join(root, "out")
	steps, err := generate(context.Background(), t, p, out, 1, hooks{}, func() {})
	if err != nil {
		t.Fatal(err)
	}
	// The tables, .metadata.json and the report, then the final check.
	if want := len(p.Order) + 3; steps != want {
		t.Fatalf("%d commit steps, want %d", steps, want)
	}
	cases := map[string]hooks{
		"inside the first table":   {table: first, n: 1},
		"inside the last table":    {table: last, n: 3},
		"between tables":           {done: p.Order[1].ID()},
		"after the last table":     {done: last},
		"while staging the others": {finish: true},
	}
	for i := 1; i <= steps; i++ {
		cases[fmt.Sprintf("commit step %d", i)] = hooks{step: i}
	}
	cases["before the first table"] = hooks{}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "out")
			if _, err := generate(context.Background(), t, p, out, 1, hooks{}, func() {}); err != nil {
				t.Fatal(err)
			}
			before := tree(t, root)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if name == "before the first table" {
				cancel()
			}
			_, err := generate(ctx, t, p, out, 2, h, cancel)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("run = %v, want a cancellation", err)
			}
			if !strings.Contains(err.Error(), "no table was written") {
				t.Errorf("error %q does not say that nothing was written", err)
			}
			sameTree(t, before, tree(t, root))
		})
	}
	// The same second run, not cancelled, does replace the tables.
	before := tree(t, out)
	if _, err := generate(context.Background(), t, p, out, 2, hooks{}, func() {}); err != nil {
		t.Fatal(err)
	}
	after := tree(t, out)
	if after[last+".csv"] == before[last+".csv"] {
		t.Error("a run with another seed left the table unchanged")
	}
	if len(tree(t, root)) != len(after)+1 {
		t.Errorf("beside the output folder: %v", tree(t, root))
	}
}

// TestFailingFinishCommitsNothing refuses a run after its tables are
// complete (as a validation gate does).
func TestFailingFinishCommitsNothing(t *testing.T) {
	p := loadPlan(t)
	root := t.TempDir()
	out := filepath.Join(root, "out")
	refused := errors.New("quality score below the minimum")
	_, err := pipeline.Run(context.Background(), pipeline.Options{Plan: p, Dir: out,
		Engine: engine.Options{Seed: 1},
		Open:   pipeline.TableFiles([]sink.Format{sink.Parquet}, sink.Options{}, outdir.Part{}, map[string]string{}),
		Finish: func(*outdir.Tx, *engine.Result) error { return refused }})
	if !errors.Is(err, refused) {
		t.Fatalf("run = %v", err)
	}
	if got := tree(t, root); len(got) != 1 { // root itself
		t.Errorf("left behind: %v", got)
	}
}
