package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"datagen/src/rng"
	"datagen/src/semantic"
)

// newFakerCmd builds `datagen faker` and its subcommands.
func newFakerCmd(e *cliEnv) *cobra.Command {
	var locale string
	list := &cobra.Command{
		Use:   "list",
		Short: "List faker methods and locales with a sample value",
		Long: "List every faker method (with its arguments and a sample value in the chosen locale) " +
			"and every locale with the locale_from values that select it.",
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			loc, err := semantic.ParseLocale(locale)
			if err != nil {
				return usageError{fmt.Errorf("--locale: %w", err)}
			}
			return writeFakerList(e.stdout, loc)
		},
	}
	list.Flags().StringVar(&locale, "locale", semantic.DefaultLocale.String(), "locale of the sample values, e.g. de_DE")
	faker := &cobra.Command{
		Use:   "faker",
		Short: "Inspect the semantic value methods of the faker generator",
	}
	faker.AddCommand(list)
	return faker
}

// writeFakerList prints the method table with samples for loc, then the locales.
func writeFakerList(out io.Writer, loc semantic.Locale) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "METHOD\tCATEGORY\tARGUMENTS\tSAMPLE (%s)\n", loc)
	rk := semantic.RowKeys{Table: rng.NewKey(1, "faker-list"), Column: rng.NewKey(1, "faker-list", "sample")}
	for _, mi := range semantic.Methods() {
		m, err := semantic.Lookup(mi.Name, nil)
		if err != nil {
			return fmt.Errorf("method %s: %w", mi.Name, err)
		}
		sample := strings.ReplaceAll(m.Generate(loc, rk), "\n", `\n`)
		if len(sample) > 60 {
			sample = sample[:57] + "..."
		}
		args := strings.Join(mi.Args, ", ")
		if args == "" {
			args = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", mi.Name, mi.Category, args, sample)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "LOCALE\tCOUNTRY\tLOCALE_FROM VALUES\t")
	for _, l := range semantic.Locales() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", l, l.CountryName(), strings.Join(semantic.LocaleKeys(l), ", "))
	}
	fmt.Fprintf(tw, "\nUnknown locale_from values fall back to %s.\n", semantic.DefaultLocale)
	return tw.Flush()
}
