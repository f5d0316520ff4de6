// Command datagen generates realistic, reproducible synthetic datasets from a
// JSON schema, checks them, and delivers them as CSV, Parquet or Keboola tables.
// The command line itself is package cli.
package main

import (
	"context"
	"os"

	"datagen/src/cli"
)

// version is the datagen release, set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: version,
	}))
}
