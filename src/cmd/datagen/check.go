package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func init() {
	var lenient bool
	cmd := &cobra.Command{
		Use:   "check SCHEMA",
		Short: "Validate a schema without generating anything",
		Long: `Decode and validate SCHEMA: every problem is reported at once with its JSON
path and, where possible, a suggestion. Exit code 0 when the schema is valid, 1 otherwise.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, _, err := loadPlan(args[0], lenient)
			if err != nil {
				return err
			}
			rows := 0
			for _, t := range p.Order {
				rows += len(t.Cols)
			}
			fmt.Fprintf(os.Stdout, "%s: valid (%d tables, %d columns)\n", args[0], len(p.Order), rows)
			return nil
		},
	}
	cmd.Flags().BoolVar(&lenient, "lenient", false, "accept unknown keys (warnings instead of errors), for older schemas")
	rootCmd.AddCommand(cmd)
}
