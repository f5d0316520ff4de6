package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"datagen/src/dsl"
	"datagen/src/input"
	"datagen/src/outdir"
	"datagen/src/twin"
)

// newCompareCmd builds `datagen compare`.
func newCompareCmd(e *cliEnv) *cobra.Command {
	var schema, out, html string
	var k int
	cmd := &cobra.Command{
		Use:   "compare ORIGINAL SYNTHETIC",
		Short: "Measure how alike a synthetic twin is to the original, and what it copies",
		Long: `Read the tables of ORIGINAL and SYNTHETIC (files or folders, as datagen infer
reads them) and write a JSON report: per column the distance between the two
(Kolmogorov–Smirnov for numbers and times, total variation for categories),
hour and weekday profiles, null rates, row counts, the integrity of foreign
keys and the children per parent of facts (keys from --schema), an overall
similarity score 0–100, and a privacy section: rows of the twin equal to a row
of the original, and values seen fewer than --k times in the original that
appear in the twin (counted, never printed). With --html, the same figures as
one self-contained HTML page.`,
		Example: `  datagen infer real -o schema.json
  datagen generate schema.json -o twin --format csv
  datagen compare real twin --schema schema.json -o twin_report.json
  datagen compare real twin --schema schema.json --html twin_report.html`,
		Args: positional("ORIGINAL", "SYNTHETIC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if k < 1 {
				return usagef("--k must be at least 1, got %d", k)
			}
			// The report's folders are checked before the comparison,
			// which reads both data sets in full.
			for _, f := range []struct{ flag, path string }{{"--output", out}, {"--html", html}} {
				if f.path == "" || f.path == "-" {
					continue
				}
				if dir := filepath.Dir(f.path); !isDir(dir) {
					return usagef("%s: folder %s does not exist", f.flag, dir)
				}
			}
			var st twin.Structure
			if schema != "" {
				data, err := os.ReadFile(schema)
				if err != nil {
					return input.User(fmt.Errorf("reading schema: %w", err))
				}
				s, _, err := dsl.Parse(data, dsl.Options{Lenient: true})
				if err != nil {
					return input.User(schemaError(schema, err))
				}
				st = twin.StructureOf(s)
			}
			rep, err := twin.Compare(cmd.Context(), []string{args[0]}, []string{args[1]}, st, k)
			if err != nil {
				return err
			}
			if html != "" {
				var buf bytes.Buffer
				if err := rep.WriteHTML(&buf, twin.Page{Original: args[0], Synthetic: args[1], Schema: schema}); err != nil {
					return err
				}
				if err := outdir.WriteFileAtomic(html, buf.Bytes()); err != nil {
					return err
				}
				if out == "" {
					fmt.Fprintf(e.stdout, "Similarity %.2f; %d rows copied (%d in tables with a high-cardinality column); %d of %d rare values leaked; HTML report written to %s\n",
						rep.Similarity, rep.Privacy.CopiedRows, rep.Privacy.CopiedRowsHighCardinality, rep.Privacy.RareValuesLeaked, rep.Privacy.RareValues, html)
					return nil
				}
			}
			b, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				return err
			}
			b = append(b, '\n')
			if out == "" || out == "-" {
				_, err = e.stdout.Write(b)
				return err
			}
			if err := outdir.WriteFileAtomic(out, b); err != nil {
				return err
			}
			written := out
			if html != "" {
				written += " and " + html
			}
			fmt.Fprintf(e.stdout, "Similarity %.2f; %d rows copied (%d in tables with a high-cardinality column); %d of %d rare values leaked; report written to %s\n",
				rep.Similarity, rep.Privacy.CopiedRows, rep.Privacy.CopiedRowsHighCardinality, rep.Privacy.RareValuesLeaked, rep.Privacy.RareValues, written)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&schema, "schema", "", "the twin's schema: its keys and foreign keys are checked")
	fl.StringVarP(&out, "output", "o", "", "report file to write (default: stdout, unless --html is given)")
	fl.StringVar(&html, "html", "", "also write the report as an HTML page to this file")
	fl.IntVar(&k, "k", 5, "values seen fewer than k times in the original count as rare")
	return cmd
}

// isDir reports whether path is an existing folder.
func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
