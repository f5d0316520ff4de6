package cli

import (
	"context"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"datagen/src/keboola/component"
	"datagen/src/keboola/manifest"
)

// exportFlags are the options of `datagen export`.
type exportFlags struct {
	dataDir         string
	out             string
	bucket          string
	prefix          string
	incremental     bool
	manifest        string
	gzip            bool
	slicedAboveRows int64
	slicedAboveMB   int64
	sliceRows       int64
	sliceMB         int64
	lenient         bool
	quiet           bool
}

// newExportCmd builds `datagen export`.
func newExportCmd(e *cliEnv) *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export SCHEMA",
		Short: "Turn Parquet output into Keboola CSV tables with manifests",
		Long: `Read the Parquet files that "datagen generate" wrote into --data-dir
(<node id>.parquet, or the part files of a split run) and write Keboola tables
into the output directory: <table>.csv with a header row and its manifest, a
sliced table (<table>.csv/ of gzipped headless slices) for large tables, and
dataset.json with the schema, row counts, column types and basic statistics.

The manifest flavour follows KBC_DATA_TYPE_SUPPORT (the native-types "schema"
manifest when it is authoritative or hints, the legacy manifest otherwise)
unless --manifest says which. Files are streamed: memory does not grow with
the table size.`,
		Example: `  datagen generate schema.json -o out --seed 42
  datagen export schema.json --data-dir out -o csv_out --bucket in.c-datagen
  datagen upload csv_out`,
		Args: positional("SCHEMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runExport(cmd.Context(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.dataDir, "data-dir", "d", "output", "directory with the Parquet files of datagen generate")
	fl.StringVarP(&f.out, "output-dir", "o", "", "output directory for the CSV tables (required)")
	fl.StringVar(&f.bucket, "bucket", component.DefaultBucket, "destination bucket written into the manifests (\"\" omits the destination)")
	fl.StringVar(&f.prefix, "table-prefix", "", "prefix for every table name")
	fl.BoolVar(&f.incremental, "incremental", false, "mark the tables for incremental load in the manifests")
	fl.StringVar(&f.manifest, "manifest", "auto", "manifest flavour: auto, legacy or schema")
	fl.BoolVar(&f.gzip, "gzip", false, "write single-file tables gzip-compressed (<table>.csv.gz)")
	fl.Int64Var(&f.slicedAboveRows, "sliced-above-rows", component.DefaultSlicedAboveRows, "write tables with more rows as sliced tables (0: never by rows)")
	fl.Int64Var(&f.slicedAboveMB, "sliced-above-mb", component.DefaultSlicedAboveMB, "write tables larger than this many MiB of CSV as sliced tables (0: never by size)")
	fl.Int64Var(&f.sliceRows, "slice-rows", 0, "rows per slice (0: derived from --slice-mb)")
	fl.Int64Var(&f.sliceMB, "slice-mb", component.DefaultSliceMB, "target CSV size of one slice in MiB, before compression")
	fl.BoolVar(&f.lenient, "lenient", false, "accept unknown schema keys (warnings instead of errors), for older schemas")
	fl.BoolVar(&f.quiet, "quiet", false, "log warnings and errors only")
	_ = cmd.MarkFlagRequired("output-dir")
	return e.cancellable(cmd)
}

func (e *cliEnv) runExport(ctx context.Context, schemaPath string, f exportFlags) error {
	flavour := manifest.ChooseFlavour(e.getenv("KBC_DATA_TYPE_SUPPORT"), "")
	if f.manifest != "auto" {
		var err error
		if flavour, err = manifest.ParseFlavour(f.manifest); err != nil {
			return usagef("--manifest must be auto, legacy or schema, got %q", f.manifest)
		}
	}
	for _, c := range []struct {
		name string
		v    int64
	}{{"--sliced-above-rows", f.slicedAboveRows}, {"--sliced-above-mb", f.slicedAboveMB}, {"--slice-rows", f.sliceRows}} {
		if c.v < 0 {
			return usagef("%s must not be negative, got %d", c.name, c.v)
		}
	}
	if f.sliceMB < 1 {
		return usagef("--slice-mb must be at least 1, got %d", f.sliceMB)
	}
	p, data, err := e.loadPlan(schemaPath, f.lenient)
	if err != nil {
		return err
	}
	log := e.newLogger(e.stderr)
	if f.quiet {
		log.SetLevel(logrus.WarnLevel)
	}
	_, err = component.Export(ctx, component.ExportOptions{Plan: p, Schema: data, SchemaFile: schemaPath,
		DataDir: f.dataDir, OutDir: f.out, Bucket: f.bucket, TablePrefix: f.prefix, Incremental: f.incremental,
		Flavour: flavour, Gzip: f.gzip, SlicedAboveRows: f.slicedAboveRows, SlicedAboveBytes: f.slicedAboveMB << 20,
		SliceRows: f.sliceRows, SliceBytes: f.sliceMB << 20, Version: e.version, Log: log})
	return err
}
