package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/objstore"
	"datagen/src/outdir"
	"datagen/src/plan"
)

// Index is the content of a split run's count index file,
// .index-of-01000.json in the output folder (`datagen index`): the run it
// was computed for, and the engine's count index. A part of that run
// that finds it in its output folder draws the child counts of its own
// parents only (docs/scale.md).
type Index struct {
	SchemaHash     string         `json:"schema_hash"`
	Seed           int64          `json:"seed"`
	FormatVersion  int            `json:"format_version"`
	DatagenVersion string         `json:"datagen_version"`
	Scale          float64        `json:"scale"`
	SampleRows     int64          `json:"dry_run_sample,omitempty"`
	Window         *outdir.Window `json:"window,omitempty"`
	engine.CountIndex
}

// BuildIndex computes the count index of the run of p that info and opts
// describe (opts.Parts parts).
func BuildIndex(ctx context.Context, p *plan.Plan, info outdir.RunInfo, opts engine.Options) (*Index, error) {
	ci, err := engine.BuildIndex(ctx, p, opts)
	if err != nil {
		return nil, err
	}
	return &Index{SchemaHash: "sha256:" + p.Schema.Hash(), Seed: info.Seed, FormatVersion: engine.FormatVersion,
		DatagenVersion: info.Version, Scale: info.Scale, SampleRows: info.SampleRows, Window: info.Window, CountIndex: *ci}, nil
}

// Marshal encodes x as indented JSON.
func (x *Index) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ReadIndex reads the count index of a run split into parts parts from
// folder, or returns nil when the folder has none.
func ReadIndex(ctx context.Context, folder outdir.Folder, parts int) (*Index, error) {
	name := outdir.IndexFile(parts)
	var x Index
	err := outdir.ReadJSON(ctx, folder, name, "a count index written by `datagen index`", &x)
	var bad *outdir.MalformedError
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, objstore.ErrNotFound):
		return nil, nil
	case errors.As(err, &bad):
		return nil, input.User(fmt.Errorf("%s: %w", folder, err))
	case err != nil:
		return nil, fmt.Errorf("reading the count index %s: %w", name, err)
	}
	return &x, nil
}

// Check returns a user error naming every way in which the run p and
// info differ from the run x was computed for, or nil.
func (x *Index) Check(p *plan.Plan, info outdir.RunInfo, where string) error {
	var diffs []string
	diff := func(what string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			diffs = append(diffs, fmt.Sprintf("%s %v, this run %v", what, got, want))
		}
	}
	diff("schema", x.SchemaHash, "sha256:"+p.Schema.Hash())
	diff("seed", x.Seed, info.Seed)
	diff("format version", x.FormatVersion, engine.FormatVersion)
	diff("scale", x.Scale, info.Scale)
	diff("--dry-run-sample", x.SampleRows, info.SampleRows)
	diff("parts", x.Parts, max(info.Part.N, 1))
	diff("window", x.Window.String(), info.Window.String())
	if len(diffs) == 0 {
		return nil
	}
	hint := ""
	if p.Schema.Timeframe.Open && until(x.Window) != until(info.Window) {
		hint = " (the timeline is open: give the index and every part the same --until)"
	}
	return input.User(fmt.Errorf("%s was computed for another run (%s): run `datagen index` again with this run's options, or remove it%s", where, strings.Join(diffs, "; "), hint))
}

// until is the end of window w, "" for none.
func until(w *outdir.Window) string {
	if w == nil {
		return ""
	}
	return w.Until
}
