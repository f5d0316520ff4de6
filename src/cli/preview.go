package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"

	"github.com/spf13/cobra"

	"datagen/src/input"
	"datagen/src/preview"
)

// newPreviewCmd builds `datagen preview`.
func newPreviewCmd(e *cliEnv) *cobra.Command {
	var (
		rows    int
		tables  []string
		seed    int64
		scale   float64
		lenient bool
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "preview SCHEMA",
		Short: "Print the first rows of each table, without writing files",
		Long: `Generate SCHEMA in memory and print the first rows of each table (or of the
tables named with --table) as aligned text tables: numbers right-aligned, nulls
as ∅, long values shortened. The rows are exactly the first rows that
` + "`datagen generate`" + ` writes with the same --seed and --scale. Nothing is written to disk.`,
		Example: `  datagen preview schema.json
  datagen preview schema.json --table orders --rows 20
  datagen preview schema.json --json`,
		Args: positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if rows < 1 {
				return usagef("--rows must be at least 1, got %d", rows)
			}
			if !(scale > 0) || math.IsInf(scale, 0) {
				return usagef("--scale must be a positive number, got %g", scale)
			}
			p, _, err := e.loadPlan(args[0], lenient)
			if err != nil {
				return err
			}
			res, err := preview.Sample(cmd.Context(), p, preview.Options{Rows: rows, Tables: tables, Seed: seed,
				Scale: scale, Workers: runtime.NumCPU()})
			if err != nil {
				return generationError(args[0], err)
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			if res.Sampled {
				fmt.Fprintf(e.stderr, "note: %s has more than %d rows; these rows come from a sample run capped at %d rows per table "+
					"(as generate --dry-run-sample %d): values that depend on a table's size (random lookups, outlier rows) can differ from a full run\n",
					args[0], preview.DefaultMaxRows, res.SampleRows, res.SampleRows)
			}
			for i, t := range res.Tables {
				if i > 0 {
					fmt.Fprintln(e.stdout)
				}
				if err := preview.Write(e.stdout, t); err != nil {
					return err
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&rows, "rows", preview.DefaultRows, "rows to print per table")
	fl.StringSliceVar(&tables, "table", nil, "print only this table (repeat or separate with commas)")
	fl.Int64Var(&seed, "seed", 42, "master seed (the same rows as generate --seed)")
	fl.Float64Var(&scale, "scale", 1, "multiply the row counts of entities and parent-less facts")
	fl.BoolVar(&lenient, "lenient", false, "accept unknown keys (warnings instead of errors), for older schemas")
	fl.BoolVar(&asJSON, "json", false, "print the rows as JSON (values in their CSV text form, nulls as null)")
	return cmd
}

// generationError names the schema in an error of an in-memory run; it
// stays a user error when the schema caused it.
func generationError(path string, err error) error {
	err = fmt.Errorf("%s: %w", path, err)
	if input.IsUser(err) {
		return input.User(err)
	}
	return err
}
