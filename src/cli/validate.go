package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"datagen/src/input"
	"datagen/src/outdir"
	"datagen/src/validate"
)

// validateFlags are the options of `datagen validate`.
type validateFlags struct {
	dataDir  string
	report   string
	minScore float64
	lenient  bool
	quiet    bool
}

// newValidateCmd builds `datagen validate`.
func newValidateCmd(e *cliEnv) *cobra.Command {
	var f validateFlags
	cmd := &cobra.Command{
		Use:   "validate SCHEMA",
		Short: "Check generated data against its schema and score its quality",
		Long: `Read the tables of SCHEMA back from the data directory (CSV, gzip CSV or
Parquet files named <node id>.<ext>, or part files <node id>/part-K-of-N.<ext>),
check keys, foreign keys, nulls, types, declared constraints and behaviours,
print a summary and write a JSON report.

Exit status: 0 when every hard check (keys, foreign keys, non-null columns,
types, present tables and columns) passed and the quality score reaches
--min-score; 1 otherwise or on a bad schema; 2 on an application error.`,
		Example: `  datagen validate schema.json --data-dir out
  datagen validate schema.json --data-dir out --report out/validation_report.json --min-score 90`,
		Args: positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkMinScore(f.minScore); err != nil {
				return err
			}
			rep, err := e.runValidation(cmd.Context(), args[0], f.dataDir, f.lenient, f.quiet)
			if err != nil {
				return err
			}
			rep.Judge(f.minScore)
			path := f.report
			if path == "" {
				path = filepath.Join(f.dataDir, "validation_report.json")
			}
			if err := writeReportFile(path, rep.WriteJSON); err != nil {
				return err
			}
			if !f.quiet {
				if err := rep.WriteSummary(e.stdout, f.minScore); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Report: %s\n", path)
			}
			if !rep.Summary.Verdict.Pass {
				return input.User(fmt.Errorf("validation failed: %s", strings.Join(rep.Summary.Verdict.Reasons, "; ")))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.dataDir, "data-dir", "d", "", "directory holding the generated tables (required)")
	fl.StringVar(&f.report, "report", "", "JSON report path (default <data-dir>/validation_report.json)")
	fl.Float64Var(&f.minScore, "min-score", validate.DefaultMinScore, "lowest quality score (0-100) that passes")
	fl.BoolVar(&f.lenient, "lenient", false, "accept unknown keys in the schema (warnings instead of errors)")
	fl.BoolVar(&f.quiet, "quiet", false, "no console summary")
	_ = cmd.MarkFlagRequired("data-dir")
	return cmd
}

// runValidation loads the schema and validates the data directory.
func (e *cliEnv) runValidation(_ context.Context, schemaPath, dataDir string, lenient, quiet bool) (*validate.Report, error) {
	if st, err := os.Stat(dataDir); err != nil || !st.IsDir() {
		return nil, input.User(fmt.Errorf("--data-dir %q is not a directory", dataDir))
	}
	p, _, err := e.loadPlan(schemaPath, lenient)
	if err != nil {
		return nil, err
	}
	opts := validate.Options{DataDir: dataDir, Version: e.version}
	if m, err := outdir.ReadMetadata(dataDir); err == nil {
		// A preview (generate --dry-run-sample) is validated as one.
		opts.DryRunSample = m.SampleRows
	}
	v, err := validate.New(p, opts)
	if err != nil {
		return nil, input.User(err)
	}
	var progress func(validate.ReadEvent)
	if !quiet {
		progress = readProgress(e.stderr, dataDir, opts.DryRunSample)
	}
	if err := validate.ReadDirProgress(dataDir, v, progress); err != nil {
		var fe *validate.FileError
		if errors.As(err, &fe) {
			return nil, input.User(fmt.Errorf("reading the data: %w", err))
		}
		return nil, fmt.Errorf("reading the data: %w", err)
	}
	rep, err := v.Finish()
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// readProgress says on w which files validation reads: a live line per
// table on a terminal, a plain line per table otherwise, and the files of
// the other format left unread.
func readProgress(w io.Writer, dir string, sample int64) func(validate.ReadEvent) {
	f, ok := w.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	var start time.Time
	return func(ev validate.ReadEvent) {
		names := make([]string, len(ev.Files))
		for i, p := range ev.Files {
			names[i] = filepath.Base(p)
		}
		if ev.K == 1 && !ev.Done {
			what := ""
			if sample > 0 {
				what = fmt.Sprintf(" (a preview: every table capped at %d rows)", sample)
			}
			fmt.Fprintf(w, "Reading %d table(s) from %s%s\n", ev.N, dir, what)
		}
		if !ev.Done {
			start = time.Now()
			if len(ev.Ignored) > 0 {
				ign := make([]string, len(ev.Ignored))
				for i, p := range ev.Ignored {
					ign[i] = filepath.Base(p)
				}
				fmt.Fprintf(w, "  %s: reading the %s files, ignoring %s\n", ev.Table, ev.Format, strings.Join(ign, ", "))
			}
			if tty {
				fmt.Fprintf(w, "\r\033[K  reading %s (%d/%d): %s ...", ev.Table, ev.K, ev.N, strings.Join(names, ", "))
			}
			return
		}
		if tty {
			fmt.Fprint(w, "\r\033[K")
		}
		fmt.Fprintf(w, "  read %s: %s (%s, %d rows, %.2fs)\n", ev.Table, strings.Join(names, ", "), ev.Format, ev.Rows, time.Since(start).Seconds())
	}
}

// writeReportFile writes a report atomically.
func writeReportFile(path string, write func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("writing report: %w", err)
		}
	}
	if err := outdir.WriteFileAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

// checkMinScore rejects a --min-score outside the range of quality scores.
func checkMinScore(s float64) error {
	if !(s >= 0 && s <= 100) {
		return usagef("--min-score must be between 0 and 100, got %g", s)
	}
	return nil
}
