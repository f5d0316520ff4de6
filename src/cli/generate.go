package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/keboola/manifest"
	"datagen/src/objstore"
	"datagen/src/outdir"
	"datagen/src/pipeline"
	"datagen/src/plan"
	"datagen/src/sink"
	"datagen/src/validate"
)

// generateFlags are the options of `datagen generate`.
type generateFlags struct {
	out     string
	seed    int64
	format  string
	workers int
	parts   int
	part    int
	// partFromEnv: part was read from $JOB_COMPLETION_INDEX.
	partFromEnv bool
	sample      int64
	scale       float64
	maxMemory   string
	lenient     bool
	blockRows   int
	compress    string
	// formatSet and compressSet: --format and --compression were given.
	formatSet, compressSet bool
	noProgress             bool
	// from and until bound the time window (ISO 8601; "" = unbounded)
	from, until string
	// follow keeps writing the rows whose time passes the clock, every
	// tick (follow.go).
	follow bool
	tick   time.Duration
	// validate while generating
	validate bool
	minScore float64
	// upload after generating
	upload bool
	up     uploadFlags
}

// newGenerateCmd builds `datagen generate`.
func newGenerateCmd(e *cliEnv) *cobra.Command {
	var f generateFlags
	cmd := &cobra.Command{
		Use:   "generate SCHEMA",
		Short: "Generate the tables of a schema",
		Long: `Generate every table of SCHEMA into the output directory: one file per node
(<node id>.parquet or <node id>.csv) and .metadata.json. The data is a pure
function of the schema, the seed and the format version: the number of workers,
the block size and splitting into parts never change it.

With --parts N --part K each table is a folder of part files,
<node id>/part-0000K-of-0000N.<ext>, and the part's manifest is
.metadata.part-0000K-of-0000N.json; run the N parts anywhere, at the same
time, then "datagen finalize" on the folder ("datagen index" before them
spares every part the counts of all parents: a part finds the index in its
output folder and says so). With --parts, --part defaults
to $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). The output may be object
storage: -o s3://bucket/prefix, gs://bucket/prefix or az://container/prefix,
with each provider's standard credentials (see docs/scale.md); files stream
there and appear when the run or part commits.

--from and --until write only the rows whose time falls in [from, until):
facts by their event time, entities by their creation time (a node's
"time_column"); tables without one are written whole in the window that holds
the timeframe's start. Consecutive windows together equal one run over their
union (docs/continuous.md). In an open timeline ("end": "open") --until
defaults to now.

-o - writes the rows to stdout as NDJSON (one object a line, the table in
"_table"), without .metadata.json; --format and --compression do not apply.
--follow keeps going after the rows up to now: every --tick it writes the
rows whose time has passed the clock, as NDJSON with -o -, else as one
folder per window under the output directory or object storage prefix, each
committed whole (docs/continuous.md).`,
		Example: `  datagen generate schema.json -o out --seed 42
  datagen generate schema.json -o out --format csv --workers 1
  datagen generate schema.json -o out --format csv --parts 4 --part 2
  datagen generate schema.json -o s3://bucket/run-42 --parts 100 --part 7
  datagen generate schema.json -o out --dry-run-sample 1000
  datagen generate schema.json -o out --scale 10
  datagen generate schema.json -o out --from 2025-01-01 --until 2025-02-01
  datagen generate schema.json -o - --follow | jq -c 'select(._table == "orders")'`,
		Args: positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needs(cmd, "upload", "bucket", "table-prefix", "incremental", "url"); err != nil {
				return err
			}
			if err := needs(cmd, "validate", "min-score"); err != nil {
				return err
			}
			if err := needs(cmd, "follow", "tick"); err != nil {
				return err
			}
			if err := windowFlagsGiven(cmd); err != nil {
				return err
			}
			f.formatSet, f.compressSet = cmd.Flags().Changed("format"), cmd.Flags().Changed("compression")
			if !cmd.Flags().Changed("part") && f.parts > 1 {
				part, err := e.completionIndex()
				if err != nil {
					return err
				}
				f.part, f.partFromEnv = part, true
			}
			return e.runGenerate(cmd.Context(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "output-dir", "o", "output", "output directory, or object storage: s3://bucket/prefix, gs://bucket/prefix, az://container/prefix; - writes the rows to stdout as NDJSON, one object a line with the table in \"_table\"")
	fl.Int64Var(&f.seed, "seed", 42, "master seed")
	fl.StringVar(&f.format, "format", "parquet", "output format: parquet, csv, or both (csv,parquet: one generation, two files per table)")
	fl.IntVar(&f.workers, "workers", runtime.NumCPU(), "parallel workers (does not change the data)")
	fl.IntVar(&f.parts, "parts", 1, "split the run into this many parts")
	fl.IntVar(&f.part, "part", 0, "the part this run writes, 0 .. parts-1 (default: $JOB_COMPLETION_INDEX with --parts, else 0)")
	fl.Int64Var(&f.sample, "dry-run-sample", 0, "preview: cap every table at this many rows")
	fl.Float64Var(&f.scale, "scale", 1, "multiply the row counts of entities and parent-less facts")
	fl.StringVar(&f.maxMemory, "max-memory", "8GiB", "refuse a run whose estimated memory is larger (512MiB, 16GB); see docs/limits.md")
	fl.BoolVar(&f.lenient, "lenient", false, "accept unknown keys (warnings instead of errors), for older schemas")
	fl.IntVar(&f.blockRows, "block-rows", engine.DefaultBlockRows, "rows per unit of work (does not change the data)")
	fl.StringVar(&f.compress, "compression", "snappy", "Parquet compression: snappy, zstd or none")
	fl.BoolVar(&f.noProgress, "quiet", false, "no progress output")
	fl.StringVar(&f.from, "from", "", "write only rows whose time is at or after this instant (ISO 8601; an offset is converted to UTC, none means UTC)")
	fl.StringVar(&f.until, "until", "", "write only rows whose time is before this instant (ISO 8601; an offset is converted to UTC, none means UTC; an open timeline: default now)")
	fl.BoolVar(&f.follow, "follow", false, "after the rows up to now, keep writing rows as their time passes the clock: NDJSON on stdout with -o -, else one folder per window under the output directory (docs/continuous.md)")
	fl.DurationVar(&f.tick, "tick", time.Second, "with --follow: how often to write the rows whose time has passed")
	fl.BoolVar(&f.validate, "validate", false, "check the data while generating: publish the tables with <output-dir>/validation_report.json only if they pass, else nothing (the report goes to <output-dir>.validation_report.json)")
	fl.Float64Var(&f.minScore, "min-score", 80, "with --validate: lowest quality score (0-100) that passes (exit code 1 below it)")
	fl.BoolVar(&f.upload, "upload", false, "upload the generated tables to Keboola Storage (needs --format csv, --bucket, $KBC_URL and $KBC_TOKEN)")
	fl.StringVar(&f.up.bucket, "bucket", "", "with --upload: destination bucket id, e.g. in.c-datagen")
	fl.StringVar(&f.up.prefix, "table-prefix", "", "with --upload: prefix for every table name")
	fl.BoolVar(&f.up.incremental, "incremental", false, "with --upload: load incrementally instead of replacing rows")
	fl.StringVar(&f.up.url, "url", "", "with --upload: Storage API URL (default: $KBC_URL or $KEBOOLA_URL)")
	return e.cancellable(cmd)
}

// loadPlan decodes, validates and plans a schema, printing warnings to
// stderr. Schema problems are user errors.
func (e *cliEnv) loadPlan(path string, lenient bool) (*plan.Plan, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, input.User(fmt.Errorf("reading schema: %w", err))
	}
	return e.planOf(path, data, lenient)
}

// componentSchema returns the schema of a component configuration
// (config.json: {"parameters": {"schema": {...}}}), or nil when data is
// not one.
func componentSchema(data []byte) json.RawMessage {
	var doc struct {
		Nodes      json.RawMessage `json:"nodes"`
		Parameters struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"parameters"`
	}
	if json.Unmarshal(data, &doc) != nil || doc.Nodes != nil || len(doc.Parameters.Schema) == 0 || doc.Parameters.Schema[0] != '{' {
		return nil
	}
	return doc.Parameters.Schema
}

// planOf parses and plans the schema data read from path.
func (e *cliEnv) planOf(path string, data []byte, lenient bool) (*plan.Plan, []byte, error) {
	s, warnings, err := dsl.Parse(data, dsl.Options{Lenient: lenient})
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if err != nil {
		return nil, nil, input.User(schemaError(path, err))
	}
	p, err := plan.New(s)
	if err != nil {
		return nil, nil, input.User(schemaError(path, err))
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return p, data, nil
}

// schemaError formats a list of schema problems under a heading.
func schemaError(path string, err error) error {
	var ps input.Problems
	if errors.As(err, &ps) {
		errs := ps.Errors()
		return fmt.Errorf("%s: %d problem(s):\n  %s", path, len(errs), strings.ReplaceAll(errs.Error(), "\n", "\n  "))
	}
	return fmt.Errorf("%s: %w", path, err)
}

// check rejects flag values out of range, before anything is read.
func (f generateFlags) check() error {
	if _, err := parseFormats(f.format); err != nil {
		return usageError{fmt.Errorf("--format: %w", err)}
	}
	if f.workers < 1 {
		return usagef("--workers must be at least 1, got %d", f.workers)
	}
	if f.blockRows < 1 {
		return usagef("--block-rows must be at least 1, got %d", f.blockRows)
	}
	if f.parts < 1 {
		return usagef("--parts must be at least 1, got %d", f.parts)
	}
	if f.partFromEnv && f.part >= f.parts {
		return usagef("JOB_COMPLETION_INDEX is %d, not a part of --parts %d (the Job's completions must equal --parts)", f.part, f.parts)
	}
	if f.part < 0 || f.part >= f.parts {
		return usagef("--part must be between 0 and %d (--parts %d), got %d", f.parts-1, f.parts, f.part)
	}
	if !(f.scale > 0) || math.IsInf(f.scale, 0) {
		return usagef("--scale must be a positive number, got %g", f.scale)
	}
	if !(f.scale <= engine.MaxScale) {
		return usagef("--scale must be at most %g, got %g", float64(engine.MaxScale), f.scale)
	}
	if _, err := engine.ParseBytes(f.maxMemory); err != nil {
		return usagef("--max-memory: %v", err)
	}
	if f.sample < 0 {
		return usagef("--dry-run-sample must not be negative, got %d", f.sample)
	}
	switch f.compress {
	case sink.CompressionSnappy, sink.CompressionZstd, sink.CompressionNone:
	default:
		return usagef("--compression must be snappy, zstd or none, got %q", f.compress)
	}
	if err := checkMinScore(f.minScore); err != nil {
		return err
	}
	if _, err := f.window(); err != nil {
		return err
	}
	if err := f.checkStream(); err != nil {
		return err
	}
	if f.validate && (f.from != "" || f.until != "") {
		return usagef("--validate needs the whole data set: validate a run without --from and --until")
	}
	if f.validate && f.parts > 1 {
		return usagef("--validate needs the whole data set: run `datagen validate` on the parts' folder instead of --parts with --validate")
	}
	return nil
}

func (e *cliEnv) runGenerate(ctx context.Context, schemaPath string, f generateFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	if f.upload {
		if err := e.checkGenerateUpload(f); err != nil {
			return usageError{err}
		}
	}
	if objstore.IsURL(f.out) {
		if f.validate || f.upload {
			return usagef("-o %s: --validate and --upload need a local output folder", f.out)
		}
		if _, err := objstore.ParseURL(f.out); err != nil {
			return usageError{fmt.Errorf("-o: %w", err)}
		}
	}
	p, _, err := e.loadPlan(schemaPath, f.lenient)
	if err != nil {
		return err
	}
	win, _ := f.window()
	if !f.follow {
		// An open timeline has no end of its own: --until defaults to now.
		if win, err = openWindow(p.Schema.Timeframe, win, e.clock.Now()); err != nil {
			return err
		}
	}
	switch {
	case f.follow:
		return e.follow(ctx, p, f, win)
	case f.out == stdoutDir:
		_, err := e.generateStdout(ctx, p, f, win)
		return err
	}
	_, err = e.generatePlan(ctx, p, f, win)
	return err
}

// generatePlan writes the tables of p, the rows of window win (nil: all),
// into f.out, and returns the number of rows written.
func (e *cliEnv) generatePlan(ctx context.Context, p *plan.Plan, f generateFlags, win *engine.Window) (int64, error) {
	formats, _ := parseFormats(f.format)
	format := formats[0]
	maxMem, _ := engine.ParseBytes(f.maxMemory)
	var store objstore.Store
	var loc objstore.Location
	var err error
	if objstore.IsURL(f.out) {
		if store, loc, err = e.openStore(ctx, f.out, "-o "+f.out); err != nil {
			return 0, err
		}
	}

	sopts := sink.Options{Compression: f.compress, Metadata: map[string]string{
		"datagen.version": e.version, "datagen.seed": fmt.Sprint(f.seed), "datagen.format_version": fmt.Sprint(engine.FormatVersion),
	}}
	part := outdir.Part{K: f.part, N: f.parts}
	var val *validate.Validator
	if f.validate {
		if val, err = validate.New(p, validate.Options{DataDir: f.out, Format: string(format), Version: e.version, DryRunSample: f.sample}); err != nil {
			return 0, err
		}
	}
	index, err := e.partIndex(ctx, p, f, store, loc.Prefix, outdir.RunInfo{Seed: f.seed, Scale: f.scale, Window: windowInfo(win), SampleRows: f.sample, Part: part})
	if err != nil {
		return 0, err
	}
	files := map[string]string{}
	prog := newProgress(f.noProgress, e.stderr, e.newLogger(e.stderr))
	res, err := pipeline.Run(ctx, pipeline.Options{
		Plan: p,
		Engine: engine.Options{Seed: f.seed, Workers: f.workers, BlockRows: f.blockRows, Parts: f.parts, Part: f.part,
			Scale: f.scale, SampleRows: f.sample, MaxMemory: maxMem, Progress: prog.event, Window: win, Index: index},
		Dir:       f.out,
		Store:     store,
		Prefix:    loc.Prefix,
		Output:    partOutput(p, part),
		Validator: val,
		Open:      pipeline.TableFiles(formats, sopts, part, files),
		Begun: func(tx *outdir.Tx) {
			if n := tx.Swept(); n > 0 && !f.noProgress {
				fmt.Fprintf(e.stderr, "Removed %d temporary entries left by an interrupted run\n", n)
			}
		},
		Finish: func(tx *outdir.Tx, res *engine.Result) error {
			prog.finish()
			meta := pipeline.Metadata(p, outdir.RunInfo{Seed: f.seed, Format: f.format, Scale: f.scale, Window: windowInfo(win),
				SampleRows: f.sample, Part: part, Workers: f.workers, Version: e.version}, res, files)
			if !part.Whole() {
				// The part's manifest lists its files with their sizes and
				// hashes, for `datagen finalize`.
				if meta.Files, err = pipeline.PartFiles(tx, res, formats, sopts, part); err != nil {
					return err
				}
			}
			b, err := meta.Marshal()
			if err != nil {
				return err
			}
			if err := tx.WriteFile(outdir.MetadataFile(part), b); err != nil {
				return err
			}
			if val != nil {
				// The validation gate: a failed validation publishes
				// nothing, its report goes next to the output folder.
				if err := e.gateValidation(tx, val, f); err != nil {
					return err
				}
			}
			if f.upload {
				// Upload from the staged tables before the commit: a
				// failed upload publishes nothing.
				if err := writeManifests(p, tx.Path(""), f.up.incremental); err != nil {
					return err
				}
				if err := e.uploadStaged(ctx, tx.Path(""), f.up); err != nil {
					return fmt.Errorf("upload failed; no table was written: %w", err)
				}
			}
			return nil
		},
	})
	if err != nil {
		return 0, err
	}
	if f.validate {
		// The report of an earlier refused run no longer describes the folder.
		if err := os.Remove(failedReportFile(f.out)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(e.stderr, "warning: %v\n", err)
		}
	}
	var rows int64
	for _, t := range res.Tables {
		rows += t.Written
	}
	if !f.noProgress {
		where, _ := filepath.Abs(f.out)
		if store != nil {
			where = store.URL(loc.Prefix)
		}
		fmt.Fprintf(e.stdout, "Wrote %d tables (%d rows) to %s\n", len(res.Tables), rows, where)
	}
	return rows, nil
}

// completionIndex reads the part from $JOB_COMPLETION_INDEX, which a
// Kubernetes Indexed Job sets in each of its pods (0 when it is unset).
func (e *cliEnv) completionIndex() (int, error) {
	v := strings.TrimSpace(e.getenv("JOB_COMPLETION_INDEX"))
	if v == "" {
		return 0, nil
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < 0 {
		return 0, usagef("JOB_COMPLETION_INDEX must be a part number (0, 1, ...), got %q", v)
	}
	return k, nil
}

// partOutput returns the transaction options of a run. A part commits
// the files of its tables one by one into the tables' folders, shared by
// all parts of a split run, and first removes the folder's
// .metadata.json: finalize wrote it for parts that no longer all hold.
func partOutput(p *plan.Plan, part outdir.Part) outdir.Options {
	if part.Whole() {
		return outdir.Options{}
	}
	var folders []string
	for _, t := range p.Order {
		folders = append(folders, t.ID())
	}
	return outdir.Options{Folders: folders, Remove: []string{outdir.MetadataFile(outdir.Part{})}}
}

// failedReportFile returns where generate --validate writes the report of
// a run the validation gate refused: next to the output folder dir (the
// folder itself keeps its earlier content byte for byte), as
// <dir>.validation_report.json.
func failedReportFile(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = filepath.Clean(dir)
	}
	return abs + "." + outdir.ReportFile
}

// gateValidation finishes the checks computed while generating, prints
// their summary and stages the report into tx. A failed check or a score
// below --min-score refuses the run (exit code 1): nothing is published
// and the report is written to failedReportFile instead.
func (e *cliEnv) gateValidation(tx *outdir.Tx, val *validate.Validator, f generateFlags) error {
	rep, err := val.Finish()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		return err
	}
	ok := rep.OK(f.minScore)
	path := filepath.Join(f.out, outdir.ReportFile)
	if ok {
		if err := tx.WriteFile(outdir.ReportFile, buf.Bytes()); err != nil {
			return err
		}
	} else {
		path = failedReportFile(f.out)
		if err := outdir.WriteFileAtomic(path, buf.Bytes()); err != nil {
			return fmt.Errorf("writing the validation report: %w", err)
		}
	}
	if !f.noProgress {
		if err := rep.WriteSummary(e.stderr, f.minScore); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Report: %s\n", path)
	}
	if !ok {
		return input.User(fmt.Errorf("validation failed: %d hard failure(s), quality score %.2f (minimum %.4g); no table was written, %s is unchanged; report: %s",
			rep.Summary.HardFailures, rep.Summary.QualityScore, f.minScore, f.out, path))
	}
	return nil
}

// parseFormats reads --format: one format, or a comma-separated list of
// distinct formats (csv,parquet), each table then written in each.
func parseFormats(s string) ([]sink.Format, error) {
	var out []sink.Format
	for _, name := range strings.Split(s, ",") {
		f, err := sink.ParseFormat(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, f) {
			return nil, fmt.Errorf("%q is listed twice", f)
		}
		out = append(out, f)
	}
	return out, nil
}

// checkGenerateUpload rejects --upload settings that cannot work, before
// anything is generated.
func (e *cliEnv) checkGenerateUpload(f generateFlags) error {
	var problems []string
	if formats, err := parseFormats(f.format); err == nil && !slices.Contains(formats, sink.CSV) {
		problems = append(problems, "--upload needs --format csv")
	}
	if f.parts > 1 {
		problems = append(problems, "--upload cannot be combined with --parts: upload the parts' folders with `datagen upload` after exporting them as sliced tables")
	}
	if f.up.bucket == "" {
		problems = append(problems, "--upload needs --bucket (e.g. in.c-datagen)")
	}
	if f.up.url == "" && e.envFirst("KBC_URL", "KEBOOLA_URL") == "" {
		problems = append(problems, "--upload needs the Storage API URL: set KBC_URL or pass --url")
	}
	if e.envFirst("KBC_TOKEN", "KEBOOLA_TOKEN") == "" {
		problems = append(problems, "--upload needs a Storage API token: set KBC_TOKEN")
	}
	url := f.up.url
	if url == "" {
		url = e.envFirst("KBC_URL", "KEBOOLA_URL")
	}
	problems = append(problems, storageTargetProblems(url, f.up.bucket, e.envFirst("KBC_TOKEN", "KEBOOLA_TOKEN"))...)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// writeManifests writes a Keboola output-mapping manifest beside every
// table of a generated CSV folder: primary key, descriptions and column
// types, so that uploaded tables get them.
func writeManifests(p *plan.Plan, dir string, incremental bool) error {
	for _, t := range p.Order {
		m := manifest.ForNode(t.Node, t.Fields())
		m.Incremental, m.HasHeader = incremental, true
		b, err := m.Marshal(manifest.Legacy)
		if err != nil {
			return input.User(fmt.Errorf("table %q: %w", t.ID(), err))
		}
		if err := outdir.WriteFileAtomic(filepath.Join(dir, outdir.TableFile(t.ID(), outdir.CSV, false, outdir.Part{})+".manifest"), b); err != nil {
			return fmt.Errorf("writing manifest of %q: %w", t.ID(), err)
		}
	}
	return nil
}

// progress reports table progress on stderr: a live line on a terminal,
// a log line per table otherwise.
type progress struct {
	w     io.Writer
	quiet bool
	tty   bool
	log   *logrus.Logger
	start time.Time
	rows  int64
	names []string
}

func newProgress(quiet bool, w io.Writer, l *logrus.Logger) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, quiet: quiet, tty: ok && term.IsTerminal(int(f.Fd())), log: l, start: time.Now()}
}

func (p *progress) event(ev engine.Event) {
	if p.quiet {
		return
	}
	if !ev.Done {
		if p.tty {
			if ev.Update {
				fmt.Fprintf(p.w, "\r\033[K  generating %-28s %12d / %d rows (%3.0f%%)", ev.Table, ev.Written, ev.PartRows,
					100*float64(ev.Written)/max(float64(ev.PartRows), 1))
			} else {
				fmt.Fprintf(p.w, "\r\033[K  generating %-28s %12d rows ...", ev.Table, ev.PartRows)
			}
		}
		return
	}
	p.rows += ev.Written
	p.names = append(p.names, ev.Table)
	rate := float64(ev.PartRows) / max(ev.Duration.Seconds(), 1e-9)
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K  ✓ %-30s %12d rows %8.2fs %12.0f rows/s\n", ev.Table, ev.Written, ev.Duration.Seconds(), rate)
		return
	}
	p.log.WithFields(logrus.Fields{"rows": ev.Rows, "written": ev.Written,
		"seconds": fmt.Sprintf("%.3f", ev.Duration.Seconds())}).Infof("Generated table %s", ev.Table)
}

func (p *progress) finish() {
	if p.quiet || len(p.names) == 0 {
		return
	}
	sort.Strings(p.names)
	d := time.Since(p.start)
	if p.tty {
		fmt.Fprintf(p.w, "  %d tables, %d rows in %.2fs\n", len(p.names), p.rows, d.Seconds())
		return
	}
	p.log.WithFields(logrus.Fields{"rows": p.rows, "seconds": fmt.Sprintf("%.3f", d.Seconds())}).Infof("Generated %d tables", len(p.names))
}
