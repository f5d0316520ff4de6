package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"datagen/src/dsl"
	"datagen/src/outdir"
)

// newSchemaCmd builds `datagen schema`.
func newSchemaCmd(e *cliEnv) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the schema language",
		Long: `Print the JSON Schema (draft 2020-12) of datagen schemas: every key with its
description, enums, defaults and examples. Editors use it to complete and check
schemas as you type: name it from a document with
"$schema": "<path or URL of datagen.schema.json>", or map it to file patterns in
the editor (VS Code: the json.schemas setting). The same file is shipped in the
repository as schema/datagen.schema.json.`,
		Example: `  datagen schema > datagen.schema.json
  datagen schema -o datagen.schema.json`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if out == "" {
				_, err := e.stdout.Write(dsl.JSONSchema())
				return err
			}
			if err := outdir.WriteFileAtomic(out, dsl.JSONSchema()); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of stdout")
	return cmd
}
