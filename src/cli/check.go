package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/pipeline"
)

// newCheckCmd builds `datagen check`.
func newCheckCmd(e *cliEnv) *cobra.Command {
	var lenient, quiet bool
	var scale float64
	var maxMemory string
	cmd := &cobra.Command{
		Use:   "check SCHEMA",
		Short: "Validate a schema without generating anything",
		Long: `Decode and validate SCHEMA: every problem is reported at once with its JSON
path and, where possible, a suggestion. SCHEMA may also be a component
configuration (config.json): the schema under parameters.schema is checked.
Exit code 0 when the schema is valid, 1 otherwise.`,
		Args: positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			limit, err := engine.ParseBytes(maxMemory)
			if err != nil {
				return usagef("--max-memory: %v", err)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return input.User(fmt.Errorf("reading schema: %w", err))
			}
			name := args[0]
			if sc := componentSchema(data); sc != nil {
				// A component configuration: its schema is parameters.schema.
				data, name = sc, args[0]+" (parameters.schema)"
				if !quiet {
					fmt.Fprintf(e.stdout, "%s is a component configuration: checking the schema under parameters.schema\n", args[0])
				}
			}
			p, _, err := e.planOf(name, data, lenient)
			if err != nil {
				return err
			}
			// The bounds of a full run (docs/limits.md): scale, rows per
			// table and the memory the plan holds.
			est, err := engine.EstimatePlan(p, engine.Options{Scale: scale})
			if err != nil {
				return input.User(fmt.Errorf("%s: %w", name, err))
			}
			// Compile every generator and modifier and generate a small
			// sample without writing it, so that "valid" means generate
			// will run.
			if err := pipeline.CheckSample(cmd.Context(), p); err != nil {
				if input.IsUser(err) {
					return input.User(fmt.Errorf("%s: the schema is valid but cannot be generated: %w", name, err))
				}
				return err
			}
			rows := 0
			for _, t := range p.Order {
				rows += len(t.Cols)
			}
			if est.Bytes > limit {
				return input.User(fmt.Errorf("%s: the schema is valid, but a run at scale %g needs about %s of memory, more than the limit of %s "+
					"(--max-memory; see docs/limits.md)", name, scale, engine.FormatBytes(est.Bytes), engine.FormatBytes(limit)))
			}
			if quiet {
				return nil
			}
			fmt.Fprintf(e.stdout, "%s: valid (%d tables, %d columns); a run at scale %g holds about %s in memory (limit %s)\n",
				name, len(p.Order), rows, scale, engine.FormatBytes(est.Bytes), engine.FormatBytes(limit))
			for _, te := range est.Tables {
				if te.Versions > 0 {
					fmt.Fprintf(e.stdout, "%s: about %.4g versions written (%.4g entities)\n", te.ID, te.Versions, te.Rows)
				}
			}
			return nil
		},
	}
	cmd.Flags().Float64Var(&scale, "scale", 1, "check the row counts and memory of a run at this scale")
	cmd.Flags().StringVar(&maxMemory, "max-memory", "8GiB", "memory limit a run at --scale must fit (512MiB, 16GB)")
	cmd.Flags().BoolVar(&lenient, "lenient", false, "accept unknown keys (warnings instead of errors), for older schemas")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "print nothing when the schema is valid (the exit code tells)")
	return cmd
}
