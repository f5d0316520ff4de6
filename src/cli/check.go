package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"datagen/src/engine"
	"datagen/src/input"
)

// newCheckCmd builds `datagen check`.
func newCheckCmd(e *cliEnv) *cobra.Command {
	var lenient bool
	cmd := &cobra.Command{
		Use:   "check SCHEMA",
		Short: "Validate a schema without generating anything",
		Long: `Decode and validate SCHEMA: every problem is reported at once with its JSON
path and, where possible, a suggestion. Exit code 0 when the schema is valid, 1 otherwise.`,
		Args: positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, _, err := e.loadPlan(args[0], lenient)
			if err != nil {
				return err
			}
			// Compile every generator and modifier and generate a small
			// sample without writing it, so that "valid" means generate
			// will run.
			if _, err := engine.Run(cmd.Context(), p, engine.Options{Seed: 1, SampleRows: 200}); err != nil {
				if input.IsUser(err) {
					return input.User(fmt.Errorf("%s: the schema is valid but cannot be generated: %w", args[0], err))
				}
				return err
			}
			rows := 0
			for _, t := range p.Order {
				rows += len(t.Cols)
			}
			fmt.Fprintf(e.stdout, "%s: valid (%d tables, %d columns)\n", args[0], len(p.Order), rows)
			return nil
		},
	}
	cmd.Flags().BoolVar(&lenient, "lenient", false, "accept unknown keys (warnings instead of errors), for older schemas")
	return cmd
}
