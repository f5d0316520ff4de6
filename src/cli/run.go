package cli

import (
	"context"

	"github.com/spf13/cobra"

	"datagen/src/keboola/component"
)

// newRunCmd builds `datagen run`, the component mode. It stays thin: the
// component package does the work.
func newRunCmd(e *cliEnv) *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run as a Keboola component on a data folder",
		Long: `Run datagen as a Keboola Connection component: read config.json from the data
folder, generate the tables of the schema in parameters.schema, and write one
CSV per node (a sliced table for large ones) with its manifest into
out/tables, plus out/state.json and out/usage.json.

The data folder is --data-dir, else $KBC_DATADIR, else /data. This is the
default command of the Docker image. Exit code 1 means a mistake in the
configuration (the message names where it is); 2 an application error; 143,
130 or 129 that SIGTERM (the platform stopping the job), SIGINT or SIGHUP
cancelled the run.`,
		Example: `  datagen run --data-dir example/data
  KBC_DATADIR=/data datagen run`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.runComponent(cmd.Context(), dataDir)
		},
	}
	cmd.Flags().StringVarP(&dataDir, "data-dir", "d", "", "data folder (default: $KBC_DATADIR or /data)")
	return e.cancellable(cmd)
}

// runComponent runs the component and maps its errors to exit codes.
func (e *cliEnv) runComponent(ctx context.Context, dataDir string) error {
	_, err := component.Run(ctx, component.Options{DataDir: dataDir, Version: e.version,
		Stdout: e.stdout, Stderr: e.stderr, Environ: e.environ, Upload: component.DirectUpload})
	return err
}
