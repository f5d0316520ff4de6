package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"datagen/src/engine"
	"datagen/src/input"
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
path and, where possible, a suggestion. Exit code 0 when the schema is valid, 1 otherwise.`,
		Args: positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			limit, err := engine.ParseBytes(maxMemory)
			if err != nil {
				return usagef("--max-memory: %v", err)
			}
			p, _, err := e.loadPlan(args[0], lenient)
			if err != nil {
				return err
			}
			// The bounds of a full run (docs/limits.md): scale, rows per
			// table and the memory the plan holds.
			est, err := engine.EstimatePlan(p, engine.Options{Scale: scale})
			if err != nil {
				return input.User(fmt.Errorf("%s: %w", args[0], err))
			}
			// Compile every generator and modifier and generate a small
			// sample without writing it, so that "valid" means generate
			// will run.
			if _, err := engine.Run(cmd.Context(), p, engine.Options{Seed: 1, SampleRows: 200, MaxMemory: 1 << 62}); err != nil {
				if input.IsUser(err) {
					return input.User(fmt.Errorf("%s: the schema is valid but cannot be generated: %w", args[0], err))
				}
				return err
			}
			rows := 0
			for _, t := range p.Order {
				rows += len(t.Cols)
			}
			if est.Bytes > limit {
				return input.User(fmt.Errorf("%s: the schema is valid, but a run at scale %g needs about %s of memory, more than the limit of %s "+
					"(--max-memory; see docs/limits.md)", args[0], scale, engine.FormatBytes(est.Bytes), engine.FormatBytes(limit)))
			}
			if quiet {
				return nil
			}
			fmt.Fprintf(e.stdout, "%s: valid (%d tables, %d columns); a run at scale %g holds about %s in memory (limit %s)\n",
				args[0], len(p.Order), rows, scale, engine.FormatBytes(est.Bytes), engine.FormatBytes(limit))
			return nil
		},
	}
	cmd.Flags().Float64Var(&scale, "scale", 1, "check the row counts and memory of a run at this scale")
	cmd.Flags().StringVar(&maxMemory, "max-memory", "8GiB", "memory limit a run at --scale must fit (512MiB, 16GB)")
	cmd.Flags().BoolVar(&lenient, "lenient", false, "accept unknown keys (warnings instead of errors), for older schemas")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "print nothing when the schema is valid (the exit code tells)")
	return cmd
}
