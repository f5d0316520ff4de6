package cli

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/objstore"
	"datagen/src/outdir"
	"datagen/src/pipeline"
	"datagen/src/plan"
)

// newIndexCmd builds `datagen index`.
func newIndexCmd(e *cliEnv) *cobra.Command {
	var f generateFlags
	cmd := &cobra.Command{
		Use:   "index SCHEMA --parts N",
		Short: "Prepare a run split into parts: count the children of every parent once",
		Long: `Compute the count index of a run split into N parts and write it into the
output folder as .index-of-NNNNN.json (.index-of-01000.json for 1000 parts). A part of a fact split by parent range
starts at the number of children of every parent before its own; without the
index each part draws those counts itself, a fixed cost of every part that does
not shrink with the share (about half of a part of a billion-row run split
into 1000). The parts of the run (datagen generate --parts N --part K, same
schema, seed, scale and window, same -o) find the index in the folder and
draw the counts of their own parents only.

The index is a few numbers per part and fact. It belongs to one run: a part
whose options differ from the index's stops with an error naming them, and
leaves nothing behind. Run the index once, before the parts (docs/scale.md).`,
		Example: `  datagen index schema.json --parts 1000 -o s3://bucket/run-42 --seed 42
  datagen generate schema.json --parts 1000 --part 7 -o s3://bucket/run-42 --seed 42`,
		Args: positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := windowFlagsGiven(cmd); err != nil {
				return err
			}
			return e.runIndex(cmd.Context(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "output-dir", "o", "output", "the output folder of the split run, or object storage: s3://bucket/prefix, gs://bucket/prefix, az://container/prefix")
	fl.IntVar(&f.parts, "parts", 0, "the number of parts of the run (at least 2)")
	fl.Int64Var(&f.seed, "seed", 42, "master seed of the run")
	fl.Float64Var(&f.scale, "scale", 1, "the run's --scale")
	fl.Int64Var(&f.sample, "dry-run-sample", 0, "the run's --dry-run-sample")
	fl.StringVar(&f.from, "from", "", "the run's --from (ISO 8601; an offset is converted to UTC, none means UTC)")
	fl.StringVar(&f.until, "until", "", "the run's --until (ISO 8601; an offset is converted to UTC, none means UTC; required for an open timeline: the same --until as every part)")
	fl.IntVar(&f.workers, "workers", runtime.NumCPU(), "parallel workers (does not change the index)")
	fl.StringVar(&f.maxMemory, "max-memory", "8GiB", "refuse a run whose estimated memory is larger (512MiB, 16GB)")
	fl.BoolVar(&f.lenient, "lenient", false, "accept unknown keys (warnings instead of errors), for older schemas")
	fl.BoolVar(&f.noProgress, "quiet", false, "no summary line")
	return e.cancellable(cmd)
}

func (e *cliEnv) runIndex(ctx context.Context, schemaPath string, f generateFlags) error {
	if f.parts < 2 {
		return usagef("--parts must be at least 2 (the number of parts of the run), got %d", f.parts)
	}
	// The checks of generate apply to the run's options.
	f.format, f.compress, f.blockRows, f.minScore = "csv", "snappy", engine.DefaultBlockRows, 0
	if err := f.check(); err != nil {
		return err
	}
	if f.out == stdoutDir {
		return usagef("-o -: the index is a file of the output folder; give the folder the parts write to")
	}
	var folder outdir.Folder = outdir.LocalFolder(f.out)
	if objstore.IsURL(f.out) {
		store, loc, err := e.openStore(ctx, f.out, "-o "+f.out)
		if err != nil {
			return err
		}
		folder = outdir.RemoteFolder{Store: store, Prefix: loc.Prefix}
	} else if err := outdir.CheckDir(f.out); err != nil {
		return err
	}
	p, _, err := e.loadPlan(schemaPath, f.lenient)
	if err != nil {
		return err
	}
	if p.Schema.Timeframe.Open && f.until == "" {
		// Without --until each run of an open timeline ends when it
		// starts: the index and every part would end at another time.
		return usagef("%s has an open timeline: give --until, and the same --until to the index and every part of the run", schemaPath)
	}
	win, _ := f.window()
	if win, err = openWindow(p.Schema.Timeframe, win, e.clock.Now()); err != nil {
		return err
	}
	maxMem, _ := engine.ParseBytes(f.maxMemory)
	info := outdir.RunInfo{Seed: f.seed, Scale: f.scale, Window: windowInfo(win), SampleRows: f.sample,
		Part: outdir.Part{N: f.parts}, Version: e.version}
	x, err := pipeline.BuildIndex(ctx, p, info, engine.Options{Seed: f.seed, Workers: f.workers, Parts: f.parts,
		Scale: f.scale, SampleRows: f.sample, MaxMemory: maxMem, Window: win})
	if err != nil {
		return err
	}
	b, err := x.Marshal()
	if err != nil {
		return err
	}
	// The last step: a cancelled run writes nothing.
	if err := context.Cause(ctx); err != nil {
		return err
	}
	name := outdir.IndexFile(f.parts)
	if !objstore.IsURL(f.out) {
		if err := os.MkdirAll(f.out, 0o755); err != nil {
			return input.User(fmt.Errorf("-o %s: %w", f.out, err))
		}
	}
	if err := folder.WriteFile(ctx, name, b); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if !f.noProgress {
		fmt.Fprintf(e.stdout, "Wrote the count index of %d parts (%d facts split by parent range) to %s\n", f.parts, len(x.Facts), inFolder(folder, name))
	}
	return nil
}

// inFolder names file rel of folder in messages.
func inFolder(folder outdir.Folder, rel string) string {
	return strings.TrimSuffix(folder.String(), "/") + "/" + rel
}

// partIndex reads the count index of the split run f from its output
// folder (store and prefix for object storage) and checks that it was
// computed for this run; it returns nil for a whole run or a folder
// without an index.
func (e *cliEnv) partIndex(ctx context.Context, p *plan.Plan, f generateFlags, store objstore.Store, prefix string, info outdir.RunInfo) (*engine.CountIndex, error) {
	if f.parts < 2 || f.out == stdoutDir {
		return nil, nil
	}
	var folder outdir.Folder = outdir.LocalFolder(f.out)
	if store != nil {
		folder = outdir.RemoteFolder{Store: store, Prefix: prefix}
	} else if err := outdir.CheckDir(f.out); err != nil {
		// Said as the run would say it, not as a failure to read the
		// index inside a file.
		return nil, fmt.Errorf("preparing the output folder: %w", err)
	}
	x, err := pipeline.ReadIndex(ctx, folder, f.parts)
	if err != nil || x == nil {
		return nil, err
	}
	where := inFolder(folder, outdir.IndexFile(f.parts))
	if err := x.Check(p, info, where); err != nil {
		return nil, err
	}
	if !f.noProgress {
		fmt.Fprintf(e.stderr, "Using the count index %s\n", where)
	}
	return &x.CountIndex, nil
}
