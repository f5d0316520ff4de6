// Command datagen generates realistic, reproducible synthetic datasets from a
// JSON schema, checks them, and delivers them as CSV, Parquet or Keboola tables.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// version is the datagen release, set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// rootCmd is the top-level command; every subcommand registers itself on it
// from an init function in its own file.
var rootCmd = &cobra.Command{
	Use:           "datagen",
	Short:         "Schema-first synthetic data generator",
	Long:          "datagen generates related tables described in a JSON schema: fast, reproducible, validated.",
	Version:       version,
	SilenceUsage:  true,
	SilenceErrors: true,
}

// userError marks a mistake in the user's input (schema, flags, config, token):
// exit code 1. Every other error is an application error: exit code 2.
type userError struct{ err error }

func (e userError) Error() string { return e.err.Error() }
func (e userError) Unwrap() error { return e.err }

// asUserError wraps err so that main exits with code 1.
func asUserError(err error) error {
	if err == nil {
		return nil
	}
	return userError{err}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the CLI with args and returns the process exit code.
func run(args []string) int {
	rootCmd.SetArgs(args)
	err := rootCmd.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "error:", err)
	var ue userError
	if errors.As(err, &ue) || isFlagError(err) {
		return 1
	}
	return 2
}

// isFlagError reports whether cobra rejected the command line itself.
func isFlagError(err error) bool {
	var fe *flagErr
	return errors.As(err, &fe)
}

// flagErr is returned by the flag error hook so that usage mistakes exit with 1.
type flagErr struct{ err error }

func (e *flagErr) Error() string { return e.err.Error() }

func init() {
	rootCmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagErr{err} })
}
