package component

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"datagen/src/input"
)

// DataDir is the component's data folder (/data in Keboola).
type DataDir struct{ Root string }

// ConfigPath is data/config.json.
func (d DataDir) ConfigPath() string { return filepath.Join(d.Root, "config.json") }

// InState is data/in/state.json.
func (d DataDir) InState() string { return filepath.Join(d.Root, "in", "state.json") }

// InTables is data/in/tables, where input mapping puts tables.
func (d DataDir) InTables() string { return filepath.Join(d.Root, "in", "tables") }

// OutTables is data/out/tables.
func (d DataDir) OutTables() string { return filepath.Join(d.Root, "out", "tables") }

// OutFiles is data/out/files.
func (d DataDir) OutFiles() string { return filepath.Join(d.Root, "out", "files") }

// The entries of the out folder a run publishes.
const (
	tablesFolder = "tables"
	filesFolder  = "files"
	stateFile    = "state.json"
	usageFile    = "usage.json"
)

// Out is data/out, the folder a run publishes into in one transaction
// (package outdir); its scratch folder is the hidden sibling
// data/.out.datagen-tmp, outside data/out.
func (d DataDir) Out() string { return filepath.Join(d.Root, "out") }

// Prepare checks that the folder exists and holds config.json, and
// creates out/tables and out/files. Entries an earlier local run left in
// out/tables are replaced when this run commits (every file there is
// uploaded, so they must not linger), and stay if it fails.
func (d DataDir) Prepare() error {
	if err := checkFolder("data folder", d.Root, ": pass --data-dir or set KBC_DATADIR"); err != nil {
		return err
	}
	if _, err := os.Stat(d.ConfigPath()); err != nil {
		return input.Userf("%s is missing: the data folder must hold the configuration", d.ConfigPath())
	}
	for _, dir := range []string{d.OutTables(), d.OutFiles()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", dir, err)
		}
	}
	return nil
}

// ReadState returns in/state.json as an object; a missing or empty file,
// or [] (the platform writes an empty state so), is an empty state.
func (d DataDir) ReadState() (map[string]any, error) {
	data, err := os.ReadFile(d.InState())
	if errors.Is(err, os.ErrNotExist) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]any{}, nil
	}
	root, err := input.Parse(data)
	if err != nil || !root.IsObject() {
		return nil, input.Userf("in/state.json is not a JSON object")
	}
	if root.Kind == input.ArrayKind {
		// The platform writes the state without normalising it: an
		// empty state (the first run) arrives as [].
		return map[string]any{}, nil
	}
	var st map[string]any
	dec := json.NewDecoder(bytes.NewReader(root.Raw))
	dec.UseNumber() // numbers of other keys go back unchanged
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("reading state: %w", err)
	}
	return st, nil
}

// marshalJSON returns v as indented JSON with a final newline.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Metric is one entry of out/usage.json.
type Metric struct {
	Metric string `json:"metric"`
	Value  int64  `json:"value"`
}

// usageMetrics lists the generated row counts: the total and one metric
// per table ("rows.<table>"), in generation order.
func usageMetrics(tables []TableReport) []Metric {
	var total int64
	m := []Metric{{"rows", 0}, {"tables", int64(len(tables))}}
	for _, t := range tables {
		total += t.Rows
		m = append(m, Metric{"rows." + t.Table, t.Rows})
	}
	m[0].Value = total
	return m
}

// checkFolder reports, as a user error, that path (what, e.g. "data
// folder") does not exist, is not a folder or cannot be read; hint is
// appended to the message.
func checkFolder(what, path, hint string) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return nil
	case err == nil:
		return input.Userf("%s %s is not a folder%s", what, path, hint)
	case errors.Is(err, fs.ErrNotExist):
		return input.Userf("%s %s does not exist%s", what, path, hint)
	}
	return input.User(fmt.Errorf("%s: %w", what, err))
}
