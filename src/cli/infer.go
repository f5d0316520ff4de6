package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"datagen/src/outdir"
	"datagen/src/twin"
)

// newInferCmd builds `datagen infer`.
func newInferCmd(e *cliEnv) *cobra.Command {
	var out, name string
	var k int
	cmd := &cobra.Command{
		Use:   "infer INPUT...",
		Short: "Learn a schema from real tables (a synthetic twin)",
		Long: `Read CSV and Parquet tables (files, folders of them, Keboola sliced tables with
their manifests; a table is named after its file) and write a schema that
datagen generate runs unchanged: column types, primary and foreign keys, node
kinds and fanouts, value distributions, categories with their shares, time
windows and patterns, semantic values (names, e-mails, phones, ...) and null
rates. Each table is read in one streaming pass with memory bounded by
sketches.

Privacy: a value seen fewer than --k times is never copied into the schema;
identifying values (e-mails, names, phones, IBANs, UUIDs, ...) are drawn
anew by semantic generators. See docs/twin.md.`,
		Example: `  datagen infer in/tables -o schema.json
  datagen infer customers.csv orders.parquet -o schema.json --k 10
  datagen generate schema.json -o twin --format csv`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("give at least one INPUT (a table file or a folder of tables)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if k < 1 {
				return usagef("--k must be at least 1, got %d", k)
			}
			res, err := twin.Infer(cmd.Context(), args, twin.Options{K: k, Name: name})
			if err != nil {
				return err
			}
			for _, n := range res.Notes {
				fmt.Fprintln(e.stderr, "note:", n)
			}
			if out == "" || out == "-" {
				_, err := e.stdout.Write(res.Schema)
				return err
			}
			if err := outdir.WriteFileAtomic(out, res.Schema); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			fmt.Fprintf(e.stderr, "Inferred %d tables from %d rows; schema written to %s\n", res.Tables, res.Rows, out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&out, "output", "o", "", "schema file to write (default: stdout)")
	fl.IntVar(&k, "k", 5, "privacy threshold: values seen fewer than k times are never copied")
	fl.StringVar(&name, "name", "", "dataset name in the schema's metadata (default: after the first input)")
	return cmd
}
