package component

import (
	"context"
	"fmt"
	"os"

	"github.com/sirupsen/logrus"

	"datagen/src/input"
	"datagen/src/outdir"
	"datagen/src/twin"
)

// learnTwin infers a schema from the input-mapped tables (in/tables) for
// twin mode: values seen fewer than k times are never copied into it.
func learnTwin(ctx context.Context, dd DataDir, p Parameters, log *logrus.Logger) ([]byte, error) {
	if p.SchemaIgnored {
		log.Warn("parameters.mode is \"twin\": the schema is learned from the input tables, parameters.schema and parameters.template are not used")
	}
	k := p.TwinK
	dir := dd.InTables()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return nil, input.Userf("parameters.mode is %q but %s holds no tables: map the tables to copy in the input mapping", ModeTwin, dir)
	}
	log.Infof("Learning a schema from the input tables (values seen fewer than %d times are not copied)", k)
	res, err := twin.Infer(ctx, []string{dir}, twin.Options{K: k, Name: "twin"})
	if err != nil {
		return nil, fmt.Errorf("learning from the input tables: %w", err)
	}
	for _, n := range res.Notes {
		log.Warn(n)
	}
	log.Infof("Learned %d tables from %d rows; the schema is written to out/files/%s", res.Tables, res.Rows, TwinSchemaFile)
	return res.Schema, nil
}

// writeTwinSchema stages the learned schema in out/files with a manifest
// that tags it, so that the user can adopt and edit it.
func writeTwinSchema(tx *outdir.Tx, schema []byte) error {
	if err := tx.WriteFile(filesFolder+"/"+TwinSchemaFile, schema); err != nil {
		return err
	}
	return tx.WriteFile(filesFolder+"/"+TwinSchemaFile+".manifest", []byte(`{"is_permanent": true, "tags": ["datagen-twin-schema"]}`+"\n"))
}
