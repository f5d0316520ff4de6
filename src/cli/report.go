package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newReportCmd builds `datagen report`.
func newReportCmd(e *cliEnv) *cobra.Command {
	var dataDir, out string
	var lenient bool
	cmd := &cobra.Command{
		Use:   "report SCHEMA",
		Short: "Write an HTML report of generated data: checks, score and charts",
		Long: `Validate the tables of SCHEMA in the data directory (as datagen validate does)
and write one self-contained HTML page: the quality score and what cost points,
the failures, row counts, and per table column statistics, histograms, top
values, observed against declared weekday/hour/month profiles and rows per day
with effect windows. The page loads nothing from the network.

Exit status: 0 when the report was written (whatever the score), 1 on a bad
schema or unreadable data, 2 on an application error.`,
		Example: `  datagen report schema.json --data-dir out -o report.html`,
		Args:    positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := e.runValidation(cmd.Context(), args[0], dataDir, lenient)
			if err != nil {
				return err
			}
			if err := writeReportFile(out, rep.WriteHTML); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Quality score %.2f; report written to %s\n", rep.Summary.QualityScore, out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&dataDir, "data-dir", "d", "", "directory holding the generated tables (required)")
	fl.StringVarP(&out, "output", "o", "report.html", "HTML report path")
	fl.BoolVar(&lenient, "lenient", false, "accept unknown keys in the schema (warnings instead of errors)")
	_ = cmd.MarkFlagRequired("data-dir")
	return cmd
}
