package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"datagen/src/input"
	"datagen/src/objstore"
	"datagen/src/outdir"
)

// newFinalizeCmd builds `datagen finalize`.
func newFinalizeCmd(e *cliEnv) *cobra.Command {
	var verify, quiet bool
	cmd := &cobra.Command{
		Use:   "finalize DIR|URL",
		Short: "Check that all parts of a split run are present and write its .metadata.json",
		Long: `Check the output of a run split into parts (datagen generate --parts N --part K,
one process per part): every part's manifest .metadata.part-K-of-N.json is
present, all parts come from the same schema, seed, format version, format and
number of parts, every file a manifest lists is there with its size (and, with
--verify, its SHA-256), and no file of another run lies in the tables' folders.
Then write the dataset's .metadata.json with the total rows of every table and
the list of all files. DIR may be an object storage URL (s3://bucket/prefix,
gs://bucket/prefix, az://container/prefix; credentials as for generate -o).
There, a part's commit that a killed process left half done (its journal
.datagen-journal.part-K-of-N.json, at least 10 minutes old) is first rolled
back, and the part reported missing, or forward when it had finished; one of
a part of another split is only told on stderr. GCS upload components that a
process killed before its commit left (at least 10 minutes old) are deleted.

Exit status: 0 when the run is complete; 1 naming every missing or
inconsistent part; 2 on an application error.`,
		Example: `  datagen finalize out
  datagen finalize out --verify
  datagen finalize s3://bucket/run-42`,
		Args: positional("DIR|URL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			folder, err := e.finalizeFolder(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			m, err := outdir.Finalize(cmd.Context(), folder, outdir.FinalizeOptions{Verify: verify,
				Log: func(line string) { fmt.Fprintf(e.stderr, "%s: %s\n", folder, line) }})
			if err != nil {
				return err
			}
			if !quiet {
				var rows, bytes int64
				for _, t := range m.Tables {
					rows += t.Written
				}
				for _, f := range m.Files {
					bytes += f.Bytes
				}
				fmt.Fprintf(e.stdout, "Finalized %s: %d parts, %d tables, %d rows, %d files (%d bytes)\n",
					folder, m.Parts, len(m.Tables), rows, len(m.Files), bytes)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&verify, "verify", false, "also read every file and compare its SHA-256 with its part's manifest")
	fl.BoolVar(&quiet, "quiet", false, "no summary line")
	return e.cancellable(cmd)
}

// finalizeFolder opens the folder `datagen finalize` checks.
func (e *cliEnv) finalizeFolder(ctx context.Context, arg string) (outdir.Folder, error) {
	if objstore.IsURL(arg) {
		store, loc, err := e.openStore(ctx, arg, arg)
		if err != nil {
			return nil, err
		}
		return outdir.RemoteFolder{Store: store, Prefix: loc.Prefix}, nil
	}
	st, err := os.Stat(arg)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, input.User(fmt.Errorf("%s: no such folder", arg))
	}
	if err != nil {
		return nil, input.User(fmt.Errorf("%s: %w", arg, err))
	}
	if !st.IsDir() {
		return nil, input.User(fmt.Errorf("%s is not a folder", arg))
	}
	return outdir.LocalFolder(arg), nil
}

// openStore opens the object storage of url, with the provider's standard
// credentials, and checks it (checkStore); what names it in errors (the
// flag and the URL, or the URL).
func (e *cliEnv) openStore(ctx context.Context, url, what string) (objstore.Store, objstore.Location, error) {
	loc, err := objstore.ParseURL(url)
	if err != nil {
		return nil, loc, usageError{fmt.Errorf("%s: %w", what, err)}
	}
	store, err := objstore.Open(ctx, loc, e.getenv)
	if err != nil {
		return nil, loc, input.User(fmt.Errorf("%s: %w", what, err))
	}
	if err := checkStore(ctx, store, loc, what); err != nil {
		return nil, loc, err
	}
	return store, loc, nil
}

// checkStore checks an object storage target before a command reads or
// writes it: a missing bucket or missing or refused credentials are a
// user error of one line naming the target (what).
func checkStore(ctx context.Context, store objstore.Store, loc objstore.Location, what string) error {
	err := objstore.Check(ctx, store, loc.Prefix)
	if errors.Is(err, objstore.ErrUnusable) {
		return input.User(fmt.Errorf("%s: %w", what, err))
	}
	return err
}
