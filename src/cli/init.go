package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"datagen/src/input"
	"datagen/src/outdir"
	"datagen/src/templates"
)

// newInitCmd builds `datagen init`.
func newInitCmd(e *cliEnv) *cobra.Command {
	var (
		list   bool
		out    string
		rows   int64
		scale  float64
		locale string
		force  bool
	)
	cmd := &cobra.Command{
		Use:   "init [TEMPLATE]",
		Short: "Start a schema from a template",
		Long: `Write a ready schema of a common domain to start from: an online shop, a retail
bank, SaaS subscriptions, marketing attribution, IoT sensors, healthcare
appointments, HR and logistics. Each template is valid, commented through its
descriptions, and generates data that validates with a quality score of at
least 95. --list shows them. --rows sets the rows of the largest entity (the
others follow in proportion), --scale multiplies every entity's rows, --locale
sets the locale of names, addresses and phone numbers.`,
		Example: `  datagen init --list
  datagen init shop -o shop.json
  datagen init bank -o bank.json --rows 10000 --locale de_DE
  datagen init iot --scale 0.1 > iot.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case list && len(args) > 0:
				return usagef("--list takes no template")
			case !list && len(args) == 0:
				return usagef("missing argument TEMPLATE (datagen init --list shows them)")
			case len(args) > 1:
				return usagef("unexpected argument %q: init takes one template", args[1])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				return writeTemplateList(e, templates.List())
			}
			if rows < 0 {
				return usagef("--rows must be positive, got %d", rows)
			}
			if !(scale > 0) || math.IsInf(scale, 0) {
				return usagef("--scale must be a positive number, got %g", scale)
			}
			doc, err := templates.Render(args[0], templates.Options{Rows: rows, Scale: scale, Locale: locale})
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err := e.stdout.Write(doc)
				return err
			}
			if !force {
				if _, err := os.Stat(out); err == nil {
					return input.User(fmt.Errorf("%s exists; pass --force to overwrite it", out))
				} else if !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
			if err := outdir.WriteFileAtomic(out, doc); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			fmt.Fprintf(e.stdout, "Wrote %s (template %s). Next: datagen preview %s\n", out, args[0], out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&list, "list", false, "list the templates")
	fl.StringVarP(&out, "output", "o", "", "write the schema to this file (default: stdout)")
	fl.Int64Var(&rows, "rows", 0, "rows of the largest entity; the other entities follow in proportion")
	fl.Float64Var(&scale, "scale", 1, "multiply the rows of every entity")
	fl.StringVar(&locale, "locale", "", "locale of names, addresses and phone numbers, e.g. de_DE (datagen faker list)")
	fl.BoolVar(&force, "force", false, "overwrite an existing output file")
	return cmd
}

// writeTemplateList prints the templates as a table.
func writeTemplateList(e *cliEnv, ts []templates.Template) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TEMPLATE\tTITLE\tTABLES")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.Title, strings.Join(t.Tables, ", "))
	}
	fmt.Fprintln(tw, "\nWrite one with: datagen init TEMPLATE -o schema.json")
	return tw.Flush()
}
