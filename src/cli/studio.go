package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"datagen/src/studio"
)

// newStudioCmd builds `datagen studio`.
func newStudioCmd(e *cliEnv) *cobra.Command {
	var (
		port    int
		seed    int64
		lenient bool
	)
	cmd := &cobra.Command{
		Use:   "studio [SCHEMA]",
		Short: "Edit a schema in the browser, with live problems, sample rows and charts",
		Long: `Serve datagen studio on 127.0.0.1 and print its URL: a schema editor with
completion from the JSON Schema, every problem shown at its place as you type,
the first rows of each table and a chart of each column. Save writes SCHEMA back
(it is created by the first save when it does not exist); without SCHEMA the
studio starts from a small example and cannot save. The page works offline:
everything it needs is in the binary. Stop it with Ctrl-C.`,
		Example: `  datagen studio schema.json
  datagen studio new.json --port 8080`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("unexpected argument %q: studio takes at most one schema", args[1])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if port < 0 || port > 65535 {
				return usagef("--port must be between 0 and 65535, got %d", port)
			}
			opts := studio.Options{Lenient: lenient, Seed: seed}
			if len(args) == 1 {
				opts.Path = args[0]
			}
			s, err := studio.New(opts)
			if err != nil {
				return err
			}
			ln, err := s.Listen(port)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, s.URL())
			fmt.Fprintln(e.stderr, "datagen studio: open the URL above in a browser; Ctrl-C stops it")
			ctx := cmd.Context()
			if err := s.Serve(ctx, ln); err != nil {
				return err
			}
			// The studio serves until a signal stops it: that is its
			// outcome (exit 128 + the signal), not a success.
			return context.Cause(ctx)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&port, "port", 0, "port on 127.0.0.1 (0: a free one)")
	fl.Int64Var(&seed, "seed", 42, "master seed of the sample")
	fl.BoolVar(&lenient, "lenient", false, "accept unknown keys (warnings instead of errors), for older schemas")
	return e.cancellable(cmd)
}
