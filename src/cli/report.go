package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"datagen/src/input"
	"datagen/src/validate"
)

// newReportCmd builds `datagen report`.
func newReportCmd(e *cliEnv) *cobra.Command {
	var dataDir, out string
	var lenient, quiet bool
	var minScore float64
	cmd := &cobra.Command{
		Use:   "report SCHEMA",
		Short: "Write an HTML report of generated data: checks, score and charts",
		Long: `Validate the tables of SCHEMA in the data directory (as datagen validate does)
and write one self-contained HTML page: the quality score and what cost points,
the failures, row counts, and per table column statistics, histograms, top
values, observed against declared weekday/hour/month profiles and rows per day
with effect windows. The page opens with the verdict: PASS, or FAIL and why
(hard failures, a score below --min-score). It loads nothing from the network.

Exit status (as datagen validate): 0 when every hard check passed and the
quality score reaches --min-score; 1 otherwise (the page is still written), on
a bad schema or unreadable data; 2 on an application error.`,
		Example: `  datagen report schema.json --data-dir out -o report.html`,
		Args:    positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkMinScore(minScore); err != nil {
				return err
			}
			rep, err := e.runValidation(cmd.Context(), args[0], dataDir, lenient, quiet)
			if err != nil {
				return err
			}
			rep.Judge(minScore)
			if err := writeReportFile(out, rep.WriteHTML); err != nil {
				return err
			}
			verdict := "PASS"
			if !rep.Summary.Verdict.Pass {
				verdict = "FAIL"
			}
			if !quiet {
				fmt.Fprintf(e.stdout, "%s: quality score %.2f (minimum %.4g), %d hard failure(s); report written to %s\n",
					verdict, rep.Summary.QualityScore, minScore, rep.Summary.HardFailures, out)
			}
			if !rep.Summary.Verdict.Pass {
				return input.User(fmt.Errorf("validation failed: %s (report written to %s)", strings.Join(rep.Summary.Verdict.Reasons, "; "), out))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&dataDir, "data-dir", "d", "", "directory holding the generated tables (required)")
	fl.StringVarP(&out, "output", "o", "report.html", "HTML report path")
	fl.Float64Var(&minScore, "min-score", validate.DefaultMinScore, "lowest quality score (0-100) that passes")
	fl.BoolVar(&lenient, "lenient", false, "accept unknown keys in the schema (warnings instead of errors)")
	fl.BoolVar(&quiet, "quiet", false, "no console line")
	_ = cmd.MarkFlagRequired("data-dir")
	return cmd
}
