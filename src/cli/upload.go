package cli

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"datagen/src/input"
	"datagen/src/keboola/storage"
	"datagen/src/keboola/upload"
)

// uploadFlags are the flags of "datagen upload".
type uploadFlags struct {
	url         string
	bucket      string
	prefix      string
	incremental bool
	parallel    int
	sliceMiB    int64
	stateFile   string
	restart     bool
	verbose     bool
	quiet       bool
	plainHTTP   bool
}

// newUploadCmd builds `datagen upload`.
func newUploadCmd(e *cliEnv) *cobra.Command {
	var f uploadFlags
	cmd := &cobra.Command{
		Use:   "upload DIR",
		Short: "Upload a folder of CSV tables to Keboola Storage",
		Long: `Upload the tables in DIR straight into Keboola Storage through the Storage API.

DIR holds Keboola output-mapping tables: <name>.csv with a header row (and an
optional <name>.csv.manifest), <name>.csv.gz, or a folder <name>.csv/ of
headless (optionally gzipped) slices whose manifest lists the columns.

The Storage API URL and token come from the environment:
  KBC_URL    e.g. https://connection.keboola.com (KEBOOLA_URL also accepted)
  KBC_TOKEN  a Storage API token that can write to the bucket (KEBOOLA_TOKEN also accepted)

Full loads replace a table's rows atomically; a failed upload leaves existing
tables unchanged. If some tables fail, rerun the same command: finished tables
are skipped and pending import jobs are awaited, so incremental data is not
loaded twice.`,
		Example: "  KBC_URL=https://connection.keboola.com KBC_TOKEN=... datagen upload csv_out --bucket in.c-datagen",
		Args:    positional("DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runUpload(cmd.Context(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.url, "url", "", "Storage API URL (default: $KBC_URL or $KEBOOLA_URL)")
	fl.StringVar(&f.bucket, "bucket", "", "destination bucket id, e.g. in.c-datagen (default: each manifest's destination)")
	fl.StringVar(&f.prefix, "table-prefix", "", "prefix for every table name")
	fl.BoolVar(&f.incremental, "incremental", false, "load incrementally (append / upsert by primary key) instead of replacing rows")
	fl.IntVar(&f.parallel, "parallel", upload.DefaultParallelism, "tables and file uploads processed at once")
	fl.Int64Var(&f.sliceMiB, "slice-size", upload.DefaultSliceBytes>>20, "split CSV files larger than this many MiB into parallel slices (0 disables)")
	fl.StringVar(&f.stateFile, "state-file", "", "where to record progress for resuming (default: in the user cache directory)")
	fl.BoolVar(&f.restart, "restart", false, "ignore the progress of an earlier failed run and upload every table again")
	fl.BoolVar(&f.verbose, "verbose", false, "log details (requests retried, job polling)")
	fl.BoolVar(&f.quiet, "quiet", false, "log warnings and errors only")
	fl.BoolVar(&f.plainHTTP, "insecure-http", false, "accept an http:// Storage URL for a host other than localhost (the token travels unencrypted)")
	return e.cancellable(cmd)
}

// runUpload runs the upload command.
func (e *cliEnv) runUpload(ctx context.Context, dir string, f uploadFlags) error {
	if f.parallel < 1 {
		return usagef("--parallel must be at least 1, got %d", f.parallel)
	}
	if f.sliceMiB < 0 {
		return usagef("--slice-size must not be negative, got %d", f.sliceMiB)
	}
	url := f.url
	if url == "" {
		url = e.envFirst("KBC_URL", "KEBOOLA_URL")
	}
	token := e.envFirst("KBC_TOKEN", "KEBOOLA_TOKEN")
	var missing []string
	if url == "" {
		missing = append(missing, "the Storage API URL: set KBC_URL (e.g. https://connection.keboola.com) or pass --url")
	}
	if token == "" {
		missing = append(missing, "the Storage API token: set KBC_TOKEN")
	}
	if len(missing) > 0 {
		return input.User(errors.New("missing " + strings.Join(missing, "; missing ")))
	}
	if ps := storageTargetProblems(url, f.bucket, token); len(ps) > 0 {
		return input.User(errors.New(strings.Join(ps, "; ")))
	}
	log := e.newLogger(e.stderr)
	switch {
	case f.verbose && f.quiet:
		return usagef("--verbose and --quiet exclude each other")
	case f.verbose:
		log.SetLevel(logrus.DebugLevel)
	case f.quiet:
		log.SetLevel(logrus.WarnLevel)
	}
	slice := f.sliceMiB << 20
	if f.sliceMiB == 0 {
		slice = -1
	}
	_, err := upload.Run(ctx, upload.Options{
		URL: url, Token: token, Dir: dir, Bucket: f.bucket, TablePrefix: f.prefix, Incremental: f.incremental,
		Parallelism: f.parallel, SliceBytes: slice, StateFile: f.stateFile, IgnoreState: f.restart,
		Provider: e.envFirst("KBC_COMPONENTID"), RunID: e.envFirst("KBC_RUNID"), Logger: log, PlainHTTP: f.plainHTTP,
	})
	return err
}

// uploadStaged uploads the tables generate has staged in dir, before they
// are published, with the default parallelism and slice size. Its
// progress state lives in a temporary folder: a failed upload publishes
// nothing, so a rerun generates and uploads everything again.
func (e *cliEnv) uploadStaged(ctx context.Context, dir string, f uploadFlags) error {
	state, err := os.MkdirTemp("", "datagen-upload-")
	if err != nil {
		return fmt.Errorf("creating the upload state folder: %w", err)
	}
	defer os.RemoveAll(state)
	f.parallel = upload.DefaultParallelism
	f.sliceMiB = upload.DefaultSliceBytes >> 20
	f.stateFile = filepath.Join(state, "state.json")
	f.restart = true
	return e.runUpload(ctx, dir, f)
}

// storageTargetProblems checks the shape of a Storage API URL, a bucket id
// (when set) and a token, before anything is read or generated.
func storageTargetProblems(rawURL, bucket, token string) []string {
	var ps []string
	if rawURL != "" {
		u, err := neturl.Parse(rawURL)
		switch {
		case err != nil:
			ps = append(ps, fmt.Sprintf("the Storage API URL %q cannot be read: %v", rawURL, err))
		case u.Scheme != "https" && u.Scheme != "http" || u.Host == "":
			ps = append(ps, fmt.Sprintf("the Storage API URL %q is not an http(s) URL with a host, e.g. https://connection.keboola.com", rawURL))
		}
	}
	if bucket != "" {
		if _, _, err := storage.SplitBucketID(bucket); err != nil {
			ps = append(ps, "--bucket: "+err.Error())
		}
	}
	if token != "" && strings.TrimSpace(token) != token {
		ps = append(ps, "the Storage API token starts or ends with white space (copied with a line break?)")
	}
	return ps
}
