package component

import (
	"context"
	"os"
	"path/filepath"

	"datagen/src/keboola/upload"
)

// DirectUpload is the UploadFunc of the datagen binary: it loads a run's
// tables straight into Storage (parameters.upload) with the destination,
// keys and types of their manifests, then empties the staged tables
// folder, so that out/tables is published empty and output mapping does
// not load the tables a second time. In a platform job it
// refuses to write from a development branch (see upload.Options.BranchID).
func DirectUpload(ctx context.Context, in UploadInput) error {
	_, err := upload.Run(ctx, upload.Options{
		URL: in.URL, Token: in.Token, Dir: in.TablesDir, DefaultBucket: in.DefaultBucket,
		Parallelism: upload.DefaultParallelism, SliceBytes: upload.DefaultSliceBytes,
		StateFile: filepath.Join(os.TempDir(), "datagen-upload-state.json"),
		Provider:  in.Env.ComponentID, RunID: in.Env.RunID, Logger: in.Log,
		BranchID: in.Env.BranchID, ProjectID: in.Env.ProjectID, StackID: in.Env.StackID,
	})
	if err != nil {
		return err // input.IsUser classifies it
	}
	entries, err := os.ReadDir(in.TablesDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == ".gitkeep" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(in.TablesDir, e.Name())); err != nil {
			return err
		}
	}
	in.Log.Info("Uploaded the tables directly; out/tables is left empty for output mapping")
	return nil
}
